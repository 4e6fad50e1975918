/**
 * exec against real Podman, through the real CLI: a command's non-zero exit status passed
 * through, stdin read with -i, an interactive `sh` under a real pseudo-terminal (tmux, on a
 * private server socket) that a test types into and reads from, and kubectl's errors. Everything
 * made here is named with this run's prefix, lives on a private Podman service, and only that
 * is removed afterwards.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_IMAGE, repoRoot, runCli, runProcess, useIsolatedPodman } from './support';

const isolated = useIsolatedPodman();
const { prefix, tmp } = isolated;
const pair = `${prefix}-pair`;
const done = `${prefix}-done`;
const sleeper = "trap 'exit 0' TERM; sleep 100000 & wait";
// A tmux server of this run only, on a socket in this run's directory, so other tmux sessions
// on the machine are never touched and nothing is left behind.
const tmuxSocket = join(tmp, 'tmux.sock');
const tmux = (args: string[]) => runProcess('tmux', ['-S', tmuxSocket, ...args], { timeoutMs: 10_000 });
// Before tmp goes: the server is reached through its socket there.
isolated.onCleanup('stop the tmux server', () => tmux(['kill-server']));

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
  - {name: app, image: ${TEST_IMAGE}, command: [sh, -c, "${sleeper}"]}
  - {name: side, image: ${TEST_IMAGE}, command: [sh, -c, "${sleeper}"]}
---
apiVersion: v1
kind: Pod
metadata: {name: ${done}, labels: {run: ${prefix}}}
spec:
  restartPolicy: Never
  containers:
  - {name: job, image: ${TEST_IMAGE}, command: [sh, -c, "true"]}
`,
  );
  const r = await runCli(['apply', '-f', file]);
  if (r.code !== 0) throw new Error(`apply failed: ${r.stderr}`);
});

test('the command\'s exit status is kubeplay\'s, its stdout and stderr stay apart, kubectl\'s note names the status', async () => {
  const r = await runCli(['exec', pair, '-c', 'side', '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
  expect(r.code).toBe(7);
  expect(r.stdout).toBe('out\n');
  expect(r.stderr).toBe('err\ncommand terminated with exit code 7\n');
});

test('no -c on a two-container pod: the first container, with kubectl\'s note; a zero status is exit 0', async () => {
  const r = await runCli(['exec', pair, '--', 'hostname']);
  expect(r).toMatchObject({ code: 0, stdout: `${pair}\n`, stderr: 'Defaulted container "app" out of: app, side\n' });
});

test('-i passes stdin to the command, and its end ends the command\'s input', async () => {
  const r = await runCli(['exec', '-i', pair, '-c', 'app', '--', 'tr', 'a-z', 'A-Z'], { stdin: 'hello\nworld\n' });
  expect(r).toMatchObject({ code: 0, stdout: 'HELLO\nWORLD\n', stderr: '' });
});

test('-it gives an interactive sh a terminal: a typed command runs and its output comes back, with the terminal\'s size', async () => {
  const session = `${prefix}-sh`;
  const cmd = `env CONTAINER_HOST=${isolated.service.containerHost} NO_COLOR=1 ${process.execPath} ${join(repoRoot, 'bin', 'kubeplay.js')} exec -it ${pair} -c app -- sh; echo "kubeplay exited $?"; sleep 600`;
  const started = await tmux(['new-session', '-d', '-s', session, '-x', '100', '-y', '30', cmd]);
  expect(started.code).toBe(0);
  // The pane's lines are padded with spaces to its width.
  const screen = async () => (await tmux(['capture-pane', '-p', '-t', session])).stdout.replace(/ +$/gm, '');
  const waitFor = async (re: RegExp): Promise<string> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = await screen();
      if (re.test(s) || Date.now() > deadline) return s;
      await new Promise((res) => setTimeout(res, 200));
    }
  };
  expect(await waitFor(/^\/ #$/m)).toMatch(/^\/ #$/m);
  await tmux(['send-keys', '-t', session, 'echo $((6*7)) $(stty size) $(tty)', 'Enter']);
  const answered = await waitFor(/^42 30 100 \/dev\/pts\/\d+$/m);
  expect(answered).toMatch(/^42 30 100 \/dev\/pts\/\d+$/m);
  await tmux(['send-keys', '-t', session, 'exit 5', 'Enter']);
  const ended = await waitFor(/kubeplay exited \d+/);
  expect(ended).toMatch(/command terminated with exit code 5\n\s*kubeplay exited 5/);
  await tmux(['kill-session', '-t', session]);
});

test('kubectl\'s errors: a pod that is not there, a container not in the pod, a completed pod, no command', async () => {
  expect(await runCli(['exec', `${prefix}-nope`, '--', 'true'])).toMatchObject({ code: 1, stderr: `Error from server (NotFound): pods "${prefix}-nope" not found\n` });
  expect(await runCli(['exec', pair, '-c', 'db', '--', 'true'])).toMatchObject({ code: 1, stderr: `error: container db is not valid for pod ${pair}: choose one of: app, side\n` });
  // Wait for the job to finish: Podman runs it in its own time.
  const deadline = Date.now() + 30_000;
  let r = await runCli(['exec', done, '--', 'true']);
  while (!r.stderr.includes('completed pod') && Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, 300));
    r = await runCli(['exec', done, '--', 'true']);
  }
  expect(r).toMatchObject({ code: 1, stderr: 'error: cannot exec into a container in a completed pod; current phase is Succeeded\n' });
  const none = await runCli(['exec', pair]);
  expect(none.code).toBe(1);
  expect(none.stderr).toMatch(/^error: you must specify at least one command for the container/);
});
