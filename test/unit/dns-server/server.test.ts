/**
 * The server on real sockets in this process (127.0.0.1, a free port): answers over UDP and TCP,
 * forwarding to a fake upstream (passed through with the client's ID, the next upstream when one is
 * silent, SERVFAIL when none answers, TCP to upstream for a truncated answer), ExternalName chased,
 * truncation to 512 bytes without EDNS.
 */
import { DnsServer } from '../../../src/dns-server/server';
import { CLASS_IN, RCODE, TYPE, decode, optRecord } from '../../../src/dns-server/wire';
import { indexZone, type ZoneIndex } from '../../../src/dns-server/zone';
import { FakeUpstream, answerWith, queryBytes, tcpAsk, udpAsk } from './dns-test-kit';

const a = (name: string, address: string) => ({ name, type: TYPE.A, class: CLASS_IN, ttl: 60, data: { kind: 'a' as const, address } });

function zoneWith(upstream: string[]): ZoneIndex {
  return indexZone(
    {
      domain: 'cluster.local',
      reverseZones: ['244.10.in-addr.arpa'],
      upstream,
      ttl: 5,
      records: {
        'web.shop.svc.cluster.local': [{ type: 'A', address: '10.244.128.7' }],
        'big.shop.svc.cluster.local': Array.from({ length: 40 }, (_, i) => ({ type: 'A', address: `10.244.0.${i + 1}` })),
        'ext.shop.svc.cluster.local': [{ type: 'CNAME', target: 'example.com' }],
      },
    },
    1,
  );
}

describe('DnsServer', () => {
  const good = new FakeUpstream((q, transport) => {
    const name = q.questions[0]!.name;
    if (name === 'big.example.com' && transport === 'udp') return answerWith(q, [], 0, true);
    if (name === 'big.example.com') return answerWith(q, Array.from({ length: 60 }, (_, i) => a(name, `192.0.2.${i}`)));
    if (name === 'missing.example.com') return answerWith(q, [], RCODE.NXDOMAIN);
    return answerWith(q, [a(name, '93.184.216.34')]);
  });
  const silent = new FakeUpstream(() => undefined);
  let zone: ZoneIndex;
  let server: DnsServer;
  let port: number;
  const logs: string[] = [];

  beforeAll(async () => {
    await good.start();
    await silent.start();
    zone = zoneWith([`127.0.0.1:${silent.port}`, `127.0.0.1:${good.port}`]);
    server = new DnsServer({ host: '127.0.0.1', port: 0, zone: () => zone, timeoutMs: 300, log: (l) => logs.push(l) });
    port = (await server.start()).port;
  });
  afterAll(async () => {
    await server.stop();
    await good.stop();
    await silent.stop();
  });

  test('answers from the zone over UDP and over TCP, several queries on one connection', async () => {
    const u = decode((await udpAsk(port, queryBytes('web.shop.svc.cluster.local', TYPE.A, 11)))!);
    expect(u.header).toMatchObject({ id: 11, aa: true, rcode: 0 });
    expect(u.answers.map((r) => r.data)).toEqual([{ kind: 'a', address: '10.244.128.7' }]);
    const t = (await tcpAsk(port, [queryBytes('web.shop.svc.cluster.local', TYPE.A, 1), queryBytes('nope.cluster.local', TYPE.A, 2)])).map(decode);
    expect(t.map((m) => [m.header.id, m.header.rcode]).sort()).toEqual([
      [1, RCODE.NOERROR],
      [2, RCODE.NXDOMAIN],
    ]);
  });

  test('forwards other names: the silent upstream times out, the next answers, with the client ID back', async () => {
    const m = decode((await udpAsk(port, queryBytes('example.com', TYPE.A, 0x7777)))!);
    expect(m.header).toMatchObject({ id: 0x7777, qr: true, aa: false, rcode: 0 });
    expect(m.answers.map((r) => r.data)).toEqual([{ kind: 'a', address: '93.184.216.34' }]);
    expect(silent.seen.some((s) => s.message.questions[0]!.name === 'example.com')).toBe(true);
    expect(decode((await udpAsk(port, queryBytes('missing.example.com', TYPE.A)))!).header.rcode).toBe(RCODE.NXDOMAIN);
  });

  test('SERVFAIL when no upstream answers', async () => {
    const before = zone;
    zone = zoneWith([`127.0.0.1:${silent.port}`]);
    try {
      const m = decode((await udpAsk(port, queryBytes('example.org', TYPE.A, 9)))!);
      expect(m.header).toMatchObject({ id: 9, rcode: RCODE.SERVFAIL });
    } finally {
      zone = before;
    }
  });

  test('ExternalName: the CNAME and the target resolved upstream', async () => {
    const m = decode((await udpAsk(port, queryBytes('ext.shop.svc.cluster.local', TYPE.A)))!);
    expect(m.answers.map((r) => [r.name, r.type])).toEqual([
      ['ext.shop.svc.cluster.local', TYPE.CNAME],
      ['example.com', TYPE.A],
    ]);
  });

  test('over 512 bytes on UDP without EDNS: TC, no answers; with EDNS or over TCP: all of it', async () => {
    const u = decode((await udpAsk(port, queryBytes('big.shop.svc.cluster.local', TYPE.A)))!);
    expect(u.header.tc).toBe(true);
    expect(u.answers).toEqual([]);
    expect(u.questions[0]!.name).toBe('big.shop.svc.cluster.local');
    const e = decode((await udpAsk(port, queryBytes('big.shop.svc.cluster.local', TYPE.A, 1, [optRecord(4096)])))!);
    expect(e.header.tc).toBe(false);
    expect(e.answers).toHaveLength(40);
    expect(e.additionals).toEqual([optRecord(1232)]);
    const [t] = (await tcpAsk(port, [queryBytes('big.shop.svc.cluster.local', TYPE.A)])).map(decode);
    expect(t!.answers).toHaveLength(40);
  });

  test('a truncated upstream answer is asked again over TCP for a TCP client', async () => {
    const [t] = (await tcpAsk(port, [queryBytes('big.example.com', TYPE.A)])).map(decode);
    expect(t!.answers).toHaveLength(60);
    expect(good.seen.filter((s) => s.message.questions[0]!.name === 'big.example.com').map((s) => s.transport)).toEqual(['udp', 'tcp']);
    const u = decode((await udpAsk(port, queryBytes('big.example.com', TYPE.A)))!);
    expect(u.header.tc).toBe(true);
  });

  test('garbage: FORMERR for a readable header, silence for less, and the server keeps answering', async () => {
    const f = await udpAsk(port, Buffer.from('beef0100000100000000000005', 'hex'));
    expect(decode(f!).header).toMatchObject({ id: 0xbeef, rcode: RCODE.FORMERR });
    expect(await udpAsk(port, Buffer.from('01', 'hex'), 300)).toBeUndefined();
    expect(decode((await udpAsk(port, queryBytes('web.shop.svc.cluster.local', TYPE.A)))!).answers).toHaveLength(1);
  });

  test('logs a silent upstream once, not once per query', () => {
    expect(logs).toEqual([`kubeplay-dns: upstream 127.0.0.1:${silent.port} did not answer in 300 ms; trying the next, if any (said once until it answers again)`]);
  });
});
