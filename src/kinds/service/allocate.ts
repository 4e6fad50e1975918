/**
 * allocateService: a Service's ClusterIP and nodePorts, as the API server's service REST storage
 * allocates them on create and keeps them on update (pkg/registry/core/service/storage/alloc.go,
 * ipallocator, portallocator), over kubeplay's network layout. Pure: the addresses and ports other
 * Services hold are handed in, and the object comes back with spec.clusterIP, spec.clusterIPs and
 * each port's nodePort set, or the API server's refusal.
 *
 * - ExternalName: no clusterIP, no nodePorts. Headless (`clusterIP: None`): clusterIPs [None].
 * - A clusterIP written in the manifest is honoured when it lies in layout.serviceRange (not its
 *   network or broadcast address) and nobody holds it (the `kubernetes` Service's and the DNS
 *   server's addresses are held); one kept from the previous object is always honoured.
 * - No clusterIP written: the previous object's (an update keeps it), else the lowest free address.
 * - NodePort and LoadBalancer (unless allocateLoadBalancerNodePorts is false): each port's nodePort
 *   as written (30000-32767, not held by another Service), else the previous object's for the same
 *   port and protocol, else the lowest free from 30000. Other types drop nodePorts.
 */
import type { KubeObject, StoredObject } from '../../domain/objects';
import { inCidr, ipToNumber, numberToIp, parseCidr, type NetworkLayout } from '../../domain/network';
import { renderValue } from '../../validate/rules/field-errors';
import { invalidMessage } from '../stored-object';
import { CLUSTER_IP_NONE, type ServiceSpec } from './spec';

/** NODE_PORT_RANGE is the API server's default --service-node-port-range. */
export const NODE_PORT_RANGE = { first: 30000, last: 32767 } as const;

/** Taken is what other Services hold: their ClusterIPs and nodePorts. */
export interface Taken {
  clusterIPs: ReadonlySet<string>;
  nodePorts: ReadonlySet<number>;
}

/** AllocationResult is the Service with its addresses and ports, or the API server's refusal (`Service "web" is invalid: ...`). */
export type AllocationResult = { object: KubeObject } | { error: string };

const specOf = (o: KubeObject | undefined): ServiceSpec => ((o?.spec ?? {}) as ServiceSpec);

/** previousClusterIP is the address an update keeps: the previous object's, if it had one of its own. */
function previousClusterIP(previous: StoredObject | undefined): string | undefined {
  const s = specOf(previous);
  const ip = s.clusterIPs?.[0] ?? s.clusterIP;
  return s.type !== 'ExternalName' && typeof ip === 'string' && ip !== '' && ip !== CLUSTER_IP_NONE ? ip : undefined;
}

/** clusterIPFor picks the Service's address; a string error is upstream's field error. */
function clusterIPFor(requested: string | undefined, kept: string | undefined, taken: Taken, layout: NetworkLayout): { ip: string } | { error: string } {
  const range = parseCidr(layout.serviceRange);
  if (range === undefined) return { error: `spec.clusterIPs: Internal error: the service range ${layout.serviceRange} is not an IPv4 CIDR` };
  const held = (ip: string) => taken.clusterIPs.has(ip) || ip === layout.kubernetesIP || ip === layout.dnsIP;
  if (requested !== undefined) {
    if (requested === kept) return { ip: requested };
    const n = ipToNumber(requested);
    const bad = (why: string) => ({ error: `spec.clusterIPs: Invalid value: ${renderValue([requested])}: failed to allocate IP ${requested}: ${why}` });
    if (Number.isNaN(n) || !inCidr(requested, layout.serviceRange) || n === range.base || n === range.base + range.size - 1)
      return bad(`provided IP is not in the valid range. The range of valid IPs is ${layout.serviceRange}`);
    if (held(requested)) return bad('provided IP is already allocated');
    return { ip: requested };
  }
  if (kept !== undefined) return { ip: kept };
  for (let n = range.base + 1; n < range.base + range.size - 1; n++) {
    const ip = numberToIp(n);
    if (!held(ip)) return { ip };
  }
  return { error: 'Internal error occurred: failed to allocate a serviceIP: range is full' };
}

