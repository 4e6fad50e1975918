/**
 * The parts of a Deployment sync every strategy shares (upstream pkg/controller/deployment/sync.go
 * and deployment_controller.go): claiming ReplicaSets, finding or making the new one, scaling
 * (proportionally during a rollout), cleaning up old ones beyond revisionHistoryLimit, and the
 * status. Pure, over a Pass.
 */
import type { KubeObject } from '../../domain/objects';
import { templateHash } from '../names';
import { controllerOf, controllerRef } from '../pod-status';
import { selectorMatches, selectorWithLabel } from '../label-selector';
import { rsStatusOf, specOf, type ReplicaSetSpec } from '../replicaset/workload-types';
import {
  creationOrder,
  desiredReplicasAnnotation,
  equalIgnoreHash,
  findNewReplicaSet,
  FOUND_NEW_REPLICASET,
  getCondition,
  getProportion,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  MINIMUM_REPLICAS_AVAILABLE,
  MINIMUM_REPLICAS_UNAVAILABLE,
  NEW_REPLICASET_CREATED,
  newCondition,
  newRSNewReplicas,
  POD_TEMPLATE_HASH,
  revisionOf,
  REVISION_ANNOTATION,
  rsReplicas,
  setCondition,
  setNewReplicaSetAnnotations,
  sumReplicas,
  sumStatus,
  type DeploymentStatus,
} from './deployment-util';
import type { Pass } from './pass';

/** isActive is FilterActiveReplicaSets' test: spec.replicas above 0. */
export const isActive = (rs: KubeObject): boolean => rsReplicas(rs) > 0;

/**
 * claimReplicaSets is ClaimReplicaSets: the ReplicaSets the Deployment controls and whose labels
 * its selector matches; orphans it matches are adopted (a controller reference added), owned ones
 * it no longer matches released (the reference removed).
 */
export function claimReplicaSets(p: Pass, objects: readonly KubeObject[]): void {
  const beingDeleted = p.d.object.metadata['deletionTimestamp'] !== undefined;
  for (const stored of [...objects].filter((o) => o.kind === 'ReplicaSet').sort(creationOrder)) {
    const ref = controllerOf(stored as never);
    const matches = selectorMatches(p.d.selector, stored.metadata.labels);
    if (ref?.uid === p.d.uid) {
      if (matches) p.owned.set(stored.metadata.name, { rs: structuredClone(stored), dirty: false, created: false });
      else {
        const rs = structuredClone(stored);
        rs.metadata.ownerReferences = ((rs.metadata.ownerReferences ?? []) as { uid?: string }[]).filter((r) => r.uid !== p.d.uid);
        p.others.push({ rs, dirty: true, created: false });
      }
    } else if (ref === undefined && matches && !beingDeleted && stored.metadata['deletionTimestamp'] === undefined) {
      const rs = structuredClone(stored);
      rs.metadata.ownerReferences = [...((rs.metadata.ownerReferences ?? []) as unknown[]), controllerRef(p.d.object)];
      p.owned.set(stored.metadata.name, { rs, dirty: true, created: false });
    }
  }
}

/** NewAndOld is the new ReplicaSet (if any) and every old one. */
export interface NewAndOld {
  newRS: KubeObject | undefined;
  oldRSs: KubeObject[];
  /** Set when making the new ReplicaSet hit a name taken by another template: collisionCount was raised, the sync stops. */
  collided?: true;
}

/** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (made when asked and missing) and the old ones. */
export function getAllReplicaSetsAndSyncRevision(p: Pass, createIfNotExisted: boolean): NewAndOld {
  const all = p.replicaSets();
  const existing = findNewReplicaSet(p.d, all);
  const oldRSs = all.filter((rs) => rs !== existing);
  const got = getNewReplicaSet(p, existing, oldRSs, createIfNotExisted);
  if (got === 'collision') return { newRS: undefined, oldRSs, collided: true };
  return { newRS: got, oldRSs };
}

/**
 * getNewReplicaSet is getNewReplicaSet: the existing new ReplicaSet with its annotations and
 * minReadySeconds brought up to date (and the Deployment's revision from it), or a new one named
 * `<deployment>-<pod-template-hash>` at revision max(old)+1, sized by NewRSNewReplicas.
 */
