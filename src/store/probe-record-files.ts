/**
 * FileProbeRecords: the ProbeRecords port (probe-records.ts) as one small file per pod,
 * `<state dir>/probes/<podman pod id>.json`.
 *
 * - Atomic: a record is written to a temporary file beside it and renamed over it (rename(2)), so
 *   a reader sees the old record or the new one, never half of one.
 * - One writer per pod: update holds a per-pod lock while it reads, probes and writes. The lock is
 *   a Linux abstract unix socket (`\0kubeplay-probes-<sha256 of dir and pod id>`) the holder listens
 *   on, as the connection lock is: the kernel frees it when the holder exits, even by SIGKILL, so
 *   no stale lock is ever left behind. A second process polls until it is free.
 * - Why files rather than the object store: a record is the kubelet's memory, not desired state; it
 *   is rewritten by every get that probes (SQLite would take its write lock for each), belongs to a
 *   Podman pod id rather than to an object, and a stale one is harmless and swept.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import type { ProbeRecords } from './probe-records';

const POD_ID = /^[0-9a-f]{12,64}$/;
/** How long update waits for another process's lock before it gives up (its probes have time-outs). */
const LOCK_WAIT_MS = 30_000;
const LOCK_POLL_MS = 25;

/** FileProbeRecords keeps the records under `dir` (`<state dir>/probes`); see the module comment. */
export class FileProbeRecords implements ProbeRecords {
  constructor(private readonly dir: string) {}

  async update<T>(podId: string, change: (previous: unknown) => Promise<T | undefined>): Promise<T | undefined> {
    const file = this.fileOf(podId);
    const unlock = await this.lock(podId);
    try {
      const next = await change(await readJson(file));
      if (next !== undefined) {
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
        await writeFile(tmp, JSON.stringify(next), { mode: 0o600 });
        await rename(tmp, file);
      }
      return next;
    } finally {
      await unlock();
    }
  }

  async read(podId: string): Promise<unknown> {
    return readJson(this.fileOf(podId));
  }

  async sweep(live: ReadonlySet<string>): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const n of names) {
      const m = /^([0-9a-f]+)\.json$/.exec(n);
      if (m === null || live.has(m[1]!)) continue;
      await rm(join(this.dir, n), { force: true });
      removed++;
    }
    return removed;
  }

  private fileOf(podId: string): string {
    // The id comes from Podman; anything else would name a file outside the directory.
    if (!POD_ID.test(podId)) throw new Error(`not a Podman pod id: ${JSON.stringify(podId)}`);
    return join(this.dir, `${podId}.json`);
  }

  private async lock(podId: string): Promise<() => Promise<void>> {
    const address = `\0kubeplay-probes-${createHash('sha256').update(`${this.dir}\0${podId}`).digest('hex').slice(0, 32)}`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      const server = await tryListen(address);
      if (server !== undefined) return () => new Promise<void>((resolve) => server.close(() => resolve()));
      if (Date.now() > deadline) {
        throw new Error(`another kubeplay has been probing pod ${podId} for ${LOCK_WAIT_MS / 1000} s; try again when it is done`);
      }
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    }
  }
}

function tryListen(address: string): Promise<net.Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(undefined) : reject(e)));
    server.listen(address, () => {
      // The lock must not keep the process alive on its own.
      server.unref();
      resolve(server);
    });
  });
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // A damaged record is as good as none: the probes start counting again.
    return undefined;
  }
}
