/**
 * watch: the store's change feed followed for every open watch. One hub per server reads
 * `changesSince` (every 100 ms while a watch is open, and at once when this server wrote), so
 * writes by a `kubeplay` command in another process reach the watches too; each watch sees the
 * events of its kind, namespace, name and selectors, in order, from the revision it asked for.
 */
import type { ChangeEvent, ObjectStore } from '../store/object-store';
import type { StoredObject } from '../domain/objects';
import { StatusError } from '../domain/errors';
import { groupKindOf } from '../domain/objects';

/** WatchFilter selects a watch's events. */
export interface WatchFilter {
  storeKind: string;
  namespace?: string;
  /** Keeps an object (name, label and field selectors). */
  where: (o: StoredObject) => boolean;
}

/** Watcher is one open watch: told each event it selects, or that it fell too far behind. */
interface Watcher {
  filter: WatchFilter;
  from: number;
  send: (e: ChangeEvent) => void;
  expired: (e: StatusError) => void;
}

const POLL_MS = 100;

/** WatchHub follows the store for its watchers; see the module comment. */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private timer: NodeJS.Timeout | undefined;
  private revision: number;

  constructor(private readonly store: ObjectStore) {
    this.revision = store.currentRevision();
  }

  /** add opens a watch from `from` (events after that revision); returns its close. */
  add(filter: WatchFilter, from: number, send: Watcher['send'], expired: Watcher['expired']): () => void {
    const w: Watcher = { filter, from, send, expired };
    this.watchers.add(w);
    // Events between `from` and what the hub has read so far are read for this watcher alone.
    this.catchUp(w);
    if (this.timer === undefined) this.timer = setInterval(() => this.poll(), POLL_MS);
    return () => {
      this.watchers.delete(w);
      if (this.watchers.size === 0 && this.timer !== undefined) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** poll reads what changed since the hub's revision and hands each watcher its events. */
  poll(): void {
    if (this.watchers.size === 0) {
      this.revision = this.store.currentRevision();
      return;
    }
    let batch;
    try {
      batch = this.store.changesSince(this.revision);
    } catch (e) {
      // Compacted past the hub's revision (a long stall): every watcher must list again.
      for (const w of [...this.watchers]) if (e instanceof StatusError) w.expired(e);
      this.revision = this.store.currentRevision();
      return;
    }
    this.revision = batch.revision;
    for (const e of batch.events) for (const w of this.watchers) this.deliver(w, e);
  }

  /** close ends every watch's following (the server is stopping). */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.watchers.clear();
  }

  private catchUp(w: Watcher): void {
    if (w.from >= this.revision) return;
    try {
      let at = w.from;
      while (at < this.revision) {
        const batch = this.store.changesSince(at, 1000);
        for (const e of batch.events) if (e.revision <= this.revision) this.deliver(w, e);
        if (batch.revision === at) break;
        at = batch.revision;
      }
    } catch (e) {
      if (e instanceof StatusError) w.expired(e);
      else throw e;
    }
  }

  private deliver(w: Watcher, e: ChangeEvent): void {
    if (e.revision <= w.from) return;
    const f = w.filter;
    if (groupKindOf(e.object.apiVersion, e.object.kind) !== f.storeKind) return;
    if (f.namespace !== undefined && (e.object.metadata.namespace ?? '') !== f.namespace) return;
    if (!f.where(e.object)) return;
    w.from = e.revision;
    w.send(e);
  }
}
