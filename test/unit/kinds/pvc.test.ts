// The PersistentVolumeClaim kind on plain data: validation (cases from upstream's
// TestValidatePersistentVolumeClaim in pkg/apis/core/validation/validation_test.go, written out
// here), the stored form, get's table and describe's layout (kubectl 1.32's printers), the update
// rules (ValidatePersistentVolumeClaimUpdate), pods' claim references, and the plans: a claim's
// volume ensured on apply, removed on delete only after the run's pods, kept Terminating while a
// pod that stays uses it (pvc-protection), and never removed by deleting or replacing a pod.
import type { LoadedDocument, PodManifest, ValidManifest } from '../../../src/domain/types';
import type { StoredObject } from '../../../src/domain/objects';
import type { ObservedPod } from '../../../src/domain/state';
import { validateManifests } from '../../../src/validate';
import { catalog, resourceOf } from '../../../src/kinds/registry';
import { accessModesText, claimObject, claimUpdateProblems, generatedVolumeName, PERSISTENT_VOLUME_CLAIM, PERSISTENT_VOLUME_CLAIM_TABLE } from '../../../src/kinds/pvc';
import { describeClaim } from '../../../src/kinds/pvc/describe';
import { formatObjects, type PrintOptions } from '../../../src/print/get/format';
import { claimReferenceIssues, claimUsers, finishTerminatingClaims, planClaimDeletes, planClaimPrunes, planClaimVolumes, type ObservedVolume } from '../../../src/plan/plan-claims';
import { planObjects } from '../../../src/plan/plan-objects';
import { planChanges } from '../../../src/plan/plan-changes';
import { planDeletes } from '../../../src/plan/plan-deletes';
import { formatPlan, type Step } from '../../../src/plan/plan';
import { desiredObjectsOf } from '../../../src/commands/apply';
import { executePlan } from '../../../src/execute/execute-plan';
import { LABEL_MANAGED_BY, MANAGED_BY_VALUE } from '../../../src/domain/labels';
import { container, desiredPod } from '../../fakes/builders';
import { FakeContainerEngine } from '../../fakes/fake-container-engine';

const doc = (value: Record<string, unknown>, i = 0): LoadedDocument => ({ source: 'pvc.yaml', documentIndex: i, basePath: [], value, locate: () => ({ line: 1, column: 1 }) });
const claim = (spec: Record<string, unknown> | undefined, metadata: Record<string, unknown> = { name: 'data' }) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, ...(spec ? { spec } : {}) });
const good = { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], resources: { requests: { storage: '10G' } } };
const result = (values: Record<string, unknown>[]) => validateManifests(values.map((v, i) => doc(v, i)), 'strict', 'privileged', catalog());
const messages = (values: Record<string, unknown>[], severity = 'error') => {
  const r = result(values);
  const issues = r.ok ? r.warnings : r.issues;
  return issues.filter((i) => i.severity === severity).map((i) => `${i.path}: ${i.message}`);
};
const manifest = (v: Record<string, unknown>): ValidManifest => {
  const r = result([v]);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.manifests[0]!;
};
const stored = (v: Record<string, unknown>, extra: Record<string, unknown> = {}): StoredObject => {
  const o = claimObject(manifest(v));
  return { ...o, metadata: { ...o.metadata, uid: 'u1', resourceVersion: '3', generation: 1, creationTimestamp: '2024-05-01T09:55:00Z', ...extra } };
};

