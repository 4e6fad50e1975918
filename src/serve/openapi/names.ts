/**
 * OpenAPI definition names. The generated schemas name their definitions after
 * @kubernetes/client-node's model classes (`V1PodSpec`, `CoreV1EndpointPort`), which drop the Go
 * package; the API server's OpenAPI names them by package (`io.k8s.api.core.v1.PodSpec`,
 * `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`). The package is found from the class name and
 * from which kinds' schemas reach it (see definitionNames), so a kind added later needs no table here.
 */
import type { KindInfo } from '../../domain/kinds';

/**
 * META_TYPES are the apimachinery meta/v1 types a kind can reach (types.go of
 * k8s.io/apimachinery/pkg/apis/meta/v1): every group's objects share them.
 */
export const META_TYPES: ReadonlySet<string> = new Set([
  'ObjectMeta', 'ListMeta', 'LabelSelector', 'LabelSelectorRequirement', 'OwnerReference', 'ManagedFieldsEntry', 'Condition',
  'Time', 'MicroTime', 'Status', 'StatusDetails', 'StatusCause', 'DeleteOptions', 'Preconditions', 'FieldsV1', 'Patch', 'WatchEvent',
]);

/** META_PREFIX is the package of apimachinery's meta/v1 types. */
export const META_PREFIX = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** ParsedClass is a client-node class name split: `CoreV1EndpointPort` -> group hint `core`, `v1`, `EndpointPort`. */
export interface ParsedClass {
  /** The package word client-node prefixes when two groups have a type of the same name (`Core`, `Discovery`), lower case. */
  prefix?: string;
  version: string;
  type: string;
}

/** parseClass splits a client-node model class name, or undefined when it is not one (`V1Pod`, `V1beta1CronJob`, `CoreV1Event`). */
export function parseClass(name: string): ParsedClass | undefined {
  const m = /^([A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z]\w*)$/.exec(name);
  if (!m) return undefined;
  const version = m[2]!.toLowerCase();
  return m[1] ? { prefix: m[1].toLowerCase(), version, type: m[3]! } : { version, type: m[3]! };
}

/** packageOf is the Go package word of an API group: `core` for '', else the group's first label (`apps`, `discovery`, `rbac`). */
export function packageOf(group: string): string {
  return group === '' ? 'core' : group.split('.')[0]!;
}

/** kindDefinitionName is a kind's own definition name: `io.k8s.api.core.v1.Pod`, `io.k8s.api.apps.v1.Deployment`. */
export function kindDefinitionName(info: Pick<KindInfo, 'group' | 'version' | 'kind'>): string {
  return `io.k8s.api.${packageOf(info.group)}.${info.version}.${info.kind}`;
}

/** KindDefinitions is one kind's generated schema's definition class names, for definitionNames. */
export interface KindDefinitions {
  info: Pick<KindInfo, 'group' | 'version' | 'kind'>;
  /** The root model's class (`V1Pod`), which the schema holds at its top, not under definitions. */
  rootClass: string;
  classes: readonly string[];
}

/**
 * definitionNames names every class of the given kinds' schemas as the API server's OpenAPI does.
 * A class is: a kind's root (`V1PersistentVolumeClaim`, also a StatefulSet's claim template) in that
 * kind's package; a meta/v1 type in apimachinery's; one with a package prefix (`DiscoveryV1EndpointPort`)
 * in that package; one reached only by kinds of one group other than core (`V1DeploymentSpec`) in that
 * group's package; anything else (`V1PodTemplateSpec`, reached by apps and batch) in core.
 */
export function definitionNames(kinds: readonly KindDefinitions[]): Map<string, string> {
  const names = new Map<string, string>();
  const groupsOf = new Map<string, Set<string>>();
  for (const k of kinds) {
    for (const c of k.classes) {
      if (!groupsOf.has(c)) groupsOf.set(c, new Set());
      groupsOf.get(c)!.add(k.info.group);
    }
  }
  for (const k of kinds) names.set(k.rootClass, kindDefinitionName(k.info));
  for (const [c, groups] of groupsOf) {
    if (names.has(c)) continue;
    const p = parseClass(c);
    if (!p) {
      names.set(c, `io.k8s.api.core.v1.${c}`);
      continue;
    }
    if (META_TYPES.has(p.type) && p.prefix === undefined) names.set(c, `${META_PREFIX}.${p.type}`);
    else if (p.prefix !== undefined) names.set(c, `io.k8s.api.${p.prefix}.${p.version}.${p.type}`);
    else {
      const only = groups.size === 1 ? [...groups][0]! : '';
      names.set(c, `io.k8s.api.${packageOf(only)}.${p.version}.${p.type}`);
    }
  }
  return names;
}

/** shortName is the last word of a definition name, as kubectl explain shows a field's type: `PodSpec`. */
export function shortName(definition: string): string {
  return definition.slice(definition.lastIndexOf('.') + 1);
}
