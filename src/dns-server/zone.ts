/**
 * The zone the server answers from: the JSON of a DnsZone (src/domain/network.ts), checked and
 * indexed. How this server reads a DnsZone, beyond the type:
 * - a name whose records are an empty list exists with no data (a headless Service without ready
 *   endpoints: NODATA, not NXDOMAIN); so does every name above a record's name within the zone
 *   (an empty non-terminal, `shop.svc.cluster.local`);
 * - an `upstream` entry is `ip` (port 53), `ip:port`, or `[ipv6]:port`;
 * - pod names `<a-b-c-d>.<ns>.pod.<domain>` are not zone records: the server answers them from the
 *   name itself (see answer.ts), as CoreDNS' `pods insecure`.
 * Pure: parseZone reads text, nothing here touches a file.
 */
import { ipToNumber, type DnsRecord, type DnsZone } from '../domain/network';
import { canonicalName, nameLabels } from './wire';

/** Upstream is one server queries are forwarded to. */
export interface Upstream {
  host: string;
  port: number;
}

/** ZoneIndex is a checked zone ready for lookups. */
export interface ZoneIndex {
  zone: DnsZone;
  /** The names answered here, longest first: the domain and the reverse zones. */
  apexes: string[];
  /** Every name that exists: record owners and the names between them and their apex. */
  existing: Set<string>;
  upstream: Upstream[];
  /** The SOA serial: when this index was made, in seconds (CoreDNS: the last change). */
  serial: number;
}

/** ZoneError is a zone file that cannot be used. */
export class ZoneError extends Error {
  override readonly name = 'ZoneError';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkName(what: string, name: unknown): string {
  if (typeof name !== 'string') throw new ZoneError(`${what} is not a string`);
  try {
    nameLabels(name);
  } catch (err) {
    throw new ZoneError(`${what}: ${(err as Error).message}`);
  }
  return canonicalName(name);
}

function checkPort(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffff) throw new ZoneError(`${what} is not a 16-bit number`);
  return v;
}

function checkRecord(owner: string, i: number, r: unknown): DnsRecord {
  const at = `records[${JSON.stringify(owner)}][${i}]`;
  if (!isObject(r)) throw new ZoneError(`${at} is not an object`);
  switch (r['type']) {
    case 'A': {
      const a = r['address'];
      if (typeof a !== 'string' || Number.isNaN(ipToNumber(a))) throw new ZoneError(`${at}.address is not an IPv4 address`);
      return { type: 'A', address: a };
    }
    case 'CNAME':
      return { type: 'CNAME', target: checkName(`${at}.target`, r['target']) };
    case 'PTR':
      return { type: 'PTR', target: checkName(`${at}.target`, r['target']) };
    case 'SRV':
      return {
        type: 'SRV',
        priority: checkPort(`${at}.priority`, r['priority']),
        weight: checkPort(`${at}.weight`, r['weight']),
        port: checkPort(`${at}.port`, r['port']),
        target: checkName(`${at}.target`, r['target']),
      };
    default:
      throw new ZoneError(`${at}.type ${JSON.stringify(r['type'])} is not A, CNAME, SRV or PTR`);
  }
}

/** parseUpstream reads `ip`, `ip:port` or `[ipv6]:port`. */
export function parseUpstream(entry: string): Upstream | undefined {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::([0-9]{1,5}))?$/.exec(entry);
  if (v6) return { host: v6[1]!, port: v6[2] === undefined ? 53 : Number(v6[2]) };
  const v4 = /^([0-9.]+)(?::([0-9]{1,5}))?$/.exec(entry);
  if (v4 && !Number.isNaN(ipToNumber(v4[1]!))) {
    const port = v4[2] === undefined ? 53 : Number(v4[2]);
    return port > 0 && port <= 0xffff ? { host: v4[1]!, port } : undefined;
  }
  if (/^[0-9a-fA-F:]+$/.test(entry) && entry.includes(':')) return { host: entry, port: 53 };
  return undefined;
}

/** isUnder says whether `name` is `apex` or below it (both canonical). */
export function isUnder(name: string, apex: string): boolean {
  return apex === '' || name === apex || name.endsWith(`.${apex}`);
}

/** apexOf is the longest apex holding `name`, or undefined when the name is not answered here. */
export function apexOf(index: ZoneIndex, name: string): string | undefined {
  return index.apexes.find((a) => isUnder(name, a));
}

/** indexZone checks a parsed zone file and indexes it; throws ZoneError naming the first problem. */
export function indexZone(value: unknown, serial: number): ZoneIndex {
  if (!isObject(value)) throw new ZoneError('the zone is not a JSON object');
  const domain = checkName('domain', value['domain']);
  if (domain === '') throw new ZoneError('domain is empty');
  const reverse = value['reverseZones'] ?? [];
  if (!Array.isArray(reverse)) throw new ZoneError('reverseZones is not a list');
  const reverseZones = reverse.map((z, i) => checkName(`reverseZones[${i}]`, z));
  const up = value['upstream'] ?? [];
  if (!Array.isArray(up)) throw new ZoneError('upstream is not a list');
  const upstream = up.map((u, i) => {
    const parsed = typeof u === 'string' ? parseUpstream(u) : undefined;
    if (!parsed) throw new ZoneError(`upstream[${i}] ${JSON.stringify(u)} is not an address (ip, ip:port or [ipv6]:port)`);
    return parsed;
  });
  const ttl = value['ttl'] ?? 5;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > 0x7fffffff) throw new ZoneError('ttl is not a number of seconds');
  const rawRecords = value['records'] ?? {};
  if (!isObject(rawRecords)) throw new ZoneError('records is not an object');
  const apexes = [domain, ...reverseZones].sort((a, b) => b.length - a.length);
  const records: Record<string, DnsRecord[]> = {};
  const existing = new Set<string>(apexes);
  for (const [rawName, list] of Object.entries(rawRecords)) {
    const name = checkName(`records name ${JSON.stringify(rawName)}`, rawName);
    if (!Array.isArray(list)) throw new ZoneError(`records[${JSON.stringify(rawName)}] is not a list`);
    const apex = apexes.find((a) => isUnder(name, a));
    if (apex === undefined) throw new ZoneError(`records name ${JSON.stringify(rawName)} is outside ${[domain, ...reverseZones].join(', ')}`);
    const checked = list.map((r, i) => checkRecord(rawName, i, r));
    const merged = [...(records[name] ?? []), ...checked];
    records[name] = merged;
    if (merged.some((r) => r.type === 'CNAME') && merged.length > 1) throw new ZoneError(`records[${JSON.stringify(rawName)}] holds a CNAME and other records`);
    for (let n = name; n !== apex && n.length > apex.length; n = n.slice(n.indexOf('.') + 1)) existing.add(n);
  }
  return { zone: { domain, reverseZones, upstream: up as string[], ttl, records }, apexes, existing, upstream, serial: serial >>> 0 };
}

/** parseZone reads a zone file's text; throws ZoneError on bad JSON or a bad zone. */
export function parseZone(text: string, serial: number): ZoneIndex {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ZoneError(`the zone is not JSON: ${(err as Error).message}`);
  }
  return indexZone(value, serial);
}
