/** ENDPOINTSLICE_INFO: the EndpointSlice kind's identity (discovery.k8s.io/v1, namespaced, no short name). */
import { kindInfo } from '../../domain/kinds';

/** ENDPOINTSLICE_INFO is the EndpointSlice kind's identity. */
export const ENDPOINTSLICE_INFO = kindInfo({ kind: 'EndpointSlice', group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', singular: 'endpointslice', shortNames: [], namespaced: true });
