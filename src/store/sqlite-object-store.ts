/**
 * SqliteObjectStore is the ObjectStore kept in one SQLite file (better-sqlite3), after k3s's kine:
 * a monotonic revision per change, a change log readable from any revision, and compaction.
 * Unlike kine, which finds the current object as the newest log row of its key, the current
 * objects have their own table, written in the same transaction as the log row: a list is a
 * plain scan, and compaction can drop log rows freely.
 *
 * Safety: WAL journal; every write is one BEGIN IMMEDIATE transaction (take the write lock
 * first, so two processes never both read, then both write); a busy timeout makes a second
 * kubeplay process wait for the lock instead of failing; synchronous=NORMAL, so a killed process
 * loses nothing it committed (a power cut may lose the last commits, never corrupt the file;
 * the next apply rebuilds what is lost from Podman's labels). See docs/store.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { InternalError, StatusError, StoreError } from '../domain/errors';
import { alreadyExists, modified, notFound, preconditionFailed, tooOld, versionOnCreate } from './api-status';
import { generationChanged, keyOf, rfc3339, sameApartFromVersion } from './object-rules';
import type {
  ChangeBatch,
  ChangeEvent,
  ChangeType,
  CompactResult,
  KubeObject,
  ListQuery,
  ObjectKey,
  ObjectList,
  ObjectStore,
  Preconditions,
  StoredObject,
} from './object-store';
import { MIGRATIONS, migrate, NewerSchemaError, type Migration } from './schema';
import { STATE_DB_FILE } from './state-dir';

/** SqliteObjectStoreOptions injects the clock and uid source and tunes waiting and compaction. */
export interface SqliteObjectStoreOptions {
  /** The clock for creationTimestamp; default the system's. */
  now?: () => Date;
  /** The uid source; default a random UUID v4. */
  newUid?: () => string;
  /** How long a write waits for another process's lock, in ms; default 10,000. */
  busyTimeoutMs?: number;
  /** Revisions of change log kept by the automatic compaction run every 1,000 revisions; default 10,000. */
  retainRevisions?: number;
  /** The schema's migrations (tests add one to exercise the hook); default MIGRATIONS. */
  migrations?: readonly Migration[];
}

/** AUTO_COMPACT_EVERY is how often (in revisions) a write also compacts the change log. */
export const AUTO_COMPACT_EVERY = 1000;

interface ObjectRow {
  revision: number;
  body: string;
}

interface ChangeRow {
  revision: number;
  type: ChangeType;
  body: string;
}

