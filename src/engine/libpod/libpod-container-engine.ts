/**
 * LibpodContainerEngine implements the ContainerEngine port over Podman's libpod REST API
 * (/v4.0.0/libpod/...) on its unix socket. Each port method is one libpod call or a short
 * sequence of them, with no decisions in it. The parts, one role a file in this folder:
 *
 * - transport.ts: the calls themselves (through docker-modem, modem.ts), their deadlines
 *   (deadlines.ts), the call log for `-v`, failures as EngineErrors (podman-answers.ts);
 * - wire-types.ts and to-engine-types.ts: Podman's JSON and its mapping to the port's types;
 * - stop-and-await-cleanup.ts (with cleanup-watcher.ts and pod-calls.ts): the one way a pod is
 *   stopped and waited for until Podman has cleaned it up;
 * - pull-image.ts, sub-paths.ts, container-logs.ts, exec-session.ts: the calls that read streams
 *   (read-stream.ts, demux.ts) or touch the host.
 *
 * Request bodies are built by ../to-create-body.ts; Podman's words are explained by
 * ../podman-messages.ts.
 */
import { EngineError, EngineTimeoutError } from '../../domain/errors';
import type { LocalImage } from '../../domain/image-ref';
import { byText } from '../../domain/order';
import type { DesiredContainer, DesiredPod } from '../../domain/types';
import { numberToIp, parseCidr } from '../../domain/network';
import type {
  ContainerEngine,
  ContainerFilter,
  EngineCall,
  EngineContainer,
  EngineContainerDetail,
  EngineNetwork,
  EngineEvent,
  EnginePod,
  EngineVolume,
  EventFilter,
  ExecSpec,
  ExecStartOptions,
  ExecStatus,
  ExecStreams,
  LogFrame,
  LogOptions,
  NetworkSpec,
  PullProgress,
  RemoveOptions,
} from '../container-engine';
import { explainStartFailures, isLeftoverMountFailure, LEFTOVER_MOUNT_ADVICE } from '../podman-messages';
import type { VolumeCreateOptions } from '../to-create-body';
import { DEFAULT_DEADLINE_SECONDS, DEFAULT_STOP_TIMEOUT_SECONDS, STOP_DEADLINE_MARGIN_SECONDS } from './deadlines';
import { onLines } from './read-stream';
import { asArray, errsOf, idOf, nameContainers, plain, podmanMessage } from './podman-answers';
import { toContainerDetail, toEngineContainer, toEngineEvents, toEnginePod, toExecStatus, toLocalImage } from './to-engine-types';
import { LibpodTransport, type Query } from './transport';
import type { ContainerInspectReport, ContainerListReport, NetworkReport, ExecInspectReport, ImageInspectReport, PodListReport, SecretInfoReport, VolumeInspectReport } from './wire-types';

export { preloadTransport } from './modem';

// The parts only some commands use (request bodies, pulls, subPaths, pod signals and stops,
// logs, exec) are required at their first call, not imported: get and a no-op apply load the
// adapter before their one listing leaves (cli/head-start.ts). Imported up front, loading the
// split adapter took 15.0 ms of CPU (minimum of 20 runs, loaded machine) against 7.5 ms for the
// single file it was; each small module costs ~0.3-0.4 ms to load here.
const lazy = {
  createBodies: () => require('../to-create-body') as typeof import('../to-create-body'),
  podCalls: () => require('./pod-calls') as typeof import('./pod-calls'),
  pullImage: () => (require('./pull-image') as typeof import('./pull-image')).pullImage,
  resolveSubPaths: () => (require('./sub-paths') as typeof import('./sub-paths')).resolveSubPaths,
  stopAndAwaitCleanup: () => (require('./stop-and-await-cleanup') as typeof import('./stop-and-await-cleanup')).stopAndAwaitCleanup,
  containerLogs: () => (require('./container-logs') as typeof import('./container-logs')).containerLogs,
  execStart: () => (require('./exec-session') as typeof import('./exec-session')).execStart,
};

