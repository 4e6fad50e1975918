/** The DaemonSet controller as a kind declares it (controller.ts ControllerSpec). */
import type { ControllerSpec } from '../controller';
import { DAEMONSET_SOURCE, reconcileDaemonSet } from './controller';

/** DAEMONSET_CONTROLLER reads the set's ControllerRevisions besides the namespace's pods. */
export const DAEMONSET_CONTROLLER: ControllerSpec = {
  name: DAEMONSET_SOURCE,
  reads: ['ControllerRevision.apps'],
  reconcile: reconcileDaemonSet,
};

export { reconcileDaemonSet } from './controller';
export { daemonSetRolloutStatus, daemonSetRollout } from './rollout';
