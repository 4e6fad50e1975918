/**
 * applyStrategicMergePatch: the API server's `application/strategic-merge-patch+json`, with
 * apimachinery's strategicpatch semantics (StrategicMergeMapPatch: MergeParallelList and
 * IgnoreUnmatchedNulls on) over the served kinds' patch metadata (patch-meta.ts):
 *   - maps merge key by key, `null` deletes a key;
 *   - a list whose field has `patchStrategy: merge` and a merge key merges its items by that key (an
 *     item of the patch missing the key is an error), a merge list of scalars is a set, other lists are
 *     replaced; the result keeps the patch's order for the patch's items and puts the live object's
 *     other items where they were relative to them (normalizeElementOrder);
 *   - directives: `$patch: replace|delete` in a map, `$patch: replace|delete` items in a merge list,
 *     `$retainKeys`, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`.
 * Errors are PatchErrors with the code, reason and words the API server gives
 * (apiserver endpoints/handlers/patch.go interpretStrategicMergePatchError; mergepatch/errors.go).
 *
 * Where upstream's behaviour depends on Go's random map order, this takes one order: the keys of a
 * patch map in their order, the `$setElementOrder` lists first. A `$deleteFromPrimitiveList` for a list
 * the object does not have deletes nothing (upstream would store the deletion list as the list).
 */
import { PatchError } from '../../domain/errors';
import { goTypeOf, goValue, isObject, clone, type JsonObject, type JsonValue } from './go-format';
import { KUBE_TYPES, type FieldShape, type TypeSchema } from './patch-meta';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/** SMP_PATCH_TYPES are the patch media types of a kind with a Go schema, in the API server's order. */
export const SMP_PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

// The errors, by how the API server answers them.
const badRequest = (m: string): PatchError => new PatchError(400, 'BadRequest', m);
const unprocessable = (m: string): PatchError =>
  new PatchError(422, 'Invalid', 'the server rejected our request due to an error in our request', [{ reason: 'UnexpectedServerResponse', message: m }]);
const internal = (m: string): PatchError => new PatchError(500, '', m);

const ERR_NO_LIST_OF_LISTS = (): PatchError => unprocessable('lists of lists are not supported');
const ERR_PRIMITIVE_LIST = (): PatchError => badRequest('invalid patch format of primitive list');
const ERR_RETAIN_KEYS = (): PatchError => badRequest('invalid patch format of retainKeys');
const ERR_SET_ELEMENT_ORDER = (): PatchError => badRequest('invalid patch format of setElementOrder list');
const errNoMergeKey = (m: unknown, k: string): PatchError => internal(`map: ${goValue(m)} does not contain declared merge key: ${k}`);
const errBadArgType = (expected: string, actual: unknown): PatchError => internal(`expected a ${expected}, but received a ${goTypeOf(actual)}`);
const goString = (v: unknown): string => (typeof v === 'string' ? v : `%!s(${goTypeOf(v)}=${goValue(v)})`);
const errBadPatchType = (t: unknown, m: unknown): PatchError => internal(`unknown patch type: ${goString(t)} in map: ${goValue(m)}`);

const MAP = 'map[string]interface {}';
const LIST = '[]interface {}';

type Kind = 'map' | 'slice' | 'string' | 'number' | 'bool' | 'nil';
function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (isObject(v)) return 'map';
  return typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'bool' : 'string';
}

/**
 * GoSlice is a Go slice header over a shared array: upstream deletes from and appends to the live
 * list in place (`append(original[:i], original[i+1:]...)`), and the `$setElementOrder` step then
 * orders by that same, changed, array. The result depends on it, so the sharing is kept here. A list
 * the server decoded has its capacity equal to its length (runtime.DefaultUnstructuredConverter).
 */
interface GoSlice {
  b: JsonValue[];
  len: number;
  cap: number;
}
const sliceOf = (a: JsonValue[]): GoSlice => ({ b: a, len: a.length, cap: a.length });
const itemsOf = (s: GoSlice): JsonValue[] => s.b.slice(0, s.len);
function goAppend(s: GoSlice, ...vs: JsonValue[]): GoSlice {
  if (s.len + vs.length <= s.cap) {
    vs.forEach((v, i) => (s.b[s.len + i] = v));
    return { b: s.b, len: s.len + vs.length, cap: s.cap };
  }
  const b = [...itemsOf(s), ...vs];
  return { b, len: b.length, cap: Math.max(b.length, 2 * s.cap) };
}

