/**
 * ContainerEngine is the port through which kubeplay talks to a container engine. kubeplay owns
 * this interface; engine/libpod/libpod-container-engine.ts implements it over Podman's libpod REST
 * API, and test/fakes/fake-container-engine.ts implements it in memory for unit tests.
 *
 * Every method is one engine operation with no decisions in it: deciding is the planner's job.
 * Failures are thrown as EngineError (domain/errors.ts) naming the operation and HTTP status.
 */
import type { DesiredContainer, DesiredPod, PortMapping } from '../domain/types';
import type { LocalImage } from '../domain/image-ref';

/** ContainerState is a container's state as Podman reports it. */
export type ContainerState =
  | 'created'
  | 'initialized'
  | 'running'
  | 'paused'
  | 'stopping'
  | 'stopped'
  | 'exited'
  | 'removing'
  | 'unknown';

/** EngineContainer is one container as observed in the engine. */
export interface EngineContainer {
  id: string;
  name: string;
  /** Name of the pod it belongs to, or '' for a container outside any pod. */
  podName: string;
  /** Id of the pod it belongs to, when the listing says (listContainers does; listPods leaves it out). */
  podId?: string;
  isInfra: boolean;
  image: string;
  state: ContainerState;
  exitCode: number;
  restartCount: number;
  /** When the container last started; undefined if it never did. */
  startedAt?: Date;
  createdAt?: Date;
  /** When the container last exited; undefined if it never did (so it never restarted either). */
  exitedAt?: Date;
  labels: Record<string, string>;
  /** Host ports published through this container (a pod's ports appear on its infra container). */
  ports: PortMapping[];
}

/** EnginePod is one pod as observed in the engine, with its containers (infra included). */
export interface EnginePod {
  id: string;
  name: string;
  /** Podman's pod status: Created, Running, Degraded, Exited, Stopped, Dead, Paused. */
  status: string;
  createdAt?: Date;
  labels: Record<string, string>;
  containers: EngineContainer[];
}

/**
 * EngineContainerDetail is what inspecting one container tells beyond the listing: the restart
 * count, when it last finished and how, its health and the pod's IP address.
 */
export interface EngineContainerDetail {
  id: string;
  name: string;
  /** Id of the pod it belongs to, or '' for a container outside any pod. */
  podId: string;
  isInfra: boolean;
  state: ContainerState;
  /** Exit code of the last run (kept while a restarted container runs again). */
  exitCode: number;
  restartCount: number;
  startedAt?: Date;
  /** When the last run ended; undefined if it never ended. */
  finishedAt?: Date;
  oomKilled: boolean;
  /** Podman's restart policy: `always`, `on-failure`, `unless-stopped`, `no` or '' (none). */
  restartPolicy: string;
  /** Healthcheck status: `healthy`, `unhealthy`, `starting`, or '' without a healthcheck. */
  health: string;
  /** IP address on the container's (the pod's) first network; '' when it has none (not running). */
  ip: string;
  /** Podman's last error for this container (e.g. why it failed to start); '' when none. */
  error: string;
  /** The process id of its first process on the host while it runs; 0 otherwise (a proxy's network namespace is entered through it). */
  pid: number;
  /** The last healthcheck runs Podman keeps (up to 5), oldest first; absent without a healthcheck. */
  healthLog?: HealthCheckRun[];
}

/** EngineNetwork is a Podman network as kubeplay reads it. */
export interface EngineNetwork {
  name: string;
  /** Its IPv4 subnets, CIDR. */
  subnets: string[];
  dnsEnabled: boolean;
  labels: Record<string, string>;
}

/** NetworkSpec is a bridge network kubeplay makes: one subnet, a lease range for pods, DNS on. */
export interface NetworkSpec {
  name: string;
  subnet: string;
  /** The addresses Podman hands out to pods, CIDR (the rest stays for static addresses). */
  leaseRange: string;
  labels: Record<string, string>;
}

/** HealthCheckRun is one run of a container's healthcheck: when, its exit code and what it printed. */
export interface HealthCheckRun {
  start: Date;
  exitCode: number;
  output: string;
}

/** EngineVolume is one named volume as inspected: who made it is read from its labels. */
export interface EngineVolume {
  name: string;
  labels: Record<string, string>;
  /** Where its data lives on the host. */
  mountpoint: string;
  createdAt?: Date;
}

/** ContainerFilter narrows listContainers: both parts, when given, must hold. */
export interface ContainerFilter {
  labels?: Record<string, string>;
  ids?: readonly string[];
}

/** RemoveOptions tunes removePod. */
export interface RemoveOptions {
  /** Kill running containers instead of failing. */
  force: boolean;
  /** Seconds to wait for a graceful stop before SIGKILL when force is set. */
  timeoutSeconds?: number;
}

/**
 * PullProgress is one step of a pull as Podman reports it. Podman 4.3's libpod pull stream names
 * its steps and each layer (blob) it copies, but carries no byte counts.
 */
