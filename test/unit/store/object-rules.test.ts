import { canonicalJson, generationChanged, groupKindOf, keyOf, resourceOf, rfc3339, sameApartFromVersion } from '../../../src/store/object-rules';
import { pod } from './temp-store';

describe('groupKindOf', () => {
  it.each([
    ['v1', 'Pod', 'Pod'],
    ['apps/v1', 'Deployment', 'Deployment.apps'],
    ['apps/v1beta2', 'Deployment', 'Deployment.apps'], // the version is not identity
    ['batch/v1', 'Job', 'Job.batch'],
    ['networking.k8s.io/v1', 'Ingress', 'Ingress.networking.k8s.io'],
  ])('%s %s -> %s', (apiVersion, kind, want) => expect(groupKindOf(apiVersion, kind)).toBe(want));

  it('keys a cluster-scoped object with namespace ""', () => {
    expect(keyOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } })).toEqual({ kind: 'Namespace', namespace: '', name: 'dev' });
  });
});

describe('resourceOf (apimachinery UnsafeGuessKindToResource and its test table)', () => {
  it.each([
    ['Pod', 'pods'],
    ['ReplicationController', 'replicationcontrollers'],
    ['ImageRepository', 'imagerepositories'],
    ['miss', 'misses'],
    ['Ingress.networking.k8s.io', 'ingresses.networking.k8s.io'],
    ['Deployment.apps', 'deployments.apps'],
    ['NetworkPolicy.networking.k8s.io', 'networkpolicies.networking.k8s.io'],
  ])('%s -> %s', (kind, want) => expect(resourceOf(kind)).toBe(want));
});

describe('rfc3339', () => {
  it('writes UTC to the second, as metav1.Time does', () => {
    expect(rfc3339(new Date('2024-05-01T10:00:00.999Z'))).toBe('2024-05-01T10:00:00Z');
  });
});

describe('generationChanged', () => {
  const base = { ...pod('web'), status: { phase: 'Pending' } };
  it.each([
    ['a label', { ...base, metadata: { ...base.metadata, labels: { a: 'b' } } }, false],
    ['the status', { ...base, status: { phase: 'Running' } }, false],
    ['the image', pod('web', { image: 'other' }), true],
    ['a top-level field other than spec (a ConfigMap data)', { ...base, data: { k: 'v' } }, true],
    ['only key order', { spec: base.spec, metadata: base.metadata, kind: 'Pod', apiVersion: 'v1' }, false],
  ])('changing %s: %s', (_what, after, want) => expect(generationChanged(base, after)).toBe(want));
});

describe('canonicalJson and sameApartFromVersion', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });
  it('ignores resourceVersion only', () => {
    const a = { ...pod('web'), metadata: { name: 'web', resourceVersion: '1' } };
    expect(sameApartFromVersion(a, { ...a, metadata: { name: 'web', resourceVersion: '7' } })).toBe(true);
    expect(sameApartFromVersion(a, { ...a, metadata: { name: 'web', resourceVersion: '1', labels: {} } })).toBe(false);
  });
});
