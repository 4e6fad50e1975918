/** ENDPOINTS_INFO: the Endpoints kind's identity (v1, namespaced, short name ep). */
import { kindInfo } from '../../domain/kinds';

/** ENDPOINTS_INFO is the Endpoints kind's identity (its singular is `endpoints` too, as discovery says). */
export const ENDPOINTS_INFO = kindInfo({ kind: 'Endpoints', group: '', version: 'v1', plural: 'endpoints', singular: 'endpoints', shortNames: ['ep'], namespaced: true });
