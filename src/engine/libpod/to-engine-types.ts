/**
 * Mappers from Podman's reports (wire-types.ts) to the port's types (container-engine.ts):
 * pods, containers, inspections, published ports, states and events. Pure.
 */
import type { PortMapping } from '../../domain/types';
import type { LocalImage } from '../../domain/image-ref';
import { byText } from '../../domain/order';
import type { ContainerState, EngineContainer, EngineContainerDetail, EngineEvent, EnginePod, ExecStatus } from '../container-engine';
import type {
  ContainerInspectReport,
  ContainerListReport,
  EventReport,
  ExecInspectReport,
  ImageInspectReport,
  PodListReport,
  PortReport,
} from './wire-types';
import { parseJson } from './podman-answers';

/** toEnginePod maps a pod of the pod listing, with its containers sorted by name. */
export function toEnginePod(r: PodListReport): EnginePod {
  const pod: EnginePod = {
    id: r.Id,
    name: r.Name,
    status: r.Status,
    labels: { ...(r.Labels ?? {}) },
    containers: (r.Containers ?? [])
      .map((c): EngineContainer => ({
        id: c.Id,
        name: c.Names,
        podName: r.Name,
        isInfra: c.Id === r.InfraId,
        // The pod listing carries no image, exit code or labels; listContainers has them.
        image: '',
        state: toState(c.Status),
        exitCode: 0,
        restartCount: c.RestartCount ?? 0,
        labels: {},
        ports: [],
      }))
      .sort((a, b) => byText(a.name, b.name)),
  };
  const created = toDate(r.Created);
  if (created !== undefined) pod.createdAt = created;
  return pod;
}

/** toEngineContainer maps a container of the container listing. */
export function toEngineContainer(r: ContainerListReport): EngineContainer {
  const c: EngineContainer = {
    id: r.Id,
    name: r.Names?.[0] ?? r.Id,
    podName: r.PodName ?? '',
    isInfra: r.IsInfra === true,
    image: r.Image ?? '',
    state: toState(r.State ?? ''),
    exitCode: r.ExitCode ?? 0,
    // Podman 4.3's listing has no restart count (later versions add `Restarts`).
    restartCount: r.Restarts ?? 0,
    labels: { ...(r.Labels ?? {}) },
    ports: (r.Ports ?? []).flatMap(toPortMappings),
  };
  // Podman reports "never" as Go's zero time: -62135596800 seconds.
  if (r.StartedAt !== undefined && r.StartedAt > 0) c.startedAt = new Date(r.StartedAt * 1000);
  if (r.ExitedAt !== undefined && r.ExitedAt > 0) c.exitedAt = new Date(r.ExitedAt * 1000);
  if (r.Pod !== undefined && r.Pod !== '') c.podId = r.Pod;
  const created = toDate(r.Created);
  if (created !== undefined) c.createdAt = created;
  return c;
}

