/**
 * serverSideApply and updateManagedFields: the fieldsV1 the API server writes (the ConfigMap of the
 * Kubernetes documentation's Server-Side Apply page), ownership and removal, conflicts in the API
 * server's words (apimachinery managedfields/internal/conflict.go), force, Update managers taking
 * fields over, and before-first-apply.
 */
import { serverSideApply, updateManagedFields, conflictError, type ManagedFieldsEntry, type ServerSideApplyResult } from '../../../../src/serve/patch/server-side-apply';
import { FieldSet } from '../../../../src/serve/patch/field-set';
import { PatchError } from '../../../../src/domain/errors';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests walk objects and fieldsV1 freely
type Any = any;

const NOW = new Date('2026-12-07T10:00:00.123Z');
const LATER = new Date('2026-12-07T11:00:00Z');

function ok(r: ServerSideApplyResult): { object: Record<string, Any>; managedFields: ManagedFieldsEntry[] } {
  if ('conflicts' in r) throw new Error(r.error.message);
  return r;
}
const byManager = (mf: ManagedFieldsEntry[], manager: string, operation = 'Apply'): ManagedFieldsEntry | undefined => mf.find((e) => e.manager === manager && e.operation === operation);

function deployment(replicas: number, containers: object[], labels: Record<string, string> = { app: 'web' }): Record<string, Any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers } } },
  };
}

describe('server-side apply: the managed fields written', () => {
  test("the documentation's ConfigMap", () => {
    const applied = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'test-cm', namespace: 'default', labels: { 'test-label': 'test' } }, data: { key: 'some value' } };
    const r = ok(serverSideApply({ live: undefined, applied, manager: 'kubectl', force: false, kind: 'ConfigMap', now: NOW }));
    expect(r.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: '2026-12-07T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:key': {} }, 'f:metadata': { 'f:labels': { 'f:test-label': {} } } },
      },
    ]);
    expect(r.object).toEqual({ ...applied, metadata: { ...applied.metadata, managedFields: r.managedFields } });
  });

  test('a Deployment: list items by key ("." with children), atomic selector, a port keyed with its default protocol', () => {
    const applied = deployment(2, [{ name: 'nginx', image: 'nginx:1', ports: [{ containerPort: 80 }] }]);
    const r = ok(serverSideApply({ live: undefined, applied, manager: 'kubectl', force: false, kind: 'Deployment.apps', now: NOW }));
    expect(r.managedFields[0]!.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });
  });

  test('FieldSet reads its own encoding back', () => {
    const v1 = { 'f:a': { '.': {}, 'f:b': {} }, 'f:c': { 'k:{"name":"x"}': { '.': {}, 'f:d': {} }, 'v:"s"': {} } };
    expect(FieldSet.fromFieldsV1(v1).toFieldsV1()).toEqual(v1);
  });
});

