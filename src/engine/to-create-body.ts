/**
 * Pure translators from kubeplay's desired pod to the JSON bodies of Podman's libpod REST API
 * (Podman 4.3: PodSpecGenerator for POST /libpod/pods/create, SpecGenerator for
 * POST /libpod/containers/create, VolumeCreateOptions for POST /libpod/volumes/create).
 *
 * No I/O here: whatever needs the engine (a named volume's mountpoint for subPath) is resolved by
 * the adapter and passed in.
 */
import path from 'node:path';
import { InternalError } from '../domain/errors';
import type { DesiredContainer, DesiredMount, DesiredPod } from '../domain/types';

/** PodPortMapping is a libpod port mapping (nettypes.PortMapping). */
export interface PodPortMapping {
  host_ip?: string;
  host_port: number;
  container_port: number;
  protocol: string;
}

/** PodCreateBody is the subset of libpod's PodSpecGenerator kubeplay sends. */
export interface PodCreateBody {
  name: string;
  hostname?: string;
  labels?: Record<string, string>;
  portmappings?: PodPortMapping[];
  shared_namespaces: string[];
  /** `bridge` on a named network, or `host` (hostNetwork). */
  netns?: { nsmode: 'bridge' | 'host' };
  /** The networks joined, each with a static address when one is asked (Podman 4.3 reads the key capitalised). */
  Networks?: Record<string, { static_ips?: string[]; aliases?: string[] }>;
  dns_server?: string[];
  dns_search?: string[];
  dns_option?: string[];
  /** /etc/hosts entries, `name:ip`. */
  hostadd?: string[];
  sysctl?: Record<string, string>;
}

/** NetworkCreateBody is libpod's types.Network for POST /libpod/networks/create. */
export interface NetworkCreateBody {
  name: string;
  driver: 'bridge';
  subnets: Array<{ subnet: string; lease_range: { start_ip: string; end_ip: string } }>;
  dns_enabled: boolean;
  labels: Record<string, string>;
}

/** OciMount is an OCI runtime-spec mount, as libpod's SpecGenerator takes bind mounts. */
export interface OciMount {
  destination: string;
  type: 'bind';
  source: string;
  options: string[];
}

/** NamedVolumeMount is libpod's specgen.NamedVolume (its JSON keys are capitalised: no tags). */
export interface NamedVolumeMount {
  Name: string;
  Dest: string;
  Options: string[];
}

/** HealthConfig is libpod's healthcheck (manifest.Schema2HealthConfig); durations in nanoseconds. */
export interface HealthConfig {
  Test: string[];
  Interval: number;
  Timeout: number;
  StartPeriod: number;
  Retries: number;
}

/** ContainerCreateBody is the subset of libpod's SpecGenerator kubeplay sends. */
export interface ContainerCreateBody {
  name: string;
  pod: string;
  /** The image; absent for a container whose root is a host directory (`rootfs`). */
  image?: string;
  /** A host directory as the container's root, mounted as an overlay: writes stay in the container. */
  rootfs?: string;
  rootfs_overlay?: boolean;
  entrypoint?: string[];
  command?: string[];
  env?: Record<string, string>;
  /**
   * Variables Podman sets from secrets at each start (variable -> secret name; specgen
   * `EnvSecrets`, JSON `secret_env`): the values stay out of the create request and of the
   * container's stored config. Podman 4.3.1 still shows them in `podman inspect` once the
   * container has started (docs/security.md, "Secrets").
   */
  secret_env?: Record<string, string>;
  work_dir?: string;
  terminal?: boolean;
  stdin?: boolean;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  mounts?: OciMount[];
  volumes?: NamedVolumeMount[];
  restart_policy: string;
  stop_timeout: number;
  resource_limits?: { memory?: { limit: number }; cpu?: { quota?: number; period?: number } };
  user?: string;
  privileged?: boolean;
  cap_add?: string[];
  cap_drop?: string[];
  read_only_filesystem?: boolean;
  no_new_privileges?: boolean;
  healthconfig?: HealthConfig;
}

/** VolumeCreateBody is libpod's VolumeCreateOptions (capitalised keys: no JSON tags in 4.3). */
export interface VolumeCreateBody {
  Name: string;
  Label: Record<string, string>;
  Options?: Record<string, string>;
}

/** VolumeCreateOptions says what kind of Podman volume to make for a pod volume. */
export interface VolumeCreateOptions {
  /** Memory-backed (an emptyDir with `medium: Memory`); otherwise a plain directory. */
  tmpfs?: boolean;
  /** Kubernetes quantity (`64Mi`, `1G`); caps the tmpfs size. Ignored for a plain directory. */
  sizeLimit?: string;
}

/** ContainerBodyContext carries what the adapter looked up for the container's mounts. */
export interface ContainerBodyContext {
  /**
   * Host mountpoint of each named volume mounted with a subPath. Podman 4.3's NamedVolume has
   * no subpath field (it silently mounts the whole volume), so such a mount becomes a bind mount
   * of `<mountpoint>/<subPath>` instead.
   */
  volumeMountpoints?: Readonly<Record<string, string>>;
}