describe('PersistentVolumeClaim validation (upstream TestValidatePersistentVolumeClaim)', () => {
  test('good-claim', () => expect(messages([claim(good)])).toEqual([]));
  test.each([
    ['no-access-modes', { resources: { requests: { storage: '10G' } } }, ['spec.accessModes: Required value: at least 1 access mode is required']],
    ['invalid-accessmode', { accessModes: ['fakemode'], resources: { requests: { storage: '10G' } } }, ['spec.accessModes: Unsupported value: "fakemode": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"']],
    ['no-resource-requests', { accessModes: ['ReadWriteOnce'] }, ['spec.resources[storage]: Required value']],
    ['invalid-resource-requests (memory only)', { accessModes: ['ReadWriteOnce'], resources: { requests: { memory: '10G' } } }, ['spec.resources[storage]: Required value']],
    ['negative-storage-request', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '-10G' } } }, ['spec.resources[storage]: Invalid value: "-10G": must be greater than zero']],
    ['zero-storage-request', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0G' } } }, ['spec.resources[storage]: Invalid value: "0": must be greater than zero']],
    ['ReadWriteOncePod with another mode', { accessModes: ['ReadWriteOncePod', 'ReadWriteMany'], resources: { requests: { storage: '1Gi' } } }, ['spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes']],
    ['invalid volumeMode', { ...good, volumeMode: 'Fake' }, ['spec.volumeMode: Unsupported value: "Fake": supported values: "Block", "Filesystem"']],
  ])('%s', (_what, spec, want) => expect(messages([claim(spec)])).toEqual(want));
  test('invalid storage class name', () => expect(messages([claim({ ...good, storageClassName: '-invalid-' })])[0]).toMatch(/^spec\.storageClassName: Invalid value: "-invalid-": a lowercase RFC 1123 subdomain/));
  test('ReadWriteOncePod alone is fine', () => expect(messages([claim({ accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '1Gi' } } })])).toEqual([]));
  test('a bad name', () => expect(messages([claim(good, { name: 'Data_1' })])[0]).toMatch(/^metadata\.name: Invalid value: "Data_1": a lowercase RFC 1123 subdomain/));
  test('an unknown field, by the strict schema', () => expect(messages([claim({ ...good, acessModes: [] })])[0]).toMatch(/^spec\.acessModes: unknown field "acessModes"/));
  test('twice in one namespace is kubeplay\'s refusal; the same name in two namespaces is fine', () => {
    expect(messages([claim(good), claim(good)])[0]).toMatch(/persistentvolumeclaim "data" is declared twice/);
    expect(messages([claim(good), claim(good, { name: 'data', namespace: 'shop' })])).toEqual([]);
  });

  test('volumeMode Block is refused with the reason and what to do', () =>
    expect(messages([claim({ ...good, volumeMode: 'Block' })])).toEqual([
      "spec.volumeMode: volumeMode Block is not supported: a claim is a Podman named volume, which is a directory, and there is no raw block device to give a container; use volumeMode: Filesystem (the default) and mount the claim with volumeMounts (kubeplay's rule, not the API server's)",
    ]));
  test('dataSource and dataSourceRef are refused: the volume would be empty where data is expected', () => {
    const m = messages([claim({ ...good, dataSource: { kind: 'PersistentVolumeClaim', name: 'src' }, dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'src' } })]);
    expect(m).toHaveLength(2);
    expect(m[0]).toMatch(/^spec\.dataSource: dataSource is not supported: kubeplay would make an empty volume/);
    expect(m[1]).toMatch(/^spec\.dataSourceRef: dataSourceRef is not supported/);
  });
  test('a selector is a warning: there are no PersistentVolumes to pick from', () => {
    const v = claim({ ...good, selector: { matchLabels: { a: 'b' } } });
    expect(messages([v])).toEqual([]);
    expect(messages([v], 'warning')[0]).toMatch(/^spec\.selector: not carried out by kubeplay on Podman, so it is ignored \(a selector picks among PersistentVolumes/);
  });
  test('volumeMode defaults to Filesystem; the namespace to default', () => {
    const m = manifest(claim(good));
    expect(m.ref).toEqual({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data' });
    expect((m.object['spec'] as Record<string, unknown>)['volumeMode']).toBe('Filesystem');
  });
});

describe('the stored claim', () => {
  test('resource words', () => {
    for (const w of ['pvc', 'persistentvolumeclaims', 'persistentvolumeclaim', 'PersistentVolumeClaim']) expect(resourceOf(w)).toBe(PERSISTENT_VOLUME_CLAIM);
  });
  test('bound at once: spec as given with a deterministic volume name, finalizer, binder annotations, status Bound with the capacity', () => {
    const o = claimObject(manifest(claim({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } } }, { name: 'data', namespace: 'shop' })));
    expect(o.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } }, volumeMode: 'Filesystem', volumeName: generatedVolumeName('shop', 'data') });
    expect(o.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect(o.metadata).toMatchObject({ name: 'data', namespace: 'shop', finalizers: ['kubernetes.io/pvc-protection'] });
    expect(o.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(generatedVolumeName('shop', 'data')).toMatch(/^pvc-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(generatedVolumeName('shop', 'data')).not.toBe(generatedVolumeName('default', 'data'));
    // Pure: the same manifest gives the same object, so a re-apply is unchanged.
    expect(claimObject(manifest(claim(good)))).toEqual(claimObject(manifest(claim(good))));
  });
  test('access modes abbreviated as kubectl does, in its order', () => {
    expect(accessModesText(['ReadWriteOncePod'])).toBe('RWOP');
    expect(accessModesText(['ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOnce', 'ReadWriteOnce'])).toBe('RWO,ROX,RWX');
    expect(accessModesText(undefined)).toBe('');
  });
  test('get\'s table: kubectl 1.32\'s columns, Terminating once deleted, VOLUMEMODE with -o wide', () => {
    const now = new Date('2024-05-01T10:00:00Z');
    const a = stored(claim({ ...good, storageClassName: 'fast' }));
    const b = stored(claim({ accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '5Mi' } } }, { name: 'logs' }), { deletionTimestamp: '2024-05-01T09:59:00Z' });
    const print: PrintOptions = { format: 'table', showLabels: false, labelColumns: [], noHeaders: false, single: false, node: 'n' };
    const table = PERSISTENT_VOLUME_CLAIM_TABLE as never;
    expect(formatObjects([a, b], print, now, table)).toBe(
      'NAME   STATUS        VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE\n' +
        `data   Bound         ${generatedVolumeName('default', 'data')}   10G        RWO,ROX        fast           <unset>                 5m\n` +
        `logs   Terminating   ${generatedVolumeName('default', 'logs')}   5Mi        RWOP                          <unset>                 5m\n`,
    );
    expect(formatObjects([a], { ...print, format: 'wide' }, now, table).split('\n')[0]).toMatch(/AGE\s+VOLUMEMODE$/);
    expect(formatObjects([a], { ...print, format: 'name' }, now, table)).toBe('persistentvolumeclaim/data\n');
  });
  test('describe: kubectl\'s PersistentVolumeClaimDescriber, Used By the stored pods that mount it', () => {
    const o = stored(claim(good));
    const pods = [
      { metadata: { name: 'web' }, spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } },
      { metadata: { name: 'api' }, spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } },
      { metadata: { name: 'other' }, spec: { volumes: [{ name: 'd', emptyDir: {} }] } },
    ] as unknown as StoredObject[];
    const text = describeClaim(o, { now: new Date('2024-05-01T10:00:00Z'), list: (kind, ns) => (kind === 'Pod' && ns === 'default' ? pods : []) });
    expect(text).toBe(
      [
        'Name:          data',
        'Namespace:     default',
        'StorageClass:  ',
        'Status:        Bound',
        `Volume:        ${generatedVolumeName('default', 'data')}`,
        'Labels:        <none>',
        'Annotations:   pv.kubernetes.io/bind-completed: yes',
        '               pv.kubernetes.io/bound-by-controller: yes',
        'Finalizers:    [kubernetes.io/pvc-protection]',
        'Capacity:      10G',
        'Access Modes:  RWO,ROX',
        'VolumeMode:    Filesystem',
        'Used By:       api',
        '               web',
        'Events:        <none>',
        '',
      ].join('\n'),
    );
    const deleting = describeClaim(stored(claim(good), { deletionTimestamp: '2024-05-01T09:58:00Z' }), { now: new Date('2024-05-01T10:00:00Z'), list: () => [] });
    expect(deleting).toContain('Status:        Terminating (lasts 2m)\n');
    expect(deleting).toContain('Used By:       <none>\n');
  });
});

