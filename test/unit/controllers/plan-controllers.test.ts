/**
 * The store side of a reconcile round (plan/plan-controllers.ts), on plain data: writes only what
 * changes, events aggregated as the API server's recorder does, the garbage collector's picks,
 * events past their TTL.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ControllerResult } from '../../../src/controllers/controller';
import { EMPTY_RESULT } from '../../../src/controllers/controller';
import type { StoredObject } from '../../../src/domain/objects';
import { expiredEvents, garbage, planControllerObjects, type StoredView } from '../../../src/plan/plan-controllers';

const NOW = new Date('2026-01-01T10:00:00Z');

function stored(kind: string, name: string, extra: Partial<StoredObject> = {}, apiVersion = 'apps/v1'): StoredObject {
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '5', generation: 1, creationTimestamp: '2026-01-01T09:00:00Z' },
    ...extra,
  };
}

function view(objects: StoredObject[]): StoredView {
  return {
    get: (kind, namespace, name) => objects.find((o) => (o.apiVersion.includes('/') ? `${o.kind}.${o.apiVersion.split('/')[0]}` : o.kind) === kind && (o.metadata.namespace ?? '') === namespace && o.metadata.name === name),
    events: (ns) => objects.filter((o) => o.kind === 'Event' && o.metadata.namespace === ns),
  };
}

const names = () => {
  let n = 0;
  return (involved: string) => `${involved}.${(n++).toString(16).padStart(16, '0')}`;
};

function result(r: Partial<ControllerResult>): ControllerResult {
  return { ...EMPTY_RESULT, ...r };
}

const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'default' }, spec: { replicas: 3 } };

test('a new object is created, an unchanged one is not written, a changed one is configured', () => {
  const none = planControllerObjects([{ ownerRef: 'deployment.apps/web', result: result({ put: [rs] }) }], view([]), NOW, names());
  expect(none.map((a) => [a.kind, a.ref, a.partOf, a.steps[0]?.op])).toEqual([['create', 'replicaset/web-abc', 'deployment.apps/web', 'putObject']]);
  const same = stored('ReplicaSet', 'web-abc', { spec: { replicas: 3 } });
  expect(planControllerObjects([{ ownerRef: 'deployment.apps/web', result: result({ put: [rs] }) }], view([same]), NOW, names())).toEqual([]);
  const scaled = planControllerObjects([{ ownerRef: 'deployment.apps/web', result: result({ put: [{ ...rs, spec: { replicas: 1 } }] }) }], view([same]), NOW, names());
  expect(scaled.map((a) => a.kind)).toEqual(['configure']);
});

test('a status is written only when it differs from the stored one', () => {
  const s = stored('ReplicaSet', 'web-abc', { status: { replicas: 3 } });
  expect(planControllerObjects([{ ownerRef: 'x', result: result({ status: [{ ...s, status: { replicas: 3 } }] }) }], view([s]), NOW, names())).toEqual([]);
  const changed = planControllerObjects([{ ownerRef: 'x', result: result({ status: [{ ...s, status: { replicas: 2 } }] }) }], view([s]), NOW, names());
  expect(changed.map((a) => a.steps[0]?.op)).toEqual(['putStatus']);
});

test('removing what is not stored does nothing', () => {
  expect(planControllerObjects([{ ownerRef: 'x', result: result({ remove: [{ kind: 'ReplicaSet.apps', namespace: 'default', name: 'gone' }] }) }], view([]), NOW, names())).toEqual([]);
});

test('events: a new one is named after its object and counted once; a repeat of a stored one counts up', () => {
  const e = { type: 'Normal' as const, reason: 'ScalingReplicaSet', message: 'Scaled up replica set web-abc from 0 to 3', source: 'deployment-controller', involved: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web', uid: 'uid-web' } };
  const first = planControllerObjects([{ ownerRef: 'deployment.apps/web', result: result({ events: [e] }) }], view([]), NOW, names());
  const object = (first[0]!.steps[0] as { object: StoredObject }).object;
  expect(object).toMatchObject({ kind: 'Event', metadata: { name: 'web.0000000000000000', namespace: 'default' }, reason: 'ScalingReplicaSet', count: 1, source: { component: 'deployment-controller' }, firstTimestamp: '2026-01-01T10:00:00Z' });
  const storedEvent = { ...object, metadata: { ...object.metadata, uid: 'e1', resourceVersion: '9', generation: 1, creationTimestamp: '2026-01-01T10:00:00Z' } } as StoredObject;
  const again = planControllerObjects([{ ownerRef: 'deployment.apps/web', result: result({ events: [e, e] }) }], view([storedEvent]), new Date('2026-01-01T10:01:00Z'), names());
  const counts = again.map((a) => (a.steps[0] as unknown as { object: { count: number; lastTimestamp: string } }).object);
  expect(counts.map((c) => c.count)).toEqual([2, 3]);
  expect(counts[1]!.lastTimestamp).toBe('2026-01-01T10:01:00Z');
});

test('the garbage collector picks what names only owners that are gone', () => {
  const owned = stored('ReplicaSet', 'web-abc', { metadata: { ...stored('ReplicaSet', 'web-abc').metadata, ownerReferences: [{ uid: 'uid-web', controller: true }] } });
  const free = stored('ReplicaSet', 'solo');
  const pod: V1Pod = { metadata: { name: 'web-abc-x', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'uid-web-abc', controller: true }] } };
  expect(garbage([owned, free], [pod], new Set(['uid-web', 'uid-web-abc']))).toEqual({ objects: [], pods: [] });
  const gone = garbage([owned, free], [pod], new Set());
  expect(gone.objects.map((o) => o.metadata.name)).toEqual(['web-abc']);
  expect(gone.pods.map((p) => p.metadata?.name)).toEqual(['web-abc-x']);
});

test('events older than an hour are removed', () => {
  const old = stored('Event', 'web.1', { lastTimestamp: '2026-01-01T08:59:00Z' }, 'v1');
  const fresh = stored('Event', 'web.2', { lastTimestamp: '2026-01-01T09:30:00Z' }, 'v1');
  expect(expiredEvents([old, fresh], NOW).map((a) => a.name)).toEqual(['web.1']);
});

test('the kinds the loop checks for what controllers made cover every controller\'s reads', () => {
  const { DEPENDENT_KINDS, workloadKinds } = require('../../../src/commands/reconcile') as typeof import('../../../src/commands/reconcile');
  for (const k of workloadKinds()) for (const kind of k.controller!.reads) expect(DEPENDENT_KINDS).toContain(kind);
  expect(workloadKinds().map((k) => k.info.kind)).toEqual(['Service', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);
});
