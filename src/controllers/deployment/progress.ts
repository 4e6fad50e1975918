/**
 * The Deployment's progress during a rollout (upstream pkg/controller/deployment/progress.go
 * syncRolloutStatus, and checkPausedConditions from sync.go): the Progressing condition moved to
 * NewReplicaSetAvailable, ReplicaSetUpdated or ProgressDeadlineExceeded, dated from `now`. Pure,
 * over a Pass.
 */
import type { KubeObject } from '../../domain/objects';
import { rsStatusOf } from '../replicaset/workload-types';
import {
  DEPLOYMENT_PAUSED,
  DEPLOYMENT_RESUMED,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  newCondition,
  NEW_REPLICASET_AVAILABLE,
  PROGRESS_DEADLINE_EXCEEDED,
  removeCondition,
  REPLICASET_UPDATED,
  setCondition,
  type DeploymentStatus,
} from './deployment-util';
import type { Pass } from './pass';
import { calculateStatus } from './sync';

/** checkPausedConditions is checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed, unless it timed out. */
export function checkPausedConditions(p: Pass): void {
  if (p.d.progressDeadlineSeconds === undefined) return;
  const cond = getCondition(p.status, 'Progressing');
  if (cond?.reason === PROGRESS_DEADLINE_EXCEEDED) return;
  const pausedExists = cond?.reason === DEPLOYMENT_PAUSED;
  if (p.d.paused && !pausedExists) setCondition(p.status, newCondition('Progressing', 'Unknown', DEPLOYMENT_PAUSED, 'Deployment is paused', p.now));
  else if (!p.d.paused && pausedExists) setCondition(p.status, newCondition('Progressing', 'Unknown', DEPLOYMENT_RESUMED, 'Deployment is resumed', p.now));
}

/** syncRolloutStatus is syncRolloutStatus: the status recalculated, with the rollout's progress estimated. */
export function syncRolloutStatus(p: Pass, all: readonly KubeObject[], newRS: KubeObject | undefined): void {
  const d = p.d;
  const previous: DeploymentStatus = p.status;
  const next = calculateStatus(p, all, newRS);
  if (d.progressDeadlineSeconds === undefined) removeCondition(next, 'Progressing');
  const current = getCondition(previous, 'Progressing');
  const isComplete = (next.replicas ?? 0) === (next.updatedReplicas ?? 0) && current?.reason === NEW_REPLICASET_AVAILABLE;
  if (d.progressDeadlineSeconds !== undefined && !isComplete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.name}"`;
    if (deploymentComplete(d, next)) {
      setCondition(next, newCondition('Progressing', 'True', NEW_REPLICASET_AVAILABLE, `${subject} has successfully progressed.`, p.now));
    } else if (deploymentProgressing(previous, next)) {
      // The Progressing condition's lastUpdateTime moves with every sign of progress; its transition time only when its status changes.
      const c = newCondition('Progressing', 'True', REPLICASET_UPDATED, `${subject} is progressing.`, p.now);
      if (current !== undefined) {
        if (current.status === 'True' && current.lastTransitionTime !== undefined) c.lastTransitionTime = current.lastTransitionTime;
        removeCondition(next, 'Progressing');
      }
      setCondition(next, c);
    } else if (deploymentTimedOut(d, next, p.input.now)) {
      setCondition(next, newCondition('Progressing', 'False', PROGRESS_DEADLINE_EXCEEDED, `${subject} has timed out progressing.`, p.now));
    }
  }
  // ReplicaFailure conditions of the ReplicaSets (the new one's first) carry over to the Deployment.
  const failure = replicaFailure(all, newRS);
  if (failure !== undefined) setCondition(next, failure);
  else removeCondition(next, 'ReplicaFailure');
  p.status = next;
}

function replicaFailure(all: readonly KubeObject[], newRS: KubeObject | undefined): ReturnType<typeof getCondition> {
  const of = (rs: KubeObject) => rsStatusOf(rs).conditions.find((c) => c.type === 'ReplicaFailure');
  const c = (newRS ? of(newRS) : undefined) ?? all.map(of).find((x) => x !== undefined);
  if (c === undefined) return undefined;
  return { ...c, ...(c.lastTransitionTime ? { lastUpdateTime: c.lastTransitionTime } : {}) };
}
