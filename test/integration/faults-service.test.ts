/**
 * Fault: the Podman API service dies in the middle of an apply of 10 pods. The test starts its
 * own service, kills it (SIGKILL) once a few pods exist, and checks what kubeplay said and that the
 * next apply, on a restarted service, converges: every pod created or unchanged, each exactly once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  containersNotRunning,
  podSummary,
  resultLines,
  runCli,
  sleeperPods,
  startCli,
  startPodmanService,
  useIsolatedPodman,
  waitUntil,
  type PodmanService,
} from './support';

// This file starts its services itself: the test kills the first one.
const isolated = useIsolatedPodman({ service: false });
const { prefix, tmp } = isolated;
const services: PodmanService[] = [];
isolated.onCleanup('stop the Podman API services', async () => {
  for (const s of services) await s.stop();
});

test('the API service dies half-way: kubeplay says which pods were done and which not, exits 1; the next apply converges', async () => {
  const first = await startPodmanService();
  services.push(first);
  // Three containers a pod, one pod at a time: each pod takes a while, so the kill lands mid-run.
  const { yaml, names } = sleeperPods(prefix, 10, { containers: 3 });
  const file = join(tmp, 'ten.yaml');
  writeFileSync(file, yaml);

  const run = startCli(['apply', '-f', file, '--concurrency=1']);
  await waitUntil('two pods to exist', async () => Object.keys(await podSummary(prefix)).length >= 2);
  process.kill(first.pid, 'SIGKILL');
  const r = await run.done;

  expect(r.code).toBe(1);
  const done = resultLines(r.stdout);
  expect(Object.values(done).every((v) => v === 'created')).toBe(true);
  const notDone = names.filter((n) => done[n] === undefined);
  expect(notDone.length).toBeGreaterThan(0);
  // Every pod not done has its own error line, naming the cause and what to do.
  for (const n of notDone) expect(r.stderr).toMatch(new RegExp(`^error: pod/${n}: .*(the connection to Podman was lost|does not answer)`, 'm'));
  expect(r.stderr).toMatch(/apply again/);

  const second = await startPodmanService();
  services.push(second);
  const again = await runCli(['apply', '-f', file]);
  expect(again.stderr).toBe('');
  expect(again.code).toBe(0);
  const verbs = resultLines(again.stdout);
  expect(Object.keys(verbs).sort()).toEqual(names);
  // A pod done before the kill is unchanged; every other one (half-made or never begun) is created.
  for (const n of names) expect(verbs[n]).toBe(done[n] === 'created' ? 'unchanged' : 'created');
  const pods = await podSummary(prefix);
  expect(Object.keys(pods).sort()).toEqual(names);
  expect(Object.values(pods).every((s) => s === 'Running')).toBe(true);
  expect(await containersNotRunning(prefix)).toEqual([]);
  // And it is settled: a third apply changes nothing.
  expect(Object.values(resultLines((await runCli(['apply', '-f', file])).stdout))).toEqual(names.map(() => 'unchanged'));
});
