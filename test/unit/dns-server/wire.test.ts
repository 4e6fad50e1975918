/**
 * The wire format: real queries captured from busybox nslookup and Node's resolver read as sent,
 * round trips of every record type, compression (written, followed, loops refused), escapes, EDNS.
 */
import { CLASS_IN, RCODE, TYPE, WireError, decode, ednsOf, encode, nameLabels, optRecord, tryDecode, type Message } from '../../../src/dns-server/wire';

// `busybox nslookup -type=A Web.Shop.svc.cluster.local 127.0.0.1:5399` (BusyBox v1.35.0), captured on a UDP socket.
const BUSYBOX_A = Buffer.from('6c9d01000001000000000000035765620453686f700373766307636c7573746572056c6f63616c0000010001', 'hex');
// Node 20's dns.Resolver resolveSrv('_http._tcp.web.shop.svc.cluster.local'), captured the same way.
const NODE_SRV = Buffer.from('387e01000001000000000000055f68747470045f746370037765620473686f700373766307636c7573746572056c6f63616c0000210001', 'hex');

function message(partial: Partial<Message>): Message {
  return {
    header: { id: 0x1234, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: true, ad: false, cd: false, rcode: 0 },
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
    ...partial,
  };
}

describe('decode', () => {
  test('reads busybox nslookup A query as sent, case kept', () => {
    const m = decode(BUSYBOX_A);
    expect(m.header).toMatchObject({ id: 0x6c9d, qr: false, opcode: 0, rd: true });
    expect(m.questions).toEqual([{ name: 'Web.Shop.svc.cluster.local', type: TYPE.A, class: CLASS_IN }]);
    expect(ednsOf(m)).toBeUndefined();
    expect(encode(m)).toEqual(BUSYBOX_A);
  });

  test("reads Node's resolver SRV query", () => {
    const m = decode(NODE_SRV);
    expect(m.questions).toEqual([{ name: '_http._tcp.web.shop.svc.cluster.local', type: TYPE.SRV, class: CLASS_IN }]);
    expect(encode(m)).toEqual(NODE_SRV);
  });

  test('follows a compression pointer to an earlier name', () => {
    // question web.cluster.local A; answer owner = pointer to 12; CNAME data = "x" + pointer to "cluster.local" (offset 16).
    const q = Buffer.from('000181800001000100000000037765620763' + '6c7573746572056c6f63616c0000010001', 'hex');
    const ans = Buffer.from('c00c000500010000000500040178c010', 'hex');
    const m = decode(Buffer.concat([q, ans]));
    expect(m.answers[0]).toEqual({ name: 'web.cluster.local', type: TYPE.CNAME, class: CLASS_IN, ttl: 5, data: { kind: 'name', target: 'x.cluster.local' } });
  });

  test.each([
    ['a pointer to itself', '0001000000010000000000 00c00c00010001'],
    ['a pointer forward', '0001000000010000000000 00c00e00010001' + '0161 00'],
    ['two pointers in a loop', '0001000000010000000000 00' + '0161c012' + 'c00c' + '00010001'],
    ['a label past the end', '0001000000010000000000 00' + '05616263'],
    ['reserved label type 0x40', '0001000000010000000000 00' + '4100' + '00010001'],
    ['trailing bytes', '0001000000010000000000 00' + '00' + '00010001' + 'ff'],
    ['an A record of 3 bytes', '0001800000000001000000 00' + '00' + '0001000100000005' + '0003' + '010203'],
    ['a short header', '00010000'],
  ])('refuses %s', (_why, hex) => {
    const buf = Buffer.from(hex.replace(/ /g, ''), 'hex');
    expect(() => decode(buf)).toThrow(WireError);
    expect(tryDecode(buf).ok).toBe(false);
  });

  test('refuses a name longer than 255 bytes', () => {
    const labels = Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)]));
    const buf = Buffer.concat([Buffer.from('000100000001000000000000', 'hex'), ...labels, Buffer.from('0000010001', 'hex')]);
    expect(tryDecode(buf)).toMatchObject({ ok: false, reason: expect.stringContaining('longer than 255') });
  });

  test('tryDecode gives the header of a message it cannot read', () => {
    const r = tryDecode(Buffer.from('abcd0100000100000000000003', 'hex'));
    expect(r).toMatchObject({ ok: false, header: { id: 0xabcd, qr: false, rd: true } });
  });
});

