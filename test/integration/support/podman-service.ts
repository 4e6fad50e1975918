import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeNetworksUnder } from './network';

/** PodmanService is a private Podman API service started for one test file. */
export interface PodmanService {
  /** socketPath is the unix socket the service listens on. */
  socketPath: string;
  /** containerHost is the CONTAINER_HOST value that points kubeplay at this service (unix://...). */
  containerHost: string;
  /** pid is the service process's id. */
  pid: number;
  /**
   * whenLogged resolves as soon as a line the service logs on stderr matches pattern, in the same
   * turn of the event loop as the line arrives (start the service with logLevel 'debug' to see
   * what Podman does step by step); it rejects if the service exits first.
   */
  whenLogged(pattern: RegExp): Promise<void>;
  /** stop ends the service (SIGTERM, then SIGKILL after 10 s) and removes its socket directory (unless it reused another's). */
  stop(): Promise<void>;
}

/** StartPodmanServiceOptions: how long to wait for the service, and the socket of a service to restart. */
export interface StartPodmanServiceOptions {
  readyTimeoutMs?: number;
  /**
   * socketPath restarts a service on the socket of one that died (a test killed it): the new one
   * listens where the old one did, and its stop() leaves the directory to the first one's stop().
   */
  socketPath?: string;
  /** logLevel is Podman's --log-level; 'debug' logs each step of a container's start. */
  logLevel?: 'info' | 'debug';
  /** env is added to the service's environment (CONTAINERS_REGISTRIES_CONF for a test registry, say). */
  env?: NodeJS.ProcessEnv;
}

let current: PodmanService | undefined;

/** currentPodmanService returns the service this test file started last and has not stopped, if any. */
export function currentPodmanService(): PodmanService | undefined {
  return current;
}

/** pingSocket resolves with the body of GET /_ping on a unix socket ("OK" from Podman), or rejects. */
export function pingSocket(socketPath: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer on ${socketPath} within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * startPodmanService starts `podman system service --time=0` on a socket in a fresh 0700
 * temporary directory and resolves once it answers _ping. A private service per test file keeps
 * tests independent of whatever service (or none) the machine runs, and lets a test stop it.
 * `env` adds to the service's environment. Call stop() in afterAll.
 */
export async function startPodmanService(opts: StartPodmanServiceOptions = {}): Promise<PodmanService> {
  const readyTimeoutMs = opts.readyTimeoutMs ?? 20_000;
  // A restart reuses the socket (and directory) of a service that was killed: clients keep their
  // CONTAINER_HOST. The directory stays the first service's to remove.
  const ownsDir = opts.socketPath === undefined;
  const dir = ownsDir ? await fs.mkdtemp(path.join(os.tmpdir(), 'kpt-podman-')) : path.dirname(opts.socketPath ?? '');
  if (ownsDir) await fs.chmod(dir, 0o700);
  const socketPath = opts.socketPath ?? path.join(dir, 'podman.sock');
  const containerHost = `unix://${socketPath}`;

  // cwd '/': conmon inherits it, and fails every start once that directory is deleted.
  const child = spawn('podman', [`--log-level=${opts.logLevel ?? 'info'}`, 'system', 'service', '--time=0', containerHost], {
    cwd: '/',
    // Extra environment for the service (e.g. CONTAINERS_REGISTRIES_CONF, its own registries.conf).
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  // Lines are matched whole: a chunk may end in the middle of one.
  let partial = '';
  const watchers: Array<{ pattern: RegExp; resolve: () => void; reject: (e: Error) => void }> = [];
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    const text = partial + d;
    const end = text.lastIndexOf('\n') + 1;
    partial = text.slice(end);
    const lines = text.slice(0, end);
    for (const w of watchers.splice(0)) {
      if (w.pattern.test(lines)) w.resolve();
      else watchers.push(w);
    }
    // Keep the tail only: the service logs for as long as it runs.
    stderr = (stderr + d).slice(-4000);
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      for (const w of watchers.splice(0)) w.reject(new Error(`podman system service on ${containerHost} exited before it logged ${String(w.pattern)}`));
      resolve();
    });
  });
  let spawnError: NodeJS.ErrnoException | undefined;
  child.on('error', (err: NodeJS.ErrnoException) => {
    spawnError = err;
  });
  // If the test process dies without afterAll, do not leave a service behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  // A test file whose afterAll failed before stop() must not keep jest alive (a CI run would hang
  // until its time limit): the child and its stderr pipe do not hold the event loop, and the exit
  // hook above still kills the service when jest exits.
  child.unref();
  (child.stderr as unknown as { unref?: () => void }).unref?.();

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (!exited && !spawnError) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(timer);
    }
    if (current === service) current = undefined;
    // What kubeplay made on the networks of state directories beside the socket (the DNS server, Services' proxies, the network).
    if (ownsDir) await removeNetworksUnder(dir).catch(() => undefined);
    if (ownsDir) await fs.rm(dir, { recursive: true, force: true });
  };
  const whenLogged = (pattern: RegExp): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (exited) reject(new Error(`podman system service on ${containerHost} has exited`));
      else watchers.push({ pattern, resolve, reject });
    });
  const service: PodmanService = { socketPath, containerHost, pid: child.pid ?? -1, stop, whenLogged };

  const deadline = Date.now() + readyTimeoutMs;
  let lastError = 'no attempt yet';
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(
        spawnError.code === 'ENOENT'
          ? 'podman is not installed, so no API service can be started for the integration tests; run bash scripts/setup.sh.'
          : `podman system service could not be spawned: ${spawnError.message}`,
      );
    }
    if (exited) {
      await stop();
      throw new Error(
        `podman system service on ${containerHost} exited (code ${String(exited.code)}, signal ${String(exited.signal)}) ` +
          `before answering _ping; its stderr: ${stderr.trim() || '(empty)'}`,
      );
    }
    try {
      const body = await pingSocket(socketPath, 1000);
      if (body === 'OK') break;
      lastError = `_ping answered ${JSON.stringify(body)}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `podman system service on ${containerHost} did not answer _ping within ${readyTimeoutMs} ms ` +
          `(last: ${lastError}); its stderr: ${stderr.trim() || '(empty)'}`,
      );
    }
    await sleep(50);
  }
  current = service;
  return service;
}
