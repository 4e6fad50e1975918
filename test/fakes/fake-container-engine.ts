/**
 * FakeContainerEngine is an in-memory ContainerEngine for unit tests: it keeps pods, containers,
 * images and volumes in maps and records every call. It never stands in for Podman in the tests
 * that show a feature works; those are in test/integration.
 */
import type { DesiredContainer, DesiredPod } from '../../src/domain/types';
import type {
  ContainerEngine,
  ContainerFilter,
  EngineCall,
  EngineContainer,
  EngineContainerDetail,
  EngineEvent,
  EnginePod,
  EngineVolume,
  EngineNetwork,
  NetworkSpec,
  EventFilter,
  ExecSpec,
  ExecStartOptions,
  ExecStatus,
  ExecStreams,
  LogFrame,
  LogOptions,
  PullProgress,
  RemoveOptions,
} from '../../src/engine/container-engine';
import type { LocalImage } from '../../src/domain/image-ref';
import { createHash } from 'node:crypto';
import { EngineError, ImagePullError } from '../../src/domain/errors';

/** FakeContainerEngine implements the port in memory; `failOn` makes one operation fail. */
export class FakeContainerEngine implements ContainerEngine {
  readonly pods = new Map<string, EnginePod>();
  /** images maps each local image's name to it (its ID is made up from the first name). */
  readonly images = new Map<string, LocalImage>();
  readonly volumes = new Map<string, Record<string, string>>();
  readonly log: string[] = [];
  /** failOn maps `op name` (e.g. `startPod web`, `pullImage bad:1`) to an error message. */
  readonly failOn = new Map<string, string>();
  /** details holds, by container id, what inspectContainers adds to a container (restarts, IP…). */
  readonly details = new Map<string, Partial<EngineContainerDetail>>();
  private seq = 0;

  constructor(images: string[] = []) {
    for (const i of images) this.addImage(i);
  }

  private record(entry: string): void {
    this.log.push(entry);
    const fail = this.failOn.get(entry);
    if (fail === undefined) return;
    // A registry's refusal is an ImagePullError, as the adapter throws it.
    if (entry.startsWith('pullImage ')) throw new ImagePullError(`cannot pull image ${entry.slice(10)}: ${fail}`, entry.slice(10), fail, 200);
    throw new EngineError(fail, entry.split(' ')[0] ?? entry, 500);
  }

