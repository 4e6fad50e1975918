/**
 * The Deployment controller's arithmetic, after upstream's tables
 * (pkg/controller/deployment/util/deployment_util_test.go: TestResolveFenceposts,
 * TestNewRSNewReplicas, TestEqualIgnoreHash; the proportions are our own cases) and the rollout status
 * messages against kubectl's TestDeploymentStatusViewerStatus.
 */
import type { StoredObject, KubeObject } from '../../../src/domain/objects';
import { equalIgnoreHash, getProportion, maxUnavailable, newRSNewReplicas, readDeployment, resolveFenceposts, setCondition, type DeploymentStatus } from '../../../src/controllers/deployment/deployment-util';
import { rolloutStatus } from '../../../src/controllers/deployment';

function stored(spec: Record<string, unknown>, status?: unknown, generation = 1): StoredObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'foo', namespace: 'bar', uid: 'u1', resourceVersion: '1', generation, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec,
    ...(status !== undefined ? { status } : {}),
  };
}

const rs = (replicas: number, annotations: Record<string, string> = {}): KubeObject => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `rs-${replicas}`, annotations }, spec: { replicas } });

describe('resolveFenceposts (TestResolveFenceposts)', () => {
  test.each([
    ['0%', '0%', 0, 0, 1],
    ['39%', '39%', 10, 4, 3],
    [1, 1, 2, 1, 1],
    ['25%', '25%', 8, 2, 2],
    ['25%', '25%', 3, 1, 0],
    [0, 0, 5, 0, 1],
    ['1%', '0%', 2, 1, 0],
    ['0%', '1%', 2, 0, 1],
  ])('maxSurge %p, maxUnavailable %p of %p: surge %p, unavailable %p', (s, u, desired, surge, unavailable) => {
    expect(resolveFenceposts(s, u, desired)).toEqual({ surge, unavailable });
  });

  test('MaxUnavailable is never above replicas, and 0 for Recreate', () => {
    expect(maxUnavailable(readDeployment(stored({ replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 10 } } })))).toBe(3);
    expect(maxUnavailable(readDeployment(stored({ replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%', maxUnavailable: '30%' } } })))).toBe(3);
    expect(maxUnavailable(readDeployment(stored({ replicas: 10, strategy: { type: 'Recreate' } })))).toBe(0);
  });
});

describe('newRSNewReplicas (after TestNewRSNewReplicas)', () => {
  const d = (replicas: number, maxSurge: number, type = 'RollingUpdate') => readDeployment(stored({ replicas, strategy: type === 'Recreate' ? { type } : { type, rollingUpdate: { maxSurge, maxUnavailable: 1 } } }));
  test.each([
    ['can not scale up - to newRSReplicas', 'RollingUpdate', 1, 5, 1, 5, 5],
    ['scale up - to depReplicas', 'RollingUpdate', 6, 2, 10, 3, 6],
    ['recreate - to depReplicas', 'Recreate', 3, 1, 1, 1, 3],
  ])('%s', (_name, type, depReplicas, newReplicas, maxSurge, oldReplicas, expected) => {
    // As upstream's test: the ReplicaSets counted are the old one only.
    expect(newRSNewReplicas(d(depReplicas, maxSurge, type), [rs(oldReplicas)], rs(newReplicas))).toBe(expected);
  });
});

describe('equalIgnoreHash (TestEqualIgnoreHash)', () => {
  const t = (labels: Record<string, string>, name = 'foo') => ({ metadata: { labels }, spec: { containers: [{ name, image: 'x' }] } });
  test.each([
    ['Same spec, same labels', t({ 'pod-template-hash': 'v1', something: 'else' }), t({ 'pod-template-hash': 'v1', something: 'else' }), true],
    ['Same spec, only pod-template-hash label value is different', t({ 'pod-template-hash': 'v1', something: 'else' }), t({ 'pod-template-hash': 'v2', something: 'else' }), true],
    ['Same spec, the former doesn\'t have pod-template-hash label', t({ something: 'else' }), t({ 'pod-template-hash': 'v2', something: 'else' }), true],
    ['Same spec, the label is different, the former doesn\'t have pod-template-hash label, same number of labels', t({ something: 'else' }), t({ 'pod-template-hash': 'v2' }), false],
    ['Same spec, the label is different, the latter doesn\'t have pod-template-hash label, same number of labels', t({ 'pod-template-hash': 'v1' }), t({ something: 'else' }), false],
    ['Same spec, the label is different, and the pod-template-hash label value is the same', t({ 'pod-template-hash': 'v1' }), t({ 'pod-template-hash': 'v1', something: 'else' }), false],
    ['Different spec, same labels', t({ 'pod-template-hash': 'v1', something: 'else' }, 'foo'), t({ 'pod-template-hash': 'v1', something: 'else' }, 'bar'), false],
    ['Different spec, different pod-template-hash label value', t({ 'pod-template-hash': 'v1', something: 'else' }, 'foo'), t({ 'pod-template-hash': 'v2', something: 'else' }, 'bar'), false],
    ['Different spec, the former doesn\'t have pod-template-hash label', t({ something: 'else' }, 'foo'), t({ 'pod-template-hash': 'v2', something: 'else' }, 'bar'), false],
    ['Different spec, different labels', t({ something: 'else' }, 'foo'), t({ nothing: 'else' }, 'bar'), false],
    ['Only the hash label: nil labels and empty labels are the same', { metadata: {}, spec: {} }, { metadata: { labels: { 'pod-template-hash': 'x' } }, spec: {} }, true],
  ])('%s', (_name, a, b, equal) => {
    expect(equalIgnoreHash(a, b)).toBe(equal);
    expect(equalIgnoreHash(b, a)).toBe(equal);
  });
});

describe('getProportion (TestGetProportion, TestGetReplicaSetFraction)', () => {
  const d = (replicas: number) => readDeployment(stored({ replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } }));
  test('scaling up: at most what is left', () => {
    expect(getProportion(rs(2, { 'deployment.kubernetes.io/max-replicas': '4' }), d(8), 4, 4, 0)).toBe(2);
    expect(getProportion(rs(2, { 'deployment.kubernetes.io/max-replicas': '4' }), d(8), 4, 4, 3)).toBe(1);
  });
  test('scaling down: never more than asked', () => {
    expect(getProportion(rs(4, { 'deployment.kubernetes.io/max-replicas': '8' }), d(4), 8, -4, 0)).toBe(-2);
  });
  test('scaling to 0: the whole ReplicaSet; nothing from an empty one; the status count when unannotated', () => {
    expect(getProportion(rs(3), d(0), 3, -3, 0)).toBe(-3);
    expect(getProportion(rs(0), d(5), 3, 2, 0)).toBe(0);
    expect(getProportion(rs(3), d(6), 3, 3, 0)).toBe(3);
  });
});

describe('setCondition (SetDeploymentCondition)', () => {
  test('same status and reason: nothing changes; same status, new reason: the transition time is kept and the condition moves last', () => {
    const s: DeploymentStatus = { conditions: [{ type: 'Progressing', status: 'True', reason: 'A', lastTransitionTime: 't0', lastUpdateTime: 't0' }, { type: 'Available', status: 'True', reason: 'X' }] };
    setCondition(s, { type: 'Progressing', status: 'True', reason: 'A', lastTransitionTime: 't1', lastUpdateTime: 't1' });
    expect(s.conditions?.[0]?.lastUpdateTime).toBe('t0');
    setCondition(s, { type: 'Progressing', status: 'True', reason: 'B', lastTransitionTime: 't2', lastUpdateTime: 't2' });
    expect(s.conditions).toEqual([{ type: 'Available', status: 'True', reason: 'X' }, { type: 'Progressing', status: 'True', reason: 'B', lastTransitionTime: 't0', lastUpdateTime: 't2' }]);
  });
});

describe('rolloutStatus (kubectl TestDeploymentStatusViewerStatus)', () => {
  test.each([
    ['test1', 0, 1, { observedGeneration: 1, replicas: 1, updatedReplicas: 0, availableReplicas: 1 }, 'Waiting for deployment "foo" rollout to finish: 0 out of 1 new replicas have been updated...', false],
    ['test2', 1, 1, { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2 }, 'Waiting for deployment "foo" rollout to finish: 1 old replicas are pending termination...', false],
    ['test3', 1, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 1 }, 'Waiting for deployment "foo" rollout to finish: 1 of 2 updated replicas are available...', false],
    ['test4', 1, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }, 'deployment "foo" successfully rolled out', true],
    ['test5', 2, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }, 'Waiting for deployment spec update to be observed...', false],
  ])('%s', (_name, generation, replicas, status, message, done) => {
    expect(rolloutStatus(stored({ replicas }, status, generation))).toEqual({ done, message });
  });

  test('timed out, and a revision that is not the running one', () => {
    expect(rolloutStatus(stored({ replicas: 1 }, { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }))).toEqual({ done: false, error: 'deployment "foo" exceeded its progress deadline' });
    const d = stored({ replicas: 1 }, { observedGeneration: 1 });
    d.metadata.annotations = { 'deployment.kubernetes.io/revision': '3' };
    expect(rolloutStatus(d, 2)).toEqual({ done: false, error: 'desired revision (2) is different from the running revision (3)' });
  });
});

test('equalIgnoreHash: a template as kubectl rollout undo sends it (Go zero values written out) equals the stored one', () => {
  const stored = { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'web', image: 'busybox' }] } };
  const fromUndo = { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'busybox', resources: {} }] } };
  expect(equalIgnoreHash(stored as never, fromUndo as never)).toBe(true);
  // A pointer struct is not a zero value when empty: emptyDir: {} asks for a volume.
  const withVolume = { ...stored, spec: { ...stored.spec, volumes: [{ name: 'v', emptyDir: {} }] } };
  const withoutSource = { ...stored, spec: { ...stored.spec, volumes: [{ name: 'v' }] } };
  expect(equalIgnoreHash(withVolume as never, withoutSource as never)).toBe(false);
});
