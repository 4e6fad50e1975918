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
export function allocateServices(desired: DesiredObject[], store: ObjectStore | undefined, layout: NetworkLayout): { services: V1Service[]; conflicts: string[] } {
  const mine = desired.filter((d) => d.key.kind === SERVICE);
  if (mine.length === 0) return { services: [], conflicts: [] };
  const keyOf = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
  const inInput = new Set(mine.map((d) => keyOf(d.key.namespace, d.key.name)));
  const storedAll = store?.list({ kind: SERVICE }).items ?? [];
  const clusterIPs = new Set<string>();
  const nodePorts = new Set<number>();
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
    d.object = result.object;
    const t = taken(result.object);
    t.ips.forEach((ip) => clusterIPs.add(ip));
    t.nodePorts.forEach((p) => nodePorts.add(p));
    services.push(result.object as unknown as V1Service);
  }
  return { services, conflicts };
}

/** mergeServices: the stored Services with the input's over them. */
export function mergeServices(stored: readonly V1Service[], input: readonly V1Service[]): V1Service[] {
  const key = (s: V1Service) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
  const over = new Set(input.map(key));
  return [...stored.filter((s) => !over.has(key(s))), ...input];
}
