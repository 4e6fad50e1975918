// spec.overhead: the RuntimeClass admission plugin, on by default in a 1.32 API server, refuses a
// pod that sets an overhead without a RuntimeClass defining one (plugin/pkg/admission/runtimeclass:
// "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead", a Forbidden).
import type { LoadedDocument } from '../../../src/domain/types';
import { validateManifests } from '../../../src/validate';

const pod = (spec: Record<string, unknown>): LoadedDocument => ({
  source: 'p.yaml',
  documentIndex: 0,
  basePath: [],
  value: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } },
  locate: () => ({ line: 1, column: 1 }),
});
const errors = (spec: Record<string, unknown>) => {
  const r = validateManifests([pod(spec)]);
  return r.ok ? [] : r.issues.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`);
};

test.each([
  ['an overhead', { overhead: { cpu: '100m' } }],
  ['an empty overhead (non-nil in Go)', { overhead: {} }],
])('%s without a RuntimeClass is refused', (_what, spec) =>
  expect(errors(spec)).toEqual(['spec.overhead: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead']));
test('with a RuntimeClass named, the cluster decides (kubeplay does not know its RuntimeClasses)', () =>
  expect(errors({ overhead: { cpu: '100m' }, runtimeClassName: 'kata' })).toEqual([]));
test('no overhead, nothing to say', () => expect(errors({})).toEqual([]));
