/**
 * The network's planner (issue 19, docs/networking.md), pure: what kubeplay's own pods on its
 * network must be, given the stored Services and Endpoints and what Podman has.
 *
 * - the network itself (`ensureNetwork`), before any pod joins it;
 * - the DNS server pod, at the layout's dnsIP, answering from the zone file;
 * - the zone file, written (projectFiles: the atomic writer) when its content changes;
 * - one proxy pod per Service with a ClusterIP: its infra container holds the ClusterIP, NodePort
 *   and LoadBalancer ports are published on it, and its packet rules (programProxy) send each port
 *   to the Service's ready endpoints. A proxy is made again when its address or published ports
 *   change, and only reprogrammed when its endpoints do.
 */
import { createHash } from 'node:crypto';
import type { CoreV1EndpointPort, V1EndpointSubset } from '@kubernetes/client-node';
import { canonicalJson } from '../domain/canonical-json';
import { LABEL_MANAGED_BY, LABEL_MANIFEST_HASH, MANAGED_BY_VALUE } from '../domain/labels';
import {
  dnsPodName,
  LABEL_NETWORK,
  LABEL_ROLE,
  LABEL_SERVICE,
  proxyPodName,
  type DnsZone,
  type NetworkLayout,
  type ProxyPort,
  type ProxyRules,
  type NetworkObservation,
  type SystemPod,
} from '../domain/network';
import type { StoredObject } from '../domain/objects';
import type { Action, Step } from '../domain/plan';
import type { DesiredContainer, DesiredPod, PortMapping } from '../domain/types';

/** DnsServerCommand is how the DNS server is started: the host's node, kubeplay's server script. */
export interface DnsServerCommand {
  node: string;
  script: string;
  /** `<state dir>/dns`, mounted read-only at /zone. */
  zoneDir: string;
  /**
   * `uid:gid` the server runs as: the user running kubeplay, who can read its script wherever it is
   * installed (a checkout under /root is closed to others); every capability is dropped either way.
   */
  user: string;
}

/** NetworkPlanInput: the observation, the stored objects, and whether pods are about to join the network. */
export interface NetworkPlanInput {
  observed: NetworkObservation;
  services: readonly StoredObject[];
  endpoints: readonly StoredObject[];
  zone: DnsZone;
  dns: DnsServerCommand;
  /** Pods will be made (or exist) on the network: it and its DNS server must be there. */
  podsNeedNetwork: boolean;
  /** Labels the network gets beyond kubeplay's (the state directory it belongs to). */
  networkLabels?: Record<string, string>;
}

const ZONE_FILE = 'zone.json';
/** Seconds a system pod has to stop when removed: nothing in it holds state. */
const SYSTEM_STOP_SECONDS = 2;

/** networkLabels are what kubeplay's network and its own pods carry. */
export function networkLabels(layout: NetworkLayout): Record<string, string> {
  return { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, [LABEL_NETWORK]: layout.name };
}

/** dnsServerPod is the DNS server's pod: the host's node running kubeplay's server on a read-only overlay of /, as the user running kubeplay, with no capability. */
export function dnsServerPod(layout: NetworkLayout, cmd: DnsServerCommand): DesiredPod {
  const name = dnsPodName(layout.name);
  const labels = { ...networkLabels(layout), [LABEL_ROLE]: 'dns' };
  const container: DesiredContainer = {
    name: `${name}-server`,
    manifestName: 'server',
    image: 'host root (read-only overlay)',
    rootfs: '/',
    pullPolicy: 'Never',
    entrypoint: [cmd.node, cmd.script, '--zone', `/zone/${ZONE_FILE}`, '--listen', '0.0.0.0:53'],
    env: {},
    tty: false,
    stdin: false,
    mounts: [{ kind: 'bind', source: cmd.zoneDir, destination: '/zone', readOnly: true }],
    labels: { ...labels },
    annotations: {},
    restartPolicy: 'always',
    stopTimeoutSeconds: SYSTEM_STOP_SECONDS,
    user: cmd.user,
    privileged: false,
    capAdd: [],
    capDrop: ['ALL'],
    readOnlyRootFilesystem: true,
    noNewPrivileges: true,
    memoryLimitBytes: 128 * 1024 * 1024,
  };
  return withSystemHash({
    ref: { kind: 'Pod', namespace: 'kube-system', name: 'kube-dns' },
    name,
    hostname: 'kube-dns',
    labels,
    ports: [],
    network: { network: layout.name, staticIP: layout.dnsIP, sysctls: { 'net.ipv4.ip_unprivileged_port_start': '53' } },
    volumes: [],
    initContainers: [],
    containers: [container],
  });
}

/** servicePorts reads a stored Service's ports. */
interface ServicePort {
  name: string;
  protocol: string;
  port: number;
  nodePort?: number;
}

