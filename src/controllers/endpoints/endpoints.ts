/**
 * The Endpoints controller's sync pass (kubernetes pkg/controller/endpoint/endpoints_controller.go
 * syncService) and the canonical layout of subsets (pkg/api/v1/endpoints RepackSubsets). Pure.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { canonicalJson } from '../../domain/canonical-json';
import type { KubeObject, ObjectKey, StoredObject } from '../../domain/objects';
import { isPodReady } from '../pod-status';
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

/** LABEL_HEADLESS is v1.IsHeadlessService: on the Endpoints (and slices) of a Service without a ClusterIP. */
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
/** ANNOTATION_TRIGGER_TIME is v1.EndpointsLastChangeTriggerTime; kubeplay does not write it (see syncEndpoints). */
export const ANNOTATION_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** ANNOTATION_OVER_CAPACITY is v1.EndpointsOverCapacity. */
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
/** ANNOTATION_LEADER is resourcelock.LeaderElectionRecordAnnotationKey: Endpoints that are a leader lock, never orphans. */
export const ANNOTATION_LEADER = 'control-plane.alpha.kubernetes.io/leader';

/** EndpointAddress is core/v1 EndpointAddress as the controller writes it. */
export interface EndpointAddress {
  ip: string;
  hostname?: string;
  /** Always written (upstream points at the pod's spec.nodeName, empty or not). */
  nodeName: string;
  targetRef: TargetRef;
}

/** EndpointPort is core/v1 EndpointPort: the Service port's name and protocol, the pod's port number. */
export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

/** EndpointSubset is core/v1 EndpointSubset; empty lists are left out, as the API server stores them. */
export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** endpointPort is endpointPortFromServicePort. */
function endpointPort(sp: { name?: string; protocol?: string; appProtocol?: string }, port: number): EndpointPort {
  return { ...(sp.name ? { name: sp.name } : {}), port, protocol: protocolOf(sp), ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) };
}

/**
 * desiredSubsets is syncService's loop: each selected pod that should be in endpoints (not
 * Succeeded or Failed, with an IP, not terminating unless publishNotReadyAddresses), once per
 * service port it offers (findPort), as a ready address (Ready, or publishNotReadyAddresses) or a
 * not-ready one; a headless Service without ports lists the pods without ports; then repacked.
 */
export function desiredSubsets(service: StoredObject, pods: readonly V1Pod[], node: string): EndpointSubset[] {
  const spec = specOf(service);
  const tolerate = spec.publishNotReadyAddresses === true;
  const raw: EndpointSubset[] = [];
  for (const pod of selectedPods(service, pods)) {
    if (!shouldPodBeInEndpoints(pod, tolerate)) continue;
    const ip = podIPv4(pod);
    if (ip === undefined) continue;
    const addr: EndpointAddress = { ip, nodeName: nodeNameOf(pod, node), targetRef: targetRefOf(pod) };
    if (shouldSetHostname(pod, service)) addr.hostname = pod.spec!.hostname!;
    const ready = tolerate || isPodReady(pod);
    const add = (ports: EndpointPort[]): void => {
      raw.push(ready ? { addresses: [addr], ports } : { notReadyAddresses: [addr], ports });
    };
    const ports = spec.ports ?? [];
    if (ports.length === 0) {
      if (spec.clusterIP === 'None') add([]);
      continue;
    }
    for (const sp of ports) {
      const n = findPort(pod, sp);
      if (n !== undefined) add([endpointPort(sp, n)]);
    }
  }
  return repackSubsets(raw);
}

