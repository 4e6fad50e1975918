/**
 * The Deployment controller's arithmetic and bookkeeping, as upstream's
 * pkg/controller/deployment/util/deployment_util.go has it: annotations, revisions, the rolling
 * update's fenceposts (maxSurge rounded up, maxUnavailable down), proportions for a scaled
 * rollout, conditions, the finding of the new ReplicaSet (EqualIgnoreHash). Pure.
 */
import type { KubeObject, StoredObject } from '../../domain/objects';
import { canonicalJson } from '../../domain/canonical-json';
import type { LabelSelector } from '../label-selector';
import { timeOf } from '../meta-time';
import { replicasOf, rsStatusOf, specOf, type Condition, type PodTemplate, type ReplicaSetSpec } from '../replicaset/workload-types';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** DEPRECATED_ROLLBACK_TO is extensions/v1beta1's rollback annotation, never copied. */
export const DEPRECATED_ROLLBACK_TO = 'deprecated.deployment.rollback.to';
/** POD_TEMPLATE_HASH is apps/v1 DefaultDeploymentUniqueLabelKey. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';
/** MAX_REV_HISTORY_CHARS is sync.go's maxRevHistoryLengthInChars. */
export const MAX_REV_HISTORY_CHARS = 2000;
/** MAX_INT32: progressDeadlineSeconds or revisionHistoryLimit set to it means "none". */
export const MAX_INT32 = 2147483647;

// Reasons of the Deployment's conditions (deployment_util.go).
export const REPLICASET_UPDATED = 'ReplicaSetUpdated';
export const NEW_REPLICASET_CREATED = 'NewReplicaSetCreated';
export const FOUND_NEW_REPLICASET = 'FoundNewReplicaSet';
export const NEW_REPLICASET_AVAILABLE = 'NewReplicaSetAvailable';
export const PROGRESS_DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded';
export const DEPLOYMENT_PAUSED = 'DeploymentPaused';
export const DEPLOYMENT_RESUMED = 'DeploymentResumed';
export const MINIMUM_REPLICAS_AVAILABLE = 'MinimumReplicasAvailable';
export const MINIMUM_REPLICAS_UNAVAILABLE = 'MinimumReplicasUnavailable';

/** ANNOTATIONS_TO_SKIP are the annotations never copied between a Deployment and its ReplicaSets. */
export const ANNOTATIONS_TO_SKIP: ReadonlySet<string> = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  DEPRECATED_ROLLBACK_TO,
]);

/** IntOrString is intstr.IntOrString: 2 or '25%'. */
export type IntOrString = number | string;

/** DeploymentSpec is apps/v1 DeploymentSpec as stored. */
export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplate;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
}

/** DeploymentStatus is apps/v1 DeploymentStatus (zero counts left out, as Go's omitempty). */
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
  collisionCount?: number;
}

/** Deployment is a stored Deployment with its spec read through the API server's defaults. */
export interface Deployment {
  object: StoredObject;
  name: string;
  namespace: string;
  uid: string;
  generation: number;
  replicas: number;
  selector: LabelSelector | undefined;
  template: PodTemplate;
  /** RollingUpdate or Recreate. */
  strategy: string;
  maxSurge: IntOrString;
  maxUnavailable: IntOrString;
  minReadySeconds: number;
  /** undefined: keep every old ReplicaSet. */
  revisionHistoryLimit: number | undefined;
  paused: boolean;
  /** undefined: no deadline. */
  progressDeadlineSeconds: number | undefined;
  annotations: Record<string, string>;
}