/** LibpodContainerEngineOptions configures the adapter. */
export interface LibpodContainerEngineOptions {
  /** Path of Podman's API socket (see connect.ts). */
  socketPath: string;
  /** Called after every HTTP call, for `-v` output. */
  onCall?: (call: EngineCall) => void;
  /**
   * Seconds removePod waits for Podman's `cleanup` events after the containers were stopped,
   * beyond the stop timeout, before it deletes anyway. Default 10.
   */
  cleanupWaitSeconds?: number;
  /**
   * --request-timeout: seconds every call has for Podman's answer, instead of its own deadline
   * (DEADLINES); a pull has it for each step of progress. Waits whose length is their meaning (a
   * stop's grace period, a container's exit) keep their own.
   */
  requestTimeoutSeconds?: number;
}

// How many inspections run at once: enough to hide the per-call latency, few enough not to
// swamp a service that others use too (2 cores here).
const INSPECT_CONCURRENCY = 8;

/** LibpodContainerEngine is the Podman adapter of the ContainerEngine port; see the module comment. */
export class LibpodContainerEngine implements ContainerEngine {
  private readonly t: LibpodTransport;
  private readonly cleanupWaitSeconds: number;

  constructor(opts: LibpodContainerEngineOptions) {
    this.t = new LibpodTransport({
      socketPath: opts.socketPath,
      ...(opts.onCall !== undefined ? { onCall: opts.onCall } : {}),
      ...(opts.requestTimeoutSeconds !== undefined ? { requestTimeoutSeconds: opts.requestTimeoutSeconds } : {}),
    });
    this.cleanupWaitSeconds = opts.cleanupWaitSeconds ?? 10;
  }

  /** ping checks Podman answers and resolves to its libpod API version. */
  async ping(): Promise<string> {
    const res = await this.t.request({ operation: 'ping', what: 'reach Podman', method: 'GET', path: '/_ping' });
    const version = res.headers['libpod-api-version'];
    return typeof version === 'string' ? version : 'unknown';
  }