function getNewReplicaSet(p: Pass, existing: KubeObject | undefined, oldRSs: KubeObject[], create: boolean): KubeObject | undefined | 'collision' {
  const d = p.d;
  const newRevision = maxRevision(oldRSs) + 1;
  if (existing !== undefined) {
    const annotationsUpdated = setNewReplicaSetAnnotations(d, existing, newRevision, true);
    const spec = specOf<ReplicaSetSpec>(existing);
    if (annotationsUpdated || (spec.minReadySeconds ?? 0) !== d.minReadySeconds) {
      existing.spec = { ...spec, minReadySeconds: d.minReadySeconds };
      p.touch(existing);
      return existing;
    }
    p.setDeploymentRevision(existing.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
    if (d.progressDeadlineSeconds !== undefined && getCondition(p.status, 'Progressing') === undefined) {
      setCondition(p.status, newCondition('Progressing', 'True', FOUND_NEW_REPLICASET, `Found new replica set "${existing.metadata.name}"`, p.now));
    }
    return existing;
  }
  if (!create) return undefined;

  const template = structuredClone(d.template);
  const hash = templateHash(template, p.status.collisionCount);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
  const name = `${d.name}-${hash}`;
  const newRS: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: d.namespace, labels: { ...(template.metadata.labels ?? {}) }, ownerReferences: [controllerRef(d.object)] },
    spec: { replicas: 0, minReadySeconds: d.minReadySeconds, selector: selectorWithLabel(d.selector, POD_TEMPLATE_HASH, hash), template },
  };
  const count = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec = { ...(newRS.spec as ReplicaSetSpec), replicas: count };
  setNewReplicaSetAnnotations(d, newRS, newRevision, false);

  // The name is taken: by this Deployment's own new ReplicaSet (a stale read upstream; here one we did not claim), or a hash collision.
  const taken = p.input.objects.find((o) => o.kind === 'ReplicaSet' && o.metadata.name === name);
  if (taken !== undefined) {
    if (controllerOf(taken as never)?.uid === d.uid && equalIgnoreHash(d.template, specOf<ReplicaSetSpec>(taken).template)) return taken;
    p.status.collisionCount = (p.status.collisionCount ?? 0) + 1;
    return 'collision';
  }
  p.owned.set(name, { rs: newRS, dirty: true, created: true });
  if (count > 0) p.event('Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${count}`);
  p.setDeploymentRevision(String(newRevision));
  if (d.progressDeadlineSeconds !== undefined) {
    setCondition(p.status, newCondition('Progressing', 'True', NEW_REPLICASET_CREATED, `Created new replica set "${name}"`, p.now));
  }
  return newRS;
}

/** findActiveOrLatest is FindActiveOrLatest: the only active ReplicaSet, the newest when none is, undefined when several are. */
function findActiveOrLatest(newRS: KubeObject | undefined, oldRSs: readonly KubeObject[]): KubeObject | undefined {
  if (newRS === undefined && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => creationOrder(b, a));
  const active = [...newestFirst, ...(newRS ? [newRS] : [])].filter(isActive);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/**
 * scale is scale: one active ReplicaSet takes the Deployment's replicas; a saturated new one
 * scales the old to 0; otherwise (a rolling update scaled mid-rollout) the difference is spread
 * over the active ReplicaSets in proportion, the leftover to the largest.
 */
export function scale(p: Pass, newRS: KubeObject | undefined, oldRSs: KubeObject[]): void {
  const d = p.d;
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only !== undefined) {
    if (rsReplicas(only) !== d.replicas) p.scaleAndRecord(only, d.replicas);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of oldRSs.filter(isActive)) p.scaleAndRecord(old, 0);
    return;
  }
  if (d.strategy !== 'RollingUpdate') return;
  const all = [...oldRSs, ...(newRS ? [newRS] : [])].filter(isActive);
  const allowed = d.replicas > 0 ? d.replicas + maxSurge(d) : 0;
  const toAdd = allowed - sumReplicas(all);
  let operation = '';
  if (toAdd > 0) {
    // ReplicaSetsBySizeNewer: larger first, newer first among equals.
    all.sort((a, b) => rsReplicas(b) - rsReplicas(a) || creationOrder(b, a));
    operation = 'up';
  } else if (toAdd < 0) {
    // ReplicaSetsBySizeOlder: larger first, older first among equals.
    all.sort((a, b) => rsReplicas(b) - rsReplicas(a) || creationOrder(a, b));
    operation = 'down';
  }
  const statusReplicas = (d.object.status as DeploymentStatus | undefined)?.replicas ?? 0;
  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return rsReplicas(rs);
    const proportion = getProportion(rs, d, statusReplicas, toAdd, added);
    added += proportion;
    return rsReplicas(rs) + proportion;
  });
  all.forEach((rs, i) => {
    let size = sizes[i] ?? 0;
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    p.scaleReplicaSet(rs, size, operation);
  });
}

