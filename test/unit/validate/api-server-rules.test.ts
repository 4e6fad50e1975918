/**
 * The rules ported from the API server (kubernetes pkg/apis/core/validation), each with cases taken
 * from validation_test.go's tables (TestValidateProbe, TestValidateEnv, TestValidateResourceRequirements,
 * TestValidatePodSpec, TestValidateTolerations, TestValidateVolumes, ...), rewritten as one-field
 * changes of a valid pod. Each case names the field, the change, and the API server's message (or []).
 */
import type { LoadedDocument } from '../../../src/domain/types';
import { DOCUMENT_RULES } from '../../../src/validate';
import { schemaFindings } from '../../../src/validate';
import { validatePodSchema } from '../../../src/validate/pod-schema';
import { formatFieldPath } from '../../../src/validate/field-path';
import { isDNS1123Subdomain, isValidLabelValue, regexError } from '../../../src/validate/rules/k8s-names';

const doc = {} as LoadedDocument;
type Pod = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function base(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'i', ports: [{ name: 'http', containerPort: 80 }] }], volumes: [{ name: 'v', emptyDir: {} }] },
  };
}
const c0 = (p: Pod) => p['spec'].containers[0];

/** problems runs the schema and every document rule and renders `path: message`. */
function problems(mutate: (p: Pod) => void): string[] {
  const p = base();
  mutate(p);
  const found = [...schemaFindings(validatePodSchema(p), 'strict'), ...DOCUMENT_RULES.flatMap((r) => r.check(p, doc))];
  return found.filter((f) => (f.severity ?? 'error') === 'error').map((f) => `${formatFieldPath(f.reportPath ?? f.path)}: ${f.message}`);
}

test('the base pod is valid', () => expect(problems(() => undefined)).toEqual([]));

describe('fields the OpenAPI spec marks required whose zero value the API server accepts (gen-pod-schema ZERO_VALUE_ACCEPTED)', () => {
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    // validateISCSIVolumeSource: lun is checked as 0-255, and a missing lun decodes to 0.
    ['iscsi without lun', (p) => (p['spec'].volumes = [{ name: 'v', iscsi: { targetPortal: '10.0.0.1:3260', iqn: 'iqn.2015-02.example.com:test' } }]), []],
    ['iscsi lun 256', (p) => (p['spec'].volumes = [{ name: 'v', iscsi: { targetPortal: '10.0.0.1:3260', iqn: 'iqn.2015-02.example.com:test', lun: 256 } }]), ['spec.volumes[0].iscsi.lun: Invalid value: 256: must be between 0 and 255, inclusive']],
    // validateHTTPHeaders checks the names only.
    ['httpGet header without value', (p) => (c0(p).readinessProbe = { httpGet: { port: 80, httpHeaders: [{ name: 'X-A' }] } }), []],
    // validateSysctls checks the names only.
    ['sysctl without value', (p) => (p['spec'].securityContext = { sysctls: [{ name: 'kernel.shm_rmid_forced' }] }), []],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});

