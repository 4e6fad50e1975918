/**
 * runLogs: `kubeplay logs POD [-c CONTAINER | --all-containers] [-f] [--tail=N] [--since=D]
 * [--timestamps] [--prefix] [-p]`. It finds the pod as get does, picks the container as kubectl
 * does, and streams Podman's log of it to a sink; it changes nothing.
 *
 * Podman keeps one log file per container across restarts (k8s-file driver: the lines of every
 * run, each with its time), where the kubelet keeps one log per run. So the runs are told apart
 * by time: each `died` event of the container ends a run. The current run is the lines after the
 * last death (or, for a container that is down, between the last two); -p/--previous is the run
 * before it. What Podman does not keep cannot be shown: the logs of init containers (Podman
 * removes them once they ran) and runs whose `died` events the event log no longer holds.
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { BadRequestError, NotFoundError, UsageError } from '../domain/errors';
import type { ContainerEngine, LogFrame } from '../engine/container-engine';
import { chooseContainer } from './choose-container';
import { observeGet } from '../observe/observe-pods';
import { podOfArgument } from './pick-pod';
import type { ObjectStore } from '../store/object-store';

/** LogsOptions are logs' arguments and flags, typed. */
export interface LogsOptions {
  pod: string;
  /** -n: the pod's namespace (`default` when absent). */
  namespace?: string;
  container?: string;
  allContainers: boolean;
  follow: boolean;
  /** Lines from the end; -1 for all. */
  tail: number;
  /** Only lines newer than this many seconds. */
  sinceSeconds?: number;
  timestamps: boolean;
  prefix: boolean;
  previous: boolean;
}

/** LogsDeps are what logs needs from outside. */
export interface LogsDeps {
  engine: () => Promise<ContainerEngine>;
  now: () => Date;
  /** The object store, to find a workload's pods (`deploy/web`); absent: only pods can be named. */
  store?: () => ObjectStore;
  /** Told kubectl's note when a workload has several pods (`Found 3 pods, using pod/...`). */
  note?: (line: string) => void;
}

/** LogsSink receives the log bytes (stdout) and kubectl's notes (stderr). */
export interface LogsSink {
  out: (data: Buffer | string) => void;
  note: (text: string) => void;
}

/** parseDuration reads a Go duration (`10s`, `5m`, `1h30m`, `1.5h`, `300ms`) as seconds; kubectl's --since takes these. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]!]!;
    at = re.lastIndex;
  }
  if (text === '' || at !== text.length) throw new UsageError(`invalid argument "${text}" for "--since" flag: time: invalid duration "${text}" (use e.g. 10s, 5m, 1h30m)`);
  return total;
}

/** validateLogsOptions checks the flags as kubectl's LogsOptions.Validate does. */
export function validateLogsOptions(o: LogsOptions): void {
  if (o.pod === '') throw new UsageError('expected POD or TYPE/NAME as an argument: kubeplay logs POD [-c CONTAINER]');
  if (o.allContainers && o.container !== undefined && o.container !== '') {
    throw new UsageError(`--all-containers=true should not be specified with container name ${o.container}`);
  }
  if (!Number.isInteger(o.tail) || o.tail < -1) throw new UsageError(`--tail must be -1 (all lines) or a number of lines, got ${o.tail}`);
  if (o.sinceSeconds !== undefined && !(o.sinceSeconds > 0)) throw new UsageError('--since must be greater than 0');
}

/** LogWindow is a run of a container as a span of log time: after `since`, up to `until`. */
export interface LogWindow {
  since?: Date;
  until?: Date;
}

/**
 * runWindows splits a container's log into runs by its `died` times (oldest first). A container
 * that is down has no run after its last death. Returns the runs oldest first; the last one is
 * the current run.
 */
export function runWindows(deaths: readonly Date[], down: boolean): LogWindow[] {
  const runs: LogWindow[] = [];
  let since: Date | undefined;
  for (const d of deaths) {
    runs.push(since ? { since, until: d } : { until: d });
    since = d;
  }
  if (!down || deaths.length === 0) runs.push(since ? { since } : {});
  return runs;
}

/** Prefixer puts `[pod/NAME/CONTAINER] ` before every line, across frames that split lines. */
class Prefixer {
  private atLineStart = true;
  constructor(private readonly prefix: string) {}
  apply(data: Buffer): string {
    const text = data.toString('utf8');
    let out = '';
    for (const part of text.split(/(?<=\n)/)) {
      if (part === '') continue;
      out += (this.atLineStart ? this.prefix : '') + part;
      this.atLineStart = part.endsWith('\n');
    }
    return out;
  }
}

/** Target is one container to read, with the Podman id and the window to read. */
interface Target {
  name: string;
  id: string;
  window: LogWindow;
  /** Cut to the last N lines here: Podman applies tail before since/until. */
  tailHere: boolean;
}

