/**
 * The SQLite object store on a temporary directory: CRUD in the API server's semantics
 * (uid, resourceVersion, generation, conflicts, its messages), the change feed, compaction, the
 * schema's migration hook and the files' permissions. Two processes: processes.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { StatusError, StoreError } from '../../../src/domain/errors';
import type { KubeObject, StoredObject } from '../../../src/store/object-store';
import { MIGRATIONS } from '../../../src/store/schema';
import { AUTO_COMPACT_EVERY, SqliteObjectStore } from '../../../src/store/sqlite-object-store';
import { openTestStore, pod, removeDir, tempDir } from './temp-store';

let dir: string;
let store: SqliteObjectStore;
beforeEach(() => {
  dir = tempDir();
  store = openTestStore(dir);
});
afterEach(() => {
  store.close();
  removeDir(dir);
});

const web = { kind: 'Pod', namespace: 'default', name: 'web' };

/** refusal runs fn and returns the StatusError it throws, to check reason, code and words together. */
function refusal(fn: () => unknown): Pick<StatusError, 'reason' | 'code' | 'message'> {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return { reason: e.reason, code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a StatusError');
}

describe('create and get', () => {
  it('stamps uid, creationTimestamp, resourceVersion and generation 1, and keeps the rest', () => {
    const created = store.create(pod('web', { labels: { app: 'web' } }));
    expect(created.metadata).toEqual({
      name: 'web',
      namespace: 'default',
      labels: { app: 'web' },
      uid: 'uid-1',
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: '2024-05-01T10:00:00Z',
    });
    expect(store.get(web)).toEqual(created);
    expect(store.get({ ...web, namespace: 'other' })).toBeUndefined();
  });

  it('uses random UUID v4 uids by default', () => {
    const s = SqliteObjectStore.open(path.join(dir, 'other.db'));
    const uid = s.create(pod('web')).metadata.uid;
    s.close();
    expect(uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses a name taken in the same kind and namespace, in the API server words', () => {
    store.create(pod('web'));
    expect(refusal(() => store.create(pod('web')))).toEqual({ reason: 'AlreadyExists', code: 409, message: 'pods "web" already exists' });
    store.create(pod('web', { namespace: 'dev' }));
    store.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: {} });
    expect(store.currentRevision()).toBe(3);
  });

  it('refuses an object that already has a resourceVersion', () => {
    const p = pod('web');
    p.metadata.resourceVersion = '3';
    expect(refusal(() => store.create(p))).toEqual({ reason: 'BadRequest', code: 400, message: 'resourceVersion should not be set on objects to be created' });
  });

  it('keys by group: apps/v1 and apps/v1beta2 Deployments are the same object', () => {
    store.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: {} });
    expect(refusal(() => store.create({ apiVersion: 'apps/v1beta2', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' } })).message).toBe(
      'deployments.apps "d" already exists',
    );
    expect(store.get({ kind: 'Deployment.apps', namespace: 'default', name: 'd' })?.metadata.name).toBe('d');
  });

  it('returns copies: changing what it returned changes nothing stored', () => {
    const created = store.create(pod('web'));
    created.metadata.name = 'changed';
    expect(store.get(web)?.metadata.name).toBe('web');
  });
});

describe('list', () => {
  beforeEach(() => {
    store.create(pod('b', { namespace: 'dev', labels: { app: 'x' } }));
    store.create(pod('a', { namespace: 'dev' }));
    store.create(pod('z', { namespace: 'default', labels: { app: 'x' } }));
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } });
  });
  const names = (items: StoredObject[]): string[] => items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);

  it('lists one kind in every namespace, sorted by namespace then name, with the revision read at', () => {
    const list = store.list({ kind: 'Pod' });
    expect(names(list.items)).toEqual(['default/z', 'dev/a', 'dev/b']);
    expect(list.revision).toBe(4);
  });
  it('lists one namespace', () => expect(names(store.list({ kind: 'Pod', namespace: 'dev' }).items)).toEqual(['dev/a', 'dev/b']));
  it('filters with the predicate given (a label selector)', () => {
    expect(names(store.list({ kind: 'Pod', where: (o) => o.metadata.labels?.['app'] === 'x' }).items)).toEqual(['default/z', 'dev/b']);
  });
  it('lists cluster-scoped kinds under namespace ""', () => expect(names(store.list({ kind: 'Namespace', namespace: '' }).items)).toEqual(['/dev']));
});

