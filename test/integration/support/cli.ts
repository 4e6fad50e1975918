import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { runProcess, type ProcessResult } from './podman';
import { currentPodmanService } from './podman-service';
import { repoRoot } from './paths';

/**
 * testStateDir is where a test's kubeplay keeps its object store: beside this file's private
 * Podman service (removed with it), or, without one, a directory of this process. Never the
 * machine's own /var/lib/kubeplay.
 */
function testStateDir(): string {
  const service = currentPodmanService();
  if (service !== undefined) return path.join(path.dirname(service.socketPath), 'state');
  return path.join(os.tmpdir(), `kpt-state-${process.pid}`);
}

/** runId returns a short unique prefix such as `kpt-3f9a1c` for naming everything one test makes. */
export function runId(): string {
  return `kpt-${randomBytes(3).toString('hex')}`;
}

/** CliResult is what a kubeplay run produced: exit code (null if killed by a signal), stdout and stderr. */
export type CliResult = ProcessResult;

/** RunCliOptions: stdin text, extra environment (a key set to undefined is removed), cwd, service and time limit. */
export interface RunCliOptions {
  stdin?: string;
  env?: Record<string, string | undefined>;
  /** cwd defaults to the repository root, so `-f examples/...` works. */
  cwd?: string;
  /** containerHost defaults to the service startPodmanService() started in this test file. */
  containerHost?: string;
  timeoutMs?: number;
}

const cliPath = path.join(repoRoot, 'bin', 'kubeplay.js');
const builtMain = path.join(repoRoot, 'dist', 'cli', 'main.js');
let buildChecked = false;

function newestMtime(dir: string): { file: string; mtimeMs: number } {
  let best = { file: '', mtimeMs: 0 };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const cand = entry.isDirectory() ? newestMtime(full) : { file: full, mtimeMs: fs.statSync(full).mtimeMs };
    if (cand.mtimeMs > best.mtimeMs) best = cand;
  }
  return best;
}

// The integration tests run the built CLI (what users run), so a missing or stale dist/ would
// silently test old code. Checked once per test file.
function assertBuildIsCurrent(): void {
  if (buildChecked) return;
  if (!fs.existsSync(builtMain)) {
    throw new Error(
      `${path.relative(repoRoot, builtMain)} is missing, and integration tests run the built CLI. ` +
        'Run npm run build (bash scripts/setup.sh does it), then rerun the tests.',
    );
  }
  const built = fs.statSync(builtMain).mtimeMs;
  const newest = newestMtime(path.join(repoRoot, 'src'));
  if (newest.mtimeMs > built) {
    throw new Error(
      `${path.relative(repoRoot, newest.file)} changed after the last build, so dist/ is stale and the ` +
        'integration tests would run old code. Run npm run build, then rerun the tests.',
    );
  }
  buildChecked = true;
}

/**
 * runCli runs `node bin/kubeplay.js ...args` against this test file's private Podman service
 * (CONTAINER_HOST) with NO_COLOR=1, and resolves with its exit code and output; it never rejects
 * on a non-zero exit. Start the service first with startPodmanService(), or pass containerHost,
 * or set env.CONTAINER_HOST yourself (undefined removes it).
 */
export async function runCli(args: readonly string[], opts: RunCliOptions = {}): Promise<CliResult> {
  assertBuildIsCurrent();
  const extra = opts.env ?? {};
  const containerHost = opts.containerHost ?? currentPodmanService()?.containerHost;
  if (containerHost === undefined && !('CONTAINER_HOST' in extra)) {
    throw new Error(
      'runCli has no Podman service to point kubeplay at: call startPodmanService() in beforeAll, ' +
        'or pass containerHost, or set env.CONTAINER_HOST explicitly (undefined to remove it).',
    );
  }
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined };
  if (containerHost !== undefined) env['CONTAINER_HOST'] = containerHost;
  env['KUBEPLAY_STATE_DIR'] = testStateDir();
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const runOpts = { env, cwd: opts.cwd ?? repoRoot, timeoutMs: opts.timeoutMs ?? 120_000 };
  return runProcess(process.execPath, [cliPath, ...args], opts.stdin === undefined ? runOpts : { ...runOpts, stdin: opts.stdin });
}

/** RunningCli is a kubeplay started by startCli: signal it, watch its output, await its end. */
export interface RunningCli {
  pid: number;
  /** Sends a signal to the kubeplay process. */
  kill(signal: NodeJS.Signals): void;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /**
   * whenStderr resolves as soon as the stderr so far matches pattern, in the same turn of the event
   * loop as the output arrived (a test acting on it, say killing the Podman service at a given call
   * of the `-v` log, acts before kubeplay can make its next call); it rejects if kubeplay exits first.
   */
  whenStderr(pattern: RegExp): Promise<void>;
  /** Resolves when it has exited, as runCli does. */
  done: Promise<CliResult>;
}

/**
 * startCli starts kubeplay like runCli but does not wait for it, so a test can act while it runs
 * (kill the Podman service, interrupt kubeplay, start a second one). Await `done` before the test ends.
 */
export function startCli(args: readonly string[], opts: RunCliOptions = {}): RunningCli {
  assertBuildIsCurrent();
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined };
  const containerHost = opts.containerHost ?? currentPodmanService()?.containerHost;
  if (containerHost === undefined) throw new Error('startCli has no Podman service: call startPodmanService() in beforeAll, or pass containerHost.');
  env['CONTAINER_HOST'] = containerHost;
  env['KUBEPLAY_STATE_DIR'] = testStateDir();
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: opts.cwd ?? repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers: Array<{ pattern: RegExp; resolve: () => void; reject: (e: Error) => void }> = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const w of watchers.splice(0)) {
      if (w.pattern.test(stderr)) w.resolve();
      else watchers.push(w);
    }
  });
  child.on('close', () => {
    for (const w of watchers.splice(0)) w.reject(new Error(`kubeplay ${args.join(' ')} exited before its stderr matched ${String(w.pattern)}.\nstderr:\n${stderr}`));
  });
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kubeplay ${args.join(' ')} did not finish within ${timeoutMs} ms and was killed.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    pid: child.pid ?? -1,
    kill: (signal) => child.kill(signal),
    stdout: () => stdout,
    stderr: () => stderr,
    whenStderr: (pattern) =>
      pattern.test(stderr) ? Promise.resolve() : new Promise<void>((resolve, reject) => watchers.push({ pattern, resolve, reject })),
    done,
  };
}

/**
 * waitUntil polls `check` every 50 ms until it returns a value other than undefined or false, and
 * resolves with it; it rejects, naming `what`, after timeoutMs (default 60 s). For triggers in
 * tests (act once a pod exists), never for asserting how long something took.
 */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}, in vain`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