// Kubernetes shares the network, IPC and UTS namespaces among a pod's containers, but not PID.
const K8S_SHARED_NAMESPACES = ['net', 'ipc', 'uts'];

const NANOS_PER_SECOND = 1_000_000_000;

/** toPodCreateBody maps a desired pod to libpod's PodSpecGenerator JSON. */
export function toPodCreateBody(pod: DesiredPod): PodCreateBody {
  const body: PodCreateBody = { name: pod.name, shared_namespaces: [...K8S_SHARED_NAMESPACES] };
  if (pod.hostname !== '') body.hostname = pod.hostname;
  if (Object.keys(pod.labels).length > 0) body.labels = { ...pod.labels };
  const net = pod.network;
  if (net !== undefined) {
    if (net.hostNetwork === true) body.netns = { nsmode: 'host' };
    else if (net.network !== undefined) {
      body.netns = { nsmode: 'bridge' };
      body.Networks = { [net.network]: net.staticIP !== undefined ? { static_ips: [net.staticIP] } : {} };
    }
    if (net.dns !== undefined) {
      if (net.dns.servers.length > 0) body.dns_server = [...net.dns.servers];
      if (net.dns.searches.length > 0) body.dns_search = [...net.dns.searches];
      if (net.dns.options.length > 0) body.dns_option = [...net.dns.options];
    }
    const hosts = (net.hosts ?? []).flatMap((h) => h.names.map((n) => `${n}:${h.ip}`));
    if (hosts.length > 0) body.hostadd = hosts;
    if (net.sysctls !== undefined && Object.keys(net.sysctls).length > 0) body.sysctl = { ...net.sysctls };
  }
  if (pod.ports.length > 0) {
    body.portmappings = pod.ports.map((p) => {
      const m: PodPortMapping = { host_port: p.hostPort, container_port: p.containerPort, protocol: p.protocol };
      if (p.hostIP !== '') m.host_ip = p.hostIP;
      return m;
    });
  }
  return body;
}

/** toNetworkCreateBody maps a network kubeplay makes to libpod's network JSON. */
export function toNetworkCreateBody(spec: { name: string; subnet: string; leaseStart: string; leaseEnd: string; labels: Record<string, string> }): NetworkCreateBody {
  return {
    name: spec.name,
    driver: 'bridge',
    subnets: [{ subnet: spec.subnet, lease_range: { start_ip: spec.leaseStart, end_ip: spec.leaseEnd } }],
    dns_enabled: true,
    labels: { ...spec.labels },
  };
}

/**
 * toContainerCreateBody maps one container of a pod to libpod's SpecGenerator JSON.
 *
 * Command semantics follow Kubernetes: `entrypoint` (K8s `command`) replaces the image
 * ENTRYPOINT, and then the image CMD is not appended (libpod only falls back to the image CMD
 * when no entrypoint is given); `command` (K8s `args`) replaces the image CMD. An empty list
 * counts as absent, as in Kubernetes.
 */
export function toContainerCreateBody(
  pod: DesiredPod,
  c: DesiredContainer,
  ctx: ContainerBodyContext = {},
): ContainerCreateBody {
  const body: ContainerCreateBody = {
    name: c.name,
    pod: pod.name,
    restart_policy: c.restartPolicy,
    stop_timeout: Math.max(0, Math.trunc(c.stopTimeoutSeconds)),
  };
  if (c.rootfs !== undefined) {
    body.rootfs = c.rootfs;
    body.rootfs_overlay = true;
  } else body.image = c.image;
  if (c.entrypoint !== undefined && c.entrypoint.length > 0) body.entrypoint = [...c.entrypoint];
  if (c.command !== undefined && c.command.length > 0) body.command = [...c.command];
  // The container's own variables win over the Service variables, a Secret-fed one included.
  const env: Record<string, string> = { ...(c.serviceEnv ?? {}), ...c.env };
  for (const k of Object.keys(c.secretEnv ?? {})) delete env[k];
  if (Object.keys(env).length > 0) body.env = env;
  if (c.secretEnv !== undefined && Object.keys(c.secretEnv).length > 0) body.secret_env = { ...c.secretEnv };
  if (c.workingDir !== undefined && c.workingDir !== '') body.work_dir = c.workingDir;
  if (c.tty) body.terminal = true;
  if (c.stdin) body.stdin = true;
  if (Object.keys(c.labels).length > 0) body.labels = { ...c.labels };
  if (Object.keys(c.annotations).length > 0) body.annotations = { ...c.annotations };

  const { mounts, volumes } = toMounts(c.mounts, ctx);
  if (mounts.length > 0) body.mounts = mounts;
  if (volumes.length > 0) body.volumes = volumes;

  const limits: NonNullable<ContainerCreateBody['resource_limits']> = {};
  if (c.memoryLimitBytes !== undefined) limits.memory = { limit: c.memoryLimitBytes };
  if (c.cpuQuota !== undefined || c.cpuPeriod !== undefined) {
    const cpu: { quota?: number; period?: number } = {};
    if (c.cpuQuota !== undefined) cpu.quota = c.cpuQuota;
    if (c.cpuPeriod !== undefined) cpu.period = c.cpuPeriod;
    limits.cpu = cpu;
  }
  if (limits.memory !== undefined || limits.cpu !== undefined) body.resource_limits = limits;

  if (c.user !== undefined && c.user !== '') body.user = c.user;
  if (c.privileged) body.privileged = true;
  if (c.capAdd.length > 0) body.cap_add = [...c.capAdd];
  if (c.capDrop.length > 0) body.cap_drop = [...c.capDrop];
  if (c.readOnlyRootFilesystem) body.read_only_filesystem = true;
  if (c.noNewPrivileges) body.no_new_privileges = true;
  if (c.healthcheck !== undefined) {
    const h = c.healthcheck;
    body.healthconfig = {
      Test: [...h.test],
      Interval: h.intervalSeconds * NANOS_PER_SECOND,
      Timeout: h.timeoutSeconds * NANOS_PER_SECOND,
      StartPeriod: h.startPeriodSeconds * NANOS_PER_SECOND,
      Retries: h.retries,
    };
  }
  return body;
}

