/**
 * What the Service kind's files share: the spec as kubeplay reads it, the API server's defaults
 * (core/v1 defaults.go SetDefaults_Service, and the IP family fields the service REST storage sets
 * on create, pkg/registry/core/service/storage/alloc.go initIPFamilyFields, for a single-stack IPv4
 * cluster), and the small predicates upstream names (isHeadlessService, ExternallyAccessible).
 */
import { asRecord } from '../../validate/rules/rule';

type Rec = Record<string, unknown>;

/** ServicePort is one entry of spec.ports as the kind's code reads it. */
export interface ServicePort {
  name?: string;
  protocol?: string;
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
  appProtocol?: string;
  [field: string]: unknown;
}

/** ServiceSpec is a Service's spec as the kind's code reads it. */
export interface ServiceSpec {
  type?: string;
  selector?: Record<string, string> | null;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  externalName?: string;
  externalIPs?: string[];
  sessionAffinity?: string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } } | null;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  externalTrafficPolicy?: string;
  internalTrafficPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean;
  loadBalancerClass?: string;
  loadBalancerIP?: string;
  loadBalancerSourceRanges?: string[];
  healthCheckNodePort?: number;
  trafficDistribution?: string;
  [field: string]: unknown;
}

/** ServiceView is a Service as the table, describe and the allocator read it. */
export interface ServiceView {
  metadata?: { name?: string; namespace?: string; creationTimestamp?: string };
  spec?: ServiceSpec;
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string; ipMode?: string }> } };
}

/** CLUSTER_IP_NONE is the clusterIP of a headless Service. */
export const CLUSTER_IP_NONE = 'None';

/** DEFAULT_CLIENT_IP_TIMEOUT is v1.DefaultClientIPServiceAffinitySeconds (3 hours). */
export const DEFAULT_CLIENT_IP_TIMEOUT = 10800;

/** MAX_CLIENT_IP_TIMEOUT is core.MaxClientIPServiceAffinitySeconds (one day). */
export const MAX_CLIENT_IP_TIMEOUT = 86400;

/** isHeadless is upstream's isHeadlessService: clusterIPs is exactly ["None"] (clusterIP None before the strategy syncs them). */
export function isHeadless(spec: ServiceSpec): boolean {
  const ips = Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0 ? spec.clusterIPs : spec.clusterIP !== undefined && spec.clusterIP !== '' ? [spec.clusterIP] : [];
  return ips.length === 1 && ips[0] === CLUSTER_IP_NONE;
}

/** externallyAccessible is apiservice.ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with externalIPs. */
export function externallyAccessible(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer' || (spec.type === 'ClusterIP' && (spec.externalIPs ?? []).length > 0);
}

/** hasSelector: the Service selects pods (a selector with at least one label). */
export function hasSelector(spec: ServiceSpec): boolean {
  return Object.keys(asRecord(spec.selector) ?? {}).length > 0;
}

const isZeroTarget = (t: unknown): boolean => t === undefined || t === null || t === 0 || t === '';

/** withoutNulls drops fields given as null (unset, for the API server). */
function withoutNulls(r: Rec): Rec {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null && v !== undefined));
}

/**
 * serviceSpecDefaults is SetDefaults_Service and the strategy's clusterIP/clusterIPs sync
 * (PrepareForCreate's normalizeClusterIPs), then the IP family fields the REST storage sets on a
 * single-stack IPv4 cluster: SingleStack and [IPv4], but for a headless Service without a selector,
 * which gets RequireDualStack and both families (kubernetes/kubernetes#99555: what such a Service
 * reports on any cluster), and none for ExternalName. The nodePorts and a missing clusterIP are
 * the allocator's (allocate.ts).
 */
export function serviceSpecDefaults(raw: Rec): Rec {
  const spec = withoutNulls(raw) as ServiceSpec;
  // Go cannot tell an empty string from an absent one: SetDefaults_Service fills both.
  const type = spec.type || 'ClusterIP';
  const out: ServiceSpec = { ...spec, type };
  out.sessionAffinity = spec.sessionAffinity || 'None';
  if (out.sessionAffinity === 'None') delete out.sessionAffinityConfig;
  if (out.sessionAffinity === 'ClientIP' && asRecord(asRecord(spec.sessionAffinityConfig)?.['clientIP'])?.['timeoutSeconds'] == null)
    out.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT } };
  if (Array.isArray(spec.ports))
    out.ports = spec.ports.map((p) => {
      const port = asRecord(p);
      if (!port) return p;
      return { ...port, protocol: port['protocol'] || 'TCP', targetPort: isZeroTarget(port['targetPort']) ? port['port'] : port['targetPort'] } as ServicePort;
    });
  if (externallyAccessible(out) && !out.externalTrafficPolicy) out.externalTrafficPolicy = 'Cluster';
  if (out.internalTrafficPolicy === undefined && (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP')) out.internalTrafficPolicy = 'Cluster';
  if (type === 'LoadBalancer' && out.allocateLoadBalancerNodePorts === undefined) out.allocateLoadBalancerNodePorts = true;
  // normalizeClusterIPs: one of clusterIP / clusterIPs given sets the other.
  if (typeof out.clusterIP === 'string' && out.clusterIP !== '' && (out.clusterIPs ?? []).length === 0) out.clusterIPs = [out.clusterIP];
  else if ((out.clusterIP ?? '') === '' && Array.isArray(out.clusterIPs) && out.clusterIPs.length > 0 && typeof out.clusterIPs[0] === 'string') out.clusterIP = out.clusterIPs[0];
  if (type !== 'ExternalName') {
    if (isHeadless(out) && !hasSelector(out)) {
      out.ipFamilyPolicy ??= 'RequireDualStack';
      out.ipFamilies ??= ['IPv4', 'IPv6'];
    } else {
      out.ipFamilies ??= ['IPv4'];
      out.ipFamilyPolicy ??= out.ipFamilies.length > 1 ? 'RequireDualStack' : 'SingleStack';
    }
  }
  return out;
}

/** withServiceDefaults applies serviceSpecDefaults to a Service manifest (an absent spec gets one, as the API server decodes it). */
export function withServiceDefaults(o: Rec): Rec {
  const spec = asRecord(o['spec']) ?? {};
  return { ...o, spec: serviceSpecDefaults(spec) };
}
