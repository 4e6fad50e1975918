/**
 * The StatefulSet kind: kept in the store (as the API server stores it on create: defaults applied,
 * claim templates defaulted as claims) and carried out by the StatefulSet controller (wired by the
 * registry). Listed with kubectl 1.32's columns; an update may change only what
 * ValidateStatefulSetUpdate allows, refused otherwise in its words.
 */
import type { KubeObject, StoredObject } from '../../domain/objects';
import type { ValidManifest } from '../../domain/types';
import { refWord } from '../../domain/kinds';
import type { TableSpec } from '../../print/get/format';
import { timestampSince } from '../../print/get/duration';
import type { KindModule } from '../kind';
import { invalidMessage } from '../stored-object';
import { containerCells, num, sameJson, workloadObject, type WorkloadView } from '../workload';
import { STATEFULSET_INFO } from './info';

/** StatefulSetView is a StatefulSet as the table reads it. */
export interface StatefulSetView extends WorkloadView {
  status?: { readyReplicas?: number };
}

/** statefulSetObject is a StatefulSet as the API server stores it on create (the manifest was defaulted by validation). */
export function statefulSetObject(m: ValidManifest): KubeObject {
  return workloadObject(m, 'apps/v1', 'StatefulSet');
}

/** STATEFULSET_TABLE is kubectl 1.32's printStatefulSet: NAME READY (ready/desired) AGE; -o wide adds CONTAINERS IMAGES. */
export const STATEFULSET_TABLE: TableSpec<StatefulSetView> = {
  resource: refWord(STATEFULSET_INFO),
  namespaced: true,
  headers: (wide) => ['NAME', 'READY', 'AGE', ...(wide ? ['CONTAINERS', 'IMAGES'] : [])],
  cells: (s, wide, _o, now) => [
    s.metadata?.name ?? '',
    `${num(s.status?.readyReplicas)}/${num(s.spec?.replicas)}`,
    timestampSince(s.metadata?.creationTimestamp || undefined, now),
    ...(wide ? containerCells(s) : []),
  ],
};

/** MUTABLE_SPEC are the spec fields ValidateStatefulSetUpdate lets an update change. */
const MUTABLE_SPEC = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'];

/** STATEFULSET_SPEC_FORBIDDEN is ValidateStatefulSetUpdate's message for any other change. */
export const STATEFULSET_SPEC_FORBIDDEN =
  "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

/**
 * statefulSetUpdateProblems is ValidateStatefulSetUpdate: the new spec with the mutable fields
 * taken from the stored one must equal the stored spec (a changed selector or claim template
 * included; upstream has no separate selector message for a StatefulSet).
 */
export function statefulSetUpdateProblems(stored: StoredObject, next: KubeObject): string[] {
  const a = { ...((stored.spec ?? {}) as Record<string, unknown>) };
  const b = { ...((next.spec ?? {}) as Record<string, unknown>) };
  for (const k of MUTABLE_SPEC) {
    delete a[k];
    delete b[k];
  }
  return sameJson(a, b) ? [] : invalidMessage('StatefulSet', stored.metadata.name, [STATEFULSET_SPEC_FORBIDDEN]);
}

/** STATEFULSET is the StatefulSet kind's module (its controller is wired by the registry). */
export const STATEFULSET: KindModule = {
  info: STATEFULSET_INFO,
  validation: () => (require('./validation') as typeof import('./validation')).STATEFULSET_VALIDATION,
  table: STATEFULSET_TABLE,
  carriedOut: 'store',
  toStored: statefulSetObject,
  describe: (o, related) => (require('./describe') as typeof import('./describe')).describeStatefulSet(o, related),
  updateProblems: statefulSetUpdateProblems,
  // Loaded at the first use: a command that finds no workload in the store never loads a controller.
  get controller() {
    return (require('../../controllers/statefulset') as typeof import('../../controllers/statefulset')).STATEFULSET_CONTROLLER;
  },
  get rollout() {
    const { describePodTemplate } = require('../../print/describe') as typeof import('../../print/describe');
    return (require('../../controllers/statefulset') as typeof import('../../controllers/statefulset')).statefulSetRollout((t) => describePodTemplate(t).join('\n'));
  },
};