describe('update: optimistic concurrency and generation', () => {
  let created: StoredObject;
  beforeEach(() => {
    created = store.create(pod('web'));
  });

  it('bumps generation when the spec changes, and resourceVersion on every change', () => {
    const updated = store.update({ ...pod('web', { image: 'v2' }), metadata: { ...created.metadata } });
    expect(updated.metadata).toMatchObject({ uid: 'uid-1', resourceVersion: '2', generation: 2, creationTimestamp: '2024-05-01T10:00:00Z' });
    expect(store.get(web)).toEqual(updated);
  });

  it('keeps generation when only metadata changes', () => {
    const updated = store.update({ ...created, metadata: { ...created.metadata, labels: { a: 'b' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } });
    expect(updated.metadata).toMatchObject({ resourceVersion: '2', generation: 1, labels: { a: 'b' } });
  });

  it('refuses an update from a stale read with the API server Conflict', () => {
    store.update({ ...pod('web', { image: 'v2' }), metadata: { ...created.metadata } });
    expect(refusal(() => store.update({ ...pod('web', { image: 'v3' }), metadata: { ...created.metadata } }))).toEqual({
      reason: 'Conflict',
      code: 409,
      message: 'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again',
    });
    expect(store.get(web)?.spec).toEqual(pod('web', { image: 'v2' }).spec);
  });

  it('updates unconditionally without a resourceVersion', () => {
    store.update(pod('web', { image: 'v2' }));
    expect(store.update(pod('web', { image: 'v3' })).metadata).toMatchObject({ resourceVersion: '3', generation: 3 });
  });

  it('refuses a different uid (a deleted and recreated object)', () => {
    expect(refusal(() => store.update({ ...pod('web'), metadata: { ...pod('web').metadata, uid: 'other' } })).message).toBe(
      'Operation cannot be fulfilled on pods "web": Precondition failed: UID in precondition: other, UID in object meta: uid-1',
    );
  });

  it('writes nothing for an update that changes nothing (no new resourceVersion, no event)', () => {
    expect(store.update(pod('web'))).toEqual(created);
    expect(store.currentRevision()).toBe(1);
  });

  it('keeps the status: update cannot change it', () => {
    const withStatus = store.updateStatus({ ...created, status: { phase: 'Running' } });
    const updated = store.update({ ...pod('web', { image: 'v2' }), status: { phase: 'Failed' } });
    expect(updated.status).toEqual({ phase: 'Running' });
    expect(withStatus.metadata.generation).toBe(1);
  });

  it('refuses an update of an object that is not there', () => {
    expect(refusal(() => store.update(pod('nope')))).toEqual({ reason: 'NotFound', code: 404, message: 'pods "nope" not found' });
  });
});

describe('updateStatus', () => {
  it('changes only the status, bumps resourceVersion, never generation', () => {
    const created = store.create(pod('web'));
    const s = store.updateStatus({ ...pod('web', { image: 'ignored' }), metadata: { ...created.metadata }, status: { phase: 'Running' } });
    expect(s.spec).toEqual(created.spec);
    expect(s.status).toEqual({ phase: 'Running' });
    expect(s.metadata).toMatchObject({ resourceVersion: '2', generation: 1 });
    expect(refusal(() => store.updateStatus({ ...created, status: { phase: 'Failed' } })).reason).toBe('Conflict');
  });
});

describe('delete', () => {
  it('returns the object with the revision of its deletion, and frees the name', () => {
    store.create(pod('web'));
    const gone = store.delete(web);
    expect(gone.metadata).toMatchObject({ name: 'web', uid: 'uid-1', resourceVersion: '2' });
    expect(store.get(web)).toBeUndefined();
    expect(store.create(pod('web')).metadata).toMatchObject({ uid: 'uid-2', resourceVersion: '3' });
  });
  it('refuses what is not there, and failed preconditions', () => {
    expect(refusal(() => store.delete(web)).message).toBe('pods "web" not found');
    store.create(pod('web'));
    expect(refusal(() => store.delete(web, { resourceVersion: '9' })).message).toBe(
      'Operation cannot be fulfilled on pods "web": Precondition failed: ResourceVersion in precondition: 9, ResourceVersion in object meta: 1',
    );
    expect(refusal(() => store.delete(web, { uid: 'x' })).reason).toBe('Conflict');
    expect(store.delete(web, { uid: 'uid-1', resourceVersion: '1' }).metadata.name).toBe('web');
  });
});

describe('the change feed', () => {
  const summary = (b: { events: Array<{ revision: number; type: string; object: KubeObject }> }): string[] =>
    b.events.map((e) => `${e.revision} ${e.type} ${e.object.metadata.name} rv=${e.object.metadata.resourceVersion ?? ''}`);

  it('lists every change in order, each object at that change, and resumes from the revision it returns', () => {
    const start = store.changesSince(0);
    expect(start).toEqual({ events: [], revision: 0 });
    store.create(pod('a'));
    store.create(pod('b'));
    store.update(pod('a', { image: 'v2' }));
    store.delete({ ...web, name: 'b' });
    const first = store.changesSince(0);
    expect(summary(first)).toEqual(['1 ADDED a rv=1', '2 ADDED b rv=2', '3 MODIFIED a rv=3', '4 DELETED b rv=4']);
    expect(first.revision).toBe(4);
    store.updateStatus({ ...pod('a'), status: { phase: 'Running' } });
    expect(summary(store.changesSince(first.revision))).toEqual(['5 MODIFIED a rv=5']);
    expect(store.changesSince(5)).toEqual({ events: [], revision: 5 });
  });

  it('pages with a limit: the revision returned is the last event given', () => {
    for (const n of ['a', 'b', 'c']) store.create(pod(n));
    const page = store.changesSince(0, 2);
    expect(summary(page)).toEqual(['1 ADDED a rv=1', '2 ADDED b rv=2']);
    expect(page.revision).toBe(2);
    expect(summary(store.changesSince(page.revision, 2))).toEqual(['3 ADDED c rv=3']);
    expect(store.changesSince(1, 0)).toEqual({ events: [], revision: 1 }); // an empty page skips nothing
  });

  it('a list and the changes after its revision give the whole story (list, then watch)', () => {
    store.create(pod('a'));
    const list = store.list({ kind: 'Pod' });
    store.create(pod('b'));
    expect(list.items.map((o) => o.metadata.name)).toEqual(['a']);
    expect(summary(store.changesSince(list.revision))).toEqual(['2 ADDED b rv=2']);
  });

  it('is shared between connections: a second store on the same file sees the first one\'s changes', () => {
    const other = openTestStore(dir);
    try {
      store.create(pod('a'));
      expect(summary(other.changesSince(0))).toEqual(['1 ADDED a rv=1']);
      other.create(pod('b'));
      expect(store.get({ ...web, name: 'b' })?.metadata.resourceVersion).toBe('2');
    } finally {
      other.close();
    }
  });
});

describe('compaction', () => {
  it('drops the log up to current - keep, keeps every object, and answers an older reader 410 Gone', () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) store.create(pod(n));
    expect(store.compact(2)).toEqual({ compactedRevision: 3, removed: 3 });
    expect(store.list({ kind: 'Pod' }).items).toHaveLength(5);
    expect(store.changesSince(3).events.map((e) => e.revision)).toEqual([4, 5]);
    expect(refusal(() => store.changesSince(2))).toEqual({ reason: 'Expired', code: 410, message: 'too old resource version: 2 (3)' });
    expect(store.compact(10)).toEqual({ compactedRevision: 3, removed: 0 }); // never moves back
  });

  it('keeps the revision counter past a log compacted to nothing', () => {
    store.create(pod('a'));
    store.delete({ ...web, name: 'a' });
    store.compact(0);
    expect(store.changesSince(2)).toEqual({ events: [], revision: 2 });
    expect(store.create(pod('a')).metadata.resourceVersion).toBe('3');
  });

  it(`runs by itself every ${AUTO_COMPACT_EVERY} revisions, keeping retainRevisions`, () => {
    const s = openTestStore(dir, { retainRevisions: 100 });
    try {
      s.create(pod('x'));
      for (let i = 1; i < AUTO_COMPACT_EVERY; i++) s.updateStatus({ ...pod('x'), status: { n: i } });
      expect(s.currentRevision()).toBe(AUTO_COMPACT_EVERY);
      expect(refusal(() => s.changesSince(0)).reason).toBe('Expired');
      expect(s.changesSince(AUTO_COMPACT_EVERY - 100).events).toHaveLength(100);
    } finally {
      s.close();
    }
  });
});

