import { labelSelectorMatches, podFitsNode } from '../../../src/controllers/match-selector';

describe('labelSelectorMatches (metav1.LabelSelectorAsSelector)', () => {
  const labels = { app: 'web', tier: 'front' };
  test.each([
    ['no selector matches nothing', undefined, false],
    ['an empty selector matches everything', {}, true],
    ['matchLabels', { matchLabels: { app: 'web' } }, true],
    ['matchLabels, another value', { matchLabels: { app: 'db' } }, false],
    ['In', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    ['NotIn', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, false],
    ['NotIn of an absent key', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['labels and expressions both hold', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
  ])('%s', (_name, sel, want) => {
    expect(labelSelectorMatches(sel, labels)).toBe(want);
  });
});

describe('podFitsNode (nodeSelector and required node affinity)', () => {
  const node = { name: 'host1', labels: { 'kubernetes.io/os': 'linux', size: '8' } };
  const required = (terms: unknown[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } }) as never;
  test.each([
    ['nothing asked', {}, true],
    ['nodeSelector matching', { nodeSelector: { 'kubernetes.io/os': 'linux' } }, true],
    ['nodeSelector not matching', { nodeSelector: { 'kubernetes.io/os': 'windows' } }, false],
    ['one of two terms matching', required([{ matchExpressions: [{ key: 'size', operator: 'In', values: ['1'] }] }, { matchExpressions: [{ key: 'size', operator: 'Gt', values: ['4'] }] }]), true],
    ['Lt failing', required([{ matchExpressions: [{ key: 'size', operator: 'Lt', values: ['4'] }] }]), false],
    ['matchFields on the node name', required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['host1'] }] }]), true],
    ['matchFields on another name', required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['host2'] }] }]), false],
    ['an empty term matches nothing', required([{}]), false],
  ])('%s', (_name, spec, want) => {
    expect(podFitsNode(spec, node)).toBe(want);
  });
});
