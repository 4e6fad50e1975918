/**
 * Fault: the Podman API service dies (SIGKILL) in the middle of an apply of 10 pods, and is
 * restarted on the same socket. The kill lands at several points of the apply: before any
 * container start; inside the first container start, between Podman's mounts and its record of
 * them; during the starts of 4 pods in flight; and after a pod's starts. Each point is reached by
 * watching what happened, never by timing: kubeplay's own `-v` call log on its stderr (a line as
 * each call returns), the service's own debug log, or the pods' states in Podman; the service is
 * killed in the same turn of the event loop as the line arrives. What the kill left is checked first, to
 * show the point was hit; then what kubeplay said, and that the next apply converges: exit 0, every
 * pod created or unchanged (each exactly once), every pod Running with all its containers running,
 * no container left Created or in storage only; and a third apply changes nothing.
 *
 * The second point is where the remains that left pods missing come from (docs/reliability.md: an
 * infra container whose shm is mounted while Podman's record says it is not; removal skips the
 * unmount and fails on the busy shm). The kill there leaves a never-started infra with its shm
 * mounted (checked), but Podman's removal does not always fail on it: in 3 runs with the fix
 * taken out this point still converged. The failure itself was reproduced by hand (docs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  containersNotRunning,
  listContainers,
  podmanOk,
  podSummary,
  removePodsByPrefix,
  resultLines,
  runCli,
  sleeperPods,
  startCli,
  startPodmanService,
  storageOnlyContainers,
  useIsolatedPodman,
  waitUntil,
  type PodmanService,
  type RunningCli,
} from './support';

// This file starts its services itself: the test kills them.
const isolated = useIsolatedPodman({ service: false });
const { prefix, tmp } = isolated;
const services: PodmanService[] = [];
isolated.onCleanup('stop the Podman API services', async () => {
  // Restarted services first: the first service of each pair owns the socket's directory.
  for (const s of [...services].reverse()) await s.stop();
});

const PODS = 10;
const CONTAINERS = 3;
// One state directory for every scenario: its network and DNS server are made once, before them
// (beforeAll), so that each kill lands among the scenario's own pods, not on kubeplay's DNS pod.
const stateDir = join(tmp, 'state');

beforeAll(async () => {
  const warm = await startPodmanService();
  services.push(warm);
  const f = join(tmp, 'warm.yaml');
  writeFileSync(f, `apiVersion: v1\nkind: Pod\nmetadata: {name: ${prefix}-warm}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - {name: c, image: localhost/busybox:stable, command: [sleep, '3600']}\n`);
  const r = await runCli(['apply', '-f', f, '--state-dir', stateDir], { containerHost: warm.containerHost });
  if (r.code !== 0) throw new Error(`warming the network failed: ${r.stderr}`);
  await runCli(['delete', '-f', f, '--state-dir', stateDir], { containerHost: warm.containerHost });
});

// `-v` lines: "kubeplay: POST /v4.0.0/libpod/containers/create 201 12ms".
const CONTAINER_CREATED = /^kubeplay: POST \S*\/containers\/create 201 /m;
// A start call that returned, whichever it is (a pod's, or one container's).
const START_RETURNED = /^kubeplay: POST \S*\/(pods|containers)\/[^\s/]+\/start \d{3} /m;

/** Remains is what the dead service left of a scenario's pods, as Podman's storage tells it. */
interface Remains {
  /** pods that exist. */
  pods: number;
  /** containers (infra included) that run. */
  running: number;
  /** pods whose infra and every container run. */
  complete: number;
  /** pods that exist with some container (or the infra) not running, or missing. */
  halfMade: number;
}

async function remainsOf(scenario: string): Promise<Remains> {
  const byPod = new Map<string, string[]>();
  for (const c of await listContainers()) {
    if (!(c.PodName ?? '').startsWith(scenario)) continue;
    byPod.set(c.PodName, [...(byPod.get(c.PodName) ?? []), c.State]);
  }
  const states = [...byPod.values()];
  const complete = states.filter((s) => s.length === CONTAINERS + 1 && s.every((x) => x === 'running')).length;
  return {
    pods: Object.keys(await podSummary(scenario)).length,
    running: states.flat().filter((x) => x === 'running').length,
    complete,
    halfMade: states.length - complete,
  };
}

/**
 * mountedShmOfUnstartedInfra lists the pods of the scenario whose infra container never started
 * and yet has its /dev/shm tmpfs mounted (`.../overlay-containers/ID/userdata/shm` in the host's
 * mount table): what a start cut off between Podman's mount and its record of it leaves.
 */
async function mountedShmOfUnstartedInfra(scenario: string): Promise<string[]> {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  const states = new Map((await listContainers()).map((c) => [c.Id, c.State]));
  const pods = JSON.parse((await podmanOk(['pod', 'ps', '--format', 'json'])) || '[]') as Array<{ Name: string; InfraId?: string }>;
  return pods
    .filter((p) => p.Name.startsWith(scenario) && p.InfraId !== undefined && p.InfraId !== '')
    .filter((p) => states.get(p.InfraId ?? '') !== 'running' && mounts.includes(`/${p.InfraId ?? ''}/userdata/shm `))
    .map((p) => p.Name)
    .sort();
}

interface KillPoint {
  key: string;
  title: string;
  concurrency: number;
  /** Podman's log level for the first service: 'debug' when the point is a step it logs. */
  logLevel?: 'debug';
  /** Resolves when the apply has reached the point. */
  reached: (run: RunningCli, scenario: string, service: PodmanService) => Promise<unknown>;
  /** Checks that the kill landed there. */
  landed: (r: Remains, scenario: string) => Promise<void> | void;
}

