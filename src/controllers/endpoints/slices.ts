/**
 * The EndpointSlice controller's reconcile for one Service (k8s.io/endpointslice reconciler.go
 * Reconcile/reconcileByAddressType, utils.go podToEndpoint/getEndpointPorts/newEndpointSlice/
 * setEndpointSliceLabels), on one machine: IPv4 only, one slice per distinct set of ports. Pure.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { canonicalJson } from '../../domain/canonical-json';
import type { KubeObject, ObjectKey, StoredObject } from '../../domain/objects';
import { isPodReady } from '../pod-status';
import { LABEL_HEADLESS } from './endpoints';
import {
  findPort,
  hasSelector,
  isServiceIPSet,
  namespaceOf,
  nodeNameOf,
  podIPv4,
  protocolOf,
  selectedPods,
  shouldPodBeInEndpoints,
  shouldSetHostname,
  specOf,
  targetRefOf,
  type TargetRef,
} from './pod-endpoints';

/** LABEL_SERVICE_NAME is discovery.LabelServiceName: the Service a slice belongs to. */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
/** LABEL_MANAGED_BY is discovery.LabelManagedBy: who maintains a slice. */
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
/** MANAGED_BY is the EndpointSlice controller's name in LABEL_MANAGED_BY. */
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
/** ENDPOINT_SLICE_KIND is the group-qualified kind (ObjectKey.kind) of an EndpointSlice. */
export const ENDPOINT_SLICE_KIND = 'EndpointSlice.discovery.k8s.io';

/** SliceEndpoint is discovery/v1 Endpoint as the controller writes it. */
export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  nodeName?: string;
  targetRef: TargetRef;
}

/** SlicePort is discovery/v1 EndpointPort: name always written (`""` for an unnamed port), as upstream. */
export interface SlicePort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

/** getEndpointPorts: each Service port the pod offers (findPort), in the Service's order; a headless Service may have none. */
function endpointPorts(service: StoredObject, pod: V1Pod): SlicePort[] {
  const spec = specOf(service);
  const out: SlicePort[] = [];
  for (const sp of spec.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({ name: sp.name ?? '', port, protocol: protocolOf(sp), ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

/** portMapKey is NewPortMapKey: the set of ports, order aside. */
function portMapKey(ports: readonly SlicePort[]): string {
  return canonicalJson(ports.map((p) => canonicalJson(p)).sort());
}

/** podToEndpoint: the pod's address, its conditions (ready: serving and not terminating, or publishNotReadyAddresses), hostname, node, targetRef. */
function podToEndpoint(pod: V1Pod, ip: string, service: StoredObject, node: string): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  const ready = specOf(service).publishNotReadyAddresses === true || (serving && !terminating);
  const ep: SliceEndpoint = { addresses: [ip], conditions: { ready, serving, terminating }, targetRef: targetRefOf(pod) };
  if (shouldSetHostname(pod, service)) ep.hostname = pod.spec!.hostname!;
  const nodeName = nodeNameOf(pod, node);
  if (nodeName) ep.nodeName = nodeName;
  return ep;
}

/** sliceLabels is setEndpointSliceLabels: the Service's labels but the reserved ones, the headless mark, the service name and manager. */
export function sliceLabels(service: StoredObject): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.metadata.labels ?? {})) {
    if (k !== LABEL_SERVICE_NAME && k !== LABEL_MANAGED_BY && k !== LABEL_HEADLESS) labels[k] = v;
  }
  if (!isServiceIPSet(specOf(service))) labels[LABEL_HEADLESS] = '';
  labels[LABEL_SERVICE_NAME] = service.metadata.name;
  labels[LABEL_MANAGED_BY] = MANAGED_BY;
  return labels;
}

/** ownedBy: the slice's ownerReferences name the Service (uid, kind Service, apiVersion v1). */
function ownedBy(slice: StoredObject, service: StoredObject): boolean {
  const refs = (slice.metadata['ownerReferences'] ?? []) as Array<{ uid?: string; kind?: string; apiVersion?: string }>;
  return refs.some((r) => r.uid === service.metadata.uid && r.kind === 'Service' && r.apiVersion === 'v1');
}

/** slicePrefix is getEndpointSlicePrefix: `<svc>-` (a Service name is a DNS label, so the dash always fits). */
function slicePrefix(service: StoredObject): string {
  return `${service.metadata.name}-`;
}

