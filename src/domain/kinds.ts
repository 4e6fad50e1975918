/**
 * KindInfo: a kind's identity as the API's discovery names it (group, version, kind, resource
 * names, short names, scope). Each kind's folder in src/kinds/ declares one; the registry
 * (src/kinds/registry.ts) finds kinds by them, for a document's apiVersion/kind or a command-line
 * resource argument (`po`, `pods`, `namespace`, `deploy.apps`).
 */

/** KindInfo is what discovery says of one kind. */
export interface KindInfo {
  kind: string;
  /** The API group; '' for the core group. */
  group: string;
  version: string;
  /** `v1`, `apps/v1`: what a manifest's apiVersion says. */
  apiVersion: string;
  /** The resource name: `pods`, `namespaces`, `deployments`. */
  plural: string;
  /** `pod`, `namespace`. */
  singular: string;
  /** kubectl's short names: `po`, `ns`, `cm`, `deploy`. */
  shortNames: readonly string[];
  /** Whether objects of the kind live in a namespace (a Namespace itself does not). */
  namespaced: boolean;
  /** The categories discovery lists the kind in (`all`: what `get all` shows). */
  categories?: readonly string[];
}

/** kindInfo fills in apiVersion from group and version. */
export function kindInfo(i: Omit<KindInfo, 'apiVersion'>): KindInfo {
  return { ...i, apiVersion: i.group === '' ? i.version : `${i.group}/${i.version}` };
}

/** groupKindText is GroupKind's text form: `Pod`, `Deployment.apps` (as the object store keys objects). */
export function groupKindText(info: Pick<KindInfo, 'kind' | 'group'>): string {
  return info.group === '' ? info.kind : `${info.kind}.${info.group}`;
}

/** resourceText is the resource as kubectl's messages name it: `pods`, `deployments.apps`. */
export function resourceText(info: Pick<KindInfo, 'plural' | 'group'>): string {
  return info.group === '' ? info.plural : `${info.plural}.${info.group}`;
}

/** POD_INFO is the Pod kind's identity (shared by its validation and its registry entry). */
export const POD_INFO: KindInfo = kindInfo({ kind: 'Pod', group: '', version: 'v1', plural: 'pods', singular: 'pod', shortNames: ['po'], namespaced: true, categories: ['all'] });

/** DEFAULT_NAMESPACE is the namespace an object without one is in, and the one that always exists. */
export const DEFAULT_NAMESPACE = 'default';

/** refWord is how kubectl's output lines name a kind: `pod`, `configmap`, `deployment.apps`, `job.batch` (`deployment.apps/web created`). */
export function refWord(info: Pick<KindInfo, 'singular' | 'group'>): string {
  return info.group === '' ? info.singular : `${info.singular}.${info.group}`;
}