describe('the database file', () => {
  it('is 0600 in a directory created 0700, in WAL mode, at schema version 1', () => {
    const sub = path.join(dir, 'state');
    const s = SqliteObjectStore.openStateDir(sub);
    s.close();
    expect(fs.statSync(sub).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(sub, 'state.db')).mode & 0o777).toBe(0o600);
    const db = new Database(path.join(sub, 'state.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).pluck().get()).toBe(MIGRATIONS.length);
    db.close();
  });

  it('narrows a database file (and its WAL files) that others may read to 0600 when it opens it', () => {
    const sub = path.join(dir, 'wide');
    SqliteObjectStore.openStateDir(sub).close();
    const files = ['state.db', 'state.db-wal', 'state.db-shm'].map((f) => path.join(sub, f));
    // A clean close removes the WAL files; empty ones are what SQLite finds after a crash at worst.
    for (const f of files) if (!fs.existsSync(f)) fs.writeFileSync(f, '');
    for (const f of files) fs.chmodSync(f, 0o644);
    const s = SqliteObjectStore.openStateDir(sub);
    for (const f of files) expect([path.basename(f), fs.statSync(f).mode & 0o777]).toEqual([path.basename(f), 0o600]);
    s.close();
  });

  it('runs a later migration once, on the next open, keeping the data', () => {
    store.create(pod('web'));
    store.close();
    let runs = 0;
    const v2 = [...MIGRATIONS, () => void runs++];
    store = openTestStore(dir, { migrations: v2 });
    store.close();
    store = openTestStore(dir, { migrations: v2 });
    expect(runs).toBe(1);
    expect(store.get(web)?.metadata.name).toBe('web');
  });

  it('refuses a store written by a newer kubeplay, and says what to do', () => {
    store.close();
    store = openTestStore(dir, { migrations: [...MIGRATIONS, () => undefined] });
    store.close();
    expect(() => (store = openTestStore(dir))).toThrow(/schema is version 2, and this kubeplay knows versions up to 1; it was written by a newer kubeplay/);
    store = openTestStore(dir, { migrations: [...MIGRATIONS, () => undefined] });
  });

  it('refuses a file that is not a database with a StoreError that says how to recover', () => {
    const file = path.join(dir, 'junk.db');
    fs.writeFileSync(file, 'this is not sqlite'.repeat(100));
    expect(() => SqliteObjectStore.open(file)).toThrow(StoreError);
    expect(() => SqliteObjectStore.open(file)).toThrow(/not a kubeplay store .*the next apply rebuilds it from the labels on Podman's pods/);
  });

  it('waits busyTimeoutMs for another writer, then fails with a StoreError that says to retry', () => {
    const holder = new Database(path.join(dir, 'state.db'));
    holder.exec('BEGIN IMMEDIATE');
    const s = openTestStore(dir, { busyTimeoutMs: 50 });
    try {
      expect(() => s.create(pod('web'))).toThrow(/another process held it locked for too long .*run this one again/);
      expect(s.get(web)).toBeUndefined(); // readers are not blocked by a writer in WAL mode
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      s.close();
    }
  });
});
