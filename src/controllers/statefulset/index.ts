/** The StatefulSet controller as a kind declares it (controller.ts ControllerSpec). */
import type { ControllerSpec } from '../controller';
import { reconcileStatefulSet, STATEFULSET_SOURCE } from './controller';

/** STATEFULSET_CONTROLLER reads the set's ControllerRevisions and its claims besides the namespace's pods. */
export const STATEFULSET_CONTROLLER: ControllerSpec = {
  name: STATEFULSET_SOURCE,
  reads: ['ControllerRevision.apps', 'PersistentVolumeClaim'],
  reconcile: reconcileStatefulSet,
};

export { reconcileStatefulSet } from './controller';
export { statefulSetRolloutStatus, statefulSetRollout } from './rollout';