/** StrategicMergeTarget names the kind a patch is for: its group kind (`Deployment.apps`), or a schema of one's own (tests). */
export type StrategicMergeTarget = string | { schema: TypeSchema; groupKind: string };

/**
 * applyStrategicMergePatch applies a strategic merge patch (the decoded JSON body) to an object and
 * returns the result; neither argument is changed. Throws PatchError: 400 for a body that is not a
 * JSON object or a malformed directive, 415 for a kind with no patch metadata (as for a custom
 * resource), 422 or 500 for the rest, as the API server answers them.
 */
export function applyStrategicMergePatch(original: JsonObject, patch: unknown, kind: StrategicMergeTarget): JsonObject {
  const schema = typeof kind === 'string' ? KUBE_TYPES : kind.schema;
  const root = schema.root(typeof kind === 'string' ? kind : kind.groupKind);
  if (!root) {
    throw new PatchError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${SMP_PATCH_TYPES.filter((t) => !t.startsWith('application/strategic')).join(', ')}`,
    );
  }
  if (patch === null || patch === undefined) return clone(original);
  if (!isObject(patch)) {
    const what = Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch;
    throw badRequest(`json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
  }
  return new Merger(schema).mergeMap(clone(original), clone(patch), root);
}

interface Strategy {
  retainKeys: boolean;
  strategy: string;
}

class Merger {
  constructor(private readonly schema: TypeSchema) {}

  strategyOf(field: FieldShape): Strategy {
    const raw = field.ext['x-kubernetes-patch-strategy'];
    const parts = raw ? raw.split(',') : [];
    if (parts.length === 0) return { retainKeys: false, strategy: '' };
    if (parts.length === 1) return parts[0] === 'retainKeys' ? { retainKeys: true, strategy: '' } : { retainKeys: false, strategy: parts[0]! };
    if (parts.length === 2 && parts[0] === 'retainKeys') return { retainKeys: true, strategy: parts[1]! };
    if (parts.length === 2 && parts[1] === 'retainKeys') return { retainKeys: true, strategy: parts[0]! };
    throw internal(`unexpected patch strategy: [${parts.join(' ')}]`);
  }

  mergeKeyOf(field: FieldShape): string {
    return field.ext['x-kubernetes-patch-merge-key'] ?? '';
  }

