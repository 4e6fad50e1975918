/**
 * The Deployment kind: kept in the store (as the API server stores it on create: the spec with
 * its defaults, no status) and carried out by the Deployment controller (src/controllers/, wired
 * by the registry), which writes the status the table and describe read. Listed with kubectl
 * 1.32's columns; the selector may not change (the API server's words).
 */
import type { KubeObject, StoredObject } from '../../domain/objects';
import type { ValidManifest } from '../../domain/types';
import { refWord } from '../../domain/kinds';
import type { TableSpec } from '../../print/get/format';
import { timestampSince } from '../../print/get/duration';
import type { KindModule } from '../kind';
import { invalidMessage } from '../stored-object';
import { containerCells, num, selectorImmutable, selectorText, workloadObject, type WorkloadView } from '../workload';
import { DEPLOYMENT_INFO } from './info';

/** DeploymentView is a Deployment as the table reads it. */
export interface DeploymentView extends WorkloadView {
  status?: { readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
}

/** deploymentObject is a Deployment as the API server stores it on create (the manifest was defaulted by validation). */
export function deploymentObject(m: ValidManifest): KubeObject {
  return workloadObject(m, 'apps/v1', 'Deployment');
}

/**
 * DEPLOYMENT_TABLE is kubectl 1.32's printDeployment: NAME READY (ready/desired) UP-TO-DATE
 * AVAILABLE AGE; -o wide adds CONTAINERS IMAGES SELECTOR.
 */
export const DEPLOYMENT_TABLE: TableSpec<DeploymentView> = {
  resource: refWord(DEPLOYMENT_INFO),
  namespaced: true,
  headers: (wide) => ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', ...(wide ? ['CONTAINERS', 'IMAGES', 'SELECTOR'] : [])],
  cells: (d, wide, _o, now) => [
    d.metadata?.name ?? '',
    `${num(d.status?.readyReplicas)}/${num(d.spec?.replicas)}`,
    String(num(d.status?.updatedReplicas)),
    String(num(d.status?.availableReplicas)),
    timestampSince(d.metadata?.creationTimestamp || undefined, now),
    ...(wide ? [...containerCells(d), selectorText(d.spec?.selector)] : []),
  ],
};

/** deploymentUpdateProblems is the API server's update rule for apps/v1 Deployments: the selector is immutable. */
export function deploymentUpdateProblems(stored: StoredObject, next: KubeObject): string[] {
  return invalidMessage('Deployment', stored.metadata.name, selectorImmutable(stored, next));
}

/** DEPLOYMENT is the Deployment kind's module (its controller is wired by the registry). */
export const DEPLOYMENT: KindModule = {
  info: DEPLOYMENT_INFO,
  validation: () => (require('./validation') as typeof import('./validation')).DEPLOYMENT_VALIDATION,
  table: DEPLOYMENT_TABLE,
  carriedOut: 'store',
  toStored: deploymentObject,
  describe: (o, related) => (require('./describe') as typeof import('./describe')).describeDeployment(o, related),
  updateProblems: deploymentUpdateProblems,
  // Loaded at the first use: a command that finds no workload in the store never loads a controller.
  get controller() {
    return (require('../../controllers/deployment') as typeof import('../../controllers/deployment')).DEPLOYMENT_CONTROLLER;
  },
  get rollout() {
    const { describePodTemplate } = require('../../print/describe') as typeof import('../../print/describe');
    return (require('../../controllers/deployment') as typeof import('../../controllers/deployment')).deploymentRollout((t) => describePodTemplate(t as never).join('\n'));
  },
};