/** managedSlices are the stored slices the controller lists for a Service: by its service-name and managed-by labels. */
export function managedSlices(service: StoredObject, objects: readonly StoredObject[]): StoredObject[] {
  return objects
    .filter((o) => o.kind === 'EndpointSlice' && o.metadata.labels?.[LABEL_SERVICE_NAME] === service.metadata.name && o.metadata.labels?.[LABEL_MANAGED_BY] === MANAGED_BY)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

const keyOf = (o: StoredObject): ObjectKey => ({ kind: ENDPOINT_SLICE_KIND, namespace: namespaceOf(o), name: o.metadata.name });
const nullIfEmpty = <T>(list: T[]): T[] | null => (list.length > 0 ? list : null);

/** slicePortsKey reads a stored slice's ports as a port map key. */
function storedPortsKey(slice: StoredObject): string {
  return portMapKey(((slice['ports'] ?? []) as SlicePort[]) ?? []);
}

/**
 * syncEndpointSlices is the EndpointSlice controller's reconcile of one existing Service: the
 * slices to write (only those that change) and to remove. A Service of type ExternalName or
 * without a selector gets none (nor are its slices touched). Pods are grouped by the set of
 * Service ports they offer; each group is one slice of addressType IPv4, named
 * `<svc>-<5 characters from suffix>` when it is made and keeping its name after; a Service with no
 * endpoint at all keeps one empty placeholder slice, as upstream. Slices of the Service's name that
 * another Service (an earlier one, another uid) owns are removed.
 *
 * Against upstream: a slice is not split at 100 endpoints (maxEndpointsPerSlice); endpoints are
 * ordered by pod name and ports kept in the Service's order (upstream's order follows Go map
 * iteration and object hashes); no zone, no topology hints; an emptied `endpoints` or `ports` is
 * written `null`, as the API server returns a slice it stored empty.
 */
export function syncEndpointSlices(
  service: StoredObject,
  pods: readonly V1Pod[],
  objects: readonly StoredObject[],
  node: string,
  suffix: () => string,
): { put: KubeObject[]; remove: ObjectKey[] } {
  const spec = specOf(service);
  if (spec.type === 'ExternalName' || !hasSelector(spec)) return { put: [], remove: [] };
  const put: KubeObject[] = [];
  const remove: ObjectKey[] = [];

  const existing = new Map<string, StoredObject[]>();
  for (const slice of managedSlices(service, objects)) {
    if (!ownedBy(slice, service)) {
      remove.push(keyOf(slice));
      continue;
    }
    if (slice['addressType'] !== 'IPv4') {
      remove.push(keyOf(slice));
      continue;
    }
    const k = storedPortsKey(slice);
    existing.set(k, [...(existing.get(k) ?? []), slice]);
  }

  const desired = new Map<string, { ports: SlicePort[]; endpoints: SliceEndpoint[] }>();
  for (const pod of selectedPods(service, pods)) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIPv4(pod);
    if (ip === undefined) continue;
    const ports = endpointPorts(service, pod);
    const k = portMapKey(ports);
    let group = desired.get(k);
    if (!group) desired.set(k, (group = { ports, endpoints: [] }));
    group.endpoints.push(podToEndpoint(pod, ip, service, node));
  }

  const labels = sliceLabels(service);
  const ownerReferences = [{ apiVersion: 'v1', kind: 'Service', name: service.metadata.name, uid: service.metadata.uid, controller: true, blockOwnerDeletion: true }];
  const write = (current: StoredObject | undefined, ports: SlicePort[], endpoints: SliceEndpoint[]): void => {
    const body = { addressType: 'IPv4', endpoints: nullIfEmpty(endpoints), ports: nullIfEmpty(ports) };
    if (current !== undefined) {
      const same =
        canonicalJson(current.metadata.labels ?? {}) === canonicalJson(labels) &&
        canonicalJson(current.metadata['ownerReferences'] ?? []) === canonicalJson(ownerReferences) &&
        canonicalJson({ addressType: current['addressType'], endpoints: current['endpoints'] ?? null, ports: current['ports'] ?? null }) === canonicalJson(body);
      if (same) return;
      put.push({ ...current, metadata: { ...current.metadata, labels, ownerReferences }, ...body });
      return;
    }
    const prefix = slicePrefix(service);
    put.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${prefix}${suffix()}`, generateName: prefix, namespace: namespaceOf(service), labels, ownerReferences },
      ...body,
    });
  };

  const used = new Set<string>();
  for (const k of [...desired.keys()].sort()) {
    const group = desired.get(k)!;
    const [current, ...extra] = existing.get(k) ?? [];
    used.add(k);
    for (const e of extra) remove.push(keyOf(e));
    write(current, group.ports, group.endpoints);
  }
  const stale = [...existing.entries()].filter(([k]) => !used.has(k)).flatMap(([, list]) => list);
  if (desired.size === 0) {
    // The placeholder: an empty slice stands for a Service with no endpoint; an existing one is kept.
    const placeholder = stale.find((s) => storedPortsKey(s) === portMapKey([]) && ((s['endpoints'] ?? []) as unknown[]).length === 0);
    for (const s of stale) if (s !== placeholder) remove.push(keyOf(s));
    write(placeholder, [], []);
  } else {
    for (const s of stale) remove.push(keyOf(s));
  }
  return { put, remove: remove.sort((a, b) => a.name.localeCompare(b.name)) };
}
