/**
 * Finds a Podman API socket that answers, or starts a private `podman system service`.
 *
 * Candidates, in order (Podman's own clients look in the same places):
 *   1. CONTAINER_HOST (unix://path only). Set but silent is an error, not a fall-through: the
 *      user named a service, and silently talking to another one would act on the wrong
 *      containers (the podman CLI errors the same way).
 *   2. kubeplay's private socket, started by an earlier run (/run/kubeplay for root,
 *      $XDG_RUNTIME_DIR/kubeplay otherwise, else <tmpdir>/kubeplay-<uid>).
 *   3. The rootful system socket /run/podman/podman.sock (root only).
 *   4. The rootless socket $XDG_RUNTIME_DIR/podman/podman.sock (non-root only).
 * A candidate counts only if `GET /_ping` answers within a second. When none does, kubeplay
 * starts `podman system service --time=<idle>` on the private socket, detached, so later runs
 * reuse it until it has been idle that long.
 *
 * Talks HTTP with node:http directly: this runs before every engine command, and loading
 * dockerode here would cost start-up time for nothing.
 */
import { chmod, lstat, mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../domain/errors';

/** ConnectOptions configures connectEngineSocket. */
export interface ConnectOptions {
  env: NodeJS.ProcessEnv;
  /** Receives one line per step (the CLI shows them with -v). */
  log: (line: string) => void;
  /** Idle seconds after which a service kubeplay started exits by itself. Default 60. */
  serviceIdleSeconds?: number;
  /** Whether to look for and place sockets as root does. Default: the process runs as uid 0. */
  rootful?: boolean;
  /** The podman executable to start the service with. Default `podman` (found on PATH). */
  podmanCommand?: string;
  /** How long to wait for a started service to answer. Default 10000 ms. */
  startTimeoutMs?: number;
  /** Whether to start a service when no socket answers (default); false rejects instead. */
  startIfNone?: boolean;
}

/** ConnectedSocket is the socket to use and whether this run started the service behind it. */
export interface ConnectedSocket {
  socketPath: string;
  startedService: boolean;
}

const ROOTFUL_SOCKET = '/run/podman/podman.sock';
const PING_TIMEOUT_MS = 1000;
const DEFAULT_IDLE_SECONDS = 60;
const DEFAULT_START_TIMEOUT_MS = 10_000;
// A start lock older than this is left over from a run that died mid-start.
const STALE_LOCK_MS = 15_000;

/** connectEngineSocket resolves to a Podman API socket that answers; see the module comment. */
export async function connectEngineSocket(opts: ConnectOptions): Promise<ConnectedSocket> {
  const { env, log } = opts;
  const rootful = opts.rootful ?? process.getuid?.() === 0;
  const tried: string[] = [];

  const containerHost = env.CONTAINER_HOST;
  if (containerHost !== undefined && containerHost !== '') {
    const socketPath = unixPathOf(containerHost);
    log(`CONTAINER_HOST is set: trying ${socketPath}`);
    const answer = await ping(socketPath);
    if (answer === true) {
      log(`using ${socketPath} (from CONTAINER_HOST)`);
      return { socketPath, startedService: false };
    }
    throw new EngineError(
      `cannot reach Podman at CONTAINER_HOST=${containerHost}: ${answer}; start a service there ` +
        `(podman system service --time=0 unix://${socketPath}) or unset CONTAINER_HOST to let kubeplay find or start one`,
      'connect',
    );
  }
  log('CONTAINER_HOST is not set');

  const dir = privateDir(env, rootful);
  const privateSocket = path.join(dir, 'podman.sock');
  const candidates = socketCandidates(env, rootful);

  for (const socketPath of candidates) {
    const answer = await ping(socketPath);
    tried.push(socketPath);
    if (answer === true) {
      log(`using ${socketPath}`);
      return { socketPath, startedService: false };
    }
    log(`${socketPath}: ${answer}`);
  }

  if (opts.startIfNone === false) {
    throw new EngineError(`cannot reach Podman: no API socket answered (tried ${tried.join(', ')})`, 'connect');
  }
  await startService(dir, privateSocket, opts, tried);
  return { socketPath: privateSocket, startedService: true };
}

/**
 * socketCandidates lists the sockets connectEngineSocket tries, in its order (see the module
 * comment): CONTAINER_HOST's alone when it is set, else the private socket then the system one.
 * Throws EngineError for a CONTAINER_HOST that is not unix://.
 */
export function socketCandidates(env: NodeJS.ProcessEnv, rootful = process.getuid?.() === 0): string[] {
  const containerHost = env.CONTAINER_HOST;
  if (containerHost !== undefined && containerHost !== '') return [unixPathOf(containerHost)];
  const candidates = [path.join(privateDir(env, rootful), 'podman.sock')];
  if (rootful) candidates.push(ROOTFUL_SOCKET);
  else if (env.XDG_RUNTIME_DIR) candidates.push(path.join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock'));
  return candidates;
}

/** ping resolves to true when `GET /_ping` on the socket answers 200, else to the reason it did not. */
export function ping(socketPath: string, timeoutMs = PING_TIMEOUT_MS): Promise<true | string> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? true : `answered HTTP ${res.statusCode ?? '?'} to /_ping`);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(`no answer within ${timeoutMs} ms`);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code === 'ENOENT' ? 'no socket there' : `cannot connect (${err.code ?? err.message})`);
    });
  });
}