  mergeMap(originalIn: JsonObject | null, patch: JsonObject, shape: FieldShape): JsonObject {
    if (Object.prototype.hasOwnProperty.call(patch, DIRECTIVE)) {
      const d = patch[DIRECTIVE];
      if (d === 'replace') {
        delete patch[DIRECTIVE];
        return patch;
      }
      if (d === 'delete') return {};
      throw errBadPatchType(d, patch);
    }
    const original = originalIn ?? {};
    this.applyRetainKeys(original, patch);
    this.mergePatchIntoOriginal(original, patch, shape);

    for (const [key, patchV] of Object.entries(patch)) {
      let k = key;
      let isDeleteList = false;
      if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        k = extractKey(key, DELETE_FROM_PRIMITIVE_LIST);
        isDeleteList = true;
      }
      if (patchV === null) {
        delete original[k];
        continue;
      }
      if (!Object.prototype.hasOwnProperty.call(original, k)) {
        if (!isDeleteList) original[k] = patchV;
        continue;
      }
      const originalV = original[k]!;
      if (kindOf(originalV) !== kindOf(patchV)) {
        original[k] = patchV;
        continue;
      }
      const field = this.schema.field(shape, k);
      const { strategy } = this.strategyOf(field);
      if (isObject(originalV) && isObject(patchV)) {
        original[k] = strategy === 'replace' ? patchV : this.mergeMap(originalV, patchV, field);
      } else if (Array.isArray(originalV) && Array.isArray(patchV)) {
        original[k] = this.mergeSliceHandler(sliceOf(originalV), patchV, field, strategy, this.mergeKeyOf(field), isDeleteList);
      } else {
        original[k] = patchV;
      }
    }
    return original;
  }

  /** applyRetainKeys clears the original's keys a `$retainKeys` list leaves out, once it checked the patch names only retained keys. */
  applyRetainKeys(original: JsonObject, patch: JsonObject): void {
    if (!Object.prototype.hasOwnProperty.call(patch, RETAIN_KEYS)) return;
    const list = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(list)) throw ERR_RETAIN_KEYS();
    const keep = new Set(list.filter((v): v is string => typeof v === 'string'));
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
      if (!keep.has(k)) throw ERR_RETAIN_KEYS();
    }
    for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
  }

  /** mergePatchIntoOriginal carries out each `$setElementOrder/<field>` with its list: merged, then ordered by it. */
  mergePatchIntoOriginal(original: JsonObject, patch: JsonObject, shape: FieldShape): void {
    for (const [key, setOrder] of Object.entries(patch)) {
      if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
      delete patch[key];
      if (!Array.isArray(setOrder)) throw errBadArgType(LIST, setOrder);
      const originalKey = extractKey(key, SET_ELEMENT_ORDER);
      const foundOriginal = Object.prototype.hasOwnProperty.call(original, originalKey);
      const foundPatch = Object.prototype.hasOwnProperty.call(patch, originalKey);
      const originalList = original[originalKey];
      const patchList = patch[originalKey];
      if (foundOriginal && !Array.isArray(originalList)) throw errBadArgType(LIST, originalList);
      if (foundPatch && !Array.isArray(patchList)) throw errBadArgType(LIST, patchList);
      const originalSlice = sliceOf((foundOriginal ? originalList : []) as JsonValue[]);
      const patchFieldValue = (foundPatch ? patchList : []) as JsonValue[];
      const field = this.schema.field(shape, originalKey);
      const { strategy } = this.strategyOf(field);
      const mergeKey = this.mergeKeyOf(field);
      validatePatchWithSetOrderList(patchFieldValue, setOrder, mergeKey);

      let merged: JsonValue[];
      if (foundOriginal && !foundPatch) merged = itemsOf(originalSlice);
      else if (!foundOriginal && foundPatch) merged = patchFieldValue;
      else if (foundOriginal && foundPatch) merged = this.mergeSliceHandler(originalSlice, patchFieldValue, field, strategy, mergeKey, false);
      else continue;
      const originalFieldValue = itemsOf(originalSlice);

      const [patchItems, serverOnly] = mergeKey === '' ? partitionPrimitives(merged, setOrder) : partitionMaps(merged, setOrder, mergeKey);
      const kind = sliceElementKind([originalFieldValue, patchFieldValue]);
      original[originalKey] = normalizeElementOrder(patchItems, serverOnly, setOrder, originalFieldValue, mergeKey, kind);
      delete patch[originalKey];
    }
  }

  mergeSliceHandler(original: GoSlice, patch: JsonValue[], field: FieldShape, strategy: string, mergeKey: string, isDeleteList: boolean): JsonValue[] {
    // A deletion list deletes whatever the field's strategy (kubernetes/kubernetes#110472).
    if (strategy === 'merge' || isDeleteList) return this.mergeSlice(original, patch, field, mergeKey, isDeleteList);
    return patch;
  }

  mergeSlice(originalIn: GoSlice, patchIn: JsonValue[], field: FieldShape, mergeKey: string, isDeleteList: boolean): JsonValue[] {
    let original = originalIn;
    let patch = patchIn;
    if (original.len === 0 && patch.length === 0) return itemsOf(original);
    const kind = sliceElementKind([itemsOf(original), patch]);
    let merged: JsonValue[];
    if (kind !== 'map') {
      if (isDeleteList) return deleteFromSlice(itemsOf(original), patch);
      const both = goAppend(original, ...patch);
      merged = deduplicateScalars(both);
    } else {
      if (mergeKey === '') throw internal(`cannot merge lists without merge key for type ${field.item?.shape === 'object' ? 'struct' : field.item?.shape === 'scalar' ? 'string' : 'map'}`);
      [original, patch] = mergeSliceWithSpecialElements(original, patch, mergeKey);
      merged = itemsOf(this.mergeSliceWithoutSpecialElements(original, patch, mergeKey, field.item ?? { shape: 'any', ext: {} }));
    }
    const [patchItems, serverOnly] = mergeKey === '' ? partitionPrimitives(merged, patch) : partitionMaps(merged, patch, mergeKey);
    return normalizeElementOrder(patchItems, serverOnly, patch, itemsOf(original), mergeKey, kind);
  }

  mergeSliceWithoutSpecialElements(originalIn: GoSlice, patch: JsonValue[], mergeKey: string, item: FieldShape): GoSlice {
    let original = originalIn;
    for (const v of patch) {
      const typed = v as JsonObject;
      if (!Object.prototype.hasOwnProperty.call(typed, mergeKey)) throw errNoMergeKey(typed, mergeKey);
      const found = findMapInSlice(itemsOf(original), mergeKey, typed[mergeKey]!);
      if (found) original.b[found.index] = this.mergeMap(found.map, typed, item);
      else original = goAppend(original, v);
    }
    return original;
  }
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST) throw ERR_PRIMITIVE_LIST();
    throw ERR_SET_ELEMENT_ORDER();
  }
  return s.slice(slash + 1);
}

