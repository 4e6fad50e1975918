/**
 * Server-side apply (`application/apply-patch+yaml`) and the field managers of ordinary writes, with
 * structured-merge-diff's rules at the level kubectl users meet them (sigs.k8s.io/structured-merge-diff
 * merge/update.go, typed/merge.go, typed/compare.go; apimachinery util/managedfields/internal):
 *   - the applied configuration merges into the live object by the schema: maps and structs key by
 *     key, `x-kubernetes-list-type: map` lists by their keys, `set` lists by value, atomic lists and
 *     `x-kubernetes-map-type: atomic` structs whole;
 *   - the applier owns exactly the fields of its configuration (an Apply entry of
 *     metadata.managedFields); a field it applied before and leaves out now is removed unless another
 *     manager owns it (with what only it owned below);
 *   - a field another manager owns that the apply changes is a conflict (409, the API server's
 *     `Apply failed with N conflicts` message) unless `force`, which moves the field to the applier;
 *   - an ordinary write (updateManagedFields, an Update entry per manager and apiVersion: kubectl's
 *     `kubectl-client-side-apply`, `kubectl-edit`, ...) owns what it added or changed, taking it from
 *     the others; what it removed leaves every manager;
 *   - an object with no managed fields is first owned by `before-first-apply` (skipNonAppliedManager);
 *   - apiVersion, kind and the server-kept metadata (name, namespace, uid, resourceVersion, generation,
 *     creationTimestamp, managedFields) are nobody's (stripMetaManager), nor is `status` of the main
 *     resource (the workloads' reset fields).
 * Not carried out: conversion between versions (every served kind has one), the
 * last-applied-configuration hand-over between client-side and server-side kubectl
 * (lastAppliedManager/lastAppliedUpdater), and the cap of ten Update managers.
 */
import { PatchError, type StatusCause } from '../../domain/errors';
import { clone, deepEqual, isObject, type JsonObject, type JsonValue } from './go-format';
import { FieldSet, pathString, sortedKey, type FieldPath, type PathElement } from './field-set';
import { KUBE_TYPES, type FieldShape, type TypeSchema } from './patch-meta';

/** ManagedFieldsEntry is one entry of metadata.managedFields. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

/** Conflict is a field another manager owns that an apply would change. */
export interface Conflict {
  /** manager as the API server prints it: `"kubectl-client-side-apply" using apps/v1`. */
  manager: string;
  /** field is the path as the API server prints it: `.spec.replicas`. */
  field: string;
}

/** ServerSideApplyInput is one apply: the live object (undefined to create), the configuration, who applies, and the clock. */
export interface ServerSideApplyInput {
  live: JsonObject | undefined;
  applied: JsonObject;
  manager: string;
  force: boolean;
  /** kind is the group kind (`Deployment.apps`, `Pod`). */
  kind: string;
  /** now is the time written into the applier's entry (RFC 3339, seconds). */
  now: Date;
  /** schema replaces the served kinds' types (tests). */
  schema?: TypeSchema;
}

/** ServerSideApplyResult is the object with its managedFields, or the conflicts and the 409 the API server answers. */
export type ServerSideApplyResult = { object: JsonObject; managedFields: ManagedFieldsEntry[] } | { conflicts: Conflict[]; error: PatchError };

const BEFORE_FIRST_APPLY = 'before-first-apply';
const STRIPPED: FieldPath[] = [
  [{ field: 'apiVersion' }],
  [{ field: 'kind' }],
  [{ field: 'metadata' }],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f): FieldPath => [{ field: 'metadata' }, { field: f }]),
];
/**
 * ALWAYS_PRESENT are the list fields Go serializes even empty (no `omitempty`): an object the server
 * starts from already has them, so a create adds their items but not the list itself.
 */
const ALWAYS_PRESENT = new Set(['PodSpec.containers', 'EndpointSlice.endpoints', 'EndpointSlice.ports', 'Endpoint.addresses']);
const goName = (def: string): string => def.replace(/^(?:CoreV1|DiscoveryV1|V1)(?=[A-Z])/, '');

