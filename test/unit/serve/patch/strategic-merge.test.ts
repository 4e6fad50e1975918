/**
 * applyStrategicMergePatch against upstream's own cases (fixtures/smp-upstream.yaml, written out from
 * apimachinery's strategicpatch/patch_test.go over its MergeItem type), then over the served kinds'
 * metadata: what kubectl sends for a Deployment, and the API server's errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { applyStrategicMergePatch } from '../../../../src/serve/patch/strategic-merge';
import { TypeSchema } from '../../../../src/serve/patch/patch-meta';
import { PatchError } from '../../../../src/domain/errors';

// Upstream's MergeItem and RetainKeysMergeItem (patch_test.go), as a TypeSchema.
const mergeByName = { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' };
const MERGE_ITEM = new TypeSchema(
  {
    MergeItem: {
      mergingList: '[]MergeItem',
      nonMergingList: '[]MergeItem',
      mergingIntList: '[]',
      nonMergingIntList: '[]',
      mergeItemPtr: 'MergeItem',
      simpleMap: '{}',
      replacingItem: '*',
      retainKeysMap: 'RetainKeysMergeItem',
      retainKeysMergingList: '[]MergeItem',
    },
    RetainKeysMergeItem: { simpleMap: '{}', mergingIntList: '[]', mergingList: '[]MergeItem', nonMergingList: '[]MergeItem' },
  },
  {
    'MergeItem.mergingList': mergeByName,
    'MergeItem.mergingIntList': { 'x-kubernetes-patch-strategy': 'merge' },
    'MergeItem.mergeItemPtr': mergeByName,
    'MergeItem.replacingItem': { 'x-kubernetes-patch-strategy': 'replace' },
    'MergeItem.retainKeysMap': { 'x-kubernetes-patch-strategy': 'retainKeys' },
    'MergeItem.retainKeysMergingList': { 'x-kubernetes-patch-strategy': 'merge,retainKeys', 'x-kubernetes-patch-merge-key': 'name' },
    'RetainKeysMergeItem.mergingIntList': { 'x-kubernetes-patch-strategy': 'merge' },
    'RetainKeysMergeItem.mergingList': mergeByName,
  },
  new Set(),
  { MergeItem: 'MergeItem' },
);
const target = { schema: MERGE_ITEM, groupKind: 'MergeItem' };

interface Case {
  description: string;
  original?: object;
  twoWay?: object;
  modified?: object;
  twoWayResult?: object;
  current?: object;
  threeWay?: object;
  result?: object;
  expectedError?: string;
}
const cases = (parse(readFileSync(join(__dirname, 'fixtures', 'smp-upstream.yaml'), 'utf8')) as { testCases: Case[] }).testCases;

describe('strategic merge patch: upstream cases', () => {
  const twoWay = cases.filter((c) => c.twoWay !== undefined);
  test.each(twoWay.map((c) => [c.description, c] as const))('original + twoWay: %s', (_d, c) => {
    const run = (): unknown => applyStrategicMergePatch((c.original ?? {}) as never, c.twoWay, target);
    if (c.expectedError) expect(run).toThrow(c.expectedError);
    else expect(run()).toEqual(c.twoWayResult ?? c.modified);
  });
  const threeWay = cases.filter((c) => c.threeWay !== undefined && c.result !== undefined);
  test.each(threeWay.map((c) => [c.description, c] as const))('current + threeWay: %s', (_d, c) => {
    expect(applyStrategicMergePatch((c.current ?? {}) as never, c.threeWay, target)).toEqual(c.result);
  });
  test('the inputs are left as they were', () => {
    const original = { mergingList: [{ name: 1 }, { name: 2, value: 2 }] };
    const patch = { mergingList: [{ name: 1, value: 1 }] };
    const before = JSON.stringify([original, patch]);
    applyStrategicMergePatch(original, patch, target);
    expect(JSON.stringify([original, patch])).toBe(before);
  });
});

function errorOf(f: () => unknown): PatchError {
  try {
    f();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('strategic merge patch: the API server errors', () => {
  test('a body that is not an object is a BadRequest in encoding/json words', () => {
    const e = errorOf(() => applyStrategicMergePatch({}, [1], 'Pod'));
    expect([e.code, e.reason, e.message]).toEqual([400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}']);
  });
  test('a missing merge key: 500 with the map in Go words', () => {
    const e = errorOf(() => applyStrategicMergePatch({ spec: { containers: [{ name: 'a', image: 'x' }] } }, { spec: { containers: [{ image: 'y' }] } }, 'Pod'));
    expect([e.code, e.reason, e.message]).toEqual([500, '', 'map: map[image:y] does not contain declared merge key: name']);
  });
  test('a list of lists: 422 Invalid, the words in the cause', () => {
    const e = errorOf(() => applyStrategicMergePatch({ metadata: { finalizers: [] } }, { metadata: { finalizers: [['b']] } }, 'Pod'));
    expect([e.code, e.reason, e.causes]).toEqual([422, 'Invalid', [{ reason: 'UnexpectedServerResponse', message: 'lists of lists are not supported' }]]);
  });
  test('malformed directives: BadRequest', () => {
    expect(errorOf(() => applyStrategicMergePatch({}, { $retainKeys: 'a' }, 'Pod')).message).toBe('invalid patch format of retainKeys');
    expect(errorOf(() => applyStrategicMergePatch({ spec: { strategy: { type: 'Recreate' } } }, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, 'Deployment.apps')).code).toBe(400);
    expect(errorOf(() => applyStrategicMergePatch({}, { '$deleteFromPrimitiveList:finalizers': ['a'] }, 'Pod')).message).toBe('invalid patch format of primitive list');
    expect(errorOf(() => applyStrategicMergePatch({}, { $setElementOrder: [] }, 'Pod')).message).toBe('invalid patch format of setElementOrder list');
  });
  test('an unknown directive, and $patch: merge in a list', () => {
    expect(errorOf(() => applyStrategicMergePatch({ spec: {} }, { spec: { $patch: 'merge' } }, 'Pod')).message).toBe('unknown patch type: merge in map: map[$patch:merge]');
    const e = errorOf(() => applyStrategicMergePatch({ spec: { containers: [{ name: 'a' }] } }, { spec: { containers: [{ $patch: 'merge' }] } }, 'Pod'));
    expect(e.message).toBe('merging lists cannot yet be specified in the patch');
  });
  test('a kind with no patch metadata: 415 as for a custom resource', () => {
    expect(errorOf(() => applyStrategicMergePatch({}, {}, 'Widget.example.com')).code).toBe(415);
  });
});
