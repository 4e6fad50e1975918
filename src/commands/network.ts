/**
 * The network's part of a command (docs/networking.md): what the composition root hands in
 * (NetworkDeps), the layout pods are translated with, and syncNetwork, which brings kubeplay's
 * network, DNS server, zone and Services' proxies in step with the store:
 *   observeNetwork → buildDnsZone → planNetwork → executePlan.
 * Its actions are part of `network`: apply and delete print no line for them, only failures.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { ContainerEngine } from '../engine/container-engine';
import type { ProxyRuleWriter } from '../engine/proxy-rules';
import type { ObjectStore } from '../store/object-store';
import { LABEL_STATE_DIR, type NetworkLayout, type PodDns, type PodNetworkContext } from '../domain/network';
import type { Action, Plan } from '../domain/plan';
import type { ExecutionReport, HostFs } from '../execute/execute-plan';
import { executePlan } from '../execute/execute-plan';
import { observeLayout, observeNetwork } from '../observe/observe-network';
import { planNetwork, type DnsServerCommand } from '../plan/plan-network';
import { buildDnsZone } from '../plan/dns-zone';
import { storeWriter } from './store-writer';

/** NetworkDeps: what the composition root says of the network of this state directory. */
export interface NetworkDeps {
  /** The Podman network's name (`kubeplay` for the default state directory). */
  name: string;
  /** How the DNS server runs (the host's node, kubeplay's script, `<state dir>/dns`). */
  dns: DnsServerCommand;
  rules: ProxyRuleWriter;
  /** The host's resolver configuration (/etc/resolv.conf), for dnsPolicy Default. */
  hostResolv: PodDns;
  /** The state directory the network belongs to, kept in its label `kubeplay.io/state-dir`. */
  stateDir: string;
  /** This machine's address, a LoadBalancer's EXTERNAL-IP (as k3s' service load balancer shows its node's); absent: none shown. */
  hostIP?: string;
}

/** SERVICE_KINDS are the stored kinds the network follows. */
const SERVICE = 'Service';
const ENDPOINTS = 'Endpoints';

/** podNetworkOf observes the layout (the network need not exist yet) and reads the stored Services. */
export async function podNetworkOf(engine: ContainerEngine, net: NetworkDeps, store: ObjectStore | undefined, extra: readonly V1Service[] = []): Promise<PodNetworkContext> {
  const { layout } = await observeLayout(engine, net.name);
  const stored = (store?.list({ kind: SERVICE }).items ?? []) as unknown as V1Service[];
  const key = (s: V1Service) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`;
  const input = new Set(extra.map(key));
  return { layout, services: [...stored.filter((s) => !input.has(key(s))), ...extra], hostResolv: net.hostResolv };
}

/** NetworkSync is what syncNetwork did. */
export interface NetworkSync {
  actions: Action[];
  execution?: ExecutionReport;
  /** `service/shop/db: ...`: failures, as warnings. */
  failures: string[];
}

/**
 * syncNetwork brings the network in step (see the module comment). `podsNeedNetwork`: pods are
 * about to join it, so it and its DNS server must exist even with no Service; `only: 'base'` does
 * just that much (the network, the zone, the DNS server), before an apply's pods are made.
 */
export async function syncNetwork(
  engine: ContainerEngine,
  store: ObjectStore | undefined,
  net: NetworkDeps,
  hostFs: HostFs,
  opts: { podsNeedNetwork: boolean; only?: 'base'; dryRun?: boolean; concurrency?: number; layout?: NetworkLayout },
): Promise<NetworkSync> {
  // `layout`: the one pods were translated with, used when the network is still to be made.
  const observed = await observeNetwork(engine, net.name, net.dns.zoneDir, net.rules, opts.layout);
  const services = store?.list({ kind: SERVICE }).items ?? [];
  const endpoints = store?.list({ kind: ENDPOINTS }).items ?? [];
  const podsNeedNetwork = opts.podsNeedNetwork || observed.systemPods.some((p) => p.labels['kubeplay.io/role'] === 'dns');
  const zone = buildDnsZone({ services, endpoints, layout: observed.layout });
  let actions = planNetwork({ observed, services: opts.only === 'base' ? [] : services, endpoints, zone, dns: net.dns, podsNeedNetwork, networkLabels: { [LABEL_STATE_DIR]: net.stateDir } }).map((a) => ({ ...a, partOf: 'network' }));
  // Before an apply's pods: no proxy is removed (the Services are read after the apply stores them).
  if (opts.only === 'base') actions = actions.filter((a) => !a.ref.startsWith('service/'));
  if (actions.length === 0 || opts.dryRun) return { actions, failures: [] };
  // In order: the network (every pod joins it), then the zone (the DNS pod mounts its directory), then the pods.
  const phases = [actions.filter((a) => a.ref.startsWith('network/')), actions.filter((a) => a.ref === 'dns/zone'), actions.filter((a) => !a.ref.startsWith('network/') && a.ref !== 'dns/zone')];
  const results: ExecutionReport['results'] = [];
  let execution: ExecutionReport | undefined;
  for (const phase of phases) {
    if (phase.length === 0) continue;
    const plan: Plan = { images: [], conflicts: [], actions: phase };
    execution = await executePlan(engine, plan, { concurrency: opts.concurrency ?? 4, hostFs, proxyRules: net.rules, ...(store ? { objects: storeWriter(store) } : {}) });
    results.push(...execution.results);
    if (execution.results.some((r) => r.outcome === 'failed')) break;
  }
  const failures = results.filter((r) => r.outcome === 'failed').map((r) => `${r.action.ref}: ${r.error ?? 'failed'}`);
  return { actions, ...(execution ? { execution: { ...execution, results } } : {}), failures };
}