/** KEY_DEFAULTS are the schema defaults of list-map key fields: an item may leave them out. */
const KEY_DEFAULTS: Record<string, JsonValue> = { 'ContainerPort.protocol': 'TCP', 'ServicePort.protocol': 'TCP', 'EndpointPort.protocol': 'TCP' };

// ---------------------------------------------------------------- the typed walk

type ListKind = 'map' | 'set' | 'atomic';

class Typed {
  constructor(readonly schema: TypeSchema) {}

  listKind(s: FieldShape): ListKind {
    const t = s.ext['x-kubernetes-list-type'];
    if (t === 'map' || t === 'set') return t;
    if (t === 'atomic') return 'atomic';
    // Lists with a patch strategy and no list type (schemaconv): keyed by the merge key, or a set.
    if (s.ext['x-kubernetes-patch-strategy']?.split(',').includes('merge')) return s.ext['x-kubernetes-patch-merge-key'] ? 'map' : 'set';
    return 'atomic';
  }

  keysOf(s: FieldShape): string[] {
    return s.ext['x-kubernetes-list-map-keys'] ?? (s.ext['x-kubernetes-patch-merge-key'] ? [s.ext['x-kubernetes-patch-merge-key']] : []);
  }

  isAtomicObject(s: FieldShape): boolean {
    return s.ext['x-kubernetes-map-type'] === 'atomic';
  }

