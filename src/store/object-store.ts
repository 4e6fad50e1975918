/**
 * ObjectStore is the port of kubeplay's desired state: every object kubeplay applies, kept as a
 * Kubernetes object, with a change feed a reader can resume from. Podman holds the observed state.
 * The one adapter is sqlite-object-store.ts. The rules the store applies to metadata
 * (uid, resourceVersion, generation, creationTimestamp) are the API server's; see object-rules.ts.
 *
 * The API is synchronous: the adapter's database calls are (better-sqlite3), and each call is one
 * transaction, so no caller ever holds a transaction open across an await.
 */

import type { KubeObject, ObjectKey, StoredObject } from '../domain/objects';

export type { ObjectKey, ObjectMeta, KubeObject, StoredObject } from '../domain/objects';

/** ListQuery selects objects of one kind: in one namespace, or in all when `namespace` is absent. */
export interface ListQuery {
  kind: string;
  namespace?: string;
  /** Keeps an object when it returns true; a label selector's matcher, say. */
  where?: (object: StoredObject) => boolean;
}

/** ObjectList is a list's items (sorted by namespace, then name) and the store revision it was read at. */
export interface ObjectList {
  items: StoredObject[];
  /** Read changesSince(revision) to follow what happens after this list. */
  revision: number;
}

/** Preconditions make a delete conditional: the object must still have this uid and/or resourceVersion. */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** ChangeType is a watch event's type, in the API's words. */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * ChangeEvent is one change: the object after it (for DELETED, the object as it was, with the
 * revision of its deletion as resourceVersion, as a Kubernetes watch shows it).
 */
export interface ChangeEvent {
  revision: number;
  type: ChangeType;
  object: StoredObject;
}

/** ChangeBatch is the changes after a revision, in order, and the revision to resume from. */
export interface ChangeBatch {
  events: ChangeEvent[];
  /** Pass this to the next changesSince: every change up to it is in `events` or before. */
  revision: number;
}

/** CompactResult says up to which revision the change log was dropped and how many changes went. */
export interface CompactResult {
  compactedRevision: number;
  removed: number;
}

/** ObjectStore is the desired state; see the module comment. Every method is one transaction. */
export interface ObjectStore {
  /** get returns the object, or undefined when there is none. */
  get(key: ObjectKey): StoredObject | undefined;
  /** list returns the objects a query selects and the revision they were read at. */
  list(query: ListQuery): ObjectList;
  /**
   * create stores a new object, stamping uid, creationTimestamp, resourceVersion and generation 1.
   * StatusError AlreadyExists when the key is taken; BadRequest when resourceVersion is set.
   */
  create(object: KubeObject): StoredObject;
  /**
   * update replaces an object's metadata and spec (its status is kept). When the given object
   * carries a resourceVersion it must be the stored one (optimistic concurrency), else
   * StatusError Conflict; without one the update is unconditional. generation goes up by one
   * when anything but metadata and status changed. An update that changes nothing writes nothing.
   * StatusError NotFound when there is no such object.
   */
  update(object: KubeObject): StoredObject;
  /** updateStatus replaces only the status (the status subresource); same concurrency rule; generation stays. */
  updateStatus(object: KubeObject): StoredObject;
  /** delete removes an object and returns it as the DELETED event shows it. StatusError NotFound or Conflict. */
  delete(key: ObjectKey, preconditions?: Preconditions): StoredObject;
  /**
   * changesSince returns the changes after `revision`, oldest first, at most `limit` of them.
   * StatusError Expired (410, "too old resource version") when the log no longer reaches back
   * to `revision`: the reader must list again and resume from the list's revision.
   */
  changesSince(revision: number, limit?: number): ChangeBatch;
  /** currentRevision is the revision of the store's last change (0 for a new store). */
  currentRevision(): number;
  /** compact drops the change log up to `currentRevision() - keepRevisions`; objects are untouched. */
  compact(keepRevisions: number): CompactResult;
  /** close releases the database. */
  close(): void;
}
