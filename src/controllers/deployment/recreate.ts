/**
 * A Recreate rollout, one pass (upstream pkg/controller/deployment/recreate.go): every old
 * ReplicaSet scaled to 0, then, only once none of their pods is left running, the new ReplicaSet
 * made (if missing) and scaled to the Deployment's replicas. Pure, over a Pass.
 */
import type { KubeObject } from '../../domain/objects';
import { controllerOf } from '../pod-status';
import { deploymentComplete, sumStatus } from './deployment-util';
import type { Pass } from './pass';
import { syncRolloutStatus } from './progress';
import { allOf, cleanupDeployment, getAllReplicaSetsAndSyncRevision, isActive } from './sync';

/** rolloutRecreate is rolloutRecreate. */
export function rolloutRecreate(p: Pass): void {
  let got = getAllReplicaSetsAndSyncRevision(p, false);
  if (got.collided) return;
  let scaledDown = false;
  for (const rs of got.oldRSs.filter(isActive)) if (p.scaleAndRecord(rs, 0)) scaledDown = true;
  if (scaledDown || oldPodsRunning(p, got.newRS, got.oldRSs)) return syncRolloutStatus(p, allOf(p, got), got.newRS);
  if (got.newRS === undefined) {
    got = getAllReplicaSetsAndSyncRevision(p, true);
    if (got.collided || got.newRS === undefined) return;
  }
  p.scaleAndRecord(got.newRS, p.d.replicas);
  if (deploymentComplete(p.d, p.status)) cleanupDeployment(p, got.oldRSs);
  syncRolloutStatus(p, allOf(p, got), got.newRS);
}

/** oldPodsRunning: an old ReplicaSet still counts pods, or a pod of one is not finished (Succeeded and Failed ones do not count). */
function oldPodsRunning(p: Pass, newRS: KubeObject | undefined, oldRSs: readonly KubeObject[]): boolean {
  if (sumStatus(oldRSs, 'replicas') > 0) return true;
  const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid).filter((u): u is string => typeof u === 'string'));
  if (newRS?.metadata.uid !== undefined) oldUids.delete(newRS.metadata.uid);
  return p.input.pods.some((pod) => {
    const uid = controllerOf(pod)?.uid;
    if (uid === undefined || !oldUids.has(uid)) return false;
    return pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
  });
}
