/**
 * port-forward's pure parts against kubectl's own test tables: TestTranslateServicePortToTargetPort,
 * TestConvertPodNamedPortToNumber and TestCheckUDPPort (kubectl pkg/cmd/portforward/portforward_test.go),
 * TestParsePortsAndNew (client-go tools/portforward/portforward_test.go), with the error texts
 * of the code they test.
 */
import type { V1Pod } from '@kubernetes/client-node';
import {
  checkUDPPortInPod,
  checkUDPPortInService,
  convertPodNamedPortToNumber,
  forwardHostOf,
  parseAddresses,
  parsePorts,
  parseResourceArg,
  isServiceWord,
  podSelectorOfService,
  remotePortsOf,
  ROOTLESS_MESSAGE,
  splitPort,
  translateServicePortToTargetPort,
  validatePortForwardArgs,
  type ServiceData,
} from '../../../src/commands/port-forward';
import { goSocketError, hostPort, klogLine } from '../../../src/commands/forward-ports';
import { toPortForwardOptions } from '../../../src/cli/commands/port-forward';

type Port = { name?: string; containerPort: number; protocol?: string };
const pod = (ports: Port[], extra: Partial<V1Pod> = {}): V1Pod => ({ metadata: { name: 'foo' }, spec: { containers: [{ name: 'c', ports }] }, ...extra });
const svc = (ports: ServiceData['spec'] extends infer S ? (S extends { ports?: infer P } ? P : never) : never, clusterIP?: string): ServiceData => ({
  metadata: { name: 'web' },
  spec: { ports, ...(clusterIP ? { clusterIP } : {}) },
});

describe('translateServicePortToTargetPort (kubectl TestTranslateServicePortToTargetPort)', () => {
  const http8080 = pod([{ name: 'http', containerPort: 8080 }]);
  const both = pod([{ name: 'http', containerPort: 8080 }, { name: 'https', containerPort: 8443 }]);
  const unnamed = pod([{ containerPort: 8080 }, { containerPort: 8443 }]);
  const http80 = pod([{ name: 'http', containerPort: 80 }]);
  const https443 = pod([{ name: 'https', containerPort: 443 }]);
  const cases: Array<[string, ServiceData, V1Pod, string[], string[] | string]> = [
    ['test success 1 (int port)', svc([{ port: 80, targetPort: 8080 }]), http8080, ['80'], ['80:8080']],
    ['test success 1 (int port with random local port)', svc([{ port: 80, targetPort: 8080 }]), http8080, [':80'], [':8080']],
    ['test success 1 (int port with explicit local port)', svc([{ port: 8080, targetPort: 8080 }]), http8080, ['8000:8080'], ['8000:8080']],
    ['test success 2 (clusterIP: None)', svc([{ port: 80, targetPort: 8080 }], 'None'), http8080, ['80'], ['80']],
    ['test success 2 (clusterIP: None with random local port)', svc([{ port: 80, targetPort: 8080 }], 'None'), http8080, [':80'], [':80']],
    ['test success 3 (named target port)', svc([{ port: 80, targetPort: 'http' }, { port: 443, targetPort: 'https' }]), both, ['80', '443'], ['80:8080', '443:8443']],
    ['test success 3 (named target port with random local port)', svc([{ port: 80, targetPort: 'http' }, { port: 443, targetPort: 'https' }]), both, [':80', ':443'], [':8080', ':8443']],
    ['test success 4 (named service port)', svc([{ port: 80, name: 'http', targetPort: 8080 }, { port: 443, name: 'https', targetPort: 8443 }]), unnamed, ['http', 'https'], ['80:8080', '443:8443']],
    ['test success 4 (named service port with random local port)', svc([{ port: 80, name: 'http', targetPort: 8080 }, { port: 443, name: 'https', targetPort: 8443 }]), unnamed, [':http', ':https'], [':8080', ':8443']],
    ['test success 4 (named service port and named pod container port)', svc([{ port: 80, name: 'http', targetPort: 'http' }]), http80, ['http'], ['80']],
    ['test success (targetPort omitted)', svc([{ port: 80 }]), http80, ['80'], ['80']],
    ['test success (targetPort omitted with random local port)', svc([{ port: 80 }]), http80, [':80'], [':80']],
    ['test failure 1 (named target port lookup failure)', svc([{ port: 80, targetPort: 'http' }]), https443, ['80'], "Pod 'foo' does not have a named port 'http'"],
    ['test failure 1 (named service port lookup failure)', svc([{ port: 80, targetPort: 'http' }]), http8080, ['https'], "Service 'web' does not have a named port 'https'"],
    ['test failure 2 (service port not declared)', svc([{ port: 80, targetPort: 'http' }]), https443, ['443'], 'Service web does not have a service port 443'],
  ];
  test.each(cases)('%s', (_name, s, p, ports, want) => {
    if (typeof want === 'string') expect(() => translateServicePortToTargetPort(ports, s, p)).toThrow(want);
    else expect(translateServicePortToTargetPort(ports, s, p)).toEqual(want);
  });
});

