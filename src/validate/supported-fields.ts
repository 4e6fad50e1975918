/**
 * The single list of Pod fields kubeplay carries out on Podman, and a finder for the fields of a
 * manifest that it does not.
 *
 * FIELDS below is the whole story: a field is carried out when its generic path (indexes written
 * `[]`) is listed as `yes`, `info` or a `when` whose test passes; anything else present in a Pod is
 * reported, with the reason from the nearest `no` entry when there is one. Listing a field as `yes`
 * covers everything under it (labels, command, ...). Null values and empty lists or maps ask for
 * nothing, so they are not reported.
 */
import type { JsonPath } from '../domain/types';

/** How kubeplay treats one field. */
type Treatment =
  /** Carried out: translate/pod.ts reads it and Podman does what Kubernetes would. */
  | { kind: 'yes' }
  /** Informational in Kubernetes (server-set or display-only); carrying it out means nothing. */
  | { kind: 'info'; why: string }
  /** Carried out only for the values the test accepts; other values are reported. */
  | { kind: 'when'; test: (value: unknown) => boolean; why: string }
  /** Not carried out; `why` explains it to the user. Listed for the reason only. */
  | { kind: 'no'; why: string };

type Field = readonly [path: string, treatment: Treatment];

const yes = (path: string): Field => [path, { kind: 'yes' }];
const info = (path: string, why: string): Field => [path, { kind: 'info', why }];
const when = (path: string, test: (value: unknown) => boolean, why: string): Field => [path, { kind: 'when', test, why }];
const no = (path: string, why: string): Field => [path, { kind: 'no', why }];

/** Keys written bare in a path; others are bracketed, as in kubectl's notation. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const isFalse = (v: unknown): boolean => v === false;
const isRuntimeDefault = (v: unknown): boolean => v === 'RuntimeDefault';

// Podman gives every container its default seccomp profile unless told otherwise, which is what
// RuntimeDefault asks for; kubeplay never asks otherwise, so other profiles are not carried out.
const SECCOMP_WHY = "only RuntimeDefault (Podman's default seccomp profile, always applied) is carried out";

/** The downward-API field paths translate/pod.ts resolves for env valueFrom.fieldRef. */
const SUPPORTED_FIELD_REF = /^(metadata\.name|metadata\.namespace|metadata\.(labels|annotations)\['.+'\])$/;

const NO_SCHEDULER = 'there is no scheduler and one host, so placement constraints have nothing to choose from';
const NO_SERVICE_ACCOUNTS = 'there are no ServiceAccounts or API server tokens to read from';
/** The downward-API field paths written into downwardAPI volume files. */
const SUPPORTED_VOLUME_FIELD_REF = /^(metadata\.(name|namespace|labels|annotations)|metadata\.(labels|annotations)\['.+'\])$/;
const VOLUME_FIELD_WHY = 'only metadata.name, metadata.namespace, metadata.labels and metadata.annotations are written; there is no node, pod IP or uid to report';

