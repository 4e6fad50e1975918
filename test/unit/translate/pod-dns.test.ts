/**
 * A pod's DNS against upstream: kubernetes pkg/kubelet/network/dns/dns_test.go (TestParseResolvConf,
 * TestFormDNSSearchFitsLimits with ExpandedDNSConfig, TestFormDNSNameserversFitsLimits,
 * TestMergeDNSOptions, TestGetPodDNSType, TestGetPodDNSCustom), and the kubelet's host name rules
 * (GeneratePodHostNameAndDomain, GetNodenameForKernel) and managed /etc/hosts.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { layoutOf, type NetworkLayout, type PodDns } from '../../../src/domain/network';
import {
  formDnsNameserversFitsLimits,
  formDnsSearchFitsLimits,
  mergeDnsOptions,
  parseResolvConf,
  podDns,
  podDnsType,
  type DnsEvent,
} from '../../../src/translate/pod-dns';

describe('parseResolvConf (TestParseResolvConf)', () => {
  const cases: Array<[string, string[], string[], string[], boolean]> = [
    ['', [], [], [], false],
    [' ', [], [], [], false],
    ['\n', [], [], [], false],
    ['\t\n\t', [], [], [], false],
    ['#comment\n', [], [], [], false],
    [' #comment\n', [], [], [], false],
    ['#comment\n#comment', [], [], [], false],
    ['#comment\nnameserver', [], [], [], true],
    ['#comment\nnameserver\nsearch', [], [], [], true],
    ['#comment\nnameserver 1.2.3.4\nsearch', ['1.2.3.4'], [], [], false],
    ['nameserver 1.2.3.4', ['1.2.3.4'], [], [], false],
    [' nameserver 1.2.3.4', ['1.2.3.4'], [], [], false],
    ['\tnameserver 1.2.3.4', ['1.2.3.4'], [], [], false],
    ['nameserver\t1.2.3.4', ['1.2.3.4'], [], [], false],
    ['nameserver \t 1.2.3.4', ['1.2.3.4'], [], [], false],
    ['nameserver 1.2.3.4\nnameserver 5.6.7.8', ['1.2.3.4', '5.6.7.8'], [], [], false],
    ['nameserver 1.2.3.4 #comment', ['1.2.3.4'], [], [], false],
    ['search ', [], [], [], false],
    ['search foo', [], ['foo'], [], false],
    ['search foo bar', [], ['foo', 'bar'], [], false],
    ['search foo. bar', [], ['foo', 'bar'], [], false],
    ['search foo bar bat\n', [], ['foo', 'bar', 'bat'], [], false],
    ['search foo\nsearch bar', [], ['bar'], [], false],
    ['nameserver 1.2.3.4\nsearch foo bar', ['1.2.3.4'], ['foo', 'bar'], [], false],
    ['nameserver 1.2.3.4\nsearch foo\nnameserver 5.6.7.8\nsearch bar', ['1.2.3.4', '5.6.7.8'], ['bar'], [], false],
    ['#comment\nnameserver 1.2.3.4\n#comment\nsearch foo\ncomment', ['1.2.3.4'], ['foo'], [], false],
    ['options ', [], [], [], false],
    ['options ndots:5 attempts:2', [], [], ['ndots:5', 'attempts:2'], false],
    ['options ndots:1\noptions ndots:5 attempts:3', [], [], ['ndots:5', 'attempts:3'], false],
    ['nameserver 1.2.3.4\nsearch foo\nnameserver 5.6.7.8\nsearch bar\noptions ndots:5 attempts:4', ['1.2.3.4', '5.6.7.8'], ['bar'], ['ndots:5', 'attempts:4'], false],
  ];
  test.each(cases)('%j', (data, servers, searches, options, isErr) => {
    const r = parseResolvConf(data);
    if (isErr) {
      expect(r.errors.length).toBeGreaterThan(0);
      return;
    }
    expect(r.errors).toEqual([]);
    expect(r.dns).toEqual({ servers, searches, options });
  });
});

describe('formDnsSearchFitsLimits (TestFormDNSSearchFitsLimits, ExpandedDNSConfig)', () => {
  const list2048 = ['A'.repeat(128), ...Array.from({ length: 15 }, () => 'A'.repeat(127))];
  const base = ['testNS.svc.TEST', 'svc.TEST', 'TEST'];
  const upTo = (n: number) => Array.from({ length: n - 3 }, (_, i) => String(i + 4));
  const msg = (line: string[]) => `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${line.join(' ')}`;
  const cases: Array<[string, string[], string[], string[]]> = [
    ['valid: 3 search paths', base, base, []],
    ['valid: 5 search paths', [...base, 'AAA', 'BBB'], [...base, 'AAA', 'BBB'], []],
    ['invalid: longer than 256 characters in search path list', [...base, 'AAA', 'B'.repeat(256), 'BBB'], [...base, 'AAA', 'BBB'], [msg([...base, 'AAA', 'BBB'])]],
    ['valid ExpandedDNSConfig: 2048 characters in search path list', list2048, list2048, []],
    ['invalid ExpandedDNSConfig: 2050 characters in search path list', [...list2048, 'B'], list2048, [msg(list2048)]],
    ['valid ExpandedDNSConfig: 32 search paths', [...base, ...upTo(32)], [...base, ...upTo(32)], []],
    ['invalid ExpandedDNSConfig: 33 search paths', [...base, ...upTo(33)], [...base, ...upTo(32)], [msg([...base, ...upTo(32)])]],
  ];
  test.each(cases)('%s', (_desc, input, result, messages) => {
    const events: DnsEvent[] = [];
    expect(formDnsSearchFitsLimits(input, events)).toEqual(result);
    expect(events).toEqual(messages.map((message) => ({ type: 'Warning', reason: 'DNSConfigForming', message })));
  });
});

describe('formDnsNameserversFitsLimits (TestFormDNSNameserversFitsLimits)', () => {
  test.each([
    [['127.0.0.1'], ['127.0.0.1'], false],
    [['127.0.0.1', '10.0.0.10', '8.8.8.8'], ['127.0.0.1', '10.0.0.10', '8.8.8.8'], false],
    [['127.0.0.1', '10.0.0.10', '8.8.8.8', '1.2.3.4'], ['127.0.0.1', '10.0.0.10', '8.8.8.8'], true],
  ])('%j', (input, result, event) => {
    const events: DnsEvent[] = [];
    expect(formDnsNameserversFitsLimits(input, events)).toEqual(result);
    expect(events).toEqual(event ? [{ type: 'Warning', reason: 'DNSConfigForming', message: 'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 127.0.0.1 10.0.0.10 8.8.8.8' }] : []);
  });
});

describe('mergeDnsOptions (TestMergeDNSOptions)', () => {
  test.each([
    ['Empty dnsConfigOptions', [], ['ndots:5', 'debug']],
    ['No duplicated entries', [{ name: 'single-request' }, { name: 'attempts', value: '3' }], ['ndots:5', 'debug', 'single-request', 'attempts:3']],
    ['Overwrite duplicated entries', [{ name: 'ndots', value: '3' }, { name: 'debug' }, { name: 'single-request' }, { name: 'attempts', value: '3' }], ['ndots:3', 'debug', 'single-request', 'attempts:3']],
  ])('%s', (_d, options, expected) => {
    expect(mergeDnsOptions(['ndots:5', 'debug'], options)).toEqual(expected);
  });
});

function pod(spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): V1Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'test-pod', namespace: 'testNS', ...meta }, spec: { containers: [{ name: 'c' }], ...spec } };
}

describe('podDnsType (TestGetPodDNSType)', () => {
  test.each([
    ['valid DNSClusterFirst without hostnetwork', false, 'ClusterFirst', 'cluster'],
    ['valid DNSClusterFirstWithHostNet with hostnetwork', true, 'ClusterFirstWithHostNet', 'cluster'],
    ['valid DNSClusterFirstWithHostNet without hostnetwork', false, 'ClusterFirstWithHostNet', 'cluster'],
    ['valid DNSDefault without hostnetwork', false, 'Default', 'host'],
    ['valid DNSDefault with hostnetwork', true, 'Default', 'host'],
    ['DNSClusterFirst with hostnetwork, fallback to DNSDefault', true, 'ClusterFirst', 'host'],
    ['valid DNSNone', false, 'None', 'none'],
    ['no dnsPolicy: ClusterFirst, the API default', false, undefined, 'cluster'],
  ])('%s', (_d, hostNetwork, dnsPolicy, expected) => {
    expect(podDnsType(pod({ hostNetwork, ...(dnsPolicy ? { dnsPolicy } : {}) }))).toBe(expected);
  });
});

describe('podDns (TestGetPodDNSCustom)', () => {
  // Upstream's: cluster nameserver 10.0.0.10, cluster domain kubernetes.io, the host's resolv.conf
  // `nameserver 8.8.8.8` / `search host.domain`.
  const layout: NetworkLayout = { ...layoutOf('kubeplay', '10.244.0.0/16'), dnsIP: '10.0.0.10', clusterDomain: 'kubernetes.io' };
  const host: { resolvConf: PodDns } = { resolvConf: { servers: ['8.8.8.8'], searches: ['host.domain'], options: [] } };
  const dnsConfig = { nameservers: ['10.0.0.11'], searches: ['my.domain'], options: [{ name: 'ndots', value: '3' }, { name: 'debug' }] };
  const nsSvc = 'testNS.svc.kubernetes.io';

  test('DNSNone without DNSConfig should have empty DNS settings', () => {
    expect(podDns(pod({ dnsPolicy: 'None' }), layout, host).dns).toEqual({ servers: [], searches: [], options: [] });
  });

  test('DNSNone with DNSConfig should have a merged DNS settings', () => {
    const cfg = { nameservers: ['203.0.113.1'], searches: ['my.domain', 'second.domain'], options: [{ name: 'ndots', value: '3' }, { name: 'debug' }] };
    expect(podDns(pod({ dnsPolicy: 'None', dnsConfig: cfg }), layout, host).dns).toEqual({ servers: ['203.0.113.1'], searches: ['my.domain', 'second.domain'], options: ['ndots:3', 'debug'] });
  });

  test('DNSClusterFirst with DNSConfig should have a merged DNS settings', () => {
    expect(podDns(pod({ dnsPolicy: 'ClusterFirst', dnsConfig }), layout, host).dns).toEqual({
      servers: ['10.0.0.10', '10.0.0.11'],
      searches: [nsSvc, 'svc.kubernetes.io', 'kubernetes.io', 'host.domain', 'my.domain'],
      options: ['ndots:3', 'debug'],
    });
  });

  test('DNSClusterFirstWithHostNet with DNSConfig should have a merged DNS settings', () => {
    expect(podDns(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet', dnsConfig }), layout, host).dns).toEqual({
      servers: ['10.0.0.10', '10.0.0.11'],
      searches: [nsSvc, 'svc.kubernetes.io', 'kubernetes.io', 'host.domain', 'my.domain'],
      options: ['ndots:3', 'debug'],
    });
  });

  test('DNSDefault with DNSConfig should have a merged DNS settings', () => {
    expect(podDns(pod({ dnsPolicy: 'Default', dnsConfig }), layout, host).dns).toEqual({ servers: ['8.8.8.8', '10.0.0.11'], searches: ['host.domain', 'my.domain'], options: ['ndots:3', 'debug'] });
  });

  test('ClusterFirst (the default): the cluster server alone, the cluster searches then the host, ndots:5; duplicates dropped', () => {
    const h = { resolvConf: { servers: ['8.8.8.8'], searches: ['kubernetes.io', 'host.domain'], options: ['edns0'] } };
    expect(podDns(pod(), layout, h).dns).toEqual({ servers: ['10.0.0.10'], searches: [nsSvc, 'svc.kubernetes.io', 'kubernetes.io', 'host.domain'], options: ['ndots:5'] });
  });

  test("kubeplay's layout: the DNS server's address and cluster.local", () => {
    expect(podDns(pod({}, { namespace: 'shop' }), layoutOf('kubeplay', '10.244.0.0/16'), { resolvConf: { servers: [], searches: [], options: [] } }).dns).toEqual({
      servers: ['10.244.128.10'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      options: ['ndots:5'],
    });
  });

  test("Default on kubeplay's network writes the host's file out; on the host network without dnsConfig, Podman's copy is the same", () => {
    expect(podDns(pod({ dnsPolicy: 'Default' }), layout, host).dns).toEqual({ servers: ['8.8.8.8'], searches: ['host.domain'], options: [] });
    expect(podDns(pod({ hostNetwork: true }), layout, host).dns).toBeUndefined();
    expect(podDns(pod({ hostNetwork: true, dnsPolicy: 'Default' }), layout, host).dns).toBeUndefined();
    expect(podDns(pod({ hostNetwork: true, dnsPolicy: 'Default', dnsConfig }), layout, host).dns?.servers).toEqual(['8.8.8.8', '10.0.0.11']);
  });

  test('dnsConfig past the limits: cut, with the kubelet events', () => {
    const r = podDns(pod({ dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3'] } }), layout, host);
    expect(r.dns?.servers).toEqual(['10.0.0.10', '1.1.1.1', '2.2.2.2']);
    expect(r.events.map((e) => e.message)).toEqual(['Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.0.0.10 1.1.1.1 2.2.2.2']);
  });
});

describe('podDns: names and hosts', () => {
  const layout = layoutOf('kubeplay', '10.244.0.0/16');
  const host = { resolvConf: { servers: [], searches: [], options: [] } };

  test('the pod name, cut to 63 without a trailing dash or dot; spec.hostname wins', () => {
    const long = `${'a'.repeat(61)}-.bbbb`;
    expect(podDns(pod({}, { name: long }), layout, host).hostname).toBe('a'.repeat(61));
    expect(podDns(pod({ hostname: 'web-0' }), layout, host)).toMatchObject({ hostname: 'web-0', ownNames: ['web-0'], domain: '', hosts: [] });
  });

  test('a subdomain: the FQDN first in the own entry; setHostnameAsFQDN makes it the host name', () => {
    const p = pod({ hostname: 'db-0', subdomain: 'db' }, { namespace: 'shop' });
    expect(podDns(p, layout, host)).toMatchObject({ hostname: 'db-0', domain: 'db.shop.svc.cluster.local', ownNames: ['db-0.db.shop.svc.cluster.local', 'db-0'] });
    expect(podDns(pod({ hostname: 'db-0', subdomain: 'db', setHostnameAsFQDN: true }, { namespace: 'shop' }), layout, host).hostname).toBe('db-0.db.shop.svc.cluster.local');
    expect(podDns(pod({ hostname: 'db-0', setHostnameAsFQDN: true }), layout, host).hostname).toBe('db-0');
  });

  test('an FQDN over 64 characters: the kubelet cannot make the sandbox', () => {
    const r = podDns(pod({ hostname: 'h'.repeat(30), subdomain: 's'.repeat(20), setHostnameAsFQDN: true }, { namespace: 'shop' }), layout, host);
    const fqdn = `${'h'.repeat(30)}.${'s'.repeat(20)}.shop.svc.cluster.local`;
    expect(r.error).toBe(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (64 characters is the max, ${fqdn.length} characters requested)`);
  });

  test('hostAliases become hosts entries, in order; a hostNetwork pod has no own entry', () => {
    const aliases = [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }, { ip: '10.1.2.3', hostnames: ['foo.remote'] }];
    expect(podDns(pod({ hostAliases: aliases }), layout, host).hosts).toEqual([{ ip: '127.0.0.1', names: ['foo.local', 'bar.local'] }, { ip: '10.1.2.3', names: ['foo.remote'] }]);
    expect(podDns(pod({ hostNetwork: true, hostAliases: aliases }), layout, host)).toMatchObject({ ownNames: [], hosts: [{ ip: '127.0.0.1' }, { ip: '10.1.2.3' }] });
  });
});