describe('convertPodNamedPortToNumber (kubectl TestConvertPodNamedPortToNumber)', () => {
  const http80 = pod([{ name: 'http', containerPort: 80 }]);
  const https443 = pod([{ name: 'https', containerPort: 443 }]);
  const cases: Array<[string, V1Pod, string[], string[] | string]> = [
    ['port number without local port', http80, ['80'], ['80']],
    ['port number with local port', http80, ['8000:80'], ['8000:80']],
    ['port number with random local port', http80, [':80'], [':80']],
    ['named port without local port', http80, ['http'], ['80']],
    ['named port with local port', http80, ['8000:http'], ['8000:80']],
    ['named port with random local port', http80, [':http'], [':80']],
    ['named port can not be found', https443, ['http'], "Pod 'foo' does not have a named port 'http'"],
    ['one of the requested named ports can not be found', https443, ['https', 'http'], "Pod 'foo' does not have a named port 'http'"],
    ['an empty remote port', http80, ['8000:'], 'remote port cannot be empty'],
  ];
  test.each(cases)('%s', (_name, p, ports, want) => {
    if (typeof want === 'string') expect(() => convertPodNamedPortToNumber(ports, p)).toThrow(want);
    else expect(convertPodNamedPortToNumber(ports, p)).toEqual(want);
  });

  test('an init container\'s named port is found too, after the app containers\'', () => {
    const p: V1Pod = { metadata: { name: 'foo' }, spec: { containers: [{ name: 'a' }], initContainers: [{ name: 'i', ports: [{ name: 'admin', containerPort: 9000 }] }] } };
    expect(convertPodNamedPortToNumber(['admin'], p)).toEqual(['9000']);
  });
});

describe('checkUDPPortInPod / checkUDPPortInService (kubectl TestCheckUDPPort)', () => {
  test.each<[string, () => void, boolean]>([
    ['forward to a UDP port in a Pod', () => checkUDPPortInPod(['53'], pod([{ protocol: 'UDP', containerPort: 53 }])), true],
    ['forward to a named UDP port in a Pod', () => checkUDPPortInPod(['dns'], pod([{ protocol: 'UDP', containerPort: 53, name: 'dns' }])), true],
    ['Pod has ports with both TCP and UDP protocol (UDP first)', () => checkUDPPortInPod([':53'], pod([{ protocol: 'UDP', containerPort: 53 }, { protocol: 'TCP', containerPort: 53 }])), false],
    ['Pod has ports with both TCP and UDP protocol (TCP first)', () => checkUDPPortInPod([':53'], pod([{ protocol: 'TCP', containerPort: 53 }, { protocol: 'UDP', containerPort: 53 }])), false],
    ['forward to a UDP port in a Service', () => checkUDPPortInService(['53'], svc([{ protocol: 'UDP', port: 53 }])), true],
    ['forward to a named UDP port in a Service', () => checkUDPPortInService(['10053:dns'], svc([{ protocol: 'UDP', port: 53, name: 'dns' }])), true],
    ['Service has ports with both TCP and UDP protocol (UDP first)', () => checkUDPPortInService(['53'], svc([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }])), false],
    ['Service has ports with both TCP and UDP protocol (TCP first)', () => checkUDPPortInService(['53'], svc([{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }])), false],
    ['a port without a protocol is TCP (the API server\'s default)', () => checkUDPPortInPod(['53'], pod([{ protocol: 'UDP', containerPort: 53 }, { containerPort: 53 }])), false],
  ])('%s', (_name, run, fails) => {
    if (fails) expect(run).toThrow(/^UDP protocol is not supported for (53|dns)$/);
    else expect(run).not.toThrow();
  });
});

