// The Service kind on plain data: validation (the cases of upstream's TestValidateServiceCreate in
// pkg/apis/core/validation/validation_test.go, written out here with their error counts, run on the
// defaulted object as the API server does), kubeplay's own limits and warnings, the defaults and the
// stored form, get's table (kubectl 1.32's printService; rows checked against printers_test.go
// TestPrintService), describe (describeService, Endpoints from EndpointSlices), the update rules
// (ValidateServiceUpdate) and the allocation of ClusterIPs and nodePorts.
import type { LoadedDocument, ValidManifest } from '../../../src/domain/types';
import type { KubeObject, StoredObject } from '../../../src/domain/objects';
import { layoutOf } from '../../../src/domain/network';
import { validateManifests } from '../../../src/validate';
import { applyOrder, catalog, KINDS, resourceOf } from '../../../src/kinds/registry';
import { SERVICE, SERVICE_TABLE, serviceObject, serviceUpdateProblems, portsText, externalIPText } from '../../../src/kinds/service';
import { describeService } from '../../../src/kinds/service/describe';
import { allocateService, kubernetesService } from '../../../src/kinds/service/allocate';
import { isDNS1035Label } from '../../../src/kinds/service/validation';
import { formatObjects, type PrintOptions } from '../../../src/print/get/format';

type Rec = Record<string, unknown>;
const doc = (value: Rec, i = 0): LoadedDocument => ({ source: 'svc.yaml', documentIndex: i, basePath: [], value, locate: () => ({ line: 1, column: 1 }) });
const result = (values: Rec[]) => validateManifests(values.map((v, i) => doc(v, i)), 'strict', 'privileged', catalog());
const issues = (v: Rec, severity = 'error') => {
  const r = result([v]);
  return (r.ok ? r.warnings : r.issues).filter((i) => i.severity === severity).map((i) => `${i.path}: ${i.message}`);
};
const manifest = (v: Rec): ValidManifest => {
  const r = result([v]);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.manifests[0]!;
};
const stamp = (o: KubeObject, extra: Rec = {}): StoredObject => ({ ...o, metadata: { ...o.metadata, uid: 'u1', resourceVersion: '3', generation: 1, creationTimestamp: '2024-05-01T09:55:00Z', ...extra } });

/** base is upstream's makeValidService: one TCP port `p` 8675, a selector, session affinity None, ClusterIP. */
const base = (): Rec => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'valid', namespace: 'default', labels: {}, annotations: {} },
  spec: { selector: { key: 'val' }, sessionAffinity: 'None', type: 'ClusterIP', ports: [{ name: 'p', protocol: 'TCP', port: 8675, targetPort: 8675 }] },
});
type Svc = { metadata: Rec & { labels: Rec; annotations: Rec }; spec: Rec & { ports: Rec[] } };
const svc = (tweak: (s: Svc) => void): Rec => {
  const s = base();
  tweak(s as unknown as Svc);
  return s;
};
const port = (p: Rec): Rec => ({ protocol: 'TCP', ...p });