  async ping(): Promise<string> {
    return 'fake';
  }
  async listPods(labels?: Record<string, string>): Promise<EnginePod[]> {
    this.record('listPods');
    // Podman's label filter: every key=value must be on the pod.
    const wanted = Object.entries(labels ?? {});
    return [...this.pods.values()]
      .filter((p) => wanted.every(([k, v]) => p.labels[k] === v)).map((p) => ({ ...p, containers: p.containers.map((c) => ({ ...c })) }));
  }
  async listContainers(filter?: ContainerFilter): Promise<EngineContainer[]> {
    this.record(filter ? `listContainers ${JSON.stringify(filter)}` : 'listContainers');
    const wanted = Object.entries(filter?.labels ?? {});
    return [...this.pods.values()]
      .flatMap((p) => p.containers)
      .filter((c) => wanted.every(([k, v]) => c.labels[k] === v))
      .filter((c) => filter?.ids === undefined || filter.ids.includes(c.id));
  }
  async inspectContainers(ids: readonly string[]): Promise<EngineContainerDetail[]> {
    this.record(`inspectContainers ${ids.length}`);
    const all = [...this.pods.values()].flatMap((p) => p.containers.map((c) => ({ c, podId: p.id })));
    return ids.flatMap((id) => {
      const hit = all.find(({ c }) => c.id === id || c.name === id);
      if (!hit) return [];
      const { c, podId } = hit;
      const d: EngineContainerDetail = {
        id: c.id,
        name: c.name,
        podId,
        isInfra: c.isInfra,
        state: c.state,
        exitCode: c.exitCode,
        restartCount: c.restartCount,
        oomKilled: false,
        restartPolicy: 'always',
        health: '',
        ip: '',
        error: '',
        pid: c.state === 'running' ? 1000 : 0,
        ...(c.startedAt ? { startedAt: c.startedAt } : {}),
        ...(c.exitedAt ? { finishedAt: c.exitedAt } : {}),
      };
      return [{ ...d, ...this.details.get(c.id) }];
    });
  }
  /** addImage puts an image in local storage under these names; resolves to it. */
  addImage(...names: string[]): LocalImage {
    const image: LocalImage = { id: createHash('sha256').update(names[0] ?? '').digest('hex'), names };
    for (const n of names) this.images.set(n, image);
    return image;
  }
  /** lookupImage resolves a short name to localhost/ first, as Podman does. */
  async lookupImage(ref: string): Promise<LocalImage | undefined> {
    this.record(`lookupImage ${ref}`);
    return this.images.get(ref) ?? (ref.includes('/') ? undefined : this.images.get(`localhost/${ref}`));
  }
  async pullImage(ref: string, onProgress?: (p: PullProgress) => void): Promise<string> {
    this.record(`pullImage ${ref}`);
    onProgress?.({ message: `Trying to pull ${ref}...`, layers: 0 });
    onProgress?.({ message: 'Copying blob sha256:0123456789ab', layers: 1 });
    return (this.images.get(ref) ?? this.addImage(ref)).id;
  }
  async volumeExists(name: string): Promise<boolean> {
    this.record(`volumeExists ${name}`);
    return this.volumes.has(name);
  }
  async inspectVolume(name: string): Promise<EngineVolume | undefined> {
    this.record(`inspectVolume ${name}`);
    const labels = this.volumes.get(name);
    return labels === undefined ? undefined : { name, labels: { ...labels }, mountpoint: `/fake/volumes/${name}/_data` };
  }
  async createVolume(name: string, labels: Record<string, string>): Promise<void> {
    this.record(`createVolume ${name}`);
    if (this.volumes.has(name)) throw new EngineError(`volume ${name} already exists`, 'createVolume', 409);
    this.volumes.set(name, labels);
  }
  async removeVolume(name: string): Promise<void> {
    this.record(`removeVolume ${name}`);
    if (!this.volumes.delete(name)) throw new EngineError(`no such volume ${name}`, 'removeVolume', 404);
  }
  /** Podman secrets by name (values as given). */
  readonly secrets = new Map<string, Buffer>();
  /** The labels each Podman secret was created with. */
  readonly secretLabels = new Map<string, Record<string, string>>();
  async createSecret(name: string, data: Buffer, labels: Record<string, string> = {}): Promise<void> {
    // As the adapter: the value is never in the call log.
    this.record(`createSecret ${name}`);
    if (this.secrets.has(name)) throw new EngineError(`cannot create secret ${name}: a Podman secret of that name exists already`, 'createSecret', 409);
    if (data.length === 0 || data.length >= 512_000) {
      // Podman 4.3.1's limit, in its words (answered with a 500).
      throw new EngineError(`cannot create secret ${name}: secret data must be larger than 0 and less than 512000 bytes`, 'createSecret', 500);
    }
    this.secrets.set(name, data);
    this.secretLabels.set(name, { ...labels });
  }
  async removeSecret(name: string): Promise<void> {
    this.record(`removeSecret ${name}`);
    this.secretLabels.delete(name);
    if (!this.secrets.delete(name)) throw new EngineError(`cannot remove secret ${name}: no secret with name or id "${name}": no such secret`, 'removeSecret', 404);
  }
  async listSecrets(): Promise<string[]> {
    this.record('listSecrets');
    return [...this.secrets.keys()].sort();
  }
  /** networks holds the networks made, by name. */
  readonly networks = new Map<string, EngineNetwork>();
  async inspectNetwork(name: string): Promise<EngineNetwork | undefined> {
    this.record(`inspectNetwork ${name}`);
    return this.networks.get(name);
  }
  async listNetworks(): Promise<EngineNetwork[]> {
    this.record('listNetworks');
    return [...this.networks.values()];
  }
  async createNetwork(spec: NetworkSpec): Promise<void> {
    this.record(`createNetwork ${spec.name} ${spec.subnet}`);
    if (this.networks.has(spec.name)) throw new EngineError(`network name ${spec.name} already used: network already exists`, 'createNetwork', 409);
    this.networks.set(spec.name, { name: spec.name, subnets: [spec.subnet], dnsEnabled: true, labels: { ...spec.labels } });
  }
  async removeNetwork(name: string): Promise<void> {
    this.record(`removeNetwork ${name}`);
    this.networks.delete(name);
  }
  async createPod(pod: DesiredPod): Promise<string> {
    this.record(`createPod ${pod.name}`);
    if (this.pods.has(pod.name)) throw new EngineError(`pod ${pod.name} already exists`, 'createPod', 409);
    const id = `pod${++this.seq}`;
    const infra: EngineContainer = this.container(`${id}-infra`, pod.name, true, 'localhost/podman-pause');
    infra.ports = pod.ports;
    this.pods.set(pod.name, { id, name: pod.name, status: 'Created', labels: { ...pod.labels }, containers: [infra] });
    return id;
  }
  async createContainer(pod: DesiredPod, c: DesiredContainer): Promise<string> {
    this.record(`createContainer ${c.name}`);
    const p = this.pods.get(pod.name);
    if (!p) throw new EngineError(`no pod ${pod.name}`, 'createContainer', 404);
    const ec = this.container(c.name, pod.name, false, c.image);
    ec.labels = { ...c.labels };
    p.containers.push(ec);
    return ec.id;
  }
  async startPod(name: string): Promise<void> {
    this.record(`startPod ${name}`);
    const p = this.pods.get(name);
    if (!p) throw new EngineError(`no pod ${name}`, 'startPod', 404);
    p.status = 'Running';
    for (const c of p.containers) c.state = 'running';
  }
  /** exitCodes: the code a container exits with once started (absent: it keeps running, as a sidecar or an app). */
  readonly exitCodes = new Map<string, number>();
  async startContainer(name: string): Promise<void> {
    this.record(`startContainer ${name}`);
    const { pod, c } = this.findContainer(name, 'startContainer');
    pod.status = 'Running';
    for (const x of pod.containers) if (x.isInfra) x.state = 'running';
    const code = this.exitCodes.get(c.name);
    c.state = code === undefined ? 'running' : 'exited';
    if (code !== undefined) c.exitCode = code;
  }
  async awaitContainerExit(name: string, _timeoutSeconds: number): Promise<number | undefined> {
    this.record(`awaitContainerExit ${name}`);
    const { c } = this.findContainer(name, 'awaitContainerExit');
    return c.state === 'exited' ? c.exitCode : undefined;
  }
  async stopContainer(name: string, _timeoutSeconds: number): Promise<void> {
    this.record(`stopContainer ${name}`);
    this.findContainer(name, 'stopContainer').c.state = 'exited';
  }
  private findContainer(name: string, op: string): { pod: EnginePod; c: EngineContainer } {
    for (const pod of this.pods.values()) {
      const c = pod.containers.find((x) => x.name === name || x.id === name);
      if (c) return { pod, c };
    }
    throw new EngineError(`no container ${name}`, op, 404);
  }
  private exitAll(name: string): void {
    const p = this.pods.get(name);
    if (p) for (const c of p.containers) c.state = 'exited';
  }
  async killPod(name: string, _signal?: string): Promise<void> {
    this.record(`killPod ${name}`);
    this.exitAll(name);
  }
  /** killPodAndAwaitCleanup kills through killPod (so spies see a SIGKILL); the fake cleans up at once. */
  async killPodAndAwaitCleanup(name: string): Promise<void> {
    if (!this.pods.has(name)) return;
    await this.killPod(name, 'SIGKILL');
  }
  async removePod(name: string, _o: RemoveOptions): Promise<void> {
    this.record(`removePod ${name}`);
    if (!this.pods.delete(name)) throw new EngineError(`no such pod ${name}`, 'removePod', 404);
  }
  async removeContainer(name: string): Promise<void> {
    this.record(`removeContainer ${name}`);
    for (const p of this.pods.values()) {
      const i = p.containers.findIndex((c) => c.name === name || c.id === name);
      if (i >= 0) {
        p.containers.splice(i, 1);
        return;
      }
    }
    throw new EngineError(`no container with name or ID "${name}" found: no such container`, 'removeContainer', 404);
  }
  calls(): readonly EngineCall[] {
    return [];
  }