/** SqliteObjectStore: see the module comment. Open it with `open` or `openStateDir`. */
export class SqliteObjectStore implements ObjectStore {
  private readonly now: () => Date;
  private readonly newUid: () => string;
  private readonly retain: number;
  private readonly sql: Statements;

  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
    opts: SqliteObjectStoreOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
    this.newUid = opts.newUid ?? randomUUID;
    this.retain = opts.retainRevisions ?? 10_000;
    this.sql = prepareStatements(db);
  }

  /**
   * open opens (creating it 0600 if missing) the database file and migrates its schema.
   * StoreError when the file cannot be opened, is not a kubeplay store, or is newer than this kubeplay.
   */
  static open(file: string, opts: SqliteObjectStoreOptions = {}): SqliteObjectStore {
    let db: Database.Database | undefined;
    try {
      fs.closeSync(fs.openSync(file, 'a', 0o600)); // SQLite creates -wal and -shm with the file's mode
      // It holds Secrets' values: a file made wider (by hand, a copy, an older kubeplay) is narrowed.
      for (const f of [file, `${file}-wal`, `${file}-shm`]) onlyOwner(f);
      db = new Database(file, { timeout: opts.busyTimeoutMs ?? 10_000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      migrate(db, opts.migrations ?? MIGRATIONS);
      return new SqliteObjectStore(db, file, opts);
    } catch (e) {
      db?.close();
      throw storeError(file, 'open it', e);
    }
  }

  /** openStateDir opens `state.db` in a state directory, creating the directory 0700 if missing. */
  static openStateDir(dir: string, opts: SqliteObjectStoreOptions = {}): SqliteObjectStore {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw storeError(dir, 'create the directory', e);
    }
    return SqliteObjectStore.open(path.join(dir, STATE_DB_FILE), opts);
  }

  get(key: ObjectKey): StoredObject | undefined {
    const row = this.run('read an object', () => this.sql.get.get(key.kind, key.namespace, key.name) as ObjectRow | undefined);
    return row === undefined ? undefined : (JSON.parse(row.body) as StoredObject);
  }

  list(query: ListQuery): ObjectList {
    const read = this.db.transaction(() => {
      const bodies = (query.namespace === undefined ? this.sql.listAll.all(query.kind) : this.sql.listNs.all(query.kind, query.namespace)) as string[];
      return { bodies, revision: this.revision() };
    });
    const { bodies, revision } = this.run('list objects', () => read.deferred());
    const items: StoredObject[] = [];
    for (const body of bodies) {
      const object = JSON.parse(body) as StoredObject;
      if (query.where === undefined || query.where(object)) items.push(object);
    }
    return { items, revision };
  }

  create(object: KubeObject): StoredObject {
    checkShape(object);
    const key = keyOf(object);
    if (object.metadata.resourceVersion !== undefined && object.metadata.resourceVersion !== '') throw versionOnCreate();
    return this.write('create an object', () => {
      if (this.sql.get.get(key.kind, key.namespace, key.name) !== undefined) throw alreadyExists(key);
      const revision = this.nextRevision();
      const stored = clone(object) as StoredObject;
      stored.metadata = {
        ...stored.metadata,
        uid: this.newUid(),
        resourceVersion: String(revision),
        generation: 1,
        creationTimestamp: rfc3339(this.now()),
      };
      this.record(revision, 'ADDED', key, stored);
      return stored;
    });
  }

  update(object: KubeObject): StoredObject {
    checkShape(object);
    const key = keyOf(object);
    return this.write('update an object', () => {
      const current = this.current(key, object.metadata);
      const next = clone(object) as StoredObject;
      if (current.status === undefined) delete next.status;
      else next.status = current.status;
      next.metadata = {
        ...next.metadata,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        resourceVersion: current.metadata.resourceVersion,
        generation: current.metadata.generation + (generationChanged(current, next) ? 1 : 0),
      };
      return this.replace(key, current, next);
    });
  }

  updateStatus(object: KubeObject): StoredObject {
    checkShape(object);
    const key = keyOf(object);
    return this.write('update a status', () => {
      const current = this.current(key, object.metadata);
      const next = clone(current);
      if (object.status === undefined) delete next.status;
      else next.status = clone(object.status);
      return this.replace(key, current, next);
    });
  }

  delete(key: ObjectKey, preconditions: Preconditions = {}): StoredObject {
    return this.write('delete an object', () => {
      const current = this.current(key, {});
      if (preconditions.uid !== undefined && preconditions.uid !== current.metadata.uid) {
        throw preconditionFailed(key, 'UID', preconditions.uid, current.metadata.uid);
      }
      if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== current.metadata.resourceVersion) {
        throw preconditionFailed(key, 'ResourceVersion', preconditions.resourceVersion, current.metadata.resourceVersion);
      }
      const revision = this.nextRevision();
      const gone: StoredObject = { ...current, metadata: { ...current.metadata, resourceVersion: String(revision) } };
      this.record(revision, 'DELETED', key, gone);
      return gone;
    });
  }

  changesSince(revision: number, limit = Number.MAX_SAFE_INTEGER): ChangeBatch {
    if (!Number.isSafeInteger(revision) || revision < 0) throw new InternalError(`changesSince: revision ${revision} is not a whole number >= 0`);
    if (!Number.isSafeInteger(limit) || limit < 0) throw new InternalError(`changesSince: limit ${limit} is not a whole number >= 0`);
    const read = this.db.transaction(() => {
      const compacted = Number(this.sql.meta.get('compacted_revision'));
      if (revision < compacted) throw tooOld(revision, compacted);
      return { rows: this.sql.since.all(revision, limit) as ChangeRow[], current: this.revision() };
    });
    const { rows, current } = this.run('read the changes', () => read.deferred());
    const events: ChangeEvent[] = rows.map((r) => ({ revision: r.revision, type: r.type, object: JSON.parse(r.body) as StoredObject }));
    const last = events[events.length - 1];
    // a full page may have left changes behind: resume after its last event (or where the reader was)
    if (events.length === limit) return { events, revision: last?.revision ?? revision };
    return { events, revision: Math.max(current, revision) };
  }

  currentRevision(): number {
    return this.run('read the revision', () => this.revision());
  }

  compact(keepRevisions: number): CompactResult {
    if (!Number.isSafeInteger(keepRevisions) || keepRevisions < 0) throw new InternalError(`compact: keepRevisions ${keepRevisions} is not a whole number >= 0`);
    return this.write('compact the change log', () => this.compactTo(this.revision() - keepRevisions));
  }

  close(): void {
    this.db.close();
  }

  // --- inside transactions -------------------------------------------------------------------

  private revision(): number {
    return Number(this.sql.meta.get('revision'));
  }

  private nextRevision(): number {
    const revision = this.revision() + 1;
    this.sql.setMeta.run(revision, 'revision');
    return revision;
  }

  /** current reads the object to change and checks the caller's uid and resourceVersion against it. */
  private current(key: ObjectKey, given: { uid?: string; resourceVersion?: string }): StoredObject {
    const row = this.sql.get.get(key.kind, key.namespace, key.name) as ObjectRow | undefined;
    if (row === undefined) throw notFound(key);
    const current = JSON.parse(row.body) as StoredObject;
    if (given.uid !== undefined && given.uid !== '' && given.uid !== current.metadata.uid) {
      throw preconditionFailed(key, 'UID', given.uid, current.metadata.uid);
    }
    if (given.resourceVersion !== undefined && given.resourceVersion !== '' && given.resourceVersion !== current.metadata.resourceVersion) {
      throw modified(key);
    }
    return current;
  }

  /** replace writes `next` over `current` under a new revision, unless nothing changed (then no write). */
  private replace(key: ObjectKey, current: StoredObject, next: StoredObject): StoredObject {
    if (sameApartFromVersion(current, next)) return current;
    const revision = this.nextRevision();
    next.metadata.resourceVersion = String(revision);
    this.record(revision, 'MODIFIED', key, next);
    return next;
  }

  /** record writes the object's new state and its log row; then compacts every AUTO_COMPACT_EVERY revisions. */
  private record(revision: number, type: ChangeType, key: ObjectKey, object: StoredObject): void {
    const body = JSON.stringify(object);
    if (type === 'DELETED') this.sql.remove.run(key.kind, key.namespace, key.name);
    else this.sql.put.run(key.kind, key.namespace, key.name, revision, body);
    this.sql.log.run(revision, type, key.kind, key.namespace, key.name, body);
    if (revision % AUTO_COMPACT_EVERY === 0) this.compactTo(revision - this.retain);
  }

  private compactTo(target: number): CompactResult {
    const compacted = Number(this.sql.meta.get('compacted_revision'));
    if (target <= compacted) return { compactedRevision: compacted, removed: 0 };
    const removed = this.sql.drop.run(target).changes;
    this.sql.setMeta.run(target, 'compacted_revision');
    return { compactedRevision: target, removed };
  }

  // --- transactions and failures ---------------------------------------------------------------

  /** write runs `fn` in one BEGIN IMMEDIATE transaction: all of it is committed, or nothing. */
  private write<T>(what: string, fn: () => T): T {
    return this.run(what, () => this.db.transaction(fn).immediate());
  }

  /** run turns SQLite's failures into StoreError; the store's own refusals pass through. */
  private run<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof StatusError || e instanceof InternalError) throw e;
      throw storeError(this.file, what, e);
    }
  }
}