/** Fields of a container, relative to `spec.containers[]` (and, filtered, `spec.initContainers[]`). */
const CONTAINER_FIELDS: readonly Field[] = [
  yes('name'),
  yes('image'),
  yes('imagePullPolicy'),
  yes('command'),
  yes('args'),
  yes('workingDir'),
  yes('tty'),
  yes('stdin'),
  when('stdinOnce', isFalse, 'Podman keeps stdin open for the life of the container'),
  yes('env[].name'),
  yes('env[].value'),
  when(
    'env[].valueFrom.fieldRef.fieldPath',
    (v) => typeof v === 'string' && SUPPORTED_FIELD_REF.test(v),
    'only metadata.name, metadata.namespace and metadata.labels/annotations[...] are resolved; ' +
      'there is no node, pod IP or service account to report',
  ),
  info('env[].valueFrom.fieldRef.apiVersion', 'the API version of the field path; always v1'),
  // Read from the ConfigMaps and Secrets of the input and the store (translate/pod-sources.ts);
  // a Secret's values reach the container through Podman secrets, never its configuration.
  yes('env[].valueFrom.configMapKeyRef'),
  yes('env[].valueFrom.secretKeyRef'),
  no('env[].valueFrom', 'only fieldRef, configMapKeyRef and secretKeyRef are resolved'),
  no('env[].valueFrom.resourceFieldRef', 'resource values are not exposed as environment variables'),
  yes('envFrom[].prefix'),
  yes('envFrom[].configMapRef'),
  yes('envFrom[].secretRef'),
  yes('ports[].containerPort'),
  yes('ports[].name'),
  yes('ports[].protocol'),
  yes('ports[].hostPort'),
  yes('ports[].hostIP'),
  yes('volumeMounts[].name'),
  yes('volumeMounts[].mountPath'),
  yes('volumeMounts[].readOnly'),
  yes('volumeMounts[].subPath'),
  no('volumeMounts[]', 'mount propagation, subPathExpr and recursive read-only are not set on Podman mounts'),
  no('volumeDevices', 'raw block devices come from PersistentVolumes, which kubeplay does not make'),
  yes('resources.limits.cpu'),
  yes('resources.limits.memory'),
  no('resources.limits', 'only cpu and memory limits are set on the container'),
  no('resources.requests', 'requests are scheduling hints, and ' + NO_SCHEDULER),
  no('resources.claims', 'dynamic resource allocation needs a cluster'),
  no('resizePolicy', 'containers are recreated rather than resized in place'),
  yes('securityContext.runAsUser'),
  yes('securityContext.runAsGroup'),
  yes('securityContext.privileged'),
  yes('securityContext.capabilities.add'),
  yes('securityContext.capabilities.drop'),
  yes('securityContext.readOnlyRootFilesystem'),
  yes('securityContext.allowPrivilegeEscalation'),
  when('securityContext.seccompProfile.type', isRuntimeDefault, SECCOMP_WHY),
  no('securityContext', 'only runAsUser, runAsGroup, privileged, capabilities, readOnlyRootFilesystem and allowPrivilegeEscalation are set'),
  // Probes are run by kubeplay's prober (observe/probes/, docs/probes.md) whenever a command looks
  // at pods: httpGet, tcpSocket and grpc from the host to the pod's IP, exec through Podman's exec.
  yes('livenessProbe'),
  yes('readinessProbe'),
  yes('startupProbe'),
  no('lifecycle', 'postStart and preStop hooks are not run'),
  no('restartPolicy', "an app container's restart policy is the pod's restartPolicy (only an init container may set Always, as a native sidecar)"),
  no('restartPolicyRules', "per-container restart rules are not supported; the pod's restartPolicy applies"),
  info('terminationMessagePath', 'only changes where Kubernetes reads a message for `kubectl describe`'),
  info('terminationMessagePolicy', 'only changes where Kubernetes reads a message for `kubectl describe`'),
];

/** Container fields that mean nothing, or are not carried out, on an init container. */
const NOT_FOR_INIT_CONTAINERS = /^(ports\[\]\.(hostPort|hostIP)|restartPolicy$|startupProbe$)/;

