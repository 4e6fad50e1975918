/**
 * The patch metadata of every kind the server keeps: which lists merge by which key under a
 * strategic merge patch (`patchStrategy`, `patchMergeKey`), which objects are `retainKeys`, and how
 * server-side apply sees lists and maps (`x-kubernetes-list-type`, `-list-map-keys`, `-map-type`).
 *
 * The facts are upstream's struct tags and comment tags in kubernetes/kubernetes
 * staging/src/k8s.io/api/{core,apps,batch,discovery}/v1/types.go and apimachinery's
 * meta/v1/types.go (`patchStrategy:"merge" patchMergeKey:"name"`, `+listType=map`, `+listMapKey=`,
 * `+structType=atomic`, `+mapType=atomic`); the Pod's were checked against the v1.32 Pod schema
 * (/work/shared/reference/kubernetes/pod-v1-strict.json, test/unit/serve/patch/patch-meta.test.ts).
 * FIELD_META is keyed `GoType.field` (`PodSpec.containers`); the walk from a kind's root follows
 * the type graph generated from schemas/*.json (type-graph.ts), whose definition names are the Go
 * names with client-node's prefix (`V1PodSpec`).
 */
import { TYPE_GRAPH, TYPE_ROOTS } from './type-graph';

/** SchemaExtensions are the OpenAPI extensions that say how a field is patched and applied. */
export interface SchemaExtensions {
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
}

const MERGE = 'merge';
function mergeMap(key: string, keys: string[] = [key], strategy = MERGE): SchemaExtensions {
  return {
    'x-kubernetes-patch-merge-key': key,
    'x-kubernetes-patch-strategy': strategy,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': keys,
  };
}
const ATOMIC: SchemaExtensions = { 'x-kubernetes-list-type': 'atomic' };
const SET: SchemaExtensions = { 'x-kubernetes-list-type': 'set' };
const CONDITIONS = mergeMap('type');
const CONTAINER: Record<string, SchemaExtensions> = {
  args: ATOMIC,
  command: ATOMIC,
  env: mergeMap('name'),
  envFrom: ATOMIC,
  ports: mergeMap('containerPort', ['containerPort', 'protocol']),
  resizePolicy: ATOMIC,
  restartPolicyRules: ATOMIC,
  volumeDevices: mergeMap('devicePath'),
  volumeMounts: mergeMap('mountPath'),
};
const AFFINITY_TERMS = { preferredDuringSchedulingIgnoredDuringExecution: ATOMIC, requiredDuringSchedulingIgnoredDuringExecution: ATOMIC };

