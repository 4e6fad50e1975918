/**
 * Fuzz: random bytes and mutated real queries and responses thrown at the decoder, at the decision
 * and at the encoder of what it decides (none may throw), then at a running server over UDP and TCP
 * (it must keep answering a good query afterwards, and have logged nothing).
 */
import * as fc from 'fast-check';
import * as net from 'node:net';

import { decide } from '../../../src/dns-server/answer';
import { DnsServer, fit } from '../../../src/dns-server/server';
import { CLASS_IN, TYPE, decode, encode, optRecord, tryDecode } from '../../../src/dns-server/wire';
import { indexZone } from '../../../src/dns-server/zone';
import { buildDnsZone } from '../../../src/plan/dns-zone';
import { layoutOf } from '../../../src/domain/network';
import { FakeUpstream, answerWith, queryBytes, tcpAsk, udpAsk } from './dns-test-kit';

const layout = layoutOf('kubeplay', '10.244.0.0/16');
const index = indexZone(
  buildDnsZone({
    services: [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: 'x' }, spec: { clusterIP: '10.244.128.7', ports: [{ name: 'http', port: 80 }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'shop', uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: 'x' }, spec: { type: 'ExternalName', externalName: 'example.com' } },
    ],
    endpoints: [],
    layout,
  }),
  1,
);

// Seeds: real shapes to mutate. busybox's query (captured), an EDNS query, a compressed response.
const SEEDS: Buffer[] = [
  Buffer.from('6c9d01000001000000000000035765620453686f700373766307636c7573746572056c6f63616c0000010001', 'hex'),
  queryBytes('_http._tcp.web.shop.svc.cluster.local', TYPE.SRV, 1, [optRecord(4096)]),
  queryBytes('7.128.244.10.in-addr.arpa', TYPE.PTR),
  encode({
    header: { id: 5, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: true, ad: false, cd: false, rcode: 0 },
    questions: [{ name: 'web.shop.svc.cluster.local', type: TYPE.ANY, class: CLASS_IN }],
    answers: [
      { name: 'web.shop.svc.cluster.local', type: TYPE.CNAME, class: CLASS_IN, ttl: 5, data: { kind: 'name', target: 'x.shop.svc.cluster.local' } },
      { name: 'x.shop.svc.cluster.local', type: TYPE.SRV, class: CLASS_IN, ttl: 5, data: { kind: 'srv', priority: 1, weight: 2, port: 3, target: 'x.shop.svc.cluster.local' } },
      { name: 'cluster.local', type: TYPE.SOA, class: CLASS_IN, ttl: 5, data: { kind: 'soa', mname: 'ns.dns.cluster.local', rname: 'h.cluster.local', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 } },
    ],
    authorities: [],
    additionals: [optRecord(1232)],
  }),
];

/** mutated is an arbitrary packet: a seed with bytes flipped, set, cut, or duplicated, or plain random bytes. */
const mutated: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ minLength: 0, maxLength: 600 }).map((b) => Buffer.from(b)),
  fc
    .tuple(
      fc.constantFrom(...SEEDS),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'xor', 'cut', 'dup', 'insert')), { minLength: 1, maxLength: 6 }),
    )
    .map(([seed, edits]) => {
      let b = Buffer.from(seed);
      for (const [at, v, op] of edits) {
        const i = b.length === 0 ? 0 : at % b.length;
        if (op === 'set' && b.length) b[i] = v;
        else if (op === 'xor' && b.length) b[i] = b[i]! ^ (1 << v % 8);
        else if (op === 'cut') b = b.subarray(0, i);
        else if (op === 'dup') b = Buffer.concat([b, b.subarray(i)]);
        else b = Buffer.concat([b.subarray(0, i), Buffer.from([v & 0xc0 ? 0xc0 : v, v]), b.subarray(i)]);
      }
      return b;
    }),
);

test('decoder, decision and encoder never throw on 20,000 random and mutated packets', () => {
  fc.assert(
    fc.property(mutated, (buf) => {
      const decoded = tryDecode(buf);
      const d = decide(decoded, index, Math.random);
      if (d.kind === 'reply') fit(d.message, 512);
      if (decoded.ok) {
        // What decodes encodes again, and reads back the same.
        expect(decode(encode(decoded.message))).toEqual(decoded.message);
      }
    }),
    { numRuns: 20_000 },
  );
});

describe('a running server under garbage', () => {
  const upstream = new FakeUpstream((q) => answerWith(q, []));
  let server: DnsServer;
  let port: number;
  const logs: string[] = [];

  beforeAll(async () => {
    await upstream.start();
    const zone = { ...index, upstream: [{ host: '127.0.0.1', port: upstream.port }] };
    server = new DnsServer({ host: '127.0.0.1', port: 0, zone: () => zone, timeoutMs: 200, log: (l) => logs.push(l) });
    port = (await server.start()).port;
  });
  afterAll(async () => {
    await server.stop();
    await upstream.stop();
  });

  test('3,000 packets over UDP and TCP, then it still answers', async () => {
    const packets = fc.sample(mutated, 3000);
    const dgram = await import('node:dgram');
    const s = dgram.createSocket('udp4');
    for (const p of packets) await new Promise<void>((r) => s.send(p.length ? p : Buffer.alloc(0), port, '127.0.0.1', () => r()));
    s.close();
    // TCP: framed garbage on a few connections, and raw garbage (bad lengths) on others.
    for (let c = 0; c < 10; c++) {
      const conn = net.connect({ port, host: '127.0.0.1' });
      conn.on('error', () => undefined);
      await new Promise<void>((r) => conn.on('connect', () => r()));
      for (const p of packets.slice(c * 100, c * 100 + 100)) {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(p.length);
        conn.write(c % 2 ? p : Buffer.concat([len, p]));
      }
      conn.destroy();
    }
    const m = decode((await udpAsk(port, queryBytes('web.shop.svc.cluster.local', TYPE.A)))!);
    expect(m.answers.map((r) => r.data)).toEqual([{ kind: 'a', address: '10.244.128.7' }]);
    const [t] = await tcpAsk(port, [queryBytes('web.shop.svc.cluster.local', TYPE.A)]);
    expect(decode(t!).answers).toHaveLength(1);
    expect(logs).toEqual([]);
  });
});