describe('parsePorts (client-go TestParsePortsAndNew)', () => {
  test.each<[string, string]>([
    ['a', `error parsing local port 'a': strconv.ParseUint: parsing "a": invalid syntax`],
    [':a', `error parsing remote port 'a': strconv.ParseUint: parsing "a": invalid syntax`],
    ['-1', `error parsing local port '-1': strconv.ParseUint: parsing "-1": invalid syntax`],
    ['65536', `error parsing local port '65536': strconv.ParseUint: parsing "65536": value out of range`],
    ['0', 'remote port must be > 0'],
    ['0:0', 'remote port must be > 0'],
    ['a:5000', `error parsing local port 'a': strconv.ParseUint: parsing "a": invalid syntax`],
    ['5000:a', `error parsing remote port 'a': strconv.ParseUint: parsing "a": invalid syntax`],
    ['1:2:3', "invalid port format '1:2:3'"],
  ])('%s is refused', (spec, message) => {
    expect(() => parsePorts([spec])).toThrow(message);
  });

  test('the valid forms: 5000, 5000:5000, 8888:5000, 5000:8888, :5000, 0:5000', () => {
    expect(parsePorts(['5000', '5000:5000', '8888:5000', '5000:8888', ':5000', '0:5000'])).toEqual([
      { local: 5000, remote: 5000 },
      { local: 5000, remote: 5000 },
      { local: 8888, remote: 5000 },
      { local: 5000, remote: 8888 },
      { local: 0, remote: 5000 },
      { local: 0, remote: 5000 },
    ]);
  });
});

describe('parseAddresses (client-go TestParsePortsAndNew)', () => {
  test.each(['127.0.0.257', '::g', 'domain.invalid'])('%s is not a valid IP', (a) => {
    expect(() => parseAddresses([a])).toThrow(`${a} is not a valid IP`);
  });
  const v4 = (address: string, failureMode: 'all' | 'any') => ({ address, family: 4, failureMode });
  const v6 = (address: string, failureMode: 'all' | 'any') => ({ address, family: 6, failureMode });
  test.each<[string[], object[]]>([
    [['localhost'], [v4('127.0.0.1', 'all'), v6('::1', 'all')]],
    [['localhost', '127.0.0.1'], [v4('127.0.0.1', 'any'), v6('::1', 'all')]],
    [['localhost', '::1'], [v4('127.0.0.1', 'all'), v6('::1', 'any')]],
    [['localhost', '127.0.0.1', '::1'], [v4('127.0.0.1', 'any'), v6('::1', 'any')]],
    [['localhost', '127.0.0.1', '10.10.10.1'], [v4('10.10.10.1', 'any'), v4('127.0.0.1', 'any'), v6('::1', 'all')]],
    [['127.0.0.1', '::1', 'localhost'], [v4('127.0.0.1', 'any'), v6('::1', 'any')]],
    [['10.0.0.1', '127.0.0.1'], [v4('10.0.0.1', 'any'), v4('127.0.0.1', 'any')]],
    [['0.0.0.0'], [v4('0.0.0.0', 'any')]],
  ])('%j', (list, want) => {
    expect(parseAddresses(list)).toEqual(want);
  });
});