/** FIELD_META_BY_TYPE is the table: Go type -> field -> its extensions. Fields not named are plain (lists atomic, maps granular). */
const FIELD_META_BY_TYPE: Record<string, Record<string, SchemaExtensions>> = {
  // meta/v1
  ObjectMeta: {
    finalizers: { 'x-kubernetes-patch-strategy': MERGE, 'x-kubernetes-list-type': 'set' },
    managedFields: ATOMIC,
    ownerReferences: mergeMap('uid'),
  },
  LabelSelector: { matchExpressions: ATOMIC },
  LabelSelectorRequirement: { values: ATOMIC },
  // core/v1: the Pod
  PodSpec: {
    containers: mergeMap('name'),
    ephemeralContainers: mergeMap('name'),
    hostAliases: mergeMap('ip'),
    imagePullSecrets: mergeMap('name'),
    initContainers: mergeMap('name'),
    nodeSelector: { 'x-kubernetes-map-type': 'atomic' },
    readinessGates: ATOMIC,
    resourceClaims: mergeMap('name', ['name'], 'merge,retainKeys'),
    schedulingGates: mergeMap('name'),
    tolerations: ATOMIC,
    topologySpreadConstraints: mergeMap('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    volumes: mergeMap('name', ['name'], 'merge,retainKeys'),
  },
  Container: CONTAINER,
  EphemeralContainer: CONTAINER,
  ExecAction: { command: ATOMIC },
  HTTPGetAction: { httpHeaders: ATOMIC },
  ResourceRequirements: { claims: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] } },
  Capabilities: { add: ATOMIC, drop: ATOMIC },
  PodDNSConfig: { nameservers: ATOMIC, options: ATOMIC, searches: ATOMIC },
  HostAlias: { hostnames: ATOMIC },
  PodSecurityContext: { supplementalGroups: ATOMIC, sysctls: ATOMIC },
  NodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: ATOMIC },
  NodeSelector: { nodeSelectorTerms: ATOMIC },
  NodeSelectorTerm: { matchExpressions: ATOMIC, matchFields: ATOMIC },
  NodeSelectorRequirement: { values: ATOMIC },
  PodAffinity: AFFINITY_TERMS,
  PodAntiAffinity: AFFINITY_TERMS,
  PodAffinityTerm: { matchLabelKeys: ATOMIC, mismatchLabelKeys: ATOMIC, namespaces: ATOMIC },
  TopologySpreadConstraint: { matchLabelKeys: ATOMIC },
  CephFSVolumeSource: { monitors: ATOMIC },
  RBDVolumeSource: { monitors: ATOMIC },
  ConfigMapVolumeSource: { items: ATOMIC },
  ConfigMapProjection: { items: ATOMIC },
  SecretVolumeSource: { items: ATOMIC },
  SecretProjection: { items: ATOMIC },
  DownwardAPIVolumeSource: { items: ATOMIC },
  DownwardAPIProjection: { items: ATOMIC },
  FCVolumeSource: { targetWWNs: ATOMIC, wwids: ATOMIC },
  ISCSIVolumeSource: { portals: ATOMIC },
  ProjectedVolumeSource: { sources: ATOMIC },
  PodStatus: {
    conditions: CONDITIONS,
    containerStatuses: ATOMIC,
    ephemeralContainerStatuses: ATOMIC,
    hostIPs: { 'x-kubernetes-patch-merge-key': 'ip', 'x-kubernetes-patch-strategy': MERGE, 'x-kubernetes-list-type': 'atomic' },
    initContainerStatuses: ATOMIC,
    podIPs: mergeMap('ip'),
    resourceClaimStatuses: mergeMap('name', ['name'], 'merge,retainKeys'),
  },
  ContainerStatus: { allocatedResourcesStatus: mergeMap('name'), volumeMounts: mergeMap('mountPath') },
  ResourceStatus: { resources: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['resourceID'] } },
  LinuxContainerUser: { supplementalGroups: ATOMIC },
  // core/v1: the other kinds
  PersistentVolumeClaimSpec: { accessModes: ATOMIC },
  PersistentVolumeClaimStatus: { accessModes: ATOMIC, conditions: CONDITIONS, allocatedResourceStatuses: { 'x-kubernetes-map-type': 'granular' } },
  ServiceSpec: {
    clusterIPs: ATOMIC,
    externalIPs: ATOMIC,
    ipFamilies: ATOMIC,
    loadBalancerSourceRanges: ATOMIC,
    ports: mergeMap('port', ['port', 'protocol']),
    selector: { 'x-kubernetes-map-type': 'atomic' },
  },
  ServiceStatus: { conditions: CONDITIONS },
  LoadBalancerStatus: { ingress: ATOMIC },
  LoadBalancerIngress: { ports: ATOMIC },
  Endpoints: { subsets: ATOMIC },
  EndpointSubset: { addresses: ATOMIC, notReadyAddresses: ATOMIC, ports: ATOMIC },
  NamespaceSpec: { finalizers: ATOMIC },
  NamespaceStatus: { conditions: CONDITIONS },
  // discovery/v1
  EndpointSlice: { endpoints: ATOMIC, ports: ATOMIC },
  Endpoint: { addresses: SET },
  EndpointHints: { forNodes: ATOMIC, forZones: ATOMIC },
  // apps/v1
  DeploymentSpec: { strategy: { 'x-kubernetes-patch-strategy': 'retainKeys' } },
  DeploymentStatus: { conditions: CONDITIONS },
  ReplicaSetStatus: { conditions: CONDITIONS },
  StatefulSetSpec: { volumeClaimTemplates: ATOMIC },
  StatefulSetStatus: { conditions: CONDITIONS },
  DaemonSetStatus: { conditions: CONDITIONS },
  // batch/v1
  JobStatus: { conditions: { 'x-kubernetes-patch-merge-key': 'type', 'x-kubernetes-patch-strategy': MERGE, 'x-kubernetes-list-type': 'atomic' } },
  UncountedTerminatedPods: { failed: SET, succeeded: SET },
  PodFailurePolicy: { rules: ATOMIC },
  PodFailurePolicyRule: { onPodConditions: ATOMIC },
  PodFailurePolicyOnExitCodesRequirement: { values: SET },
  SuccessPolicy: { rules: ATOMIC },
  CronJobStatus: { active: ATOMIC },
};

/** FIELD_META is the table flat, keyed `GoType.field` (`PodSpec.containers`). */
export const FIELD_META: Readonly<Record<string, SchemaExtensions>> = Object.fromEntries(
  Object.entries(FIELD_META_BY_TYPE).flatMap(([t, fields]) => Object.entries(fields).map(([f, e]) => [`${t}.${f}`, e])),
);

