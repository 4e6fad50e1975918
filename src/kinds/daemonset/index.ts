/**
 * The DaemonSet kind: kept in the store (as the API server stores it on create) and carried out by
 * the DaemonSet controller (wired by the registry): one pod on this machine, the one node.
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
import { DAEMONSET_INFO } from './info';

/** DaemonSetView is a DaemonSet as the table reads it. */
export interface DaemonSetView extends WorkloadView {
  status?: { desiredNumberScheduled?: number; currentNumberScheduled?: number; numberReady?: number; updatedNumberScheduled?: number; numberAvailable?: number };
}

/** daemonSetObject is a DaemonSet as the API server stores it on create (the manifest was defaulted by validation). */
export function daemonSetObject(m: ValidManifest): KubeObject {
  return workloadObject(m, 'apps/v1', 'DaemonSet');
}

/** formatLabels is labels.FormatLabels: `k=v,k2=v2` sorted by key, `<none>` when empty. */
export function formatLabels(m: Record<string, string> | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${m![k]}`).join(',');
}

/**
 * DAEMONSET_TABLE is kubectl 1.32's printDaemonSet: NAME DESIRED CURRENT READY UP-TO-DATE
 * AVAILABLE NODE SELECTOR AGE; -o wide adds CONTAINERS IMAGES SELECTOR.
 */
export const DAEMONSET_TABLE: TableSpec<DaemonSetView> = {
  resource: refWord(DAEMONSET_INFO),
  namespaced: true,
  headers: (wide) => ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE', ...(wide ? ['CONTAINERS', 'IMAGES', 'SELECTOR'] : [])],
  cells: (d, wide, _o, now) => [
    d.metadata?.name ?? '',
    String(num(d.status?.desiredNumberScheduled)),
    String(num(d.status?.currentNumberScheduled)),
    String(num(d.status?.numberReady)),
    String(num(d.status?.updatedNumberScheduled)),
    String(num(d.status?.numberAvailable)),
    formatLabels(d.spec?.template?.spec?.nodeSelector),
    timestampSince(d.metadata?.creationTimestamp || undefined, now),
    ...(wide ? [...containerCells(d), formatLabelSelector(d.spec?.selector)] : []),
  ],
};

/** daemonSetUpdateProblems is the API server's update rule for apps/v1 DaemonSets: the selector is immutable. */
export function daemonSetUpdateProblems(stored: StoredObject, next: KubeObject): string[] {
  return invalidMessage('DaemonSet', stored.metadata.name, selectorImmutable(stored, next));
}

/** DAEMONSET is the DaemonSet kind's module (its controller is wired by the registry). */
export const DAEMONSET: KindModule = {
  info: DAEMONSET_INFO,
  validation: () => (require('./validation') as typeof import('./validation')).DAEMONSET_VALIDATION,
  table: DAEMONSET_TABLE,
  carriedOut: 'store',
  toStored: daemonSetObject,
  describe: (o, related) => (require('./describe') as typeof import('./describe')).describeDaemonSet(o, related),
  updateProblems: daemonSetUpdateProblems,
  // Loaded at the first use: a command that finds no workload in the store never loads a controller.
  get controller() {
    return (require('../../controllers/daemonset') as typeof import('../../controllers/daemonset')).DAEMONSET_CONTROLLER;
  },
  get rollout() {
    const { describePodTemplate } = require('../../print/describe') as typeof import('../../print/describe');
    return (require('../../controllers/daemonset') as typeof import('../../controllers/daemonset')).daemonSetRollout((t) => describePodTemplate(t).join('\n'));
  },
};
