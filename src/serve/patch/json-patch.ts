/**
 * The API server's two JSON patch types, on decoded JSON values:
 *   - applyMergePatch: `application/merge-patch+json`, RFC 7386 as evanphx/json-patch (v4) carries it
 *     out for the API server: `null` removes a key, objects merge, everything else replaces; nulls are
 *     pruned from the objects a patch brings in (also inside arrays, where RFC 7386 would keep them).
 *   - applyJsonPatch: `application/json-patch+json`, RFC 6902 (add, remove, replace, move, copy, test;
 *     RFC 6901 pointers with `~0`/`~1`; `-` for the end of an array; negative indices counted from the
 *     end, as evanphx/json-patch v4 allows).
 * Errors are PatchErrors as apiserver's handlers/patch.go answers them: a body that is not a patch is
 * 400 BadRequest; an operation that does not apply is 422 Invalid with evanphx's words in the cause
 * (kubectl: `The request is invalid: the server rejected our request due to an error in our request`);
 * more than 10000 operations is 413.
 */
import { PatchError } from '../../domain/errors';
import { clone, deepEqual, isObject, type JsonObject, type JsonValue } from './go-format';

/** MAX_JSON_PATCH_OPERATIONS is the API server's limit on one JSON patch's operations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

const badRequest = (m: string): PatchError => new PatchError(400, 'BadRequest', m);
const invalid = (m: string): PatchError =>
  new PatchError(422, 'Invalid', 'the server rejected our request due to an error in our request', [{ reason: 'UnexpectedServerResponse', message: m }]);

function pruneNulls(v: JsonValue): JsonValue {
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = pruneNulls(x);
    return out;
  }
  if (Array.isArray(v)) return v.map((x) => (x === null ? null : pruneNulls(x)));
  return v;
}

function mergeDocs(doc: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete doc[k];
    else {
      const cur = doc[k];
      if (isObject(cur) && isObject(v)) mergeDocs(cur, v);
      else doc[k] = pruneNulls(v);
    }
  }
}

/**
 * applyMergePatch applies a JSON merge patch (RFC 7386) to a document and returns the result (the
 * document is not changed). A patch that is an array is the result, as upstream has it; `null` or a
 * scalar is 400 `Invalid JSON Patch`.
 */
export function applyMergePatch(original: JsonValue, patch: unknown): JsonValue {
  if (Array.isArray(patch)) return pruneNulls(patch as JsonValue[]);
  if (!isObject(patch)) throw badRequest('Invalid JSON Patch');
  if (!isObject(original)) return pruneNulls(patch);
  const doc = clone(original);
  mergeDocs(doc, patch);
  return doc;
}

/** JsonPatchOperation is one operation of an RFC 6902 patch, as decoded. */
export type JsonPatchOperation = Record<string, unknown>;

// The errors of evanphx/json-patch, with pkg/errors' `context: cause` wrapping.
const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';
class OpError extends Error {}
const wrap = (cause: string, context: string): OpError => new OpError(`${context}: ${cause}`);

type Container = { kind: 'doc'; v: JsonObject } | { kind: 'ary'; v: JsonValue[] };

function atoi(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) throw new OpError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  return Number(key);
}

function get(c: Container, key: string): JsonValue {
  if (c.kind === 'doc') {
    if (!Object.prototype.hasOwnProperty.call(c.v, key)) throw wrap(MISSING, `unable to get nonexistent key: ${key}`);
    return c.v[key]!;
  }
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -c.v.length) throw wrap(INVALID_INDEX, `Unable to access invalid index: ${idx}`);
    idx += c.v.length;
  }
  if (idx >= c.v.length) throw wrap(INVALID_INDEX, `Unable to access invalid index: ${idx}`);
  return c.v[idx]!;
}

function set(c: Container, key: string, val: JsonValue): void {
  if (c.kind === 'doc') {
    c.v[key] = val;
    return;
  }
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -c.v.length) throw wrap(INVALID_INDEX, `Unable to access invalid index: ${idx}`);
    idx += c.v.length;
  }
  c.v[idx] = val;
}

