/**
 * A pod's resolver and names as the kubelet makes them: its resolv.conf (kubernetes
 * pkg/kubelet/network/dns/dns.go GetPodDNS: getPodDNSType, generateSearchesForDNSClusterFirst,
 * appendDNSConfig, mergeDNSOptions, formDNSConfigFitsLimits; parseResolvConf for the host's file),
 * its host name (kubelet_pods.go GeneratePodHostNameAndDomain, truncatePodHostnameIfNeeded;
 * util.GetNodenameForKernel for setHostnameAsFQDN) and the entries of its managed /etc/hosts
 * (managedHostsFileContent, hostsEntriesFromHostAliases). Pure: the host's resolver configuration
 * and the network layout are handed in.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { NetworkLayout, PodDns } from '../domain/network';

/** MAX_DNS_NAMESERVERS is validation.MaxDNSNameservers. */
export const MAX_DNS_NAMESERVERS = 3;
/** MAX_DNS_SEARCH_PATHS is validation.MaxDNSSearchPaths (ExpandedDNSConfig, GA since 1.28). */
export const MAX_DNS_SEARCH_PATHS = 32;
/** MAX_DNS_SEARCH_LIST_CHARS is validation.MaxDNSSearchListChars (the search line, spaces included). */
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
/** DNS1123_SUBDOMAIN_MAX_LENGTH: a longer search path makes some resolvers (glibc 2.28) abort, so the kubelet drops it. */
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
/** The kubelet caps a pod's host name at 63 characters (64 bytes with the terminating NUL). */
const HOSTNAME_MAX_LEN = 63;
/** An FQDN host name must fit the kernel's nodename field: 64 characters. */
const FQDN_MAX_LEN = 64;

/** DnsEvent is an event the kubelet records on the pod while forming its DNS configuration. */
export interface DnsEvent {
  type: 'Warning';
  /** `DNSConfigForming`. */
  reason: string;
  message: string;
}

/** PodDnsResult is what podDns gives the pod's translation. */
export interface PodDnsResult {
  /**
   * The pod's resolv.conf, for PodNetwork.dns; undefined where Podman's own is the same as the
   * kubelet's (a hostNetwork pod whose policy resolves to the host's file and that has no dnsConfig:
   * Podman copies the host's resolv.conf into a host-network container).
   */
  dns: PodDns | undefined;
  /** /etc/hosts entries of spec.hostAliases, in order (the kubelet's "Entries added by HostAliases"). */
  hosts: Array<{ ip: string; names: string[] }>;
  /** The pod's host name (its UTS name): spec.hostname or the pod name cut to 63, or the FQDN with setHostnameAsFQDN. */
  hostname: string;
  /**
   * The names the kubelet's managed /etc/hosts gives the pod's own IP, in its order: with a
   * subdomain `<hostname>.<subdomain>.<ns>.svc.<domain>` then `<hostname>`; else `<hostname>`. The
   * IP is not known at translation: the caller maps these names to the pod's address. Empty for a
   * hostNetwork pod (it gets the host's /etc/hosts and its aliases).
   */
  ownNames: string[];
  /** `<subdomain>.<ns>.svc.<domain>` when spec.subdomain is set, else ''. */
  domain: string;
  /** Warnings the kubelet records (search line or nameservers cut to the limits). */
  events: DnsEvent[];
  /**
   * Set when the kubelet cannot make the pod's sandbox (setHostnameAsFQDN with an FQDN longer than
   * 64 characters): its message, in the kubelet's words. The pod cannot start.
   */
  error?: string;
}

type PodDnsType = 'cluster' | 'host' | 'none';

/** podDnsType is getPodDNSType: ClusterFirst falls back to Default on the host network; an unknown policy counts as ClusterFirst. */
export function podDnsType(pod: V1Pod): PodDnsType {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  switch (policy) {
    case 'None':
      return 'none';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'ClusterFirst':
      return pod.spec?.hostNetwork === true ? 'host' : 'cluster';
    case 'Default':
      return 'host';
    default:
      return 'cluster';
  }
}