  // --- logs, events, exec -------------------------------------------------------------------

  /** logLines holds, by container name or id, the frames containerLogs returns (tail/since applied). */
  readonly logLines = new Map<string, Array<LogFrame & { time: Date }>>();
  /** events is the event log listEvents filters. */
  readonly events: EngineEvent[] = [];
  /** execRun answers an exec session: what it writes and its exit code. */
  execRun: (container: string, spec: ExecSpec, stdin: string) => { stdout?: string; stderr?: string; exitCode: number } = () => ({ exitCode: 0 });
  /** resizes records execResize calls as `id rows x cols`. */
  readonly resizes: string[] = [];
  private readonly execs = new Map<string, { container: string; spec: ExecSpec; status: ExecStatus }>();

  async containerLogs(container: string, o: LogOptions, onFrame: (f: LogFrame) => void): Promise<void> {
    this.record(`containerLogs ${container}`);
    let lines = (this.logLines.get(container) ?? []).filter((l) => (o.since === undefined || l.time > o.since) && (o.until === undefined || l.time <= o.until));
    if (o.tail !== undefined && o.tail >= 0) lines = lines.slice(Math.max(0, lines.length - o.tail));
    for (const l of lines) {
      const prefix = o.timestamps ? `${l.time.toISOString().replace(/\.\d+Z$/, 'Z')} ` : '';
      onFrame({ stream: l.stream, data: Buffer.concat([Buffer.from(prefix), l.data]) });
    }
  }
  async followEvents(_onEvent: (e: EngineEvent) => void, signal: AbortSignal): Promise<{ ended: Promise<void> }> {
    this.record('followEvents');
    return { ended: new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })) };
  }

  async listEvents(f: EventFilter): Promise<EngineEvent[]> {
    this.record(`listEvents ${JSON.stringify(f)}`);
    return this.events.filter(
      (e) =>
        (f.type === undefined || e.type === f.type) &&
        (f.container === undefined || e.id === f.container || e.name === f.container) &&
        (f.event === undefined || e.action === f.event) &&
        (f.since === undefined || e.time >= f.since) &&
        (f.until === undefined || e.time <= f.until) &&
        Object.entries(f.labels ?? {}).every(([k, v]) => e.labels[k] === v),
    );
  }
  async execCreate(container: string, spec: ExecSpec): Promise<string> {
    this.record(`execCreate ${container} ${spec.command.join(' ')}`);
    const id = `exec${++this.seq}`;
    this.execs.set(id, { container, spec, status: { running: false, exitCode: 0 } });
    return id;
  }
  async execStart(execId: string, _o: ExecStartOptions, streams: ExecStreams): Promise<void> {
    this.record(`execStart ${execId}`);
    const e = this.execs.get(execId);
    if (!e) throw new EngineError(`no such exec session ${execId}`, 'execStart', 404);
    let input = '';
    if (streams.stdin) for await (const chunk of streams.stdin) input += String(chunk);
    const out = this.execRun(e.container, e.spec, input);
    if (out.stdout) streams.stdout.write(out.stdout);
    if (out.stderr) streams.stderr.write(out.stderr);
    e.status = { running: false, exitCode: out.exitCode };
  }
  async execResize(execId: string, rows: number, columns: number): Promise<void> {
    this.resizes.push(`${execId} ${rows}x${columns}`);
  }
  async execInspect(execId: string): Promise<ExecStatus> {
    const e = this.execs.get(execId);
    if (!e) throw new EngineError(`no such exec session ${execId}`, 'execInspect', 404);
    return e.status;
  }

  /** mutate lets a test change a pod behind kubeplay's back. */
  mutate(name: string, fn: (p: EnginePod) => void): void {
    const p = this.pods.get(name);
    if (p) fn(p);
  }

  private container(name: string, podName: string, isInfra: boolean, image: string): EngineContainer {
    return { id: `c${++this.seq}`, name, podName, isInfra, image, state: 'created', exitCode: 0, restartCount: 0, labels: {}, ports: [] };
  }
}
