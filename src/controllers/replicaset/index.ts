/** The ReplicaSet controller's ControllerSpec, for the ReplicaSet kind (src/kinds/replicaset/). */
import type { ControllerSpec } from '../controller';
import { REPLICASET_SOURCE, reconcileReplicaSet } from './replicaset-controller';

/** REPLICASET_CONTROLLER reads only pods: it makes and deletes them and writes the ReplicaSet's status. */
export const REPLICASET_CONTROLLER: ControllerSpec = { name: REPLICASET_SOURCE, reads: [], reconcile: reconcileReplicaSet };

export { reconcileReplicaSet, calculateRsStatus, podFromTemplate, generatedName } from './replicaset-controller';
export { podsToDelete, deletesBefore, POD_DELETION_COST } from './pod-ranking';
