/**
 * allocateServices: an apply's Services get their ClusterIPs and nodePorts, as the API server's
 * allocators give them on create (kinds/service/allocate.ts decides; this reads what is taken from
 * the store and the input, in input order, and writes the results into the desired objects).
 */
import type { V1Service } from '@kubernetes/client-node';
import type { NetworkLayout } from '../domain/network';
import type { DesiredObject } from '../plan/plan-objects';
import type { ObjectStore } from '../store/object-store';
import { allocateService } from '../kinds/service/allocate';
import type { ContainerEngine } from '../engine/container-engine';
import type { HostProbe } from '../observe/observe-state';
import type { StoredObject } from '../domain/objects';
import { proxyPod } from '../plan/plan-network';

const SERVICE = 'Service';

interface ServiceSpecView {
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: Array<{ nodePort?: number }>;
}

function taken(s: { spec?: unknown }): { ips: string[]; nodePorts: number[] } {
  const spec = (s.spec ?? {}) as ServiceSpecView;
  const ips = [...(spec.clusterIPs ?? []), ...(spec.clusterIP ? [spec.clusterIP] : [])].filter((ip) => ip !== 'None' && ip !== '');
  const nodePorts = (spec.ports ?? []).flatMap((p) => (p.nodePort !== undefined ? [p.nodePort] : []));
  return { ips, nodePorts };
}

/**
 * allocateServices fills in the input's Services (mutating `desired`' objects) and returns them,
 * with the API server's refusals (`The Service "db" is invalid: spec.clusterIPs: ...`).
 */
export function allocateServices(
  desired: DesiredObject[],
  store: ObjectStore | undefined,
  layout: NetworkLayout,
  hostIP?: string,
  hostPorts: ReadonlySet<number> = new Set(),
): { services: V1Service[]; conflicts: string[] } {
  const mine = desired.filter((d) => d.key.kind === SERVICE);
  if (mine.length === 0) return { services: [], conflicts: [] };
  const keyOf = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
  const inInput = new Set(mine.map((d) => keyOf(d.key.namespace, d.key.name)));
  const storedAll = store?.list({ kind: SERVICE }).items ?? [];
  const clusterIPs = new Set<string>();
  // Ports published on the host by anything but this network's proxies are not handed out as nodePorts.
  const nodePorts = new Set<number>(hostPorts);
  // What other Services hold stays taken; an input Service's own previous values are its to keep.
  for (const o of storedAll) {
    if (inInput.has(keyOf(o.metadata.namespace, o.metadata.name))) continue;
    const t = taken(o);
    t.ips.forEach((ip) => clusterIPs.add(ip));
    t.nodePorts.forEach((p) => nodePorts.add(p));
  }
  const services: V1Service[] = [];
  const conflicts: string[] = [];
  for (const d of mine) {
    const previous = store?.get(d.key);
    const result = allocateService(d.object, previous, { clusterIPs, nodePorts }, layout);
    if ('error' in result) {
      conflicts.push(result.error);
      continue;
    }
    // A LoadBalancer is published on this machine: its ingress is the host's address.
    const isLB = (result.object['spec'] as { type?: string } | undefined)?.type === 'LoadBalancer';
    d.object = isLB && hostIP !== undefined ? { ...result.object, status: { loadBalancer: { ingress: [{ ip: hostIP, ipMode: 'VIP' }] } } } : result.object;
    const t = taken(result.object);
    t.ips.forEach((ip) => clusterIPs.add(ip));
    t.nodePorts.forEach((p) => nodePorts.add(p));
    services.push(d.object as unknown as V1Service);
  }
  return { services, conflicts };
}

/** hostHeldPorts: the host ports published by Podman containers other than this network's Services' proxies (another state directory's, a pod's hostPort). */
export async function hostHeldPorts(engine: ContainerEngine, network: string): Promise<Set<number>> {
  const own = (name: string) => name.startsWith(`${network}_`);
  return new Set((await engine.listContainers()).filter((c) => !own(c.podName)).flatMap((c) => c.ports.map((p) => p.hostPort)));
}

/** mergeServices: the stored Services with the input's over them. */
export function mergeServices(stored: readonly V1Service[], input: readonly V1Service[]): V1Service[] {
  const key = (s: V1Service) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
  const over = new Set(input.map(key));
  return [...stored.filter((s) => !over.has(key(s))), ...input];
}

/** PortConflict is a published port something else holds: the nodePort (for a retry with another), and the refusal. */
export interface PortConflict {
  nodePort: number | undefined;
  message: string;
}

/**
 * publishedPortConflicts: the host ports the input's NodePort and LoadBalancer Services would
 * publish that something else holds (another pod's or Service's published port, or a process
 * outside Podman), found before any change as a pod's hostPort conflicts are. A Service whose proxy
 * already publishes the same ports is not checked again.
 */
export async function publishedPortConflicts(engine: ContainerEngine, probe: HostProbe, layout: NetworkLayout, services: readonly V1Service[]): Promise<PortConflict[]> {
  const wanted = services.filter((s) => s.spec?.type === 'NodePort' || s.spec?.type === 'LoadBalancer');
  if (wanted.length === 0) return [];
  const containers = await engine.listContainers();
  const out: PortConflict[] = [];
  for (const svc of wanted) {
    const pod = proxyPod(layout, svc as unknown as StoredObject);
    const own = containers.filter((c) => c.podName === pod.name).flatMap((c) => c.ports);
    const same = own.length === pod.ports.length && pod.ports.every((p) => own.some((o) => o.hostPort === p.hostPort && o.protocol === p.protocol));
    if (same) continue;
    for (const p of pod.ports) {
      const holder = containers.find((c) => c.podName !== pod.name && c.ports.some((o) => o.hostPort === p.hostPort && o.protocol === p.protocol));
      const taken = holder !== undefined ? (holder.podName ? `pod ${holder.podName}` : `container ${holder.name}`) : (await probe.portFree(p)) ? undefined : 'a process outside Podman';
      if (taken === undefined) continue;
      const what = p.hostPort === p.containerPort && svc.spec?.type === 'LoadBalancer' && !(svc.spec?.ports ?? []).some((x) => x.nodePort === p.hostPort) ? 'port' : 'nodePort';
      out.push({
        nodePort: what === 'nodePort' ? p.hostPort : undefined,
        message: `service/${svc.metadata?.name ?? ''}: ${what} ${p.hostPort}/${p.protocol.toUpperCase()} would be published on the host, but it is already in use by ${taken}; free the port or choose another ${what}`,
      });
    }
  }
  return out;
}
