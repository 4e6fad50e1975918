/** REPLICASET_INFO: the ReplicaSet kind's identity (apps/v1, namespaced, short name rs, category all). */
import { kindInfo } from '../../domain/kinds';

/** REPLICASET_INFO is the ReplicaSet kind's identity, as kubectl's discovery lists it. */
export const REPLICASET_INFO = kindInfo({ kind: 'ReplicaSet', group: 'apps', version: 'v1', plural: 'replicasets', singular: 'replicaset', shortNames: ['rs'], namespaced: true, categories: ['all'] });