/** FIELDS is every Pod field kubeplay knows about and how it treats it. */
const FIELDS: readonly Field[] = [
  info('apiVersion', 'checked by validation'),
  info('kind', 'checked by validation'),
  yes('metadata.name'),
  yes('metadata.namespace'),
  yes('metadata.labels'),
  yes('metadata.annotations'),
  info('metadata.uid', 'set by the API server'),
  info('metadata.resourceVersion', 'set by the API server'),
  info('metadata.generation', 'set by the API server'),
  info('metadata.creationTimestamp', 'set by the API server'),
  info('metadata.deletionTimestamp', 'set by the API server'),
  info('metadata.deletionGracePeriodSeconds', 'set by the API server'),
  info('metadata.managedFields', 'set by the API server'),
  info('metadata.selfLink', 'set by the API server'),
  no('metadata.generateName', 'Podman pods need a fixed name; set metadata.name'),
  no('metadata.ownerReferences', 'there is no garbage collector to delete the pod with its owner'),
  no('metadata.finalizers', 'there are no controllers to run finalizers'),
  info('status', 'set by the kubelet; kubeplay reads status from Podman'),

  ...CONTAINER_FIELDS.map(([p, t]): Field => [`spec.containers[].${p}`, t]),
  ...CONTAINER_FIELDS.filter(([p]) => !NOT_FOR_INIT_CONTAINERS.test(p)).map(
    ([p, t]): Field => [`spec.initContainers[].${p}`, t],
  ),
  no('spec.initContainers[].ports', 'an init container publishes no host ports'),
  // Always makes it a native sidecar (Kubernetes 1.29+), which kubeplay runs as Kubernetes does;
  // the API server allows no other value here, and a liveness probe only on a sidecar.
  yes('spec.initContainers[].restartPolicy'),
  // A sidecar's startupProbe holds back the containers after it until it succeeds (the API
  // server refuses one on a plain init container); gRPC probes are not run.
  yes('spec.initContainers[].startupProbe.exec'),
  yes('spec.initContainers[].startupProbe.httpGet'),
  yes('spec.initContainers[].startupProbe.tcpSocket'),
  yes('spec.initContainers[].startupProbe.initialDelaySeconds'),
  yes('spec.initContainers[].startupProbe.periodSeconds'),
  yes('spec.initContainers[].startupProbe.timeoutSeconds'),
  yes('spec.initContainers[].startupProbe.failureThreshold'),
  yes('spec.initContainers[].startupProbe.successThreshold'),
  no('spec.initContainers[].startupProbe', 'only exec, httpGet and tcpSocket startup probes are run'),
  no('spec.ephemeralContainers', 'ephemeral containers are added by `kubectl debug`, not declared'),

  yes('spec.volumes[].name'),
  when('spec.volumes[].emptyDir.medium', (v) => v === '' || v === 'Memory', 'HugePages emptyDir volumes are not made'),
  yes('spec.volumes[].emptyDir.sizeLimit'),
  yes('spec.volumes[].hostPath.path'),
  yes('spec.volumes[].hostPath.type'),
  yes('spec.volumes[].persistentVolumeClaim.claimName'),
  yes('spec.volumes[].persistentVolumeClaim.readOnly'),
  // Files written on the host in the kubelet's layout and bind-mounted read-only (translate/pod-sources.ts).
  yes('spec.volumes[].configMap'),
  yes('spec.volumes[].secret'),
  yes('spec.volumes[].downwardAPI.defaultMode'),
  yes('spec.volumes[].downwardAPI.items[].path'),
  yes('spec.volumes[].downwardAPI.items[].mode'),
  when('spec.volumes[].downwardAPI.items[].fieldRef.fieldPath', (v) => typeof v === 'string' && SUPPORTED_VOLUME_FIELD_REF.test(v), VOLUME_FIELD_WHY),
  info('spec.volumes[].downwardAPI.items[].fieldRef.apiVersion', 'the API version of the field path; always v1'),
  no('spec.volumes[].downwardAPI.items[].resourceFieldRef', 'resource values are not written into files'),
  yes('spec.volumes[].projected.defaultMode'),
  yes('spec.volumes[].projected.sources[].configMap'),
  yes('spec.volumes[].projected.sources[].secret'),
  yes('spec.volumes[].projected.sources[].downwardAPI.items[].path'),
  yes('spec.volumes[].projected.sources[].downwardAPI.items[].mode'),
  when('spec.volumes[].projected.sources[].downwardAPI.items[].fieldRef.fieldPath', (v) => typeof v === 'string' && SUPPORTED_VOLUME_FIELD_REF.test(v), VOLUME_FIELD_WHY),
  info('spec.volumes[].projected.sources[].downwardAPI.items[].fieldRef.apiVersion', 'the API version of the field path; always v1'),
  no('spec.volumes[].projected.sources[].downwardAPI.items[].resourceFieldRef', 'resource values are not written into files'),
  no('spec.volumes[].projected.sources[]', 'serviceAccountToken and clusterTrustBundle sources need an API server to issue them'),
  no('spec.volumes[]', 'only emptyDir, hostPath, persistentVolumeClaim (a named Podman volume), configMap, secret, downwardAPI and projected volumes are made'),

  yes('spec.restartPolicy'),
  yes('spec.terminationGracePeriodSeconds'),
  yes('spec.hostname'),
  no('spec.hostnameOverride', 'set spec.hostname instead'),
  yes('spec.securityContext.runAsUser'),
  yes('spec.securityContext.runAsGroup'),
  when('spec.securityContext.seccompProfile.type', isRuntimeDefault, SECCOMP_WHY),
  no('spec.securityContext', 'only runAsUser and runAsGroup are set from the pod security context'),

  yes('spec.hostNetwork'),
  when('spec.hostPID', isFalse, 'pods never share the host PID namespace'),
  when('spec.hostIPC', isFalse, 'pods never share the host IPC namespace'),
  when('spec.shareProcessNamespace', isFalse, 'containers of a pod do not share a PID namespace'),
  yes('spec.setHostnameAsFQDN'),
  when('spec.automountServiceAccountToken', isFalse, 'there is no API server token to mount'),
  yes('spec.enableServiceLinks'),
  no('spec.serviceAccountName', NO_SERVICE_ACCOUNTS),
  no('spec.serviceAccount', NO_SERVICE_ACCOUNTS),
  no('spec.imagePullSecrets', 'images are pulled with Podman\'s own credentials (podman login)'),
  yes('spec.dnsPolicy'),
  yes('spec.dnsConfig'),
  yes('spec.hostAliases'),
  yes('spec.subdomain'),
  no('spec.nodeName', NO_SCHEDULER),
  no('spec.nodeSelector', NO_SCHEDULER),
  no('spec.affinity', NO_SCHEDULER),
  no('spec.tolerations', NO_SCHEDULER),
  no('spec.topologySpreadConstraints', NO_SCHEDULER),
  // The API server's default names the one scheduler there is: nothing is asked (objects read back from an API carry it).
  when('spec.schedulerName', (v) => v === 'default-scheduler', NO_SCHEDULER),
  no('spec.schedulingGates', NO_SCHEDULER),
  no('spec.priorityClassName', NO_SCHEDULER),
  no('spec.priority', NO_SCHEDULER),
  no('spec.preemptionPolicy', NO_SCHEDULER),
  no('spec.readinessGates', 'there are no Services or endpoints that read pod readiness'),
  no('spec.runtimeClassName', "containers run with Podman's configured runtime"),
  no('spec.overhead', 'pod overhead is a scheduling input'),
  no('spec.os', NO_SCHEDULER),
  no('spec.activeDeadlineSeconds', 'there is no kubelet to stop the pod at a deadline'),
  no('spec.resourceClaims', 'dynamic resource allocation needs a cluster'),
  no('spec.resources', 'pod-level resources are not set on the Podman pod'),
  no('spec.hostUsers', 'user namespaces are not configured per pod'),
];

