/**
 * buildDnsZone: the zone kubeplay's DNS server answers from (src/dns-server/), made from the stored
 * Services and Endpoints as the Kubernetes DNS specification lays it out
 * (kubernetes/dns docs/specification.md, schema 1.1.0) and CoreDNS' kubernetes plugin fills it:
 * - a Service with a ClusterIP: `<svc>.<ns>.svc.<domain>` A the ClusterIP; for each named port
 *   `_<port>._<proto>.<svc>.<ns>.svc.<domain>` SRV 0 100 <port> `<svc>.<ns>.svc.<domain>`; PTR
 *   from the ClusterIP;
 * - a headless Service (`clusterIP: None`): the name A each ready address (Endpoints `addresses`:
 *   the Endpoints controller already puts not-ready pods there when publishNotReadyAddresses is
 *   set); `<hostname>.<svc>...` A each endpoint with a hostname, `<a-b-c-d>.<svc>...` for one
 *   without (CoreDNS' name for it); SRV per named endpoint port and endpoint, targeting those names,
 *   weight shared; PTR from each endpoint address to its name. No ready endpoint: the name exists
 *   with no records (NODATA, not NXDOMAIN, as the spec asks);
 * - ExternalName: a CNAME to spec.externalName;
 * - `kubernetes.default.svc.<domain>` A layout.kubernetesIP (and its `_https._tcp` SRV), always;
 * - PTRs only for addresses in layout.subnet's reverse zones (an address outside, a hostNetwork
 *   pod's, is the host's to name).
 * Pod names (`<a-b-c-d>.<ns>.pod.<domain>`) are not records: the server answers them from the name.
 * IPv4 only. Names are lower case without the final dot, records sorted, so one state gives one
 * file byte for byte. Pure.
 */
import type { StoredObject } from '../domain/objects';
import { inCidr, ipToNumber, numberToIp, parseCidr, type DnsRecord, type DnsZone, type NetworkLayout } from '../domain/network';

/** DNS_TTL is the seconds a record may be cached: CoreDNS kubernetes plugin's default. */
export const DNS_TTL = 5;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

/** validName says whether a name can go on the wire: labels of 1 to 63 letters, digits, `-` or `_`, 253 characters at most. */
function validName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((l) => /^[a-z0-9_-]{1,63}$/.test(l));
}

function isIPv4(ip: unknown): ip is string {
  return typeof ip === 'string' && !Number.isNaN(ipToNumber(ip));
}

/** reverseName is the in-addr.arpa name of an IPv4 address. */
export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/** reverseZonesOf lists the in-addr.arpa zones covering a subnet, on octet boundaries (a /20: sixteen /24 zones). */
export function reverseZonesOf(subnet: string): string[] {
  const c = parseCidr(subnet);
  if (!c) return [];
  const octets = Math.ceil(c.bits / 8);
  const step = 2 ** (32 - octets * 8);
  const zones: string[] = [];
  for (let n = c.base; n < c.base + c.size; n += step) {
    zones.push(`${numberToIp(n).split('.').slice(0, octets).reverse().join('.')}.in-addr.arpa`);
  }
  return zones;
}

class Records {
  readonly byName = new Map<string, DnsRecord[]>();

  /** exist makes a name exist, with no records yet. */
  exist(name: string): void {
    if (validName(name) && !this.byName.has(name)) this.byName.set(name, []);
  }

  add(name: string, r: DnsRecord): void {
    if (!validName(name)) return;
    if (r.type !== 'A' && !validName(r.target)) return;
    const rs = this.byName.get(name) ?? [];
    const key = JSON.stringify(r);
    if (!rs.some((x) => JSON.stringify(x) === key)) rs.push(r);
    this.byName.set(name, rs);
  }

  sorted(): Record<string, DnsRecord[]> {
    const out: Record<string, DnsRecord[]> = {};
    for (const name of [...this.byName.keys()].sort()) {
      out[name] = this.byName.get(name)!.slice().sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
    }
    return out;
  }
}

interface PortRef {
  name: string;
  protocol: string;
  port: number;
}