const killPoints: KillPoint[] = [
  {
    key: 'a',
    title: 'before any container start (at the first container created)',
    concurrency: 4,
    reached: (run) => run.whenStderr(CONTAINER_CREATED),
    // Pods were made, with some containers, and nothing was started: a pod starts only after its
    // three containers are created, and the first of them just returned.
    landed: (r) => {
      expect(r.pods).toBeGreaterThan(0);
      expect(r.running).toBe(0);
    },
  },
  {
    key: 'b',
    title: "in the first container start, as Podman mounts the infra container's /dev/shm and root filesystem",
    concurrency: 4,
    logLevel: 'debug',
    // The first container Podman prepares is an infra container (a pod starts with it). It mounts
    // the shm tmpfs, then the root filesystem (the overlay driver logs this line as it does), and
    // records the container as mounted only once both and its network (netavark, still running
    // then) are done. The kill lands in between: the shm is mounted, the infra never started.
    reached: (_run, _scenario, service) => service.whenLogged(/overlay: mount_data=/),
    landed: async (r, scenario) => {
      expect(r.running).toBe(0);
      expect((await mountedShmOfUnstartedInfra(scenario)).length).toBeGreaterThan(0);
    },
  },
  {
    key: 'c',
    title: 'during the container starts, 4 pods in flight (at the first start call returned)',
    concurrency: 4,
    reached: (run) => run.whenStderr(START_RETURNED),
    // Something runs, and other pods were made but are not all started.
    landed: (r) => {
      expect(r.running).toBeGreaterThan(0);
      expect(r.halfMade).toBeGreaterThan(0);
    },
  },
  {
    key: 'd',
    title: "after a pod's container starts, one pod at a time (once a pod runs all its containers)",
    concurrency: 1,
    reached: (_run, scenario) => waitUntil('a pod running all its containers', async () => (await remainsOf(scenario)).complete > 0),
    // That pod is whole; kubeplay was on to the next one (or reporting this one).
    landed: (r) => {
      expect(r.complete).toBeGreaterThan(0);
      expect(r.pods).toBeLessThan(PODS);
    },
  },
];

test.each(killPoints)('the API service killed $title: kubeplay exits 1 naming what was not done; restarted on the same socket, the next apply converges', async (point) => {
  const scenario = `${prefix}-${point.key}`;
  const { yaml, names } = sleeperPods(scenario, PODS, { containers: CONTAINERS });
  const file = join(tmp, `${point.key}.yaml`);
  writeFileSync(file, yaml);

  const first = await startPodmanService(point.logLevel ? { logLevel: point.logLevel } : {});
  services.push(first);
  const run = startCli(['apply', '-v', '-f', file, `--concurrency=${point.concurrency}`, '--state-dir', stateDir], { containerHost: first.containerHost });
  await point.reached(run, scenario, first);
  process.kill(first.pid, 'SIGKILL');
  const r = await run.done;

  // Where the kill landed (Podman's storage answers without the service).
  await point.landed(await remainsOf(scenario), scenario);

  expect(r.code).toBe(1);
  const done = resultLines(r.stdout);
  expect(Object.values(done).every((v) => v === 'created')).toBe(true);
  const notDone = names.filter((n) => done[n] === undefined);
  expect(notDone.length).toBeGreaterThan(0);
  // Every pod not done has its own error line, naming the cause and what to do.
  for (const n of notDone) expect(r.stderr).toMatch(new RegExp(`^error: pod/${n}: .*(the connection to Podman was lost|does not answer)`, 'm'));
  expect(r.stderr).toMatch(/apply again/);

  // The service comes back where it was: kubeplay's CONTAINER_HOST does not change.
  const second = await startPodmanService({ socketPath: first.socketPath });
  services.push(second);
  const again = await runCli(['apply', '-f', file, '--state-dir', stateDir], { containerHost: first.containerHost });
  expect(again.stderr).toBe('');
  expect(again.code).toBe(0);
  const verbs = resultLines(again.stdout);
  expect(Object.keys(verbs).sort()).toEqual(names);
  // A pod reported done is unchanged; one not reported is made again (created), or unchanged when
  // it was whole although kubeplay never heard back (its last start's answer was cut off).
  for (const n of names) expect(done[n] === 'created' ? ['unchanged'] : ['created', 'unchanged']).toContain(verbs[n]);

  const pods = await podSummary(scenario);
  expect(Object.keys(pods).sort()).toEqual(names);
  expect(Object.values(pods).every((s) => s === 'Running')).toBe(true);
  expect(await containersNotRunning(scenario)).toEqual([]);
  // Nothing stray: each pod has its infra and its containers and no more, and no container of
  // these names is left in storage only.
  const perPod = new Map<string, number>();
  for (const c of await listContainers()) if ((c.PodName ?? '').startsWith(scenario)) perPod.set(c.PodName, (perPod.get(c.PodName) ?? 0) + 1);
  expect([...perPod.values()]).toEqual(names.map(() => CONTAINERS + 1));
  expect(await storageOnlyContainers(scenario)).toEqual([]);

  // And it is settled: a third apply changes nothing.
  expect(Object.values(resultLines((await runCli(['apply', '-f', file, '--state-dir', stateDir], { containerHost: first.containerHost })).stdout))).toEqual(names.map(() => 'unchanged'));

  await removePodsByPrefix(scenario);
  await second.stop();
});