describe('Service validation (upstream TestValidateServiceCreate)', () => {
  const cases: Array<[string, (s: Svc) => void, number]> = [
    ['invalid namespace', (s) => (s.metadata['namespace'] = '-123'), 1],
    ['missing name', (s) => (s.metadata['name'] = ''), 1],
    ['invalid name', (s) => (s.metadata['name'] = '-123'), 1],
    ['too long name', (s) => (s.metadata['name'] = 'a'.repeat(64)), 1],
    ['invalid label', (s) => (s.metadata.labels['NoUppercaseOrSpecialCharsLike=Equals'] = 'bar'), 1],
    ['invalid annotation', (s) => (s.metadata.annotations['NoSpecialCharsLike=Equals'] = 'bar'), 1],
    ['nil selector', (s) => delete s.spec['selector'], 0],
    ['invalid selector', (s) => ((s.spec['selector'] as Rec)['NoSpecialCharsLike=Equals'] = 'bar'), 1],
    ['missing ports', (s) => delete (s.spec as Rec)['ports'], 1],
    ['missing ports but headless', (s) => ((s.spec as Rec)['ports'] = null, (s.spec['clusterIP'] = 'None')), 0],
    ['empty port[0] name', (s) => (s.spec.ports[0]!['name'] = ''), 0],
    ['empty port[1] name', (s) => s.spec.ports.push(port({ name: '', port: 12345, targetPort: 12345 })), 1],
    ['empty multi-port port[0] name', (s) => ((s.spec.ports[0]!['name'] = ''), s.spec.ports.push(port({ name: 'p', port: 12345, targetPort: 12345 }))), 1],
    ['invalid port name', (s) => (s.spec.ports[0]!['name'] = 'INVALID'), 1],
    ['invalid protocol', (s) => (s.spec.ports[0]!['protocol'] = 'INVALID'), 1],
    ['invalid cluster ip', (s) => (s.spec['clusterIP'] = 'invalid'), 1],
    ['missing port', (s) => (s.spec.ports[0]!['port'] = 0), 1],
    ['invalid port', (s) => (s.spec.ports[0]!['port'] = 65536), 1],
    ['invalid TargetPort int', (s) => (s.spec.ports[0]!['targetPort'] = 65536), 1],
    ['valid port headless', (s) => ((s.spec.ports[0]!['port'] = 11722), (s.spec.ports[0]!['targetPort'] = 11722), (s.spec['clusterIP'] = 'None')), 0],
    ['invalid port headless 1 (tolerated in v1)', (s) => ((s.spec.ports[0]!['port'] = 11722), (s.spec.ports[0]!['targetPort'] = 11721), (s.spec['clusterIP'] = 'None')), 0],
    ['invalid port headless 2 (tolerated in v1)', (s) => ((s.spec.ports[0]!['port'] = 11722), (s.spec.ports[0]!['targetPort'] = 'target'), (s.spec['clusterIP'] = 'None')), 0],
    ['invalid publicIPs localhost', (s) => (s.spec['externalIPs'] = ['127.0.0.1']), 1],
    ['invalid publicIPs unspecified', (s) => (s.spec['externalIPs'] = ['0.0.0.0']), 1],
    ['invalid publicIPs host', (s) => (s.spec['externalIPs'] = ['myhost.mydomain']), 1],
    ['dup port name', (s) => s.spec.ports.push(port({ name: 'p', port: 12345, targetPort: 12345 })), 1],
    ['valid load balancer protocol UDP 1', (s) => ((s.spec['type'] = 'LoadBalancer'), (s.spec.ports[0]!['protocol'] = 'UDP')), 0],
    ['valid load balancer protocol UDP 2', (s) => ((s.spec['type'] = 'LoadBalancer'), (s.spec.ports[0] = port({ name: 'q', port: 12345, protocol: 'UDP', targetPort: 12345 }))), 0],
    ['load balancer with mix protocol', (s) => ((s.spec['type'] = 'LoadBalancer'), s.spec.ports.push(port({ name: 'q', port: 12345, protocol: 'UDP', targetPort: 12345 }))), 0],
    ['valid 1', () => undefined, 0],
    ['valid 2', (s) => ((s.spec.ports[0]!['protocol'] = 'UDP'), (s.spec.ports[0]!['targetPort'] = 12345)), 0],
    ['valid 3', (s) => (s.spec.ports[0]!['targetPort'] = 'http'), 0],
    ['valid cluster ip - none', (s) => (s.spec['clusterIP'] = 'None'), 0],
    ['valid cluster ip - empty', (s) => ((s.spec['clusterIP'] = ''), (s.spec.ports[0]!['targetPort'] = 'http')), 0],
    ['valid type - clusterIP', (s) => (s.spec['type'] = 'ClusterIP'), 0],
    ['valid type - loadbalancer', (s) => (s.spec['type'] = 'LoadBalancer'), 0],
    ['valid type - loadbalancer with allocateLoadBalancerNodePorts=false', (s) => ((s.spec['type'] = 'LoadBalancer'), (s.spec['allocateLoadBalancerNodePorts'] = false)), 0],
    ['valid type loadbalancer 2 ports', (s) => ((s.spec['type'] = 'LoadBalancer'), s.spec.ports.push(port({ name: 'q', port: 12345, targetPort: 12345 }))), 0],
    ['duplicate nodeports', (s) => ((s.spec['type'] = 'NodePort'), s.spec.ports.push(port({ name: 'q', port: 1, nodePort: 1, targetPort: 1 }), port({ name: 'r', port: 2, nodePort: 1, targetPort: 2 }))), 1],
    ['duplicate nodeports (different protocols)', (s) => ((s.spec['type'] = 'NodePort'), s.spec.ports.push(port({ name: 'q', port: 1, nodePort: 1, targetPort: 1 }), port({ name: 'r', port: 2, nodePort: 1, protocol: 'UDP', targetPort: 2 }))), 0],
    ['invalid duplicate ports (with same protocol)', (s) => s.spec.ports.push(port({ name: 'q', port: 8675, targetPort: 80 })), 1],
    ['valid duplicate ports (with different protocols)', (s) => s.spec.ports.push(port({ name: 'q', port: 8675, protocol: 'UDP', targetPort: 80 })), 0],
    ['valid type=NodePort service with NodePort', (s) => ((s.spec['type'] = 'NodePort'), (s.spec.ports[0]!['nodePort'] = 12345)), 0],
    ['valid type=NodePort service without NodePort', (s) => (s.spec['type'] = 'NodePort'), 0],
    ['invalid cluster service with NodePort', (s) => (s.spec.ports[0]!['nodePort'] = 12345), 1],
    ['invalid public service with duplicate NodePort', (s) => ((s.spec['type'] = 'NodePort'), s.spec.ports.push(port({ name: 'q', port: 2, nodePort: 1, targetPort: 2 }), port({ name: 'r', port: 3, nodePort: 1, targetPort: 3 }))), 1],
    ['invalid source range for non LoadBalancer type service', (s) => (s.spec['loadBalancerSourceRanges'] = ['1.2.3.4/8', '5.6.7.8/16']), 1],
    ['valid LoadBalancer source range', (s) => ((s.spec['type'] = 'LoadBalancer'), (s.spec['loadBalancerSourceRanges'] = ['1.2.3.4/8', '5.6.7.8/16'])), 0],
    ['valid LoadBalancer source range with whitespace', (s) => ((s.spec['type'] = 'LoadBalancer'), (s.spec['loadBalancerSourceRanges'] = ['1.2.3.4/8  ', '  5.6.7.8/16'])), 0],
    ['empty LoadBalancer source range', (s) => ((s.spec['type'] = 'LoadBalancer'), (s.spec['loadBalancerSourceRanges'] = ['   '])), 1],
    ['invalid LoadBalancer source range', (s) => ((s.spec['type'] = 'LoadBalancer'), (s.spec['loadBalancerSourceRanges'] = ['foo.bar'])), 1],
    ['valid ExternalName', (s) => ((s.spec['type'] = 'ExternalName'), (s.spec['externalName'] = 'foo.bar.example.com')), 0],
    ['valid ExternalName (trailing dot)', (s) => ((s.spec['type'] = 'ExternalName'), (s.spec['externalName'] = 'foo.bar.example.com.')), 0],
    ['invalid ExternalName clusterIP (valid IP)', (s) => ((s.spec['type'] = 'ExternalName'), (s.spec['clusterIP'] = '1.2.3.4'), (s.spec['externalName'] = 'foo.bar.example.com')), 1],
    ['invalid ExternalName clusterIP (None)', (s) => ((s.spec['type'] = 'ExternalName'), (s.spec['clusterIP'] = 'None'), (s.spec['externalName'] = 'foo.bar.example.com')), 1],
    ['invalid ExternalName (not a DNS name)', (s) => ((s.spec['type'] = 'ExternalName'), (s.spec['externalName'] = '-123')), 1],
    ['LoadBalancer type cannot have None ClusterIP', (s) => ((s.spec['type'] = 'LoadBalancer'), (s.spec['clusterIP'] = 'None')), 1],
    ['invalid node port with clusterIP None', (s) => ((s.spec['type'] = 'NodePort'), s.spec.ports.push(port({ name: 'q', port: 1, nodePort: 1, targetPort: 1 })), (s.spec['clusterIP'] = 'None')), 1],
    ['invalid externalTraffic field', (s) => ((s.spec['type'] = 'LoadBalancer'), (s.spec['externalTrafficPolicy'] = 'invalid')), 1],
    ['externalTrafficPolicy on a ClusterIP service', (s) => (s.spec['externalTrafficPolicy'] = 'Cluster'), 1],
    ['invalid internalTraffic field', (s) => (s.spec['internalTrafficPolicy'] = 'invalid'), 1],
    ['internalTrafficPolicy field set to Cluster', (s) => (s.spec['internalTrafficPolicy'] = 'Cluster'), 0],
    ['internalTrafficPolicy field set to Local', (s) => (s.spec['internalTrafficPolicy'] = 'Local'), 0],
    ['negative healthCheckNodePort field', (s) => ((s.spec['type'] = 'LoadBalancer'), (s.spec['externalTrafficPolicy'] = 'Local'), (s.spec['healthCheckNodePort'] = -1)), 1],
    ['healthCheckNodePort without LoadBalancer and Local', (s) => ((s.spec['type'] = 'NodePort'), (s.spec['healthCheckNodePort'] = 31100)), 1],
    ['sessionAffinityConfig can\'t be set when session affinity is None', (s) => (s.spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 90 } }), 1],
    ['valid ClientIP timeoutSeconds', (s) => ((s.spec['sessionAffinity'] = 'ClientIP'), (s.spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 86400 } })), 0],
    ['ClientIP without a config (defaulted to 10800)', (s) => (s.spec['sessionAffinity'] = 'ClientIP'), 0],
    ['invalid timeoutSeconds field (-1)', (s) => ((s.spec['sessionAffinity'] = 'ClientIP'), (s.spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: -1 } })), 1],
    ['invalid timeoutSeconds field (0)', (s) => ((s.spec['sessionAffinity'] = 'ClientIP'), (s.spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 0 } })), 1],
    ['invalid timeoutSeconds field (86401)', (s) => ((s.spec['sessionAffinity'] = 'ClientIP'), (s.spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 86401 } })), 1],
    ['invalid session affinity', (s) => (s.spec['sessionAffinity'] = 'Random'), 1],
    ['invalid type', (s) => (s.spec['type'] = 'Ingress'), 1],
    ['invalid ipfamily', (s) => (s.spec['ipFamilies'] = ['not-a-family']), 1],
    ['dup ipfamily', (s) => ((s.spec['ipFamilies'] = ['IPv4', 'IPv4']), (s.spec['ipFamilyPolicy'] = 'SingleStack')), 1],
    ['invalid ipfamily policy', (s) => (s.spec['ipFamilyPolicy'] = 'not-a-valid-ip-family-policy'), 1],
    ['clusterIPs without clusterIP', (s) => (s.spec['clusterIPs'] = ['10.0.0.1']), 0],
    ['clusterIPs not matching clusterIP', (s) => ((s.spec['clusterIP'] = '10.0.0.1'), (s.spec['clusterIPs'] = ['10.0.0.2'])), 1],
    ['None not alone', (s) => ((s.spec['clusterIP'] = 'None'), (s.spec['clusterIPs'] = ['None', '10.0.0.1'])), 1],
    ['invalid appProtocol', (s) => (s.spec.ports[0]!['appProtocol'] = '//invalid'), 1],
    ['valid appProtocol', (s) => (s.spec.ports[0]!['appProtocol'] = 'example.com/protocol'), 0],
    ['topology annotations are mismatched', (s) => ((s.metadata.annotations['service.kubernetes.io/topology-aware-hints'] = 'original'), (s.metadata.annotations['service.kubernetes.io/topology-mode'] = 'different')), 1],
    ['invalid loadBalancerClass', (s) => ((s.spec['type'] = 'LoadBalancer'), (s.spec['loadBalancerClass'] = 'Bad/LoadBalancerClass')), 1],
    ['loadBalancerClass on a ClusterIP service', (s) => (s.spec['loadBalancerClass'] = 'test.com/test'), 1],
    ['allocateLoadBalancerNodePorts on a ClusterIP service', (s) => (s.spec['allocateLoadBalancerNodePorts'] = true), 1],
    ['invalid trafficDistribution field', (s) => (s.spec['trafficDistribution'] = 'PreferSomewhereElse'), 1],
    ['valid trafficDistribution field', (s) => (s.spec['trafficDistribution'] = 'PreferClose'), 0],
  ];
  test.each(cases)('%s', (_what, tweak, n) => {
    const got = issues(svc(tweak));
    expect(got).toHaveLength(n);
  });
});

