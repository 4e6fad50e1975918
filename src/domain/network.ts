/**
 * Networking's hand-off shapes (issue 19): the Podman network kubeplay owns, how a pod joins it,
 * what a Service's proxy carries out, and the DNS zone kubeplay's DNS server answers from.
 *
 * One state directory is one "cluster": it owns one Podman bridge network (DNS on) whose subnet is
 * split in two. Pods take addresses from the first half (Podman's lease range); the second half is
 * the service range: each ClusterIP Service gets one address there, held by a small proxy pod (only
 * Podman's infra container, with nftables rules in its network namespace that send `VIP:port` to a
 * ready endpoint), and kubeplay's DNS server pod sits at a fixed address of it. docs/networking.md
 * draws it. Types and pure arithmetic only.
 */
import type { V1Service } from '@kubernetes/client-node';

/** CLUSTER_DOMAIN is the cluster's DNS domain, as a kubelet's default `--cluster-domain`. */
export const CLUSTER_DOMAIN = 'cluster.local';

/** NetworkLayout is the Podman network of one state directory and the addresses kubeplay reserves in it. */
export interface NetworkLayout {
  /** The Podman network's name: `kubeplay` for the default state directory. */
  name: string;
  /** The whole subnet, CIDR (`10.244.0.0/16`). */
  subnet: string;
  /** The bridge's address on the host (`10.244.0.1`): Podman's aardvark-dns answers there. */
  gateway: string;
  /** Podman's lease range for pods, CIDR: the subnet's first half (`10.244.0.0/17`). */
  podRange: string;
  /** The service range, CIDR: the subnet's second half (`10.244.128.0/17`); ClusterIPs come from here. */
  serviceRange: string;
  /** The `kubernetes` Service's ClusterIP: the service range's first address (`10.244.128.1`). */
  kubernetesIP: string;
  /** kubeplay's DNS server pod's address (`10.244.128.10`), every pod's nameserver (ClusterFirst). */
  dnsIP: string;
  clusterDomain: string;
}

/** ipToNumber reads a dotted IPv4 address; NaN when it is not one. */
export function ipToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) return NaN;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return NaN;
    n = n * 256 + Number(p);
  }
  return n;
}

/** numberToIp writes an IPv4 address. */
export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => String(Math.floor(n / 2 ** s) % 256)).join('.');
}

/** Cidr is an IPv4 CIDR read into its first address and size. */
export interface Cidr {
  base: number;
  bits: number;
  size: number;
}

/** parseCidr reads `10.244.0.0/16`; undefined when it is not an IPv4 CIDR. */
export function parseCidr(cidr: string): Cidr | undefined {
  const m = /^([0-9.]+)\/([0-9]{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const ip = ipToNumber(m[1]!);
  const bits = Number(m[2]);
  if (Number.isNaN(ip) || bits < 8 || bits > 30) return undefined;
  const size = 2 ** (32 - bits);
  return { base: ip - (ip % size), bits, size };
}

/** inCidr says whether an address lies in a CIDR. */
export function inCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr);
  const n = ipToNumber(ip);
  return c !== undefined && !Number.isNaN(n) && n >= c.base && n < c.base + c.size;
}

/**
 * layoutOf derives the reserved addresses from a network's name and subnet (a /16 to a /24): the
 * gateway is the first address, pods the first half, services the second half, the `kubernetes`
 * Service the service range's first address and the DNS server its tenth.
 */
export function layoutOf(name: string, subnet: string): NetworkLayout {
  const c = parseCidr(subnet);
  if (c === undefined || c.bits > 24) throw new Error(`network ${name}: subnet ${subnet} is not an IPv4 CIDR of /8 to /24`);
  const half = c.size / 2;
  const services = c.base + half;
  return {
    name,
    subnet: `${numberToIp(c.base)}/${c.bits}`,
    gateway: numberToIp(c.base + 1),
    podRange: `${numberToIp(c.base)}/${c.bits + 1}`,
    serviceRange: `${numberToIp(services)}/${c.bits + 1}`,
    kubernetesIP: numberToIp(services + 1),
    dnsIP: numberToIp(services + 10),
    clusterDomain: CLUSTER_DOMAIN,
  };
}

/**
 * SUBNET_CANDIDATES are the subnets kubeplay tries, in order, when it makes its network: Podman
 * refuses one used by another network or a host route, and the next is tried.
 */
export const SUBNET_CANDIDATES: readonly string[] = [
  ...Array.from({ length: 12 }, (_, i) => `10.${244 + i}.0.0/16`),
  ...Array.from({ length: 12 }, (_, i) => `172.${20 + i}.0.0/16`),
];

/** PodDns is a pod's resolver configuration (its /etc/resolv.conf), as the kubelet derives it. */
export interface PodDns {
  /** Nameserver addresses; empty: Podman's default (the host's resolvers or aardvark-dns). */
  servers: string[];
  searches: string[];
  /** `ndots:5`, `edns0`, `timeout:2`, ... */
  options: string[];
}