describe('server-side apply: ownership and removal', () => {
  test('a label the applier leaves out is removed; one another manager owns stays', () => {
    const first = ok(serverSideApply({ live: undefined, applied: deployment(1, [{ name: 'a', image: 'x' }], { app: 'web', tier: 'front', team: 'x' }), manager: 'kubectl', force: false, kind: 'Deployment.apps', now: NOW }));
    // Someone else edits: changes nothing, but labels team through an Update.
    const edited = structuredClone(first.object);
    edited.metadata.labels.team = 'y';
    const mf = updateManagedFields({ old: first.object, new: edited, manager: 'kubectl-edit', kind: 'Deployment.apps', now: LATER });
    expect(byManager(mf, 'kubectl-edit', 'Update')!.fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:team': {} } } });
    expect(byManager(mf, 'kubectl')!.fieldsV1['f:metadata']).toEqual({ 'f:labels': { 'f:app': {}, 'f:tier': {} } });
    edited.metadata.managedFields = mf;

    const again = ok(serverSideApply({ live: edited, applied: deployment(1, [{ name: 'a', image: 'x' }], { app: 'web' }), manager: 'kubectl', force: false, kind: 'Deployment.apps', now: LATER }));
    expect(again.object.metadata.labels).toEqual({ app: 'web', team: 'y' });
  });

  test('a container the applier drops goes, with its fields; the others keep their order and fields', () => {
    const live = ok(
      serverSideApply({ live: undefined, applied: deployment(1, [{ name: 'a', image: 'x' }, { name: 'b', image: 'y', args: ['1'] }]), manager: 'kubectl', force: false, kind: 'Deployment.apps', now: NOW }),
    ).object;
    live.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent'; // a server default: nobody's
    const r = ok(serverSideApply({ live, applied: deployment(1, [{ name: 'a', image: 'x2' }, { name: 'c', image: 'z' }]), manager: 'kubectl', force: false, kind: 'Deployment.apps', now: LATER }));
    expect(r.object.spec.template.spec.containers).toEqual([
      { name: 'a', image: 'x2', imagePullPolicy: 'IfNotPresent' },
      { name: 'c', image: 'z' },
    ]);
  });

  test('a field the applier stops applying that nobody else owns is removed (replicas)', () => {
    const live = ok(serverSideApply({ live: undefined, applied: deployment(3, [{ name: 'a', image: 'x' }]), manager: 'kubectl', force: false, kind: 'Deployment.apps', now: NOW })).object;
    const applied = deployment(3, [{ name: 'a', image: 'x' }]);
    delete applied.spec.replicas;
    const r = ok(serverSideApply({ live, applied, manager: 'kubectl', force: false, kind: 'Deployment.apps', now: LATER }));
    expect(r.object.spec.replicas).toBeUndefined();
  });

  test('the same value from two appliers: no conflict, both own it', () => {
    const live = ok(serverSideApply({ live: undefined, applied: deployment(3, [{ name: 'a', image: 'x' }]), manager: 'one', force: false, kind: 'Deployment.apps', now: NOW })).object;
    const r = ok(serverSideApply({ live, applied: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3 } }, manager: 'two', force: false, kind: 'Deployment.apps', now: LATER }));
    expect(byManager(r.managedFields, 'two')!.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(byManager(r.managedFields, 'one')!.fieldsV1['f:spec']).toHaveProperty(['f:replicas']);
    // A no-op: the new entry has no time, as upstream's managedFieldsUpdater leaves it.
    expect(byManager(r.managedFields, 'two')!.time).toBeUndefined();
  });

  test('status and the server-kept metadata are nobody\'s and stay as they were', () => {
    const live: Record<string, Any> = { ...deployment(1, [{ name: 'a', image: 'x' }]), status: { replicas: 1 } };
    live.metadata.uid = 'u1';
    live.metadata.resourceVersion = '7';
    const r = ok(serverSideApply({ live, applied: { ...deployment(2, [{ name: 'a', image: 'x' }]), status: { replicas: 9 } }, manager: 'kubectl', force: true, kind: 'Deployment.apps', now: NOW }));
    expect(r.object.status).toEqual({ replicas: 1 });
    expect(r.object.metadata.uid).toBe('u1');
    expect(JSON.stringify(r.managedFields)).not.toContain('f:status');
    expect(JSON.stringify(r.managedFields)).not.toContain('f:uid');
  });
});

