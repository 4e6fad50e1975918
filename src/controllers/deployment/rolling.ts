/**
 * A RollingUpdate rollout, one pass (upstream pkg/controller/deployment/rolling.go): scale the new
 * ReplicaSet up as far as maxSurge allows, else scale old ones down as far as maxUnavailable
 * allows (unhealthy replicas first), and when the rollout is complete clean up old ReplicaSets.
 * Pure, over a Pass.
 */
import type { KubeObject } from '../../domain/objects';
import { rsStatusOf } from '../replicaset/workload-types';
import { creationOrder, deploymentComplete, maxUnavailable, newRSNewReplicas, rsReplicas, sumReplicas, sumStatus } from './deployment-util';
import type { Pass } from './pass';
import { syncRolloutStatus } from './progress';
import { allOf, cleanupDeployment, getAllReplicaSetsAndSyncRevision, isActive } from './sync';

/** rolloutRolling is rolloutRolling. */
export function rolloutRolling(p: Pass): void {
  const got = getAllReplicaSetsAndSyncRevision(p, true);
  if (got.collided || got.newRS === undefined) return;
  const newRS = got.newRS;
  const all = [...got.oldRSs, newRS];
  if (reconcileNewReplicaSet(p, all, newRS)) return syncRolloutStatus(p, allOf(p, got), newRS);
  if (reconcileOldReplicaSets(p, all, got.oldRSs.filter(isActive), newRS)) return syncRolloutStatus(p, allOf(p, got), newRS);
  if (deploymentComplete(p.d, p.status)) cleanupDeployment(p, got.oldRSs);
  syncRolloutStatus(p, allOf(p, got), newRS);
}

/** reconcileNewReplicaSet: the new ReplicaSet down to the Deployment's replicas, or up as NewRSNewReplicas allows. */
function reconcileNewReplicaSet(p: Pass, all: readonly KubeObject[], newRS: KubeObject): boolean {
  const have = rsReplicas(newRS);
  if (have === p.d.replicas) return false;
  if (have > p.d.replicas) return p.scaleAndRecord(newRS, p.d.replicas);
  return p.scaleAndRecord(newRS, newRSNewReplicas(p.d, all, newRS));
}

/**
 * reconcileOldReplicaSets: at most allPods - minAvailable - newRSUnavailable old replicas go,
 * unhealthy ones first (cleanupUnhealthyReplicas), then available ones while more than
 * minAvailable stay available.
 */
function reconcileOldReplicaSets(p: Pass, all: readonly KubeObject[], oldRSs: KubeObject[], newRS: KubeObject): boolean {
  if (sumReplicas(oldRSs) === 0) return false;
  const minAvailable = p.d.replicas - maxUnavailable(p.d);
  const newUnavailable = rsReplicas(newRS) - rsStatusOf(newRS).availableReplicas;
  const maxScaledDown = sumReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = cleanupUnhealthyReplicas(p, oldRSs, maxScaledDown);
  const scaledDown = scaleDownOldReplicaSetsForRollingUpdate(p, [...oldRSs, newRS], oldRSs);
  return cleaned + scaledDown > 0;
}

/** cleanupUnhealthyReplicas: old ReplicaSets lose their unavailable replicas first, oldest first, up to maxCleanup. */
function cleanupUnhealthyReplicas(p: Pass, oldRSs: KubeObject[], maxCleanup: number): number {
  let total = 0;
  for (const rs of [...oldRSs].sort(creationOrder)) {
    if (total >= maxCleanup) break;
    const replicas = rsReplicas(rs);
    const available = rsStatusOf(rs).availableReplicas;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanup - total, replicas - available);
    p.scaleAndRecord(rs, replicas - count);
    total += count;
  }
  return total;
}

/** scaleDownOldReplicaSetsForRollingUpdate: old ReplicaSets scaled down, oldest first, while available pods stay above minAvailable. */
function scaleDownOldReplicaSetsForRollingUpdate(p: Pass, all: readonly KubeObject[], oldRSs: KubeObject[]): number {
  const minAvailable = p.d.replicas - maxUnavailable(p.d);
  const available = sumStatus(all, 'availableReplicas');
  if (available <= minAvailable) return 0;
  const toScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(creationOrder)) {
    if (total >= toScaleDown) break;
    const replicas = rsReplicas(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, toScaleDown - total);
    p.scaleAndRecord(rs, replicas - count);
    total += count;
  }
  return total;
}
