/**
 * The EndpointSlice kind (discovery.k8s.io/v1): kept in the store, written by the lead's
 * endpoints controller (labelled kubernetes.io/service-name) or applied by the user beside a
 * Service without a selector. Stored as the API server stores it (ports defaulted); listed with
 * kubectl's `NAME ADDRESSTYPE PORTS ENDPOINTS AGE`; described as describeEndpointSliceV1.
 */
import type { KubeObject } from '../../domain/objects';
import type { ValidManifest } from '../../domain/types';
import { refWord } from '../../domain/kinds';
import type { TableSpec } from '../../print/get/format';
import { timestampSince } from '../../print/get/duration';
import type { KindModule } from '../kind';
import { appliedMetadata } from '../stored-object';
import { ENDPOINTSLICE_INFO } from './info';
import { discoveryEndpointsText, discoveryPortsText, type SliceView } from './view';

/** endpointSliceObject is an EndpointSlice as the API server stores it on create (endpoints kept as written: `null` when none). */
export function endpointSliceObject(m: ValidManifest): KubeObject {
  const o = m.object;
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: appliedMetadata(m),
    addressType: o['addressType'],
    endpoints: Array.isArray(o['endpoints']) ? o['endpoints'] : null,
    ...(Array.isArray(o['ports']) ? { ports: o['ports'] } : {}),
  };
}

/** ENDPOINTSLICE_TABLE is kubectl's printEndpointSlice: NAME ADDRESSTYPE PORTS ENDPOINTS AGE. */
export const ENDPOINTSLICE_TABLE: TableSpec<SliceView> = {
  resource: refWord(ENDPOINTSLICE_INFO),
  namespaced: true,
  headers: () => ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
  cells: (s, _wide, _o, now) => [s.metadata?.name ?? '', s.addressType ?? '', discoveryPortsText(s.ports), discoveryEndpointsText(s.endpoints), timestampSince(s.metadata?.creationTimestamp || undefined, now)],
};

/** ENDPOINTSLICE is the EndpointSlice kind's module. */
export const ENDPOINTSLICE: KindModule = {
  info: ENDPOINTSLICE_INFO,
  validation: () => (require('./validation') as typeof import('./validation')).ENDPOINTSLICE_VALIDATION,
  table: ENDPOINTSLICE_TABLE,
  carriedOut: 'store',
  toStored: endpointSliceObject,
  describe: (o, related) => (require('./describe') as typeof import('./describe')).describeEndpointSlice(o, related),
};