  /** elementOf is the path step of a list item: its key fields, or its value. */
  elementOf(list: FieldShape, item: JsonValue, path: FieldPath, i: number): PathElement {
    if (this.listKind(list) === 'set') return { value: item };
    const item0 = isObject(item) ? item : {};
    const key: JsonObject = {};
    const def = list.item?.def;
    for (const k of this.keysOf(list)) {
      if (Object.prototype.hasOwnProperty.call(item0, k) && item0[k] !== null) key[k] = item0[k]!;
      else {
        const d = def ? KEY_DEFAULTS[`${goName(def)}.${k}`] : undefined;
        if (d === undefined) throw new KeyError(`${pathString(path)}: element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
        key[k] = d;
      }
    }
    return { key: sortedKey(key) };
  }

  child(s: FieldShape, field: string): FieldShape {
    return this.schema.field(s, field);
  }

  /** toFieldSet is what a configuration sets: its leaves, list items, and empty maps. */
  toFieldSet(v: JsonValue, s: FieldShape, path: FieldPath = [], out = new FieldSet()): FieldSet {
    if (isObject(v) && !this.isAtomicObject(s) && s.shape !== 'scalar' && s.shape !== 'list') {
      const keys = Object.keys(v);
      if (keys.length === 0 && path.length > 0) out.insert(path);
      for (const k of keys) this.toFieldSet(v[k]!, this.child(s, k), [...path, { field: k }], out);
      return out;
    }
    if (Array.isArray(v) && s.shape === 'list' && this.listKind(s) !== 'atomic') {
      const seen = new FieldSet();
      v.forEach((item, i) => {
        const pe = this.elementOf(s, item, path, i);
        const p = [...path, pe];
        if (seen.has(p)) throw new KeyError(`${pathString(path)}: duplicate entries for key ${pathString([pe])}`);
        seen.insert(p);
        out.insert(p);
        if (this.listKind(s) === 'map' && isObject(item)) for (const k of Object.keys(item)) this.toFieldSet(item[k]!, this.child(s.item ?? s, k), [...p, { field: k }], out);
      });
      return out;
    }
    if (path.length > 0) out.insert(path);
    return out;
  }

  /** merge is the live value (lhs) with the configuration (rhs) applied over it. */
  merge(lhs: JsonValue | undefined, rhs: JsonValue, s: FieldShape, path: FieldPath): JsonValue {
    if (lhs === undefined) return clone(rhs);
    if (isObject(lhs) && isObject(rhs) && !this.isAtomicObject(s) && s.shape !== 'list' && s.shape !== 'scalar') {
      const out: JsonObject = {};
      for (const k of Object.keys(lhs)) out[k] = k in rhs ? this.merge(lhs[k], rhs[k]!, this.child(s, k), [...path, { field: k }]) : clone(lhs[k]!);
      for (const k of Object.keys(rhs)) if (!(k in lhs)) out[k] = clone(rhs[k]!);
      return out;
    }
    if (Array.isArray(lhs) && Array.isArray(rhs) && s.shape === 'list' && this.listKind(s) !== 'atomic') return this.mergeList(lhs, rhs, s, path);
    return clone(rhs);
  }

  /** mergeList merges keyed or set lists: the configuration's order, the live-only items kept where they were. */
  mergeList(lhs: JsonValue[], rhs: JsonValue[], s: FieldShape, path: FieldPath): JsonValue[] {
    const key = (pe: PathElement): string => JSON.stringify(pe);
    const lpe = lhs.map((v, i) => key(this.elementOf(s, v, path, i)));
    const rpeEl = rhs.map((v, i) => this.elementOf(s, v, path, i));
    const rpe = rpeEl.map(key);
    const rIndex = new Map(rpe.map((k, i) => [k, i]));
    const lIndex = new Map<string, number>();
    lpe.forEach((k, i) => {
      if (!lIndex.has(k)) lIndex.set(k, i);
    });
    const item = s.item ?? { shape: 'any' as const, ext: {} };
    const mergeItem = (li: number | undefined, ri: number): JsonValue =>
      this.listKind(s) === 'set' ? clone(rhs[ri]!) : this.merge(li === undefined ? undefined : lhs[li], rhs[ri]!, item, [...path, rpeEl[ri]!]);
    const out: JsonValue[] = [];
    let l = 0;
    let r = 0;
    while (l < lhs.length || r < rhs.length) {
      if (l < lhs.length && r < rhs.length) {
        if (lpe[l] === rpe[r]) {
          out.push(mergeItem(l, r));
          l++;
          r++;
          continue;
        }
        if (rIndex.has(lpe[l]!)) {
          l++;
          continue;
        }
        out.push(clone(lhs[l]!));
        l++;
        continue;
      }
      if (r < rhs.length) {
        out.push(mergeItem(lIndex.get(rpe[r]!), r));
        r++;
        continue;
      }
      if (!rIndex.has(lpe[l]!)) out.push(clone(lhs[l]!));
      l++;
    }
    return out;
  }

  /**
   * compare is what changed from `a` to `b`: added and removed nodes (fields, map keys, list items;
   * not the struct nodes themselves, which upstream's objects always carry) with all below them, and
   * the leaves whose value changed.
   */
  compare(a: JsonValue | undefined, b: JsonValue | undefined, s: FieldShape, path: FieldPath, out: { added: FieldSet; removed: FieldSet; modified: FieldSet }, named?: string): void {
    if (a === undefined && b === undefined) return;
    if (a === undefined || b === undefined) {
      const target = a === undefined ? out.added : out.removed;
      this.allPaths(a === undefined ? b! : a, s, path, target, named);
      return;
    }
    const granularObject = isObject(a) && isObject(b) && !this.isAtomicObject(s) && s.shape !== 'list' && s.shape !== 'scalar';
    if (granularObject && (Object.keys(a).length > 0 || Object.keys(b).length > 0)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) this.compare(a[k], b[k], this.child(s, k), [...path, { field: k }], out, s.def ? `${goName(s.def)}.${k}` : undefined);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && s.shape === 'list' && this.listKind(s) !== 'atomic') {
      const item = s.item ?? { shape: 'any' as const, ext: {} };
      const index = (l: JsonValue[]): Map<string, [PathElement, JsonValue]> => {
        const m = new Map<string, [PathElement, JsonValue]>();
        l.forEach((v, i) => {
          const pe = this.elementOf(s, v, path, i);
          if (!m.has(JSON.stringify(pe))) m.set(JSON.stringify(pe), [pe, v]);
        });
        return m;
      };
      const ia = index(a);
      const ib = index(b);
      for (const [k, [pe, va]] of ia) {
        const vb = ib.get(k)?.[1];
        if (this.listKind(s) === 'set') {
          if (vb === undefined) out.removed.insert([...path, pe]);
        } else this.compare(va, vb, item, [...path, pe], out);
      }
      for (const [k, [pe, vb]] of ib) {
        if (ia.has(k)) continue;
        if (this.listKind(s) === 'set') out.added.insert([...path, pe]);
        else this.compare(undefined, vb, item, [...path, pe], out);
      }
      return;
    }
    if (!deepEqual(a, b) && path.length > 0) out.modified.insert(path);
  }

  /** allPaths is every node of a value: itself (but a struct) and all below. */
  allPaths(v: JsonValue, s: FieldShape, path: FieldPath, out: FieldSet, named?: string): void {
    const struct = s.shape === 'object' && s.def !== undefined && !this.isAtomicObject(s);
    const alwaysPresent = named !== undefined && ALWAYS_PRESENT.has(named);
    if (path.length > 0 && !alwaysPresent && !(struct && isObject(v) && Object.keys(v).length > 0)) out.insert(path);
    if (isObject(v) && !this.isAtomicObject(s) && s.shape !== 'list' && s.shape !== 'scalar') {
      for (const k of Object.keys(v)) this.allPaths(v[k]!, this.child(s, k), [...path, { field: k }], out, s.def ? `${goName(s.def)}.${k}` : undefined);
    } else if (Array.isArray(v) && s.shape === 'list' && this.listKind(s) === 'map') {
      const item = s.item ?? { shape: 'any' as const, ext: {} };
      v.forEach((x, i) => {
        const pe = this.elementOf(s, x, path, i);
        out.insert([...path, pe]);
        if (isObject(x)) for (const k of Object.keys(x)) this.allPaths(x[k]!, this.child(item, k), [...path, pe, { field: k }], out, item.def ? `${goName(item.def)}.${k}` : undefined);
      });
    } else if (Array.isArray(v) && s.shape === 'list' && this.listKind(s) === 'set') {
      v.forEach((x, i) => out.insert([...path, this.elementOf(s, x, path, i)]));
    }
  }

  /** namedFields adds to a set the struct fields above its paths (EnsureNamedFieldsAreMembers). */
  withNamedFields(set: FieldSet, root: FieldShape): FieldSet {
    const out = new FieldSet(set.list());
    for (const p of set.list()) {
      let s = root;
      for (let i = 0; i < p.length; i++) {
        const e = p[i]!;
        if ('field' in e) {
          if (s.shape === 'object' && s.def !== undefined) out.insert(p.slice(0, i + 1));
          s = this.child(s, e.field);
        } else s = s.item ?? { shape: 'any', ext: {} };
      }
    }
    return out;
  }

  /** remove takes the node at `path` out of a value (a list item by its key or value). */
  remove(v: JsonValue, s: FieldShape, path: FieldPath): void {
    let cur: JsonValue = v;
    let shape = s;
    for (let i = 0; i < path.length; i++) {
      const e = path[i]!;
      const last = i === path.length - 1;
      if ('field' in e) {
        if (!isObject(cur) || !(e.field in cur)) return;
        if (last) {
          delete cur[e.field];
          return;
        }
        cur = cur[e.field]!;
        shape = this.child(shape, e.field);
      } else {
        if (!Array.isArray(cur)) return;
        const list: JsonValue[] = cur;
        const want = JSON.stringify(e);
        const at = list.findIndex((x, j) => {
          try {
            return JSON.stringify(this.elementOf(shape, x, path.slice(0, i), j)) === want;
          } catch {
            return false;
          }
        });
        if (at < 0) return;
        if (last) {
          list.splice(at, 1);
          return;
        }
        cur = list[at]!;
        shape = shape.item ?? { shape: 'any', ext: {} };
      }
    }
  }
}

class KeyError extends Error {}

// ---------------------------------------------------------------- managers

interface Manager {
  entry: Omit<ManagedFieldsEntry, 'fieldsV1'>;
  set: FieldSet;
}

/** identity is upstream's manager identifier: manager, operation, apiVersion (Update only), subresource. */
function identity(e: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([e.manager, e.operation, e.operation === 'Update' ? e.apiVersion : '', e.subresource ?? '']);
}

/** printManager is a manager as the API server names it in a conflict. */
function printManager(e: Omit<ManagedFieldsEntry, 'fieldsV1'>): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s = `${s} with subresource ${JSON.stringify(e.subresource)}`;
  return e.operation === 'Update' ? `${s} using ${e.apiVersion}` : s;
}

function decodeManagers(obj: JsonObject | undefined): Map<string, Manager> {
  const out = new Map<string, Manager>();
  const meta = obj?.['metadata'];
  const list = isObject(meta) ? meta['managedFields'] : undefined;
  if (!Array.isArray(list)) return out;
  for (const raw of list) {
    if (!isObject(raw) || typeof raw['manager'] !== 'string' || (raw['operation'] !== 'Apply' && raw['operation'] !== 'Update')) continue;
    if (raw['fieldsType'] !== undefined && raw['fieldsType'] !== 'FieldsV1') continue;
    const entry: Omit<ManagedFieldsEntry, 'fieldsV1'> = {
      manager: raw['manager'],
      operation: raw['operation'],
      apiVersion: typeof raw['apiVersion'] === 'string' ? raw['apiVersion'] : '',
      fieldsType: 'FieldsV1',
      ...(typeof raw['time'] === 'string' ? { time: raw['time'] } : {}),
      ...(typeof raw['subresource'] === 'string' && raw['subresource'] !== '' ? { subresource: raw['subresource'] } : {}),
    };
    const id = identity(entry);
    const set = FieldSet.fromFieldsV1(raw['fieldsV1']);
    const prev = out.get(id);
    out.set(id, { entry, set: prev ? prev.set.union(set) : set });
  }
  return out;
}

/** rfc3339 is a time as metav1.Time writes it: seconds, `Z`. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function encodeManagers(managers: Map<string, Manager>): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const m of managers.values()) {
    const set = m.set.difference(new FieldSet(STRIPPED));
    if (set.empty) continue;
    out.push({ ...m.entry, fieldsV1: set.toFieldsV1() });
  }
  const seconds = (e: ManagedFieldsEntry): number => (e.time ? Math.floor(Date.parse(e.time) / 1000) : 0);
  // sortEncodedManagedFields: operation, time, manager, apiVersion, subresource.
  return out.sort(
    (p, q) =>
      p.operation.localeCompare(q.operation) ||
      seconds(p) - seconds(q) ||
      (p.manager < q.manager ? -1 : p.manager > q.manager ? 1 : 0) ||
      (p.apiVersion < q.apiVersion ? -1 : p.apiVersion > q.apiVersion ? 1 : 0) ||
      ((p.subresource ?? '') < (q.subresource ?? '') ? -1 : (p.subresource ?? '') > (q.subresource ?? '') ? 1 : 0),
  );
}

/** withoutTracked is the object without what nobody owns: managedFields and (main resource) status. */
function tracked(obj: JsonObject | undefined): JsonObject {
  const o = clone(obj ?? {});
  delete o['status'];
  const meta = o['metadata'];
  if (isObject(meta)) delete meta['managedFields'];
  return o;
}

function stripNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = stripNulls(x);
    return out;
  }
  return v;
}

interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
}

/** update is structured-merge-diff's Updater.update: the other managers lose what changed (conflicts, unless forced) and what was removed. */
function update(t: Typed, root: FieldShape, oldObj: JsonObject, newObj: JsonObject, managers: Map<string, Manager>, self: string, force: boolean): { comparison: Comparison; conflicts: Conflict[] } {
  const comparison: Comparison = { added: new FieldSet(), removed: new FieldSet(), modified: new FieldSet() };
  t.compare(oldObj, newObj, root, [], comparison);
  const changed = comparison.modified.union(comparison.added);
  const conflicts: Conflict[] = [];
  const lost = new Map<string, FieldSet>();
  for (const [id, m] of [...managers.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (id === self) continue;
    const c = m.set.intersection(changed);
    if (!c.empty) {
      lost.set(id, c);
      for (const p of c.list()) conflicts.push({ manager: printManager(m.entry), field: pathString(p) });
    }
  }
  if (!force && conflicts.length > 0) return { comparison, conflicts };
  for (const [id, m] of managers) {
    if (id === self) continue;
    m.set = m.set.difference(lost.get(id) ?? new FieldSet()).difference(comparison.removed);
    if (m.set.empty) managers.delete(id);
  }
  return { comparison, conflicts: [] };
}

/** conflictError is the 409 the API server answers an apply's conflicts with (fieldmanager NewConflictError). */
export function conflictError(conflicts: readonly Conflict[]): PatchError {
  const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: c.field }));
  let message: string;
  if (conflicts.length === 1) message = `Apply failed with 1 conflict: conflict with ${conflicts[0]!.manager}: ${conflicts[0]!.field}`;
  else {
    const by = new Map<string, string[]>();
    for (const c of conflicts) by.set(c.manager, [...(by.get(c.manager) ?? []), c.field]);
    const lines: string[] = [];
    for (const m of [...by.keys()].sort()) {
      lines.push(`conflicts with ${m}:`);
      for (const f of by.get(m)!) lines.push(`- ${f}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new PatchError(409, 'Conflict', message, causes);
}

function typedPatchError(applied: JsonObject, e: KeyError): PatchError {
  const meta = isObject(applied['metadata']) ? applied['metadata'] : {};
  const apiVersion = typeof applied['apiVersion'] === 'string' ? applied['apiVersion'] : '';
  const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
  const ns = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  return new PatchError(500, '', `failed to create typed patch object (${ns}/${name}; ${gv}, Kind=${typeof applied['kind'] === 'string' ? applied['kind'] : ''}): ${e.message}`);
}

function withManagedFields(obj: JsonObject, entries: ManagedFieldsEntry[]): JsonObject {
  const meta = isObject(obj['metadata']) ? obj['metadata'] : (obj['metadata'] = {});
  if (entries.length > 0) meta['managedFields'] = entries as unknown as JsonValue;
  else delete meta['managedFields'];
  return obj;
}

/**
 * serverSideApply applies a configuration as `manager` (PATCH application/apply-patch+yaml, with
 * `force` for `?force=true`). It returns the object (status and the server's metadata as they were,
 * metadata.managedFields set; the caller defaults and validates it) with its managedFields, or the
 * conflicts and the 409 to answer. A configuration whose list items lack their keys throws the
 * API server's 500.
 */
export function serverSideApply(input: ServerSideApplyInput): ServerSideApplyResult {
  const t = new Typed(input.schema ?? KUBE_TYPES);
  const root = t.schema.root(input.kind);
  if (!root) throw new PatchError(500, '', `no schema for ${input.kind}: server-side apply needs one`);
  const apiVersion = typeof input.applied['apiVersion'] === 'string' ? input.applied['apiVersion'] : '';
  const live = input.live ?? {};
  const liveTracked = tracked(live);
  const applied = tracked(input.applied);
  try {
    const managers = decodeManagers(live);
    // skipNonAppliedManager: an existing object nobody manages is first owned by before-first-apply.
    if (managers.size === 0 && Object.keys(liveTracked).length > 0 && input.live !== undefined) {
      const bfa = { manager: BEFORE_FIRST_APPLY, operation: 'Update' as const, apiVersion, fieldsType: 'FieldsV1' as const };
      const c: Comparison = { added: new FieldSet(), removed: new FieldSet(), modified: new FieldSet() };
      t.compare({}, liveTracked, root, [], c);
      const set = c.added.union(c.modified).difference(new FieldSet(STRIPPED));
      if (!set.empty) managers.set(identity(bfa), { entry: bfa, set });
    }
    const self = identity({ manager: input.manager, operation: 'Apply', apiVersion });
    const lastSet = managers.get(self)?.set ?? new FieldSet();
    const newSet = t.toFieldSet(applied, root);
    let merged = t.merge(liveTracked, applied, root, []) as JsonObject;

    const first = update(t, root, liveTracked, merged, managers, self, input.force);
    if (first.conflicts.length > 0) return { conflicts: first.conflicts, error: conflictError(first.conflicts) };
    const prevEntry = managers.get(self)?.entry;
    managers.set(self, { entry: { manager: input.manager, operation: 'Apply', apiVersion, fieldsType: 'FieldsV1', ...(prevEntry?.time ? { time: prevEntry.time } : {}) }, set: newSet });

    // prune: what the applier owned before and leaves out now goes, unless someone owns it or something below it.
    if (!lastSet.empty) {
      const owned = [...managers.values()].reduce((acc, m) => acc.union(m.set), new FieldSet());
      const candidates = t.withNamedFields(lastSet, root).list().sort((a, b) => a.length - b.length);
      for (const p of candidates) if (!owned.hasPrefixOf(p)) t.remove(merged, root, p);
      update(t, root, liveTracked, merged, managers, self, true);
    }
    merged = stripNulls(merged) as JsonObject;

    // managedFieldsUpdater: the applier's time is now when the object changed (a no-op keeps the old one).
    if (!deepEqual(liveTracked, merged)) managers.get(self)!.entry.time = rfc3339(input.now);
    const managedFields = encodeManagers(managers);
    // status and the server's metadata stay as the live object has them.
    const object = merged;
    if (isObject(live['status'])) object['status'] = clone(live['status']);
    return { object: withManagedFields(object, managedFields), managedFields };
  } catch (e) {
    if (e instanceof KeyError) throw typedPatchError(input.applied, e);
    throw e;
  }
}

/** UpdateManagedFieldsInput is one ordinary write (create, update, patch) by `manager`. */
export interface UpdateManagedFieldsInput {
  /** old is the object before the write (undefined for a create). */
  old: JsonObject | undefined;
  /** new is the object written (its managedFields are ignored: the old object's are the record). */
  new: JsonObject;
  manager: string;
  kind: string;
  now: Date;
  subresource?: string;
  schema?: TypeSchema;
}

/**
 * updateManagedFields is the managedFields after an ordinary write: the manager's Update entry (for
 * the object's apiVersion) owns what it added or changed, taken from the other managers; what it
 * removed leaves every manager. Returns the entries to store in metadata.managedFields.
 */
export function updateManagedFields(input: UpdateManagedFieldsInput): ManagedFieldsEntry[] {
  const t = new Typed(input.schema ?? KUBE_TYPES);
  const root = t.schema.root(input.kind);
  if (!root) return [];
  const apiVersion = typeof input.new['apiVersion'] === 'string' ? input.new['apiVersion'] : '';
  const oldTracked = tracked(input.old);
  const newTracked = tracked(input.new);
  const managers = decodeManagers(input.old);
  const me = { manager: input.manager, operation: 'Update' as const, apiVersion, fieldsType: 'FieldsV1' as const, ...(input.subresource ? { subresource: input.subresource } : {}) };
  const self = identity(me);
  try {
    const { comparison } = update(t, root, oldTracked, newTracked, managers, self, true);
    const before = managers.get(self)?.set ?? new FieldSet();
    const set = before.difference(comparison.removed).union(comparison.modified).union(comparison.added);
    const prev = managers.get(self)?.entry;
    const changed = !set.difference(before).empty || !before.difference(set).empty;
    managers.set(self, { entry: { ...me, ...(changed ? { time: rfc3339(input.now) } : prev?.time ? { time: prev.time } : {}) }, set });
  } catch (e) {
    if (e instanceof KeyError) return encodeManagers(managers);
    throw e;
  }
  return encodeManagers(managers);
}