/** ATOMIC_TYPES are the structs marked `+structType=atomic`: an apply owns them whole (`x-kubernetes-map-type: atomic`). */
export const ATOMIC_TYPES: ReadonlySet<string> = new Set([
  'OwnerReference',
  'LabelSelector',
  'LocalObjectReference',
  'TypedLocalObjectReference',
  'ObjectReference',
  'NodeSelector',
  'NodeSelectorTerm',
  'ConfigMapKeySelector',
  'SecretKeySelector',
  'ObjectFieldSelector',
  'ResourceFieldSelector',
]);

/** EXTRA_GRAPH adds the kinds the server stores that have no schema of their own here: core/v1 Event, apps/v1 ControllerRevision. */
const EXTRA_GRAPH: Record<string, Record<string, string>> = {
  Event: { involvedObject: 'V1ObjectReference', metadata: 'V1ObjectMeta', related: 'V1ObjectReference', series: 'V1EventSeries', source: 'V1EventSource' },
  V1EventSeries: {},
  V1EventSource: {},
  ControllerRevision: { data: '*', metadata: 'V1ObjectMeta' },
};
const EXTRA_ROOTS: Record<string, string> = { Event: 'Event', 'ControllerRevision.apps': 'ControllerRevision' };

/** goTypeName is a definition's Go type name: `V1PodSpec` -> `PodSpec`, `DiscoveryV1EndpointPort` -> `EndpointPort`. */
export function goTypeName(def: string): string {
  return def.replace(/^(?:CoreV1|DiscoveryV1|V1)(?=[A-Z])/, '');
}

/** FieldShape is what a place in an object holds, as the patch code walks it. */
export interface FieldShape {
  /** shape: an object of known fields, a list, a map of keys to one kind of value, a scalar, or anything. */
  shape: 'object' | 'list' | 'map' | 'scalar' | 'any';
  /** def is the definition of an object, or of a list's or map's items when they are objects. */
  def?: string;
  /** ext are the field's own extensions, plus `x-kubernetes-map-type: atomic` on an atomic struct. */
  ext: SchemaExtensions;
  /** item is the shape of a list's items or a map's values. */
  item?: FieldShape;
}

const ANY: FieldShape = { shape: 'any', ext: {} };
const SCALAR: FieldShape = { shape: 'scalar', ext: {} };

/**
 * TypeSchema is a set of types the patch code walks: a graph of definitions (type-graph.ts's
 * encoding), the extensions of their fields keyed `GoType.field`, the atomic structs and the roots by
 * group kind. KUBE_TYPES is the served kinds'; tests build their own (upstream's MergeItem).
 */
export class TypeSchema {
  constructor(
    private readonly graph: Readonly<Record<string, Readonly<Record<string, string>>>>,
    private readonly meta: Readonly<Record<string, SchemaExtensions>>,
    private readonly atomic: ReadonlySet<string>,
    private readonly roots: Readonly<Record<string, string>>,
  ) {}

  /** root is a kind's top object, by its group kind (`Pod`, `Deployment.apps`), or undefined for a kind it does not hold. */
  root(groupKind: string): FieldShape | undefined {
    const root = this.roots[groupKind];
    return root ? { shape: 'object', def: root, ext: {} } : undefined;
  }

  /** rootDef is the definition name of a kind's top object. */
  rootDef(groupKind: string): string | undefined {
    return this.roots[groupKind];
  }

  /** field is the shape of `name` in an object of shape `parent` (anything, for a field the schema does not name). */
  field(parent: FieldShape, name: string): FieldShape {
    if (parent.shape === 'map') return parent.item ?? ANY;
    if (parent.shape !== 'object' || !parent.def) return ANY;
    const graph = this.graph[parent.def];
    if (!graph) return ANY;
    const ext = this.meta[`${goTypeName(parent.def)}.${name}`] ?? {};
    const code = graph[name];
    return code === undefined ? { ...SCALAR, ext } : this.shapeOf(code, ext);
  }

  /** fieldsOf names the fields of a definition the walk visits: those with a shape and those with extensions. */
  fieldsOf(def: string): string[] {
    const prefix = `${goTypeName(def)}.`;
    const names = new Set([...Object.keys(this.graph[def] ?? {}), ...Object.keys(this.meta).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length))]);
    return [...names].sort();
  }

  /** isAtomicType says whether a definition is a struct marked atomic. */
  isAtomicType(def: string): boolean {
    return this.atomic.has(goTypeName(def));
  }

  /** fieldMeta is the extensions of `GoType.field`. */
  fieldMeta(def: string, name: string): SchemaExtensions | undefined {
    return this.meta[`${goTypeName(def)}.${name}`];
  }

  private objectShape(def: string, ext: SchemaExtensions = {}): FieldShape {
    const atomic = this.atomic.has(goTypeName(def)) && !ext['x-kubernetes-map-type'] ? { 'x-kubernetes-map-type': 'atomic' as const } : {};
    return { shape: 'object', def, ext: { ...ext, ...atomic } };
  }

  private shapeOf(code: string, ext: SchemaExtensions): FieldShape {
    if (code === '*') return { shape: 'any', ext };
    if (code.startsWith('[]')) {
      const rest = code.slice(2);
      const item = rest === '' ? SCALAR : rest === '*' ? ANY : this.objectShape(rest);
      return { shape: 'list', ext, item, ...(rest && rest !== '*' ? { def: rest } : {}) };
    }
    if (code.startsWith('{}')) {
      const rest = code.slice(2);
      return { shape: 'map', ext, item: rest ? this.objectShape(rest) : SCALAR, ...(rest ? { def: rest } : {}) };
    }
    return this.objectShape(code, ext);
  }
}