export interface PullProgress {
  /** Podman's words for the step: `Trying to pull ...`, `Copying blob sha256:...`, `Writing manifest to image destination`. */
  message: string;
  /** Layers (blobs) Podman has begun copying so far. */
  layers: number;
}

/** EngineCall describes one call made to the engine, for `-v` output. */
export interface EngineCall {
  method: string;
  path: string;
  status: number;
  durationMs: number;
}

/** ContainerEngine is the engine port; see the module comment. */
export interface ContainerEngine extends ContainerLooker {
  /** Checks the engine answers; resolves to its version string. */
  ping(): Promise<string>;
  /**
   * Lists pods with their containers in one call. `labels` filters by exact key=value pairs
   * (all must match); undefined lists every pod.
   */
  listPods(labels?: Record<string, string>): Promise<EnginePod[]>;
  /**
   * Lists containers, in pods or not, with the host ports each publishes: every one, or those
   * the filter selects (all `labels` key=value pairs must be on the container; `ids` are ORed).
   */
  listContainers(filter?: ContainerFilter): Promise<EngineContainer[]>;
  /**
   * Inspects containers by id or name, a few at a time; a container removed meanwhile is left
   * out of the result rather than failing the call. The result keeps the order of `ids`.
   */
  inspectContainers(ids: readonly string[]): Promise<EngineContainerDetail[]>;
  /**
   * Finds the local image a reference resolves to, as Podman resolves it: a short name matches
   * local images first (`myapp` finds `localhost/myapp:latest`). Undefined when there is none.
   */
  lookupImage(ref: string): Promise<LocalImage | undefined>;
  /**
   * Pulls an image (a short name through Podman's unqualified-search registries), reporting each
   * step of Podman's progress to onProgress; resolves to the pulled image's ID. Throws EngineError
   * naming the image, the registry's answer and what to do when it cannot.
   */
  pullImage(ref: string, onProgress?: (p: PullProgress) => void): Promise<string>;
  volumeExists(name: string): Promise<boolean>;
  /** Inspects a named volume (libpod GET /volumes/{name}/json): its labels; undefined when there is none. */
  inspectVolume(name: string): Promise<EngineVolume | undefined>;
  /** Creates a named volume; `tmpfs` makes it memory-backed (emptyDir medium: Memory). */
  createVolume(name: string, labels: Record<string, string>, options?: { tmpfs?: boolean }): Promise<void>;
  /** Removes a named volume; `force` removes it even if a stopped container still uses it. */
  removeVolume(name: string, force: boolean): Promise<void>;
  /**
   * Creates a Podman secret holding `data` (libpod /secrets/create) with `labels` (Podman 4.3.1
   * keeps them: `podman secret inspect` shows them); the value is never logged. A name in use is
   * an EngineError 409.
   */
  createSecret(name: string, data: Buffer, labels?: Record<string, string>): Promise<void>;
  /** Removes a Podman secret; throws EngineError 404 when there is none. */
  removeSecret(name: string): Promise<void>;
  /** The names of every Podman secret. */
  listSecrets(): Promise<string[]>;
  /** Creates the pod (with its infra container and published ports); resolves to its id. */
  createPod(pod: DesiredPod): Promise<string>;
  /** inspectNetwork reads a network; undefined when there is none of that name. */
  inspectNetwork(name: string): Promise<EngineNetwork | undefined>;
  /** listNetworks lists every network (their subnets: a new one must not overlap them). */
  listNetworks(): Promise<EngineNetwork[]>;
  /** createNetwork makes a bridge network; rejects with Podman's words when the subnet is taken. */
  createNetwork(spec: NetworkSpec): Promise<void>;
  /** removeNetwork removes a network; one already gone is fine. */
  removeNetwork(name: string): Promise<void>;
  /** Creates one container inside an existing pod; resolves to its id. */
  createContainer(pod: DesiredPod, container: DesiredContainer): Promise<string>;
  /** Starts the pod and every container in it at once (a pod without init containers). */
  startPod(name: string): Promise<void>;
  /** Starts one container of a pod (the pod's infra container first, if it does not run); one already running is fine. */
  startContainer(name: string): Promise<void>;
  /**
   * Waits until the container has exited, at most timeoutSeconds, and resolves to its exit code, or
   * to undefined when it still runs then (no error: the caller decides what comes next). The wait
   * holds no lock in Podman, so every other call goes on meanwhile.
   */
  awaitContainerExit(name: string, timeoutSeconds: number): Promise<number | undefined>;
  /** Stops one container (SIGTERM, SIGKILL after timeoutSeconds) so that its restart policy does not start it again; stopped already is fine. */
  stopContainer(name: string, timeoutSeconds: number): Promise<void>;
  /** Sends a signal to every container of the pod. */
  killPod(name: string, signal: string): Promise<void>;
  /**
   * Sends SIGKILL to whatever still runs in the pod, then waits until Podman has cleaned up every
   * container of it that was not cleaned up yet (a container that died is listed `stopped` until
   * then), at most timeoutSeconds. A pod that is gone, or has nothing to clean up, is done at once.
   */
  killPodAndAwaitCleanup(name: string, timeoutSeconds: number): Promise<void>;
  /** Removes the pod and its containers. Anonymous volumes go with it; named volumes stay. */
  removePod(name: string, options: RemoveOptions): Promise<void>;
  /**
   * Removes a container by name or id, stopping it if it runs, including one Podman has only in
   * its storage (the debris of a creation cut off half-way). Throws EngineError 404 when there is none.
   */
  removeContainer(name: string): Promise<void>;
  /** Calls made so far, in order (for `-v`). */
  calls(): readonly EngineCall[];
}

