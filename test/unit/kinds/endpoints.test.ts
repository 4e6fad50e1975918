// The Endpoints and EndpointSlice kinds on plain data: validation (the cases of upstream's
// TestValidateEndpointsCreate in pkg/apis/core/validation/validation_test.go and
// TestValidateEndpointSliceCreate in pkg/apis/discovery/validation/validation_test.go, written out
// here), the stored forms, get's tables (kubectl's printEndpoints and printEndpointSlice, rows as in
// printers_test.go TestPrintEndpoint and TestPrintEndpointSlice) and describe's layouts.
import type { LoadedDocument, ValidManifest } from '../../../src/domain/types';
import type { KubeObject, StoredObject } from '../../../src/domain/objects';
import { validateManifests } from '../../../src/validate';
import { catalog } from '../../../src/kinds/registry';
import { ENDPOINTS_TABLE, endpointsObject, formatEndpoints } from '../../../src/kinds/endpoints';
import { describeEndpoints } from '../../../src/kinds/endpoints/describe';
import { ENDPOINTSLICE_TABLE, endpointSliceObject } from '../../../src/kinds/endpointslice';
import { describeEndpointSlice } from '../../../src/kinds/endpointslice/describe';
import { formatObjects, type PrintOptions } from '../../../src/print/get/format';

