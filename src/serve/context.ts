/**
 * context: what the API's handlers are lent by the composition root (src/cli/commands/serve.ts):
 * the server's open store, the pipeline's dependencies for writes and deletes, the engine for
 * logs, the clock, and the patch appliers.
 */
import type { ApplyDeps } from '../commands/apply';
import type { DeleteDeps } from '../commands/delete';
import type { LogsDeps } from '../commands/logs';
import type { ObjectStore } from '../store/object-store';
import type { ContainerEngine } from '../engine/container-engine';
import type { WatchHub } from './watch';

/** Patchers apply a PATCH body of each media type to the current object (src/serve/patch). */
export interface Patchers {
  /** application/strategic-merge-patch+json; `kind` is the store key (`Deployment.apps`). */
  strategic(current: Record<string, unknown>, patch: unknown, kind: string): Record<string, unknown>;
  /** application/merge-patch+json (RFC 7386). */
  merge(current: Record<string, unknown>, patch: unknown): Record<string, unknown>;
  /** application/json-patch+json (RFC 6902). */
  json(current: Record<string, unknown>, patch: unknown): Record<string, unknown>;
}

/** ApiContext is what the handlers use; see the module comment. */
export interface ApiContext {
  store: ObjectStore;
  hub: WatchHub;
  /** The dependencies of apply (writes) and delete; their `store` opens a connection of its own per call. */
  apply: ApplyDeps;
  delete: DeleteDeps;
  logs: LogsDeps;
  engine: () => Promise<ContainerEngine>;
  /** The node name the tables' NODE column shows. */
  node: string;
  now: () => Date;
  patchers: Patchers;
  /** Told when a write changed pods, so their status is observed at once. */
  changed: () => void;
  /** How often a watch that allows bookmarks gets one (default about a minute, as the API server). */
  bookmarkMs?: number;
  /** The server's log (one line per request with -v, failures always). */
  log: (line: string) => void;
}
