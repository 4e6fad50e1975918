/**
 * Domain types shared by every stage of kubeplay's pipeline:
 *
 *   loadManifests → validateManifests → observeState → planChanges → executePlan → render
 *   LoadedDocument[]  ValidManifest[]   ObservedState   Plan          ExecutionReport
 *
 * This module imports nothing from the project and nothing at run time.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { PodNetwork } from './network';

/** JsonPath is a path into a document: map keys and sequence indexes. */
export type JsonPath = ReadonlyArray<string | number>;

/** Position is a 1-based line and column in a source file. */
export interface Position {
  line: number;
  column: number;
}

/** Locator maps a path inside a document to the position of its node (or the nearest parent). */
export type Locator = (path: JsonPath) => Position | undefined;

/** LoadedDocument is one parsed manifest object with where it came from; the loader's output. */
export interface LoadedDocument {
  /** File path as the user gave it, or `-` for stdin. */
  source: string;
  /** 0-based index of the YAML document within the source. */
  documentIndex: number;
  /** For an item unrolled from `kind: List`, its path inside the document (`['items', 2]`). */
  basePath: JsonPath;
  /** The plain value of the object (a map). */
  value: Record<string, unknown>;
  /** Finds the position of a path relative to this object (basePath is prepended). */
  locate: Locator;
}

/** Severity of an Issue: errors stop the run, warnings are printed and the run goes on. */
export type Severity = 'error' | 'warning';

/** Issue is one problem found while loading or validating, located in its source. */
export interface Issue {
  severity: Severity;
  /** Name of the rule that found it (`schema`, `unique-host-ports`, `load`…). */
  rule: string;
  file: string;
  documentIndex: number;
  line: number;
  column: number;
  /** Field path in kubectl's notation: `spec.containers[1].ports[0].containerPort` (empty for the whole document). */
  path: string;
  message: string;
}

/** ResourceKind is a kind's name (`Pod`, `Namespace`); the registry (src/kinds/) lists those kubeplay handles. */
export type ResourceKind = string;

/** ResourceRef names one Kubernetes object. */
export interface ResourceRef {
  kind: ResourceKind;
  namespace: string;
  name: string;
}

/**
 * ValidManifest is a document that passed validation; the validator's output. `ref.kind` says its
 * kind (namespace '' for a cluster-scoped kind); PodManifest is one whose kind is Pod.
 */
export interface ValidManifest<T extends object = ManifestObject> {
  ref: ResourceRef;
  /** The manifest's apiVersion (`v1`, `apps/v1`). */
  apiVersion: string;
  source: string;
  documentIndex: number;
  /** The object with the API server's defaults applied (validate/defaults.ts): what is translated and hashed. */
  object: T;
  /** The object as the user wrote it, for the last-applied annotation (kubectl records it undefaulted). */
  original?: T;
  /**
   * The last-applied annotation as a client of the API sent it (src/serve): stored as it is, and
   * `null` stores none (`kubectl create`). Absent: the annotation is the JSON of `original`, as
   * kubectl apply records it.
   */
  lastApplied?: string | null;
  locate: Locator;
}

/** ManifestObject is a manifest's object seen loosely (any kind). */
export type ManifestObject = Record<string, unknown>;

/** PodManifest is a valid Pod manifest. */
export type PodManifest = ValidManifest<V1Pod>;

// ---------------------------------------------------------------------------------------------
// What the translator produces and the engine carries out: a Podman pod and its containers.
// ---------------------------------------------------------------------------------------------

/** PortMapping is a port published by the pod on the host. */
export interface PortMapping {
  hostIP: string; // '' = all addresses
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
}

/** DesiredVolume is a pod-level volume the containers mount. */
export type DesiredVolume =
  | { kind: 'emptyDir'; name: string; podmanVolume: string; medium: '' | 'Memory'; sizeLimit?: string }
  | { kind: 'hostPath'; name: string; path: string; type: string }
  | { kind: 'pvc'; name: string; podmanVolume: string; readOnly: boolean }
  /**
   * A configMap, secret, projected or downwardAPI volume: files kubeplay writes on the host in the
   * kubelet's layout (one file per key behind the `..data` symlink, swapped atomically on update)
   * in `dir`, bind-mounted read-only into the containers that mount it.
   */
  | { kind: 'projected'; name: string; dir: string; files: ProjectedFile[] };

/** ProjectedFile is one file of a projected volume: its path inside the volume, its content (base64) and mode. */
export interface ProjectedFile {
  path: string;
  /** The content, base64 (a Secret's or a ConfigMap's binaryData value as stored, or text encoded). */
  data: string;
  /** The file's mode (the volume's defaultMode or the item's mode), e.g. 0o644. */
  mode: number;
}

/**
 * DesiredSecret is a Podman secret a pod's containers read environment variables from (a Secret's
 * value fed through env): the value is kept in Podman's secret store, never in the container's
 * configuration, so `podman inspect` does not show it.
 */
export interface DesiredSecret {
  /** Podman secret name: `kubeplay_<podman pod>_<container>_<n>` (see secretEnvName in translate/). */
  name: string;
  /** The value, base64. */
  data: string;
}