/** KUBE_TYPES are the types of every kind the server keeps. */
export const KUBE_TYPES = new TypeSchema({ ...TYPE_GRAPH, ...EXTRA_GRAPH }, FIELD_META, ATOMIC_TYPES, { ...TYPE_ROOTS, ...EXTRA_ROOTS });

/** rootShape is a kind's top object, by its group kind (`Pod`, `Deployment.apps`), or undefined for a kind with no schema. */
export function rootShape(groupKind: string): FieldShape | undefined {
  return KUBE_TYPES.root(groupKind);
}

/** fieldShape is the shape of `field` in an object of shape `parent` (anything, for a field the schema does not name). */
export function fieldShape(parent: FieldShape, field: string): FieldShape {
  return KUBE_TYPES.field(parent, field);
}

/** itemShape is the shape of a list's items. */
export function itemShape(list: FieldShape): FieldShape {
  return list.item ?? ANY;
}

/** groupKindOf is the group kind of an object (`Deployment.apps`, `Pod`) from its apiVersion and kind. */
export function groupKindOf(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? kind : `${kind}.${apiVersion.slice(0, slash)}`;
}

/**
 * patchMetaAt is the extensions of the field at `path` (field names from the kind's root; a list's
 * items add no segment: `['spec', 'containers', 'ports']`), or undefined when the kind or a step is
 * unknown. A field with none gives `{}`.
 */
export function patchMetaAt(groupKind: string, path: readonly string[]): SchemaExtensions | undefined {
  let node = rootShape(groupKind);
  for (const step of path) {
    if (!node) return undefined;
    while (node.shape === 'list') node = itemShape(node);
    if (node.shape !== 'object' && node.shape !== 'map') return undefined;
    node = fieldShape(node, step);
  }
  return node ? { ...node.ext } : undefined;
}

/**
 * schemaExtensionsFor is the extensions to merge into the schema node at a JSON pointer of the kind's
 * generated schema (schemas/*.json): `/properties/spec` (the root's fields),
 * `/definitions/V1PodSpec/properties/containers` (a field), `/definitions/V1OwnerReference` (a
 * definition: an atomic struct), or `{}`.
 */
export function schemaExtensionsFor(groupKind: string, pointer: string): SchemaExtensions {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const root = KUBE_TYPES.rootDef(groupKind);
  let def: string | undefined;
  let rest: string[];
  if (parts[0] === 'definitions' && parts[1]) {
    def = parts[1];
    rest = parts.slice(2);
  } else {
    def = root;
    rest = parts;
  }
  if (!def) return {};
  if (rest.length === 0) return KUBE_TYPES.isAtomicType(def) ? { 'x-kubernetes-map-type': 'atomic' } : {};
  if (rest[0] === 'properties' && rest[1] !== undefined && rest.length === 2) return { ...(KUBE_TYPES.fieldMeta(def, rest[1]) ?? {}) };
  return {};
}

/**
 * extensionsByPath walks a kind from its root and gives, for each property path (dotted, `[]` for a
 * list's items: `spec.containers[].ports`), the extensions of the field there, only where it has any.
 */
export function extensionsByPath(groupKind: string): Record<string, SchemaExtensions> {
  const out: Record<string, SchemaExtensions> = {};
  const root = rootShape(groupKind);
  if (!root) return out;
  const walk = (node: FieldShape, path: string, depth: number): void => {
    if (depth > 40 || !node.def) return;
    for (const f of KUBE_TYPES.fieldsOf(node.def)) {
      const child = fieldShape(node, f);
      const p = path ? `${path}.${f}` : f;
      if (Object.keys(child.ext).length > 0) out[p] = { ...child.ext };
      if (child.shape === 'object') walk(child, p, depth + 1);
      else if ((child.shape === 'list' || child.shape === 'map') && child.item?.shape === 'object') {
        const ip = child.shape === 'list' ? `${p}[]` : `${p}{}`;
        if (Object.keys(child.item.ext).length > 0) out[ip] = { ...child.item.ext };
        walk(child.item, ip, depth + 1);
      }
    }
  };
  walk(root, '', 0);
  return out;
}
