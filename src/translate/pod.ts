/**
 * toDesiredPod: a validated Pod manifest as the Podman pod and containers that carry it out.
 *
 * Pure: no I/O, no clock, no host name. Facts follow podman's kube play (pkg/specgen/generate/kube,
 * ToPodOpt and ToSpecGen) and the kubelet where kube play differs from Kubernetes. Fields that
 * kubeplay does not carry out are listed in validate/supported-fields.ts and are simply not read here.
 */
import type { PodNetworkContext } from '../domain/network';
import { podNetwork } from './pod-network';
import { posix } from 'node:path';
import { podmanPodName } from '../domain/pod-names';
import type {
  V1Container,
  V1PodSecurityContext,
  V1SecurityContext,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import {
  LABEL_CONTAINER,
  LABEL_FILES,
  LABEL_KIND,
  LABEL_LAST_APPLIED,
  LABEL_MANAGED_BY,
  LABEL_NAMESPACE,
  LABEL_POD,
  LABEL_SECRETS,
  MANAGED_BY_VALUE,
} from '../domain/labels';
import type {
  DesiredContainer,
  DesiredMount,
  DesiredPod,
  DesiredSecret,
  DesiredVolume,
  PortMapping,
  PodManifest,
} from '../domain/types';
import { toHealthcheck } from './probe';
import { expandReferences, isProjectedSource, NO_SOURCES, projectedFiles, resolveEnv, splitSecretEnv, type PodFields, type PodSources, type Warn } from './pod-sources';
import { parseQuantity } from './quantity';

/** Kubernetes' default terminationGracePeriodSeconds. */
const DEFAULT_GRACE_SECONDS = 30;
/** CFS period Podman and the kubelet use for CPU limits, in microseconds. */
const CPU_PERIOD_US = 100_000;
/** The kernel rejects a CFS quota under 1 ms; the kubelet raises smaller ones to it too. */
const MIN_CPU_QUOTA_US = 1_000;
/** Linux host names are at most 63 bytes; the kubelet truncates pod names to fit. */
const MAX_HOSTNAME_LENGTH = 63;

/** Where a pod's configMap/secret/projected volume files go when the caller does not say (rootful's state directory). */
export const DEFAULT_FILES_ROOT = '/var/lib/kubeplay/pods';

/** TranslateOptions are what a translation reads beyond the manifest. */
export interface TranslateOptions {
  /** The ConfigMaps and Secrets the pod may read (the input's and the store's). */
  sources?: PodSources;
  /** The directory under which each pod's volume files go: `<filesRoot>/<podman pod>/volumes/<volume>`. */
  filesRoot?: string;
  /** Told what the kubelet would record as a Warning event (a skipped envFrom key). */
  warn?: Warn;
  /** kubeplay's network (docs/networking.md): without it, the pod is left on Podman's default network. */
  network?: PodNetworkContext;
}

/** podFilesDir is the host directory of a pod's configMap/secret/projected volumes. */
export function podFilesDir(filesRoot: string, podmanPod: string): string {
  return posix.join(filesRoot, podmanPod);
}

/** toDesiredPod translates one validated Pod manifest into the pod kubeplay asks Podman for. */
export function toDesiredPod(m: PodManifest, opts: TranslateOptions = {}): DesiredPod {
  const pod = m.object;
  const meta = pod.metadata ?? {};
  const spec = pod.spec;
  // Podman's pod name carries the namespace (domain/pod-names.ts); the hostname is the pod's own name.
  const name = podmanPodName(m.ref.namespace, meta.name ?? m.ref.name);
  const userLabels = meta.labels ?? {};

  const labels: Record<string, string> = {
    ...userLabels,
    [LABEL_MANAGED_BY]: MANAGED_BY_VALUE,
    [LABEL_KIND]: 'Pod',
    [LABEL_NAMESPACE]: m.ref.namespace,
    [LABEL_LAST_APPLIED]: JSON.stringify(m.original ?? pod),
  };

  const sources = opts.sources ?? NO_SOURCES;
  const filesDir = podFilesDir(opts.filesRoot ?? DEFAULT_FILES_ROOT, name);
  const fields: PodFields = { name: meta.name ?? m.ref.name, namespace: m.ref.namespace, labels: userLabels, annotations: meta.annotations ?? {} };
  const volumes = (spec?.volumes ?? []).flatMap((v) => toDesiredVolume(name, m.ref.namespace, v, { sources, fields, filesDir }));
  if (volumes.some((v) => v.kind === 'projected')) labels[LABEL_FILES] = filesDir;
  const ctx: ContainerContext = {
    podName: name,
    name: meta.name ?? m.ref.name,
    namespace: m.ref.namespace,
    userLabels,
    annotations: meta.annotations ?? {},
    volumes: new Map(volumes.map((v) => [v.name, v])),
    restartPolicy: toRestartPolicy(spec?.restartPolicy),
    stopTimeoutSeconds: spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS,
    podSecurity: spec?.securityContext ?? {},
    sources,
    secrets: [],
    warn: opts.warn ?? (() => undefined),
  };

  const initContainers = (spec?.initContainers ?? []).map((c, i) => toDesiredContainer(c, ctx, true, ['spec', 'initContainers', i]));
  const containers = (spec?.containers ?? []).map((c, i) => toDesiredContainer(c, ctx, false, ['spec', 'containers', i]));
  const out: DesiredPod = {
    ref: m.ref,
    name,
    hostname: spec?.hostname ?? podHostname(meta.name ?? m.ref.name),
    labels,
    // A pod on the host's network publishes nothing: its ports are the host's.
    ports: spec?.hostNetwork === true ? [] : (spec?.containers ?? []).flatMap(toPortMappings),
    volumes,
    initContainers,
    containers,
  };
  if (opts.network !== undefined) {
    const net = podNetwork(pod, m.ref.namespace, opts.network);
    out.network = net.network;
    out.hostname = net.hostname;
    if (Object.keys(net.serviceEnv).length > 0) {
      for (const c of [...initContainers, ...containers]) c.serviceEnv = { ...net.serviceEnv };
    }
  }
  if (ctx.secrets.length > 0) {
    out.secrets = ctx.secrets;
    labels[LABEL_SECRETS] = ctx.secrets.map((s) => s.name).join(',');
  }
  return out;
}

/** What every container of a pod takes from the pod. */
interface ContainerContext {
  /** The Podman pod's name (containers are named after it). */
  podName: string;
  /** The pod's Kubernetes name (metadata.name). */
  name: string;
  namespace: string;
  userLabels: Record<string, string>;
  annotations: Record<string, string>;
  volumes: ReadonlyMap<string, DesiredVolume>;
  restartPolicy: DesiredContainer['restartPolicy'];
  stopTimeoutSeconds: number;
  podSecurity: V1PodSecurityContext;
  sources: PodSources;
  /** The Podman secrets the containers' Secret-fed variables need, gathered as containers are translated. */
  secrets: DesiredSecret[];
  warn: Warn;
}

function toDesiredContainer(c: V1Container, ctx: ContainerContext, isInit: boolean, at: ReadonlyArray<string | number>): DesiredContainer {
  // Kubernetes 1.29+: an init container with restartPolicy Always is a native sidecar.
  const sidecar = isInit && c.restartPolicy === 'Always';
  const resolved = resolveEnv(c, ctx.namespace, ctx.sources, (path) => fieldRefValue(path, ctx), ctx.warn, at);
  const split = splitSecretEnv(resolved.vars, resolved.fromSecret, ctx.podName, c.name);
  const env = split.env;
  // command and args are expanded against every variable, as the kubelet does; one fed by a
  // Secret then shows in the command line (podman inspect, ps), as it does on a node.
  const expand = (s: string): string =>
    expandReferences(s, resolved.vars, (v) => {
      if (resolved.fromSecret.has(v)) ctx.warn(at, `container ${c.name}: command or args expand $(${v}), whose value comes from a Secret: the expanded value is visible in the container's command line (podman inspect, ps); read the variable in the process instead`);
    });
  const out: DesiredContainer = {
    // podman kube play's naming, so that `podman ps` reads the same for both tools.
    name: `${ctx.podName}-${c.name}`,
    manifestName: c.name,
    image: c.image ?? '',
    pullPolicy: toPullPolicy(c.imagePullPolicy, c.image ?? ''),
    env,
    ...(split.secrets.length > 0 ? { secretEnv: split.secretEnv } : {}),
    tty: c.tty ?? false,
    stdin: c.stdin ?? false,
    mounts: (c.volumeMounts ?? []).flatMap((vm) => toDesiredMount(vm, ctx.volumes)),
    labels: {
      ...ctx.userLabels,
      [LABEL_MANAGED_BY]: MANAGED_BY_VALUE,
      [LABEL_POD]: ctx.podName,
      [LABEL_CONTAINER]: c.name,
    },
    annotations: { ...ctx.annotations },
    // An init container runs once to completion before the app containers (kubeplay restarts a
    // failed one itself when the pod's policy says so); a native sidecar is restarted whenever it exits.
    restartPolicy: isInit ? (sidecar ? 'always' : 'no') : ctx.restartPolicy,
    stopTimeoutSeconds: ctx.stopTimeoutSeconds,
    ...toSecurity(c.securityContext ?? {}, ctx.podSecurity),
  };
  if (isInit) out.initKind = sidecar ? 'sidecar' : 'once';
  // An empty command or args list means "the image's", as in Kubernetes.
  if (c.command && c.command.length > 0) out.entrypoint = c.command.map(expand);
  if (c.args && c.args.length > 0) out.command = c.args.map(expand);
  ctx.secrets.push(...split.secrets);
  if (c.workingDir) out.workingDir = c.workingDir;
  Object.assign(out, toLimits(c));
  if (c.startupProbe && sidecar) {
    const probe = toHealthcheck(c.startupProbe, c.ports ?? []);
    if (probe) out.startupProbe = probe;
  }
  if (c.livenessProbe && (!isInit || sidecar)) {
    const hc = toHealthcheck(c.livenessProbe, c.ports ?? []);
    if (hc) out.healthcheck = hc;
  }
  const probes: Record<string, unknown> = {};
  if (c.readinessProbe && (!isInit || sidecar)) probes['readiness'] = c.readinessProbe;
  if (c.startupProbe && !isInit) probes['startup'] = c.startupProbe;
  if (c.livenessProbe?.grpc && (!isInit || sidecar)) probes['liveness'] = c.livenessProbe;
  if (Object.keys(probes).length > 0) out.probes = probes;
  return out;
}

/**
 * defaultPullPolicy is Kubernetes' imagePullPolicy for an image that gives none: Always for the
 * `latest` tag or no tag at all (unless pinned by digest), IfNotPresent otherwise.
 */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon === -1 ? '' : lastSegment.slice(colon + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function toPullPolicy(given: string | undefined, image: string): DesiredContainer['pullPolicy'] {
  if (given === 'Always' || given === 'IfNotPresent' || given === 'Never') return given;
  return defaultPullPolicy(image);
}

const SUBSCRIPTED_FIELD = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** fieldRefValue reads a downward-API field path from the pod; undefined for paths kubeplay does not carry out. */
function fieldRefValue(fieldPath: string, ctx: ContainerContext): string | undefined {
  if (fieldPath === 'metadata.name') return ctx.name;
  if (fieldPath === 'metadata.namespace') return ctx.namespace;
  const m = SUBSCRIPTED_FIELD.exec(fieldPath);
  if (!m) return undefined;
  const [, map, key = ''] = m;
  const source = map === 'labels' ? ctx.userLabels : ctx.annotations;
  // A missing key gives the empty string, as in Kubernetes.
  return source[key] ?? '';
}

export { expandReferences } from './pod-sources';

/** Ports with a hostPort are published by the pod; the others are reachable inside it anyway. */
function toPortMappings(c: V1Container): PortMapping[] {
  return (c.ports ?? [])
    .filter((p) => p.hostPort !== undefined && p.hostPort !== 0)
    .map((p) => ({
      hostIP: p.hostIP ?? '',
      hostPort: p.hostPort ?? 0,
      containerPort: p.containerPort,
      protocol: (p.protocol ?? 'TCP').toLowerCase() as PortMapping['protocol'],
    }));
}

/** What a configMap, secret, downwardAPI or projected volume's files are made of. */
interface FileSources {
  sources: PodSources;
  fields: PodFields;
  /** The pod's files directory; each such volume is a directory in it. */
  filesDir: string;
}

function toDesiredVolume(podName: string, namespace: string, v: V1Volume, files: FileSources): DesiredVolume[] {
  if (isProjectedSource(v)) {
    return [{ kind: 'projected', name: v.name, dir: posix.join(files.filesDir, 'volumes', v.name), files: projectedFiles(v, namespace, files.sources, files.fields) }];
  }
  if (v.emptyDir) {
    const vol: DesiredVolume = {
      kind: 'emptyDir',
      name: v.name,
      // Pod names are DNS subdomains and volume names DNS labels, so neither contains `_`; a Podman
      // pod name has one `_` only when it carries its namespace (`shop_web`), so `shop_web_data` is unique too.
      podmanVolume: `${podName}_${v.name}`,
      medium: v.emptyDir.medium === 'Memory' ? 'Memory' : '',
    };
    // YAML may give a bare number; the engine wants the quantity as text.
    const sizeLimit = v.emptyDir.sizeLimit as string | number | undefined;
    if (sizeLimit !== undefined) vol.sizeLimit = String(sizeLimit);
    return [vol];
  }
  if (v.hostPath) return [{ kind: 'hostPath', name: v.name, path: v.hostPath.path, type: v.hostPath.type ?? '' }];
  if (v.persistentVolumeClaim) {
    const pvc = v.persistentVolumeClaim;
    // A claim belongs to its namespace: `data` in default, `shop_data` in shop (domain/pod-names.ts's rule).
    return [{ kind: 'pvc', name: v.name, podmanVolume: podmanPodName(namespace, pvc.claimName), readOnly: pvc.readOnly ?? false }];
  }
  return []; // Other kinds are reported by supported-fields; mounts of them are dropped below.
}

/** A mount names the Podman volume (not the manifest's volume name), ready for the engine. */
function toDesiredMount(vm: V1VolumeMount, volumes: ReadonlyMap<string, DesiredVolume>): DesiredMount[] {
  const vol = volumes.get(vm.name);
  if (!vol) return [];
  const readOnly = vm.readOnly ?? false;
  if (vol.kind === 'projected') {
    // The kubelet mounts configMap, secret and projected volumes read-only.
    return [{ kind: 'bind', source: vm.subPath ? posix.join(vol.dir, vm.subPath) : vol.dir, destination: vm.mountPath, readOnly: true }];
  }
  if (vol.kind === 'hostPath') {
    if (!vm.subPath) return [{ kind: 'bind', source: vol.path, destination: vm.mountPath, readOnly }];
    return [{ kind: 'bind', source: posix.join(vol.path, vm.subPath), destination: vm.mountPath, readOnly, within: vol.path }];
  }
  const mount: DesiredMount = {
    kind: 'volume',
    volume: vol.podmanVolume,
    destination: vm.mountPath,
    // A claim mounted read-only in the pod is read-only in every container, as in Kubernetes.
    readOnly: readOnly || (vol.kind === 'pvc' && vol.readOnly),
  };
  if (vm.subPath) mount.subPath = vm.subPath;
  return [mount];
}

function toRestartPolicy(policy: string | undefined): DesiredContainer['restartPolicy'] {
  switch (policy) {
    case 'OnFailure':
      return 'on-failure';
    case 'Never':
      return 'no';
    default:
      return 'always';
  }
}

type Limits = Pick<DesiredContainer, 'memoryLimitBytes' | 'cpuQuota' | 'cpuPeriod'>;

function toLimits(c: V1Container): Limits {
  const out: Limits = {};
  const limits = (c.resources?.limits ?? {}) as Record<string, string | number | undefined>;
  const memory = limits['memory'];
  if (memory !== undefined) {
    // Kubernetes rounds a fractional byte count up.
    const bytes = Math.ceil(parseQuantity(memory));
    if (bytes > 0) out.memoryLimitBytes = bytes;
  }
  const cpu = limits['cpu'];
  if (cpu !== undefined) {
    const cores = parseQuantity(cpu);
    if (cores > 0) {
      out.cpuPeriod = CPU_PERIOD_US;
      out.cpuQuota = Math.max(MIN_CPU_QUOTA_US, Math.round(cores * CPU_PERIOD_US));
    }
  }
  return out;
}

type Security = Pick<
  DesiredContainer,
  'user' | 'privileged' | 'capAdd' | 'capDrop' | 'readOnlyRootFilesystem' | 'noNewPrivileges'
>;

function toSecurity(sc: V1SecurityContext, podSc: V1PodSecurityContext): Security {
  const out: Security = {
    privileged: sc.privileged ?? false,
    capAdd: (sc.capabilities?.add ?? []).map(toCapability),
    capDrop: (sc.capabilities?.drop ?? []).map(toCapability),
    readOnlyRootFilesystem: sc.readOnlyRootFilesystem ?? false,
    noNewPrivileges: sc.allowPrivilegeEscalation === false,
  };
  const uid = sc.runAsUser ?? podSc.runAsUser;
  const gid = sc.runAsGroup ?? podSc.runAsGroup;
  // A group without a user runs as root in that group, as podman kube play does: the translator
  // cannot see the image's USER to keep it.
  if (gid !== undefined) out.user = `${uid ?? 0}:${gid}`;
  else if (uid !== undefined) out.user = String(uid);
  return out;
}

/** Kubernetes writes capabilities as `NET_ADMIN`; Podman wants `CAP_NET_ADMIN` (and `ALL` as is). */
function toCapability(cap: string): string {
  const upper = cap.toUpperCase();
  return upper === 'ALL' || upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

/** The kubelet's pod host name: the pod name cut to 63 bytes, without a trailing `-` or `.`. */
function podHostname(name: string): string {
  if (name.length <= MAX_HOSTNAME_LENGTH) return name;
  return name.slice(0, MAX_HOSTNAME_LENGTH).replace(/[-.]+$/, '');
}
