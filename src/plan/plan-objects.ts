/**
 * planObjects and planObjectDeletes: the plan stage for kinds kept in the store only (a
 * Namespace): desired objects × stored objects → one action each, `create` (not stored),
 * `configure` (stored, something the user sets differs), `unchanged`; and `delete` for the ones
 * asked to go. Pure: no store, no engine, no clock.
 */
import { objectKeyOf, type KubeObject, type ObjectKey, type StoredObject } from '../domain/objects';
import { canonicalJson } from '../domain/canonical-json';
import { LABEL_LAST_APPLIED } from '../domain/labels';
import type { Action, Conflict } from './plan';

/** DesiredObject is one object to store: how it is named in output and its store key. */
export interface DesiredObject {
  /** `namespace/shop`. */
  ref: string;
  key: ObjectKey;
  object: KubeObject;
}

/**
 * userView is what apply compares: every field but status and the metadata the store stamps
 * (uid, resourceVersion, generation, creationTimestamp, managedFields).
 */
function userView(o: KubeObject): string {
  const { status: _status, metadata, ...rest } = o;
  const { uid: _u, resourceVersion: _r, generation: _g, creationTimestamp: _c, managedFields: _m, ...meta } = metadata;
  return canonicalJson({ ...rest, metadata: meta });
}