describe('Service validation: the API server\'s words', () => {
  const one = (tweak: (s: Svc) => void) => issues(svc(tweak));
  test('a name is a DNS-1035 label (it becomes a DNS name and environment variables)', () => {
    expect(one((s) => (s.metadata['name'] = '1web'))).toEqual([
      `metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    ]);
    expect(isDNS1035Label('web-1')).toEqual([]);
    expect(isDNS1035Label('a'.repeat(64))[0]).toBe('must be no more than 63 characters');
  });
  test('ports', () => {
    expect(one((s) => delete (s.spec as Rec)['ports'])).toEqual(['spec.ports: Required value']);
    expect(one((s) => s.spec.ports.push(port({ port: 80 })))).toEqual(['spec.ports[1].name: Required value']);
    expect(one((s) => s.spec.ports.push(port({ name: 'p', port: 80 })))).toEqual(['spec.ports[1].name: Duplicate value: "p"']);
    expect(one((s) => (s.spec.ports[0]!['protocol'] = 'HTTP'))).toEqual(['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']);
    expect(one((s) => (s.spec.ports[0]!['targetPort'] = 'http_web'))).toEqual(['spec.ports[0].targetPort: Invalid value: "http_web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']);
    expect(one((s) => s.spec.ports.push(port({ name: 'q', port: 8675 })))).toEqual([
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:8675, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ]);
    expect(one((s) => (s.spec.ports[0]!['nodePort'] = 30080))).toEqual(["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
  });
  test('types, headless and ExternalName', () => {
    expect(one((s) => (s.spec['type'] = 'Ingress'))).toEqual(['spec.type: Unsupported value: "Ingress": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']);
    expect(one((s) => ((s.spec['type'] = 'NodePort'), (s.spec['clusterIP'] = 'None')))).toEqual(["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]);
    expect(one((s) => ((s.spec['type'] = 'ExternalName'), (s.spec['clusterIP'] = '10.0.0.1'), (s.spec['externalName'] = 'db.example.com')))).toEqual(['spec.clusterIPs: Forbidden: may not be set for ExternalName services']);
    expect(one((s) => (s.spec['type'] = 'ExternalName'))).toEqual(['spec.externalName: Required value']);
    expect(one((s) => ((s.spec['type'] = 'ExternalName'), (s.spec['externalName'] = 'Bad_Name')))[0]).toMatch(/^spec\.externalName: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    expect(one((s) => (s.spec['clusterIP'] = '10.0.0.300'))).toEqual(['spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  });
  test('session affinity and traffic policies', () => {
    expect(one((s) => ((s.spec['sessionAffinity'] = 'ClientIP'), (s.spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 86401 } })))).toEqual([
      'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400',
    ]);
    expect(one((s) => (s.spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 90 } }))).toEqual(['spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None']);
    expect(one((s) => (s.spec['externalTrafficPolicy'] = 'Local'))).toEqual(['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']);
    expect(one((s) => ((s.spec['type'] = 'NodePort'), (s.spec['externalTrafficPolicy'] = 'Global')))).toEqual(['spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"']);
  });
});

describe("Service validation: kubeplay's IPv4-only network, and what it does not carry out", () => {
  test('IPv6-only is refused with the reason and what to do', () =>
    expect(issues(svc((s) => (s.spec['ipFamilies'] = ['IPv6'])))).toEqual([
      "spec.ipFamilies[0]: IPv6 is not supported: kubeplay's Podman network is IPv4 only, so the Service cannot get an IPv6 ClusterIP or IPv6 endpoints; remove spec.ipFamilies (or set it to [IPv4]) (kubeplay's rule, not the API server's)",
    ]));
  test('dual stack is refused as a single-stack cluster refuses it', () => {
    expect(issues(svc((s) => ((s.spec['ipFamilies'] = ['IPv4', 'IPv6']), (s.spec['ipFamilyPolicy'] = 'PreferDualStack'))))).toEqual(['spec.ipFamilies[1]: Invalid value: "IPv6": not configured on this cluster']);
    expect(issues(svc((s) => (s.spec['ipFamilyPolicy'] = 'RequireDualStack')))).toEqual(['spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services']);
  });
  test('a headless Service without a selector takes both families, as on any cluster', () => {
    const v = svc((s) => ((s.spec['clusterIP'] = 'None'), delete s.spec['selector']));
    expect(issues(v)).toEqual([]);
    expect(manifest(v).object['spec']).toMatchObject({ ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] });
  });
  test('fields not carried out are warnings, each with why; ClientIP affinity is carried out', () => {
    const w = issues(
      svc((s) => {
        s.spec['type'] = 'LoadBalancer';
        s.spec['externalIPs'] = ['192.0.2.10'];
        s.spec['loadBalancerSourceRanges'] = ['10.0.0.0/8'];
        s.spec['loadBalancerClass'] = 'example.com/lb';
        s.spec['externalTrafficPolicy'] = 'Local';
        s.spec['healthCheckNodePort'] = 31000;
        s.spec['trafficDistribution'] = 'PreferClose';
        s.spec['ipFamilyPolicy'] = 'PreferDualStack';
        s.spec['sessionAffinity'] = 'ClientIP';
      }),
      'warning',
    );
    expect(w.map((m) => m.split(':')[0]).sort()).toEqual(['spec.externalIPs', 'spec.externalTrafficPolicy', 'spec.healthCheckNodePort', 'spec.ipFamilyPolicy', 'spec.loadBalancerClass', 'spec.loadBalancerSourceRanges', 'spec.trafficDistribution']);
    expect(w.find((m) => m.startsWith('spec.externalTrafficPolicy'))).toMatch(/Local behaves as Cluster/);
    expect(issues(svc((s) => (s.spec['sessionAffinity'] = 'ClientIP')), 'warning')).toEqual([]);
  });
  test('the same Service twice in one namespace is kubeplay\'s refusal', () => {
    const r = result([base(), base()]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues[0]!.message).toMatch(/service "valid" is declared twice in namespace "default"/);
  });
});

describe('defaults and the stored Service', () => {
  const minimal = (spec: Rec, name = 'web'): Rec => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });
  test('ClusterIP: SetDefaults_Service and the IP family fields; status.loadBalancer {}', () => {
    const o = serviceObject(manifest(minimal({ selector: { app: 'web' }, ports: [{ port: 80 }] })));
    expect(o).toMatchObject({ apiVersion: 'v1', kind: 'Service', status: { loadBalancer: {} } });
    expect(o.spec).toEqual({
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    });
    expect(JSON.parse(o.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']!)).toEqual(minimal({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
    expect(serviceObject(manifest(minimal({ ports: [{ port: 80 }] })))).toEqual(serviceObject(manifest(minimal({ ports: [{ port: 80 }] }))));
  });
  test('NodePort and LoadBalancer: externalTrafficPolicy Cluster; LoadBalancer: allocateLoadBalancerNodePorts', () => {
    expect(serviceObject(manifest(minimal({ type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] }))).spec).toMatchObject({ externalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', targetPort: 'http' }] });
    const lb = serviceObject(manifest(minimal({ type: 'LoadBalancer', ports: [{ port: 80, protocol: 'UDP' }] }))).spec as Rec;
    expect(lb).toMatchObject({ externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true, internalTrafficPolicy: 'Cluster' });
  });
  test('ExternalName: no IP families, no internalTrafficPolicy', () => {
    const s = serviceObject(manifest(minimal({ type: 'ExternalName', externalName: 'db.example.com' }))).spec as Rec;
    expect(s).toEqual({ type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' });
  });
  test('headless: clusterIPs [None]; ClientIP: the 3-hour timeout', () => {
    expect(serviceObject(manifest(minimal({ clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] }))).spec).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'], ipFamilyPolicy: 'SingleStack' });
    expect(serviceObject(manifest(minimal({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }))).spec).toMatchObject({ sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } });
  });
});

describe('resource words and the registry', () => {
  test('svc, services, ep, endpoints, endpointslice(s), endpointslices.discovery.k8s.io', () => {
    for (const w of ['svc', 'services', 'service', 'Service']) expect(resourceOf(w)).toBe(SERVICE);
    for (const w of ['ep', 'endpoints', 'Endpoints']) expect(resourceOf(w)?.info.kind).toBe('Endpoints');
    for (const w of ['endpointslice', 'endpointslices', 'endpointslices.discovery.k8s.io', 'EndpointSlice']) expect(resourceOf(w)?.info.kind).toBe('EndpointSlice');
  });
  test('apply order: after claims, before pods; Endpoints and EndpointSlices after Services', () => {
    expect(applyOrder('PersistentVolumeClaim')).toBeLessThan(applyOrder('Service'));
    expect(applyOrder('Service')).toBeLessThan(applyOrder('Endpoints'));
    expect(applyOrder('Endpoints')).toBeLessThan(applyOrder('EndpointSlice'));
    expect(applyOrder('EndpointSlice')).toBeLessThan(applyOrder('Pod'));
  });
  test('`get all` lists services after pods, before the apps kinds (kubectl\'s order)', () => {
    const inAll = KINDS.filter((k) => k.info.categories?.includes('all')).map((k) => k.info);
    expect(inAll.filter((i) => i.group === '').map((i) => i.plural).sort()).toEqual(['pods', 'services']);
  });
});

describe("get's table (kubectl 1.32 printService)", () => {
  const now = new Date('2024-05-01T10:00:00Z');
  const print: PrintOptions = { format: 'table', showLabels: false, labelColumns: [], noHeaders: false, single: false, node: 'n' };
  const row = (name: string, spec: Rec, status: Rec = { loadBalancer: {} }) => ({ metadata: { name, creationTimestamp: '2024-05-01T09:55:00Z' }, spec, status });
  const table = SERVICE_TABLE as never;
  test('each type, headless, nodePorts, ExternalName, LoadBalancer pending and with ingress', () => {
    const rows = [
      row('web', { type: 'ClusterIP', clusterIP: '10.244.128.2', clusterIPs: ['10.244.128.2'], ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'web' } }),
      row('multi', { type: 'ClusterIP', clusterIP: '10.244.128.3', clusterIPs: ['10.244.128.3'], ports: [{ port: 5432, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }] }),
      row('db', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 5432, protocol: 'TCP' }] }),
      row('front', { type: 'NodePort', clusterIP: '10.244.128.4', clusterIPs: ['10.244.128.4'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }),
      row('lb', { type: 'LoadBalancer', clusterIP: '10.244.128.5', clusterIPs: ['10.244.128.5'], ports: [{ port: 443, nodePort: 30443, protocol: 'TCP' }] }),
      row('lb2', { type: 'LoadBalancer', clusterIP: '10.244.128.6', clusterIPs: ['10.244.128.6'], ports: [{ port: 53, nodePort: 30053, protocol: 'UDP' }] }, { loadBalancer: { ingress: [{ ip: '192.168.1.20' }, { ip: '192.168.1.10' }] } }),
      row('ext', { type: 'ExternalName', externalName: 'db.example.com' }),
    ];
    expect(formatObjects(rows as never[], print, now, table)).toBe(
      [
        'NAME    TYPE           CLUSTER-IP     EXTERNAL-IP        PORT(S)             AGE',
        'web     ClusterIP      10.244.128.2   <none>             80/TCP              5m',
        'multi   ClusterIP      10.244.128.3   <none>             5432/TCP,8080/TCP   5m',
        'db      ClusterIP      None           <none>             5432/TCP            5m',
        'front   NodePort       10.244.128.4   <none>             80:30080/TCP        5m',
        'lb      LoadBalancer   10.244.128.5   <pending>          443:30443/TCP       5m',
        // loadBalancerWidth: the ingress list cut to 16 characters but in -o wide.
        'lb2     LoadBalancer   10.244.128.6   192.168.1.10,...   53:30053/UDP        5m',
        'ext     ExternalName   <none>         db.example.com     <none>              5m',
        '',
      ].join('\n'),
    );
    expect(formatObjects([rows[0]!, rows[5]!] as never[], { ...print, format: 'wide' }, now, table)).toBe(
      [
        'NAME   TYPE           CLUSTER-IP     EXTERNAL-IP                 PORT(S)        AGE   SELECTOR',
        'web    ClusterIP      10.244.128.2   <none>                      80/TCP         5m    app=web',
        'lb2    LoadBalancer   10.244.128.6   192.168.1.10,192.168.1.20   53:30053/UDP   5m    <none>',
        '',
      ].join('\n'),
    );
    expect(formatObjects([rows[0]!] as never[], { ...print, format: 'name' }, now, table)).toBe('service/web\n');
  });
  test('printers_test.go TestPrintService: ports and external IPs', () => {
    expect(portsText([{ port: 2233, protocol: 'TCP' }, { port: 8080, protocol: 'TCP', nodePort: 9090 }])).toBe('2233/TCP,8080:9090/TCP');
    expect(externalIPText({ spec: { type: 'ClusterIP', externalIPs: ['10.9.8.7', '3.4.5.6'] } }, false)).toBe('10.9.8.7,3.4.5.6');
    expect(externalIPText({ spec: { type: 'LoadBalancer', externalIPs: ['2.3.4.5'] }, status: { loadBalancer: { ingress: [{ ip: '3.4.5.6' }, { hostname: 'foo.bar' }] } } }, true)).toBe('3.4.5.6,foo.bar,2.3.4.5');
  });
});

describe('describe (kubectl 1.32 describeService)', () => {
  const now = new Date('2024-05-01T10:00:00Z');
  const slice = (name: string, svcName: string, endpoints: Rec[], ports: Rec[] = [{ name: '', port: 8080, protocol: 'TCP' }]) => ({ metadata: { name, labels: { 'kubernetes.io/service-name': svcName } }, addressType: 'IPv4', endpoints, ports });
  test('every line, Endpoints from the Service\'s ready EndpointSlice endpoints', () => {
    const o = stamp({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      spec: { type: 'NodePort', selector: { app: 'web' }, clusterIP: '10.244.128.2', clusterIPs: ['10.244.128.2'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }], sessionAffinity: 'None', externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster' },
      status: { loadBalancer: {} },
    });
    const slices = [
      slice('web-abc', 'web', [{ addresses: ['10.244.0.5'], conditions: { ready: true } }, { addresses: ['10.244.0.6'] }, { addresses: ['10.244.0.7'], conditions: { ready: false } }]),
      slice('other-x', 'other', [{ addresses: ['10.244.0.9'] }]),
    ];
    const text = describeService(o, { now, list: (kind) => (kind === 'EndpointSlice.discovery.k8s.io' ? (slices as never) : []) });
    expect(text).toBe(
      [
        'Name:                     web',
        'Namespace:                default',
        'Labels:                   app=web',
        'Annotations:              <none>',
        'Selector:                 app=web',
        'Type:                     NodePort',
        'IP Family Policy:         SingleStack',
        'IP Families:              IPv4',
        'IP:                       10.244.128.2',
        'IPs:                      10.244.128.2',
        'Port:                     <unset>  80/TCP',
        'TargetPort:               8080/TCP',
        'NodePort:                 <unset>  30080/TCP',
        'Endpoints:                10.244.0.5:8080,10.244.0.6:8080',
        'Session Affinity:         None',
        'External Traffic Policy:  Cluster',
        'Internal Traffic Policy:  Cluster',
        'Events:                   <none>',
        '',
      ].join('\n'),
    );
  });
  test('Endpoints: <none> without slices, `+ N more...` past three, ExternalName and LoadBalancer lines', () => {
    const o = stamp({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None', ports: [{ name: 'pg', port: 5432, targetPort: 5432, protocol: 'TCP' }] } });
    const text = describeService(o, { now, list: () => [] });
    expect(text).toContain('IP Families:       <none>\n');
    expect(text).toContain('IPs:               <none>\n');
    expect(text).toContain('External Name:     db.example.com\n');
    expect(text).toContain('Port:              pg  5432/TCP\n');
    expect(text).toContain('Endpoints:         <none>\n');
    const many = [slice('web-a', 'web', [1, 2, 3, 4, 5].map((i) => ({ addresses: [`10.0.0.${i}`] })), [{ name: 'http', port: 80, protocol: 'TCP' }])];
    const lb = stamp({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 80, targetPort: 80, nodePort: 30080, protocol: 'TCP' }] }, status: { loadBalancer: { ingress: [{ ip: '192.168.1.10', ipMode: 'VIP' }] } } });
    const t2 = describeService(lb, { now, list: (k) => (k === 'EndpointSlice.discovery.k8s.io' ? (many as never) : []) });
    expect(t2).toMatch(/\nEndpoints: +10\.0\.0\.1:80,10\.0\.0\.2:80,10\.0\.0\.3:80 \+ 2 more\.\.\.\n/);
    expect(t2).toMatch(/\nLoadBalancer Ingress: +192\.168\.1\.10 \(VIP\)\n/);
  });
});

describe('updating a Service (ValidateServiceUpdate)', () => {
  const old = stamp({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'ClusterIP', clusterIP: '10.244.128.2', clusterIPs: ['10.244.128.2'], ipFamilies: ['IPv4'], ports: [{ port: 80 }] } });
  const next = (spec: Rec): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec });
  test('a clusterIP left out is kept; the same one is fine', () => {
    expect(serviceUpdateProblems(old, next({ type: 'ClusterIP', ports: [{ port: 81 }] }))).toEqual([]);
    expect(serviceUpdateProblems(old, next({ type: 'ClusterIP', clusterIP: '10.244.128.2' }))).toEqual([]);
  });
  test('a different clusterIP, or None, may not be written', () => {
    expect(serviceUpdateProblems(old, next({ type: 'ClusterIP', clusterIP: '10.244.128.9' }))).toEqual(['Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.244.128.9"}: may not change once set']);
    expect(serviceUpdateProblems(old, next({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }))).toEqual(['Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"None"}: may not change once set']);
  });
  test('to and from ExternalName is allowed; headless stays headless', () => {
    expect(serviceUpdateProblems(old, next({ type: 'ExternalName', externalName: 'x.example.com' }))).toEqual([]);
    const headless = stamp({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] } });
    expect(serviceUpdateProblems(headless, next({ type: 'ClusterIP', clusterIP: 'None' }))).toEqual([]);
    expect(serviceUpdateProblems(headless, next({ type: 'ClusterIP' }))).toEqual(['Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string(nil): primary clusterIP can not be unset']);
  });
  test('a LoadBalancer\'s class may not change', () => {
    const lb = stamp({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'LoadBalancer', loadBalancerClass: 'a.io/x' } });
    expect(serviceUpdateProblems(lb, next({ type: 'LoadBalancer', loadBalancerClass: 'a.io/y' }))).toEqual(['Service "web" is invalid: spec.loadBalancerClass: Invalid value: "a.io/y": may not change once set']);
  });
});

describe('allocateService', () => {
  const layout = layoutOf('kubeplay', '10.244.0.0/16');
  const none = { clusterIPs: new Set<string>(), nodePorts: new Set<number>() };
  const obj = (spec: Rec, name = 'web'): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec });
  const spec = (r: ReturnType<typeof allocateService>): Rec => {
    if ('error' in r) throw new Error(r.error);
    return r.object.spec as Rec;
  };
  test('the lowest free address of the service range, past the kubernetes and DNS addresses', () => {
    expect(spec(allocateService(obj({ type: 'ClusterIP' }), undefined, none, layout))).toMatchObject({ clusterIP: '10.244.128.2', clusterIPs: ['10.244.128.2'] });
    const taken = { clusterIPs: new Set(['10.244.128.2', '10.244.128.3', '10.244.128.4', '10.244.128.5', '10.244.128.6', '10.244.128.7', '10.244.128.8', '10.244.128.9']), nodePorts: new Set<number>() };
    expect(spec(allocateService(obj({ type: 'ClusterIP' }), undefined, taken, layout)).clusterIP).toBe('10.244.128.11');
  });
  test('a requested address: honoured in range and free; refused in the API server\'s words otherwise', () => {
    expect(spec(allocateService(obj({ type: 'ClusterIP', clusterIP: '10.244.200.7', clusterIPs: ['10.244.200.7'] }), undefined, none, layout)).clusterIPs).toEqual(['10.244.200.7']);
    const err = (ip: string, taken = none) => {
      const r = allocateService(obj({ type: 'ClusterIP', clusterIP: ip, clusterIPs: [ip] }), undefined, taken, layout);
      return 'error' in r ? r.error : '';
    };
    expect(err('10.96.0.5')).toBe('Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.5"}: failed to allocate IP 10.96.0.5: provided IP is not in the valid range. The range of valid IPs is 10.244.128.0/17');
    expect(err('10.244.5.5')).toMatch(/provided IP is not in the valid range/);
    expect(err('10.244.128.0')).toMatch(/provided IP is not in the valid range/);
    expect(err('10.244.255.255')).toMatch(/provided IP is not in the valid range/);
    expect(err('10.244.128.1')).toBe('Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.244.128.1"}: failed to allocate IP 10.244.128.1: provided IP is already allocated');
    expect(err('10.244.128.10')).toMatch(/provided IP is already allocated$/);
    expect(err('10.244.130.1', { clusterIPs: new Set(['10.244.130.1']), nodePorts: new Set() })).toMatch(/provided IP is already allocated$/);
  });
  test('an update keeps the previous address and nodePorts; headless and ExternalName get none', () => {
    const prev = stamp(obj({ type: 'NodePort', clusterIP: '10.244.128.40', clusterIPs: ['10.244.128.40'], ports: [{ port: 80, protocol: 'TCP', nodePort: 30123 }] }));
    // The previous object's own address and port are "taken" in the caller's view too: still kept.
    const taken = { clusterIPs: new Set(['10.244.128.40']), nodePorts: new Set([30123]) };
    expect(spec(allocateService(obj({ type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }] }), prev, taken, layout))).toMatchObject({ clusterIP: '10.244.128.40', ports: [{ port: 80, protocol: 'TCP', nodePort: 30123 }] });
    expect(spec(allocateService(obj({ type: 'NodePort', clusterIP: '10.244.128.40', ports: [{ port: 80, protocol: 'TCP', nodePort: 30123 }] }), prev, taken, layout)).clusterIP).toBe('10.244.128.40');
    expect(spec(allocateService(obj({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }), undefined, none, layout))).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'] });
    const ext = spec(allocateService(obj({ type: 'ExternalName', externalName: 'x.example.com', ports: [{ port: 80, nodePort: 30001 }] }), undefined, none, layout));
    expect(ext).toEqual({ type: 'ExternalName', externalName: 'x.example.com', ports: [{ port: 80 }] });
  });
  test('nodePorts: the lowest free from 30000, a requested one honoured or refused', () => {
    const s = spec(allocateService(obj({ type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP', nodePort: 30001 }, { port: 53, protocol: 'UDP' }] }), undefined, { clusterIPs: new Set(), nodePorts: new Set([30000]) }, layout));
    expect((s['ports'] as Rec[]).map((p) => p['nodePort'])).toEqual([30002, 30001, 30003]);
    const err = (n: number, taken = none) => {
      const r = allocateService(obj({ type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: n }] }), undefined, taken, layout);
      return 'error' in r ? r.error : '';
    };
    expect(err(30080, { clusterIPs: new Set(), nodePorts: new Set([30080]) })).toBe('Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    expect(err(8080)).toBe('Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767');
  });
  test('LoadBalancer: nodePorts unless allocateLoadBalancerNodePorts is false; ClusterIP drops them', () => {
    expect((spec(allocateService(obj({ type: 'LoadBalancer', allocateLoadBalancerNodePorts: true, ports: [{ port: 80, protocol: 'TCP' }] }), undefined, none, layout))['ports'] as Rec[])[0]).toMatchObject({ nodePort: 30000 });
    expect((spec(allocateService(obj({ type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80, protocol: 'TCP' }] }), undefined, none, layout))['ports'] as Rec[])[0]).toEqual({ port: 80, protocol: 'TCP' });
    const prev = stamp(obj({ type: 'NodePort', clusterIP: '10.244.128.40', ports: [{ port: 80, protocol: 'TCP', nodePort: 30123 }] }));
    expect((spec(allocateService(obj({ type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] }), prev, none, layout))['ports'] as Rec[])[0]).toEqual({ port: 80, protocol: 'TCP' });
  });
  test('pure: the same inputs give the same object, the input is not changed', () => {
    const input = obj({ type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }] });
    const copy = JSON.parse(JSON.stringify(input)) as KubeObject;
    expect(allocateService(input, undefined, none, layout)).toEqual(allocateService(input, undefined, none, layout));
    expect(input).toEqual(copy);
  });
});

describe('kubernetesService', () => {
  test("the default namespace's kubernetes Service at the layout's first service address, as kubectl get svc shows it", () => {
    const layout = layoutOf('kubeplay', '10.244.0.0/16');
    const o = kubernetesService(layout, '2024-05-01T09:55:00Z');
    const print: PrintOptions = { format: 'table', showLabels: false, labelColumns: [], noHeaders: false, single: false, node: 'n' };
    expect(formatObjects([o] as never[], print, new Date('2024-05-01T10:00:00Z'), SERVICE_TABLE as never)).toBe(
      'NAME         TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)   AGE\nkubernetes   ClusterIP   10.244.128.1   <none>        443/TCP   5m\n',
    );
  });
});
