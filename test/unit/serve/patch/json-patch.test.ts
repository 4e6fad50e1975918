/**
 * applyJsonPatch against RFC 6902 appendix A, applyMergePatch against RFC 7386 appendix A, and the
 * API server's answers to patches that do not apply (evanphx/json-patch's words, apiserver's codes).
 */
import { applyJsonPatch, applyMergePatch } from '../../../../src/serve/patch/json-patch';
import { PatchError } from '../../../../src/domain/errors';

function errorOf(f: () => unknown): PatchError {
  try {
    f();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('no error');
}
const causeOf = (f: () => unknown): string | undefined => errorOf(f).causes[0]?.message;

describe('JSON patch: RFC 6902 appendix A', () => {
  const ok: Array<[string, unknown, unknown[], unknown]> = [
    ['A.1 adding an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 adding an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 removing an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 removing an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replacing a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    [
      'A.6 moving a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    ['A.7 moving an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    [
      'A.8 testing a value: success',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    ['A.10 adding a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.11 ignoring unrecognized elements', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 adding an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
    ['copy', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
  ];
  test.each(ok)('%s', (_d, doc, ops, want) => {
    const before = JSON.stringify(doc);
    expect(applyJsonPatch(doc as never, ops)).toEqual(want);
    expect(JSON.stringify(doc)).toBe(before);
  });

  test('A.9 testing a value: error', () => {
    const e = errorOf(() => applyJsonPatch({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]));
    expect([e.code, e.reason, e.message]).toEqual([422, 'Invalid', 'the server rejected our request due to an error in our request']);
    expect(e.causes).toEqual([{ reason: 'UnexpectedServerResponse', message: 'testing value /baz failed: test failed' }]);
  });
  test('A.12 adding to a nonexistent target', () => {
    expect(causeOf(() => applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]))).toBe('add operation does not apply: doc is missing path: "/baz/bat": missing value');
  });
  test('A.15 comparing strings and numbers', () => {
    expect(causeOf(() => applyJsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]))).toBe('testing value /~01 failed: test failed');
  });
});

describe('JSON patch: the API server answers', () => {
  test('the operations that do not apply, in evanphx/json-patch words', () => {
    expect(causeOf(() => applyJsonPatch({ a: 1 }, [{ op: 'remove', path: '/b' }]))).toBe("error in remove for path: '/b': Unable to remove nonexistent key: b: missing value");
    expect(causeOf(() => applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '/b', value: 2 }]))).toBe('replace operation does not apply: doc is missing key: /b: missing value');
    expect(causeOf(() => applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/5', value: 2 }]))).toBe("error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced");
    expect(causeOf(() => applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/x', value: 2 }]))).toBe(
      `error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
    );
    expect(causeOf(() => applyJsonPatch({ a: 1 }, [{ op: 'jump', path: '/a' }]))).toBe('Unexpected kind: jump');
    expect(causeOf(() => applyJsonPatch({ a: 1 }, [{ path: '/a' }]))).toBe('Unexpected kind: unknown');
    expect(causeOf(() => applyJsonPatch({ a: 1 }, [{ op: 'add', value: 1 }]))).toBe('add operation failed to decode path: missing value');
  });
  test('negative indices count from the end; a failed patch keeps nothing', () => {
    expect(applyJsonPatch({ a: [1, 2, 3] }, [{ op: 'remove', path: '/a/-1' }])).toEqual({ a: [1, 2] });
    const doc = { a: 1 };
    expect(() => applyJsonPatch(doc, [{ op: 'add', path: '/b', value: 2 }, { op: 'test', path: '/a', value: 2 }])).toThrow(PatchError);
    expect(doc).toEqual({ a: 1 });
  });
  test('a body that is not a list of operations is a BadRequest', () => {
    const e = errorOf(() => applyJsonPatch({}, { op: 'add' }));
    expect([e.code, e.message]).toEqual([400, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch']);
    expect(errorOf(() => applyJsonPatch({}, ['add'])).message).toBe('json: cannot unmarshal string into Go value of type jsonpatch.Operation');
  });
  test('more than 10000 operations: 413', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/a', value: 1 }));
    const e = errorOf(() => applyJsonPatch({ a: 1 }, ops));
    expect([e.code, e.reason, e.message]).toEqual([413, 'RequestEntityTooLarge', 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001']);
  });
});

describe('JSON merge patch: RFC 7386 appendix A', () => {
  const cases: Array<[unknown, unknown, unknown]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  test.each(cases)('%j + %j', (doc, patch, want) => {
    expect(applyMergePatch(doc as never, patch)).toEqual(want);
  });
  test('a null or scalar patch, which RFC 7386 would take as the result, is a BadRequest at the API server', () => {
    for (const p of [null, 'bar', 1]) {
      const e = errorOf(() => applyMergePatch({ a: 'foo' }, p));
      expect([e.code, e.reason, e.message]).toEqual([400, 'BadRequest', 'Invalid JSON Patch']);
    }
  });
  test('a merge patch of a Deployment', () => {
    const live = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } } };
    expect(applyMergePatch(live, { spec: { replicas: 3, template: { spec: { containers: [{ name: 'a', image: 'z' }] } } } })).toEqual({
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'a', image: 'z' }] } } },
    });
  });
});