const addressKey = (a: EndpointAddress): string => `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;

/** lessAddress is LessEndpointAddress: by IP text, then targetRef uid. */
function compareAddress(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function comparePort(a: EndpointPort, b: EndpointPort): number {
  return a.port - b.port || (a.name ?? '').localeCompare(b.name ?? '') || a.protocol.localeCompare(b.protocol);
}

/**
 * repackSubsets is RepackSubsets: every (address, port) pair expanded, addresses de-duplicated by
 * IP and pod uid (not ready wins over ready for a port), ports that share exactly the same set of
 * addresses gathered into one subset; a subset without ports keeps its addresses (upstream's
 * sentinel port). Sorted as SortSubsets sorts: addresses by IP then uid. Upstream orders ports and
 * subsets by an md5 of Go's object dump, which cannot be reproduced here; kubeplay orders ports by
 * number, name, protocol and subsets by their JSON, so the layout is as deterministic, in another order.
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const NO_PORT = '\u0000none';
  const addrs = new Map<string, EndpointAddress>();
  const ports = new Map<string, { port: EndpointPort | undefined; ready: Map<string, boolean> }>();
  const map = (a: EndpointAddress, portKey: string, port: EndpointPort | undefined, ready: boolean): void => {
    const k = addressKey(a);
    if (!addrs.has(k)) addrs.set(k, a);
    let entry = ports.get(portKey);
    if (!entry) ports.set(portKey, (entry = { port, ready: new Map() }));
    const was = entry.ready.get(k);
    if (was === undefined || was) entry.ready.set(k, ready);
  };
  for (const s of subsets) {
    const list = s.ports && s.ports.length > 0 ? s.ports.map((p) => ({ key: canonicalJson(p), port: p })) : [{ key: NO_PORT, port: undefined }];
    for (const { key, port } of list) {
      for (const a of s.addresses ?? []) map(a, key, port, true);
      for (const a of s.notReadyAddresses ?? []) map(a, key, port, false);
    }
  }
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of ports.values()) {
    const key = [...ready.entries()].map(([k, r]) => `${k}\u0000${r}`).sort().join('\u0001');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ready, ports: [] }));
    if (port !== undefined) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready = [...g.ready.entries()].filter(([, r]) => r).map(([k]) => addrs.get(k)!).sort(compareAddress);
    const notReady = [...g.ready.entries()].filter(([, r]) => !r).map(([k]) => addrs.get(k)!).sort(compareAddress);
    const subset: EndpointSubset = {};
    if (ready.length > 0) subset.addresses = ready;
    if (notReady.length > 0) subset.notReadyAddresses = notReady;
    if (g.ports.length > 0) subset.ports = [...g.ports].sort(comparePort);
    out.push(subset);
  }
  return out.sort((a, b) => (canonicalJson(a) < canonicalJson(b) ? -1 : canonicalJson(a) > canonicalJson(b) ? 1 : 0));
}

/** withoutLabel is the labels without one key; undefined-safe. */
function withoutLabel(labels: Readonly<Record<string, string>> | undefined, key: string): Record<string, string> {
  const out = { ...(labels ?? {}) };
  delete out[key];
  return out;
}

/**
 * syncEndpoints is syncService for one existing Service: the Endpoints object `<svc>` to write, or
 * undefined when there is nothing to write. A Service of type ExternalName or without a selector is
 * left alone (its Endpoints, if any, are the user's). Nothing is written when the stored subsets
 * and labels (the headless label aside, as upstream compares) are what they would be. The written
 * object keeps the stored one's metadata and annotations (apart from the two the controller owns),
 * takes the Service's labels, plus `service.kubernetes.io/headless` without a ClusterIP.
 *
 * `endpoints.kubernetes.io/last-change-trigger-time` is not written: upstream computes it from a
 * tracker of the pod and Service states it saw at its previous sync, which a controller run on one
 * observation has no equal of; an existing one is removed on the next write, as upstream does when
 * it has no trigger time. Endpoints are not truncated at 1000 addresses (over-capacity): a machine
 * runs far fewer pods.
 */
export function syncEndpoints(service: StoredObject, pods: readonly V1Pod[], current: StoredObject | undefined, node: string): KubeObject | undefined {
  const spec = specOf(service);
  if (spec.type === 'ExternalName' || !hasSelector(spec)) return undefined;
  const subsets = desiredSubsets(service, pods, node);
  const serviceLabels = service.metadata.labels ?? {};
  if (
    current !== undefined &&
    canonicalJson(current['subsets'] ?? []) === canonicalJson(subsets) &&
    canonicalJson(withoutLabel(current.metadata.labels, LABEL_HEADLESS)) === canonicalJson(serviceLabels) &&
    current.metadata.annotations?.[ANNOTATION_OVER_CAPACITY] === undefined
  ) {
    return undefined;
  }
  const labels: Record<string, string> = { ...serviceLabels };
  if (!isServiceIPSet(spec)) labels[LABEL_HEADLESS] = '';
  else delete labels[LABEL_HEADLESS];
  const annotations = withoutLabel(withoutLabel(current?.metadata.annotations, ANNOTATION_TRIGGER_TIME), ANNOTATION_OVER_CAPACITY);
  // An emptied field is written as undefined (left out of the stored JSON) rather than dropped
  // from the object, so that a write that clears it is not mistaken for one that keeps it.
  const metadata: Record<string, unknown> = current
    ? { ...current.metadata }
    : { name: service.metadata.name, namespace: namespaceOf(service) };
  metadata['labels'] = Object.keys(labels).length > 0 ? labels : undefined;
  metadata['annotations'] = Object.keys(annotations).length > 0 ? annotations : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    ...(current ? omitKnown(current) : {}),
    metadata: metadata as KubeObject['metadata'],
    subsets: subsets.length > 0 ? subsets : undefined,
  };
}

/** omitKnown keeps a stored object's other top-level fields (none for Endpoints, kept for safety). */
function omitKnown(o: StoredObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata: _m, subsets: _s, ...rest } = o;
  return rest;
}

/**
 * orphanedEndpoints is upstream's deletion of a Service's Endpoints (syncService when the Service
 * is not found, and checkLeftoverEndpoints at start): every Endpoints object with no Service of the
 * same namespace and name, but those holding a leader-election record. Call it with the stored
 * Services and Endpoints after a Service is deleted (and on a reconcile round); EndpointSlices need
 * no such call, their ownerReference to the Service lets the garbage collector remove them.
 */
export function orphanedEndpoints(services: readonly KubeObject[], endpoints: readonly KubeObject[]): ObjectKey[] {
  const have = new Set(services.filter((s) => s.kind === 'Service').map((s) => `${namespaceOf(s)}/${s.metadata.name}`));
  return endpoints
    .filter((e) => e.kind === 'Endpoints' && !have.has(`${namespaceOf(e)}/${e.metadata.name}`) && e.metadata.annotations?.[ANNOTATION_LEADER] === undefined)
    .map((e) => ({ kind: 'Endpoints', namespace: namespaceOf(e), name: e.metadata.name }))
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}