describe('probes and lifecycle (TestValidateProbe, TestValidateHandler, TestValidateInitContainers)', () => {
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    ['exec probe', (p) => (c0(p).livenessProbe = { exec: { command: ['true'] } }), []],
    ['named port', (p) => (c0(p).readinessProbe = { httpGet: { port: 'http' } }), []],
    ['zero timings are defaulted', (p) => (c0(p).livenessProbe = { tcpSocket: { port: 80 }, timeoutSeconds: 0, periodSeconds: 0, successThreshold: 0 }), []],
    ['no handler', (p) => (c0(p).livenessProbe = { periodSeconds: 5 }), ['spec.containers[0].livenessProbe: Required value: must specify a handler type']],
    ['two handlers', (p) => (c0(p).livenessProbe = { exec: { command: ['x'] }, tcpSocket: { port: 80 } }), ['spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type']],
    ['empty exec', (p) => (c0(p).livenessProbe = { exec: {} }), ['spec.containers[0].livenessProbe.exec.command: Required value']],
    ['negative initialDelaySeconds', (p) => (c0(p).readinessProbe = { exec: { command: ['x'] }, initialDelaySeconds: -1 }), ['spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0']],
    ['liveness successThreshold 2', (p) => (c0(p).livenessProbe = { exec: { command: ['x'] }, successThreshold: 2 }), ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1']],
    ['startup successThreshold 2', (p) => (c0(p).startupProbe = { exec: { command: ['x'] }, successThreshold: 2 }), ['spec.containers[0].startupProbe.successThreshold: Invalid value: 2: must be 1']],
    ['readiness successThreshold 2', (p) => (c0(p).readinessProbe = { exec: { command: ['x'] }, successThreshold: 2 }), []],
    ['port 0', (p) => (c0(p).livenessProbe = { tcpSocket: { port: 0 } }), ['spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['port 65536', (p) => (c0(p).livenessProbe = { httpGet: { port: 65536 } }), ['spec.containers[0].livenessProbe.httpGet.port: Invalid value: 65536: must be between 1 and 65535, inclusive']],
    ['numeric string port', (p) => (c0(p).livenessProbe = { httpGet: { port: '8080' } }), ['spec.containers[0].livenessProbe.httpGet.port: Invalid value: "8080": must contain at least one letter (a-z)']],
    ['scheme', (p) => (c0(p).livenessProbe = { httpGet: { port: 80, scheme: 'FTP' } }), ['spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"']],
    ['header name', (p) => (c0(p).livenessProbe = { httpGet: { port: 80, httpHeaders: [{ name: 'X_Y', value: 'v' }] } }), ["spec.containers[0].livenessProbe.httpGet.httpHeaders: Invalid value: \"X_Y\": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"]],
    ['grpc port', (p) => (c0(p).livenessProbe = { grpc: { port: 70000 } }), ['spec.containers[0].livenessProbe.grpc.port: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['readiness terminationGracePeriodSeconds', (p) => (c0(p).readinessProbe = { exec: { command: ['x'] }, terminationGracePeriodSeconds: 5 }), ['spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes']],
    ['lifecycle without handler', (p) => (c0(p).lifecycle = { preStop: {} }), ['spec.containers[0].lifecycle.preStop: Required value: must specify a handler type']],
    ['sleep over grace period', (p) => (c0(p).lifecycle = { preStop: { sleep: { seconds: 31 } } }), ['spec.containers[0].lifecycle.preStop.sleep.seconds: Invalid value: 31: must be greater than 0 and less than terminationGracePeriodSeconds (30). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.']],
    ['restartPolicy on an app container', (p) => (c0(p).restartPolicy = 'Always'), ['spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers']],
    ['sidecar: init container with restartPolicy Always and probes', (p) => (p['spec'].initContainers = [{ name: 's', image: 'i', restartPolicy: 'Always', livenessProbe: { exec: { command: ['x'] } } }]), []],
    ['init restartPolicy Never', (p) => (p['spec'].initContainers = [{ name: 's', image: 'i', restartPolicy: 'Never' }]), ['spec.initContainers[0].restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['probe on a plain init container', (p) => (p['spec'].initContainers = [{ name: 's', image: 'i', readinessProbe: { exec: { command: ['x'] } } }]), ['spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always']],
    ['lifecycle on a plain init container', (p) => (p['spec'].initContainers = [{ name: 's', image: 'i', lifecycle: { postStart: { exec: { command: ['x'] } } } }]), ['spec.initContainers[0].lifecycle: Forbidden: may not be set for init containers without restartPolicy=Always']],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});

describe('env and envFrom (TestValidateEnv, TestValidateEnvFrom)', () => {
  const env = (e: unknown[]) => (p: Pod) => (c0(p).env = e);
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    ['relaxed names', env([{ name: 'a.b-c d', value: 'x' }, { name: '1abc' }]), []],
    ['name with =', env([{ name: 'a=b' }]), ["spec.containers[0].env[0].name: Invalid value: \"a=b\": a valid environment variable name must consist only of printable ASCII characters other than '='"]],
    ['name with a tab', env([{ name: 'a\tb' }]), ["spec.containers[0].env[0].name: Invalid value: \"a\\tb\": a valid environment variable name must consist only of printable ASCII characters other than '='"]],
    ['fieldRef', env([{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]), []],
    ['fieldRef label subscript', env([{ name: 'A', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }]), []],
    ['value with valueFrom', env([{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]), ['spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty']],
    ['two sources', env([{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' }, secretKeyRef: { name: 's', key: 'k' } } }]), ['spec.containers[0].env[0].valueFrom: Invalid value: "": may not have more than one field specified at a time']],
    ['no source', env([{ name: 'A', valueFrom: {} }]), ['spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`']],
    ['fieldRef not for env', env([{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } }]), ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "metadata.labels": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"']],
    ['fieldRef unknown', env([{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.whoops' } } }]), ['spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "metadata.whoops": error converting fieldPath: field label not supported: metadata.whoops']],
    ['resourceFieldRef', env([{ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } }]), []],
    ['resourceFieldRef unknown', env([{ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } }]), ['spec.containers[0].env[0].valueFrom.resourceFieldRef.resource: Unsupported value: "limits.gpu": supported values: "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"']],
    ['cpu divisor', env([{ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '2' } } }]), ["spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor: Invalid value: \"2\": only divisor's values 1m and 1 are supported with the cpu resource"]],
    ['configMapKeyRef key', env([{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'a/b' } } }]), ["spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]],
    ['secretKeyRef key ..', env([{ name: 'A', valueFrom: { secretKeyRef: { name: 's', key: '..' } } }]), ["spec.containers[0].env[0].valueFrom.secretKeyRef.key: Invalid value: \"..\": must not be '..'"]],
    ['envFrom', (p) => (c0(p).envFrom = [{ configMapRef: { name: 'cm' }, prefix: 'P_' }]), []],
    ['envFrom without a source', (p) => (c0(p).envFrom = [{ prefix: 'P_' }]), ['spec.containers[0].envFrom[0]: Invalid value: "": must specify one of: `configMapRef` or `secretRef`']],
    ['envFrom with both', (p) => (c0(p).envFrom = [{ configMapRef: { name: 'a' }, secretRef: { name: 'b' } }]), ['spec.containers[0].envFrom[0]: Invalid value: "": may not have more than one field specified at a time']],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});

describe('resources (TestValidateResourceRequirements, TestValidateResourceNames)', () => {
  const res = (r: unknown) => (p: Pod) => (c0(p).resources = r);
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    ['requests under limits, odd notations', res({ limits: { cpu: '1e3', memory: '100Mi' }, requests: { cpu: 0.5, memory: '64Mi' } }), []],
    ['extended resource, equal', res({ limits: { 'example.com/gpu': 2 }, requests: { 'example.com/gpu': 2 } }), []],
    ['hugepages with memory', res({ limits: { 'hugepages-2Mi': '4Mi', memory: '1Gi' } }), []],
    ['negative', res({ limits: { cpu: '-1' } }), ['spec.containers[0].resources.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0']],
    ['request above limit', res({ limits: { cpu: '500m' }, requests: { cpu: '1' } }), ['spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m']],
    ['unqualified name', res({ limits: { gpu: 1 } }), [
      // validateResourceName, then validateContainerResourceName's own check: two messages.
      'spec.containers[0].resources.limits[gpu]: Invalid value: gpu: must be a standard resource type or fully qualified',
      'spec.containers[0].resources.limits[gpu]: Invalid value: gpu: must be a standard resource for containers',
    ]],
    ['not a container resource', res({ limits: { pods: 1 } }), ['spec.containers[0].resources.limits[pods]: Invalid value: pods: must be a standard resource for containers']],
    ['extended not integer', res({ limits: { 'example.com/gpu': '500m' } }), ['spec.containers[0].resources.limits[example.com/gpu]: Invalid value: 500m: must be an integer']],
    ['extended request without limit', res({ requests: { 'example.com/gpu': 1 } }), ['spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources']],
    ['extended request unlike limit', res({ limits: { 'example.com/gpu': 2 }, requests: { 'example.com/gpu': 1 } }), ['spec.containers[0].resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2']],
    ['hugepages alone', res({ limits: { 'hugepages-2Mi': '4Mi' } }), ['spec.containers[0].resources: Forbidden: HugePages require cpu or memory']],
    ['hugepages not a multiple', res({ limits: { 'hugepages-2Mi': '3Mi', memory: '1Gi' } }), ['spec.containers[0].resources.limits[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi']],
    // validateContainerResourceName: an invalid qualified name still gets the container or extended check.
    ['bad name, no prefix', res({ limits: { 'a b': 1 } }), [
      'spec.containers[0].resources.limits[a b]: Invalid value: a b: name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
      'spec.containers[0].resources.limits[a b]: Invalid value: a b: must be a standard resource for containers',
    ]],
    ['bad name, with prefix', res({ limits: { 'example.com/a b': 1 } }), [
      'spec.containers[0].resources.limits[example.com/a b]: Invalid value: example.com/a b: name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
      'spec.containers[0].resources.limits[example.com/a b]: Invalid value: example.com/a b: doesn\'t follow extended resource name standard',
    ]],
    // IsStandardResourceName knows services.nodeports and the quota hugepages prefix: only the container check.
    ['standard, not for containers', res({ limits: { 'services.nodeports': 1 } }), ['spec.containers[0].resources.limits[services.nodeports]: Invalid value: services.nodeports: must be a standard resource for containers']],
    ['quota hugepages name', res({ limits: { 'requests.hugepages-2Mi': '2Mi' } }), ['spec.containers[0].resources.limits[requests.hugepages-2Mi]: Invalid value: requests.hugepages-2Mi: must be a standard resource for containers']],
    // IsIntegerResourceName: the integer quota resources too, not only extended ones.
    ['integer resource, fractional', res({ limits: { pods: '1500m' } }), [
      'spec.containers[0].resources.limits[pods]: Invalid value: pods: must be a standard resource for containers',
      'spec.containers[0].resources.limits[pods]: Invalid value: 1500m: must be an integer',
    ]],
    // MilliValue() rounds away from zero: 1.0001 is 1001m (refused), 1.9999 is 2000m (accepted).
    ['extended, 1.0001', res({ limits: { 'example.com/gpu': '1.0001' } }), ['spec.containers[0].resources.limits[example.com/gpu]: Invalid value: 1001m: must be an integer']],
    ['extended, 1.9999', res({ limits: { 'example.com/gpu': '1.9999' } }), []],
    // IsHugePageResourceValueDivisible: a page size that is not a whole number divides nothing.
    ['hugepages, fractional page size', res({ limits: { 'hugepages-500m': '1', memory: '1Gi' } }), ['spec.containers[0].resources.limits[hugepages-500m]: Invalid value: "1": 1 is not positive integer multiple of hugepages-500m']],
    ['hugepages request equal to limit', res({ limits: { 'hugepages-2Mi': '4Mi', cpu: 1 }, requests: { 'hugepages-2Mi': '4Mi' } }), []],
    ['hugepages request unlike limit', res({ limits: { 'hugepages-2Mi': '4Mi', cpu: 1 }, requests: { 'hugepages-2Mi': '2Mi' } }), ['spec.containers[0].resources.requests: Invalid value: "2Mi": must be equal to hugepages-2Mi limit of 4Mi']],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});

describe('pod spec (TestValidatePodSpec, TestValidatePodDNSConfig, TestValidateTolerations)', () => {
  const spec = (f: string, v: unknown) => (p: Pod) => (p['spec'][f] = v);
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    ['dnsPolicy', spec('dnsPolicy', 'Cluster'), ['spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']],
    ['dnsPolicy None without config', spec('dnsPolicy', 'None'), ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']],
    ['dnsConfig', (p) => Object.assign(p['spec'], { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '::1'], searches: ['a.example.com.', 'b.example.com'], options: [{ name: 'ndots', value: '2' }] } }), []],
    ['nameserver IP', spec('dnsConfig', { nameservers: ['1.1.1'] }), ['spec.dnsConfig.nameservers[0]: Invalid value: "1.1.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['four nameservers', spec('dnsConfig', { nameservers: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4'] }), ['spec.dnsConfig.nameservers: Invalid value: []string{"1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4"}: must not have more than 3 nameservers']],
    ['search not a subdomain', spec('dnsConfig', { searches: ['A_B'] }), ["spec.dnsConfig.searches[0]: Invalid value: \"A_B\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
    ['activeDeadlineSeconds 0', spec('activeDeadlineSeconds', 0), ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']],
    // validatePodHostNetworkDeps: reported at hostPort, regular containers only.
    ['hostNetwork with another hostPort', (p) => { p['spec'].hostNetwork = true; c0(p).ports[0].hostPort = 81; }, ['spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true']],
    // validatePodDNSConfig with RelaxedDNSSearchValidation off (alpha in 1.32): "." trims to "" and is refused.
    ['search "." (relaxed search validation is off in 1.32)', (p) => Object.assign(p['spec'], { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['.'] } }), ["spec.dnsConfig.searches[0]: Invalid value: \"\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
    ['dns option without a name', spec('dnsConfig', { options: [{ value: '2' }] }), ['spec.dnsConfig.options[0]: Required value: must not be empty']],
    ['preemptionPolicy', spec('preemptionPolicy', 'Sometimes'), ['spec.preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"']],
    ['runtimeClassName ""', spec('runtimeClassName', ''), ["spec.runtimeClassName: Invalid value: \"\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
    ['nodeName with schedulingGates', (p) => Object.assign(p['spec'], { nodeName: 'n1', schedulingGates: [{ name: 'example.com/gate' }] }), ['spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared']],
    ['init container hostPort with hostNetwork is not checked', (p) => { p['spec'].hostNetwork = true; p['spec'].initContainers = [{ name: 'i', image: 'busybox', ports: [{ containerPort: 80, hostPort: 81 }] }]; }, []],
    ['hostNetwork, hostPort defaulted', spec('hostNetwork', true), []],
    ['nodeSelector value', spec('nodeSelector', { disk: 'a b' }), ["spec.nodeSelector: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]],
    ['hostname', spec('hostname', 'My_Host'), ["spec.hostname: Invalid value: \"My_Host\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]],
    ['shareProcessNamespace with hostPID', (p) => Object.assign(p['spec'], { hostPID: true, shareProcessNamespace: true }), ['spec.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled']],
    ['runAsUser range', spec('securityContext', { runAsUser: -1 }), ['spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive']],
    ['fsGroupChangePolicy', spec('securityContext', { fsGroupChangePolicy: 'Sometimes' }), ['spec.securityContext.fsGroupChangePolicy: Unsupported value: "Sometimes": supported values: "Always", "OnRootMismatch"']],
    ['sysctl name', spec('securityContext', { sysctls: [{ name: 'Net.X', value: '1' }] }), ['spec.securityContext.sysctls[0].name: Invalid value: "Net.X": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$']],
    ['sysctl twice', spec('securityContext', { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'kernel.shm_rmid_forced', value: '0' }] }), ['spec.securityContext.sysctls[1].name: Duplicate value: "kernel.shm_rmid_forced"']],
    ['seccomp Localhost without profile', spec('securityContext', { seccompProfile: { type: 'Localhost' } }), ['spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost']],
    ['seccomp type', spec('securityContext', { seccompProfile: { type: 'Custom' } }), ['spec.securityContext.seccompProfile.type: Unsupported value: "Custom": supported values: "Localhost", "RuntimeDefault", "Unconfined"']],
    ['readinessGates', spec('readinessGates', [{ conditionType: 'a/b/c' }]), ["spec.readinessGates[0].conditionType: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]],
    ['hostAliases IP', spec('hostAliases', [{ ip: 'x', hostnames: ['a'] }]), ['spec.hostAliases[0].ip: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['ephemeralContainers on create', spec('ephemeralContainers', [{ name: 'e', image: 'i' }]), ['spec.ephemeralContainers: Forbidden: cannot be set on create']],
    ['toleration key empty, Equal', spec('tolerations', [{ operator: 'Equal', value: 'x' }]), ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"']],
    ['toleration seconds without NoExecute', spec('tolerations', [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }]), ["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"]],
    ['toleration effect', spec('tolerations', [{ key: 'k', operator: 'Exists', effect: 'Never' }]), ['spec.tolerations[0].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']],
    ['topology spread maxSkew 0', spec('topologySpreadConstraints', [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }]), ['spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero']],
    ['topology spread minDomains with ScheduleAnyway', spec('topologySpreadConstraints', [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', minDomains: 2 }]), ['spec.topologySpreadConstraints[0].minDomains: Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway']],
    ['node affinity without terms', spec('affinity', { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }), ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term']],
    ['node affinity In without values', spec('affinity', { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In' }] }] } } }), ["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]],
    ['pod anti-affinity weight', spec('affinity', { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, podAffinityTerm: { topologyKey: 'zone' } }] } }), ['spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 101: must be in the range 1-100']],
    ['finalizer not qualified', (p) => (p['metadata'].finalizers = ['cleanup']), ['metadata.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified']],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});

describe('volumes and mounts (TestValidateVolumes, TestValidateVolumeMounts, TestValidateVolumeDevices)', () => {
  const vol = (v: unknown) => (p: Pod) => (p['spec'].volumes = [v]);
  const mount = (m: unknown) => (p: Pod) => (c0(p).volumeMounts = [m]);
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    ['a volume with only a name (defaulted to emptyDir)', vol({ name: 'v' }), []],
    ['configMap items', vol({ name: 'v', configMap: { name: 'cm', defaultMode: 0o644, items: [{ key: 'k', path: 'a/b', mode: 0o400 }] } }), []],
    ['emptyDir negative sizeLimit', vol({ name: 'v', emptyDir: { sizeLimit: '-1Gi' } }), ['spec.volumes[0].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity']],
    ['secret without secretName', vol({ name: 'v', secret: {} }), ['spec.volumes[0].secret.secretName: Required value']],
    ['configMap absolute item path', vol({ name: 'v', configMap: { name: 'cm', items: [{ key: 'k', path: '/etc/x' }] } }), ['spec.volumes[0].configMap.items[0].path: Invalid value: "/etc/x": must be a relative path']],
    ['configMap .. in item path', vol({ name: 'v', configMap: { name: 'cm', items: [{ key: 'k', path: 'a/../b' }] } }), ["spec.volumes[0].configMap.items[0].path: Invalid value: \"a/../b\": must not contain '..'"]],
    ['item path starting with ..', vol({ name: 'v', secret: { secretName: 's', items: [{ key: 'k', path: '..a' }] } }), ["spec.volumes[0].secret.items[0].path: Invalid value: \"..a\": must not start with '..'"]],
    ['mode 01000', vol({ name: 'v', configMap: { name: 'cm', defaultMode: 0o1000 } }), ['spec.volumes[0].configMap.defaultMode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive']],
    ['downwardAPI field', vol({ name: 'v', downwardAPI: { items: [{ path: 'l', fieldRef: { fieldPath: 'spec.nodeName' } }] } }), ['spec.volumes[0].downwardAPI.items[0].fieldRef.fieldPath: Unsupported value: "spec.nodeName": supported values: "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"']],
    ['projected duplicate paths', vol({ name: 'v', projected: { sources: [{ configMap: { name: 'a', items: [{ key: 'k', path: 'x' }] } }, { secret: { name: 'b', items: [{ key: 'k', path: 'x' }] } }] } }), ['spec.volumes[0].projected.sources[1].secret.items[0].path: Invalid value: "b": conflicting duplicate paths']],
    ['subPath with subPathExpr', mount({ name: 'v', mountPath: '/v', subPath: 'a', subPathExpr: '$(X)' }), ['spec.containers[0].volumeMounts[0].subPathExpr: Invalid value: "$(X)": subPathExpr and subPath are mutually exclusive']],
    ['mountPropagation', mount({ name: 'v', mountPath: '/v', mountPropagation: 'Shared' }), ['spec.containers[0].volumeMounts[0].mountPropagation: Unsupported value: "Shared": supported values: "Bidirectional", "HostToContainer", "None"']],
    ['Bidirectional unprivileged', mount({ name: 'v', mountPath: '/v', mountPropagation: 'Bidirectional' }), ['spec.containers[0].volumeMounts[0].mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers']],
    ['volumeDevices on an emptyDir', (p) => (c0(p).volumeDevices = [{ name: 'v', devicePath: '/dev/x' }]), ['spec.containers[0].volumeDevices[0].name: Invalid value: "v": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode']],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});

describe('container securityContext (TestValidateSecurityContext)', () => {
  const sc = (v: unknown) => (p: Pod) => (c0(p).securityContext = v);
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    ['privileged', sc({ privileged: true }), []],
    ['privileged without escalation', sc({ privileged: true, allowPrivilegeEscalation: false }), ['spec.containers[0].securityContext: Invalid value: {"privileged":true,"allowPrivilegeEscalation":false}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true']],
    ['runAsUser too large', sc({ runAsUser: 2147483648 }), ['spec.containers[0].securityContext.runAsUser: Invalid value: 2147483648: must be between 0 and 2147483647, inclusive']],
    ['seccomp profile without type', sc({ seccompProfile: {} }), [
      'spec.containers[0].securityContext.seccompProfile: required field "type" is missing',
      'spec.containers[0].securityContext.seccompProfile.type: Required value: type is required when seccompProfile is set',
    ]],
    ['seccomp localhostProfile with RuntimeDefault', sc({ seccompProfile: { type: 'RuntimeDefault', localhostProfile: 'x.json' } }), ['spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid value: {"type":"RuntimeDefault","localhostProfile":"x.json"}: can only be set when seccomp type is Localhost']],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});

// Cases from TestValidateContainers, TestValidateContainerPorts, TestValidatePullPolicy,
// TestValidateVolumeMounts and TestValidateRestartPolicy, checked against validateContainerCommon,
// validateContainerPorts, validatePullPolicy, ValidateVolumeMounts and validateRestartPolicy
// (kubernetes/kubernetes pkg/apis/core/validation/validation.go).
describe('containers in the API server words (validateContainers, validateContainerPorts, ValidateVolumeMounts)', () => {
  const DNS_LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    ['no containers', (p) => (p['spec'].containers = []), ['spec.containers: Required value']],
    ['container name upper case', (p) => (c0(p).name = 'Web'), [`spec.containers[0].name: Invalid value: "Web": ${DNS_LABEL}`]],
    ['container name empty', (p) => (c0(p).name = ''), ['spec.containers[0].name: Required value']],
    ['duplicate container name', (p) => p['spec'].containers.push({ name: 'c', image: 'i' }), ['spec.containers[1].name: Duplicate value: "c"']],
    ['init container reusing a container name', (p) => (p['spec'].initContainers = [{ name: 'c', image: 'i' }]), ['spec.initContainers[0].name: Duplicate value: "c"']],
    ['image empty', (p) => (c0(p).image = ''), ['spec.containers[0].image: Required value']],
    ['image whitespace only', (p) => (c0(p).image = ' '), ['spec.containers[0].image: Invalid value: " ": must not have leading or trailing whitespace']],
    ['pull policy', (p) => (c0(p).imagePullPolicy = 'Sometimes'), ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"']],
    ['protocol (sorted list)', (p) => (c0(p).ports[0].protocol = 'ICMP'), ['spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']],
    ['containerPort 0', (p) => (c0(p).ports[0].containerPort = 0), ['spec.containers[0].ports[0].containerPort: Required value']],
    ['containerPort 65536', (p) => (c0(p).ports[0].containerPort = 65536), ['spec.containers[0].ports[0].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive']],
    ['hostPort 65536', (p) => (c0(p).ports[0].hostPort = 65536), ['spec.containers[0].ports[0].hostPort: Invalid value: 65536: must be between 1 and 65535, inclusive']],
    ['duplicate port name', (p) => c0(p).ports.push({ name: 'http', containerPort: 81 }), ['spec.containers[0].ports[1].name: Duplicate value: "http"']],
    ['port name all digits', (p) => (c0(p).ports[0].name = '123'), ['spec.containers[0].ports[0].name: Invalid value: "123": must contain at least one letter (a-z)']],
    // IsValidPortName: the charset allows '-', so a leading or trailing hyphen gets its own message.
    ['port name with a leading hyphen', (p) => (c0(p).ports[0].name = '-web'), ['spec.containers[0].ports[0].name: Invalid value: "-web": must not begin or end with a hyphen']],
    ['port name all hyphens', (p) => (c0(p).ports[0].name = '--'), [
      'spec.containers[0].ports[0].name: Invalid value: "--": must contain at least one letter (a-z)',
      'spec.containers[0].ports[0].name: Invalid value: "--": must not contain consecutive hyphens',
      'spec.containers[0].ports[0].name: Invalid value: "--": must not begin or end with a hyphen',
    ]],
    ['restartPolicy', (p) => (p['spec'].restartPolicy = 'Sometimes'), ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    ['mount of a missing volume', (p) => (c0(p).volumeMounts = [{ name: 'w', mountPath: '/w' }]), ['spec.containers[0].volumeMounts[0].name: Not found: "w"']],
    ['mountPath twice', (p) => (c0(p).volumeMounts = [{ name: 'v', mountPath: '/v' }, { name: 'v', mountPath: '/v' }]), ['spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/v": must be unique']],
    ['mountPath empty', (p) => (c0(p).volumeMounts = [{ name: 'v', mountPath: '' }]), ['spec.containers[0].volumeMounts[0].mountPath: Required value']],
    ['absolute subPath', (p) => (c0(p).volumeMounts = [{ name: 'v', mountPath: '/v', subPath: '/a' }]), ['spec.containers[0].volumeMounts[0].subPath: Invalid value: "/a": must be a relative path']],
    ['terminationMessagePolicy', (p) => (c0(p).terminationMessagePolicy = 'Always'), ['spec.containers[0].terminationMessagePolicy: Unsupported value: "Always": supported values: "File", "FallbackToLogsOnError"']],
    ['value with valueFrom and two sources: only the value error', (p) => (c0(p).env = [{ name: 'A', value: 'x', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' }, secretKeyRef: { name: 's', key: 'k' } } }]), ['spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty']],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});

// Cases from TestValidateVolumes (validateVolumeSource and the validateXVolumeSource functions).
describe('volume types (validateVolumeSource, validateNFSVolumeSource, validateISCSIVolumeSource, validateCSIVolumeSource, ...)', () => {
  const vol = (v: unknown) => (p: Pod) => (p['spec'].volumes = [v]);
  const at = 'spec.volumes[0]';
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    ['two types: the second is forbidden', vol({ name: 'v', emptyDir: {}, hostPath: { path: '/a' } }), [`${at}.hostPath: Forbidden: may not specify more than 1 volume type`]],
    ['volume name', vol({ name: 'V', emptyDir: {} }), [`${at}.name: Invalid value: "V": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`]],
    ['duplicate volume name', (p) => p['spec'].volumes.push({ name: 'v', emptyDir: {} }), ['spec.volumes[1].name: Duplicate value: "v"']],
    ['hostPath empty path', vol({ name: 'v', hostPath: { path: '' } }), [`${at}.hostPath.path: Required value`]],
    ['hostPath backsteps', vol({ name: 'v', hostPath: { path: '/a/../b' } }), [`${at}.hostPath.path: Invalid value: "/a/../b": must not contain '..'`]],
    ['hostPath type (sorted, with "")', vol({ name: 'v', hostPath: { path: '/a', type: 'Dir' } }), [`${at}.hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"`]],
    // The API server only requires it; kubeplay refuses a name no claim can have (its own rule, marked).
    ['claimName is only required upstream; kubeplay checks the name', vol({ name: 'v', persistentVolumeClaim: { claimName: 'Not_A_Name' } }), [
      `${at}.persistentVolumeClaim.claimName: Invalid value: "Not_A_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'): it names a PersistentVolumeClaim and the Podman volume that holds its data (kubeplay's rule, not the API server's)`,
    ]],
    ['claimName empty', vol({ name: 'v', persistentVolumeClaim: { claimName: '' } }), [`${at}.persistentVolumeClaim.claimName: Required value`]],
    ['nfs valid', vol({ name: 'v', nfs: { server: 'nfs.example.com', path: '/export' } }), []],
    ['nfs relative path', vol({ name: 'v', nfs: { server: 's', path: 'export' } }), [`${at}.nfs.path: Invalid value: "export": must be an absolute path`]],
    ['nfs no server', vol({ name: 'v', nfs: { server: '', path: '/e' } }), [`${at}.nfs.server: Required value`]],
    ['iscsi valid', vol({ name: 'v', iscsi: { targetPortal: '127.0.0.1:3260', iqn: 'iqn.2015-02.example.com:test', lun: 1 } }), []],
    ['iscsi iqn prefix', vol({ name: 'v', iscsi: { targetPortal: 't', iqn: 'foo', lun: 1 } }), [`${at}.iscsi.iqn: Invalid value: "foo": must be valid format starting with iqn, eui, or naa`]],
    ['iscsi iqn format', vol({ name: 'v', iscsi: { targetPortal: 't', iqn: 'iqn.2015-02.example.com', lun: 1 } }), [`${at}.iscsi.iqn: Invalid value: "iqn.2015-02.example.com": must be valid format`]],
    ['iscsi eui', vol({ name: 'v', iscsi: { targetPortal: 't', iqn: 'eui.0123456789ABCDEF', lun: 1 } }), []],
    ['iscsi lun', vol({ name: 'v', iscsi: { targetPortal: 't', iqn: 'eui.0123456789ABCDEF', lun: 256 } }), [`${at}.iscsi.lun: Invalid value: 256: must be between 0 and 255, inclusive`]],
    ['iscsi chap without secret', vol({ name: 'v', iscsi: { targetPortal: 't', iqn: 'eui.0123456789ABCDEF', lun: 0, chapAuthSession: true } }), [`${at}.iscsi.secretRef: Required value`]],
    ['csi valid', vol({ name: 'v', csi: { driver: 'csi.example.com' } }), []],
    ['csi driver upper case is lowered first', vol({ name: 'v', csi: { driver: 'CSI.Example.com' } }), []],
    ['csi driver too long', vol({ name: 'v', csi: { driver: `${'a'.repeat(64)}` } }), [`${at}.csi.driver: Too long: may not be more than 63 bytes`]],
    ['csi nodePublishSecretRef without name', vol({ name: 'v', csi: { driver: 'd', nodePublishSecretRef: {} } }), [`${at}.csi.nodePublishSecretRef.name: Required value`]],
    ['rbd', vol({ name: 'v', rbd: { monitors: [], image: '' } }), [`${at}.rbd.monitors: Required value`, `${at}.rbd.image: Required value`]],
    ['gcePersistentDisk partition', vol({ name: 'v', gcePersistentDisk: { pdName: 'd', partition: 256 } }), [`${at}.gcePersistentDisk.partition: Invalid value: 256: must be between 1 and 255, inclusive`]],
    ['fc without targets', vol({ name: 'v', fc: {} }), [`${at}.fc.targetWWNs: Required value: must specify either targetWWNs or wwids, but not both`]],
    ['fc targets without lun', vol({ name: 'v', fc: { targetWWNs: ['500a0982991b8dc5'] } }), [`${at}.fc.lun: Required value: lun is required if targetWWNs is specified`]],
    ['flexVolume reserved option', vol({ name: 'v', flexVolume: { driver: 'd', options: { 'kubernetes.io/x': 'y' } } }), [`${at}.flexVolume.options[kubernetes.io/x]: Invalid value: "kubernetes.io/x": kubernetes.io and k8s.io namespaces are reserved`]],
    ['azureDisk blob URI (kind defaults to Shared)', vol({ name: 'v', azureDisk: { diskName: 'd', diskURI: '/subscriptions/x' } }), [`${at}.azureDisk.diskURI: Unsupported value: "/subscriptions/x": supported values: "https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd"`]],
    ['quobyte registry', vol({ name: 'v', quobyte: { registry: 'host', volume: 'v' } }), [`${at}.quobyte.registry: Invalid value: "host": must be a host:port pair or multiple pairs separated by commas`]],
    ['gitRepo directory', vol({ name: 'v', gitRepo: { repository: 'r', directory: '../x' } }), [`${at}.gitRepo.directory: Invalid value: "../x": must not contain '..'`]],
    ['ephemeral without template', vol({ name: 'v', ephemeral: {} }), [`${at}.ephemeral.volumeClaimTemplate: Required value`]],
    ['claim of an ephemeral volume of this pod', (p) => (p['spec'].volumes = [{ name: 'e', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } }, { name: 'c', persistentVolumeClaim: { claimName: 'p-e' } }]), ['spec.volumes[1].persistentVolumeClaim.claimName: Invalid value: "p-e": must not reference a PVC that gets created for an ephemeral volume']],
    ['recursiveReadOnly both errors', (p) => (c0(p).volumeMounts = [{ name: 'v', mountPath: '/v', recursiveReadOnly: 'IfPossible', mountPropagation: 'HostToContainer' }]), ['spec.containers[0].volumeMounts[0].recursiveReadOnly: Forbidden: may only be specified when readOnly is true', 'spec.containers[0].volumeMounts[0].recursiveReadOnly: Forbidden: may only be specified when mountPropagation is None or not specified']],
    ['item path "..a/../b": both errors', vol({ name: 'v', secret: { secretName: 's', items: [{ key: 'k', path: '..a/../b' }] } }), [`${at}.secret.items[0].path: Invalid value: "..a/../b": must not contain '..'`, `${at}.secret.items[0].path: Invalid value: "..a/../b": must not start with '..'`]],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});

// ObjectMeta (apimachinery ValidateObjectMetaAccessor, ValidateAnnotations, ValidateLabels) and the
// security profile fields (validateSeccompProfileField, ValidateAppArmorProfileField).
describe('metadata and security profiles', () => {
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    ['pod name', (p) => (p['metadata'].name = 'Web'), ["metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
    ['pod name missing', (p) => delete p['metadata'].name, ['metadata.name: Required value: name or generateName is required']],
    ['namespace', (p) => (p['metadata'].namespace = 'Dev'), ["metadata.namespace: Invalid value: \"Dev\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]],
    ['label value reported at the map', (p) => (p['metadata'].labels = { app: '-x' }), ["metadata.labels: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]],
    ['annotation key case does not matter', (p) => (p['metadata'].annotations = { 'Example.COM/Key': 'v' }), []],
    ['seccomp Localhost with an empty profile is accepted', (p) => (c0(p).securityContext = { seccompProfile: { type: 'Localhost', localhostProfile: '' } }), []],
    ['AppArmor padded profile', (p) => (c0(p).securityContext = { appArmorProfile: { type: 'Localhost', localhostProfile: ' p ' } }), ['spec.containers[0].securityContext.appArmorProfile.localhostProfile: Invalid value: " p ": must not be padded with whitespace']],
    ['AppArmor profile with RuntimeDefault', (p) => (c0(p).securityContext = { appArmorProfile: { type: 'RuntimeDefault', localhostProfile: 'p' } }), ['spec.containers[0].securityContext.appArmorProfile.localhostProfile: Invalid value: "p": can only be set when AppArmor type is Localhost']],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});

// Third pass, written from the upstream functions at 000f26050b9b: ValidateLabels (printed at the
// map), ValidateNodeSelectorRequirement (values checked in required terms only),
// ValidateNodeFieldSelectorRequirement, validatePodAffinityTerm with validateMatchLabelKeysAndMismatchLabelKeys,
// validateTopologySpreadConstraints (ValidateTopologyKey, validateMinDomains,
// validateMatchLabelKeysInTopologySpread), ValidateFinalizers/validateKubeFinalizerName, validateOS,
// validateLinux, validateWindows.
describe('scheduling, finalizers and os, line by line with upstream', () => {
  const LABEL_VALUE = isValidLabelValue('a b')[0] ?? '';
  const spec = (f: (s: Pod) => void) => (p: Pod) => f(p['spec']);
  const req = (terms: unknown[]) => spec((s) => (s.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } }));
  const tsc = (c: Record<string, unknown>) => spec((s) => (s.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', ...c }]));
  const pat = (t: Record<string, unknown>) => spec((s) => (s.affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', ...t }] } }));
  const RFC1123 = isDNS1123Subdomain('Node_1')[0] ?? '';
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    ['nodeSelector value printed at the map', spec((s) => (s.nodeSelector = { disk: 'a b' })), [`spec.nodeSelector: Invalid value: "a b": ${LABEL_VALUE}`]],
    ['required node affinity value', req([{ matchExpressions: [{ key: 'k', operator: 'In', values: ['a b'] }] }]), [`spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0]: Invalid value: "a b": ${LABEL_VALUE}`]],
    ['preferred node affinity value allowed', spec((s) => (s.affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'k', operator: 'In', values: ['a b'] }] } }] } })), []],
    ['matchFields node name', req([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['Node_1'] }] }]), [`spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0]: Invalid value: "Node_1": ${RFC1123}`]],
    ['matchFields operator before key', req([{ matchFields: [{ key: 'metadata.uid', operator: 'Exists' }] }]), [
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].operator: Invalid value: "Exists": not a valid selector operator',
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key: Invalid value: "metadata.uid": not a valid field selector key',
    ]],
    ['pod affinity empty topologyKey', pat({ topologyKey: '' }), [
      'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty',
      'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must be non-empty',
      "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]],
    ['pod affinity matchLabelKeys without labelSelector', pat({ matchLabelKeys: ['app'] }), ['spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].matchLabelKeys: Forbidden: must not be specified when labelSelector is not set']],
    ['pod affinity key in matchLabelKeys and mismatchLabelKeys', pat({ labelSelector: {}, matchLabelKeys: ['app'], mismatchLabelKeys: ['app'] }), ['spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].matchLabelKeys[0]: Invalid value: "app": exists in both matchLabelKeys and mismatchLabelKeys']],
    ['pod affinity matchLabelKeys also in the selector, pod without the label', pat({ labelSelector: { matchLabels: { app: 'x' } }, matchLabelKeys: ['app'] }), []],
    ['pod affinity matchLabelKeys also in the selector, pod with the label', (p) => { p['metadata'].labels = { app: 'x' }; pat({ labelSelector: { matchLabels: { app: 'x' } }, matchLabelKeys: ['app'] })(p); }, ['spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].matchLabelKeys[0]: Invalid value: "app": exists in both matchLabelKeys and labelSelector']],
    ['topology spread topologyKey syntax is not checked', tsc({ topologyKey: 'a b' }), []],
    ['minDomains 0 with ScheduleAnyway: both errors', tsc({ whenUnsatisfiable: 'ScheduleAnyway', minDomains: 0 }), [
      'spec.topologySpreadConstraints[0].minDomains: Invalid value: 0: must be greater than zero',
      'spec.topologySpreadConstraints[0].minDomains: Invalid value: 0: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway',
    ]],
    ['topology matchLabelKeys without labelSelector', tsc({ matchLabelKeys: ['app'] }), ['spec.topologySpreadConstraints[0].matchLabelKeys: Forbidden: must not be specified when labelSelector is not set']],
    ['topology matchLabelKeys in matchExpressions', tsc({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, matchLabelKeys: ['app'] }), ['spec.topologySpreadConstraints[0].matchLabelKeys[0]: Invalid value: "app": exists in both matchLabelKeys and labelSelector']],
    ['finalizer printed at the list', (p) => (p['metadata'].finalizers = ['cleanup']), ['metadata.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified']],
    ['finalizer orphan with foregroundDeletion', (p) => (p['metadata'].finalizers = ['orphan', 'foregroundDeletion']), ['metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set']],
    ['os.name empty', spec((s) => (s.os = { name: '' })), ['spec.os.name: Required value: cannot be empty']],
    ['os.name unsupported, printed at spec.os', spec((s) => (s.os = { name: 'plan9' })), ['spec.os: Unsupported value: "plan9": supported values: "linux", "windows"']],
    ['windowsOptions in a linux pod', (p) => { p['spec'].os = { name: 'linux' }; c0(p).securityContext = { windowsOptions: { runAsUserName: 'u' } }; }, ['spec.containers[0].securityContext.windowsOptions: Forbidden: windows options cannot be set for a linux pod']],
    ['runAsUser in a windows pod', (p) => { p['spec'].os = { name: 'windows' }; c0(p).securityContext = { runAsUser: 1 }; p['spec'].securityContext = { fsGroup: 1 }; }, [
      'spec.securityContext.fsGroup: Forbidden: cannot be set for a windows pod',
      'spec.containers[0].securityContext.runAsUser: Forbidden: cannot be set for a windows pod',
    ]],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});

describe('RegexError texts, as apimachinery writes them (validation.go RegexError)', () => {
  test('no examples', () => expect(regexError('m', 'x+')).toBe("m (regex used for validation is 'x+')"));
  test('one example', () => expect(regexError('m', 'x+', 'a')).toBe("m (e.g. 'a', regex used for validation is 'x+')"));
  // Each example is followed by "', " and the next joined with " or ": two spaces before "or".
  test('three examples', () => expect(regexError('m', 'x+', 'a', 'b', 'c')).toBe("m (e.g. 'a',  or 'b',  or 'c', regex used for validation is 'x+')"));
});

// ValidateVolumes keeps only the volumes without errors (allNames, vols), and validateVolumeSource
// checks the inner fields of the first type only; TestValidateVolumes, TestValidateVolumeMounts.
describe('invalid volumes and volumes of several types (ValidateVolumes, validateVolumeSource, ValidateVolumeMounts)', () => {
  const withMount = (v: unknown) => (p: Pod) => {
    p['spec'].volumes = [v];
    c0(p).volumeMounts = [{ name: 'v', mountPath: '/v' }];
  };
  const NOT_FOUND = 'spec.containers[0].volumeMounts[0].name: Not found: "v"';
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    ['a mount naming an invalid volume: Not found', withMount({ name: 'v', secret: {} }), [NOT_FOUND, 'spec.volumes[0].secret.secretName: Required value']],
    ['a mount naming a valid volume', withMount({ name: 'v', secret: { secretName: 's' } }), []],
    ['a volume refused by a kubeplay rule only is still found', withMount({ name: 'v', persistentVolumeClaim: { claimName: 'Not_A_Name' } }), [
      `spec.volumes[0].persistentVolumeClaim.claimName: Invalid value: "Not_A_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'): it names a PersistentVolumeClaim and the Podman volume that holds its data (kubeplay's rule, not the API server's)`,
    ]],
    ['a device naming an invalid volume: Not found', (p) => {
      p['spec'].volumes = [{ name: 'v', persistentVolumeClaim: { claimName: '' } }];
      c0(p).volumeDevices = [{ name: 'v', devicePath: '/dev/v' }];
    }, ['spec.volumes[0].persistentVolumeClaim.claimName: Required value', 'spec.containers[0].volumeDevices[0].name: Not found: "v"']],
    ['two types: only the first is checked inside', withMount({ name: 'v', emptyDir: {}, secret: {} }), [NOT_FOUND, 'spec.volumes[0].secret: Forbidden: may not specify more than 1 volume type']],
    ['two types, the first invalid', withMount({ name: 'v', secret: {}, configMap: {} }), [
      NOT_FOUND,
      'spec.volumes[0].secret.secretName: Required value',
      'spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type',
    ]],
    ['emptyDir first: its sizeLimit is checked, hostPath is not', withMount({ name: 'v', emptyDir: { sizeLimit: '-1' }, hostPath: { path: '' } }), [
      NOT_FOUND,
      'spec.volumes[0].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity',
      'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type',
    ]],
    ['iscsi second: its name length is still checked', withMount({ name: 'v', emptyDir: {}, iscsi: { targetPortal: 'x'.repeat(70), iqn: 'eui.0123456789ABCDEF', initiatorName: 'eui.0123456789ABCDEF' } }), [
      NOT_FOUND,
      'spec.volumes[0].iscsi: Forbidden: may not specify more than 1 volume type',
      'spec.volumes[0].name: Invalid value: "v": Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.',
    ]],
    ['a mount and a device of one name and path', (p) => {
      p['spec'].volumes = [{ name: 'v', persistentVolumeClaim: { claimName: 'c' } }];
      c0(p).volumeMounts = [{ name: 'v', mountPath: '/v' }];
      c0(p).volumeDevices = [{ name: 'v', devicePath: '/v' }];
    }, [
      'spec.containers[0].volumeMounts[0].name: Invalid value: "v": must not already exist in volumeDevices',
      'spec.containers[0].volumeMounts[0].mountPath: Invalid value: "/v": must not already exist as a path in volumeDevices',
      'spec.containers[0].volumeDevices[0].name: Invalid value: "v": must not already exist in volumeMounts',
      'spec.containers[0].volumeDevices[0].devicePath: Invalid value: "/v": must not already exist as a path in volumeMounts',
    ]],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});

// validateEphemeralVolumeSource -> ValidatePersistentVolumeClaimTemplate: ValidateTemplateObjectMeta
// and ValidatePersistentVolumeClaimSpec (TestEphemeralVolumeSource, TestValidatePersistentVolumeClaimSpec).
describe('generic ephemeral volumes (ValidatePersistentVolumeClaimTemplate)', () => {
  const at = 'spec.volumes[0].ephemeral.volumeClaimTemplate';
  const eph = (tpl: Record<string, unknown>) => (p: Pod) => (p['spec'].volumes = [{ name: 'v', ephemeral: { volumeClaimTemplate: tpl } }]);
  const spec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    ['valid', eph({ spec }), []],
    ['valid with labels, annotations, class and mode', eph({ metadata: { labels: { a: 'b' }, annotations: { 'example.com/x': 'y' } }, spec: { ...spec, storageClassName: 'fast', volumeMode: 'Block' } }), []],
    ['no access mode', eph({ spec: { resources: spec.resources } }), [`${at}.spec.accessModes: Required value: at least 1 access mode is required`]],
    ['unknown access mode', eph({ spec: { ...spec, accessModes: ['ReadWrite'] } }), [`${at}.spec.accessModes: Unsupported value: "ReadWrite": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"`]],
    ['ReadWriteOncePod with another mode', eph({ spec: { ...spec, accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'] } }), [`${at}.spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes`]],
    // Upstream names the storage request fldPath.Child("resources").Key("storage").
    ['no storage request', eph({ spec: { accessModes: ['ReadWriteOnce'] } }), [`${at}.spec.resources[storage]: Required value`]],
    ['storage request of zero', eph({ spec: { ...spec, resources: { requests: { storage: '0' } } } }), [`${at}.spec.resources[storage]: Invalid value: "0": must be greater than zero`]],
    ['negative storage request', eph({ spec: { ...spec, resources: { requests: { storage: '-1Gi' } } } }), [`${at}.spec.resources[storage]: Invalid value: "-1Gi": must be greater than zero`]],
    ['storageClassName not a subdomain', eph({ spec: { ...spec, storageClassName: 'Fast' } }), [
      `${at}.spec.storageClassName: Invalid value: "Fast": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ]],
    ['volumeMode', eph({ spec: { ...spec, volumeMode: 'Raw' } }), [`${at}.spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"`]],
    // ValidateTemplateObjectMeta: only labels and annotations may be set (validateFieldAllowList).
    ['template metadata name', eph({ metadata: { name: 'x' }, spec }), [`${at}.metadata.name: Forbidden: cannot be set`]],
    ['template metadata uid (named as reflection lowers it)', eph({ metadata: { uid: 'x' }, spec }), [`${at}.metadata.uID: Forbidden: cannot be set`]],
    ['template metadata creationTimestamp null is unset', eph({ metadata: { creationTimestamp: null }, spec }), []],
    ['template label value', eph({ metadata: { labels: { a: '-b' } }, spec }), [
      `${at}.metadata.labels: Invalid value: "-b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ]],
    ['template annotation key', eph({ metadata: { annotations: { 'a/b/c': 'x' } }, spec }), [
      `${at}.metadata.annotations: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ]],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});

// ValidatePodSpecificAnnotations (TestValidatePodSpecificAnnotations, TestValidateAppArmorPodAnnotations):
// printed at the key, as field.Path.Key writes it.
describe('pod-specific annotations (ValidatePodSpecificAnnotations)', () => {
  const ann = (a: Record<string, string>) => (p: Pod) => (p['metadata'].annotations = a);
  const cases: Array<[string, (p: Pod) => void, string[]]> = [
    ['mirror pod without nodeName', ann({ 'kubernetes.io/config.mirror': 'x' }), ['metadata.annotations[kubernetes.io/config.mirror]: Invalid value: "x": must set spec.nodeName if mirror pod annotation is set']],
    ['mirror pod with nodeName', (p) => { ann({ 'kubernetes.io/config.mirror': 'x' })(p); p['spec'].nodeName = 'n'; }, []],
    ['deletion cost', ann({ 'controller.kubernetes.io/pod-deletion-cost': '-10' }), []],
    ['deletion cost 0', ann({ 'controller.kubernetes.io/pod-deletion-cost': '0' }), []],
    ['deletion cost with a plus sign', ann({ 'controller.kubernetes.io/pod-deletion-cost': '+10' }), ['metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "+10": must be a 32bit integer']],
    ['deletion cost with a leading zero', ann({ 'controller.kubernetes.io/pod-deletion-cost': '010' }), ['metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "010": must be a 32bit integer']],
    ['deletion cost above int32', ann({ 'controller.kubernetes.io/pod-deletion-cost': '2147483648' }), ['metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "2147483648": must be a 32bit integer']],
    ['AppArmor annotation of a container', ann({ 'container.apparmor.security.beta.kubernetes.io/c': 'localhost/p' }), []],
    ['AppArmor annotation of no container', ann({ 'container.apparmor.security.beta.kubernetes.io/x': 'runtime/default' }), ['metadata.annotations[container.apparmor.security.beta.kubernetes.io/x]: Invalid value: "x": container not found']],
    ['AppArmor profile name', ann({ 'container.apparmor.security.beta.kubernetes.io/c': 'bad' }), ['metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]: Invalid value: "bad": invalid AppArmor profile name: "bad"']],
  ];
  test.each(cases)('%s', (_n, mutate, expected) => expect(problems(mutate)).toEqual(expected));
});
