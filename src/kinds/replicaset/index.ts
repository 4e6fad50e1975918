/**
 * The ReplicaSet kind: kept in the store (as the API server stores it on create) and carried out
 * by the ReplicaSet controller (wired by the registry), on its own or made by a Deployment.
 * Listed with kubectl 1.32's columns; the selector may not change (the API server's words).
 */
import type { KubeObject, StoredObject } from '../../domain/objects';
import type { ValidManifest } from '../../domain/types';
import { refWord } from '../../domain/kinds';
import type { TableSpec } from '../../print/get/format';
import { timestampSince } from '../../print/get/duration';
import type { KindModule } from '../kind';
import { invalidMessage } from '../stored-object';
import { containerCells, formatLabelSelector, num, selectorImmutable, workloadObject, type WorkloadView } from '../workload';
import { REPLICASET_INFO } from './info';

/** ReplicaSetView is a ReplicaSet as the table reads it. */
export interface ReplicaSetView extends WorkloadView {
  status?: { replicas?: number; readyReplicas?: number };
}

/** replicaSetObject is a ReplicaSet as the API server stores it on create (the manifest was defaulted by validation). */
export function replicaSetObject(m: ValidManifest): KubeObject {
  return workloadObject(m, 'apps/v1', 'ReplicaSet');
}

/** REPLICASET_TABLE is kubectl 1.32's printReplicaSet: NAME DESIRED CURRENT READY AGE; -o wide adds CONTAINERS IMAGES SELECTOR. */
export const REPLICASET_TABLE: TableSpec<ReplicaSetView> = {
  resource: refWord(REPLICASET_INFO),
  namespaced: true,
  headers: (wide) => ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', ...(wide ? ['CONTAINERS', 'IMAGES', 'SELECTOR'] : [])],
  cells: (rs, wide, _o, now) => [
    rs.metadata?.name ?? '',
    String(num(rs.spec?.replicas)),
    String(num(rs.status?.replicas)),
    String(num(rs.status?.readyReplicas)),
    timestampSince(rs.metadata?.creationTimestamp || undefined, now),
    ...(wide ? [...containerCells(rs), formatLabelSelector(rs.spec?.selector)] : []),
  ],
};

/** replicaSetUpdateProblems is the API server's update rule for apps/v1 ReplicaSets: the selector is immutable. */
export function replicaSetUpdateProblems(stored: StoredObject, next: KubeObject): string[] {
  return invalidMessage('ReplicaSet', stored.metadata.name, selectorImmutable(stored, next));
}

/** REPLICASET is the ReplicaSet kind's module (its controller is wired by the registry). */
export const REPLICASET: KindModule = {
  info: REPLICASET_INFO,
  validation: () => (require('./validation') as typeof import('./validation')).REPLICASET_VALIDATION,
  table: REPLICASET_TABLE,
  carriedOut: 'store',
  toStored: replicaSetObject,
  describe: (o, related) => (require('./describe') as typeof import('./describe')).describeReplicaSet(o, related),
  updateProblems: replicaSetUpdateProblems,
  // Loaded at the first use: a command that finds no workload in the store never loads a controller.
  get controller() {
    return (require('../../controllers/replicaset') as typeof import('../../controllers/replicaset')).REPLICASET_CONTROLLER;
  },
};