describe('updating a bound claim (ValidatePersistentVolumeClaimUpdate)', () => {
  const old = stored(claim({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }));
  const next = (spec: Record<string, unknown>) => claimObject(manifest(claim(spec)));
  test('the same spec, or a larger request, is allowed (a growth only updates the object)', () => {
    expect(claimUpdateProblems(old, next({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }))).toEqual([]);
    expect(claimUpdateProblems(old, next({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } }))).toEqual([]);
  });
  test('another access mode: spec is immutable, in the API server\'s words', () =>
    expect(claimUpdateProblems(old, next({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } }))).toEqual([
      'PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n  spec.accessModes: ["ReadWriteOnce"] -> ["ReadWriteMany"]',
    ]));
  test('a smaller request', () =>
    expect(claimUpdateProblems(old, next({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '512Mi' } } }))).toEqual([
      'PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than previous value',
    ]));
  test('both at once: one bracketed list, as the API server joins them', () =>
    expect(claimUpdateProblems(old, next({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Mi' } } }))[0]).toMatch(/^PersistentVolumeClaim "data" is invalid: \[spec: Forbidden: .*\n.*, spec\.resources\.requests\.storage: Forbidden: field can not be less than previous value\]$/));
});

const podManifest = (name: string, claims: string[], namespace = 'default'): PodManifest =>
  ({
    ref: { kind: 'Pod', namespace, name },
    apiVersion: 'v1',
    source: 'app.yaml',
    documentIndex: 0,
    object: { spec: { containers: [], volumes: [{ name: 'x', emptyDir: {} }, ...claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } }))] } },
    locate: (p: ReadonlyArray<string | number>) => ({ line: 10 + Number(p[2]), column: 20 }),
  });

