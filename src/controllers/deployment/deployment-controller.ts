/**
 * The Deployment controller, one sync pass (upstream pkg/controller/deployment/
 * deployment_controller.go syncDeployment), as a pure function: claim the ReplicaSets, then a
 * paused Deployment or a scaling event only scales (sync), otherwise the strategy rolls out
 * (rolling.go, recreate.go). The Deployment controller puts and removes ReplicaSets and writes the
 * Deployment's status and revision annotation; it never touches pods (the ReplicaSet controller
 * makes them). Rollback is not the controller's: `rollout undo` patches the template
 * (rollout.ts undoTemplate), as kubectl does against apps/v1.
 */
import type { ControllerInput, ControllerResult } from '../controller';
import type { KubeObject } from '../../domain/objects';
import { isEmptySelector } from '../label-selector';
import { deploymentComplete, readDeployment, type DeploymentStatus } from './deployment-util';
import { orderedStatus, Pass } from './pass';
import { checkPausedConditions } from './progress';
import { rolloutRecreate } from './recreate';
import { rolloutRolling } from './rolling';
import { rolloutStatus } from './rollout';
import { allOf, claimReplicaSets, getAllReplicaSetsAndSyncRevision, isScalingEvent, sync, syncDeploymentStatus } from './sync';

/** reconcileDeployment is one sync of a Deployment; see the module comment. */
export function reconcileDeployment(input: ControllerInput): ControllerResult {
  const d = readDeployment(input.owner);
  const p = new Pass(d, input);
  if (isEmptySelector(d.selector)) {
    // Upstream records this on every sync; here once per generation, or each round of the loop would repeat it.
    if ((p.status.observedGeneration ?? 0) < d.generation) {
      p.event('Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      p.status.observedGeneration = d.generation;
    }
    return p.result();
  }
  claimReplicaSets(p, input.objects);
  if (input.owner.metadata['deletionTimestamp'] !== undefined) {
    const got = getAllReplicaSetsAndSyncRevision(p, false);
    syncDeploymentStatus(p, allOf(p, got), got.newRS);
    return p.result();
  }
  checkPausedConditions(p);
  if (d.paused || isScalingEvent(p)) sync(p);
  else if (d.strategy === 'Recreate') rolloutRecreate(p);
  else rolloutRolling(p);
  return p.result(waitingOf(p));
}

/** waitingOf: a Deployment not paused whose rollout is not complete waits, in kubectl rollout status's words. */
function waitingOf(p: Pass): ControllerResult['waitingFor'] {
  if (p.d.paused) return undefined;
  const status: DeploymentStatus = orderedStatus(p.status);
  if (deploymentComplete(p.d, status)) return undefined;
  const seen: KubeObject = { ...p.d.object, status };
  const s = rolloutStatus(seen);
  return { reason: s.error ?? s.message ?? `deployment "${p.d.name}" is not yet complete` };
}

