/** NAMESPACE_INFO: the Namespace kind's identity (v1, cluster-scoped, short name ns). */
import { kindInfo } from '../../domain/kinds';

/** NAMESPACE_INFO is the Namespace kind's identity. */
export const NAMESPACE_INFO = kindInfo({ kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', shortNames: ['ns'], namespaced: false });