describe('claimReferenceIssues', () => {
  test('a missing claim and one being deleted, located at the reference, in the scheduler\'s words', () => {
    const state = (_ns: string, name: string) => (name === 'data' ? 'bound' : name === 'old' ? 'terminating' : undefined);
    const issues = claimReferenceIssues([podManifest('web', ['data', 'nope', 'old'])], state);
    expect(issues.map((i) => `${i.file}:${i.line}:${i.column}: ${i.path}: ${i.message.split(':')[0]}`)).toEqual([
      'app.yaml:12:20: spec.volumes[2].persistentVolumeClaim.claimName: persistentvolumeclaim "nope" not found',
      'app.yaml:13:20: spec.volumes[3].persistentVolumeClaim.claimName: persistentvolumeclaim "old" is being deleted',
    ]);
    expect(issues[0]).toMatchObject({ severity: 'error', rule: 'claim-reference' });
  });
  test('claims are looked up in the pod\'s namespace', () => {
    const seen: string[] = [];
    claimReferenceIssues([podManifest('web', ['data'], 'shop')], (ns, name) => (seen.push(`${ns}/${name}`), 'bound'));
    expect(seen).toEqual(['shop/data']);
  });
});

describe('apply: the claim\'s volume', () => {
  const desired = desiredObjectsOf([manifest(claim(good)), manifest(claim(good, { name: 'data', namespace: 'shop' }))]);
  const managed: ObservedVolume = { labels: { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE } };
  test('made when missing, picked up when kubeplay made it, a conflict when someone else did', () => {
    const actions = planObjects(desired, []);
    const none = planClaimVolumes(actions, desired, [], new Map<string, ObservedVolume | undefined>([['data', undefined], ['shop_data', managed]]));
    expect(formatPlan({ images: [], conflicts: [], actions: none.actions }, { steps: true })).toBe(
      'create    persistentvolumeclaim/data  not in the store\n' +
        '    ensureVolume data\n' +
        '    putObject persistentvolumeclaim/default/data\n' +
        'create    persistentvolumeclaim/data  not in the store\n' +
        '    putObject persistentvolumeclaim/shop/data\n',
    );
    expect(none.actions[0]!.steps[0]).toEqual({ op: 'ensureVolume', name: 'data', labels: { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, 'kubeplay.io/volume-kind': 'pvc', 'kubeplay.io/namespace': 'default', 'kubeplay.io/claim': 'data' } });
    const foreign = planClaimVolumes(actions, desired, [], new Map<string, ObservedVolume | undefined>([['data', { labels: {} }], ['shop_data', managed]]));
    expect(foreign.conflicts).toEqual([{ ref: 'persistentvolumeclaim/data', message: expect.stringMatching(/^volume "data" exists in Podman but was not created by kubeplay .*; remove it yourself \(podman volume rm data\)/) }]);
  });
  test('re-applying a Terminating claim is a conflict; an unchanged claim whose volume went is made again', () => {
    const terminating = stored(claim(good), { deletionTimestamp: '2024-05-01T09:59:00Z' });
    const one = desired.slice(0, 1);
    expect(planClaimVolumes(planObjects(one, [terminating]), one, [terminating], new Map()).conflicts[0]!.message).toMatch(/^persistentvolumeclaim "data" is being deleted \(Terminating, kubernetes.io\/pvc-protection\)/);
    const current = { ...(one[0]!.object as StoredObject), metadata: { ...one[0]!.object.metadata, uid: 'u', resourceVersion: '2', generation: 1, creationTimestamp: '' } } as StoredObject;
    const r = planClaimVolumes(planObjects(one, [current]), one, [current], new Map<string, ObservedVolume | undefined>([['data', undefined]]));
    expect(r.actions[0]).toMatchObject({ kind: 'unchanged', steps: [{ op: 'ensureVolume', name: 'data' }] });
    expect(r.actions[0]!.cause).toMatch(/its volume data is missing in Podman and is made again, empty$/);
  });
});