/** The `yes`/`info`/`when` treatments by generic path. */
const CARRIED: ReadonlyMap<string, Treatment> = new Map(FIELDS.filter(([, t]) => t.kind !== 'no'));
/** The reasons of the `no` and `when` entries by generic path. */
const REASONS: ReadonlyMap<string, string> = new Map(
  FIELDS.flatMap(([p, t]): Array<[string, string]> => (t.kind === 'no' || t.kind === 'when' ? [[p, t.why]] : [])),
);
/** Generic paths of objects and lists that hold carried-out fields: the walk goes into these. */
const CONTAINERS: ReadonlySet<string> = new Set([...CARRIED.keys()].flatMap(properPrefixes));

/** SUPPORTED_FIELDS lists the generic paths kubeplay carries out (including informational ones), in table order. */
export const SUPPORTED_FIELDS: readonly string[] = [...CARRIED.keys()];

/**
 * unsupportedFields returns the path (with indexes) of every field of a Pod that kubeplay does not
 * carry out, in document order: `[['spec', 'containers', 0, 'readinessProbe'], ...]`.
 */
export function unsupportedFields(pod: object): Array<(string | number)[]> {
  const out: Array<(string | number)[]> = [];
  walk(pod, [], [], out);
  return out;
}

function walk(value: unknown, path: (string | number)[], generic: string[], out: Array<(string | number)[]>): void {
  if (value === null || value === undefined) return; // null is "not set" in Kubernetes
  const key = formatGeneric(generic);
  const treatment = CARRIED.get(key);
  if (treatment) {
    if (treatment.kind === 'when' && !treatment.test(value)) out.push(path);
    return;
  }
  if (!CONTAINERS.has(key)) {
    if (!asksForNothing(value, generic)) out.push(path);
    return;
  }
  if (typeof value !== 'object') return; // a scalar where an object belongs is the schema's to report
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, [...path, i], [...generic, '[]'], out));
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, [...path, k], [...generic, k], out);
}

