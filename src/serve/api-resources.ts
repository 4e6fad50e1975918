/**
 * The resources the API serves: every kind of the registry, and the two kinds the controllers keep
 * in the store without a KindModule (core/v1 Events and apps/v1 ControllerRevisions, read-only here).
 * A kind added to the registry is served with no change here.
 */
import { groupKindText, kindInfo, type KindInfo } from '../domain/kinds';
import type { KindModule } from '../kinds/kind';
import { KINDS } from '../kinds/registry';

/** ServedResource is one resource of the API: its identity, the store's kind key, and its module when it has one. */
export interface ServedResource {
  info: KindInfo;
  /** The object store's key of the kind (`Pod`, `Deployment.apps`). */
  storeKind: string;
  /** The kind's module (validation, table, stored form); absent for the read-only kinds. */
  module?: KindModule;
  /** Subresources served besides the object: `status`, `scale`, `log`, `exec`, `portforward`. */
  subresources: readonly string[];
}

const EVENT: KindInfo = kindInfo({ kind: 'Event', group: '', version: 'v1', plural: 'events', singular: 'event', shortNames: ['ev'], namespaced: true });
const CONTROLLER_REVISION: KindInfo = kindInfo({ kind: 'ControllerRevision', group: 'apps', version: 'v1', plural: 'controllerrevisions', singular: 'controllerrevision', shortNames: [], namespaced: true });

/** SCALABLE are the kinds with a scale subresource (autoscaling/v1 Scale over spec.replicas). */
export const SCALABLE: ReadonlySet<string> = new Set(['Deployment.apps', 'ReplicaSet.apps', 'StatefulSet.apps']);

function subresourcesOf(info: KindInfo): string[] {
  const key = groupKindText(info);
  const out: string[] = [];
  if (!['ConfigMap', 'Secret', 'Endpoints', 'EndpointSlice.discovery.k8s.io', 'Event', 'ControllerRevision.apps'].includes(key)) out.push('status');
  if (SCALABLE.has(key)) out.push('scale');
  if (key === 'Pod') out.push('log', 'exec', 'portforward');
  return out;
}

let served: ServedResource[] | undefined;

/** servedResources lists every resource, the registry's first, in its order. */
export function servedResources(): ServedResource[] {
  served ??= [
    ...KINDS.map((module) => ({ info: module.info, storeKind: groupKindText(module.info), module, subresources: subresourcesOf(module.info) })),
    ...[EVENT, CONTROLLER_REVISION].map((info) => ({ info, storeKind: groupKindText(info), subresources: subresourcesOf(info) })),
  ];
  return served;
}

/** resourceAt finds the resource a URL names: group ('' for /api), version, plural. */
export function resourceAt(group: string, version: string, plural: string): ServedResource | undefined {
  return servedResources().find((r) => r.info.group === group && r.info.version === version && r.info.plural === plural);
}

/** resourceOfKind finds a resource by its store key (`Pod`, `Deployment.apps`). */
export function resourceOfKind(storeKind: string): ServedResource | undefined {
  return servedResources().find((r) => r.storeKind === storeKind);
}