describe('encode', () => {
  const all = message({
    questions: [{ name: 'web.shop.svc.cluster.local', type: TYPE.ANY, class: CLASS_IN }],
    answers: [
      { name: 'web.shop.svc.cluster.local', type: TYPE.A, class: CLASS_IN, ttl: 5, data: { kind: 'a', address: '10.244.128.7' } },
      { name: 'web.shop.svc.cluster.local', type: TYPE.CNAME, class: CLASS_IN, ttl: 5, data: { kind: 'name', target: 'other.shop.svc.cluster.local' } },
      { name: '_http._tcp.web.shop.svc.cluster.local', type: TYPE.SRV, class: CLASS_IN, ttl: 5, data: { kind: 'srv', priority: 0, weight: 100, port: 80, target: 'web.shop.svc.cluster.local' } },
      { name: '7.128.244.10.in-addr.arpa', type: TYPE.PTR, class: CLASS_IN, ttl: 5, data: { kind: 'name', target: 'web.shop.svc.cluster.local' } },
      { name: 'example.com', type: TYPE.MX, class: CLASS_IN, ttl: 60, data: { kind: 'mx', preference: 10, exchange: 'mail.example.com' } },
      { name: 'example.com', type: TYPE.AAAA, class: CLASS_IN, ttl: 60, data: { kind: 'raw', bytes: Buffer.alloc(16, 1) } },
    ],
    authorities: [
      { name: 'cluster.local', type: TYPE.SOA, class: CLASS_IN, ttl: 5, data: { kind: 'soa', mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1700000000, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 } },
    ],
    additionals: [optRecord(1232)],
  });

  test('round-trips every record type', () => {
    expect(decode(encode(all))).toEqual(all);
  });

  test('compresses repeated names, case-insensitively, and never an SRV target', () => {
    const plain = message({
      questions: [{ name: 'WEB.shop.svc.cluster.local', type: TYPE.A, class: CLASS_IN }],
      answers: [{ name: 'web.shop.svc.cluster.local', type: TYPE.A, class: CLASS_IN, ttl: 5, data: { kind: 'a', address: '10.0.0.1' } }],
    });
    const out = encode(plain);
    // 12 header + 28 name + 4; the answer's owner is a 2-byte pointer to offset 12.
    expect(out.readUInt16BE(12 + 28 + 4)).toBe(0xc00c);
    const srv = encode(message({ answers: [all.answers[2]!] }));
    expect(srv.includes(Buffer.from('03776562', 'hex'), 12 + 40)).toBe(true);
    expect(decode(srv).answers[0]).toEqual(all.answers[2]);
  });

  test('names with odd bytes round-trip through escapes', () => {
    const name = 'a\\.b.\\000\\255x.\\\\';
    expect(nameLabels(name).map((l) => [...l])).toEqual([[0x61, 0x2e, 0x62], [0, 255, 0x78], [0x5c]]);
    const m = message({ questions: [{ name, type: TYPE.A, class: CLASS_IN }] });
    expect(decode(encode(m)).questions[0]!.name).toBe(name);
  });

  test.each([
    ['an empty label', 'a..b'],
    ['a label of 64 bytes', `${'a'.repeat(64)}.com`],
    ['a name of 256 bytes', Array.from({ length: 5 }, () => 'a'.repeat(50)).join('.')],
  ])('refuses %s', (_why, name) => {
    expect(() => encode(message({ questions: [{ name, type: TYPE.A, class: CLASS_IN }] }))).toThrow(WireError);
  });

  test('OPT: payload size, version and DO read; a minimal one written with the extended rcode', () => {
    const q = message({ header: { ...all.header, qr: false }, additionals: [{ name: '', type: TYPE.OPT, class: 4096, ttl: 0x00008000, data: { kind: 'raw', bytes: Buffer.alloc(0) } }] });
    expect(ednsOf(decode(encode(q)))).toEqual({ udpSize: 4096, version: 0, do: true });
    expect(optRecord(1232, RCODE.BADVERS)).toMatchObject({ class: 1232, ttl: 1 << 24 });
  });
});
