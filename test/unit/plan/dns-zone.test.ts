/**
 * buildDnsZone against the records the Kubernetes DNS specification (schema 1.1.0) lists, on plain
 * stored objects.
 */
import { buildDnsZone, reverseZonesOf } from '../../../src/plan/dns-zone';
import { layoutOf } from '../../../src/domain/network';
import type { StoredObject } from '../../../src/domain/objects';

const layout = layoutOf('kubeplay', '10.244.0.0/16');

function stored(kind: string, namespace: string, name: string, body: Record<string, unknown>): StoredObject {
  return {
    apiVersion: 'v1',
    kind,
    metadata: { name, namespace, uid: `${name}-uid`, resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' },
    ...body,
  };
}

const svc = (ns: string, name: string, spec: Record<string, unknown>): StoredObject => stored('Service', ns, name, { spec });
const eps = (ns: string, name: string, subsets: unknown[]): StoredObject => stored('Endpoints', ns, name, { subsets });

describe('buildDnsZone', () => {
  test('an empty cluster: the kubernetes Service only, gateway upstream, ttl 5, the /16 reverse zone', () => {
    expect(buildDnsZone({ services: [], endpoints: [], layout })).toEqual({
      domain: 'cluster.local',
      reverseZones: ['244.10.in-addr.arpa'],
      upstream: ['10.244.0.1'],
      ttl: 5,
      records: {
        '1.128.244.10.in-addr.arpa': [{ type: 'PTR', target: 'kubernetes.default.svc.cluster.local' }],
        '_https._tcp.kubernetes.default.svc.cluster.local': [{ type: 'SRV', priority: 0, weight: 100, port: 443, target: 'kubernetes.default.svc.cluster.local' }],
        'kubernetes.default.svc.cluster.local': [{ type: 'A', address: '10.244.128.1' }],
      },
    });
  });

  test('a stored kubernetes Service does not override the layout', () => {
    const z = buildDnsZone({ services: [svc('default', 'kubernetes', { clusterIP: '10.9.9.9', ports: [{ name: 'https', port: 443 }] })], endpoints: [], layout });
    expect(z.records['kubernetes.default.svc.cluster.local']).toEqual([{ type: 'A', address: '10.244.128.1' }]);
  });

  test('ClusterIP: A, SRV for named ports only (service port, target the service), PTR', () => {
    const z = buildDnsZone({
      services: [svc('shop', 'Web', { type: 'NodePort', clusterIP: '10.244.128.7', ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'dns', protocol: 'UDP', port: 53 }, { port: 9000 }] })],
      endpoints: [eps('shop', 'Web', [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ name: 'http', port: 8080 }] }])],
      layout,
    });
    expect(z.records['web.shop.svc.cluster.local']).toEqual([{ type: 'A', address: '10.244.128.7' }]);
    expect(z.records['_http._tcp.web.shop.svc.cluster.local']).toEqual([{ type: 'SRV', priority: 0, weight: 100, port: 80, target: 'web.shop.svc.cluster.local' }]);
    expect(z.records['_dns._udp.web.shop.svc.cluster.local']).toEqual([{ type: 'SRV', priority: 0, weight: 100, port: 53, target: 'web.shop.svc.cluster.local' }]);
    expect(z.records['7.128.244.10.in-addr.arpa']).toEqual([{ type: 'PTR', target: 'web.shop.svc.cluster.local' }]);
    // Endpoints of a ClusterIP Service get no names of their own.
    expect(Object.keys(z.records).filter((n) => n.includes('10-244-0-5') || n === '5.0.244.10.in-addr.arpa')).toEqual([]);
  });

  test('headless: the name A each ready address; hostnames and dashed IPs; SRV per endpoint with shared weight; PTR per endpoint', () => {
    const z = buildDnsZone({
      services: [svc('db', 'pg', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] })],
      endpoints: [
        eps('db', 'pg', [
          {
            addresses: [
              { ip: '10.244.0.10', hostname: 'pg-0', targetRef: { kind: 'Pod', name: 'pg-0' } },
              { ip: '10.244.0.11', hostname: 'pg-1' },
              { ip: '10.244.0.12' },
            ],
            notReadyAddresses: [{ ip: '10.244.0.13', hostname: 'pg-2' }],
            ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }, { port: 9187 }],
          },
        ]),
      ],
      layout,
    });
    expect(z.records['pg.db.svc.cluster.local']).toEqual([
      { type: 'A', address: '10.244.0.10' },
      { type: 'A', address: '10.244.0.11' },
      { type: 'A', address: '10.244.0.12' },
    ]);
    expect(z.records['pg-0.pg.db.svc.cluster.local']).toEqual([{ type: 'A', address: '10.244.0.10' }]);
    expect(z.records['10-244-0-12.pg.db.svc.cluster.local']).toEqual([{ type: 'A', address: '10.244.0.12' }]);
    expect(z.records['pg-2.pg.db.svc.cluster.local']).toBeUndefined();
    expect(z.records['_pg._tcp.pg.db.svc.cluster.local']).toEqual([
      { type: 'SRV', priority: 0, weight: 33, port: 5432, target: '10-244-0-12.pg.db.svc.cluster.local' },
      { type: 'SRV', priority: 0, weight: 33, port: 5432, target: 'pg-0.pg.db.svc.cluster.local' },
      { type: 'SRV', priority: 0, weight: 33, port: 5432, target: 'pg-1.pg.db.svc.cluster.local' },
    ]);
    expect(z.records['10.0.244.10.in-addr.arpa']).toEqual([{ type: 'PTR', target: 'pg-0.pg.db.svc.cluster.local' }]);
    expect(z.records['12.0.244.10.in-addr.arpa']).toEqual([{ type: 'PTR', target: '10-244-0-12.pg.db.svc.cluster.local' }]);
  });

  test('headless without endpoints: the name exists with no records (NODATA, not NXDOMAIN)', () => {
    const z = buildDnsZone({ services: [svc('db', 'pg', { clusterIP: 'None' })], endpoints: [], layout });
    expect(z.records['pg.db.svc.cluster.local']).toEqual([]);
  });

  test('ExternalName: a CNAME to the outside name, lower case, no final dot', () => {
    const z = buildDnsZone({ services: [svc('default', 'ext', { type: 'ExternalName', externalName: 'Example.COM.' })], endpoints: [], layout });
    expect(z.records['ext.default.svc.cluster.local']).toEqual([{ type: 'CNAME', target: 'example.com' }]);
  });

  test('skipped: IPv6 addresses, addresses outside the subnet get no PTR, names that cannot go on the wire', () => {
    const z = buildDnsZone({
      services: [
        svc('default', 'v6', { clusterIP: 'fd00::1' }),
        svc('default', 'hostnet', { clusterIP: 'None', ports: [{ name: 'p', port: 1 }] }),
        svc('default', 'bad', { type: 'ExternalName', externalName: 'a..b' }),
      ],
      endpoints: [eps('default', 'hostnet', [{ addresses: [{ ip: '192.168.1.5' }, { ip: 'fd00::2' }], ports: [{ name: 'p', port: 1 }] }])],
      layout,
    });
    expect(z.records['v6.default.svc.cluster.local']).toEqual([]);
    expect(z.records['hostnet.default.svc.cluster.local']).toEqual([{ type: 'A', address: '192.168.1.5' }]);
    expect(z.records['5.1.168.192.in-addr.arpa']).toBeUndefined();
    expect(z.records['bad.default.svc.cluster.local']).toEqual([]);
  });

  test('one state gives one zone, whatever the input order', () => {
    const a = [svc('a', 'x', { clusterIP: '10.244.128.20' }), svc('b', 'y', { clusterIP: '10.244.128.21' })];
    expect(JSON.stringify(buildDnsZone({ services: a, endpoints: [], layout }))).toBe(JSON.stringify(buildDnsZone({ services: a.slice().reverse(), endpoints: [], layout })));
  });
});

describe('reverseZonesOf', () => {
  test.each([
    ['10.244.0.0/16', ['244.10.in-addr.arpa']],
    ['172.20.5.0/24', ['5.20.172.in-addr.arpa']],
    ['10.244.0.0/22', ['0.244.10.in-addr.arpa', '1.244.10.in-addr.arpa', '2.244.10.in-addr.arpa', '3.244.10.in-addr.arpa']],
    ['10.0.0.0/8', ['10.in-addr.arpa']],
  ])('%s', (subnet, zones) => {
    expect(reverseZonesOf(subnet)).toEqual(zones);
  });
});