/** Statements are the store's prepared SQL, prepared once per connection. */
type Statements = ReturnType<typeof prepareStatements>;

function prepareStatements(db: Database.Database) {
  return {
    meta: db.prepare(`SELECT value FROM meta WHERE key = ?`).pluck(),
    setMeta: db.prepare(`UPDATE meta SET value = ? WHERE key = ?`),
    get: db.prepare(`SELECT revision, body FROM objects WHERE kind = ? AND namespace = ? AND name = ?`),
    listAll: db.prepare(`SELECT body FROM objects WHERE kind = ? ORDER BY namespace, name`).pluck(),
    listNs: db.prepare(`SELECT body FROM objects WHERE kind = ? AND namespace = ? ORDER BY name`).pluck(),
    put: db.prepare(`INSERT OR REPLACE INTO objects (kind, namespace, name, revision, body) VALUES (?, ?, ?, ?, ?)`),
    remove: db.prepare(`DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?`),
    log: db.prepare(`INSERT INTO changes (revision, type, kind, namespace, name, body) VALUES (?, ?, ?, ?, ?, ?)`),
    since: db.prepare(`SELECT revision, type, body FROM changes WHERE revision > ? ORDER BY revision LIMIT ?`),
    drop: db.prepare(`DELETE FROM changes WHERE revision <= ?`),
  };
}

/** checkShape refuses an object the store cannot key: kubeplay's validator guarantees these fields. */
function checkShape(object: KubeObject): void {
  const m = object.metadata as unknown;
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string' || typeof m !== 'object' || m === null || typeof object.metadata.name !== 'string' || object.metadata.name === '') {
    throw new InternalError('the object store was given an object without apiVersion, kind and metadata.name');
  }
}

const clone = <T>(v: T): T => structuredClone(v);

/** storeError explains a failure of the database file: what happened, why, and what to do. */
function storeError(file: string, what: string, e: unknown): StoreError {
  const code = (e as { code?: unknown }).code;
  const reason = e instanceof Error ? e.message : String(e);
  if (e instanceof NewerSchemaError) {
    return new StoreError(`kubeplay's store ${file}: cannot open it: ${reason}; it was written by a newer kubeplay: use that one, or upgrade`, file, e);
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreError(`kubeplay's store ${file}: cannot ${what}: another process held it locked for too long (${reason}); wait for the other kubeplay command to finish, then run this one again`, file, e);
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new StoreError(
      `kubeplay's store ${file}: cannot ${what}: the file is damaged or not a kubeplay store (${reason}); move it away, and the next apply rebuilds it from the labels on Podman's pods`,
      file,
      e,
    );
  }
  return new StoreError(`kubeplay's store ${file}: cannot ${what}: ${reason}`, file, e);
}

/** onlyOwner takes group and other access away from a file that has any (0644 -> 0600); one that is missing is fine. */
function onlyOwner(file: string): void {
  let mode: number;
  try {
    mode = fs.statSync(file).mode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if ((mode & 0o077) !== 0) fs.chmodSync(file, mode & 0o700);
}
