/**
 * observeNetwork: one look at kubeplay's network (docs/networking.md): whether the Podman network
 * exists and its layout (or, when it does not, the first candidate subnet no other network uses),
 * kubeplay's own pods on it with their infra processes, the zone file as written, and what the rule
 * writer last loaded into each proxy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../domain/errors';
import { LABEL_MANAGED_BY, MANAGED_BY_VALUE } from '../domain/labels';
import { LABEL_NETWORK, LABEL_ROLE, layoutOf, parseCidr, SUBNET_CANDIDATES, type NetworkLayout, type NetworkObservation, type SystemPod } from '../domain/network';
import type { ContainerEngine, EngineNetwork } from '../engine/container-engine';
import type { ProxyRuleWriter } from '../engine/proxy-rules';

/** observeLayout reads the network's layout, or picks the subnet it will get; a network of that name kubeplay did not make is a conflict. */
export async function observeLayout(engine: ContainerEngine, name: string, planned?: NetworkLayout): Promise<{ layout: NetworkLayout; exists: boolean }> {
  const found = await engine.inspectNetwork(name);
  if (found !== undefined) {
    const subnet = found.subnets.find((s) => parseCidr(s) !== undefined && parseCidr(s)!.bits <= 24);
    if (found.labels[LABEL_MANAGED_BY] !== MANAGED_BY_VALUE || subnet === undefined) {
      throw new ConflictError([
        `Podman network ${name} exists but kubeplay did not make it (or it has no IPv4 subnet of /24 or wider), so kubeplay will not put pods on it. ` +
          `Remove it (podman network rm ${name}) or give kubeplay another state directory.`,
      ]);
    }
    return { layout: layoutOf(name, subnet), exists: true };
  }
  // A layout the command already translated pods with (and allocated ClusterIPs in) is kept.
  if (planned !== undefined) return { layout: planned, exists: false };
  return { layout: layoutOf(name, freeSubnet(await engine.listNetworks(), hostRoutes())), exists: false };
}

/**
 * hostRoutes are the IPv4 routes of this machine (/proc/net/route), as CIDRs: Podman refuses a
 * subnet a route covers, such as the bridge of a network another process is making right now.
 */
export function hostRoutes(text?: string): string[] {
  let body = text;
  if (body === undefined) {
    try {
      body = readFileSync('/proc/net/route', 'utf8');
    } catch {
      return [];
    }
  }
  const hex = (h: string) => {
    const n = parseInt(h, 16);
    return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
  };
  return body
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && f[1] !== '00000000')
    .map((f) => {
      const bits = hex(f[7]!).reduce((a, b) => a + b.toString(2).replace(/0/g, '').length, 0);
      return `${hex(f[1]!).join('.')}/${bits}`;
    });
}

/** freeSubnet is the first candidate overlapping no network's subnet and no host route. */
export function freeSubnet(networks: readonly EngineNetwork[], routes: readonly string[] = []): string {
  const used = [...networks.flatMap((n) => n.subnets), ...routes].map(parseCidr).filter((c): c is NonNullable<typeof c> => c !== undefined);
  const free = SUBNET_CANDIDATES.find((cand) => {
    const c = parseCidr(cand)!;
    return !used.some((u) => u.base < c.base + c.size && c.base < u.base + u.size);
  });
  if (free === undefined) {
    throw new ConflictError([`every subnet kubeplay tries for its network (${SUBNET_CANDIDATES[0]} to ${SUBNET_CANDIDATES[SUBNET_CANDIDATES.length - 1]}) is used by another Podman network; remove unused networks (podman network prune)`]);
  }
  return free;
}

/** observeNetwork: see the module comment. */
export async function observeNetwork(engine: ContainerEngine, name: string, zoneDir: string, rules: ProxyRuleWriter, planned?: NetworkLayout): Promise<NetworkObservation> {
  const { layout, exists } = await observeLayout(engine, name, planned);
  const pods = exists ? (await engine.listPods({ [LABEL_NETWORK]: name })).filter((p) => p.labels[LABEL_ROLE] !== undefined) : [];
  const infraIds = pods.flatMap((p) => p.containers.filter((c) => c.isInfra && c.state === 'running').map((c) => c.id));
  const details = infraIds.length > 0 ? await engine.inspectContainers(infraIds) : [];
  const pidOf = new Map(details.map((d) => [d.id, d.pid]));
  const systemPods: SystemPod[] = pods.map((p) => {
    const infra = p.containers.find((c) => c.isInfra);
    return {
      name: p.name,
      status: p.status,
      labels: p.labels,
      pid: infra ? (pidOf.get(infra.id) ?? 0) : 0,
      running: p.containers.length > 0 && p.containers.every((c) => c.state === 'running'),
    };
  });
  let zoneText = '';
  try {
    zoneText = readFileSync(join(zoneDir, 'zone.json'), 'utf8');
  } catch {
    zoneText = '';
  }
  return { layout, exists, systemPods, zoneText, programmed: rules.programmed() };
}