/** publishes: the type may have nodePorts (a LoadBalancer with allocateLoadBalancerNodePorts false keeps only those written). */
function publishes(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

/** needsNodePorts: every port gets a nodePort. */
function needsNodePorts(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

/** allocateService gives a Service its clusterIP and nodePorts; see the module comment. */
export function allocateService(next: KubeObject, previous: StoredObject | undefined, taken: Taken, layout: NetworkLayout): AllocationResult {
  const spec: ServiceSpec = { ...specOf(next) };
  const errors: string[] = [];
  const name = next.metadata.name;
  if (spec.type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  } else {
    const requested = spec.clusterIPs?.[0] ?? (spec.clusterIP !== '' ? spec.clusterIP : undefined);
    if (requested === CLUSTER_IP_NONE) {
      spec.clusterIP = CLUSTER_IP_NONE;
      spec.clusterIPs = [CLUSTER_IP_NONE];
    } else {
      const r = clusterIPFor(requested, previousClusterIP(previous), taken, layout);
      if ('error' in r) errors.push(r.error);
      else {
        spec.clusterIP = r.ip;
        spec.clusterIPs = [r.ip];
      }
    }
  }
  const ports = (spec.ports ?? []).map((p) => ({ ...p }));
  if (publishes(spec)) {
    const previousPorts = publishes(specOf(previous)) ? (specOf(previous).ports ?? []) : [];
    const own = new Set(previousPorts.map((p) => p.nodePort).filter((n): n is number => typeof n === 'number' && n > 0));
    const used = new Set<number>();
    ports.forEach((p, i) => {
      const n = p.nodePort;
      if (n === undefined || n === 0) return;
      if (!own.has(n)) {
        const bad = (why: string) => errors.push(`spec.ports[${i}].nodePort: Invalid value: ${n}: ${why}`);
        if (n < NODE_PORT_RANGE.first || n > NODE_PORT_RANGE.last) return bad(`provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.first}-${NODE_PORT_RANGE.last}`);
        if (taken.nodePorts.has(n)) return bad('provided port is already allocated');
      }
      used.add(n);
    });
    const free = (n: number) => !taken.nodePorts.has(n) && !used.has(n);
    for (const p of needsNodePorts(spec) ? ports : []) {
      if (p.nodePort !== undefined && p.nodePort !== 0) continue;
      const kept = previousPorts.find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))?.nodePort;
      let n: number | undefined = kept !== undefined && kept > 0 && !used.has(kept) ? kept : undefined;
      for (let c: number = NODE_PORT_RANGE.first; n === undefined && c <= NODE_PORT_RANGE.last; c++) if (free(c)) n = c;
      if (n === undefined) {
        errors.push('Internal error occurred: failed to allocate a nodePort: range is full');
        break;
      }
      p.nodePort = n;
      used.add(n);
    }
  } else for (const p of ports) delete p.nodePort;
  if (spec.ports !== undefined) spec.ports = ports;
  if (errors.length > 0) return { error: invalidMessage('Service', name, errors)[0]! };
  return { object: { ...next, spec } };
}

/**
 * kubernetesService is the `kubernetes` Service of the default namespace that every cluster has
 * (the API server's bootstrap controller writes it): ClusterIP layout.kubernetesIP, port `https`
 * 443 to 6443, no selector. kubeplay serves no Kubernetes API; the lead decides where its
 * endpoints point (docs/networking.md) and whether to store it. `created` is its creationTimestamp.
 */
export function kubernetesService(layout: NetworkLayout, created: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' }, creationTimestamp: created },
    spec: {
      type: 'ClusterIP',
      clusterIP: layout.kubernetesIP,
      clusterIPs: [layout.kubernetesIP],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      sessionAffinity: 'None',
    },
    status: { loadBalancer: {} },
  };
}
