/**
 * The background half of a pod's start (execute/start-sequence.ts): apply starts a pod's
 * containers in order itself for a few seconds; when an init container still runs then, it spawns
 * `kubeplay __start-sequence SPEC`, a detached kubeplay process that waits for that init container,
 * starts the rest in order and exits. It holds the pod's start lock while it runs, so a later
 * apply sees the pod as starting, not as cut off. The command is hidden: kubeplay runs it, not users.
 */
import type { CommandModule } from 'yargs';
import type { StartSequence } from '../../plan/plan';
import type { ContainerEngine } from '../../engine/container-engine';
import type { StartInBackground } from '../../execute/execute-plan';
import type { Io } from '../main';

/** StartSpec is what apply hands the background process, as base64 JSON on its command line. */
interface StartSpec {
  socketPath: string;
  sequence: StartSequence;
  resumeAt: number;
}

/** READY is the line the background process prints once it holds the pod's start lock. */
const READY = 'kubeplay-start-sequence: holding the lock';
/** How long apply waits for the background process to take over before it calls the start failed. */
const TAKE_OVER_SECONDS = 20;

/** backgroundStarter returns apply's StartInBackground for a Podman socket: it spawns the hidden command. */
export function backgroundStarter(socketPath: string, env: NodeJS.ProcessEnv): StartInBackground {
  return async (sequence, resumeAt) => {
    const { spawn } = await import('node:child_process');
    const path = await import('node:path');
    const spec: StartSpec = { socketPath, sequence, resumeAt };
    const entry = path.join(__dirname, '..', '..', '..', 'bin', 'kubeplay.js');
    const child = spawn(process.execPath, [entry, '__start-sequence', Buffer.from(JSON.stringify(spec)).toString('base64')], {
      detached: true,
      // From /: a process that outlives apply must not hold the directory it was started in.
      cwd: '/',
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => fail(`it did not take over within ${TAKE_OVER_SECONDS} s`), TAKE_OVER_SECONDS * 1000);
      const fail = (why: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`pod ${sequence.pod}: cannot finish its start in the background: ${why}; apply again`));
      };
      child.once('error', (e) => fail(e.message));
      child.once('exit', (code) => fail(`the background kubeplay exited with ${String(code)} before taking over`));
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        out += d;
        if (!out.includes(READY)) return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stdout.destroy();
        child.unref();
        resolve();
      });
    });
  };
}

/** startSequenceCommand is the hidden `__start-sequence SPEC` command (see the module comment). */
export function startSequenceCommand(io: Io, makeEngine: (socketPath: string) => ContainerEngine): CommandModule {
  return {
    command: '__start-sequence <spec>',
    describe: false,
    handler: async (argv) => {
      const spec = JSON.parse(Buffer.from(String(argv['spec']), 'base64').toString('utf8')) as StartSpec;
      const { startLockAddress, tryLockAt } = await import('../../engine/connection-lock');
      const held = await tryLockAt(startLockAddress(spec.socketPath, spec.sequence.pod));
      if (held === undefined) return; // another one is finishing this pod's start
      io.stdout.write(`${READY}\n`);
      const { continueStartSequence } = await import('../../execute/start-sequence');
      try {
        await continueStartSequence(makeEngine(spec.socketPath), spec.sequence, spec.resumeAt, (ms) => new Promise((r) => setTimeout(r, ms)));
      } finally {
        await held.release();
      }
    },
  };
}
