/** STATEFULSET_INFO: the StatefulSet kind's identity (apps/v1, namespaced, short name sts, category all). */
import { kindInfo } from '../../domain/kinds';

/** STATEFULSET_INFO is the StatefulSet kind's identity, as kubectl's discovery lists it. */
export const STATEFULSET_INFO = kindInfo({ kind: 'StatefulSet', group: 'apps', version: 'v1', plural: 'statefulsets', singular: 'statefulset', shortNames: ['sts'], namespaced: true, categories: ['all'] });