/** isScalingEvent is isScalingEvent: an active ReplicaSet's desired-replicas annotation differs from the Deployment's replicas. */
export function isScalingEvent(p: Pass): boolean {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(p, false);
  return [...oldRSs, ...(newRS ? [newRS] : [])].filter(isActive).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== p.d.replicas;
  });
}

/** byRevision is ReplicaSetsByRevision: lower revision first, creation order when unreadable or equal. */
function byRevision(a: KubeObject, b: KubeObject): number {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  if (ra === undefined || rb === undefined || ra === rb) return creationOrder(a, b);
  return ra - rb;
}

/**
 * cleanupDeployment is cleanupDeployment: the old ReplicaSets beyond revisionHistoryLimit removed,
 * lowest revision first, only those at 0 replicas whose controller has seen that.
 */
export function cleanupDeployment(p: Pass, oldRSs: readonly KubeObject[]): void {
  const limit = p.d.revisionHistoryLimit;
  if (limit === undefined) return;
  const cleanable = oldRSs.filter((rs) => rs.metadata['deletionTimestamp'] === undefined).sort(byRevision);
  const diff = cleanable.length - limit;
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i];
    if (rs === undefined) break;
    const st = rsStatusOf(rs);
    if (st.replicas !== 0 || rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > st.observedGeneration) continue;
    p.remove.push({ kind: 'ReplicaSet.apps', namespace: p.d.namespace, name: rs.metadata.name });
    p.owned.delete(rs.metadata.name);
  }
}

/**
 * calculateStatus is calculateStatus: the counts summed over the ReplicaSets' statuses, updated
 * from the new one's, and the Available condition (`Deployment has minimum availability.`).
 */
export function calculateStatus(p: Pass, all: readonly KubeObject[], newRS: KubeObject | undefined): DeploymentStatus {
  const d = p.d;
  const available = sumStatus(all, 'availableReplicas');
  const unavailable = Math.max(0, sumReplicas(all) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.generation,
    replicas: sumStatus(all, 'replicas'),
    updatedReplicas: newRS ? rsStatusOf(newRS).replicas : 0,
    readyReplicas: sumStatus(all, 'readyReplicas'),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    ...(p.status.conditions ? { conditions: p.status.conditions.map((c) => ({ ...c })) } : {}),
    ...(p.status.collisionCount !== undefined ? { collisionCount: p.status.collisionCount } : {}),
  };
  if (available >= d.replicas - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', MINIMUM_REPLICAS_AVAILABLE, 'Deployment has minimum availability.', p.now));
  } else {
    setCondition(status, newCondition('Available', 'False', MINIMUM_REPLICAS_UNAVAILABLE, 'Deployment does not have minimum availability.', p.now));
  }
  return status;
}

/** syncDeploymentStatus: the status recalculated (no progress estimate), for scaling and paused syncs. */
export function syncDeploymentStatus(p: Pass, all: readonly KubeObject[], newRS: KubeObject | undefined): void {
  p.status = calculateStatus(p, all, newRS);
}

/** sync is sync: a scaling event or a paused Deployment; no rollout. */
export function sync(p: Pass): void {
  const got = getAllReplicaSetsAndSyncRevision(p, false);
  if (got.collided) return;
  scale(p, got.newRS, got.oldRSs);
  if (p.d.paused) cleanupDeployment(p, got.oldRSs);
  syncDeploymentStatus(p, allOf(p, got), got.newRS);
}

/** allOf is the ReplicaSets the status is summed over: the old ones still known, and the new one. */
export function allOf(p: Pass, got: NewAndOld): KubeObject[] {
  const olds = got.oldRSs.filter((rs) => p.entryOf(rs) !== undefined);
  return [...olds, ...(got.newRS ? [got.newRS] : [])];
}