/**
 * An empty list or map asks for nothing (`tolerations: []`, `nodeSelector: {}`), except an empty
 * volume source: `configMap: {}` still makes the volume a config map.
 */
function asksForNothing(value: unknown, generic: readonly string[]): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value !== 'object' || value === null || Object.keys(value).length > 0) return false;
  return formatGeneric(generic.slice(0, -1)) !== 'spec.volumes[]';
}

/**
 * genericPath writes a path with its indexes as `[]`, so that callers can warn once per field:
 * `['spec', 'containers', 1, 'readinessProbe']` → `spec.containers[].readinessProbe`. Keys that are
 * not identifiers are bracketed as in kubectl's notation (`limits["nvidia.com/gpu"]`).
 */
export function genericPath(path: JsonPath): string {
  return formatGeneric(path.map((p) => (typeof p === 'number' ? '[]' : p)));
}

/**
 * unsupportedReason explains why a field (a concrete or generic path) is not carried out, from the
 * nearest entry of the table, or returns undefined when the table gives no reason.
 */
export function unsupportedReason(path: JsonPath | string): string | undefined {
  const segments = typeof path === 'string' ? parseGeneric(path) : path.map((p) => (typeof p === 'number' ? '[]' : p));
  for (let n = segments.length; n > 0; n--) {
    const why = REASONS.get(formatGeneric(segments.slice(0, n)));
    if (why !== undefined) return why;
  }
  return undefined;
}

function formatGeneric(segments: readonly string[]): string {
  let out = '';
  for (const s of segments) {
    if (s === '[]') out += '[]';
    else if (IDENTIFIER.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** parseGeneric splits a generic path into segments: `a.b[]["x.y"]` → `a`, `b`, `[]`, `x.y`. */
function parseGeneric(generic: string): string[] {
  const tokens = generic.match(/\[\]|\["(?:[^"\\]|\\.)*"\]|[^.[\]]+/g) ?? [];
  return tokens.map((t) => (t.startsWith('["') ? (JSON.parse(t.slice(1, -1)) as string) : t));
}

/** The generic paths of the objects and lists that hold a field, root included: `a.b[].c` → ``, `a`, `a.b`, `a.b[]`. */
function properPrefixes(generic: string): string[] {
  const segments = parseGeneric(generic);
  return segments.map((_, i) => formatGeneric(segments.slice(0, i)));
}