function add(c: Container, key: string, val: JsonValue): void {
  if (c.kind === 'doc') {
    c.v[key] = val;
    return;
  }
  if (key === '-') {
    c.v.push(val);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (e) {
    throw wrap((e as Error).message, `value was not a proper array index: '${key}'`);
  }
  const size = c.v.length + 1;
  if (idx >= size) throw wrap(INVALID_INDEX, `Unable to access invalid index: ${idx}`);
  if (idx < 0) {
    if (idx < -size) throw wrap(INVALID_INDEX, `Unable to access invalid index: ${idx}`);
    idx += size;
  }
  c.v.splice(idx, 0, val);
}

function remove(c: Container, key: string): void {
  if (c.kind === 'doc') {
    if (!Object.prototype.hasOwnProperty.call(c.v, key)) throw wrap(MISSING, `Unable to remove nonexistent key: ${key}`);
    delete c.v[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= c.v.length) throw wrap(INVALID_INDEX, `Unable to access invalid index: ${idx}`);
  if (idx < 0) {
    if (idx < -c.v.length) throw wrap(INVALID_INDEX, `Unable to access invalid index: ${idx}`);
    idx += c.v.length;
  }
  c.v.splice(idx, 1);
}

const decodeKey = (k: string): string => k.replace(/~1/g, '/').replace(/~0/g, '~');

function containerOf(v: JsonValue | undefined): Container | undefined {
  if (isObject(v)) return { kind: 'doc', v };
  if (Array.isArray(v)) return { kind: 'ary', v };
  return undefined;
}

/** findObject is the container holding a pointer's last token, and that token (evanphx's findObject). */
function findObject(root: { doc: JsonValue }, path: string): [Container, string] | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let c = containerOf(root.doc);
  if (!c) return undefined;
  for (const part of split.slice(1, -1)) {
    let next: JsonValue;
    try {
      next = get(c, decodeKey(part));
    } catch {
      return undefined;
    }
    c = containerOf(next);
    if (!c) return undefined;
  }
  return [c, decodeKey(split[split.length - 1]!)];
}

function stringField(op: JsonPatchOperation, name: string): string {
  if (!Object.prototype.hasOwnProperty.call(op, name)) throw new OpError(`operation missing ${name} field`);
  const v = op[name];
  if (typeof v !== 'string') throw new OpError(`json: cannot unmarshal ${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v} into Go value of type string`);
  return v;
}

function pathOf(op: JsonPatchOperation, kind: string, field: 'path' | 'from' = 'path'): string {
  try {
    return stringField(op, field);
  } catch {
    throw wrap(MISSING, `${kind} operation failed to decode ${field}`);
  }
}

const valueOf = (op: JsonPatchOperation): JsonValue => (Object.prototype.hasOwnProperty.call(op, 'value') ? clone(op['value'] as JsonValue) : null);

function applyOne(root: { doc: JsonValue }, op: JsonPatchOperation, kind: string): void {
  switch (kind) {
    case 'add': {
      const path = pathOf(op, 'add');
      const found = findObject(root, path);
      if (!found) throw wrap(MISSING, `add operation does not apply: doc is missing path: "${path}"`);
      try {
        add(found[0], found[1], valueOf(op));
      } catch (e) {
        throw wrap((e as Error).message, `error in add for path: '${path}'`);
      }
      return;
    }
    case 'remove': {
      const path = pathOf(op, 'remove');
      const found = findObject(root, path);
      if (!found) throw wrap(MISSING, `remove operation does not apply: doc is missing path: "${path}"`);
      try {
        remove(found[0], found[1]);
      } catch (e) {
        throw wrap((e as Error).message, `error in remove for path: '${path}'`);
      }
      return;
    }
    case 'replace': {
      const path = pathOf(op, 'replace');
      if (path === '') {
        const v = valueOf(op);
        if (isObject(v) || Array.isArray(v)) root.doc = v;
        return;
      }
      const found = findObject(root, path);
      if (!found) throw wrap(MISSING, `replace operation does not apply: doc is missing path: ${path}`);
      try {
        get(found[0], found[1]);
      } catch {
        throw wrap(MISSING, `replace operation does not apply: doc is missing key: ${path}`);
      }
      try {
        set(found[0], found[1], valueOf(op));
      } catch (e) {
        throw wrap((e as Error).message, `error in remove for path: '${path}'`);
      }
      return;
    }
    case 'move': {
      const from = pathOf(op, 'move', 'from');
      const src = findObject(root, from);
      if (!src) throw wrap(MISSING, `move operation does not apply: doc is missing from path: ${from}`);
      let val: JsonValue;
      try {
        val = get(src[0], src[1]);
        remove(src[0], src[1]);
      } catch (e) {
        throw wrap((e as Error).message, `error in move for path: '${src[1]}'`);
      }
      const path = pathOf(op, 'move');
      const dst = findObject(root, path);
      if (!dst) throw wrap(MISSING, `move operation does not apply: doc is missing destination path: ${path}`);
      try {
        add(dst[0], dst[1], val);
      } catch (e) {
        throw wrap((e as Error).message, `error in move for path: '${path}'`);
      }
      return;
    }
    case 'copy': {
      const from = pathOf(op, 'copy', 'from');
      const src = findObject(root, from);
      if (!src) throw wrap(MISSING, `copy operation does not apply: doc is missing from path: ${from}`);
      let val: JsonValue;
      try {
        val = clone(get(src[0], src[1]));
      } catch (e) {
        throw wrap((e as Error).message, `error in copy for from: '${from}'`);
      }
      const path = pathOf(op, 'copy');
      const dst = findObject(root, path);
      if (!dst) throw wrap(MISSING, `copy operation does not apply: doc is missing destination path: ${path}`);
      try {
        add(dst[0], dst[1], val);
      } catch (e) {
        throw wrap((e as Error).message, `error in copy for path: '${path}'`);
      }
      return;
    }
    case 'test': {
      const path = pathOf(op, 'test');
      const failed = wrap('test failed', `testing value ${path} failed`);
      if (path === '') {
        if (deepEqual(root.doc, op['value'])) return;
        throw failed;
      }
      const found = findObject(root, path);
      if (!found) throw wrap(MISSING, `test operation does not apply: is missing path: ${path}`);
      let val: JsonValue | undefined;
      try {
        val = get(found[0], found[1]);
      } catch (e) {
        if (!(e as Error).message.endsWith(MISSING)) throw wrap((e as Error).message, `error in test for path: '${path}'`);
      }
      const has = Object.prototype.hasOwnProperty.call(op, 'value');
      if (val === undefined || val === null) {
        if (!has || op['value'] === null) return;
        throw failed;
      }
      if (has && deepEqual(val, op['value'])) return;
      throw failed;
    }
    default:
      throw new OpError(`Unexpected kind: ${kind}`);
  }
}

/**
 * applyJsonPatch applies a JSON patch (RFC 6902, the decoded body: an array of operations) to a
 * document and returns the result; the document is not changed. The operations run in order and the
 * first that fails stops the patch (nothing of it is kept).
 */
export function applyJsonPatch(original: JsonValue, ops: unknown): JsonValue {
  if (!Array.isArray(ops)) {
    const what = isObject(ops) ? 'object' : ops === null ? 'null' : typeof ops === 'boolean' ? 'bool' : typeof ops;
    if (ops === null) return clone(original);
    throw badRequest(`json: cannot unmarshal ${what} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (!isObject(op) && op !== null) {
      const what = Array.isArray(op) ? 'array' : typeof op === 'boolean' ? 'bool' : typeof op;
      throw badRequest(`json: cannot unmarshal ${what} into Go value of type jsonpatch.Operation`);
    }
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(413, 'RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  const root = { doc: clone(original) };
  for (const raw of ops as Array<JsonPatchOperation | null>) {
    const op = raw ?? {};
    const kind = typeof op['op'] === 'string' ? op['op'] : 'unknown';
    try {
      applyOne(root, op, kind);
    } catch (e) {
      if (e instanceof OpError) throw invalid(e.message);
      throw e;
    }
  }
  return root.doc;
}