function namedPorts(ports: unknown): PortRef[] {
  return list(ports).flatMap((p) => {
    const name = str(p['name']);
    const port = p['port'];
    if (name === undefined || typeof port !== 'number') return [];
    return [{ name: name.toLowerCase(), protocol: (str(p['protocol']) ?? 'TCP').toLowerCase(), port }];
  });
}

/** buildDnsZone makes the zone from stored core/v1 Services and Endpoints. */
export function buildDnsZone(input: { services: StoredObject[]; endpoints: StoredObject[]; layout: NetworkLayout }): DnsZone {
  const { layout } = input;
  const domain = layout.clusterDomain.toLowerCase().replace(/\.$/, '');
  const reverseZones = reverseZonesOf(layout.subnet);
  const records = new Records();
  const ptr = (ip: string, target: string): void => {
    if (inCidr(ip, layout.subnet)) records.add(reverseName(ip), { type: 'PTR', target });
  };
  const endpointsOf = new Map<string, StoredObject>();
  for (const e of input.endpoints) {
    if (e.kind === 'Endpoints') endpointsOf.set(`${e.metadata.namespace ?? 'default'}/${e.metadata.name}`, e);
  }
  const kubernetes = `kubernetes.default.svc.${domain}`;
  const srvWeights: string[] = [];

  for (const svc of input.services) {
    if (svc.kind !== 'Service') continue;
    const ns = (svc.metadata.namespace ?? 'default').toLowerCase();
    const name = svc.metadata.name.toLowerCase();
    const fqdn = `${name}.${ns}.svc.${domain}`;
    if (fqdn === kubernetes) continue;
    const spec = isRecord(svc.spec) ? svc.spec : {};
    const type = str(spec['type']) ?? 'ClusterIP';
    if (type === 'ExternalName') {
      const target = str(spec['externalName'])?.toLowerCase().replace(/\.$/, '');
      if (target !== undefined && validName(target)) records.add(fqdn, { type: 'CNAME', target });
      else records.exist(fqdn);
      continue;
    }
    const clusterIP = str(spec['clusterIP']);
    records.exist(fqdn);
    if (clusterIP !== 'None') {
      if (!isIPv4(clusterIP)) continue;
      records.add(fqdn, { type: 'A', address: clusterIP });
      for (const p of namedPorts(spec['ports'])) {
        records.add(`_${p.name}._${p.protocol}.${fqdn}`, { type: 'SRV', priority: 0, weight: 100, port: p.port, target: fqdn });
      }
      ptr(clusterIP, fqdn);
      continue;
    }
    const ep = endpointsOf.get(`${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`);
    for (const subset of list(ep?.['subsets'])) {
      const ports = namedPorts(subset['ports']);
      for (const a of list(subset['addresses'])) {
        const ip = a['ip'];
        if (!isIPv4(ip)) continue;
        const host = str(a['hostname'])?.toLowerCase() ?? ip.replace(/\./g, '-');
        const epName = `${host}.${fqdn}`;
        records.add(fqdn, { type: 'A', address: ip });
        records.add(epName, { type: 'A', address: ip });
        ptr(ip, epName);
        for (const p of ports) {
          const owner = `_${p.name}._${p.protocol}.${fqdn}`;
          records.add(owner, { type: 'SRV', priority: 0, weight: 100, port: p.port, target: epName });
          srvWeights.push(owner);
        }
      }
    }
  }

  // Weights shared among one name's targets, as CoreDNS writes them (100 / count).
  for (const owner of new Set(srvWeights)) {
    const rs = records.byName.get(owner) ?? [];
    const weight = Math.max(1, Math.floor(100 / rs.length));
    records.byName.set(owner, rs.map((r) => (r.type === 'SRV' ? { ...r, weight } : r)));
  }

  records.byName.set(kubernetes, [{ type: 'A', address: layout.kubernetesIP }]);
  records.byName.set(`_https._tcp.${kubernetes}`, [{ type: 'SRV', priority: 0, weight: 100, port: 443, target: kubernetes }]);
  ptr(layout.kubernetesIP, kubernetes);

  return { domain, reverseZones, upstream: [layout.gateway], ttl: DNS_TTL, records: records.sorted() };
}
