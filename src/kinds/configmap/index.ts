/**
 * The ConfigMap kind: kept in the store only (pods read it through the lead's translate/ code).
 * Stored as the API server stores it on create; listed with kubectl's `NAME DATA AGE`; described
 * as kubectl does; an update of an immutable one refused in the API server's words.
 */
import type { KubeObject, StoredObject } from '../../domain/objects';
import type { ValidManifest } from '../../domain/types';
import { canonicalJson } from '../../domain/canonical-json';
import type { TableSpec } from '../../print/get/format';
import { timestampSince } from '../../print/get/duration';
import type { KindModule } from '../kind';
import { appliedMetadata, IMMUTABLE_FIELD, invalidMessage, nonEmptyMap } from '../stored-object';
import { CONFIGMAP_INFO } from './info';

/** configMapObject is a ConfigMap as the API server stores it on create: data, binaryData and immutable as given. */
export function configMapObject(m: ValidManifest): KubeObject {
  const o = m.object;
  const data = nonEmptyMap(o['data']);
  const binaryData = nonEmptyMap(o['binaryData']);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: appliedMetadata(m),
    ...(data ? { data } : {}),
    ...(binaryData ? { binaryData } : {}),
    ...(typeof o['immutable'] === 'boolean' ? { immutable: o['immutable'] } : {}),
  };
}

interface ConfigMapView {
  metadata?: { name?: string; creationTimestamp?: string };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** CONFIGMAP_TABLE is kubectl's table for configmaps: NAME DATA AGE (DATA counts data and binaryData keys). */
export const CONFIGMAP_TABLE: TableSpec<ConfigMapView> = {
  resource: 'configmap',
  namespaced: true,
  headers: () => ['NAME', 'DATA', 'AGE'],
  cells: (cm, _wide, _o, now) => [
    cm.metadata?.name ?? '',
    String(Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length),
    timestampSince(cm.metadata?.creationTimestamp || undefined, now),
  ],
};

/** configMapUpdateProblems is ValidateConfigMapUpdate's immutability rule: an immutable ConfigMap keeps its data and stays immutable. */
export function configMapUpdateProblems(stored: StoredObject, next: KubeObject): string[] {
  if (stored['immutable'] !== true) return [];
  const errors: string[] = [];
  if (next['immutable'] !== true) errors.push(`immutable: ${IMMUTABLE_FIELD}`);
  if (canonicalJson(stored['data'] ?? null) !== canonicalJson(next['data'] ?? null)) errors.push(`data: ${IMMUTABLE_FIELD}`);
  if (canonicalJson(stored['binaryData'] ?? null) !== canonicalJson(next['binaryData'] ?? null)) errors.push(`binaryData: ${IMMUTABLE_FIELD}`);
  return invalidMessage('ConfigMap', stored.metadata.name, errors);
}

/** CONFIGMAP is the ConfigMap kind's module. */
export const CONFIGMAP: KindModule = {
  info: CONFIGMAP_INFO,
  validation: () => (require('./validation') as typeof import('./validation')).CONFIGMAP_VALIDATION,
  table: CONFIGMAP_TABLE,
  carriedOut: 'store',
  toStored: configMapObject,
  describe: (o) => (require('./describe') as typeof import('./describe')).describeConfigMap(o),
  updateProblems: configMapUpdateProblems,
};
