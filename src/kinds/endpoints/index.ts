/**
 * The Endpoints kind: kept in the store, written by the endpoints controller (the lead's) for a
 * Service with a selector, or applied by the user for a Service without one. Stored as the API
 * server stores it (subsets as given, ports' protocol defaulted); listed with kubectl's
 * `NAME ENDPOINTS AGE` (printers.go formatEndpoints); described as describeEndpoints.
 */
import type { KubeObject } from '../../domain/objects';
import type { ValidManifest } from '../../domain/types';
import type { TableSpec } from '../../print/get/format';
import { timestampSince } from '../../print/get/duration';
import type { KindModule } from '../kind';
import { appliedMetadata } from '../stored-object';
import { joinHostPort } from '../endpointslice/view';
import { ENDPOINTS_INFO } from './info';

/** EndpointAddress is one address of a subset. */
export interface EndpointAddress {
  ip?: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string; uid?: string };
}

/** EndpointsView is an Endpoints object as the table and describe read it. */
export interface EndpointsView {
  metadata?: { name?: string; namespace?: string; creationTimestamp?: string };
  subsets?: Array<{ addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: Array<{ name?: string; port?: number; protocol?: string; appProtocol?: string }> }>;
}

/** endpointsObject is an Endpoints object as the API server stores it on create. */
export function endpointsObject(m: ValidManifest): KubeObject {
  const subsets = m.object['subsets'];
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: appliedMetadata(m), ...(Array.isArray(subsets) && subsets.length > 0 ? { subsets } : {}) };
}

/**
 * formatEndpoints is printers.go formatEndpoints: each ready address with each port (`ip:port`; the
 * address alone for a subset without ports), the first three and `+ N more...`; `<none>` without
 * subsets. `ports` limits to the named ports (undefined: all).
 */
export function formatEndpoints(ep: EndpointsView, ports?: ReadonlySet<string>): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const groups = (ss.ports ?? []).length === 0 ? [undefined] : (ss.ports ?? []).filter((p) => ports === undefined || ports.has(p.name ?? ''));
    for (const p of groups) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(p === undefined ? (a.ip ?? '') : joinHostPort(a.ip ?? '', p.port ?? 0));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

/** ENDPOINTS_TABLE is kubectl's printEndpoints: NAME ENDPOINTS AGE. */
export const ENDPOINTS_TABLE: TableSpec<EndpointsView> = {
  resource: 'endpoints',
  namespaced: true,
  headers: () => ['NAME', 'ENDPOINTS', 'AGE'],
  cells: (ep, _wide, _o, now) => [ep.metadata?.name ?? '', formatEndpoints(ep), timestampSince(ep.metadata?.creationTimestamp || undefined, now)],
};

/** ENDPOINTS is the Endpoints kind's module. */
export const ENDPOINTS: KindModule = {
  info: ENDPOINTS_INFO,
  validation: () => (require('./validation') as typeof import('./validation')).ENDPOINTS_VALIDATION,
  table: ENDPOINTS_TABLE,
  carriedOut: 'store',
  toStored: endpointsObject,
  describe: (o, related) => (require('./describe') as typeof import('./describe')).describeEndpoints(o, related),
};