describe('the rest of the arguments and the pod', () => {
  test('splitPort keeps kubectl\'s reading of more than one colon', () => {
    expect(splitPort('8080:80')).toEqual(['8080', '80']);
    expect(splitPort('80')).toEqual(['80', '80']);
    expect(splitPort('a:b:c')).toEqual(['a', 'a']);
  });

  test('TYPE/NAME and ports are both required, in kubectl\'s words', () => {
    expect(() => validatePortForwardArgs({ resource: 'web', ports: [] })).toThrow(/^TYPE\/NAME and list of ports are required for port-forward/);
    expect(() => validatePortForwardArgs({ resource: 'web', ports: ['80'] })).not.toThrow();
  });

  test('the resource argument and the Service words', () => {
    expect(parseResourceArg('web')).toEqual({ name: 'web' });
    expect(parseResourceArg('deploy/web')).toEqual({ type: 'deploy', name: 'web' });
    expect(['svc', 'service', 'Services'].map(isServiceWord)).toEqual([true, true, true]);
    expect(isServiceWord('pod')).toBe(false);
  });

  test('a Service without a selector cannot pick a pod (kubectl\'s words); a selector is written sorted', () => {
    expect(() => podSelectorOfService({ metadata: { name: 'db' }, spec: { ports: [{ port: 5432 }] } })).toThrow("cannot attach to *v1.Service: invalid service 'db': Service is defined without a selector");
    expect(podSelectorOfService({ spec: { selector: { tier: 'db', app: 'shop' } } })).toBe('app=shop,tier=db');
  });

  test('remotePortsOf: through the Service for svc/, through the pod\'s names otherwise', () => {
    const p = pod([{ name: 'http', containerPort: 8080 }]);
    expect(remotePortsOf(['9000:80'], p, svc([{ port: 80, targetPort: 'http' }]))).toEqual([{ local: 9000, remote: 8080 }]);
    expect(remotePortsOf([':http', '81'], p, undefined)).toEqual([{ local: 0, remote: 8080 }, { local: 81, remote: 81 }]);
  });

  test('forwardHostOf: a running pod\'s IP; a hostNetwork pod is 127.0.0.1; not running, rootless and no IP are refused', () => {
    const running = (extra: Partial<V1Pod>): V1Pod => ({ metadata: { name: 'web' }, spec: { containers: [] }, status: { phase: 'Running', podIP: '10.88.0.7' }, ...extra });
    expect(forwardHostOf(running({}), false)).toBe('10.88.0.7');
    expect(forwardHostOf(running({ spec: { containers: [], hostNetwork: true }, status: { phase: 'Running' } }), true)).toBe('127.0.0.1');
    expect(() => forwardHostOf(running({ status: { phase: 'Pending' } }), false)).toThrow('unable to forward port because pod is not running. Current status=Pending');
    expect(() => forwardHostOf(running({}), true)).toThrow(ROOTLESS_MESSAGE);
    expect(() => forwardHostOf(running({ status: { phase: 'Running' } }), false)).toThrow(/pod web has no IP/);
  });
});

describe('the forwarder\'s words', () => {
  test('Go\'s JoinHostPort and net errors', () => {
    expect(hostPort('::1', 8080)).toBe('[::1]:8080');
    expect(hostPort('127.0.0.1', 8080)).toBe('127.0.0.1:8080');
    const inUse = Object.assign(new Error('x'), { code: 'EADDRINUSE' });
    expect(goSocketError('listen', 4, '127.0.0.1', 8080, inUse)).toBe('listen tcp4 127.0.0.1:8080: bind: address already in use');
    expect(goSocketError('listen', 6, '::1', 8080, inUse)).toBe('listen tcp6 [::1]:8080: bind: address already in use');
    const refused = Object.assign(new Error('x'), { code: 'ECONNREFUSED' });
    expect(goSocketError('dial', 4, '10.88.0.7', 80, refused)).toBe('dial tcp4 10.88.0.7:80: connect: connection refused');
    const silent = Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT_DIAL' });
    expect(goSocketError('dial', 4, '10.88.0.7', 80, silent)).toBe('dial tcp4 10.88.0.7:80: i/o timeout');
  });

  test('klog\'s error line', () => {
    const at = new Date(2026, 11, 7, 9, 5, 4, 12);
    expect(klogLine(at, 4242, 'an error occurred forwarding 8080 -> 80: x "y"')).toBe(
      'E1207 09:05:04.012000    4242 portforward.go:424] "Unhandled Error" err="an error occurred forwarding 8080 -> 80: x \\"y\\""\n',
    );
  });
});

describe('toPortForwardOptions', () => {
  const seconds = (s: string) => ({ '1m0s': 60, '5s': 5 })[s] ?? NaN;
  test('--address is split at commas; the defaults are localhost and 1m', () => {
    expect(toPortForwardOptions({ resource: 'pod/web', ports: ['8080:80', '81'] }, seconds)).toEqual({ resource: 'pod/web', ports: ['8080:80', '81'], addresses: ['localhost'], podRunningTimeoutMs: 60_000 });
    expect(toPortForwardOptions({ resource: 'svc/web', ports: ['80'], address: ['localhost,10.0.0.1', '0.0.0.0'], 'pod-running-timeout': '5s', namespace: 'shop' }, seconds)).toEqual({
      resource: 'svc/web',
      ports: ['80'],
      addresses: ['localhost', '10.0.0.1', '0.0.0.0'],
      podRunningTimeoutMs: 5000,
      namespace: 'shop',
    });
  });
});
