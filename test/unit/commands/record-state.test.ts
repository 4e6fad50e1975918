// recordApply and recordDelete on plain data and a real (temporary) SQLite store: what apply and
// delete tell the desired state, and how a store and Podman that disagree are reconciled.
import { recordApply, recordDelete } from '../../../src/commands/record-state';
import { LABEL_LAST_APPLIED, LABEL_MANAGED_BY, MANAGED_BY_VALUE } from '../../../src/domain/labels';
import type { ObservedPod } from '../../../src/domain/state';
import type { PodManifest } from '../../../src/domain/types';
import type { Action } from '../../../src/plan/plan';
import type { ExecutionReport } from '../../../src/execute/execute-plan';
import { openTestStore, removeDir, tempDir } from '../store/temp-store';

function manifest(name: string, image = 'img:1'): PodManifest {
  const original = { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image }] } };
  return {
    ref: { kind: 'Pod', namespace: 'default', name },
    apiVersion: 'v1',
    source: 'f.yaml',
    documentIndex: 0,
    original,
    object: { ...original, spec: { ...original.spec, restartPolicy: 'Always' } },
    locate: () => undefined,
  };
}

function action(kind: Action['kind'], name: string): Action {
  return { kind, ref: `pod/${name}`, name, cause: '', needsImages: [], steps: [], rollback: [] };
}

function done(...actions: Action[]): ExecutionReport {
  return { results: actions.map((a) => ({ action: a, outcome: 'done' as const })) };
}

function observed(name: string, lastApplied?: object): ObservedPod {
  return {
    id: name,
    name,
    status: 'Running',
    labels: { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, ...(lastApplied ? { [LABEL_LAST_APPLIED]: JSON.stringify(lastApplied) } : {}) },
    containers: [],
  };
}

let dir: string;
beforeEach(() => (dir = tempDir()));
afterEach(() => removeDir(dir));

test('a created pod is stored with the validated spec and the manifest as last-applied; the same again writes nothing', () => {
  const store = openTestStore(dir);
  const m = manifest('web');
  const a = action('create', 'web');
  expect(recordApply(store, [m], [a], done(a), [])).toEqual({ stored: 1, adopted: 0, dropped: 0 });
  const o = store.get({ kind: 'Pod', namespace: 'default', name: 'web' })!;
  expect(o.spec).toEqual({ containers: [{ name: 'c', image: 'img:1' }], restartPolicy: 'Always' });
  expect(JSON.parse(o.metadata.annotations![LABEL_LAST_APPLIED]!)).toEqual(m.original);
  const rev = store.currentRevision();
  const u = action('unchanged', 'web');
  expect(recordApply(store, [m], [u], done(u), [observed('web', m.original)])).toEqual({ stored: 0, adopted: 0, dropped: 0 });
  expect(store.currentRevision()).toBe(rev);
  store.close();
});

test('a failed action records nothing', () => {
  const store = openTestStore(dir);
  const a = action('create', 'web');
  recordApply(store, [manifest('web')], [a], { results: [{ action: a, outcome: 'failed', error: 'x' }] }, []);
  expect(store.list({ kind: 'Pod' }).items).toEqual([]);
  store.close();
});

test('managed pods the store lacks are adopted from their label; unmanaged ones and unreadable labels are not', () => {
  const store = openTestStore(dir);
  const old = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'old', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
  const foreign: ObservedPod = { id: 'f', name: 'foreign', status: 'Running', labels: {}, containers: [] };
  const garbage: ObservedPod = { ...observed('garbage'), labels: { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, [LABEL_LAST_APPLIED]: '{not json' } };
  expect(recordApply(store, [], [], done(), [observed('old', old), foreign, garbage])).toEqual({ stored: 0, adopted: 1, dropped: 0 });
  expect(store.get({ kind: 'Pod', namespace: 'default', name: 'old' })!.metadata.labels).toEqual({ app: 'x' });
  store.close();
});

test('a stored pod Podman no longer has is dropped unless the input names it; delete and prune remove theirs', () => {
  const store = openTestStore(dir);
  const [a, b, c] = [action('create', 'a'), action('create', 'b'), action('create', 'c')];
  recordApply(store, [manifest('a'), manifest('b'), manifest('c')], [a, b, c], done(a, b, c), []);
  // b was removed with podman pod rm; a is in the input (being remade); c is pruned.
  const prune = action('prune', 'c');
  const out = recordApply(store, [manifest('a')], [action('create', 'a'), prune], done(prune), [observed('c')]);
  expect(out.dropped).toBe(2);
  expect(store.list({ kind: 'Pod' }).items.map((o) => o.metadata.name)).toEqual(['a']);
  const del = action('delete', 'a');
  expect(recordDelete(store, [del], done(del))).toEqual({ stored: 0, adopted: 0, dropped: 1 });
  expect(store.list({ kind: 'Pod' }).items).toEqual([]);
  store.close();
});