function unixPathOf(containerHost: string): string {
  if (!containerHost.startsWith('unix://') || containerHost.length <= 'unix://'.length) {
    throw new EngineError(
      `CONTAINER_HOST=${containerHost} is not supported: kubeplay talks to Podman over a local unix socket only; ` +
        'set CONTAINER_HOST=unix:///path/to/podman.sock or unset it',
      'connect',
    );
  }
  return containerHost.slice('unix://'.length);
}

function privateDir(env: NodeJS.ProcessEnv, rootful: boolean): string {
  if (rootful) return '/run/kubeplay';
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'kubeplay');
  return path.join(os.tmpdir(), `kubeplay-${process.getuid?.() ?? 'user'}`);
}

/** Creates the private directory 0700, refusing one another user could have planted. */
async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await lstat(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
    throw new EngineError(
      `cannot start Podman's API service: ${dir} is not a private directory of this user ` +
        '(it must be a directory owned by you with mode 0700); remove it and run again',
      'connect',
    );
  }
}

async function startService(dir: string, socketPath: string, opts: ConnectOptions, tried: string[]): Promise<void> {
  const { log } = opts;
  const idle = opts.serviceIdleSeconds ?? DEFAULT_IDLE_SECONDS;
  const command = opts.podmanCommand ?? 'podman';
  const deadline = Date.now() + (opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  await ensurePrivateDir(dir);

  // Two kubeplay runs starting at once would each replace the other's socket; the second waits.
  const lockPath = path.join(dir, 'start.lock');
  const locked = await takeLock(lockPath);
  if (!locked) {
    log(`another kubeplay is starting the service (${lockPath}); waiting for ${socketPath}`);
    if (await waitForPing(socketPath, deadline)) return;
  }
  try {
    // A socket file left by a service that exited would make the new one fail to listen.
    await rm(socketPath, { force: true });
    const logPath = path.join(dir, 'service.log');
    const args = ['system', 'service', `--time=${idle}`, `unix://${socketPath}`];
    log(`no API socket answered; starting ${command} ${args.join(' ')} (log: ${logPath})`);
    // The service outlives this process: its stderr goes to a file, not a pipe that would break.
    const logFile = await open(logPath, 'w', 0o600);
    let exited: { code: number | null; signal: string | null } | undefined;
    let spawnError: NodeJS.ErrnoException | undefined;
    try {
      // cwd '/': the service outlives this process, and conmon, which it starts for every container,
      // fails ("Failed to get working directory") once the directory it was started from is deleted.
      // Required here: only a run that starts the service needs child_process (~2 ms to load).
      const { spawn } = require('node:child_process') as typeof import('node:child_process');
      const child = spawn(command, args, { detached: true, cwd: '/', stdio: ['ignore', 'ignore', logFile.fd] });
      child.on('error', (err) => {
        spawnError = err;
      });
      child.on('exit', (code, signal) => {
        exited = { code, signal };
      });
      child.unref();
      if (child.pid !== undefined) await writeFile(path.join(dir, 'podman.pid'), `${child.pid}\n`, { mode: 0o600 });
    } finally {
      await logFile.close();
    }

    const started = Date.now();
    while (Date.now() < deadline) {
      if (spawnError !== undefined) break;
      if ((await ping(socketPath, 500)) === true) {
        await chmod(socketPath, 0o600);
        log(`service answered on ${socketPath} after ${Date.now() - started} ms (exits after ${idle} s idle)`);
        return;
      }
      if (exited !== undefined) break;
      await sleep(50);
    }

    if (spawnError?.code === 'ENOENT') {
      throw new EngineError(
        `cannot reach Podman: no API socket answered (tried ${tried.join(', ')}) and the podman command is not ` +
          'installed; install it (apt-get install podman) or set CONTAINER_HOST=unix:///path/to/podman.sock',
        'connect',
        undefined,
        spawnError,
      );
    }
    const lastLine = await lastLineOf(logPath);
    const why =
      spawnError !== undefined
        ? `it could not be run (${spawnError.message})`
        : exited !== undefined
          ? `it exited (${exited.signal ?? `code ${exited.code ?? '?'}`})${lastLine ? `: ${lastLine}` : ''}`
          : `it did not answer within ${Math.round((opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS) / 1000)} s` +
            (lastLine ? `; its last words: ${lastLine}` : '');
    throw new EngineError(
      `cannot reach Podman: no API socket answered (tried ${tried.join(', ')}) and \`${command} ${args.join(' ')}\` ` +
        `failed: ${why}; run that command yourself to see why (see ${logPath}), or set CONTAINER_HOST to a socket that answers`,
      'connect',
      undefined,
      spawnError,
    );
  } finally {
    if (locked) await rm(lockPath, { force: true });
  }
}

/** Takes an exclusive lock file; false if another live run holds it. */
async function takeLock(lockPath: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(lockPath, 'wx', 0o600);
      await fh.close();
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const st = await stat(lockPath).catch(() => undefined);
      if (st !== undefined && Date.now() - st.mtimeMs < STALE_LOCK_MS) return false;
      await rm(lockPath, { force: true });
    }
  }
  return false;
}

async function waitForPing(socketPath: string, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if ((await ping(socketPath, 500)) === true) return true;
    await sleep(100);
  }
  return false;
}

async function lastLineOf(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  // Podman logs as `time="..." level=error msg="..."` or `Error: ...`; keep just the words.
  const last = lines[lines.length - 1] ?? '';
  const msg = /msg="((?:[^"\\]|\\.)*)"/.exec(last)?.[1];
  return (msg ?? last).replace(/^Error: /, '');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