// ---------------------------------------------------------------------------------------------
// Looking into pods: logs, events and exec (describe, logs, exec commands).
// ---------------------------------------------------------------------------------------------

/** LogOptions selects a container's log lines, as Podman's logs endpoint takes them. */
export interface LogOptions {
  /** Keep the stream open and deliver new lines until the signal aborts. */
  follow: boolean;
  /** Only the last N lines (before following). */
  tail?: number;
  /** Only lines written after this instant. */
  since?: Date;
  /** Only lines written before this instant. */
  until?: Date;
  /** Prefix each line with the time Podman recorded it (Podman 4.3: to the second). */
  timestamps: boolean;
}

/** LogFrame is one piece of a container's output, usually one line, with the stream it came from. */
export interface LogFrame {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** EventFilter selects engine events; every part given must hold. */
export interface EventFilter {
  /** Object type: container or pod. */
  type?: 'container' | 'pod';
  /** key=value labels the container carried (all must match). */
  labels?: Record<string, string>;
  /** One container, by id or name. */
  container?: string;
  /** One event name (Podman ANDs repeated values, so only one is accepted). */
  event?: string;
  since?: Date;
  until?: Date;
}

/** EngineEvent is one event of Podman's event log. */
export interface EngineEvent {
  /** When it happened, to the millisecond. */
  time: Date;
  /** Nanoseconds since the epoch, for exact ordering and log boundaries. */
  timeNano: bigint;
  type: string;
  /** create, init, start, died, restart, health_status, kill, cleanup, remove, … */
  action: string;
  id: string;
  name: string;
  /** Pod id the container belonged to; Podman leaves it out of some events (died). */
  podId: string;
  /** The exit code of a `died` event. */
  exitCode?: number;
  /** healthy or unhealthy, for a `health_status` event. */
  healthStatus?: string;
  /** The container's labels, as the event carries them. */
  labels: Record<string, string>;
}

/** ExecSpec is a command to run in a running container. */
export interface ExecSpec {
  command: string[];
  tty: boolean;
  /** Attach stdin to the command. */
  stdin: boolean;
}

/** ExecStreams connects an exec session to the caller: its input and where its output goes. */
export interface ExecStreams {
  /** Read and sent to the command when the session has stdin; its end closes the command's stdin. */
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  /** Without a TTY, the command's stderr arrives separately; with one it is merged into stdout. */
  stderr: NodeJS.WritableStream;
}

/** ExecStartOptions: whether the session has a TTY, and its size in characters when known. */
export interface ExecStartOptions {
  tty: boolean;
  rows?: number;
  columns?: number;
}

/** ExecStatus is an exec session as inspected after (or while) it ran. */
export interface ExecStatus {
  running: boolean;
  exitCode: number;
}

/** ContainerLooker is what describe, logs and exec need of the engine beyond the listing. */
export interface ContainerLooker {
  /** Streams a container's log frames to onFrame; resolves when the log ends (or the signal aborts while following). */
  containerLogs(container: string, options: LogOptions, onFrame: (f: LogFrame) => void, signal?: AbortSignal): Promise<void>;
  /** Reads the events the filter selects, oldest first, without waiting for new ones. */
  listEvents(filter: EventFilter): Promise<EngineEvent[]>;
  /**
   * Follows the events as they happen (container and pod events) until `signal` aborts or the
   * stream ends; resolves once the stream is open, with a promise of its end.
   */
  followEvents(onEvent: (e: EngineEvent) => void, signal: AbortSignal): Promise<{ ended: Promise<void> }>;
  /** Creates an exec session in a running container; resolves to its id. */
  execCreate(container: string, spec: ExecSpec): Promise<string>;
  /** Starts the session attached to the streams (a TTY of the given size); resolves when its output has ended. */
  execStart(execId: string, options: ExecStartOptions, streams: ExecStreams): Promise<void>;
  /** Tells the session's TTY its new size. */
  execResize(execId: string, rows: number, columns: number): Promise<void>;
  /** Inspects the session: whether it runs, and its exit code once it ended. */
  execInspect(execId: string): Promise<ExecStatus>;
}