function portsOf(svc: StoredObject): ServicePort[] {
  const spec = (svc['spec'] ?? {}) as { ports?: ServicePort[] };
  return (spec.ports ?? []).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port, ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}) }));
}

function specOf(svc: StoredObject): { type?: string; clusterIP?: string; sessionAffinity?: string; sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } } } {
  return (svc['spec'] ?? {});
}

/** hasProxy: a Service gets a proxy when it has a ClusterIP (not headless, not ExternalName). */
export function hasProxy(svc: StoredObject): boolean {
  const spec = specOf(svc);
  return spec.type !== 'ExternalName' && spec.clusterIP !== undefined && spec.clusterIP !== '' && spec.clusterIP !== 'None';
}

/** proxyPod is a Service's proxy pod: the infra container only, holding the ClusterIP, with NodePort/LoadBalancer ports published. */
export function proxyPod(layout: NetworkLayout, svc: StoredObject): DesiredPod {
  const ns = svc.metadata.namespace ?? 'default';
  const spec = specOf(svc);
  const ports: PortMapping[] = [];
  for (const p of portsOf(svc)) {
    const protocol = p.protocol.toLowerCase() as PortMapping['protocol'];
    if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && p.nodePort !== undefined) ports.push({ hostIP: '', hostPort: p.nodePort, containerPort: p.port, protocol });
    // A LoadBalancer is published on the host at its port, as k3s' service load balancer does on one node.
    if (spec.type === 'LoadBalancer') ports.push({ hostIP: '', hostPort: p.port, containerPort: p.port, protocol });
  }
  return withSystemHash({
    ref: { kind: 'Service', namespace: ns, name: svc.metadata.name },
    name: proxyPodName(layout.name, ns, svc.metadata.name),
    hostname: svc.metadata.name,
    labels: { ...networkLabels(layout), [LABEL_ROLE]: 'service-proxy', [LABEL_SERVICE]: `${ns}/${svc.metadata.name}` },
    ports,
    network: {
      network: layout.name,
      staticIP: spec.clusterIP!,
      // Forwarding on; no ICMP redirects, which would tell clients to skip the proxy on the shared bridge.
      sysctls: { 'net.ipv4.ip_forward': '1', 'net.ipv4.conf.all.send_redirects': '0', 'net.ipv4.conf.default.send_redirects': '0', 'net.ipv4.conf.eth0.send_redirects': '0' },
    },
    volumes: [],
    initContainers: [],
    containers: [],
  });
}

/** proxyRules: where each of a Service's ports sends, from its Endpoints object's subsets. */
export function proxyRules(svc: StoredObject, endpoints: StoredObject | undefined): ProxyRules {
  const spec = specOf(svc);
  const subsets = ((endpoints?.['subsets'] ?? []) as V1EndpointSubset[]) ?? [];
  const ports: ProxyPort[] = portsOf(svc).map((p) => {
    const eps = subsets.flatMap((s) => {
      const match = (s.ports ?? []).find((ep: CoreV1EndpointPort) => (ep.name ?? '') === p.name && (ep.protocol ?? 'TCP') === p.protocol);
      if (match === undefined) return [];
      return (s.addresses ?? []).map((a) => ({ ip: a.ip, port: match.port }));
    });
    eps.sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
    return { protocol: p.protocol.toLowerCase() as ProxyPort['protocol'], port: p.port, endpoints: eps };
  });
  const rules: ProxyRules = { vip: spec.clusterIP!, ports };
  if (spec.sessionAffinity === 'ClientIP') rules.affinitySeconds = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800;
  return rules;
}

/** rulesHash identifies a proxy's rules. */
export function rulesHash(rules: ProxyRules): string {
  return createHash('sha256').update(canonicalJson(rules)).digest('hex').slice(0, 16);
}

function withSystemHash(pod: DesiredPod): DesiredPod {
  const hash = createHash('sha256').update(canonicalJson(pod)).digest('hex').slice(0, 16);
  return { ...pod, labels: { ...pod.labels, [LABEL_MANIFEST_HASH]: `sys-${hash}` } };
}

function createSteps(pod: DesiredPod): Step[] {
  return [{ op: 'createPod', pod }, ...pod.containers.map((container): Step => ({ op: 'createContainer', pod, container })), { op: 'startPod', name: pod.name }];
}

function action(kind: Action['kind'], ref: string, name: string, cause: string, steps: Step[], rollback: Step[] = []): Action {
  return { kind, ref, name, cause, needsImages: [], steps, rollback };
}

