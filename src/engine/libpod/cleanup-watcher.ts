/**
 * watchCleanup: Podman's event stream, filtered to container `cleanup` events, as a wait for a
 * set of containers. Podman cleans a container up (unmounts it, tears its network and cgroup
 * down) after it died; until then it is listed `stopped`, and removing its pod stalls. Waiting on
 * these events takes none of Podman's container locks, where polling a listing while dozens of
 * pods are torn down took seconds a call here.
 */
import { DEFAULT_DEADLINE_SECONDS } from './deadlines';
import { parseJson } from './podman-answers';
import { onLines } from './read-stream';
import type { LibpodTransport } from './transport';
import type { EventReport } from './wire-types';

/** CleanupWatcher waits for the cleanup of the containers it is told to track. */
export interface CleanupWatcher {
  /** Names the containers to wait for; those cleaned up since the stream opened count as done. */
  track(ids: Iterable<string>): void;
  /** Resolves true once every tracked container is cleaned up (or the stream ended), false on time-out. */
  done(timeoutMs: number): Promise<boolean>;
  /** Closes the stream and records the call. */
  close(): void;
}

/**
 * watchCleanup opens the event stream (Podman must answer it within DEFAULT_DEADLINE_SECONDS) and
 * resolves once it is open, so no cleanup after that moment is missed.
 */
export async function watchCleanup(t: LibpodTransport, operation: string): Promise<CleanupWatcher> {
  // Podman 4.3 ANDs repeated filter values, so containers are matched here, not by a filter.
  const query = { stream: true, filters: JSON.stringify({ type: ['container'], event: ['cleanup'] }) };
  const { res, record } = await t.openStream({ operation, what: 'watch Podman events', path: '/events', query, deadlineSeconds: DEFAULT_DEADLINE_SECONDS });
  const pending = new Set<string>();
  const cleaned = new Set<string>();
  let tracking = false;
  let resolveDone: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  res.setEncoding('utf8');
  onLines(res, (line) => {
    const ev = parseJson(line) as EventReport | undefined;
    const id = ev?.id ?? ev?.Actor?.ID;
    if (id !== undefined && (ev?.status ?? ev?.Action) === 'cleanup') {
      cleaned.add(id);
      pending.delete(id);
    }
    if (tracking && pending.size === 0) resolveDone();
  });
  // A stream that ends early leaves nothing to wait for.
  res.on('end', () => resolveDone());
  res.on('error', () => resolveDone());
  let closed = false;
  return {
    track: (ids) => {
      for (const id of ids) if (!cleaned.has(id)) pending.add(id);
      tracking = true;
      if (pending.size === 0) resolveDone();
    },
    done: async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const finished = await Promise.race([allDone.then(() => true), timedOut]);
      if (timer !== undefined) clearTimeout(timer);
      return finished;
    },
    close: () => {
      if (closed) return;
      closed = true;
      res.destroy();
      record();
    },
  };
}