/** observed makes the Podman side of a desired pod (managed, running). */
const observed = (name: string): ObservedPod => ({ id: `id-${name}`, name, status: 'Running', labels: { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, 'kubeplay.io/namespace': 'default' }, containers: [] });
const web = desiredPod('web', { containers: [container('web', 'app', { stopTimeoutSeconds: 1 })], volumes: [{ kind: 'pvc', name: 'd', podmanVolume: 'data', readOnly: false }, { kind: 'emptyDir', name: 'c', podmanVolume: 'web-c', medium: '' }] });
const api = desiredPod('api', { volumes: [{ kind: 'pvc', name: 'd', podmanVolume: 'data', readOnly: false }] });
const previous = new Map([web, api].map((p) => [p.name, p]));
const previousOf = (p: ObservedPod) => previous.get(p.name);
const deleteOpts = { gracePeriod: -1, includeUnmanaged: false, previousOf };

describe('data safety: deleting or replacing a pod never removes a claim\'s volume', () => {
  const removes = (steps: readonly Step[]) => steps.filter((s) => s.op === 'removeVolume').map((s) => (s.op === 'removeVolume' ? s.name : ''));
  test('delete pod', () => expect(removes(planDeletes({ by: 'names', targets: [{ name: 'web' }] }, [observed('web')], deleteOpts).actions[0]!.steps)).toEqual(['web-c']));
  test('replace (recreate) a pod, and its rollback', () => {
    const changed = desiredPod('web', { ...web, containers: [container('web', 'app', { image: 'localhost/other:1' })] });
    const current: ObservedPod = {
      ...observed('web'),
      labels: { ...web.labels },
      containers: [{ id: 'infra', name: 'web-infra', state: 'running', isInfra: true }, ...web.containers.map((c) => ({ id: c.name, name: c.name, state: 'running' as const, isInfra: false }))],
    };
    const plan = planChanges([changed], { pods: [current] }, { force: false, previousOf });
    expect(plan.actions[0]!.kind).toBe('recreate');
    expect(removes(plan.actions[0]!.steps)).toEqual(['web-c', 'web-c']);
    expect(removes(plan.actions[0]!.rollback)).toEqual(['web-c', 'web-c']);
    expect(plan.actions[0]!.steps.filter((s) => s.op === 'ensureVolume').map((s) => (s.op === 'ensureVolume' ? s.name : ''))).toEqual(['data']);
  });
  test('prune', () => {
    const plan = planChanges([], { pods: [{ ...observed('web'), labels: { ...web.labels, app: 'x' } }] }, { force: false, previousOf, prune: { matches: () => true, selector: 'app=x' } });
    expect(removes(plan.actions[0]!.steps)).toEqual(['web-c']);
  });
});