/** DesiredMount mounts a named Podman volume or a host path into a container. */
export type DesiredMount =
  | { kind: 'volume'; volume: string; destination: string; readOnly: boolean; subPath?: string }
  | {
      kind: 'bind';
      source: string;
      destination: string;
      readOnly: boolean;
      /** For a hostPath mounted with a subPath: the hostPath the source must stay inside, links not followed. */
      within?: string;
    };

/** DesiredHealthcheck is a liveness probe expressed as a Podman healthcheck. */
export interface DesiredHealthcheck {
  /** Podman's form: ['CMD', ...argv] or ['CMD-SHELL', 'script']. */
  test: string[];
  intervalSeconds: number;
  timeoutSeconds: number;
  startPeriodSeconds: number;
  retries: number;
}

/** DesiredContainer is one Podman container of a pod, as the engine creates it. */
export interface DesiredContainer {
  /** Podman container name: `<pod>-<container>`. */
  name: string;
  /** The container's name in the manifest. */
  manifestName: string;
  image: string;
  /**
   * A host directory used as the container's root instead of an image, mounted as an overlay so
   * that writes stay in the container: kubeplay's own DNS server runs the host's node this way, with
   * no image to pull. `image` is then only a label for plans and listings.
   */
  rootfs?: string;
  pullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** Kubernetes `command` (replaces the image's ENTRYPOINT); absent = image default. */
  entrypoint?: string[];
  /** Kubernetes `args` (replaces the image's CMD); absent = image default. */
  command?: string[];
  workingDir?: string;
  env: Record<string, string>;
  /**
   * The Service environment variables the kubelet injects (`DB_SERVICE_HOST`, `KUBERNETES_PORT`,
   * ...), from the Services that exist when the pod is made; `env` wins over them. Not covered by
   * the pod's hash: a Service made later leaves running pods alone, as in Kubernetes.
   */
  serviceEnv?: Record<string, string>;
  /** Environment variables whose values are Podman secrets (a Secret's keys): variable name -> Podman secret name. */
  secretEnv?: Record<string, string>;
  tty: boolean;
  stdin: boolean;
  mounts: DesiredMount[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /**
   * For an init container: 'once' runs to completion before the next one starts; 'sidecar' (a
   * native sidecar, `restartPolicy: Always`) is started in its turn and keeps running beside the
   * app containers. Absent for an app container. kubeplay starts them itself, in order
   * (start-sequence.ts): Podman's own init containers make the pod start wait on them while it
   * holds the pod's lock.
   */
  initKind?: 'once' | 'sidecar';
  restartPolicy: 'always' | 'on-failure' | 'no';
  stopTimeoutSeconds: number;
  memoryLimitBytes?: number;
  /** CPU limit as quota/period in microseconds. */
  cpuQuota?: number;
  cpuPeriod?: number;
  user?: string;
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  readOnlyRootFilesystem: boolean;
  noNewPrivileges: boolean;
  healthcheck?: DesiredHealthcheck;
  /**
   * A native sidecar's startupProbe: the next container of the start sequence waits until it
   * succeeds, as the kubelet does. Same form as a healthcheck (kubeplay runs it through exec).
   */
  startupProbe?: DesiredHealthcheck;
  /**
   * The probes kubeplay's prober runs that nothing above carries (a readinessProbe, an app
   * container's startupProbe, a grpc livenessProbe), as written: here so that the manifest hash
   * covers them, and a changed probe makes the pod again (a pod's probes cannot change in place).
   * Absent when there are none, so pods without them hash as they always did.
   */
  probes?: Record<string, unknown>;
}

/** DesiredPod is a Podman pod as the translator derives it from a manifest. */
export interface DesiredPod {
  ref: ResourceRef;
  /** Podman pod name (the manifest's metadata.name). */
  name: string;
  hostname: string;
  labels: Record<string, string>;
  ports: PortMapping[];
  /** How the pod joins kubeplay's network (domain/network.ts); absent: Podman's default network. */
  network?: PodNetwork;
  volumes: DesiredVolume[];
  /** Podman secrets the containers' secretEnv names, made before the containers and removed with the pod. */
  secrets?: DesiredSecret[];
  initContainers: DesiredContainer[];
  containers: DesiredContainer[];
}

/** StartItem is one container of a start sequence and what must happen before the next starts. */
export interface StartItem {
  /** Podman container name. */
  name: string;
  /** `exit`: an init container, which must exit 0; `started`: a sidecar or an app container, started. */
  until: 'exit' | 'started';
  /** A sidecar's startupProbe: after the start, the sequence goes on only once it succeeds. */
  startupProbe?: DesiredHealthcheck;
}

/**
 * StartSequence starts a pod's containers in order: each init container runs to completion (exit
 * 0) before the next container starts, a native sidecar only has to have started, then the app
 * containers start. apply carries it out for up to waitSeconds in all; an init container still
 * running then is left to a background kubeplay process, which finishes the sequence (and apply
 * returns, as kubectl's does, with the pod at Init:N/M). A failed init container fails the pod
 * while apply runs it; in the background it is restarted with the kubelet's back-off when
 * restartFailed (the pod's restartPolicy is Always or OnFailure), else the pod stays failed.
 */
export interface StartSequence {
  pod: string;
  items: StartItem[];
  waitSeconds: number;
  restartFailed: boolean;
}