/** sliceElementKind is the one kind of every item of the lists: not a list, all the same. */
function sliceElementKind(slices: JsonValue[][]): Kind {
  let prev: Kind | undefined;
  for (const s of slices) {
    for (const v of s) {
      const k = kindOf(v);
      if (prev === undefined) {
        prev = k;
        if (k === 'slice') throw ERR_NO_LIST_OF_LISTS();
      } else if (prev !== k) {
        throw internal(`list element types are not identical: ${goValue(slices)}`);
      }
    }
  }
  if (prev === undefined) throw internal('no elements in any of the given slices');
  return prev;
}

/** deduplicateScalars is upstream's in-place de-duplication (it moves the last item into a duplicate's place). */
function deduplicateScalars(slice: GoSlice): JsonValue[] {
  const s = slice.b;
  let length = slice.len - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length]!;
        length--;
        j--;
      }
    }
  }
  return s.slice(0, length + 1);
}

function deleteFromSlice(current: JsonValue[], toDelete: JsonValue[]): JsonValue[] {
  const del = new Set(toDelete.filter((v) => !isObject(v) && !Array.isArray(v)));
  return current.filter((v) => !del.has(v));
}

function findMapInSlice(list: JsonValue[], key: string, value: JsonValue): { map: JsonObject; index: number } | undefined {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!isObject(v)) throw internal(`value for key ${i} is not a map.`);
    if (Object.prototype.hasOwnProperty.call(v, key) && v[key] === value) return { map: v, index: i };
  }
  return undefined;
}