/** PodNetwork is how a kubeplay pod joins the network (DesiredPod.network). */
export interface PodNetwork {
  /** The Podman network; absent with hostNetwork. */
  network?: string;
  /** The host's network namespace (`hostNetwork: true`). */
  hostNetwork?: boolean;
  /** A fixed address on the network (a Service's proxy, the DNS server); pods take one from the lease range. */
  staticIP?: string;
  /** DNS configuration (dnsPolicy, dnsConfig); absent: Podman's default. */
  dns?: PodDns;
  /** Extra /etc/hosts entries (hostAliases, the pod's own FQDN with a subdomain). */
  hosts?: Array<{ ip: string; names: string[] }>;
  /** Namespaced sysctls set on the pod's infra (a proxy's `net.ipv4.ip_forward=1`). */
  sysctls?: Record<string, string>;
}

/** PodNetworkContext is what a pod's translation reads of the network: the layout, the Services that exist, the host's resolver. */
export interface PodNetworkContext {
  layout: NetworkLayout;
  /** Stored core/v1 Services (and the input's, as they will be stored), for the Service variables. */
  services: readonly V1Service[];
  /** The host's /etc/resolv.conf, for dnsPolicy Default. */
  hostResolv: PodDns;
}

/** ProxyEndpoint is one ready address a Service port sends to. */
export interface ProxyEndpoint {
  ip: string;
  port: number;
}

/** ProxyPort is one port of a Service's virtual IP and where its connections go. */
export interface ProxyPort {
  protocol: 'tcp' | 'udp' | 'sctp';
  /** The Service port on the ClusterIP. */
  port: number;
  /** Ready endpoints (each its pod IP and resolved targetPort); none: connections are refused. */
  endpoints: ProxyEndpoint[];
}

/**
 * ProxyRules are the packet rules of one Service's proxy pod: connections to `vip:port` are
 * destination-NATed to one of the port's endpoints at random (kube-proxy's nftables mode), and
 * masqueraded so replies come back through the proxy.
 */
export interface ProxyRules {
  vip: string;
  ports: ProxyPort[];
  /** `ClientIP` session affinity: a client keeps its endpoint for timeoutSeconds. */
  affinitySeconds?: number;
}

/** DnsRecord is one resource record of kubeplay's DNS zone. */
export type DnsRecord =
  | { type: 'A'; address: string }
  | { type: 'CNAME'; target: string }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: string }
  | { type: 'PTR'; target: string };

/**
 * DnsZone is what kubeplay's DNS server answers from: the file `<state dir>/dns/zone.json`,
 * replaced whole (write and rename) whenever a Service or its endpoints change; the server reads it
 * again on change. Names are lower case, without the final dot.
 */
export interface DnsZone {
  /** `cluster.local`: names under it (and reverse names of `zones`) are answered here, NXDOMAIN when absent. */
  domain: string;
  /** Reverse zones answered here (`244.10.in-addr.arpa`). */
  reverseZones: string[];
  /** Where every other query goes: Podman's aardvark-dns on the gateway, which forwards to the host's resolvers. */
  upstream: string[];
  /** Seconds a record may be cached (CoreDNS' kubernetes plugin: 5). */
  ttl: number;
  /** name -> records. */
  records: Record<string, DnsRecord[]>;
}

/** SystemPod is one of kubeplay's own pods as observed: its status, labels, and its infra's process. */
export interface SystemPod {
  name: string;
  status: string;
  labels: Record<string, string>;
  /** The infra container's host pid; 0 when it does not run. */
  pid: number;
  /** Whether every container of the pod runs. */
  running: boolean;
}

/** NetworkObservation is what observe-network.ts found. */
export interface NetworkObservation {
  layout: NetworkLayout;
  /** Whether the network exists (when not, layout is the subnet it will get). */
  exists: boolean;
  /** kubeplay's pods on this network (role label). */
  systemPods: SystemPod[];
  /** The zone file's content now ('' when absent). */
  zoneText: string;
  /** What the rule writer last loaded, by proxy pod. */
  programmed: Record<string, { pid: number; hash: string }>;
}

/** LABEL_ROLE marks kubeplay's own pods on its network: `service-proxy` or `dns`. */
export const LABEL_ROLE = 'kubeplay.io/role';
/** LABEL_NETWORK holds, on kubeplay's own pods and network, the network they belong to. */
export const LABEL_NETWORK = 'kubeplay.io/network';
/** LABEL_STATE_DIR holds, on kubeplay's network, the state directory it belongs to. */
export const LABEL_STATE_DIR = 'kubeplay.io/state-dir';
/** LABEL_SERVICE holds, on a proxy pod, its Service as `<namespace>/<name>`. */
export const LABEL_SERVICE = 'kubeplay.io/service';

/** isSystemPod: kubeplay's own pods on its network (a proxy, the DNS server), which no pod listing shows. */
export function isSystemPod(labels: Readonly<Record<string, string>>): boolean {
  return labels[LABEL_ROLE] !== undefined;
}

/**
 * proxyPodName is the Podman pod of a Service's proxy: `<network>_<namespace>_<service>`. A user's pod
 * name never holds two `_` (domain/pod-names.ts), so it cannot collide with one.
 */
export function proxyPodName(network: string, namespace: string, service: string): string {
  return `${network}_${namespace}_${service}`;
}

/** dnsPodName is the Podman pod of the network's DNS server: `<network>_kube-system_kube-dns`. */
export function dnsPodName(network: string): string {
  return `${network}_kube-system_kube-dns`;
}