describe('server-side apply: conflicts', () => {
  function clientSideApplied(): Record<string, Any> {
    const obj = deployment(2, [{ name: 'a', image: 'x' }]);
    obj.metadata.managedFields = updateManagedFields({ old: undefined, new: obj, manager: 'kubectl-client-side-apply', kind: 'Deployment.apps', now: NOW });
    return obj;
  }

  test('a client-side applied object: the Update entry written on create', () => {
    const mf = clientSideApplied().metadata.managedFields as ManagedFieldsEntry[];
    expect(mf).toHaveLength(1);
    expect(mf[0]).toMatchObject({ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: '2026-12-07T10:00:00Z' });
    expect(mf[0]!.fieldsV1['f:metadata']).toEqual({ 'f:labels': { '.': {}, 'f:app': {} } });
    expect((mf[0]!.fieldsV1['f:spec'] as Any)['f:template']['f:spec']['f:containers']).toEqual({ 'k:{"name":"a"}': { '.': {}, 'f:image': {}, 'f:name': {} } });
  });

  test('one conflict: 409 in the API server words', () => {
    const r = serverSideApply({ live: clientSideApplied(), applied: deployment(3, [{ name: 'a', image: 'x' }]), manager: 'kubectl', force: false, kind: 'Deployment.apps', now: LATER });
    if (!('conflicts' in r)) throw new Error('expected conflicts');
    expect(r.conflicts).toEqual([{ manager: '"kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);
    expect([r.error.code, r.error.reason, r.error.message]).toEqual([409, 'Conflict', 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas']);
    expect(r.error.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);
  });

  test('conflicts with two managers: grouped by manager, sorted', () => {
    const e = conflictError([
      { manager: '"kubectl-edit" using apps/v1', field: '.spec.replicas' },
      { manager: '"helm"', field: '.spec.template.spec.containers[name="a"].image' },
      { manager: '"helm"', field: '.metadata.labels.app' },
    ]);
    expect(e.message).toBe(
      'Apply failed with 3 conflicts: conflicts with "helm":\n- .spec.template.spec.containers[name="a"].image\n- .metadata.labels.app\nconflicts with "kubectl-edit" using apps/v1:\n- .spec.replicas',
    );
  });

  test('force takes the field: the other manager loses it', () => {
    const r = ok(serverSideApply({ live: clientSideApplied(), applied: deployment(3, [{ name: 'a', image: 'y' }]), manager: 'kubectl', force: true, kind: 'Deployment.apps', now: LATER }));
    expect(r.object.spec.replicas).toBe(3);
    const csa = byManager(r.managedFields, 'kubectl-client-side-apply', 'Update')!;
    expect((csa.fieldsV1['f:spec'] as Any)['f:replicas']).toBeUndefined();
    expect((csa.fieldsV1['f:spec'] as Any)['f:template']['f:spec']['f:containers']['k:{"name":"a"}']['f:image']).toBeUndefined();
    expect(r.managedFields.map((e) => e.operation)).toEqual(['Apply', 'Update']);
  });

  test('an Update takes over an applied field (kubectl scale), and the next apply conflicts with it', () => {
    const applied = ok(serverSideApply({ live: undefined, applied: deployment(2, [{ name: 'a', image: 'x' }]), manager: 'kubectl', force: false, kind: 'Deployment.apps', now: NOW })).object;
    const scaled = structuredClone(applied);
    scaled.spec.replicas = 5;
    scaled.metadata.managedFields = updateManagedFields({ old: applied, new: scaled, manager: 'kubectl', kind: 'Deployment.apps', now: LATER });
    expect(byManager(scaled.metadata.managedFields, 'kubectl', 'Update')!.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    const r = serverSideApply({ live: scaled, applied: deployment(2, [{ name: 'a', image: 'x' }]), manager: 'kubectl', force: false, kind: 'Deployment.apps', now: LATER });
    expect('conflicts' in r && r.error.message).toBe('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas');
  });

  test('an object with no managed fields is first owned by before-first-apply', () => {
    const r = serverSideApply({ live: deployment(2, [{ name: 'a', image: 'x' }]), applied: deployment(4, [{ name: 'a', image: 'x' }]), manager: 'kubectl', force: false, kind: 'Deployment.apps', now: NOW });
    expect('conflicts' in r && r.error.message).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
  });
});

describe('server-side apply: configurations the API server refuses', () => {
  test('a list item without its key: 500 failed to create typed patch object', () => {
    let e: unknown;
    try {
      serverSideApply({ live: undefined, applied: deployment(1, [{ image: 'x' }]), manager: 'kubectl', force: false, kind: 'Deployment.apps', now: NOW });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(PatchError);
    expect((e as PatchError).code).toBe(500);
    expect((e as PatchError).message).toBe(
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    );
  });
  test('two items with one key', () => {
    expect(() => serverSideApply({ live: undefined, applied: deployment(1, [{ name: 'a' }, { name: 'a' }]), manager: 'kubectl', force: false, kind: 'Deployment.apps', now: NOW })).toThrow(
      '.spec.template.spec.containers: duplicate entries for key [name="a"]',
    );
  });
});