describe('deleting claims', () => {
  const now = '2024-05-01T10:00:00Z';
  const data = stored(claim(good));
  test('with its pod in the same run: the volume goes after the pod is removed, then the object', () => {
    const pods = planDeletes({ by: 'names', targets: [{ name: 'web' }] }, [observed('web')], deleteOpts);
    const users = claimUsers([observed('web')], previousOf, new Set(['web']));
    const claims = planClaimDeletes([{ name: 'data', namespace: 'default' }], [data], users, now);
    expect(claims.warnings).toEqual([]);
    expect(formatPlan({ images: [], conflicts: [], actions: claims.actions }, { steps: true })).toBe(
      'delete    persistentvolumeclaim/data  removes volume data; after its pod(s) web\n' +
        '    barrier: every pod stopped and cleaned up\n' +
        '    barrier: every pod removed\n' +
        '    removeVolume data (unless in use)\n' +
        '    removeObject persistentvolumeclaim/default/data\n',
    );
    expect(pods.actions).toHaveLength(1);
  });

  test('the executor removes the pod before the claim\'s volume (phases)', async () => {
    const engine = new FakeContainerEngine();
    await engine.createVolume('data', {});
    const pods = planDeletes({ by: 'names', targets: [{ name: 'web' }] }, [observed('web')], { ...deleteOpts, gracePeriod: 0 });
    const claims = planClaimDeletes([{ name: 'data', namespace: 'default' }], [data], claimUsers([observed('web')], previousOf, new Set(['web'])), now);
    const removedObjects: string[] = [];
    // The claim first in the plan: the barriers still put its volume after the pod.
    const report = await executePlan(engine, { images: [], conflicts: [], actions: [...claims.actions, ...pods.actions] }, { concurrency: 4, objects: { put: () => undefined, putStatus: () => undefined, remove: (k) => void removedObjects.push(k.name) } });
    expect(report.results.map((r) => r.outcome)).toEqual(['done', 'done']);
    const order = engine.log.filter((l) => /^(removePod|removeVolume) /.test(l));
    expect(order).toEqual(['removePod web', 'removeVolume web-c', 'removeVolume data']);
    expect(removedObjects).toEqual(['data']);
  });

  test('pvc-protection: a pod that stays keeps the claim Terminating, with a warning; nothing waits', () => {
    const users = claimUsers([observed('web'), observed('api')], previousOf, new Set());
    const r = planClaimDeletes([{ name: 'data', namespace: 'default' }], [data], users, now);
    expect(r.actions).toHaveLength(1);
    expect(r.actions[0]!.cause).toBe('in use by pod(s) api, web: kept Terminating (kubernetes.io/pvc-protection), volume data kept');
    const put = r.actions[0]!.steps[0];
    expect(put?.op === 'putObject' && put.object.metadata).toMatchObject({ deletionTimestamp: now, finalizers: ['kubernetes.io/pvc-protection'] });
    expect(r.actions[0]!.steps.some((s) => s.op === 'removeVolume')).toBe(false);
    expect(r.warnings).toEqual([
      'persistentvolumeclaim "data" is still used by pods api, web: it stays Terminating (kubernetes.io/pvc-protection) and keeps its volume data; kubeplay removes both when the last of them is deleted (it runs no controller, so it does not wait)',
    ]);
  });

  test('a missing claim is NotFound; a client dry run plans each named claim as removed', () => {
    expect(planClaimDeletes([{ name: 'nope', namespace: 'default', source: 'f.yaml' }], [data], new Map(), now).notFound).toEqual([{ name: 'nope', namespace: 'default', source: 'f.yaml', resource: 'persistentvolumeclaims' }]);
    expect(planClaimDeletes([{ name: 'data' }], undefined, new Map(), now).actions[0]!.cause).toMatch(/--dry-run=client/);
  });

  test('a Terminating claim is finished by the run that deletes its last pod, reported with that pod', () => {
    const terminating = stored(claim(good), { deletionTimestamp: '2024-05-01T09:00:00Z' });
    expect(finishTerminatingClaims([terminating], claimUsers([observed('web'), observed('api')], previousOf, new Set(['web'])))).toEqual([]);
    const done = finishTerminatingClaims([terminating], claimUsers([observed('web'), observed('api')], previousOf, new Set(['web', 'api'])));
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ kind: 'delete', ref: 'persistentvolumeclaim/data', partOf: 'pod/api' });
    expect(done[0]!.steps.map((s) => s.op)).toEqual(['barrier', 'barrier', 'removeVolume', 'removeObject']);
    // Its pods gone some other way: finished on its own, reported.
    expect(finishTerminatingClaims([terminating], new Map())[0]!.partOf).toBeUndefined();
    // A claim that is not Terminating is never touched; one the run names itself is not planned twice.
    expect(finishTerminatingClaims([data], new Map())).toEqual([]);
    expect(finishTerminatingClaims([terminating], new Map(), new Set(['default/data']))).toEqual([]);
  });

  test('a pod the input makes counts as a user', () => {
    const users = claimUsers([], previousOf, new Set(), [api]);
    expect(users.get('data')).toEqual({ staying: ['api'], removed: [] });
  });
});

describe('prune of claims', () => {
  const now = '2024-05-01T10:00:00Z';
  const a = stored(claim(good, { name: 'old', labels: { app: 'x' } }));
  const b = stored(claim(good, { name: 'kept', labels: { app: 'x' } }));
  const c = stored(claim(good, { name: 'other', labels: { app: 'y' } }));
  const inInput = new Set(['default/kept']);
  const matches = (l: Readonly<Record<string, string>>) => l['app'] === 'x';
  test('never without the allowlist naming the kind', () => expect(planClaimPrunes([a, b, c], inInput, matches, false, new Map(), now).actions).toEqual([]));
  test('with it: the matching claims the input no longer holds, removed after the run\'s pods, reported pruned', () => {
    const r = planClaimPrunes([a, b, c], inInput, matches, true, new Map(), now);
    expect(r.actions.map((x) => `${x.kind} ${x.ref}`)).toEqual(['prune persistentvolumeclaim/old']);
    expect(r.actions[0]!.steps.map((s) => s.op)).toEqual(['barrier', 'barrier', 'removeVolume', 'removeObject']);
  });
});