/** mergeSliceWithSpecialElements takes the `$patch` items out of a merge list's patch: deletions (every match, in place), `replace`. */
function mergeSliceWithSpecialElements(original: GoSlice, patch: JsonValue[], mergeKey: string): [GoSlice, JsonValue[]] {
  const plain: JsonValue[] = [];
  let replace = false;
  let out = original;
  for (const v of patch) {
    const typed = v as JsonObject;
    if (!Object.prototype.hasOwnProperty.call(typed, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const d = typed[DIRECTIVE];
    if (d === 'delete') {
      if (!Object.prototype.hasOwnProperty.call(typed, mergeKey)) throw errNoMergeKey(typed, mergeKey);
      const value = typed[mergeKey]!;
      for (;;) {
        const found = findMapInSlice(itemsOf(out), mergeKey, value);
        if (!found) break;
        out = goAppend({ b: out.b, len: found.index, cap: out.cap }, ...out.b.slice(found.index + 1, out.len));
      }
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      throw internal('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(d, typed);
    }
  }
  return replace ? [sliceOf(plain), []] : [out, plain];
}

function partitionPrimitives(list: JsonValue[], by: JsonValue[]): [JsonValue[], JsonValue[]] {
  const inBy = new Set(by.filter((v) => !isObject(v) && !Array.isArray(v)));
  return [list.filter((v) => inBy.has(v)), list.filter((v) => !inBy.has(v))];
}

function partitionMaps(list: JsonValue[], by: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType(MAP, v);
    if (!Object.prototype.hasOwnProperty.call(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findMapInSlice(by, mergeKey, v[mergeKey]!) ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

function validateMergeKeyInLists(mergeKey: string, ...lists: JsonValue[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw errBadArgType(MAP, item);
      if (!Object.prototype.hasOwnProperty.call(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

function extractToDeleteItems(list: JsonValue[]): [JsonValue[], JsonValue[]] {
  const keep: JsonValue[] = [];
  const del: JsonValue[] = [];
  for (const v of list) {
    if (!isObject(v)) throw errBadArgType(MAP, v);
    (v[DIRECTIVE] === 'delete' ? del : keep).push(v);
  }
  return [keep, del];
}

function indexIn(list: JsonValue[], v: JsonValue, mergeKey: string, kind: Kind): number {
  const val = (item: JsonValue): JsonValue | undefined => (kind === 'map' ? (isObject(item) ? (item[mergeKey] ?? null) : null) : item);
  const want = val(v);
  return list.findIndex((x) => val(x) === want);
}

/** normalizeSliceOrder sorts a list by where its items are in `order` (upstream's sort.SliceStable, an insertion sort up to 20 items). */
function normalizeSliceOrder(toSortIn: JsonValue[], order: JsonValue[], mergeKey: string, kind: Kind): JsonValue[] {
  let toSort = toSortIn;
  let toDelete: JsonValue[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order);
    [toSort, toDelete] = extractToDeleteItems(toSort);
  }
  const less = (a: JsonValue, b: JsonValue): boolean => {
    const ia = indexIn(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = indexIn(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  };
  const s = [...toSort];
  if (s.length <= 20) {
    for (let i = 1; i < s.length; i++) for (let j = i; j > 0 && less(s[j]!, s[j - 1]!); j--) [s[j], s[j - 1]] = [s[j - 1]!, s[j]!];
  } else {
    const idx = (v: JsonValue): number => indexIn(order, v, mergeKey, kind);
    s.sort((a, b) => (idx(a) >= 0 && idx(b) >= 0 ? idx(a) - idx(b) : 0));
  }
  return [...s, ...toDelete];
}

/** mergeSortedSlice interleaves the live-only items (left) with the patch's (right), keeping each side's order. */
function mergeSortedSlice(left: JsonValue[], right: JsonValue[], serverOrder: JsonValue[], mergeKey: string, kind: Kind): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexIn(serverOrder, left[i]!, mergeKey, kind);
      const ri = indexIn(serverOrder, right[j]!, mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

function normalizeElementOrder(patch: JsonValue[], serverOnly: JsonValue[], patchOrder: JsonValue[], serverOrder: JsonValue[], mergeKey: string, kind: Kind): JsonValue[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function mergeKeyValueEqual(left: JsonValue, right: JsonValue, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  if (!isObject(left)) throw errBadArgType(MAP, left);
  if (!isObject(right)) throw errBadArgType(MAP, right);
  if (!Object.prototype.hasOwnProperty.call(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!Object.prototype.hasOwnProperty.call(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** validatePatchWithSetOrderList: the patch's items (but deletions) come in the `$setElementOrder` list, in its order. */
function validatePatchWithSetOrderList(patchList: JsonValue[], setOrder: JsonValue[], mergeKey: string): void {
  if (setOrder.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey !== '' ? extractToDeleteItems(patchList)[0] : patchList;
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < setOrder.length) {
    const item = nonDelete[p]!;
    if (isObject(item) && Object.prototype.hasOwnProperty.call(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, setOrder[s]!, mergeKey)) p++;
    s++;
  }
  if (p < nonDelete.length && s >= setOrder.length) {
    throw internal(`The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goValue(setOrder)}\n`);
  }
}
