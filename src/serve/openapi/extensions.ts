/**
 * The seam through which the OpenAPI documents get each field's patch and apply extensions
 * (`x-kubernetes-patch-merge-key`, `-patch-strategy`, `-list-type`, `-list-map-keys`, `-map-type`).
 * The table of record is src/serve/patch's (serve-patch: `schemaExtensionsFor` in patch-meta.ts, same
 * signature); until it is wired, this file holds a small placeholder of the most used fields, from
 * kubernetes/kubernetes staging/src/k8s.io/api/core/v1/types.go and apimachinery meta/v1/types.go
 * struct tags. Wiring it is one line: `export { schemaExtensionsFor, type SchemaExtensions } from '../patch/patch-meta';`
 */

/** SchemaExtensions are the OpenAPI extensions that say how a field is patched and applied. */
export interface SchemaExtensions {
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
}

function mergeMap(key: string, keys: string[] = [key], strategy = 'merge'): SchemaExtensions {
  return { 'x-kubernetes-list-map-keys': keys, 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': strategy };
}

/** PLACEHOLDER is keyed `<definition>.<field>` with the generated schemas' definition names. */
const PLACEHOLDER: Record<string, SchemaExtensions> = {
  'V1PodSpec.containers': mergeMap('name'),
  'V1PodSpec.initContainers': mergeMap('name'),
  'V1PodSpec.ephemeralContainers': mergeMap('name'),
  'V1PodSpec.volumes': mergeMap('name', ['name'], 'merge,retainKeys'),
  'V1Container.env': mergeMap('name'),
  'V1Container.ports': mergeMap('containerPort', ['containerPort', 'protocol']),
  'V1Container.volumeMounts': mergeMap('mountPath'),
  'V1ObjectMeta.ownerReferences': mergeMap('uid'),
  'V1ObjectMeta.finalizers': { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
  'V1ServiceSpec.ports': mergeMap('port', ['port', 'protocol']),
  'V1PodStatus.conditions': mergeMap('type'),
  'V1DeploymentSpec.strategy': { 'x-kubernetes-patch-strategy': 'retainKeys' },
};

/**
 * schemaExtensionsFor is the extensions to merge into the schema node at a JSON pointer of the kind's
 * generated schema (`/definitions/V1PodSpec/properties/containers`, `/properties/spec`), or `{}`.
 */
export function schemaExtensionsFor(_groupKind: string, pointer: string): SchemaExtensions {
  const m = /^\/definitions\/([^/]+)\/properties\/([^/]+)$/.exec(pointer);
  return m ? { ...(PLACEHOLDER[`${m[1]}.${m[2]}`] ?? {}) } : {};
}
