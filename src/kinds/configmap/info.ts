/** CONFIGMAP_INFO: the ConfigMap kind's identity (v1, namespaced, short name cm). */
import { kindInfo } from '../../domain/kinds';

/** CONFIGMAP_INFO is the ConfigMap kind's identity. */
export const CONFIGMAP_INFO = kindInfo({ kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps', singular: 'configmap', shortNames: ['cm'], namespaced: true });
