/**
 * logs against real Podman, through the real CLI: a two-container pod with and without -c (and
 * kubectl's note listing the choices), --tail, --all-containers --prefix, -f receiving a line
 * written after it started, -p on a restarted container, and kubectl's errors. Everything made
 * here is named with this run's prefix, lives on a private Podman service, and only that is
 * removed afterwards.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_IMAGE, podmanExec, repoRoot, runCli, useIsolatedPodman, type CliResult } from './support';

const isolated = useIsolatedPodman();
const { prefix, tmp } = isolated;
const pair = `${prefix}-pair`;
const crash = `${prefix}-crash`;
const sleeper = "trap 'exit 0' TERM; sleep 100000 & wait";

beforeAll(async () => {
  const file = join(tmp, 'pods.yaml');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Pod
metadata: {name: ${pair}, labels: {run: ${prefix}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: writer, image: ${TEST_IMAGE}, command: [sh, -c, "for i in 1 2 3 4 5; do echo writer line $i; done; echo writer error >&2; ${sleeper}"]}
  - {name: side, image: ${TEST_IMAGE}, command: [sh, -c, "echo side says hi; ${sleeper}"]}
---
apiVersion: v1
kind: Pod
metadata: {name: ${crash}, labels: {run: ${prefix}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  # Each run counts itself in an emptyDir that outlives the runs, so runs can be told apart.
  - name: app
    image: ${TEST_IMAGE}
    command: [sh, -c, "n=$(cat /data/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /data/n; echo run $n; sleep 2; exit 1"]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, emptyDir: {}}]
`,
  );
  const r = await runCli(['apply', '-f', file]);
  if (r.code !== 0) throw new Error(`apply failed: ${r.stderr}`);
});

/** Runs logs until `until` holds (containers write in their own time). */
async function logsUntil(args: string[], until: (r: CliResult) => boolean, timeoutMs = 60_000): Promise<CliResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await runCli(['logs', ...args]);
    if (until(r) || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 300));
  }
}

const allWriterLines = 'writer line 1\nwriter line 2\nwriter line 3\nwriter line 4\nwriter line 5\nwriter error\n';

test('no -c on a two-container pod: the first container, with kubectl\'s note listing the choices on stderr', async () => {
  const r = await logsUntil([pair], (x) => x.stdout.includes('writer error'));
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(allWriterLines);
  expect(r.stderr).toBe('Defaulted container "writer" out of: writer, side\n');
});

test('-c picks the container, with no note; pod/NAME works too', async () => {
  const r = await logsUntil([`pod/${pair}`, '-c', 'side'], (x) => x.stdout !== '');
  expect(r).toMatchObject({ code: 0, stdout: 'side says hi\n', stderr: '' });
});

test('--tail=N prints the last N lines', async () => {
  await logsUntil([pair, '-c', 'writer'], (x) => x.stdout.includes('writer error'));
  const r = await runCli(['logs', pair, '-c', 'writer', '--tail=2']);
  expect(r).toMatchObject({ code: 0, stdout: 'writer line 5\nwriter error\n' });
});

test('--all-containers --prefix: every container, each line marked [pod/NAME/CONTAINER]', async () => {
  const r = await logsUntil([pair, '--all-containers', '--prefix'], (x) => x.stdout.includes('side says hi') && x.stdout.includes('writer error'));
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(allWriterLines.split('\n').filter((l) => l !== '').map((l) => `[pod/${pair}/writer] ${l}\n`).join('') + `[pod/${pair}/side] side says hi\n`);
});

test('--timestamps puts the time of each line before it', async () => {
  const r = await runCli(['logs', pair, '-c', 'side', '--timestamps']);
  expect(r.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z side says hi\n$/);
});

test('-f receives a line written after it started, until it is interrupted', async () => {
  await logsUntil([pair, '-c', 'side'], (x) => x.stdout !== '');
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'kubeplay.js'), 'logs', '-f', pair, '-c', 'side'], {
    env: { ...process.env, CONTAINER_HOST: isolated.service.containerHost, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    waiters.forEach((w) => w());
  });
  const seen = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => out.includes(text) && resolve();
      waiters.push(check);
      child.once('exit', (code) => reject(new Error(`logs -f exited (${String(code)}) before printing ${JSON.stringify(text)}; it printed ${JSON.stringify(out)}`)));
      check();
    });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await seen('side says hi');
    // Written by the container's PID 1 stdout, so it goes into the container's log like any line.
    const w = await podmanExec(`${pair}-side`, ['sh', '-c', 'echo written later > /proc/1/fd/1']);
    expect(w.code).toBe(0);
    await seen('written later');
    expect(out).toBe('side says hi\nwritten later\n');
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
});

test('-p on a restarted container: the run before the current one; without -p only the current run', async () => {
  const ready = (x: CliResult) => x.code === 0 && /^run \d+\n$/.test(x.stdout);
  const previous = await logsUntil([crash, '-p'], ready);
  expect(previous.stdout).toMatch(/^run \d+\n$/);
  const current = await logsUntil([crash], ready);
  expect(current.stdout).toMatch(/^run \d+\n$/);
  expect(Number(current.stdout.split(' ')[1])).toBeGreaterThan(Number(previous.stdout.split(' ')[1]));
});

test('kubectl\'s errors: a pod that is not there, a container that is not in the pod, -p with no previous run', async () => {
  const missing = await runCli(['logs', `${prefix}-nope`]);
  expect(missing).toMatchObject({ code: 1, stdout: '', stderr: `Error from server (NotFound): pods "${prefix}-nope" not found\n` });
  const bad = await runCli(['logs', pair, '-c', 'db']);
  expect(bad).toMatchObject({ code: 1, stderr: `error: container db is not valid for pod ${pair}: choose one of: writer, side\n` });
  const noPrevious = await runCli(['logs', pair, '-c', 'side', '-p']);
  expect(noPrevious).toMatchObject({ code: 1, stderr: `Error from server (BadRequest): previous terminated container "side" in pod "${pair}" not found\n` });
});
