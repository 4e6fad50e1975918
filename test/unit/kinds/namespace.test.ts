// The Namespace kind and the registry, on plain data: validation (cases from upstream's
// TestValidateNamespace in pkg/apis/core/validation/validation_test.go, written out here), the
// registry's resource words, Podman names per namespace, the store-only planner, namespace
// deletion and the not-found conflict, and get's listing with the built-in `default`.
import type { LoadedDocument } from '../../../src/domain/types';
import { validateManifests } from '../../../src/validate';
import { catalog, KINDS, requireResource, resourceOf } from '../../../src/kinds/registry';
import { podIdentityFromNames, podIdentityOf, podmanPodName } from '../../../src/domain/pod-names';
import { LABEL_MANAGED_BY, LABEL_NAMESPACE, MANAGED_BY_VALUE } from '../../../src/domain/labels';
import { planObjects } from '../../../src/plan/plan-objects';
import { planNamespaceDeletes } from '../../../src/plan/plan-namespace-deletes';
import { namespaceConflicts } from '../../../src/plan/plan-namespaces';
import { formatPlan } from '../../../src/plan/plan';
import { NAMESPACE, namespaceObject } from '../../../src/kinds/namespace';
import { describeNamespace } from '../../../src/kinds/namespace/describe';
import { desiredObjectsOf } from '../../../src/commands/apply';
import { listStored } from '../../../src/commands/get-stored';
import { formatObjects, type PrintOptions } from '../../../src/print/get/format';
import type { ObservedPod } from '../../../src/domain/state';
import { openTestStore, removeDir, tempDir } from '../store/temp-store';

