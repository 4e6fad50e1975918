/**
 * What the server does with one query, decided without I/O: reply from the zone, forward the query
 * upstream, chase a CNAME that leaves the zone (an ExternalName Service) upstream and append, or
 * drop it. server.ts carries the decision out.
 *
 * Names under the zone's domain or a reverse zone are answered authoritatively (AA), compared
 * without case: the records of the asked type; a CNAME chain followed within the zone; NXDOMAIN
 * with the apex's SOA when the name does not exist; NODATA (NOERROR, no answer, the SOA) when it
 * exists with other types. A records come in a new random order each answer (CoreDNS'
 * loadbalance). An SRV answer carries its targets' A records in the additional section.
 * Besides the records, the server answers from the name alone: `<a-b-c-d>.<ns>.pod.<domain>` A
 * a.b.c.d (CoreDNS' `pods insecure`), `dns-version.<domain>` TXT "1.1.0" (the DNS spec's schema
 * version), and the apex's SOA.
 */
import { RCODE, TYPE, CLASS_ANY, CLASS_IN, OPCODE_QUERY, canonicalName, ednsOf, optRecord, type DecodeResult, type Header, type Message, type Question, type ResourceRecord } from './wire';
import { apexOf, type ZoneIndex } from './zone';
import type { DnsRecord } from '../domain/network';

/** UDP_PAYLOAD is the UDP payload size this server advertises and caps answers at (DNS flag day 2020). */
export const UDP_PAYLOAD = 1232;
/** MAX_CHAIN bounds a CNAME chain within the zone. */
const MAX_CHAIN = 8;
/** DNS_SCHEMA_VERSION is the Kubernetes DNS specification version these records follow. */
export const DNS_SCHEMA_VERSION = '1.1.0';

/** Decision is what to do with one query. */
export type Decision =
  | { kind: 'drop'; reason: string }
  | { kind: 'reply'; message: Message }
  | { kind: 'forward'; query: Message }
  /** The zone's answer ends in a CNAME to an outside name: ask upstream for `target` and append its answers to `message`. */
  | { kind: 'chase'; message: Message; target: string; type: number };

function responseHeader(q: Header, rcode: number, aa: boolean): Header {
  return { id: q.id, qr: true, opcode: q.opcode, aa, tc: false, rd: q.rd, ra: true, ad: false, cd: q.cd, rcode: rcode & 0xf };
}

/** reply builds a response to `query` with the query's question and, when it had one, a minimal OPT. */
export function reply(query: Message, rcode: number, sections: { aa?: boolean; answers?: ResourceRecord[]; authorities?: ResourceRecord[]; additionals?: ResourceRecord[] } = {}): Message {
  const edns = ednsOf(query);
  return {
    header: responseHeader(query.header, rcode, sections.aa ?? false),
    questions: query.questions.slice(0, 1),
    answers: sections.answers ?? [],
    authorities: sections.authorities ?? [],
    additionals: [...(sections.additionals ?? []), ...(edns ? [optRecord(UDP_PAYLOAD, rcode)] : [])],
  };
}