function statusOf(pod: V1Pod, name: string): V1ContainerStatus | undefined {
  const st = pod.status ?? {};
  return [...(st.containerStatuses ?? []), ...(st.initContainerStatuses ?? [])].find((s) => s.name === name);
}

async function targetFor(engine: ContainerEngine, pod: V1Pod, name: string, o: LogsOptions): Promise<Target> {
  const podName = pod.metadata?.name ?? '';
  const status = statusOf(pod, name);
  const id = (status?.containerID ?? '').replace(/^podman:\/\//, '');
  if (id === '') {
    if (status?.state?.terminated) {
      throw new BadRequestError(`container "${name}" in pod "${podName}" has run and Podman removed it (Podman removes init containers once they ran), so its logs are gone`);
    }
    const reason = status?.state?.waiting?.reason ?? 'ContainerCreating';
    throw new BadRequestError(`container "${name}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  const [detail] = await engine.inspectContainers([id]);
  if (detail === undefined) throw new NotFoundError([{ name: podName }]);
  // Made but never started (its pod is still starting, or an init container failed): no log yet.
  if ((detail.state === 'created' || detail.state === 'initialized') && detail.restartCount === 0 && detail.startedAt === undefined) {
    throw new BadRequestError(`container "${name}" in pod "${podName}" is waiting to start: ${status?.state?.waiting?.reason ?? 'ContainerCreating'}`);
  }
  let window: LogWindow = {};
  if (detail.restartCount > 0 || o.previous) {
    const deaths = (await engine.listEvents({ type: 'container', container: id, event: 'died' })).map((e) => e.time);
    const down = detail.state === 'exited' || detail.state === 'stopped';
    const runs = runWindows(deaths, down);
    const chosen = o.previous ? runs[runs.length - 2] : runs[runs.length - 1];
    if (chosen === undefined) throw new BadRequestError(`previous terminated container "${name}" in pod "${podName}" not found`);
    window = chosen;
  }
  return { name, id, window, tailHere: window.until !== undefined };
}

/** runLogs runs logs; see the module comment. Resolves when every log has ended, or when the signal aborts a follow. */
export async function runLogs(o: LogsOptions, deps: LogsDeps, sink: LogsSink, signal?: AbortSignal): Promise<void> {
  validateLogsOptions(o);
  const engine = await deps.engine();
  const picked = await podOfArgument(o.pod, o.namespace, engine, deps.store);
  if (picked.note !== undefined) deps.note?.(picked.note);
  o = { ...o, pod: picked.pod };
  const found = await observeGet({ names: [o.pod], fields: [], inspectAll: true, single: true, namespace: o.namespace ?? 'default' }, engine, deps.now);
  const pod = found.pods[0];
  if (pod === undefined) throw new NotFoundError([{ name: o.pod }]);

  let names: string[];
  if (o.allContainers) {
    // kubectl's order: init containers, then app containers. Removed init containers have no logs left.
    const init = (pod.spec?.initContainers ?? []).map((c) => c.name).filter((n) => (statusOf(pod, n)?.containerID ?? '') !== '');
    names = [...init, ...(pod.spec?.containers ?? []).map((c) => c.name)];
  } else {
    const chosen = chooseContainer(pod, o.container);
    if (chosen.note !== '') sink.note(chosen.note);
    names = [chosen.name];
  }
  const targets = await Promise.all(names.map((n) => targetFor(engine, pod, n, o)));
  const since = o.sinceSeconds !== undefined ? new Date(deps.now().getTime() - o.sinceSeconds * 1000) : undefined;

  const read = async (t: Target) => {
    const prefixer = o.prefix ? new Prefixer(`[pod/${o.pod}/${t.name}] `) : undefined;
    const windowSince = t.window.since && since ? (t.window.since > since ? t.window.since : since) : (t.window.since ?? since);
    const kept: LogFrame[] = [];
    const emit = (f: LogFrame) => sink.out(prefixer ? prefixer.apply(f.data) : f.data);
    await engine.containerLogs(
      t.id,
      {
        follow: o.follow && !t.tailHere,
        timestamps: o.timestamps,
        ...(o.tail >= 0 && !t.tailHere ? { tail: o.tail } : {}),
        ...(windowSince ? { since: windowSince } : {}),
        ...(t.window.until ? { until: t.window.until } : {}),
      },
      t.tailHere && o.tail >= 0 ? (f) => kept.push(f) : emit,
      signal,
    );
    if (t.tailHere && o.tail >= 0) kept.slice(Math.max(0, kept.length - o.tail)).forEach(emit);
  };
  // Followed logs run side by side (kubectl follows every container at once); others one after the other.
  if (o.follow) await Promise.all(targets.map(read));
  else for (const t of targets) await read(t);
}
