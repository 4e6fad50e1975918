import { inCidr, layoutOf, parseCidr, SUBNET_CANDIDATES } from '../../../src/domain/network';
import { freeSubnet, hostRoutes } from '../../../src/observe/observe-network';

describe('layoutOf', () => {
  test('a /16: pods in the first half, services in the second, kubernetes and DNS at .1 and .10 of it', () => {
    expect(layoutOf('kubeplay', '10.244.0.0/16')).toEqual({
      name: 'kubeplay',
      subnet: '10.244.0.0/16',
      gateway: '10.244.0.1',
      podRange: '10.244.0.0/17',
      serviceRange: '10.244.128.0/17',
      kubernetesIP: '10.244.128.1',
      dnsIP: '10.244.128.10',
      clusterDomain: 'cluster.local',
    });
  });
  test('a /24 and a subnet given by a host address', () => {
    const l = layoutOf('n', '10.89.3.7/24');
    expect([l.subnet, l.podRange, l.serviceRange, l.kubernetesIP, l.dnsIP]).toEqual(['10.89.3.0/24', '10.89.3.0/25', '10.89.3.128/25', '10.89.3.129', '10.89.3.138']);
  });
  test('refuses what is not an IPv4 CIDR of /8 to /24', () => {
    expect(() => layoutOf('n', 'fd00::/64')).toThrow(/not an IPv4 CIDR/);
    expect(() => layoutOf('n', '10.0.0.0/28')).toThrow(/not an IPv4 CIDR/);
  });
  test('inCidr and parseCidr', () => {
    expect(inCidr('10.244.128.5', '10.244.128.0/17')).toBe(true);
    expect(inCidr('10.244.127.255', '10.244.128.0/17')).toBe(false);
    expect(parseCidr('300.1.1.1/8')).toBeUndefined();
  });
});

describe('freeSubnet', () => {
  const net = (subnets: string[]) => ({ name: 'x', subnets, dnsEnabled: true, labels: {} });
  test('the first candidate no network overlaps', () => {
    expect(freeSubnet([net(['10.88.0.0/16']), net(['10.89.0.0/24'])])).toBe('10.244.0.0/16');
    expect(freeSubnet([net(['10.244.5.0/24'])])).toBe('10.245.0.0/16');
    expect(freeSubnet([net(['10.0.0.0/8'])])).toBe('172.20.0.0/16');
  });
  test('none free is a conflict that says what to do', () => {
    expect(() => freeSubnet(SUBNET_CANDIDATES.map((s) => net([s])))).toThrow(/podman network prune/);
  });
});

describe('hostRoutes', () => {
  test('reads /proc/net/route: bridges become CIDRs, the default route is left out', () => {
    const text = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
      'podman0\t0000580A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
      'podman2\t0000F40A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
    ].join('\n');
    expect(hostRoutes(text)).toEqual(['10.88.0.0/16', '10.244.0.0/24']);
  });
  test('a subnet a route covers is not chosen', () => {
    expect(freeSubnet([], ['10.244.0.0/24', '10.245.0.0/16'])).toBe('10.246.0.0/16');
  });
});

describe('apply -n', () => {
  const { inNamespace } = require('../../../src/commands/apply') as typeof import('../../../src/commands/apply');
  const doc = (value: Record<string, unknown>) => ({ source: 'f.yaml', documentIndex: 0, basePath: [], value, locate: () => undefined });
  test('a namespaced object naming none goes into -n; a cluster-scoped one is left alone', () => {
    const out = inNamespace([doc({ kind: 'Service', metadata: { name: 'a' } }), doc({ kind: 'Namespace', metadata: { name: 'n' } })], 'shop');
    expect(out.map((d) => (d.value['metadata'] as Record<string, unknown>)['namespace'])).toEqual(['shop', undefined]);
  });
  test("one naming another namespace is refused in kubectl's words", () => {
    expect(() => inNamespace([doc({ kind: 'Pod', metadata: { name: 'a', namespace: 'other' } })], 'shop')).toThrow(
      'the namespace from the provided object "other" does not match the namespace "shop". You must pass \'--namespace=other\' to perform this operation.',
    );
  });
});
