/**
 * get pods against real Podman, through the real CLI: selectors, the columns for running,
 * completed, crash-looping and initialising pods, every output format, pods made by other
 * tools, NotFound, and -w. Everything made here is named with this run's prefix, lives on a
 * private Podman service, and only that is removed afterwards.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { TEST_IMAGE, podmanOk, repoRoot, runCli, useIsolatedPodman, type CliResult } from './support';

const isolated = useIsolatedPodman();
const { prefix, tmp } = isolated;
// Every pod here carries `run: <prefix>`, so selectors never reach other people's pods.
const RUN = `run=${prefix}`;

const sleeper = "trap 'exit 0' TERM; sleep 100000 & wait";

interface PodSpec {
  name: string;
  labels?: Record<string, string>;
  restartPolicy?: string;
  containers?: Array<{ name: string; command: string }>;
  init?: Array<{ name: string; command: string }>;
}

function manifest(p: PodSpec): string {
  const labels = { run: prefix, ...(p.labels ?? {}) };
  const ctr = (c: { name: string; command: string }) => `  - name: ${c.name}\n    image: ${TEST_IMAGE}\n    command: [sh, -c, ${JSON.stringify(c.command)}]\n`;
  return (
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${prefix}-${p.name}\n  labels:\n` +
    Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"\n`).join('') +
    `spec:\n  terminationGracePeriodSeconds: 1\n` +
    (p.restartPolicy ? `  restartPolicy: ${p.restartPolicy}\n` : '') +
    (p.init ? `  initContainers:\n${p.init.map(ctr).join('')}` : '') +
    `  containers:\n${(p.containers ?? [{ name: 'app', command: sleeper }]).map(ctr).join('')}`
  );
}

function file(name: string, pods: PodSpec[]): string {
  const path = join(tmp, name);
  writeFileSync(path, pods.map(manifest).join('---\n'));
  return path;
}

async function applyOk(path: string): Promise<void> {
  const r = await runCli(['apply', '-f', path]);
  if (r.code !== 0) throw new Error(`apply failed: ${r.stderr}`);
}

/** Column cells of each table row, by pod name (prefix removed). */
function rows(out: string): Record<string, string[]> {
  const lines = out.trim().split('\n').slice(1);
  return Object.fromEntries(lines.filter((l) => l !== '').map((l) => {
    const cells = l.split(/\s{2,}/);
    return [cells[0]!.replace(`${prefix}-`, ''), cells.slice(1)];
  }));
}

/** Runs get until `until` holds for its result (the cluster settles in its own time). */
async function getUntil(args: string[], until: (r: CliResult) => boolean, timeoutMs = 30_000): Promise<CliResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await runCli(['get', ...args]);
    if (until(r) || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 500));
  }
}