  /** listPods lists pods (label-filtered) with their containers in one call. */
  async listPods(labels?: Record<string, string>): Promise<EnginePod[]> {
    const query: Record<string, string> = {};
    if (labels !== undefined && Object.keys(labels).length > 0) {
      query.filters = JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });
    }
    const res = await this.t.request({ operation: 'listPods', what: 'list pods', method: 'GET', path: '/pods/json', query });
    return asArray<PodListReport>(res.body)
      .map(toEnginePod)
      .sort((a, b) => byText(a.name, b.name));
  }

  /** listContainers lists every container (or those the filter selects) with full detail in one call. */
  async listContainers(filter?: ContainerFilter): Promise<EngineContainer[]> {
    const query: Query = { all: true };
    const filters: Record<string, string[]> = {};
    if (filter?.labels !== undefined && Object.keys(filter.labels).length > 0) {
      filters['label'] = Object.entries(filter.labels).map(([k, v]) => `${k}=${v}`);
    }
    if (filter?.ids !== undefined) {
      // An empty id list selects nothing; Podman would read a missing filter as "all".
      if (filter.ids.length === 0) return [];
      filters['id'] = [...filter.ids];
    }
    if (Object.keys(filters).length > 0) query.filters = JSON.stringify(filters);
    const res = await this.t.request({ operation: 'listContainers', what: 'list containers', method: 'GET', path: '/containers/json', query });
    return asArray<ContainerListReport>(res.body)
      .map(toEngineContainer)
      .sort((a, b) => byText(a.name, b.name));
  }

  /**
   * inspectContainers inspects each container (GET /containers/{id}/json), INSPECT_CONCURRENCY at
   * a time; one removed meanwhile (404) is left out. Results keep the order of `ids`.
   */
  async inspectContainers(ids: readonly string[]): Promise<EngineContainerDetail[]> {
    const out = new Array<EngineContainerDetail | undefined>(ids.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        const i = next++;
        const id = ids[i] ?? '';
        let res;
        try {
          res = await this.t.request({
            operation: 'inspectContainers',
            what: `inspect container ${id}`,
            method: 'GET',
            path: `/containers/${encodeURIComponent(id)}/json`,
            accept: [404],
          });
        } catch (e) {
          // A container being removed right now (by another tool) answers 500 "does not exist in database: no such container".
          if (e instanceof EngineError && /no such container/i.test(e.message)) continue;
          throw e;
        }
        if (res.status !== 404) out[i] = toContainerDetail(res.body as ContainerInspectReport);
      }
    };
    await Promise.all(Array.from({ length: Math.min(INSPECT_CONCURRENCY, ids.length) }, worker));
    return out.filter((d): d is EngineContainerDetail => d !== undefined);
  }

  /**
   * lookupImage asks Podman for the local image a reference resolves to (`GET /images/{ref}/json`,
   * which resolves short names against local storage, `localhost/` included, as `podman run` does).
   */
  async lookupImage(ref: string): Promise<LocalImage | undefined> {
    const res = await this.t.request({
      operation: 'lookupImage',
      what: `look up image ${ref}`,
      method: 'GET',
      path: `/images/${encodeURIComponent(ref)}/json`,
      accept: [404],
    });
    if (res.status === 404) return undefined;
    return toLocalImage(res.body as ImageInspectReport);
  }

  /** pullImage pulls the image, reporting Podman's progress (pull-image.ts). */
  pullImage(ref: string, onProgress?: (p: PullProgress) => void): Promise<string> {
    return lazy.pullImage()(this.t, ref, onProgress);
  }

  /** volumeExists tells whether the named volume exists. */
  async volumeExists(name: string): Promise<boolean> {
    const res = await this.t.request({
      operation: 'volumeExists',
      what: `check volume ${name}`,
      method: 'GET',
      path: `/volumes/${encodeURIComponent(name)}/exists`,
      accept: [404],
    });
    return res.status !== 404;
  }

  /** inspectVolume reads a named volume's labels and mount point; undefined when there is none. */
  async inspectVolume(name: string): Promise<EngineVolume | undefined> {
    const res = await this.t.request({
      operation: 'inspectVolume',
      what: `inspect volume ${name}`,
      method: 'GET',
      path: `/volumes/${encodeURIComponent(name)}/json`,
      accept: [404],
    });
    if (res.status === 404) return undefined;
    const v = res.body as VolumeInspectReport;
    const created = v.CreatedAt !== undefined ? new Date(v.CreatedAt) : undefined;
    return { name: v.Name ?? name, labels: { ...(v.Labels ?? {}) }, mountpoint: v.Mountpoint ?? '', ...(created && !Number.isNaN(created.getTime()) ? { createdAt: created } : {}) };
  }

  /**
   * createVolume creates a named volume with labels. The optional `options` (not in the port yet)
   * make an emptyDir with `medium: Memory` a tmpfs volume.
   */
  async createVolume(name: string, labels: Record<string, string>, options: VolumeCreateOptions = {}): Promise<void> {
    let body;
    try {
      body = lazy.createBodies().toVolumeCreateBody(name, labels, options);
    } catch (err) {
      throw new EngineError(`cannot create volume ${name}: ${(err as Error).message}`, 'createVolume', undefined, err);
    }
    await this.t.request({ operation: 'createVolume', what: `create volume ${name}`, method: 'POST', path: '/volumes/create', body });
  }

  /** removeVolume removes a named volume; `force` also removes it from stopped containers using it. */
  async removeVolume(name: string, force: boolean): Promise<void> {
    await this.t.request({
      operation: 'removeVolume',
      what: `remove volume ${name}`,
      method: 'DELETE',
      path: `/volumes/${encodeURIComponent(name)}`,
      query: { force },
    });
  }

  /**
   * createSecret creates a Podman secret (file driver) holding `data`, sent as the raw request
   * body: the value is never in a query, the call log or an error message (Podman's own answers
   * name the secret, never its value). Podman 4.3.1 takes 1 to 511,999 bytes. A name in use is an
   * EngineError 409; Podman answers it with a 500.
   */
  async createSecret(name: string, data: Buffer, labels: Record<string, string> = {}): Promise<void> {
    const query: Query = { name };
    // Podman decodes the `labels` map from one JSON object (measured on 4.3.1; `labels[k]=v` is ignored).
    if (Object.keys(labels).length > 0) query.labels = JSON.stringify(labels);
    try {
      await this.t.request({ operation: 'createSecret', what: `create secret ${name}`, method: 'POST', path: '/secrets/create', query, rawBody: data });
    } catch (err) {
      if (err instanceof EngineError && err.status === 500 && /secret name in use/.test(err.message)) {
        throw new EngineError(
          `cannot create secret ${name}: a Podman secret of that name exists already (see \`podman secret ls\`)`,
          'createSecret',
          409,
          err,
        );
      }
      throw err;
    }
  }

  /** removeSecret removes a Podman secret; EngineError 404 when there is none. */
  async removeSecret(name: string): Promise<void> {
    await this.t.request({ operation: 'removeSecret', what: `remove secret ${name}`, method: 'DELETE', path: `/secrets/${encodeURIComponent(name)}` });
  }

  /** listSecrets lists the names of every Podman secret, sorted (values are never listed). */
  async listSecrets(): Promise<string[]> {
    const res = await this.t.request({ operation: 'listSecrets', what: 'list secrets', method: 'GET', path: '/secrets/json' });
    return asArray<SecretInfoReport>(res.body)
      .flatMap((s) => (typeof s.Spec?.Name === 'string' ? [s.Spec.Name] : []))
      .sort(byText);
  }

  /** createPod creates the pod with its infra container and published ports; resolves to its id. */
  async createPod(pod: DesiredPod): Promise<string> {
    const res = await this.t.request({
      operation: 'createPod',
      what: `create pod ${pod.name}`,
      method: 'POST',
      path: '/pods/create',
      body: lazy.createBodies().toPodCreateBody(pod),
    });
    return idOf(res.body);
  }

  /** inspectNetwork reads a network's subnets, DNS and labels; undefined when there is none. */
  async inspectNetwork(name: string): Promise<EngineNetwork | undefined> {
    const res = await this.t.request({
      operation: 'inspectNetwork',
      what: `inspect network ${name}`,
      method: 'GET',
      path: `/networks/${encodeURIComponent(name)}/json`,
      accept: [404],
    });
    if (res.status === 404) return undefined;
    return toEngineNetwork(res.body as NetworkReport);
  }

  /** listNetworks lists every network. */
  async listNetworks(): Promise<EngineNetwork[]> {
    const res = await this.t.request({ operation: 'listNetworks', what: 'list networks', method: 'GET', path: '/networks/json' });
    return asArray<NetworkReport>(res.body).map(toEngineNetwork);
  }

  /** createNetwork makes a bridge network with DNS on and a lease range for pods. */
  async createNetwork(spec: NetworkSpec): Promise<void> {
    const range = parseCidr(spec.leaseRange);
    if (range === undefined) throw new EngineError(`cannot create network ${spec.name}: lease range ${spec.leaseRange} is not a CIDR`, 'createNetwork');
    const body = lazy.createBodies().toNetworkCreateBody({
      name: spec.name,
      subnet: spec.subnet,
      // Not the network address nor the gateway (the first address).
      leaseStart: numberToIp(range.base + 2),
      leaseEnd: numberToIp(range.base + range.size - 1),
      labels: spec.labels,
    });
    await this.t.request({ operation: 'createNetwork', what: `create network ${spec.name}`, method: 'POST', path: '/networks/create', body });
  }

  /** removeNetwork removes a network; one already gone is fine. */
  async removeNetwork(name: string): Promise<void> {
    await this.t.request({
      operation: 'removeNetwork',
      what: `remove network ${name}`,
      method: 'DELETE',
      path: `/networks/${encodeURIComponent(name)}`,
      accept: [404],
    });
  }

  /** createContainer creates one container inside an existing pod (its subPaths made first); resolves to its id. */
  async createContainer(pod: DesiredPod, container: DesiredContainer): Promise<string> {
    const what = `create container ${container.name} in pod ${pod.name}`;
    const volumeMountpoints = await lazy.resolveSubPaths()(this.t, container, what);
    let body;
    try {
      body = lazy.createBodies().toContainerCreateBody(pod, container, { volumeMountpoints });
    } catch (err) {
      throw new EngineError(`cannot ${what}: ${(err as Error).message}`, 'createContainer', undefined, err);
    }
    const res = await this.t.request({ operation: 'createContainer', what, method: 'POST', path: '/containers/create', body });
    return idOf(res.body);
  }

  /**
   * startPod starts the pod: Podman runs the init containers to completion in order, then starts
   * the app containers. A container that fails to start rejects with a message naming it.
   */
  async startPod(name: string): Promise<void> {
    const res = await this.t.request({
      operation: 'startPod',
      what: `start pod ${name}`,
      method: 'POST',
      path: `/pods/${encodeURIComponent(name)}/start`,
      // 409 carries the per-container errors in the report.
      accept: [409],
    });
    const errs = errsOf(res.body);
    if (errs.length === 0 && res.status !== 409) return;
    // Per-container failures come as the report's Errs; a failed init container as a plain message.
    if (errs.length === 0) errs.push(podmanMessage(res.body, res.status));
    const names = await lazy.podCalls().containerNamesById(this.t, name);
    const raw = errs.map((e) => plain(nameContainers(e, names)));
    const explained = explainStartFailures(raw);
    // An explained failure already says what to do; Podman's own words need the generic advice.
    const advice = explained.some((e) => !raw.includes(e))
      ? ''
      : "; fix the container's image, command or mounts and apply again (podman logs <container> may say more)";
    throw new EngineError(`pod ${name} did not start: ${explained.join('; ')}${advice}`, 'startPod', res.status);
  }

  /** startContainer starts one container (POST /containers/{name}/start); 304, already running, is fine. */
  async startContainer(name: string): Promise<void> {
    await this.t.request({
      operation: 'startContainer',
      what: `start container ${name}`,
      method: 'POST',
      path: `/containers/${encodeURIComponent(name)}/start`,
    });
  }

  /**
   * awaitContainerExit long-polls POST /containers/{name}/wait, which answers the exit code once the
   * container has stopped; the request is given up after timeoutSeconds (undefined: still running).
   */
  async awaitContainerExit(name: string, timeoutSeconds: number): Promise<number | undefined> {
    try {
      const res = await this.t.request({
        operation: 'awaitContainerExit',
        what: `wait for container ${name} to exit`,
        method: 'POST',
        path: `/containers/${encodeURIComponent(name)}/wait`,
        deadlineSeconds: Math.max(0.001, timeoutSeconds),
      });
      const code = typeof res.body === 'number' ? res.body : Number(String(res.body).trim());
      if (!Number.isInteger(code)) throw new EngineError(`cannot wait for container ${name}: Podman answered ${JSON.stringify(res.body)}`, 'awaitContainerExit', res.status);
      return code;
    } catch (err) {
      if (err instanceof EngineTimeoutError) return undefined;
      throw err;
    }
  }

  /** stopContainer stops one container (POST /containers/{name}/stop?timeout=T); 304, already stopped, is fine. */
  async stopContainer(name: string, timeoutSeconds: number): Promise<void> {
    await this.t.request({
      operation: 'stopContainer',
      what: `stop container ${name}`,
      method: 'POST',
      path: `/containers/${encodeURIComponent(name)}/stop`,
      query: { timeout: Math.max(0, Math.ceil(timeoutSeconds)) },
      deadlineSeconds: timeoutSeconds + STOP_DEADLINE_MARGIN_SECONDS,
    });
  }

  /** killPod sends a signal to every container of the pod. */
  killPod(name: string, signal: string): Promise<void> {
    return lazy.podCalls().killPod(this.t, name, signal);
  }

  /**
   * killPodAndAwaitCleanup SIGKILLs what still runs in the pod and waits for Podman's `cleanup`
   * event of every container not cleaned up yet, at most timeoutSeconds (stop-and-await-cleanup.ts).
   */
  killPodAndAwaitCleanup(name: string, timeoutSeconds: number): Promise<void> {
    return lazy.stopAndAwaitCleanup()(this.t, name, { graceSeconds: 0, waitSeconds: timeoutSeconds, operation: 'killPod' });
  }

  /**
   * removePod removes the pod and its containers. With `force`, running containers are stopped
   * first (SIGTERM, SIGKILL after timeoutSeconds; at once for 0) and removal waits for Podman's
   * `cleanup` of each, at most the stop timeout plus cleanupWaitSeconds (stop-and-await-cleanup.ts):
   * deleting a pod right after its containers died stalls ~3 s in Podman 4.3.1 (a pod-cgroup
   * removal retry), and `DELETE ?force=true` without a timeout can take ~23 s. Without `force`,
   * Podman refuses to remove a pod with running containers.
   */
  async removePod(name: string, options: RemoveOptions): Promise<void> {
    const timeout = options.timeoutSeconds ?? DEFAULT_STOP_TIMEOUT_SECONDS;
    if (options.force) {
      await lazy.stopAndAwaitCleanup()(this.t, name, { graceSeconds: timeout, waitSeconds: Math.max(0, timeout) + this.cleanupWaitSeconds, operation: 'removePod' });
    }
    const query: Query = { force: options.force };
    if (options.force) query.timeout = Math.max(0, Math.ceil(timeout));
    await this.removeOnceMore(() =>
      this.t.request({
        operation: 'removePod',
        what: `remove pod ${name}`,
        method: 'DELETE',
        path: `/pods/${encodeURIComponent(name)}`,
        query,
        deadlineSeconds: timeout + STOP_DEADLINE_MARGIN_SECONDS,
      }),
    );
  }

  /**
   * removeContainer removes one container (DELETE /containers/{name}?force=true&timeout=0).
   * libpod's removal falls back to container storage, so a container whose creation was cut off
   * and that only storage knows (`podman ps --external` shows it as Storage) goes too.
   */
  async removeContainer(name: string): Promise<void> {
    await this.removeOnceMore(() =>
      this.t.request({
        operation: 'removeContainer',
        what: `remove container ${name}`,
        method: 'DELETE',
        path: `/containers/${encodeURIComponent(name)}`,
        query: { force: true, timeout: 0 },
      }),
    );
  }

  /** calls returns the calls made so far, in order. */
  calls(): readonly EngineCall[] {
    return this.t.calls();
  }

  // --- Looking into pods: logs, events, exec ---------------------------------------------------

  /** containerLogs streams a container's log frames (container-logs.ts). */
  containerLogs(container: string, options: LogOptions, onFrame: (f: LogFrame) => void, signal?: AbortSignal): Promise<void> {
    return lazy.containerLogs()(this.t, container, options, onFrame, signal);
  }

  /** listEvents reads GET /events?stream=false with the filter; Podman answers one JSON object a line. */
  async listEvents(filter: EventFilter): Promise<EngineEvent[]> {
    const filters: Record<string, string[]> = {};
    if (filter.type !== undefined) filters['type'] = [filter.type];
    if (filter.container !== undefined) filters['container'] = [filter.container];
    if (filter.event !== undefined) filters['event'] = [filter.event];
    const labels = Object.entries(filter.labels ?? {});
    // Podman 4.3 ANDs repeated values of one key, which is what several labels mean here.
    if (labels.length > 0) filters['label'] = labels.map(([k, v]) => `${k}=${v}`);
    const query: Query = { stream: false };
    if (Object.keys(filters).length > 0) query.filters = JSON.stringify(filters);
    if (filter.since !== undefined) query.since = filter.since.toISOString();
    if (filter.until !== undefined) query.until = filter.until.toISOString();
    const res = await this.t.request({ operation: 'listEvents', what: 'read Podman events', method: 'GET', path: '/events', query });
    const text = typeof res.body === 'string' ? res.body : res.body === undefined ? '' : JSON.stringify(res.body);
    return toEngineEvents(text);
  }

  /** followEvents reads GET /events?stream=true (containers and pods), one JSON object a line, until aborted. */
  async followEvents(onEvent: (e: EngineEvent) => void, signal: AbortSignal): Promise<{ ended: Promise<void> }> {
    const query = { stream: true, filters: JSON.stringify({ type: ['container', 'pod'] }) };
    const { res, record } = await this.t.openStream({ operation: 'followEvents', what: 'follow Podman events', path: '/events', query, deadlineSeconds: DEFAULT_DEADLINE_SECONDS });
    res.setEncoding('utf8');
    onLines(res, (line) => {
      for (const e of toEngineEvents(line)) onEvent(e);
    });
    const ended = new Promise<void>((resolve) => {
      let once = false;
      const done = () => {
        if (once) return;
        once = true;
        record();
        resolve();
      };
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    const stop = () => res.destroy();
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    return { ended };
  }

  /** execCreate creates an exec session (POST /containers/{id}/exec) attached to the streams asked for. */
  async execCreate(container: string, spec: ExecSpec): Promise<string> {
    const res = await this.t.request({
      operation: 'execCreate',
      what: `run a command in container ${container}`,
      method: 'POST',
      path: `/containers/${encodeURIComponent(container)}/exec`,
      body: { AttachStdin: spec.stdin, AttachStdout: true, AttachStderr: true, Tty: spec.tty, Cmd: spec.command },
    });
    return idOf(res.body);
  }

  /** execStart starts the session attached to the streams (exec-session.ts). */
  execStart(execId: string, options: ExecStartOptions, streams: ExecStreams): Promise<void> {
    return lazy.execStart()(this.t, execId, options, streams);
  }

  /** execResize sets the session TTY's size (POST /exec/{id}/resize). */
  async execResize(execId: string, rows: number, columns: number): Promise<void> {
    await this.t.request({
      operation: 'execResize',
      what: 'resize the terminal',
      method: 'POST',
      path: `/exec/${encodeURIComponent(execId)}/resize`,
      query: { h: rows, w: columns },
      // A session that has just ended cannot be resized; that is no failure.
      accept: [404, 409, 500],
    });
  }

  /** execInspect reads GET /exec/{id}/json. */
  async execInspect(execId: string): Promise<ExecStatus> {
    const res = await this.t.request({
      operation: 'execInspect',
      what: 'inspect the command',
      method: 'GET',
      path: `/exec/${encodeURIComponent(execId)}/json`,
    });
    return toExecStatus(res.body as ExecInspectReport);
  }

  /**
   * removeOnceMore runs a removal and, when it failed on the mounts a start cut off by a killed
   * API service left behind (isLeftoverMountFailure: Podman's record said "unmounted", so its
   * removal skipped the unmount and then met the busy shm), runs it once more: the failed call has
   * dropped that container, so the second removes the rest (the pod, now empty). Measured on
   * Podman 4.3.1 with the service killed in the middle of 10 pod starts: the first DELETE fails,
   * the second succeeds, and no mount, directory or storage container is left. A second failure is
   * reported with what to do; a 404 on the second call means the first removed everything after all.
   */
  private async removeOnceMore(remove: () => Promise<unknown>): Promise<void> {
    try {
      await remove();
      return;
    } catch (err) {
      if (!(err instanceof EngineError && isLeftoverMountFailure(err.message))) throw err;
    }
    try {
      await remove();
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) return;
      if (err instanceof EngineError && isLeftoverMountFailure(err.message)) {
        throw new EngineError(`${err.message}; ${LEFTOVER_MOUNT_ADVICE}`, err.operation, err.status, err);
      }
      throw err;
    }
  }
}

/** toEngineNetwork maps a network report. */
function toEngineNetwork(n: NetworkReport): EngineNetwork {
  return {
    name: n.name,
    subnets: (n.subnets ?? []).flatMap((x) => (x.subnet ? [x.subnet] : [])),
    dnsEnabled: n.dns_enabled === true,
    labels: { ...(n.labels ?? {}) },
  };
}