/** shuffle is Fisher-Yates with the given source of randomness in [0, 1). */
export function shuffle<T>(items: T[], random: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const TYPE_OF: Record<DnsRecord['type'], number> = { A: TYPE.A, CNAME: TYPE.CNAME, SRV: TYPE.SRV, PTR: TYPE.PTR };

function toRR(owner: string, r: DnsRecord, ttl: number): ResourceRecord {
  const base = { name: owner, type: TYPE_OF[r.type], class: CLASS_IN, ttl };
  switch (r.type) {
    case 'A':
      return { ...base, data: { kind: 'a', address: r.address } };
    case 'CNAME':
    case 'PTR':
      return { ...base, data: { kind: 'name', target: r.target } };
    case 'SRV':
      return { ...base, data: { kind: 'srv', priority: r.priority, weight: r.weight, port: r.port, target: r.target } };
  }
}

/** soaOf is the SOA of an apex, as CoreDNS writes it: ns.dns.<apex>, hostmaster.<apex>, the zone's ttl as minimum. */
export function soaOf(index: ZoneIndex, apex: string): ResourceRecord {
  const ttl = index.zone.ttl;
  return {
    name: apex,
    type: TYPE.SOA,
    class: CLASS_IN,
    ttl,
    data: { kind: 'soa', mname: `ns.dns.${apex}`, rname: `hostmaster.${apex}`, serial: index.serial, refresh: 7200, retry: 1800, expire: 86400, minimum: ttl },
  };
}

/** podAddress reads `<a-b-c-d>.<ns>.pod.<domain>` into a.b.c.d; undefined when the name is not one. */
export function podAddress(name: string, domain: string): string | undefined {
  const suffix = `.pod.${domain}`;
  if (!name.endsWith(suffix)) return undefined;
  const m = /^([0-9]{1,3})-([0-9]{1,3})-([0-9]{1,3})-([0-9]{1,3})\.[^.]+$/.exec(name.slice(0, -suffix.length));
  if (!m) return undefined;
  const parts = m.slice(1, 5).map(Number);
  if (parts.some((p) => p > 255) || m.slice(1, 5).some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
  return parts.join('.');
}

function txt(text: string): Buffer {
  const b = Buffer.from(text, 'latin1');
  return Buffer.concat([Buffer.from([b.length]), b]);
}

/** Synthetic is a name answered from its shape: its records of every type (may be empty: it exists with no data). */
function synthetic(index: ZoneIndex, name: string, owner: string): ResourceRecord[] | undefined {
  const { domain, ttl } = index.zone;
  if (name === `dns-version.${domain}`) return [{ name: owner, type: TYPE.TXT, class: CLASS_IN, ttl, data: { kind: 'raw', bytes: txt(DNS_SCHEMA_VERSION) } }];
  const pods = `pod.${domain}`;
  // `pod.<domain>` and `<ns>.pod.<domain>` exist, with no data of their own.
  if (name === pods || (name.endsWith(`.${pods}`) && !name.slice(0, -pods.length - 1).includes('.'))) return [];
  const ip = podAddress(name, domain);
  if (ip !== undefined) return [{ name: owner, type: TYPE.A, class: CLASS_IN, ttl, data: { kind: 'a', address: ip } }];
  if (index.apexes.includes(name)) return [{ ...soaOf(index, name), name: owner }];
  return undefined;
}

/** ZoneAnswer is the zone's part of a response. */
interface ZoneAnswer {
  rcode: number;
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
  /** The chain left the zone at this name: ask upstream. */
  chase?: string;
}

/** lookup answers `question` from the zone; the question's name must be under one of its apexes. */
export function lookup(index: ZoneIndex, question: Question, random: () => number): ZoneAnswer {
  const { ttl, records } = index.zone;
  const qtype = question.type;
  const answers: ResourceRecord[] = [];
  const seen = new Set<string>();
  let owner = question.name;
  let name = canonicalName(owner);
  for (let hop = 0; hop < MAX_CHAIN; hop++) {
    const apex = apexOf(index, name);
    if (apex === undefined) return { rcode: RCODE.NOERROR, answers, authorities: [], additionals: [], chase: name };
    if (seen.has(name)) break;
    seen.add(name);
    const negative = (rcode: number): ZoneAnswer => ({ rcode, answers, authorities: [soaOf(index, apex)], additionals: [] });
    const own = records[name];
    let rrs: ResourceRecord[];
    if (own !== undefined) rrs = own.map((r) => toRR(owner, r, ttl));
    else {
      const made = synthetic(index, name, owner);
      if (made === undefined) return negative(index.existing.has(name) ? RCODE.NOERROR : RCODE.NXDOMAIN);
      rrs = made;
    }
    const cname = rrs.find((r) => r.type === TYPE.CNAME);
    if (cname && qtype !== TYPE.CNAME && qtype !== TYPE.ANY && cname.data.kind === 'name') {
      answers.push(cname);
      owner = cname.data.target;
      name = canonicalName(owner);
      continue;
    }
    const matching = rrs.filter((r) => qtype === TYPE.ANY || r.type === qtype);
    if (matching.length === 0) return negative(RCODE.NOERROR);
    const ordered = [...shuffle(matching.filter((r) => r.type === TYPE.A), random), ...matching.filter((r) => r.type !== TYPE.A)];
    answers.push(...ordered);
    const additionals: ResourceRecord[] = [];
    for (const r of ordered) {
      if (r.data.kind !== 'srv') continue;
      const target = canonicalName(r.data.target);
      for (const t of records[target] ?? []) {
        if (t.type === 'A' && !additionals.some((a) => a.name === target && a.data.kind === 'a' && a.data.address === t.address)) additionals.push(toRR(target, t, ttl));
      }
    }
    return { rcode: RCODE.NOERROR, answers, authorities: [], additionals };
  }
  // A loop or a chain too long within the zone.
  return { rcode: RCODE.SERVFAIL, answers: [], authorities: [], additionals: [] };
}

/** decide reads a decoded query and says what to do; `index` undefined means no zone has loaded yet. */
export function decide(decoded: DecodeResult, index: ZoneIndex | undefined, random: () => number = Math.random): Decision {
  if (!decoded.ok) {
    const h = decoded.header;
    if (!h || h.qr) return { kind: 'drop', reason: decoded.reason };
    const empty: Message = { header: h, questions: [], answers: [], authorities: [], additionals: [] };
    return { kind: 'reply', message: reply(empty, RCODE.FORMERR) };
  }
  const query = decoded.message;
  if (query.header.qr) return { kind: 'drop', reason: 'a response, not a query' };
  if (query.header.opcode !== OPCODE_QUERY) return { kind: 'reply', message: { ...reply(query, RCODE.NOTIMP), questions: [] } };
  const opts = query.additionals.filter((r) => r.type === TYPE.OPT);
  if (query.questions.length !== 1 || opts.length > 1 || (opts.length === 1 && opts[0]!.name !== '')) return { kind: 'reply', message: { ...reply(query, RCODE.FORMERR), questions: query.questions.slice(0, 1) } };
  const edns = ednsOf(query);
  if (edns && edns.version !== 0) return { kind: 'reply', message: reply(query, RCODE.BADVERS) };
  if (!index) return { kind: 'reply', message: reply(query, RCODE.SERVFAIL) };
  const question = query.questions[0]!;
  const apex = apexOf(index, canonicalName(question.name));
  if (apex === undefined) return { kind: 'forward', query };
  if (question.class !== CLASS_IN && question.class !== CLASS_ANY) return { kind: 'reply', message: reply(query, RCODE.REFUSED) };
  if (question.type === TYPE.OPT) return { kind: 'reply', message: reply(query, RCODE.FORMERR) };
  const found = lookup(index, question, random);
  const message = reply(query, found.rcode, { aa: true, answers: found.answers, authorities: found.authorities, additionals: found.additionals });
  if (found.chase !== undefined) return { kind: 'chase', message, target: found.chase, type: question.type };
  return { kind: 'reply', message };
}
