/**
 * acquireConnectionLock: one kubeplay at a time changes pods through a given Podman API socket.
 * Two applies of the same file at once would otherwise both see a pod missing and both try to make
 * it; with the lock, the second observes after the first is done and finds it `unchanged`.
 *
 * The lock is a Linux abstract unix socket, `\0kubeplay-lock-<sha256 of the socket's real path>`,
 * that the holder listens on. The kernel frees an abstract name when its last descriptor closes,
 * so a holder that dies (even by SIGKILL) can never leave a stale lock behind, and there is no file
 * to clean up. A waiter connects to the holder, which tells its pid and keeps the connection open;
 * when the holder releases or dies the connection closes, and the waiter tries to listen again.
 * Scope: apply and delete take it; get only reads and does not.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** HeldLock is a lock this process holds until release() (or until it exits). */
export interface HeldLock {
  release(): Promise<void>;
}

/** LockOptions: who to tell when we must wait, and a signal that gives up waiting. */
export interface LockOptions {
  /** Called once, when another kubeplay holds the lock, with its pid ('?' if it did not say). */
  onWait?: (holderPid: string) => void;
  /** Aborting stops the wait: acquireConnectionLock then rejects with LockWaitAborted. */
  signal?: AbortSignal;
}

/** LockWaitAborted is the rejection of an acquireConnectionLock whose signal was aborted while waiting. */
export class LockWaitAborted extends Error {
  constructor() {
    super('gave up waiting for the kubeplay lock');
  }
}

/** lockAddress is the abstract socket name of the lock for a Podman API socket path. */
export function lockAddress(socketPath: string): string {
  let real = path.resolve(socketPath);
  try {
    real = realpathSync(real);
  } catch {
    // A socket not there (yet) is named by its resolved path; connect will report it.
  }
  return `\0kubeplay-lock-${createHash('sha256').update(real).digest('hex').slice(0, 32)}`;
}

/** acquireConnectionLock resolves once this process holds the lock for socketPath; see the module comment. */
export async function acquireConnectionLock(socketPath: string, opts: LockOptions = {}): Promise<HeldLock> {
  const address = lockAddress(socketPath);
  let told = false;
  for (;;) {
    if (opts.signal?.aborted) throw new LockWaitAborted();
    const held = await tryListen(address);
    if (held !== undefined) return held;
    // Someone holds it: learn who, say so once, and wait for their connection to close.
    const waited = await waitForHolder(address, opts.signal, (pid) => {
      if (!told) opts.onWait?.(pid);
      told = true;
    });
    if (waited === 'aborted') throw new LockWaitAborted();
    // 'gone' and 'refused' (the holder left between our listen and connect): try again. A short
    // pause keeps several waiters from spinning against each other.
    if (waited === 'refused') await sleep(10);
  }
}

/**
 * tryConnectionLock takes the lock for socketPath if no one holds it, and otherwise resolves to
 * undefined at once, without waiting or telling anyone.
 */
export function tryConnectionLock(socketPath: string): Promise<HeldLock | undefined> {
  return tryListen(lockAddress(socketPath));
}

function tryListen(address: string): Promise<HeldLock | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    const peers = new Set<net.Socket>();
    server.on('connection', (sock) => {
      // Waiters learn who holds the lock; the connection stays open until release or death.
      sock.unref();
      peers.add(sock);
      sock.on('close', () => peers.delete(sock));
      sock.on('error', () => undefined);
      sock.write(`${process.pid}\n`);
    });
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve(undefined);
      else reject(err);
    });
    server.listen({ path: address }, () => {
      // Holding the lock must not keep the process alive by itself.
      server.unref();
      resolve({
        release: () =>
          new Promise<void>((done) => {
            for (const p of peers) p.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function waitForHolder(address: string, signal: AbortSignal | undefined, onPid: (pid: string) => void): Promise<'gone' | 'refused' | 'aborted'> {
  return new Promise((resolve) => {
    let got = '';
    let connected = false;
    const sock = net.connect({ path: address });
    const finish = (how: 'gone' | 'refused' | 'aborted') => {
      signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      resolve(how);
    };
    const onAbort = () => finish('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.setEncoding('utf8');
    sock.on('connect', () => {
      connected = true;
    });
    sock.on('data', (d: string) => {
      got += d;
      if (got.includes('\n')) onPid(got.split('\n')[0]?.trim() || '?');
    });
    sock.on('error', () => finish(connected ? 'gone' : 'refused'));
    sock.on('close', () => {
      if (connected && !got.includes('\n')) onPid('?');
      finish(connected ? 'gone' : 'refused');
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * startLockAddress names the lock a background start of one pod holds while it runs
 * (execute/start-sequence.ts): apply looks at it to tell a pod whose init containers are still
 * being waited for from one whose start was cut off.
 */
export function startLockAddress(socketPath: string, pod: string): string {
  return `${lockAddress(socketPath)}-start-${createHash('sha256').update(pod).digest('hex').slice(0, 16)}`;
}

/** tryLockAt takes the lock at an abstract address if no one holds it; undefined otherwise. */
export function tryLockAt(address: string): Promise<HeldLock | undefined> {
  return tryListen(address);
}

/** isLockHeld tells whether some process holds the lock at an abstract address now. */
export function isLockHeld(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ path: address });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}
