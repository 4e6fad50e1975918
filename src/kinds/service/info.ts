/** SERVICE_INFO: the Service kind's identity (v1, namespaced, short name svc, in `get all`). */
import { kindInfo } from '../../domain/kinds';

/** SERVICE_INFO is the Service kind's identity. */
export const SERVICE_INFO = kindInfo({ kind: 'Service', group: '', version: 'v1', plural: 'services', singular: 'service', shortNames: ['svc'], namespaced: true, categories: ['all'] });