/** toVolumeCreateBody maps a pod volume to libpod's VolumeCreateOptions JSON. */
export function toVolumeCreateBody(
  name: string,
  labels: Record<string, string>,
  opts: VolumeCreateOptions = {},
): VolumeCreateBody {
  const body: VolumeCreateBody = { Name: name, Label: { ...labels } };
  if (opts.tmpfs === true) {
    // The local driver mounts `device` with `type` and the `o` options when a container uses it.
    const options: Record<string, string> = { type: 'tmpfs', device: 'tmpfs' };
    if (opts.sizeLimit !== undefined && opts.sizeLimit !== '') {
      options.o = `size=${quantityToBytes(opts.sizeLimit)}`;
    }
    body.Options = options;
  }
  return body;
}

/** subPathsOf lists the named volumes a container mounts with a subPath (the adapter resolves them). */
export function subPathsOf(c: DesiredContainer): string[] {
  const names = c.mounts.flatMap((m) => (m.kind === 'volume' && hasSubPath(m) ? [m.volume] : []));
  return [...new Set(names)].sort();
}

/** subPathSource is the host directory a volume mount with a subPath binds, given the volume's mountpoint. */
export function subPathSource(mountpoint: string, subPath: string): string {
  const normalized = path.posix.normalize(subPath);
  // Kubernetes rejects these too; checking here keeps a bad value from escaping the volume.
  if (path.posix.isAbsolute(normalized) || normalized === '..' || normalized.startsWith('../')) {
    throw new RangeError(`subPath ${JSON.stringify(subPath)} leaves the volume; use a relative path inside it`);
  }
  return path.posix.join(mountpoint, normalized);
}

const QUANTITY_SUFFIX: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** quantityToBytes converts a Kubernetes quantity (`64Mi`, `1G`, `1e6`, `500`) to whole bytes. */
export function quantityToBytes(quantity: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?(?:[eE][0-9]+)?)([a-zA-Z]*)$/.exec(quantity.trim());
  const factor = m === null ? undefined : QUANTITY_SUFFIX[m[2] ?? ''];
  if (m === null || factor === undefined) {
    throw new RangeError(`${JSON.stringify(quantity)} is not a Kubernetes quantity; write it like 64Mi or 1G`);
  }
  return Math.ceil(Number(m[1]) * factor);
}

function hasSubPath(m: DesiredMount): m is Extract<DesiredMount, { kind: 'volume' }> & { subPath: string } {
  return m.kind === 'volume' && m.subPath !== undefined && m.subPath !== '' && m.subPath !== '.';
}

function toMounts(
  desired: readonly DesiredMount[],
  ctx: ContainerBodyContext,
): { mounts: OciMount[]; volumes: NamedVolumeMount[] } {
  const mounts: OciMount[] = [];
  const volumes: NamedVolumeMount[] = [];
  for (const m of desired) {
    if (m.kind === 'bind') {
      mounts.push(bind(m.source, m.destination, m.readOnly));
    } else if (hasSubPath(m)) {
      const mountpoint = ctx.volumeMountpoints?.[m.volume];
      if (mountpoint === undefined) {
        throw new InternalError(
          `volume ${m.volume} is mounted with subPath ${m.subPath} but its mountpoint was not resolved; ` +
            'the engine adapter must look it up first (subPathsOf lists what to resolve)',
        );
      }
      mounts.push(bind(subPathSource(mountpoint, m.subPath), m.destination, m.readOnly));
    } else {
      volumes.push({ Name: m.volume, Dest: m.destination, Options: m.readOnly ? ['ro'] : [] });
    }
  }
  return { mounts, volumes };
}

function bind(source: string, destination: string, readOnly: boolean): OciMount {
  // rbind so mounts below the source stay visible, as kubelet's hostPath does.
  return { destination, type: 'bind', source, options: readOnly ? ['rbind', 'ro'] : ['rbind'] };
}