const doc = (value: Record<string, unknown>, i = 0): LoadedDocument => ({ source: 'ns.yaml', documentIndex: i, basePath: [], value, locate: () => ({ line: 1, column: 1 }) });
const ns = (metadata: Record<string, unknown>, spec?: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata, ...(spec ? { spec } : {}) });
const messages = (values: Record<string, unknown>[]) => {
  const r = validateManifests(values.map((v, i) => doc(v, i)), 'strict', 'privileged', catalog());
  return r.ok ? [] : r.issues.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`);
};

describe('Namespace validation (upstream TestValidateNamespace)', () => {
  test.each([
    ['a name and labels', ns({ name: 'abc', labels: { a: 'b' } })],
    ['domain-qualified finalizers', ns({ name: 'abc-123' }, { finalizers: ['example.com/something', 'example.com/other'] })],
    ['the standard finalizer', ns({ name: 'abc' }, { finalizers: ['kubernetes'] })],
    // The API server clears a namespace given on a cluster-scoped object before it validates.
    ['a metadata.namespace (cleared)', ns({ name: 'abc-123', namespace: 'makesnosense' })],
  ])('accepts %s', (_what, v) => expect(messages([v])).toEqual([]));

  test('a zero-length name', () => expect(messages([ns({ name: '' })])).toEqual(['metadata.name: Required value: name or generateName is required']));
  test('invalid labels', () =>
    expect(messages([ns({ name: 'abc', labels: { 'NoUppercaseOrSpecialCharsLike=Equals': 'b' } })])[0]).toMatch(/^metadata\.labels: Invalid value: "NoUppercaseOrSpecialCharsLike=Equals": name part must consist of alphanumeric characters/));
  test('a name that is a subdomain but not a label', () => expect(messages([ns({ name: 'a.b' })])[0]).toMatch(/^metadata\.name: Invalid value: "a\.b": a lowercase RFC 1123 label must consist of/));
  test('a bare finalizer that is not a standard one', () =>
    expect(messages([ns({ name: 'abc' }, { finalizers: ['something'] })])).toEqual(['spec.finalizers[0]: Invalid value: "something": name is neither a standard finalizer name nor is it fully qualified']));
  test('an unknown field, by the strict schema', () => expect(messages([ns({ name: 'abc' }, { finalizer: ['kubernetes'] })])[0]).toMatch(/^spec\.finalizer: unknown field "finalizer"/));
  test('twice in the input', () => expect(messages([ns({ name: 'abc' }), ns({ name: 'abc' })])[0]).toMatch(/namespace "abc" is declared twice/));
  test('a valid Namespace has no namespace of its own and keeps the user\'s object as original', () => {
    const r = validateManifests([doc(ns({ name: 'abc', namespace: 'x' }))], 'strict', 'privileged', catalog());
    expect(r.ok && r.manifests[0]!.ref).toEqual({ kind: 'Namespace', namespace: '', name: 'abc' });
    expect(r.ok && (r.manifests[0]!.object['metadata'] as Record<string, unknown>)['namespace']).toBeUndefined();
  });
});

describe('the registry', () => {
  test.each([
    ['pods', 'Pod'], ['pod', 'Pod'], ['po', 'Pod'], ['Pod', 'Pod'], ['PODS', 'Pod'],
    ['namespaces', 'Namespace'], ['namespace', 'Namespace'], ['ns', 'Namespace'],
  ])('%s names %s', (word, kind) => expect(resourceOf(word)?.info.kind).toBe(kind));
  test('an unknown word is kubectl\'s error, naming what kubeplay handles', () =>
    expect(() => requireResource('ing')).toThrow('the server doesn\'t have a resource type "ing": kubeplay handles namespaces (ns), configmaps (cm), secrets, persistentvolumeclaims (pvc), services (svc), endpoints (ep), endpointslices, pods (po), deployments (deploy), replicasets (rs), statefulsets (sts), daemonsets (ds), jobs'));
  test('a group that does not match finds nothing', () => expect(resourceOf('pods.apps')).toBeUndefined());
  test('namespaces come first in apply order, then ConfigMaps, Secrets and claims, Services and their endpoints, then pods, then the workloads', () =>
    expect(KINDS.map((k) => k.info.kind)).toEqual(['Namespace', 'ConfigMap', 'Secret', 'PersistentVolumeClaim', 'Service', 'Endpoints', 'EndpointSlice', 'Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']));
});

describe('Podman names per namespace', () => {
  test.each([
    ['default', 'web', 'web'],
    ['', 'web', 'web'],
    ['shop', 'web', 'shop_web'],
    ['shop', 'web.v2', 'shop_web.v2'],
  ])('%s/%s is %s, and back', (namespace, name, podman) => {
    expect(podmanPodName(namespace, name)).toBe(podman);
    expect(podIdentityOf(podman, { [LABEL_NAMESPACE]: namespace || 'default' })).toEqual({ namespace: namespace || 'default', name });
    expect(podIdentityFromNames(podman, name)).toEqual({ namespace: namespace || 'default', name });
  });
  test('a pod whose label does not match its name is read as default (an unmanaged name with _ stays whole)', () => {
    expect(podIdentityOf('a_b', {})).toEqual({ namespace: 'default', name: 'a_b' });
    expect(podIdentityOf('a_b', { [LABEL_NAMESPACE]: 'other' })).toEqual({ namespace: 'default', name: 'a_b' });
  });
});

const validNs = (name: string, labels: Record<string, string> = {}) => {
  const r = validateManifests([doc(ns({ name, labels }))], 'strict', 'privileged', catalog());
  if (!r.ok) throw new Error('invalid');
  return r.manifests;
};

describe('store-only objects: plan', () => {
  test('a Namespace is stored as the API server stores it', () => {
    const o = namespaceObject(validNs('shop', { team: 'a' })[0]!);
    expect(o.metadata.labels).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'shop' });
    expect(o.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(o.status).toEqual({ phase: 'Active' });
  });
  test('created, unchanged, configured', () => {
    const desired = desiredObjectsOf(validNs('shop'));
    const stored = (o: typeof desired[number]['object'], rv: string) => ({ ...o, metadata: { ...o.metadata, uid: 'u', resourceVersion: rv, generation: 1, creationTimestamp: 't' } });
    expect(formatPlan({ images: [], conflicts: [], actions: planObjects(desired, []) }, { steps: true })).toBe('create    namespace/shop  not in the store\n    putObject namespace/shop\n');
    expect(formatPlan({ images: [], conflicts: [], actions: planObjects(desired, [stored(desired[0]!.object, '4')]) })).toBe('unchanged namespace/shop  as stored (resourceVersion 4)\n');
    const relabelled = desiredObjectsOf(validNs('shop', { team: 'b' }));
    expect(formatPlan({ images: [], conflicts: [], actions: planObjects(relabelled, [stored(desired[0]!.object, '4')]) })).toBe('configure namespace/shop  changed since resourceVersion 4\n');
  });
  test('objects of a missing namespace are conflicts, unless the input makes it', () => {
    const refs = [{ kind: 'Pod', namespace: 'shop', name: 'web' }, { kind: 'Pod', namespace: 'default', name: 'db' }, { kind: 'Namespace', namespace: '', name: 'shop' }];
    expect(namespaceConflicts(refs, ['default'], [])).toEqual([{ ref: 'pod/web', message: expect.stringMatching(/^namespaces "shop" not found: create the namespace first/) }]);
    expect(namespaceConflicts(refs, ['default'], ['shop'])).toEqual([]);
  });
});

const managed = (name: string, namespace: string): ObservedPod => ({ id: name, name, status: 'Running', labels: { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, [LABEL_NAMESPACE]: namespace }, containers: [] });

describe('deleting namespaces', () => {
  const opts = { gracePeriod: 0, includeUnmanaged: false, previousOf: () => undefined, undeletable: (n: string) => NAMESPACE.undeletable?.(n) };
  test('a namespace goes with the pods kubeplay made in it, reported with it; the Namespace object goes after the pods are stopped', () => {
    const plan = planNamespaceDeletes([{ name: 'shop' }], ['default', 'shop'], [managed('shop_web', 'shop'), managed('web', 'default')], opts);
    expect(plan.actions.map((a) => `${a.kind} ${a.ref} ${a.partOf ?? '-'}`)).toEqual(['delete pod/web namespace/shop', 'delete namespace/shop -']);
    expect(plan.actions[1]!.steps.map((s) => s.op)).toEqual(['barrier', 'removeObject']);
  });
  test('default is Forbidden in the API server\'s words; a missing one is NotFound', () => {
    const plan = planNamespaceDeletes([{ name: 'default' }, { name: 'nope' }], ['default'], [], opts);
    expect(plan.forbidden).toEqual([{ ref: 'namespace/default', message: 'namespaces "default" is forbidden: this namespace may not be deleted' }]);
    expect(plan.notFound).toEqual([{ name: 'nope' }]);
    expect(plan.actions).toEqual([]);
  });
});

describe('get namespaces', () => {
  test('default is listed even before anything was stored; the table is kubectl\'s', () => {
    const dir = tempDir();
    const store = openTestStore(dir);
    try {
      store.create(namespaceObject(validNs('shop')[0]!));
      const now = new Date('2024-05-01T10:05:00Z');
      const list = listStored(store, NAMESPACE, undefined, now);
      expect(list.map((o) => o.metadata.name)).toEqual(['default', 'shop']);
      const print: PrintOptions = { format: 'table', showLabels: false, labelColumns: [], noHeaders: false, single: false, node: 'n' };
      expect(formatObjects(list, print, now, NAMESPACE.table as never)).toBe('NAME      STATUS   AGE\ndefault   Active   <unknown>\nshop      Active   5m\n');
      expect(formatObjects(list, { ...print, format: 'name' }, now, NAMESPACE.table as never)).toBe('namespace/default\nnamespace/shop\n');
      expect(describeNamespace(list[1]!)).toBe(
        'Name:         shop\nLabels:       kubernetes.io/metadata.name=shop\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n',
      );
    } finally {
      store.close();
      removeDir(dir);
    }
  });
});