/** planNetwork: the actions that bring kubeplay's network, DNS server, zone and proxies in step. */
export function planNetwork(input: NetworkPlanInput): Action[] {
  const { observed, dns } = input;
  const layout = observed.layout;
  const actions: Action[] = [];
  const byName = new Map(observed.systemPods.map((p) => [p.name, p]));
  const proxied = input.services.filter(hasProxy);
  const needed = input.podsNeedNetwork || proxied.length > 0;
  if (!needed) {
    // Nothing joins the network: proxies of Services gone are removed; the network and DNS server stay.
    return removals(observed, new Set());
  }
  if (!observed.exists) {
    actions.push(action('create', `network/${layout.name}`, layout.name, 'not found in Podman', [
      { op: 'ensureNetwork', name: layout.name, subnet: layout.subnet, leaseRange: layout.podRange, labels: { ...networkLabels(layout), ...(input.networkLabels ?? {}) } },
    ]));
  }

  const zoneText = `${JSON.stringify(input.zone, null, 1)}\n`;
  if (zoneText !== observed.zoneText) {
    actions.push(action('configure', 'dns/zone', 'zone', observed.zoneText === '' ? 'not written yet' : 'Services or endpoints changed', [
      { op: 'projectFiles', dir: dns.zoneDir, files: [{ path: ZONE_FILE, data: Buffer.from(zoneText).toString('base64'), mode: 0o644 }] },
    ]));
  }

  const dnsPod = dnsServerPod(layout, dns);
  const dnsSeen = byName.get(dnsPod.name);
  const dnsWhy = whyRemake(dnsPod, dnsSeen);
  if (dnsWhy !== undefined) {
    actions.push(action(dnsSeen ? 'recreate' : 'create', `pod/kube-system/kube-dns`, dnsPod.name, dnsWhy, [
      ...(dnsSeen ? [{ op: 'removePod' as const, name: dnsPod.name, timeoutSeconds: SYSTEM_STOP_SECONDS }] : []),
      ...createSteps(dnsPod),
    ], [{ op: 'removePod', name: dnsPod.name, timeoutSeconds: 0 }]));
  }

  const eps = new Map(input.endpoints.map((e) => [`${e.metadata.namespace ?? ''}/${e.metadata.name}`, e]));
  const wanted = new Set<string>();
  for (const svc of proxied) {
    const key = `${svc.metadata.namespace ?? ''}/${svc.metadata.name}`;
    const pod = proxyPod(layout, svc);
    wanted.add(pod.name);
    const rules = proxyRules(svc, eps.get(key));
    const hash = rulesHash(rules);
    const seen = byName.get(pod.name);
    const why = whyRemake(pod, seen);
    const ref = `service/${key}`;
    if (why !== undefined) {
      actions.push(action(seen ? 'recreate' : 'create', ref, pod.name, `proxy: ${why}`, [
        ...(seen ? [{ op: 'removePod' as const, name: pod.name, timeoutSeconds: 0 }] : []),
        ...createSteps(pod),
        { op: 'programProxy', pod: pod.name, rules, hash },
      ], [{ op: 'removePod', name: pod.name, timeoutSeconds: 0 }, { op: 'forgetProxy', pod: pod.name }]));
      continue;
    }
    const done = observed.programmed[pod.name];
    if (done === undefined || done.pid !== seen!.pid || done.hash !== hash) {
      actions.push(action('configure', ref, pod.name, done === undefined || done.pid !== seen!.pid ? 'proxy rules not loaded' : 'endpoints changed', [{ op: 'programProxy', pod: pod.name, rules, hash }]));
    }
  }
  actions.push(...removals(observed, wanted));
  // The network first: every other action's pod joins it.
  return actions;
}

/** removals: proxies of this network whose Service is gone (or has no ClusterIP any more). */
function removals(observed: NetworkObservation, wanted: ReadonlySet<string>): Action[] {
  return observed.systemPods
    .filter((p) => p.labels[LABEL_ROLE] === 'service-proxy' && !wanted.has(p.name))
    .map((p) =>
      action('delete', `service/${p.labels[LABEL_SERVICE] ?? p.name}`, p.name, 'proxy: its Service is gone', [
        { op: 'removePod', name: p.name, timeoutSeconds: 0 },
        { op: 'forgetProxy', pod: p.name },
      ]),
    );
}

/** whyRemake says why a system pod must be made (again); undefined when it is there as wanted and running. */
function whyRemake(want: DesiredPod, seen: SystemPod | undefined): string | undefined {
  if (seen === undefined) return 'not found in Podman';
  if (seen.labels[LABEL_MANIFEST_HASH] !== want.labels[LABEL_MANIFEST_HASH]) return `spec changed (${seen.labels[LABEL_MANIFEST_HASH] ?? 'none'} → ${want.labels[LABEL_MANIFEST_HASH] ?? 'none'})`;
  if (!seen.running) return `not running (${seen.status})`;
  return undefined;
}
