/**
 * What the Endpoints and EndpointSlice controllers read of a Service and its pods, as upstream's
 * k8s.io/endpointslice (utils.go, util/controller_utils.go) and pkg/controller/endpoint read them:
 * which pods count, the address, the hostname, a service port's target on a pod. Pure.
 */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { StoredObject } from '../../domain/objects';

/** ServicePortSpec is one entry of a Service's spec.ports as stored (the API server's defaults may be absent). */
export interface ServicePortSpec {
  name?: string;
  protocol?: string;
  appProtocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

/** ServiceSpecView is the part of a Service's spec the controllers read. */
export interface ServiceSpecView {
  type?: string;
  clusterIP?: string;
  selector?: Record<string, string>;
  ports?: ServicePortSpec[];
  publishNotReadyAddresses?: boolean;
}

/** specOf reads a stored Service's spec. */
export function specOf(service: StoredObject): ServiceSpecView {
  return service.spec ?? {};
}

/** namespaceOf is an object's namespace, `default` when absent. */
export function namespaceOf(o: { metadata?: { namespace?: string } }): string {
  return o.metadata?.namespace || 'default';
}

/** isServiceIPSet is v1helper.IsServiceIPSet: a ClusterIP that is neither empty nor `None`. */
export function isServiceIPSet(spec: ServiceSpecView): boolean {
  return spec.clusterIP !== undefined && spec.clusterIP !== '' && spec.clusterIP !== 'None';
}

/**
 * hasSelector: upstream skips a Service whose spec.selector is nil. An empty map is nil once the
 * API server has stored it (the map does not survive its encoding), so `selector: {}` counts as none
 * here, where upstream's unit tests, which hand the controller a Go value, see it select every pod.
 */
export function hasSelector(spec: ServiceSpecView): boolean {
  return spec.selector !== undefined && spec.selector !== null && Object.keys(spec.selector).length > 0;
}

/** selectorMatches is labels.Set(selector).AsSelectorPreValidated().Matches: every key equal. */
export function selectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** protocolOf is a port's protocol with the API server's default, TCP. */
export function protocolOf(p: { protocol?: string | undefined }): string {
  return p.protocol || 'TCP';
}

/** podIPv4 is the pod's first IPv4 address (status.podIPs, else status.podIP); undefined when it has none. */
export function podIPv4(pod: V1Pod): string | undefined {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => typeof ip === 'string' && ip !== '');
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips.find((ip) => !ip.includes(':'));
}

/**
 * shouldPodBeInEndpoints is endpointutil.ShouldPodBeInEndpoints: not Succeeded or Failed, with an
 * IP, and (unless terminating pods are wanted) not being deleted.
 */
export function shouldPodBeInEndpoints(pod: V1Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP && (pod.status?.podIPs ?? []).length === 0) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null) return false;
  return true;
}

/**
 * shouldSetHostname is endpointutil.ShouldSetHostname: the pod has a spec.hostname, its
 * spec.subdomain names the Service, and they share a namespace.
 */
export function shouldSetHostname(pod: V1Pod, service: StoredObject): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === service.metadata.name && namespaceOf(pod) === namespaceOf(service);
}

/**
 * findPort is podutil.FindPort: a numeric targetPort is the port (absent: the Service port, the
 * API server's default); a named one is the containerPort of the same name and protocol in the
 * pod's containers, then its native sidecars (init containers with restartPolicy Always).
 * Undefined: the pod does not offer it, and is left out for that port.
 */
export function findPort(pod: V1Pod, sp: ServicePortSpec): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const proto = protocolOf(sp);
  const search = (containers: readonly V1Container[]): number | undefined =>
    containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target && protocolOf(p) === proto)?.containerPort;
  return search(pod.spec?.containers ?? []) ?? search((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'));
}

/** TargetRef is an address's reference to its pod (core/v1 ObjectReference's fields the controllers set). */
export interface TargetRef {
  kind: 'Pod';
  namespace: string;
  name: string;
  uid?: string;
}

/** targetRefOf is the pod as an address's targetRef. */
export function targetRefOf(pod: V1Pod): TargetRef {
  const ref: TargetRef = { kind: 'Pod', namespace: namespaceOf(pod), name: pod.metadata?.name ?? '' };
  if (pod.metadata?.uid) ref.uid = pod.metadata.uid;
  return ref;
}

/** nodeNameOf is where the pod runs: its spec.nodeName, else the one node kubeplay has. */
export function nodeNameOf(pod: V1Pod, node: string): string {
  return pod.spec?.nodeName || node;
}

/** selectedPods are the namespace's pods the Service selects, by name (deterministic order). */
export function selectedPods(service: StoredObject, pods: readonly V1Pod[]): V1Pod[] {
  const selector = specOf(service).selector ?? {};
  return pods
    .filter((p) => namespaceOf(p) === namespaceOf(service) && selectorMatches(selector, p.metadata?.labels))
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}
