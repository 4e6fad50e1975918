/**
 * The kind registry: every kind kubeplay handles, one line each, in apply order (Namespaces before
 * what lives in them, as kubectl's users expect a file holding both to work in any order). A new
 * kind is a folder in src/kinds/ and a line here. A Service (and its Endpoints and EndpointSlices)
 * comes before the Pod, so a Service applied with its pods is stored first. The workload kinds (Deployment ... Job) follow
 * the Pod: their pods read the ConfigMaps, Secrets and claims before them.
 */
import type { KindModule } from './kind';
import { NAMESPACE } from './namespace';
import { CONFIGMAP } from './configmap';
import { SECRET } from './secret';
import { POD } from './pod';
import { PERSISTENT_VOLUME_CLAIM } from './pvc';
import { SERVICE } from './service';
import { ENDPOINTS } from './endpoints';
import { ENDPOINTSLICE } from './endpointslice';
import { DEPLOYMENT } from './deployment';
import { REPLICASET } from './replicaset';
import { STATEFULSET } from './statefulset';
import { DAEMONSET } from './daemonset';
import { JOB } from './job';
import { UsageError } from '../domain/errors';
import type { KindCatalog } from '../validate/kind-validation';

/** KINDS lists the kinds, in the order apply makes them. */
export const KINDS: readonly KindModule[] = [
  NAMESPACE,
  CONFIGMAP,
  SECRET,
  PERSISTENT_VOLUME_CLAIM,
  SERVICE,
  ENDPOINTS,
  ENDPOINTSLICE,
  POD,
  DEPLOYMENT,
  REPLICASET,
  STATEFULSET,
  DAEMONSET,
  JOB,
];

/** POD_KIND is the Pod kind, what get, describe and delete mean without a resource word (-f files aside). */
export const POD_KIND: KindModule = POD;

let catalogMemo: KindCatalog | undefined;

/** catalog is the validate stage's view of the kinds (their validation loaded at the first call). */
export function catalog(): KindCatalog {
  const { catalogOf } = require('../validate/kind-validation') as typeof import('../validate/kind-validation');
  return (catalogMemo ??= catalogOf(KINDS.map((k) => k.validation())));
}

/** kindOf finds a kind by its name (`Pod`), or undefined. */
export function kindOf(kind: string): KindModule | undefined {
  return KINDS.find((k) => k.info.kind === kind);
}

/** applyOrder is where a kind's objects go in apply's order (registry order). */
export function applyOrder(kind: string): number {
  const i = KINDS.findIndex((k) => k.info.kind === kind);
  return i < 0 ? KINDS.length : i;
}

/**
 * resourceOf finds the kind a command-line resource word names, as kubectl's RESTMapper does:
 * plural, singular, short name or kind, any case, optionally with its group (`pods`, `po`, `Pod`,
 * `namespaces`, `ns`, `deployments.apps`). undefined when none.
 */
export function resourceOf(word: string): KindModule | undefined {
  const w = word.toLowerCase();
  const dot = w.indexOf('.');
  const [name, group] = dot < 0 ? [w, undefined] : [w.slice(0, dot), w.slice(dot + 1)];
  return KINDS.find(
    (k) =>
      (group === undefined || group === k.info.group) &&
      (name === k.info.plural || name === k.info.singular || name === k.info.kind.toLowerCase() || k.info.shortNames.includes(name)),
  );
}

/** resourceNames lists the words kubeplay understands, for messages: `pods (po), namespaces (ns)`. */
export function resourceNames(): string {
  return KINDS.map((k) => `${k.info.plural}${k.info.shortNames.length > 0 ? ` (${k.info.shortNames.join(', ')})` : ''}`).join(', ');
}

/** requireResource is resourceOf, or kubectl's error for a resource type the server does not have. */
export function requireResource(word: string): KindModule {
  const k = resourceOf(word);
  if (k === undefined) throw new UsageError(`the server doesn't have a resource type "${word}": kubeplay handles ${resourceNames()}`);
  return k;
}
