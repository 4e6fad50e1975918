/** DAEMONSET_INFO: the DaemonSet kind's identity (apps/v1, namespaced, short name ds, category all). */
import { kindInfo } from '../../domain/kinds';

/** DAEMONSET_INFO is the DaemonSet kind's identity, as kubectl's discovery lists it. */
export const DAEMONSET_INFO = kindInfo({ kind: 'DaemonSet', group: 'apps', version: 'v1', plural: 'daemonsets', singular: 'daemonset', shortNames: ['ds'], namespaced: true, categories: ['all'] });