/** readDeployment applies apps/v1's defaults (replicas 1, RollingUpdate 25%/25%, history 10, deadline 600). */
export function readDeployment(o: StoredObject): Deployment {
  const spec = specOf<DeploymentSpec>(o);
  const strategy = spec.strategy?.type ?? 'RollingUpdate';
  const ru = spec.strategy?.rollingUpdate;
  const history = spec.revisionHistoryLimit ?? 10;
  const deadline = spec.progressDeadlineSeconds ?? 600;
  return {
    object: o,
    name: o.metadata.name,
    namespace: o.metadata.namespace ?? 'default',
    uid: o.metadata.uid,
    generation: o.metadata.generation,
    replicas: replicasOf(spec),
    selector: spec.selector,
    template: spec.template ?? {},
    strategy,
    maxSurge: strategy === 'RollingUpdate' ? (ru?.maxSurge ?? '25%') : 0,
    maxUnavailable: strategy === 'RollingUpdate' ? (ru?.maxUnavailable ?? '25%') : 0,
    minReadySeconds: spec.minReadySeconds ?? 0,
    revisionHistoryLimit: history === MAX_INT32 ? undefined : history,
    paused: spec.paused === true,
    progressDeadlineSeconds: deadline === MAX_INT32 ? undefined : deadline,
    annotations: { ...(o.metadata.annotations ?? {}) },
  };
}

/** valueFromIntOrPercent is intstr.GetScaledValueFromIntOrPercent: a number, or a percentage of total rounded up or down. */
export function valueFromIntOrPercent(v: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v.trim());
  if (m === null) return /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : 0;
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * resolveFenceposts is ResolveFenceposts: maxSurge rounded up, maxUnavailable down; when both come
 * to 0 (a small percentage of few replicas), maxUnavailable is 1.
 */
export function resolveFenceposts(maxSurge: IntOrString, maxUnavailable: IntOrString, desired: number): { surge: number; unavailable: number } {
  const surge = valueFromIntOrPercent(maxSurge, desired, true);
  let unavailable = valueFromIntOrPercent(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** maxUnavailable is MaxUnavailable: 0 but for a rolling update of some replicas, and never above replicas. */
export function maxUnavailable(d: Deployment): number {
  if (d.strategy !== 'RollingUpdate' || d.replicas === 0) return 0;
  return Math.min(resolveFenceposts(d.maxSurge, d.maxUnavailable, d.replicas).unavailable, d.replicas);
}

/** maxSurge is MaxSurge: 0 but for a rolling update. */
export function maxSurge(d: Deployment): number {
  if (d.strategy !== 'RollingUpdate') return 0;
  return resolveFenceposts(d.maxSurge, d.maxUnavailable, d.replicas).surge;
}

/** rsReplicas is a ReplicaSet's spec.replicas (default 1). */
export function rsReplicas(rs: KubeObject): number {
  return replicasOf(specOf<ReplicaSetSpec>(rs));
}

/** sumReplicas is GetReplicaCountForReplicaSets: the sum of spec.replicas. */
export function sumReplicas(rss: readonly KubeObject[]): number {
  return rss.reduce((n, rs) => n + rsReplicas(rs), 0);
}

/** sumStatus sums a status count over ReplicaSets (GetActualReplicaCountForReplicaSets and its kin). */
export function sumStatus(rss: readonly KubeObject[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return rss.reduce((n, rs) => n + rsStatusOf(rs)[field], 0);
}

/** revisionOf is Revision: the revision annotation as a number, 0 when absent, undefined when unreadable. */
export function revisionOf(o: KubeObject): number | undefined {
  const v = o.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  return /^\d+$/.test(v) ? Number(v) : undefined;
}

/** maxRevision is MaxRevision over the ReplicaSets (unreadable revisions skipped). */
export function maxRevision(rss: readonly KubeObject[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs) ?? 0), 0);
}

/** withoutHash is a template without the pod-template-hash label. */
export function withoutHash(t: PodTemplate | undefined): PodTemplate {
  const copy: PodTemplate = structuredClone(t ?? {});
  if (copy.metadata?.labels !== undefined) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH];
  }
  return copy;
}

/** MAP_FIELDS are Go map fields of a pod template, where nil and empty are the same to Semantic.DeepEqual. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'nodeSelector', 'limits', 'requests', 'matchLabels', 'data']);

/**
 * STRUCT_FIELDS are non-pointer struct fields of a pod template: `{}` is their zero value, as is
 * leaving them out (kubectl rollout undo sends a template with `resources: {}`).
 */