type Rec = Record<string, unknown>;
const doc = (value: Rec, i = 0): LoadedDocument => ({ source: 'ep.yaml', documentIndex: i, basePath: [], value, locate: () => ({ line: 1, column: 1 }) });
const result = (values: Rec[]) => validateManifests(values.map((v, i) => doc(v, i)), 'strict', 'privileged', catalog());
const errors = (v: Rec) => {
  const r = result([v]);
  return r.ok ? [] : r.issues.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`);
};
const manifest = (v: Rec): ValidManifest => {
  const r = result([v]);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return r.manifests[0]!;
};
const stamp = (o: KubeObject): StoredObject => ({ ...o, metadata: { ...o.metadata, uid: 'u1', resourceVersion: '3', generation: 1, creationTimestamp: '2024-05-01T09:55:00Z' } });
const now = new Date('2024-05-01T10:00:00Z');
const print: PrintOptions = { format: 'table', showLabels: false, labelColumns: [], noHeaders: false, single: false, node: 'n' };

const endpoints = (subsets: unknown, name = 'mysvc'): Rec => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'namespace' }, ...(subsets !== undefined ? { subsets } : {}) });

describe('Endpoints validation (upstream TestValidateEndpointsCreate)', () => {
  test.each([
    ['simple endpoint', [{ addresses: [{ ip: '10.10.1.1' }, { ip: '10.10.2.2' }], ports: [{ name: 'a', port: 8675, protocol: 'TCP' }, { name: 'b', port: 309, protocol: 'TCP' }] }, { addresses: [{ ip: '10.10.3.3' }], ports: [{ name: 'a', port: 93, protocol: 'TCP' }, { name: 'b', port: 76, protocol: 'TCP' }] }]],
    ['empty subsets', undefined],
    ['no name required for singleton port', [{ addresses: [{ ip: '10.10.1.1' }], ports: [{ port: 8675, protocol: 'TCP' }] }]],
    ['valid appProtocol', [{ addresses: [{ ip: '10.10.1.1' }], ports: [{ port: 8675, protocol: 'TCP', appProtocol: 'HTTP' }] }]],
    ['empty ports', [{ addresses: [{ ip: '10.10.3.3' }] }]],
    ['a port without protocol (defaulted to TCP)', [{ addresses: [{ ip: '10.10.3.3' }], ports: [{ port: 93 }] }]],
  ])('%s', (_what, subsets) => expect(errors(endpoints(subsets))).toEqual([]));

  test.each([
    ['invalid name', endpoints(undefined, '-_Invliad^&Characters'), /^metadata\.name: Invalid value: "-_Invliad\^&Characters": a lowercase RFC 1123 subdomain/],
    ['empty addresses', endpoints([{ ports: [{ name: 'a', port: 93, protocol: 'TCP' }] }]), /^subsets\[0\]: Required value: must specify `addresses` or `notReadyAddresses`$/],
    ['invalid IP', endpoints([{ addresses: [{ ip: '[2001:0db8:85a3:0042:1000:8a2e:0370:7334]' }], ports: [{ name: 'a', port: 93, protocol: 'TCP' }] }]), /^subsets\[0\]\.addresses\[0\]\.ip: Invalid value: "\[2001:0db8:85a3:0042:1000:8a2e:0370:7334\]": must be a valid IP address/],
    ['Multiple ports, one without name', endpoints([{ addresses: [{ ip: '10.10.1.1' }], ports: [{ port: 8675, protocol: 'TCP' }, { name: 'b', port: 309, protocol: 'TCP' }] }]), /^subsets\[0\]\.ports\[0\]\.name: Required value$/],
    ['Invalid port number', endpoints([{ addresses: [{ ip: '10.10.1.1' }], ports: [{ name: 'a', port: 66000, protocol: 'TCP' }] }]), /^subsets\[0\]\.ports\[0\]\.port: Invalid value: 66000: must be between 1 and 65535, inclusive$/],
    ['Invalid protocol', endpoints([{ addresses: [{ ip: '10.10.1.1' }], ports: [{ name: 'a', port: 93, protocol: 'Protocol' }] }]), /^subsets\[0\]\.ports\[0\]\.protocol: Unsupported value: "Protocol": supported values: "SCTP", "TCP", "UDP"$/],
    ['Address missing IP', endpoints([{ addresses: [{ ip: '' }], ports: [{ name: 'a', port: 93, protocol: 'TCP' }] }]), /^subsets\[0\]\.addresses\[0\]\.ip: Invalid value: "": must be a valid IP address/],
    ['Port missing number', endpoints([{ addresses: [{ ip: '10.10.1.1' }], ports: [{ name: 'a', port: 0, protocol: 'TCP' }] }]), /^subsets\[0\]\.ports\[0\]\.port: Invalid value: 0: must be between 1 and 65535, inclusive$/],
    ['Address is loopback', endpoints([{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'p', port: 93, protocol: 'TCP' }] }]), /^subsets\[0\]\.addresses\[0\]\.ip: Invalid value: "127\.0\.0\.1": may not be in the loopback range \(127\.0\.0\.0\/8, ::1\/128\)$/],
    ['Address is link-local', endpoints([{ addresses: [{ ip: '169.254.169.254' }], ports: [{ name: 'p', port: 93, protocol: 'TCP' }] }]), /link-local range \(169\.254\.0\.0\/16, fe80::\/10\)$/],
    ['Address is link-local multicast', endpoints([{ addresses: [{ ip: '224.0.0.1' }], ports: [{ name: 'p', port: 93, protocol: 'TCP' }] }]), /link-local multicast range \(224\.0\.0\.0\/24, ff02::\/10\)$/],
    ['Invalid AppProtocol', endpoints([{ addresses: [{ ip: '10.10.1.1' }], ports: [{ name: 'p', port: 93, protocol: 'TCP', appProtocol: 'lots-of[invalid]-{chars}' }] }]), /^subsets\[0\]\.ports\[0\]\.appProtocol: Invalid value: "lots-of\[invalid\]-\{chars\}"/],
  ])('%s', (_what, v, want) => {
    const e = errors(v);
    expect(e.length).toBeGreaterThan(0);
    expect(e[0]).toMatch(want);
  });
});

const slice = (fields: Rec, name = 'hello'): Rec => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace: 'default' }, addressType: 'IPv4', ...fields });

describe('EndpointSlice validation (upstream TestValidateEndpointSliceCreate)', () => {
  test.each([
    ['good-slice', slice({ ports: [{ name: 'http', protocol: 'TCP', port: 80 }], endpoints: [{ addresses: ['10.1.2.3'], hostname: 'valid-123' }] })],
    ['good-fqdns', slice({ addressType: 'FQDN', ports: [{ name: 'http', protocol: 'TCP' }], endpoints: [{ addresses: ['foo.example.com', 'example.com', 'example.com.', 'hyphens-are-good.example.com'] }] })],
    ['empty port name', slice({ ports: [{ name: '', protocol: 'TCP' }, { name: 'http', protocol: 'TCP' }], endpoints: [{ addresses: ['10.1.2.3'] }] })],
    ['no endpoints', slice({})],
    ['ports without name or protocol (defaulted)', slice({ ports: [{ port: 80 }], endpoints: [{ addresses: ['10.1.2.3'] }] })],
  ])('%s', (_what, v) => expect(errors(v)).toEqual([]));

  test.each([
    ['bad-ipv4', slice({ endpoints: [{ addresses: ['123.456.789.012'] }] }), ['endpoints[0].addresses[0]: Invalid value: "123.456.789.012": must be a valid IPv4 address']],
    ['bad-ipv6', slice({ addressType: 'IPv6', endpoints: [{ addresses: ['123.456.789.012'] }] }), ['endpoints[0].addresses[0]: Invalid value: "123.456.789.012": must be a valid IPv6 address']],
    ['invalid-port-name', slice({ ports: [{ name: 'aCapital', protocol: 'TCP' }] }), [expect.stringMatching(/^ports\[0\]\.name: Invalid value: "aCapital": a lowercase RFC 1123 label/)]],
    ['duplicate-port-name', slice({ ports: [{ name: '', protocol: 'TCP' }, { name: '', protocol: 'UDP' }] }), ['ports[1].name: Duplicate value: ""']],
    ['bad-protocol', slice({ ports: [{ name: 'http', protocol: 'foo' }] }), ['ports[0].protocol: Unsupported value: "foo": supported values: "SCTP", "TCP", "UDP"']],
    ['bad-address-type', slice({ addressType: 'other' }), ['addressType: Unsupported value: "other": supported values: "FQDN", "IPv4", "IPv6"']],
    ['empty-addresses', slice({ endpoints: [{ addresses: [] }] }), ['endpoints[0].addresses: Required value: must contain at least 1 address']],
    ['bad-hostname', slice({ endpoints: [{ addresses: ['10.1.2.3'], hostname: 'Bad.Host' }] }), [expect.stringMatching(/^endpoints\[0\]\.hostname: Invalid value: "Bad\.Host": a lowercase RFC 1123 label/)]],
    ['loopback address', slice({ endpoints: [{ addresses: ['127.0.0.1'] }] }), ['endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']],
  ])('%s', (_what, v, want) => expect(errors(v)).toEqual(want));
});

describe('stored forms', () => {
  test('Endpoints: the subsets as written, ports defaulted to TCP', () => {
    const o = endpointsObject(manifest(endpoints([{ addresses: [{ ip: '192.0.2.42' }], ports: [{ port: 9376 }] }], 'my-service')));
    expect(o).toMatchObject({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'my-service', namespace: 'namespace' }, subsets: [{ addresses: [{ ip: '192.0.2.42' }], ports: [{ port: 9376, protocol: 'TCP' }] }] });
    expect(endpointsObject(manifest(endpoints(undefined)))).not.toHaveProperty('subsets');
  });
  test('EndpointSlice: addressType, endpoints (null when none), ports defaulted', () => {
    const o = endpointSliceObject(manifest(slice({ ports: [{ port: 80 }], endpoints: [{ addresses: ['10.1.2.3'], conditions: { ready: true } }] })));
    expect(o).toMatchObject({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4', ports: [{ name: '', port: 80, protocol: 'TCP' }], endpoints: [{ addresses: ['10.1.2.3'], conditions: { ready: true } }] });
    expect(endpointSliceObject(manifest(slice({}))).endpoints).toBeNull();
  });
});

describe("get's tables", () => {
  const ep = (name: string, subsets: unknown) => ({ metadata: { name, creationTimestamp: '2024-05-01T09:55:00Z' }, subsets });
  test('Endpoints: ip:port per ready address and port, the first three then `+ N more...`, <none>', () => {
    const rows = [
      ep('web', [{ addresses: [{ ip: '10.244.0.5' }, { ip: '10.244.0.6' }], ports: [{ port: 80, protocol: 'TCP' }] }]),
      ep('many', [{ addresses: [{ ip: '1.2.3.4' }, { ip: '5.6.7.8' }], ports: [{ name: 'a', port: 8080, protocol: 'TCP' }, { name: 'b', port: 8443, protocol: 'TCP' }] }]),
      ep('headless', [{ addresses: [{ ip: '10.244.0.7' }] }]),
      ep('empty', undefined),
      ep('notready', [{ notReadyAddresses: [{ ip: '10.244.0.8' }], ports: [{ port: 80, protocol: 'TCP' }] }]),
    ];
    expect(formatObjects(rows as never[], print, now, ENDPOINTS_TABLE as never)).toBe(
      [
        'NAME       ENDPOINTS                                            AGE',
        'web        10.244.0.5:80,10.244.0.6:80                          5m',
        'many       1.2.3.4:8080,5.6.7.8:8080,1.2.3.4:8443 + 1 more...   5m',
        'headless   10.244.0.7                                           5m',
        'empty      <none>                                               5m',
        'notready                                                        5m',
        '',
      ].join('\n'),
    );
    expect(formatEndpoints({ subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }] })).toBe('[fd00::1]:80');
    expect(formatObjects([rows[0]!] as never[], { ...print, format: 'name' }, now, ENDPOINTS_TABLE as never)).toBe('endpoints/web\n');
  });
  test('EndpointSlice: NAME ADDRESSTYPE PORTS ENDPOINTS AGE', () => {
    const s = (name: string, fields: Rec) => ({ metadata: { name, creationTimestamp: '2024-05-01T09:55:00Z' }, addressType: 'IPv4', ...fields });
    const rows = [
      s('abcslice.123', { ports: [{ name: 'http', port: 80, protocol: 'TCP' }], endpoints: [{ addresses: ['10.1.2.3', '2001:db8::1234:5678'] }] }),
      s('longerslicename.123', { ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }, { name: 'a', port: 1 }, { name: 'b', port: 2 }], endpoints: [{ addresses: ['10.1.2.3'] }, { addresses: ['10.1.2.4'] }, { addresses: ['10.1.2.5'] }, { addresses: ['10.1.2.6'] }] }),
      s('named', { ports: [{ name: 'http' }, {}], endpoints: null }),
      s('empty', { ports: null, endpoints: null }),
    ];
    expect(formatObjects(rows as never[], print, now, ENDPOINTSLICE_TABLE as never)).toBe(
      [
        'NAME                  ADDRESSTYPE   PORTS                  ENDPOINTS                                AGE',
        'abcslice.123          IPv4          80                     10.1.2.3,2001:db8::1234:5678             5m',
        'longerslicename.123   IPv4          80,443,1 + 1 more...   10.1.2.3,10.1.2.4,10.1.2.5 + 1 more...   5m',
        'named                 IPv4          http,*                 <unset>                                  5m',
        'empty                 IPv4          <unset>                <unset>                                  5m',
        '',
      ].join('\n'),
    );
    expect(formatObjects([rows[0]!] as never[], { ...print, format: 'name' }, now, ENDPOINTSLICE_TABLE as never)).toBe('endpointslice.discovery.k8s.io/abcslice.123\n');
  });
});

describe('describe', () => {
  test("Endpoints: kubectl's describeEndpoints", () => {
    const o = stamp({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, subsets: [{ addresses: [{ ip: '10.244.0.5' }, { ip: '10.244.0.6' }], notReadyAddresses: [{ ip: '10.244.0.7' }], ports: [{ port: 80, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }] }] });
    expect(describeEndpoints(o, { now, list: () => [] })).toBe(
      [
        'Name:         web',
        'Namespace:    default',
        'Labels:       app=web',
        'Annotations:  <none>',
        'Subsets:',
        '  Addresses:          10.244.0.5,10.244.0.6',
        '  NotReadyAddresses:  10.244.0.7',
        '  Ports:',
        '    Name     Port  Protocol',
        '    ----     ----  --------',
        '    <unset>  80    TCP',
        '    metrics  9090  TCP',
        '',
        'Events:  <none>',
        '',
      ].join('\n'),
    );
  });
  test("EndpointSlice: kubectl's describeEndpointSliceV1", () => {
    const o = stamp({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      ports: [{ name: '', port: 80, protocol: 'TCP' }],
      endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'web-1' }, nodeName: 'host' }, { addresses: ['10.244.0.6'] }],
    });
    expect(describeEndpointSlice(o, { now, list: () => [] })).toBe(
      [
        'Name:         web-abc',
        'Namespace:    default',
        'Labels:       kubernetes.io/service-name=web',
        'Annotations:  <none>',
        'AddressType:  IPv4',
        'Ports:',
        '  Name     Port  Protocol',
        '  ----     ----  --------',
        '  <unset>  80    TCP',
        'Endpoints:',
        '  - Addresses:  10.244.0.5',
        '    Conditions:',
        '      Ready:    true',
        '    Hostname:   <unset>',
        '    TargetRef:  Pod/web-1',
        '    NodeName:   host',
        '    Zone:       <unset>',
        // Go's tabwriter aligns each run of lines with a cell: a line without a tab (Conditions:) ends one.
        '  - Addresses:  10.244.0.6',
        '    Conditions:',
        '      Ready:   <unset>',
        '    Hostname:  <unset>',
        '    NodeName:  <unset>',
        '    Zone:      <unset>',
        'Events:        <none>',
        '',
      ].join('\n'),
    );
    const empty = stamp({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'e', namespace: 'default' }, addressType: 'IPv4', endpoints: null });
    expect(describeEndpointSlice(empty, { now, list: () => [] })).toContain('Ports: <unset>\nEndpoints: <none>\n');
  });
});
