/** parseLastApplied trusts a last-applied label only when it is this pod's manifest, with the shape readers rely on. */
import { parseLastApplied } from '../../../src/domain/last-applied';

const pod = (over: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' }, ...over }, spec: { containers: [{ name: 'app', image: 'img' }], ...spec } });

test('this pod\'s manifest is read back', () => {
  expect(parseLastApplied(pod(), 'web')?.metadata?.labels).toEqual({ app: 'web' });
});

test.each([
  ['absent', undefined],
  ['empty', ''],
  ['not JSON', '{{{'],
  ['not an object', '[1,2]'],
  ['null', 'null'],
  ['another pod', pod({ name: 'victim' })],
  ['labels that are not strings', pod({ labels: { app: { nested: 1 } } })],
  ['annotations that are not a map', pod({ annotations: 7 })],
  ['a namespace that is not a string', pod({ namespace: 3 })],
  ['containers that are not a list', pod({}, { containers: 'x' })],
  ['a container without a name', pod({}, { containers: [{ image: 'x' }] })],
  ['init containers that are not a list', pod({}, { initContainers: {} })],
  ['nesting past 64 levels', pod({}, { deep: JSON.parse(`${'{"a":'.repeat(70)}1${'}'.repeat(70)}`) })],
  ['nesting JSON.parse cannot take', `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`],
])('%s: undefined', (_name, raw) => {
  expect(parseLastApplied(raw, 'web')).toBeUndefined();
});
