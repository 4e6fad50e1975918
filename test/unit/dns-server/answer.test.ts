/**
 * Lookup semantics: what the server answers from a zone (built by buildDnsZone, so the two agree),
 * decided without sockets: records of the asked type, NXDOMAIN vs NODATA with the SOA, CNAME
 * chains, SRV with additional A records, case, pods, shuffling, and the zone file's checks.
 */
import { decide, podAddress, type Decision } from '../../../src/dns-server/answer';
import { CLASS_IN, RCODE, TYPE, decode, encode, optRecord, tryDecode, type Message, type ResourceRecord } from '../../../src/dns-server/wire';
import { indexZone, parseUpstream, ZoneError, type ZoneIndex } from '../../../src/dns-server/zone';
import { buildDnsZone } from '../../../src/plan/dns-zone';
import { layoutOf } from '../../../src/domain/network';
import type { StoredObject } from '../../../src/domain/objects';

const layout = layoutOf('kubeplay', '10.244.0.0/16');
const meta = (ns: string, name: string) => ({ name, namespace: ns, uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' });
const services: StoredObject[] = [
  { apiVersion: 'v1', kind: 'Service', metadata: meta('shop', 'web'), spec: { clusterIP: '10.244.128.7', ports: [{ name: 'http', port: 80 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: meta('shop', 'db'), spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: meta('shop', 'empty'), spec: { clusterIP: 'None' } },
  { apiVersion: 'v1', kind: 'Service', metadata: meta('shop', 'ext'), spec: { type: 'ExternalName', externalName: 'example.com' } },
];
const endpoints: StoredObject[] = [
  {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: meta('shop', 'db'),
    subsets: [{ addresses: [{ ip: '10.244.0.10', hostname: 'db-0' }, { ip: '10.244.0.11', hostname: 'db-1' }, { ip: '10.244.0.12', hostname: 'db-2' }], ports: [{ name: 'pg', port: 5432 }] }],
  },
];
const zone = buildDnsZone({ services, endpoints, layout });
// Two CNAMEs inside the zone, a loop, added by hand (buildDnsZone makes none, but a zone may hold them).
zone.records['alias.shop.svc.cluster.local'] = [{ type: 'CNAME', target: 'web.shop.svc.cluster.local' }];
zone.records['loop1.shop.svc.cluster.local'] = [{ type: 'CNAME', target: 'loop2.shop.svc.cluster.local' }];
zone.records['loop2.shop.svc.cluster.local'] = [{ type: 'CNAME', target: 'loop1.shop.svc.cluster.local' }];
zone.records['dangling.shop.svc.cluster.local'] = [{ type: 'CNAME', target: 'nothing.shop.svc.cluster.local' }];
const index: ZoneIndex = indexZone(JSON.parse(JSON.stringify(zone)), 42);

function query(name: string, type: number, extra: Partial<Message> = {}): Buffer {
  return encode({
    header: { id: 7, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: 0 },
    questions: [{ name, type, class: CLASS_IN }],
    answers: [],
    authorities: [],
    additionals: [],
    ...extra,
  });
}

function ask(name: string, type: number, random: () => number = () => 0.5): Message {
  const d = decide(tryDecode(query(name, type)), index, random);
  if (d.kind !== 'reply') throw new Error(`expected a reply, got ${d.kind}`);
  // Through the wire and back, as a client would read it.
  return decode(encode(d.message));
}

const data = (rrs: ResourceRecord[]): unknown[] => rrs.map((r) => (r.data.kind === 'a' ? r.data.address : r.data.kind === 'name' ? `${r.type === TYPE.CNAME ? 'CNAME' : 'PTR'} ${r.data.target}` : r.data));

describe('authoritative answers', () => {
  test('a ClusterIP Service: A, AA, the question echoed as asked', () => {
    const m = ask('Web.Shop.SVC.cluster.local', TYPE.A);
    expect(m.header).toMatchObject({ id: 7, qr: true, aa: true, rd: true, ra: true, rcode: RCODE.NOERROR });
    expect(m.questions[0]!.name).toBe('Web.Shop.SVC.cluster.local');
    expect(m.answers).toEqual([{ name: 'Web.Shop.SVC.cluster.local', type: TYPE.A, class: CLASS_IN, ttl: 5, data: { kind: 'a', address: '10.244.128.7' } }]);
  });

  test('NXDOMAIN with the SOA for a name that does not exist', () => {
    const m = ask('nope.shop.svc.cluster.local', TYPE.A);
    expect(m.header.rcode).toBe(RCODE.NXDOMAIN);
    expect(m.answers).toEqual([]);
    expect(m.authorities).toEqual([
      { name: 'cluster.local', type: TYPE.SOA, class: CLASS_IN, ttl: 5, data: { kind: 'soa', mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 42, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 } },
    ]);
  });

  test.each([
    ['AAAA of a name with A records', 'web.shop.svc.cluster.local', TYPE.AAAA],
    ['TXT of a Service', 'web.shop.svc.cluster.local', TYPE.TXT],
    ['a headless Service without endpoints', 'empty.shop.svc.cluster.local', TYPE.A],
    ['an empty non-terminal (a namespace)', 'shop.svc.cluster.local', TYPE.A],
    ['an empty non-terminal (svc)', 'svc.cluster.local', TYPE.A],
    ['the apex, NS', 'cluster.local', TYPE.NS],
  ])('NODATA: %s', (_why, name, type) => {
    const m = ask(name, type);
    expect(m.header.rcode).toBe(RCODE.NOERROR);
    expect(m.answers).toEqual([]);
    expect(m.authorities.map((r) => r.type)).toEqual([TYPE.SOA]);
  });

  test('the apex answers its SOA', () => {
    expect(ask('cluster.local', TYPE.SOA).answers.map((r) => r.type)).toEqual([TYPE.SOA]);
  });

  test('a headless Service: every ready address, order shuffled per answer', () => {
    const first = ask('db.shop.svc.cluster.local', TYPE.A, () => 0);
    const second = ask('db.shop.svc.cluster.local', TYPE.A, () => 0.99);
    expect(data(first.answers).sort()).toEqual(['10.244.0.10', '10.244.0.11', '10.244.0.12']);
    expect(data(first.answers)).not.toEqual(data(second.answers));
  });

  test('a StatefulSet pod by its stable name', () => {
    expect(data(ask('db-1.db.shop.svc.cluster.local', TYPE.A).answers)).toEqual(['10.244.0.11']);
  });

  test('SRV: one per endpoint, the targets A records in the additional section', () => {
    const m = ask('_pg._tcp.db.shop.svc.cluster.local', TYPE.SRV);
    expect(m.answers.map((r) => r.data)).toEqual([0, 1, 2].map((i) => ({ kind: 'srv', priority: 0, weight: 33, port: 5432, target: `db-${i}.db.shop.svc.cluster.local` })));
    expect(m.additionals.map((r) => [r.name, r.data.kind === 'a' && r.data.address])).toEqual([0, 1, 2].map((i) => [`db-${i}.db.shop.svc.cluster.local`, `10.244.0.1${i}`]));
  });

  test('PTR of a ClusterIP and of a headless endpoint', () => {
    expect(data(ask('7.128.244.10.in-addr.arpa', TYPE.PTR).answers)).toEqual(['PTR web.shop.svc.cluster.local']);
    expect(data(ask('12.0.244.10.IN-ADDR.ARPA', TYPE.PTR).answers)).toEqual(['PTR db-2.db.shop.svc.cluster.local']);
  });

  test('an address of the subnet with no name: NXDOMAIN with the reverse zone SOA', () => {
    const m = ask('99.0.244.10.in-addr.arpa', TYPE.PTR);
    expect(m.header.rcode).toBe(RCODE.NXDOMAIN);
    expect(m.authorities[0]!.name).toBe('244.10.in-addr.arpa');
  });

  test('a CNAME chain within the zone is followed', () => {
    const m = ask('alias.shop.svc.cluster.local', TYPE.A);
    expect(data(m.answers)).toEqual(['CNAME web.shop.svc.cluster.local', '10.244.128.7']);
    expect(data(ask('alias.shop.svc.cluster.local', TYPE.CNAME).answers)).toEqual(['CNAME web.shop.svc.cluster.local']);
  });

  test('a CNAME to a missing name in the zone: the CNAME and NXDOMAIN (RFC 6604)', () => {
    const m = ask('dangling.shop.svc.cluster.local', TYPE.A);
    expect(m.header.rcode).toBe(RCODE.NXDOMAIN);
    expect(data(m.answers)).toEqual(['CNAME nothing.shop.svc.cluster.local']);
  });

  test('a CNAME loop: SERVFAIL', () => {
    expect(ask('loop1.shop.svc.cluster.local', TYPE.A).header.rcode).toBe(RCODE.SERVFAIL);
  });

  test('pods insecure: a-b-c-d.<ns>.pod.<domain> answers a.b.c.d; others under pod. do not exist', () => {
    expect(data(ask('10-244-0-5.shop.pod.cluster.local', TYPE.A).answers)).toEqual(['10.244.0.5']);
    expect(ask('10-244-0-5.shop.pod.cluster.local', TYPE.AAAA).header.rcode).toBe(RCODE.NOERROR);
    expect(ask('shop.pod.cluster.local', TYPE.A).header.rcode).toBe(RCODE.NOERROR);
    expect(ask('10-244-0-256.shop.pod.cluster.local', TYPE.A).header.rcode).toBe(RCODE.NXDOMAIN);
    expect(ask('x.10-244-0-5.shop.pod.cluster.local', TYPE.A).header.rcode).toBe(RCODE.NXDOMAIN);
    expect(podAddress('01-2-3-4.ns.pod.cluster.local', 'cluster.local')).toBeUndefined();
  });

  test('dns-version TXT says the schema version', () => {
    const m = ask('dns-version.cluster.local', TYPE.TXT);
    expect(m.answers[0]!.data).toEqual({ kind: 'raw', bytes: Buffer.from('\u00051.1.0', 'latin1') });
  });
});

describe('decisions', () => {
  const d = (buf: Buffer): Decision => decide(tryDecode(buf), index);

  test('a name outside the zone is forwarded', () => {
    expect(d(query('example.com', TYPE.A)).kind).toBe('forward');
    expect(d(query('5.1.168.192.in-addr.arpa', TYPE.PTR)).kind).toBe('forward');
  });

  test('an ExternalName is chased: the CNAME, then its target upstream', () => {
    const r = d(query('ext.shop.svc.cluster.local', TYPE.A));
    expect(r).toMatchObject({ kind: 'chase', target: 'example.com', type: TYPE.A });
    if (r.kind === 'chase') expect(data(r.message.answers)).toEqual(['CNAME example.com']);
  });

  test('EDNS: a minimal OPT echoed; version 1 gets BADVERS', () => {
    const withOpt = (ttl: number): Buffer => query('web.shop.svc.cluster.local', TYPE.A, { additionals: [{ ...optRecord(4096), ttl }] });
    const ok = d(withOpt(0));
    expect(ok.kind === 'reply' && ok.message.additionals).toEqual([optRecord(1232)]);
    const bad = d(withOpt(1 << 16));
    expect(bad.kind === 'reply' && decode(encode(bad.message))).toMatchObject({ header: { rcode: 0 }, additionals: [{ ttl: 1 << 24 }] });
  });

  test('malformed: FORMERR with the ID when there is a header, dropped when there is none or it is a response', () => {
    const r = d(Buffer.from('abcd01000001000000000000ff', 'hex'));
    expect(r.kind === 'reply' && r.message.header).toMatchObject({ id: 0xabcd, qr: true, rcode: RCODE.FORMERR });
    expect(d(Buffer.from('abcd', 'hex')).kind).toBe('drop');
    expect(d(Buffer.from('abcd81000001000000000000ff', 'hex')).kind).toBe('drop');
  });

  test('two questions: FORMERR; an update (opcode 5): NOTIMP; class CHAOS in the zone: REFUSED', () => {
    const two = query('a.cluster.local', TYPE.A, { questions: [{ name: 'a.cluster.local', type: 1, class: 1 }, { name: 'b.cluster.local', type: 1, class: 1 }] });
    expect(d(two)).toMatchObject({ kind: 'reply', message: { header: { rcode: RCODE.FORMERR } } });
    const update = Buffer.from(query('a.cluster.local', TYPE.A));
    update.writeUInt16BE(0x2800, 2);
    expect(d(update)).toMatchObject({ kind: 'reply', message: { header: { rcode: RCODE.NOTIMP } } });
    const chaos = query('a.cluster.local', TYPE.A, { questions: [{ name: 'web.shop.svc.cluster.local', type: TYPE.A, class: 3 }] });
    expect(d(chaos)).toMatchObject({ kind: 'reply', message: { header: { rcode: RCODE.REFUSED } } });
  });

  test('no zone loaded yet: SERVFAIL', () => {
    expect(decide(tryDecode(query('web.shop.svc.cluster.local', TYPE.A)), undefined)).toMatchObject({ kind: 'reply', message: { header: { rcode: RCODE.SERVFAIL } } });
  });
});

describe('the zone file', () => {
  const good = { domain: 'cluster.local', reverseZones: ['244.10.in-addr.arpa'], upstream: ['10.244.0.1', '127.0.0.1:5300', '[::1]:53'], ttl: 5, records: {} };

  test('upstreams read with their ports', () => {
    expect(indexZone(good, 1).upstream).toEqual([
      { host: '10.244.0.1', port: 53 },
      { host: '127.0.0.1', port: 5300 },
      { host: '::1', port: 53 },
    ]);
    expect(parseUpstream('dns.example')).toBeUndefined();
  });

  test('names are lower-cased, an empty list makes a name exist, ancestors exist', () => {
    const i = indexZone({ ...good, records: { 'A.B.svc.Cluster.Local.': [] } }, 1);
    expect(Object.keys(i.zone.records)).toEqual(['a.b.svc.cluster.local']);
    expect([...i.existing].sort()).toEqual(['244.10.in-addr.arpa', 'a.b.svc.cluster.local', 'b.svc.cluster.local', 'cluster.local', 'svc.cluster.local']);
  });

  test.each([
    ['not an object', []],
    ['no domain', { ...good, domain: undefined }],
    ['a bad upstream', { ...good, upstream: ['nowhere'] }],
    ['a record outside the zone', { ...good, records: { 'example.com': [] } }],
    ['a bad A address', { ...good, records: { 'a.cluster.local': [{ type: 'A', address: '300.1.1.1' }] } }],
    ['an unknown type', { ...good, records: { 'a.cluster.local': [{ type: 'MX', target: 'x' }] } }],
    ['a CNAME beside other data', { ...good, records: { 'a.cluster.local': [{ type: 'CNAME', target: 'b' }, { type: 'A', address: '1.2.3.4' }] } }],
    ['an SRV port out of range', { ...good, records: { 'a.cluster.local': [{ type: 'SRV', priority: 0, weight: 0, port: 70000, target: 'b' }] } }],
    ['a label of 64 bytes', { ...good, records: { [`${'a'.repeat(64)}.cluster.local`]: [] } }],
  ])('refused: %s', (_why, value) => {
    expect(() => indexZone(value, 1)).toThrow(ZoneError);
  });
});