/** toContainerDetail maps a container inspection. */
export function toContainerDetail(r: ContainerInspectReport): EngineContainerDetail {
  const st = r.State ?? {};
  const networks = Object.values(r.NetworkSettings?.Networks ?? {});
  const ip = r.NetworkSettings?.IPAddress || networks.map((n) => n.IPAddress ?? '').find((a) => a !== '') || '';
  const d: EngineContainerDetail = {
    id: r.Id,
    name: (r.Name ?? r.Id).replace(/^\//, ''),
    podId: r.Pod ?? '',
    isInfra: r.IsInfra === true,
    state: toState(st.Status ?? ''),
    exitCode: st.ExitCode ?? 0,
    restartCount: r.RestartCount ?? 0,
    oomKilled: st.OOMKilled === true,
    restartPolicy: r.HostConfig?.RestartPolicy?.Name ?? '',
    // Podman 4.3 names it Health; the Docker-compatible spelling Healthcheck is read too.
    health: st.Health?.Status ?? st.Healthcheck?.Status ?? '',
    ip,
    error: st.Error ?? '',
    pid: st.Pid ?? 0,
  };
  const started = toDate(st.StartedAt);
  if (started !== undefined) d.startedAt = started;
  const finished = toDate(st.FinishedAt);
  if (finished !== undefined) d.finishedAt = finished;
  const log = st.Health?.Log;
  if (Array.isArray(log) && log.length > 0) {
    d.healthLog = log.flatMap((h) => {
      const start = toDate(h.Start);
      return start ? [{ start, exitCode: h.ExitCode ?? 0, output: h.Output ?? '' }] : [];
    });
  }
  return d;
}

/** toLocalImage maps an image inspection: its ID without `sha256:` and its names. */
export function toLocalImage(r: ImageInspectReport): LocalImage {
  return { id: (r.Id ?? '').replace(/^sha256:/, ''), names: r.RepoTags ?? [] };
}

/** toExecStatus maps an exec session's inspection. */
export function toExecStatus(r: ExecInspectReport): ExecStatus {
  return { running: r.Running === true, exitCode: r.ExitCode ?? 0 };
}

/** toPortMappings expands one published port report into one mapping per port and protocol. */
export function toPortMappings(p: PortReport): PortMapping[] {
  const protocols = (p.protocol ?? 'tcp').split(',');
  const out: PortMapping[] = [];
  // `range` publishes consecutive ports; Podman's protocol field may list several.
  for (let i = 0; i < Math.max(1, p.range ?? 1); i++) {
    for (const proto of protocols) {
      out.push({
        hostIP: p.host_ip ?? '',
        hostPort: p.host_port + i,
        containerPort: p.container_port + i,
        protocol: proto === 'udp' || proto === 'sctp' ? proto : 'tcp',
      });
    }
  }
  return out;
}

const STATES: ReadonlySet<string> = new Set([
  'created',
  'initialized',
  'running',
  'paused',
  'stopping',
  'stopped',
  'exited',
  'removing',
]);

/** toState maps Podman's state word (any case; `configured` is created) to a ContainerState. */
export function toState(s: string): ContainerState {
  const lower = s.toLowerCase();
  if (lower === 'configured') return 'created';
  return STATES.has(lower) ? (lower as ContainerState) : 'unknown';
}

/** isActiveState: the container runs (running, paused or stopping), so a stop has work to do. */
export function isActiveState(s: string): boolean {
  const st = toState(s);
  return st === 'running' || st === 'paused' || st === 'stopping';
}

/** toDate reads an RFC 3339 time; Go's zero time and unreadable text are undefined. */
export function toDate(s: string | undefined): Date | undefined {
  if (s === undefined || s === '') return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) || d.getTime() <= 0 ? undefined : d;
}

// Event attributes that are Podman's own, not the container's labels.
const EVENT_ATTRIBUTES: ReadonlySet<string> = new Set(['name', 'image', 'podId', 'containerExitCode', 'health_status']);

/** toEngineEvent maps one event; the container's labels are its attributes that are not Podman's own. */
export function toEngineEvent(r: EventReport): EngineEvent {
  const attrs = r.Actor?.Attributes ?? {};
  const nano = typeof r.timeNano === 'string' ? BigInt(r.timeNano) : BigInt(Math.round(r.timeNano ?? (r.time ?? 0) * 1e9));
  const e: EngineEvent = {
    time: new Date(Number(nano / 1_000_000n)),
    timeNano: nano,
    type: r.Type ?? '',
    action: r.Action ?? r.status ?? '',
    id: r.Actor?.ID ?? r.id ?? '',
    name: attrs['name'] ?? '',
    podId: attrs['podId'] ?? '',
    labels: Object.fromEntries(Object.entries(attrs).filter(([k]) => !EVENT_ATTRIBUTES.has(k))),
  };
  if (e.action === 'died' && attrs['containerExitCode'] !== undefined) e.exitCode = Number(attrs['containerExitCode']);
  const health = r.HealthStatus ?? attrs['health_status'];
  if (health !== undefined && health !== '') e.healthStatus = health;
  return e;
}

/**
 * toEngineEvents reads the lines of GET /events?stream=false. JSON numbers lose timeNano's last
 * digits, so the exact ones are taken from the text.
 */
export function toEngineEvents(text: string): EngineEvent[] {
  return text
    .split('\n')
    .map((line) => {
      const report = parseJson(line) as EventReport | undefined;
      const nano = /"timeNano":(\d+)/.exec(line)?.[1];
      return report !== undefined && nano !== undefined ? { ...report, timeNano: nano } : report;
    })
    .filter((e): e is EventReport => e !== undefined && typeof e === 'object')
    .map(toEngineEvent);
}
