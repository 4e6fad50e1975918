/**
 * The ReplicaSet controller on plain data: pods made from the template, too many deleted in
 * upstream's order (ActivePodsWithRanks), status counts and when it is written, what it waits for.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { StoredObject } from '../../../src/domain/objects';
import type { ControllerInput } from '../../../src/controllers/controller';
import { sequenceSuffix } from '../../../src/controllers/names';
import { deletesBefore, generatedName, podsToDelete, reconcileReplicaSet } from '../../../src/controllers/replicaset';

const NOW = new Date('2026-01-01T12:00:00Z');

function replicaSet(replicas: number, extra: Record<string, unknown> = {}, status?: unknown): StoredObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-abc', namespace: 'shop', uid: 'rs-uid', resourceVersion: '7', generation: 2, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web', tier: 'front' }, annotations: { note: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      ...extra,
    },
    ...(status !== undefined ? { status } : {}),
  };
}

interface PodOpts {
  phase?: string;
  ready?: boolean;
  readySince?: string;
  created?: string;
  restarts?: number;
  cost?: string;
  owner?: string | null;
  labels?: Record<string, string>;
  uid?: string;
}

function pod(name: string, o: PodOpts = {}): V1Pod {
  const owner = o.owner === undefined ? 'rs-uid' : o.owner;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      uid: o.uid ?? `uid-${name}`,
      labels: o.labels ?? { app: 'web', tier: 'front' },
      creationTimestamp: new Date(o.created ?? '2026-01-01T10:00:00Z'),
      ...(o.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } } : {}),
      ...(owner !== null ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: owner, controller: true }] } : {}),
    },
    spec: { containers: [{ name: 'c' }] },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', ...(o.ready !== false ? { lastTransitionTime: new Date(o.readySince ?? '2026-01-01T10:00:00Z') } : {}) }],
      containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: o.ready !== false, restartCount: o.restarts ?? 0 }],
    },
  };
}

const input = (owner: StoredObject, pods: V1Pod[]): ControllerInput => ({ owner, objects: [], pods, now: NOW, node: { name: 'host', labels: {} }, suffix: sequenceSuffix() });

describe('too few pods', () => {
  test('creates the missing pods from the template, owned by the ReplicaSet, with SuccessfulCreate events', () => {
    const r = reconcileReplicaSet(input(replicaSet(3), [pod('web-abc-zzzzz')]));
    expect(r.createPods).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'web-abc-bbbbb',
          namespace: 'shop',
          labels: { app: 'web', tier: 'front' },
          annotations: { note: 'x' },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
        },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
      expect.objectContaining({ metadata: expect.objectContaining({ name: 'web-abc-bbbbc' }) }),
    ]);
    expect(r.events).toEqual([
      { type: 'Normal', reason: 'SuccessfulCreate', message: 'Created pod: web-abc-bbbbb', involved: { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'shop', name: 'web-abc', uid: 'rs-uid' }, source: 'replicaset-controller' },
      expect.objectContaining({ message: 'Created pod: web-abc-bbbbc' }),
    ]);
  });

  test('a name already taken is drawn again', () => {
    const r = reconcileReplicaSet(input(replicaSet(2), [pod('web-abc-bbbbb')]));
    expect(r.createPods.map((p) => p.metadata?.name)).toEqual(['web-abc-bbbbc']);
  });

  test('orphans, other owners\' pods and finished pods do not count', () => {
    const pods = [pod('orphan', { owner: null }), pod('other', { owner: 'x' }), pod('done', { phase: 'Succeeded' }), pod('failed', { phase: 'Failed' })];
    expect(reconcileReplicaSet(input(replicaSet(1), pods)).createPods).toHaveLength(1);
  });

  test('generateName cuts a long base to 58 characters', () => {
    expect(generatedName(`${'a'.repeat(70)}-`, 'bcdfg')).toBe(`${'a'.repeat(58)}bcdfg`);
  });
});

describe('too many pods: deleted in upstream order', () => {
  test('not ready before ready, pending before running, lower deletion cost first', () => {
    const pods = [pod('ready'), pod('notready', { ready: false }), pod('pending', { phase: 'Pending', ready: false }), pod('cheap', { cost: '-5' })];
    expect(podsToDelete(pods, 4, NOW).map((p) => p.metadata?.name)).toEqual(['pending', 'notready', 'cheap', 'ready']);
  });

  test('ready for less time first, in logarithmic buckets (ties by uid); then more restarts; then newer', () => {
    // Ready 1 minute ago vs 60 minutes ago: different buckets, the newer goes first.
    expect(deletesBefore(pod('a', { readySince: '2026-01-01T11:59:00Z' }), pod('b', { readySince: '2026-01-01T11:00:00Z' }), NOW)).toBe(true);
    // 100 and 101 minutes ago fall in one bucket: upstream then decides by uid, not by what follows.
    const p1 = pod('p1', { readySince: '2026-01-01T10:20:00Z', restarts: 5, uid: 'b' });
    const p2 = pod('p2', { readySince: '2026-01-01T10:19:00Z', restarts: 0, uid: 'a' });
    expect(deletesBefore(p2, p1, NOW)).toBe(true);
    // Ready at the same time: more restarts first.
    const x = pod('x', { restarts: 0 });
    const y = pod('y', { restarts: 2 });
    expect(deletesBefore(y, x, NOW)).toBe(true);
    expect(deletesBefore(x, y, NOW)).toBe(false);
    // Same readiness and restarts, created far apart: the newer first.
    const older = pod('older', { created: '2025-12-01T00:00:00Z' });
    const newer = pod('newer', { created: '2026-01-01T11:00:00Z' });
    expect(podsToDelete([older, newer], 1, NOW).map((p) => p.metadata?.name)).toEqual(['newer']);
  });

  test('deletes the surplus with SuccessfulDelete events', () => {
    const r = reconcileReplicaSet(input(replicaSet(1), [pod('keep'), pod('bad', { ready: false })]));
    expect(r.deletePods).toEqual([{ namespace: 'shop', name: 'bad', reason: 'scaled down' }]);
    expect(r.events.map((e) => `${e.reason} ${e.message}`)).toEqual(['SuccessfulDelete Deleted pod: bad']);
    expect(r.createPods).toEqual([]);
  });

  test('a ReplicaSet being deleted neither creates nor deletes', () => {
    const rs = replicaSet(3);
    rs.metadata['deletionTimestamp'] = '2026-01-01T11:00:00Z';
    const r = reconcileReplicaSet(input(rs, [pod('a')]));
    expect(r.createPods).toEqual([]);
    expect(r.deletePods).toEqual([]);
  });
});

describe('status', () => {
  test('counts the active owned pods, written with observedGeneration, zero counts left out', () => {
    const pods = [pod('a'), pod('b', { ready: false }), pod('c', { labels: { app: 'web' } })];
    const r = reconcileReplicaSet(input(replicaSet(3), pods));
    expect(r.status).toHaveLength(1);
    expect(r.status[0]!.status).toEqual({ replicas: 3, fullyLabeledReplicas: 2, observedGeneration: 2, readyReplicas: 2, availableReplicas: 2 });
    // Written without the snapshot's resourceVersion (meta-time.ts withoutVersion).
    expect(r.status[0]!.metadata.resourceVersion).toBeUndefined();
    expect(r.status[0]!.metadata.uid).toBe('rs-uid');
  });

  test('no status write when nothing changed', () => {
    const r = reconcileReplicaSet(input(replicaSet(1, {}, { replicas: 1, fullyLabeledReplicas: 1, observedGeneration: 2, readyReplicas: 1, availableReplicas: 1 }), [pod('a')]));
    expect(r).toEqual({ put: [], status: [], remove: [], createPods: [], deletePods: [], events: [] });
  });

  test('an empty ReplicaSet still reports replicas: 0', () => {
    expect(reconcileReplicaSet(input(replicaSet(0), [])).status[0]!.status).toEqual({ replicas: 0, observedGeneration: 2 });
  });

  test('minReadySeconds: ready pods not yet available, waiting until the first becomes so', () => {
    const pods = [pod('a', { readySince: '2026-01-01T11:59:50Z' }), pod('b', { readySince: '2026-01-01T11:59:55Z' })];
    const r = reconcileReplicaSet(input(replicaSet(2, { minReadySeconds: 30 }), pods));
    expect(r.status[0]!.status).toEqual({ replicas: 2, fullyLabeledReplicas: 2, observedGeneration: 2, readyReplicas: 2 });
    expect(r.waitingFor).toEqual({ reason: '2 of 2 ready pods are not yet available (minReadySeconds 30)', until: new Date('2026-01-01T12:00:20Z') });
  });

  test('pods not ready: waiting, no time given', () => {
    const r = reconcileReplicaSet(input(replicaSet(2), [pod('a'), pod('b', { ready: false })]));
    expect(r.waitingFor).toEqual({ reason: '1 of 2 pods are not ready: b' });
  });
});
