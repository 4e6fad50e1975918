/** The Deployment controller's ControllerSpec, for the Deployment kind (src/kinds/deployment/), and the rollout helpers. */
import type { ControllerSpec } from '../controller';
import { reconcileDeployment } from './deployment-controller';
import { DEPLOYMENT_SOURCE } from './pass';

/** DEPLOYMENT_CONTROLLER reads the namespace's ReplicaSets: it puts, scales and removes them and writes the Deployment's status. */
export const DEPLOYMENT_CONTROLLER: ControllerSpec = { name: DEPLOYMENT_SOURCE, reads: ['ReplicaSet.apps'], reconcile: reconcileDeployment };

export { reconcileDeployment } from './deployment-controller';
export { rolloutStatus, rolloutHistory, historyOf, undoTemplate, restartAnnotation, deploymentRollout, CHANGE_CAUSE, RESTARTED_AT } from './rollout';
export type { RolloutStatus, RolloutHistory, HistoryEntry, Undo } from './rollout';
export { REVISION_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, POD_TEMPLATE_HASH, resolveFenceposts, equalIgnoreHash } from './deployment-util';