describe('selectors over five labelled pods', () => {
  beforeAll(async () => {
    await applyOk(
      file('five.yaml', [
        { name: 's1', labels: { app: 'front', tier: 'web' } },
        { name: 's2', labels: { app: 'front', tier: 'edge', canary: 'true' } },
        { name: 's3', labels: { app: 'back', tier: 'db' } },
        { name: 's4', labels: { app: 'back' } },
        { name: 's5', labels: { team: 'ops' } },
      ]),
    );
  });

  test.each([
    ['app=front', 's1 s2'],
    ['app==back', 's3 s4'],
    ['app!=front', 's3 s4 s5'],
    ['tier in (web,db)', 's1 s3'],
    ['tier notin (web,db)', 's2 s4 s5'],
    ['canary', 's2'],
    ['!tier', 's4 s5'],
    ['app=front,tier!=web', 's2'],
  ])('-l %s', async (sel, want) => {
    // Once with a key=value term Podman filters on, once with none (kubeplay matches it all).
    for (const scope of [RUN, `run in (${prefix})`]) {
      const r = await runCli(['get', 'pods', '-l', `${scope},${sel}`, '-o', 'name']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(want.split(' ').map((n) => `pod/${prefix}-${n}\n`).join(''));
    }
  });

  test('nothing matches: "No resources found." on stderr, exit 0', async () => {
    const r = await runCli(['get', 'pods', '-l', `${RUN},app=nobody`]);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
  });

  test('a malformed selector points at the offending part', async () => {
    const r = await runCli(['get', 'pods', '-l', 'app in (a,']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('invalid label selector "app in (a,"');
    expect(r.stderr).toContain('^');
  });

  test('--show-labels, -L, --no-headers, the aliases and --field-selector', async () => {
    const r = await runCli(['get', 'po', '-l', `${RUN},app`, '--show-labels', '-L', 'tier']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE +TIER +LABELS$/);
    expect(lines[1]).toMatch(new RegExp(`^${prefix}-s1 +1/1 +Running +0 +\\d+s +web +app=front,run=${prefix},tier=web$`));
    const nh = await runCli(['get', 'pod', '-l', `${RUN},app=back`, '--no-headers']);
    expect(nh.stdout.split('\n')[0]).toMatch(new RegExp(`^${prefix}-s3 `));
    const fs = await runCli(['get', 'pods', '--field-selector', `metadata.name=${prefix}-s4,status.phase=Running`, '-o', 'name']);
    expect(fs.stdout).toBe(`pod/${prefix}-s4\n`);
    const bad = await runCli(['get', 'pods', '--field-selector', 'spec.foo=1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('field label not supported: spec.foo');
  });

  test('by name (in the order given), a missing name is NotFound with exit 1, and -f', async () => {
    const r = await runCli(['get', 'pods', `${prefix}-s2`, `${prefix}-nope`, `${prefix}-s1`, '-o', 'name']);
    expect(r.stdout).toBe(`pod/${prefix}-s2\npod/${prefix}-s1\n`);
    expect(r.stderr).toBe(`Error from server (NotFound): pods "${prefix}-nope" not found\n`);
    expect(r.code).toBe(1);
    const f = await runCli(['get', '-f', join(tmp, 'five.yaml'), '-o', 'name']);
    expect(f.stdout).toBe(['s1', 's2', 's3', 's4', 's5'].map((n) => `pod/${prefix}-${n}\n`).join(''));
    expect(f.code).toBe(0);
  });
});

describe('columns and objects', () => {
  beforeAll(async () => {
    await applyOk(
      file('states.yaml', [
        { name: 'running', labels: { app: 'states' } },
        { name: 'done', labels: { app: 'states' }, restartPolicy: 'Never', containers: [{ name: 'job', command: 'echo done' }] },
        {
          name: 'crashy',
          labels: { app: 'states' },
          containers: [
            { name: 'web', command: sleeper },
            { name: 'crash', command: 'sleep 1; exit 3' },
          ],
        },
      ]),
    );
  });

  test('running, Completed and CrashLoopBackOff rows', async () => {
    const r = await getUntil(['pods', '-l', `${RUN},app=states`], (x) => {
      const t = rows(x.stdout);
      return t['done']?.[1] === 'Completed' && /^[1-9]\d* \(\d+s ago\)$/.test(t['crashy']?.[2] ?? '');
    });
    const t = rows(r.stdout);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE$/);
    expect(t['running']?.slice(0, 3)).toEqual(['1/1', 'Running', '0']);
    expect(t['done']?.slice(0, 3)).toEqual(['0/1', 'Completed', '0']);
    expect(t['crashy']?.slice(0, 2)).toEqual(['1/2', 'CrashLoopBackOff']);
    expect(t['crashy']?.[2]).toMatch(/^[1-9]\d* \(\d+s ago\)$/);
    expect(t['running']?.[3]).toMatch(/^\d+s$/);
  });

  test('-o json renders a real v1 Pod, checked field by field against Podman', async () => {
    const name = `${prefix}-running`;
    const r = await runCli(['get', 'pod', name, '-o', 'json']);
    expect(r.code).toBe(0);
    const pod = JSON.parse(r.stdout);
    expect(pod.apiVersion).toBe('v1');
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata.name).toBe(name);
    expect(pod.metadata.namespace).toBe('default');
    expect(pod.metadata.labels).toEqual({ app: 'states', run: prefix });
    const applied = JSON.parse(pod.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    expect(applied.metadata.name).toBe(name);
    expect(pod.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(pod.spec.containers).toEqual([{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', sleeper] }]);
    expect(pod.spec.terminationGracePeriodSeconds).toBe(1);
    // On kubeplay's network (a named one) the address is under Networks, not the top-level IPAddress.
    const ip = (await podmanOk(['inspect', `${name}-app`, '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}'])).trim();
    expect(pod.status.phase).toBe('Running');
    expect(pod.status.podIP).toBe(ip);
    expect(pod.status.podIPs).toEqual([{ ip }]);
    expect(pod.status.startTime).toMatch(/Z$/);
    // Ready since its container started (no readiness probe): the time controllers read for minReadySeconds.
    expect(pod.status.conditions).toContainEqual({ type: 'Ready', status: 'True', lastTransitionTime: expect.stringMatching(/Z$/) as unknown });
    const [cs] = pod.status.containerStatuses;
    expect(cs.name).toBe('app');
    expect(cs.image).toBe(TEST_IMAGE);
    expect(cs.ready).toBe(true);
    expect(cs.restartCount).toBe(0);
    expect(cs.containerID).toBe(`podman://${(await podmanOk(['inspect', `${name}-app`, '--format', '{{.Id}}'])).trim()}`);
    const started = (await podmanOk(['inspect', `${name}-app`, '--format', '{{.State.StartedAt.Unix}}'])).trim();
    expect(Date.parse(cs.state.running.startedAt) / 1000).toBe(Number(started));

    const crash = JSON.parse((await runCli(['get', 'pod', `${prefix}-crashy`, '-o', 'json'])).stdout);
    const c = crash.status.containerStatuses.find((x: { name: string }) => x.name === 'crash');
    expect(c.restartCount).toBeGreaterThan(0);
    expect(c.ready).toBe(false);
    expect(c.state.waiting.reason).toBe('CrashLoopBackOff');
    const done = JSON.parse((await runCli(['get', 'pod', `${prefix}-done`, '-o', 'json'])).stdout);
    expect(done.status.phase).toBe('Succeeded');
    expect(done.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  test('several pods render as kind: List, in json and yaml alike; -o wide has the IP; jsonpath', async () => {
    const json = JSON.parse((await runCli(['get', 'pods', '-l', `${RUN},app=states`, '-o', 'json'])).stdout);
    expect(json.kind).toBe('List');
    expect(json.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual([`${prefix}-crashy`, `${prefix}-done`, `${prefix}-running`]);
    const yaml = parseYaml((await runCli(['get', 'pods', '-l', `${RUN},app=states`, '-o', 'yaml'])).stdout);
    expect(yaml.kind).toBe('List');
    expect(yaml.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(json.items.map((p: { metadata: { name: string } }) => p.metadata.name));
    const ip = json.items[2].status.podIP as string;
    const wide = await runCli(['get', 'pods', `${prefix}-running`, '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES$/);
    expect(wide.stdout.split('\n')[1]).toContain(` ${ip} `);
    const jp = await runCli(['get', 'pods', '-l', `${RUN},app=states`, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.phase}{"\\n"}{end}']);
    expect(jp.stdout).toBe(`${prefix}-crashy=Running\n${prefix}-done=Succeeded\n${prefix}-running=Running\n`);
  });
});

test('an init container that is running shows Init:0/1, then the pod runs', async () => {
  const path = file('init.yaml', [{ name: 'init', labels: { app: 'init' }, init: [{ name: 'wait', command: 'sleep 6' }] }]);
  // apply waits up to 5 s for the init container, then leaves it to a background kubeplay; get looks meanwhile.
  const applying = runCli(['apply', '-f', path]);
  const during = await getUntil(['pods', `${prefix}-init`], (r) => rows(r.stdout)['init']?.[1] === 'Init:0/1', 20_000);
  expect(rows(during.stdout)['init']?.slice(0, 2)).toEqual(['0/1', 'Init:0/1']);
  expect((await applying).code).toBe(0);
  await getUntil(['pods', `${prefix}-init`], (r) => rows(r.stdout)['init']?.[1] === 'Running', 30_000);
  const after = await runCli(['get', 'pods', `${prefix}-init`, '-o', 'json']);
  const pod = JSON.parse(after.stdout);
  expect(pod.status.initContainerStatuses[0]).toMatchObject({ name: 'wait', state: { terminated: { exitCode: 0, reason: 'Completed' } } });
  expect(rows((await runCli(['get', 'pods', `${prefix}-init`])).stdout)['init']?.slice(0, 2)).toEqual(['1/1', 'Running']);
});

test('a pod made by another tool is listed with what Podman knows', async () => {
  const name = `${prefix}-foreign`;
  await podmanOk(['pod', 'create', '--name', name, '--label', `run=${prefix}`, '--label', 'made-by=hand']);
  await podmanOk(['run', '-d', '--pod', name, '--name', `${name}-box`, TEST_IMAGE, 'sleep', '100000']);
  const r = await runCli(['get', 'pods', '-l', `${RUN},made-by=hand`]);
  expect(rows(r.stdout)['foreign']?.slice(0, 3)).toEqual(['1/1', 'Running', '0']);
  const pod = JSON.parse((await runCli(['get', 'pod', name, '-o', 'json'])).stdout);
  expect(pod.metadata.labels).toEqual({ run: prefix, 'made-by': 'hand' });
  expect(pod.spec.containers).toEqual([{ name: `${name}-box`, image: TEST_IMAGE }]);
  expect(pod.status.containerStatuses[0]).toMatchObject({ name: `${name}-box`, ready: true });
});

test('-w prints a new row when the pod changes, until interrupted', async () => {
  await applyOk(file('watch.yaml', [{ name: 'watched', labels: { app: 'watch' } }]));
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'kubeplay.js'), 'get', 'pods', '-l', `${RUN},app=watch`, '-w', '--watch-interval', '0.5'], {
    env: { ...process.env, CONTAINER_HOST: isolated.service.containerHost, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  const waitFor = async (pred: () => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout:\n${out}\nstderr:\n${err}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  };
  try {
    await waitFor(() => out.includes('Running'), 'the first table');
    expect(out.split('\n')[0]).toMatch(/^NAME +READY +STATUS/);
    // Stopping the container by hand: Podman does not restart a container its user stopped.
    await podmanOk(['stop', '-t', '1', `${prefix}-watched-app`]);
    await waitFor(() => out.trim().split('\n').length >= 3, 'a new row');
    const last = out.trim().split('\n').pop()!;
    expect(last).toMatch(new RegExp(`^${prefix}-watched +0/1 +(Completed|Error) +0 +`));
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
  expect(err).toBe('');
});