/** omitDuplicates keeps each string's first occurrence. */
function omitDuplicates(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/**
 * mergeDNSOptions: options by name (the part before the first `:`), dnsConfig's overwriting
 * existing ones. Upstream rebuilds the list from a Go map (its order is random); here existing
 * options keep their place and new names follow in dnsConfig's order.
 */
export function mergeDnsOptions(existing: readonly string[], options: ReadonlyArray<{ name?: string; value?: string }>): string[] {
  const map = new Map<string, string>();
  for (const op of existing) {
    const i = op.indexOf(':');
    if (i === -1) map.set(op, '');
    else map.set(op.slice(0, i), op.slice(i + 1));
  }
  for (const op of options) map.set(op.name ?? '', op.value ?? '');
  return [...map.entries()].map(([name, value]) => (value !== '' ? `${name}:${value}` : name));
}

/**
 * formDnsSearchFitsLimits: at most 32 paths, none longer than 253 characters, the line at most
 * 2048 characters (paths cut from the end); any cut is a DNSConfigForming warning.
 */
export function formDnsSearchFitsLimits(searches: readonly string[], events: DnsEvent[]): string[] {
  let out = [...searches];
  let exceeded = false;
  if (out.length > MAX_DNS_SEARCH_PATHS) {
    out = out.slice(0, MAX_DNS_SEARCH_PATHS);
    exceeded = true;
  }
  const fitting = out.filter((s) => s.length <= DNS1123_SUBDOMAIN_MAX_LENGTH);
  if (fitting.length !== out.length) exceeded = true;
  out = fitting;
  const lineLength = out.join(' ').length;
  if (lineLength > MAX_DNS_SEARCH_LIST_CHARS) {
    let cutLen = 0;
    let cutNum = 0;
    for (let i = out.length - 1; i >= 0; i--) {
      cutLen += out[i]!.length + 1;
      cutNum++;
      if (lineLength - cutLen <= MAX_DNS_SEARCH_LIST_CHARS) break;
    }
    out = out.slice(0, out.length - cutNum);
    exceeded = true;
  }
  if (exceeded) {
    events.push({ type: 'Warning', reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${out.join(' ')}` });
  }
  return out;
}

/** formDnsNameserversFitsLimits: at most 3 nameservers, the rest dropped with a DNSConfigForming warning. */
export function formDnsNameserversFitsLimits(servers: readonly string[], events: DnsEvent[]): string[] {
  if (servers.length <= MAX_DNS_NAMESERVERS) return [...servers];
  const out = servers.slice(0, MAX_DNS_NAMESERVERS);
  events.push({ type: 'Warning', reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${out.join(' ')}` });
  return out;
}

/**
 * parseResolvConf is the kubelet's reading of the host's resolv.conf: `nameserver` lines
 * accumulate, the last `search` line wins (trailing dots dropped), the last `options` line wins;
 * `#` lines are comments. A `nameserver` line without an address is an error (the rest is still read).
 */
export function parseResolvConf(text: string): { dns: PodDns; errors: string[] } {
  const dns: PodDns = { servers: [], searches: [], options: [] };
  const errors: string[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#')) continue;
    const fields = trimmed.split(/\s+/).filter((f) => f !== '');
    if (fields.length === 0) continue;
    if (fields[0] === 'nameserver') {
      if (fields.length >= 2) dns.servers.push(fields[1]!);
      else errors.push('nameserver list is empty ');
    }
    if (fields[0] === 'search') dns.searches = fields.slice(1).map((s) => (s.endsWith('.') ? s.slice(0, -1) : s));
    if (fields[0] === 'options') dns.options = fields.slice(1);
  }
  return { dns, errors };
}

/**
 * podHostnameAndDomain is GeneratePodHostNameAndDomain: spec.hostname or the pod name, cut to 63
 * characters without a trailing `-` or `.`; the domain `<subdomain>.<ns>.svc.<cluster domain>`
 * when spec.subdomain is set. (The API server has already checked both are DNS labels.)
 */
export function podHostnameAndDomain(pod: V1Pod, clusterDomain: string): { hostname: string; domain: string } {
  let hostname = pod.spec?.hostname || pod.metadata?.name || '';
  if (hostname.length > HOSTNAME_MAX_LEN) hostname = hostname.slice(0, HOSTNAME_MAX_LEN).replace(/[-.]+$/, '');
  const subdomain = pod.spec?.subdomain;
  const domain = subdomain ? `${subdomain}.${pod.metadata?.namespace || 'default'}.svc.${clusterDomain}` : '';
  return { hostname, domain };
}

/**
 * podDns is GetPodDNS with the pod's names and hosts entries:
 * - ClusterFirst (the default; ClusterFirstWithHostNet too): the cluster DNS server
 *   (layout.dnsIP) alone; searches `<ns>.svc.<domain>`, `svc.<domain>`, `<domain>`, then the
 *   host's (duplicates dropped); options `ndots:5` (the host's are not kept). ClusterFirst on the
 *   host network falls back to Default, as the kubelet does.
 * - Default: the host's resolv.conf as given (`host.resolvConf`: the caller reads the file the
 *   kubelet's --resolv-conf would name; where /etc/resolv.conf points at systemd-resolved's
 *   127.0.0.53, unreachable from a pod, that is /run/systemd/resolve/resolv.conf). It is written out
 *   rather than left to Podman because a pod on kubeplay's network (DNS on) would get Podman's
 *   aardvark-dns instead; on the host network Podman copies the host's file itself, so there
 *   `dns` is undefined unless dnsConfig adds to it.
 * - None: empty, then dnsConfig.
 * Then dnsConfig is appended (nameservers and searches de-duplicated, options merged by name),
 * and nameservers cut to 3 and searches to the limits, each cut a DNSConfigForming warning.
 */
export function podDns(pod: V1Pod, layout: NetworkLayout, host: { resolvConf: PodDns }): PodDnsResult {
  const events: DnsEvent[] = [];
  const namespace = pod.metadata?.namespace || 'default';
  const type = podDnsType(pod);
  let dns: PodDns;
  if (type === 'none') {
    dns = { servers: [], searches: [], options: [] };
  } else if (type === 'cluster') {
    const d = layout.clusterDomain;
    dns = { servers: [layout.dnsIP], searches: omitDuplicates([`${namespace}.svc.${d}`, `svc.${d}`, d, ...host.resolvConf.searches]), options: ['ndots:5'] };
  } else {
    dns = { servers: [...host.resolvConf.servers], searches: [...host.resolvConf.searches], options: [...host.resolvConf.options] };
  }
  const cfg = pod.spec?.dnsConfig;
  if (cfg) {
    dns = {
      servers: omitDuplicates([...dns.servers, ...(cfg.nameservers ?? [])]),
      searches: omitDuplicates([...dns.searches, ...(cfg.searches ?? [])]),
      options: mergeDnsOptions(dns.options, cfg.options ?? []),
    };
  }
  dns = { servers: formDnsNameserversFitsLimits(dns.servers, events), searches: formDnsSearchFitsLimits(dns.searches, events), options: dns.options };
  const hostNetwork = pod.spec?.hostNetwork === true;
  const podmanDefault = hostNetwork && type === 'host' && cfg === undefined;

  const { hostname: short, domain } = podHostnameAndDomain(pod, layout.clusterDomain);
  const out: PodDnsResult = {
    dns: podmanDefault ? undefined : dns,
    hosts: (pod.spec?.hostAliases ?? []).map((a) => ({ ip: a.ip ?? '', names: [...(a.hostnames ?? [])] })),
    hostname: short,
    ownNames: hostNetwork ? [] : domain ? [`${short}.${domain}`, short] : [short],
    domain,
    events,
  };
  if (domain && pod.spec?.setHostnameAsFQDN === true) {
    const fqdn = `${short}.${domain}`;
    if (fqdn.length > FQDN_MAX_LEN) {
      out.error = `failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${FQDN_MAX_LEN} characters is the max, ${fqdn.length} characters requested)`;
    } else {
      out.hostname = fqdn;
    }
  }
  return out;
}
