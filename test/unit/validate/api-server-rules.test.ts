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
    ['header name', (p) => (c0(p).livenessProbe = { httpGet: { port: 80, httpHeaders: [{ name: 'X_Y', value: 'v' }] } }), ["spec.containers[0].livenessProbe.httpGet.httpHeaders[0].name: Invalid value: \"X_Y\": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"]],
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
    ['negative', res({ limits: { cpu: '-1' } }), ['spec.containers[0].resources.limits.cpu: Invalid value: "-1": must be greater than or equal to 0']],
    ['request above limit', res({ limits: { cpu: '500m' }, requests: { cpu: '1' } }), ['spec.containers[0].resources.requests.cpu: Invalid value: "1": must be less than or equal to cpu limit of 500m']],
    ['unqualified name', res({ limits: { gpu: 1 } }), ['spec.containers[0].resources.limits.gpu: Invalid value: "gpu": must be a standard resource type or fully qualified']],
    ['not a container resource', res({ limits: { pods: 1 } }), ['spec.containers[0].resources.limits.pods: Invalid value: "pods": must be a standard resource for containers']],
    ['extended not integer', res({ limits: { 'example.com/gpu': '500m' } }), ['spec.containers[0].resources.limits["example.com/gpu"]: Invalid value: "500m": must be an integer']],
    ['extended request without limit', res({ requests: { 'example.com/gpu': 1 } }), ['spec.containers[0].resources.requests["example.com/gpu"]: Required value: Limit must be set for non overcommitable resources']],
    ['extended request unlike limit', res({ limits: { 'example.com/gpu': 2 }, requests: { 'example.com/gpu': 1 } }), ['spec.containers[0].resources.requests["example.com/gpu"]: Invalid value: "1": must be equal to example.com/gpu limit of 2']],
    ['hugepages alone', res({ limits: { 'hugepages-2Mi': '4Mi' } }), ['spec.containers[0].resources: Forbidden: HugePages require cpu or memory']],
    ['hugepages not a multiple', res({ limits: { 'hugepages-2Mi': '3Mi', memory: '1Gi' } }), ['spec.containers[0].resources.limits.hugepages-2Mi: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi']],
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
    ['four nameservers', spec('dnsConfig', { nameservers: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4'] }), ['spec.dnsConfig.nameservers: Invalid value: ["1.1.1.1","1.1.1.2","1.1.1.3","1.1.1.4"]: must not have more than 3 nameservers']],
    ['search not a subdomain', spec('dnsConfig', { searches: ['A_B'] }), ["spec.dnsConfig.searches[0]: Invalid value: \"A_B\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')"]],
    ['activeDeadlineSeconds 0', spec('activeDeadlineSeconds', 0), ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']],
    // validatePodHostNetworkDeps: reported at hostPort, regular containers only.
    ['hostNetwork with another hostPort', (p) => { p['spec'].hostNetwork = true; c0(p).ports[0].hostPort = 81; }, ['spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true']],
    // validatePodDNSConfig with RelaxedDNSSearchValidation off (alpha in 1.32): "." trims to "" and is refused.
    ['search "." (relaxed search validation is off in 1.32)', (p) => Object.assign(p['spec'], { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['.'] } }), ["spec.dnsConfig.searches[0]: Invalid value: \"\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')"]],
    ['dns option without a name', spec('dnsConfig', { options: [{ value: '2' }] }), ['spec.dnsConfig.options[0]: Required value: must not be empty']],
    ['preemptionPolicy', spec('preemptionPolicy', 'Sometimes'), ['spec.preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"']],
    ['runtimeClassName ""', spec('runtimeClassName', ''), ["spec.runtimeClassName: Invalid value: \"\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')"]],
    ['nodeName with schedulingGates', (p) => Object.assign(p['spec'], { nodeName: 'n1', schedulingGates: [{ name: 'example.com/gate' }] }), ['spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared']],
    ['init container hostPort with hostNetwork is not checked', (p) => { p['spec'].hostNetwork = true; p['spec'].initContainers = [{ name: 'i', image: 'busybox', ports: [{ containerPort: 80, hostPort: 81 }] }]; }, []],
    ['hostNetwork, hostPort defaulted', spec('hostNetwork', true), []],
    ['nodeSelector value', spec('nodeSelector', { disk: 'a b' }), ["spec.nodeSelector.disk: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')"]],
    ['hostname', spec('hostname', 'My_Host'), ["spec.hostname: Invalid value: \"My_Host\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')"]],
    ['shareProcessNamespace with hostPID', (p) => Object.assign(p['spec'], { hostPID: true, shareProcessNamespace: true }), ['spec.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled']],
    ['runAsUser range', spec('securityContext', { runAsUser: -1 }), ['spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive']],
    ['fsGroupChangePolicy', spec('securityContext', { fsGroupChangePolicy: 'Sometimes' }), ['spec.securityContext.fsGroupChangePolicy: Unsupported value: "Sometimes": supported values: "Always", "OnRootMismatch"']],
    ['sysctl name', spec('securityContext', { sysctls: [{ name: 'Net.X', value: '1' }] }), ['spec.securityContext.sysctls[0].name: Invalid value: "Net.X": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$']],
    ['sysctl twice', spec('securityContext', { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'kernel.shm_rmid_forced', value: '0' }] }), ['spec.securityContext.sysctls[1].name: Duplicate value: "kernel.shm_rmid_forced"']],
    ['seccomp Localhost without profile', spec('securityContext', { seccompProfile: { type: 'Localhost' } }), ['spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost']],
    ['seccomp type', spec('securityContext', { seccompProfile: { type: 'Custom' } }), ['spec.securityContext.seccompProfile.type: Unsupported value: "Custom": supported values: "Localhost", "RuntimeDefault", "Unconfined"']],
    ['readinessGates', spec('readinessGates', [{ conditionType: 'a/b/c' }]), ["spec.readinessGates[0].conditionType: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]],
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
    ['finalizer not qualified', (p) => (p['metadata'].finalizers = ['cleanup']), ['metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified']],
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