/** appliedOf is the manifest an object's last-applied annotation holds, when it holds one. */
function appliedOf(o: KubeObject): { metadata?: { annotations?: Record<string, string> }; spec?: Record<string, unknown> } | undefined {
  const text = o.metadata.annotations?.[LABEL_LAST_APPLIED];
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * sameApplied is kubectl apply's "unchanged": the manifest applied now is the one applied last
 * (its last-applied annotation), so the patch is empty, whatever others changed since (a
 * controller's annotations, `kubeplay scale`'s replicas).
 */
function sameApplied(current: KubeObject, next: KubeObject): boolean {
  const a = current.metadata.annotations?.[LABEL_LAST_APPLIED];
  return a !== undefined && a === next.metadata.annotations?.[LABEL_LAST_APPLIED];
}

/**
 * keepingLiveFields is the part of kubectl's three-way merge that matters here: what others set on
 * the live object and the user never wrote survives a changed apply. Annotations the previous
 * manifest did not hold (a controller's `deployment.kubernetes.io/revision`) are kept, and so is
 * spec.replicas when the manifest does not set it (a `kubeplay scale` stays, as on a cluster).
 */
function keepingLiveFields(current: KubeObject, next: KubeObject): KubeObject {
  const before = appliedOf(current);
  const now = appliedOf(next);
  const written = new Set(Object.keys(before?.metadata?.annotations ?? {}));
  const kept = Object.fromEntries(Object.entries(current.metadata.annotations ?? {}).filter(([k]) => !written.has(k) && k !== LABEL_LAST_APPLIED));
  const annotations = { ...kept, ...(next.metadata.annotations ?? {}) };
  let out: KubeObject = Object.keys(annotations).length > 0 ? { ...next, metadata: { ...next.metadata, annotations } } : next;
  const liveReplicas = (current.spec as { replicas?: unknown } | undefined)?.replicas;
  if (now !== undefined && now.spec?.['replicas'] === undefined && liveReplicas !== undefined && typeof next.spec === 'object' && next.spec !== null) {
    out = { ...out, spec: { ...(next.spec), replicas: liveReplicas } };
  }
  return out;
}

/**
 * planObjects plans apply for store-only objects; `stored` are the objects of those kinds the store holds.
 * With `replace` (the API server's create, update and patch), the object is written as given: no
 * kubectl apply shortcuts (an unchanged last-applied annotation, live annotations and replicas kept).
 */
export function planObjects(desired: readonly DesiredObject[], stored: readonly StoredObject[], how: { replace?: boolean } = {}): Action[] {
  const byKey = new Map(stored.map((o) => [keyText(objectKeyOf(o)), o]));
  return desired.map((d): Action => {
    const current = byKey.get(keyText(d.key));
    const base = { ref: d.ref, name: d.key.name, needsImages: [], rollback: [] };
    if (current === undefined) return { ...base, kind: 'create', cause: 'not in the store', steps: [{ op: 'putObject', object: d.object }] };
    if (userView(current) === userView(d.object) || (how.replace !== true && sameApplied(current, d.object))) return { ...base, kind: 'unchanged', cause: `as stored (resourceVersion ${current.metadata.resourceVersion})`, steps: [] };
    return { ...base, kind: 'configure', cause: `changed since resourceVersion ${current.metadata.resourceVersion}`, steps: [{ op: 'putObject', object: how.replace === true ? d.object : keepingLiveFields(current, d.object) }] };
  });
}

/** UpdateProblems says what forbids updating a stored object to `next`, in the API server's words (a kind's KindModule.updateProblems); [] when allowed. */
export type UpdateProblems = (stored: StoredObject, next: KubeObject) => string[];

/**
 * objectUpdateConflicts lists the updates the API server would refuse (an immutable ConfigMap's
 * data changed, a Secret's type), one conflict per object, so apply stops before any change.
 * `problemsOf` finds a kind's rule by its name (`ConfigMap`); a kind without one allows any update.
 */
export function objectUpdateConflicts(desired: readonly DesiredObject[], stored: readonly StoredObject[], problemsOf: (kind: string) => UpdateProblems | undefined): Conflict[] {
  const byKey = new Map(stored.map((o) => [keyText(objectKeyOf(o)), o]));
  const out: Conflict[] = [];
  for (const d of desired) {
    const current = byKey.get(keyText(d.key));
    const problems = current ? problemsOf(d.object.kind)?.(current, d.object) ?? [] : [];
    for (const message of problems) out.push({ ref: d.ref, message });
  }
  return out;
}

/** ObjectPrune is --prune for store-only objects: the kinds that may be pruned, the selector, the namespaces the input visits. */
export interface ObjectPrune {
  /** The prunable kinds (group-qualified) and how output names them (`ConfigMap` → `configmap`). */
  kinds: ReadonlyMap<string, string>;
  matches: (labels: Record<string, string>) => boolean;
  selector: string;
  /** kubectl prunes in the namespaces the applied objects are in; '' stands for cluster-scoped objects. */
  namespaces: ReadonlySet<string>;
}

/**
 * planObjectPrunes plans kubectl's prune for store-only objects: a stored object of a prunable
 * kind, in a namespace the input visits, that apply made (it has the last-applied annotation),
 * whose labels match the selector and which is not in the input, is removed (`configmap/x pruned`).
 */
export function planObjectPrunes(desired: readonly DesiredObject[], stored: readonly StoredObject[], prune: ObjectPrune): Action[] {
  const wanted = new Set(desired.map((d) => keyText(d.key)));
  const out: Action[] = [];
  for (const o of stored) {
    const key = objectKeyOf(o);
    const word = prune.kinds.get(key.kind);
    if (word === undefined || wanted.has(keyText(key)) || !prune.namespaces.has(key.namespace)) continue;
    if (o.metadata.annotations?.[LABEL_LAST_APPLIED] === undefined || !prune.matches(o.metadata.labels ?? {})) continue;
    out.push({
      kind: 'prune',
      ref: `${word}/${key.name}`,
      name: key.name,
      cause: `applied before, matches -l ${prune.selector}, not in the input`,
      needsImages: [],
      steps: [{ op: 'removeObject', key }],
      rollback: [],
    });
  }
  return out;
}

/** objectDeleteAction removes one stored object. */
export function objectDeleteAction(ref: string, key: ObjectKey, cause: string): Action {
  return { kind: 'delete', ref, name: key.name, cause, needsImages: [], steps: [{ op: 'removeObject', key }], rollback: [] };
}

/** keyText is a key as one string, for maps. */
export function keyText(k: ObjectKey): string {
  return `${k.kind}/${k.namespace}/${k.name}`;
}