const STRUCT_FIELDS = new Set(['resources']);

/**
 * semanticForm drops what Semantic.DeepEqual does not tell apart: empty lists and empty maps, null
 * (a nil pointer, or a zero struct such as `creationTimestamp: null`) and empty non-pointer structs.
 */
function semanticForm(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(semanticForm);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === undefined || x === null) continue;
    if (Array.isArray(x) && x.length === 0) continue;
    if ((MAP_FIELDS.has(k) || STRUCT_FIELDS.has(k)) && x !== null && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 0) continue;
    out[k] = semanticForm(x);
  }
  return out;
}

/** equalIgnoreHash is EqualIgnoreHash: the templates are semantically equal once pod-template-hash is dropped. */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return canonicalJson(semanticForm(withoutHash(a))) === canonicalJson(semanticForm(withoutHash(b)));
}

/** creationOrder is ReplicaSetsByCreationTimestamp: older first, ties by name. */
export function creationOrder(a: KubeObject, b: KubeObject): number {
  const ta = timeOf(a.metadata.creationTimestamp)?.getTime() ?? Number.MAX_SAFE_INTEGER;
  const tb = timeOf(b.metadata.creationTimestamp)?.getTime() ?? Number.MAX_SAFE_INTEGER;
  return ta !== tb ? ta - tb : a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** findNewReplicaSet is FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's, ignoring the hash. */
export function findNewReplicaSet<T extends KubeObject>(d: Deployment, rss: readonly T[]): T | undefined {
  return [...rss].sort(creationOrder).find((rs) => equalIgnoreHash(specOf<ReplicaSetSpec>(rs).template, d.template));
}

/** setReplicasAnnotations is SetReplicasAnnotations: desired-replicas and max-replicas; true when they changed. */
export function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    a[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

/** replicasAnnotationsNeedUpdate is ReplicasAnnotationsNeedUpdate. */
export function replicasAnnotationsNeedUpdate(rs: KubeObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations;
  return a === undefined || a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/**
 * setNewReplicaSetAnnotations is SetNewReplicaSetAnnotations: the Deployment's annotations copied
 * (but the skipped ones), the revision raised to newRevision (the old one kept in revision-history
 * when this is a rollback to it), and, for a ReplicaSet being made, the replicas annotations.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: KubeObject, newRevision: number, exists: boolean): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.annotations)) {
    if (ANNOTATIONS_TO_SKIP.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const had = a[REVISION_ANNOTATION];
  if (had !== undefined && !/^\d+$/.test(had)) return changed;
  const old = had === undefined ? 0 : Number(had);
  if (old < newRevision) {
    a[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (had !== undefined) {
      const history = a[REVISION_HISTORY_ANNOTATION] ?? '';
      if (history === '') a[REVISION_HISTORY_ANNOTATION] = had;
      else {
        const parts = history.split(',');
        let total = history.length + had.length + 1;
        let start = 0;
        while (total > MAX_REV_HISTORY_CHARS && start < parts.length) total -= (parts[start++] ?? '').length + 1;
        if (total <= MAX_REV_HISTORY_CHARS) a[REVISION_HISTORY_ANNOTATION] = [...parts.slice(start), had].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, d.replicas, d.replicas + maxSurge(d))) changed = true;
  return changed;
}

/** desiredReplicasAnnotation is GetDesiredReplicasAnnotation. */
export function desiredReplicasAnnotation(rs: KubeObject): number | undefined {
  const v = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** isSaturated is IsSaturated: the new ReplicaSet has all the Deployment's replicas, believes so, and all are available. */
export function isSaturated(d: Deployment, rs: KubeObject | undefined): boolean {
  if (rs === undefined) return false;
  const desired = desiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  return rsReplicas(rs) === d.replicas && desired === d.replicas && rsStatusOf(rs).availableReplicas === d.replicas;
}

/**
 * getProportion is GetProportion: how many of the replicas to add (or remove, negative) this
 * ReplicaSet takes, by its share of the max-replicas annotation, bounded by what is left.
 */
export function getProportion(rs: KubeObject, d: Deployment, statusReplicas: number, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d, statusReplicas);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** replicaSetFraction is getReplicaSetFraction (Go's math.Round: halves away from zero). */
function replicaSetFraction(rs: KubeObject, d: Deployment, statusReplicas: number): number {
  if (d.replicas === 0) return -rsReplicas(rs);
  const deploymentReplicas = d.replicas + maxSurge(d);
  const annotated = rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION];
  const annotatedReplicas = annotated !== undefined && /^-?\d+$/.test(annotated) ? Number(annotated) : statusReplicas;
  if (annotatedReplicas === 0) return 0;
  const size = (rsReplicas(rs) * deploymentReplicas) / annotatedReplicas;
  return Math.sign(size) * Math.round(Math.abs(size)) - rsReplicas(rs);
}

/** newRSNewReplicas is NewRSNewReplicas: how far the new ReplicaSet may grow now. */
export function newRSNewReplicas(d: Deployment, all: readonly KubeObject[], newRS: KubeObject): number {
  if (d.strategy === 'Recreate') return d.replicas;
  const surge = valueFromIntOrPercent(d.maxSurge, d.replicas, true);
  const current = sumReplicas(all);
  const maxTotal = d.replicas + surge;
  if (current >= maxTotal) return rsReplicas(newRS);
  const up = Math.min(maxTotal - current, d.replicas - rsReplicas(newRS));
  return rsReplicas(newRS) + up;
}

/** getCondition is GetDeploymentCondition. */
export function getCondition(status: DeploymentStatus, type: string): Condition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

/** newCondition is NewDeploymentCondition, dated `now`. */
export function newCondition(type: string, status: string, reason: string, message: string, now: string): Condition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/**
 * setCondition is SetDeploymentCondition: nothing when status and reason are the same; the
 * transition time kept when only the reason changes; the condition moved to the end.
 */
export function setCondition(status: DeploymentStatus, c: Condition): void {
  const cur = getCondition(status, c.type);
  if (cur !== undefined && cur.status === c.status && cur.reason === c.reason) return;
  const next = { ...c };
  if (cur !== undefined && cur.status === c.status && cur.lastTransitionTime !== undefined) next.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== c.type), next];
}

/** removeCondition is RemoveDeploymentCondition. */
export function removeCondition(status: DeploymentStatus, type: string): void {
  const rest = (status.conditions ?? []).filter((x) => x.type !== type);
  if (rest.length > 0) status.conditions = rest;
  else delete status.conditions;
}

/** deploymentComplete is DeploymentComplete: every replica updated and available, no old ones, the spec observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  return (s.updatedReplicas ?? 0) === d.replicas && (s.replicas ?? 0) === d.replicas && (s.availableReplicas ?? 0) === d.replicas && (s.observedGeneration ?? 0) >= d.generation;
}

/** deploymentProgressing is DeploymentProgressing: more updated, fewer old, more ready or more available than before. */
export function deploymentProgressing(old: DeploymentStatus, s: DeploymentStatus): boolean {
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** deploymentTimedOut is DeploymentTimedOut: the Progressing condition was last updated longer than the deadline ago. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: Date): boolean {
  if (d.progressDeadlineSeconds === undefined) return false;
  const c = getCondition(s, 'Progressing');
  if (c === undefined) return false;
  if (c.reason === NEW_REPLICASET_AVAILABLE) return false;
  if (c.reason === PROGRESS_DEADLINE_EXCEEDED) return true;
  const from = timeOf(c.lastUpdateTime);
  if (from === undefined) return false;
  return from.getTime() + d.progressDeadlineSeconds * 1000 < now.getTime();
}

/** replicasOfDeployment is a stored Deployment's spec.replicas (default 1). */
export function replicasOfDeployment(o: KubeObject): number {
  return replicasOf(specOf<DeploymentSpec>(o));
}
