/**
 * The resources the API serves, as the routes and handlers see them: discovery's list
 * (discovery.ts: every kind of the registry, and core/v1 Events and apps/v1 ControllerRevisions,
 * which the controllers keep in the store without a KindModule and which are read-only here), each
 * with the store's key of its kind and its module. A kind added to the registry is served with no
 * change here.
 */
import { groupKindText, type KindInfo } from '../domain/kinds';
import type { KindModule } from '../kinds/kind';
import { KINDS } from '../kinds/registry';
import { servedResources as discovered } from './discovery';

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

/** SCALABLE are the kinds with a scale subresource (autoscaling/v1 Scale over spec.replicas). */
export const SCALABLE: ReadonlySet<string> = new Set(
  discovered()
    .filter((r) => r.subresources.some((s) => s.name === 'scale'))
    .map((r) => groupKindText(r.info)),
);

let served: ServedResource[] | undefined;

/** servedResources lists every resource, as discovery lists them. */
export function servedResources(): ServedResource[] {
  served ??= discovered().map((r) => {
    const module = KINDS.find((k) => k.info === r.info);
    return { info: r.info, storeKind: groupKindText(r.info), ...(module !== undefined ? { module } : {}), subresources: r.subresources.map((s) => s.name) };
  });
  return served;
}

/** resourceAt finds the resource a URL names: group ('' for /api), version, plural. */
export function resourceAt(group: string, version: string, plural: string): ServedResource | undefined {
  return servedResources().find((r) => r.info.group === group && r.info.version === version && r.info.plural === plural);
}
