/**
 * The prober's decisions, pure, as the kubelet's probe workers make them (kubernetes
 * pkg/kubelet/prober/worker.go), over a record kept between commands instead of a worker's memory:
 *
 * - A container's probes are counted from its current run: a new container id, or a new start
 *   time (Podman restarted it, or the prober did), begins the count again; liveness restarts kubeplay
 *   made are kept for the container's whole life (RESTARTS adds them to Podman's count).
 * - Initial results: readiness Failure, liveness Success, startup Unknown (not started).
 * - While a startupProbe has not succeeded, liveness and readiness are not run; once it has, it is
 *   not run again (for this run of the container).
 * - No probe runs before initialDelaySeconds since the container started, nor before periodSeconds
 *   since its last run. A command runs each probe that is due once: commands are not a clock.
 * - A result flips only after failureThreshold consecutive failures or successThreshold
 *   consecutive successes (worker.go's resultRun); every failed run records the kubelet's Unhealthy
 *   event (`Readiness probe failed: ...`).
 * - A liveness or startup probe that flips to Failure kills the container (Killing: `Container NAME
 *   failed liveness probe, will be restarted`), restarted unless the pod's restartPolicy is Never;
 *   the probe is then on hold until the container runs again.
 * - Ready = running and started and (no readiness probe, or its result is Success). The record
 *   keeps when that last changed: the conditions' lastTransitionTime and minReadySeconds read it.
 */
import type { V1Probe } from '@kubernetes/client-node';

/** ProbeKind names the three probes, in the order a worker looks at them. */
export type ProbeKind = 'startup' | 'liveness' | 'readiness';
export const PROBE_KINDS: readonly ProbeKind[] = ['startup', 'liveness', 'readiness'];

/** ProbeOutcome is one run's result, in the kubelet's terms, and its output (the failure's words). */
export interface ProbeOutcome {
  result: 'success' | 'failure';
  output: string;
  /** The run could not be made (the container's exec failed, ...): the event says `errored`. */
  errored?: boolean;
}

/** ProbeSettings are a probe's timings with the API server's defaults (SetDefaults_Probe). */
export interface ProbeSettings {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

/** settingsOf applies Kubernetes' defaults to a probe's timings (0 or absent: the default). */
export function settingsOf(p: V1Probe): ProbeSettings {
  const pos = (n: number | undefined, d: number) => (n !== undefined && n > 0 ? n : d);
  return {
    initialDelaySeconds: p.initialDelaySeconds !== undefined && p.initialDelaySeconds > 0 ? p.initialDelaySeconds : 0,
    periodSeconds: pos(p.periodSeconds, 10),
    timeoutSeconds: pos(p.timeoutSeconds, 1),
    successThreshold: pos(p.successThreshold, 1),
    failureThreshold: pos(p.failureThreshold, 3),
  };
}

/** ProbeRun is what is kept of one probe of one container's current run. */
export interface ProbeRun {
  /** The result in force: what the container's readiness, start and liveness follow. */
  result: 'success' | 'failure' | 'unknown';
  /** The last run's result and how many runs in a row had it (worker.go's lastResult, resultRun). */
  lastResult?: 'success' | 'failure';
  streak: number;
  /** When it last ran (ISO time). */
  lastRunAt?: string;
  /** The last failure's words. */
  lastMessage?: string;
  /** After a liveness or startup failure killed the container: not run until it runs again. */
  onHold?: boolean;
}

/** ContainerRecord is what is kept of one container. */
export interface ContainerRecord {
  id: string;
  /** The start of the run the probes count (ISO). */
  startedAt: string;
  /** Set when the prober killed this run (a liveness or startup failure): it shows neither ready nor started, and is not probed. */
  killed?: boolean;
  /** Restarts kubeplay made after liveness or startup failures (Podman's restart count does not see them). */
  restarts: number;
  probes: Partial<Record<ProbeKind, ProbeRun>>;
  ready: boolean;
  /** When `ready` last changed (ISO): the Ready and ContainersReady conditions' lastTransitionTime. */
  readyChangedAt?: string;
}

/** ProbeEvent is one kubelet event the prober recorded, aggregated as the API server aggregates repeats. */
export interface ProbeEvent {
  container: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  count: number;
  first: string;
  last: string;
}

/** PodRecord is what is kept of one Podman pod (ProbeRecords stores it as JSON). */
export interface PodRecord {
  version: 1;
  podId: string;
  containers: Record<string, ContainerRecord>;
  events: ProbeEvent[];
}

/** MAX_EVENTS bounds the events kept per pod (the newest stay), as the API server's events expire. */
export const MAX_EVENTS = 50;

/** asPodRecord reads a kept record, or undefined when it is not one of this pod (or of this version). */
export function asPodRecord(v: unknown, podId: string): PodRecord | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Partial<PodRecord>;
  if (r.version !== 1 || r.podId !== podId || typeof r.containers !== 'object' || r.containers === null || !Array.isArray(r.events)) return undefined;
  return r as PodRecord;
}

/** ObservedContainer is a container as the prober sees it now. */
export interface ObservedContainer {
  /** The container's name in the manifest. */
  name: string;
  id: string;
  running: boolean;
  startedAt?: Date;
  probes: Partial<Record<ProbeKind, V1Probe>>;
}

/** DueProbe is a probe to run now. */
export interface DueProbe {
  container: string;
  kind: ProbeKind;
  probe: V1Probe;
  settings: ProbeSettings;
}

/** ContainerView is what the v1 Pod shows of a container's probes. */
export interface ContainerView {
  ready: boolean;
  started: boolean;
  /** Restarts to add to Podman's count. */
  restarts: number;
  readyChangedAt?: Date;
}

const initialResult = (k: ProbeKind): ProbeRun['result'] => (k === 'readiness' ? 'failure' : k === 'liveness' ? 'success' : 'unknown');

/** hasProbes tells whether any container has a probe the prober runs. */
export function hasProbes(containers: readonly ObservedContainer[]): boolean {
  return containers.some((c) => PROBE_KINDS.some((k) => c.probes[k] !== undefined));
}

/**
 * freshRecord brings the record in step with what runs now: records of containers that are gone or
 * were made again are dropped, a new run starts the probes' counts again. It returns a new record.
 */
export function freshRecord(prev: PodRecord | undefined, podId: string, containers: readonly ObservedContainer[], now: Date): PodRecord {
  const out: PodRecord = { version: 1, podId, containers: {}, events: prev?.events.map((e) => ({ ...e })) ?? [] };
  for (const c of containers) {
    const old = prev?.containers[c.name];
    const started = c.startedAt?.toISOString() ?? '';
    const same = old !== undefined && old.id === c.id;
    if (same && old.startedAt === started && started !== '') {
      out.containers[c.name] = structuredClone(old);
      continue;
    }
    const rec: ContainerRecord = { id: c.id, startedAt: started, restarts: same ? old.restarts : 0, probes: {}, ready: false };
    for (const k of PROBE_KINDS) {
      if (!c.probes[k]) continue;
      rec.probes[k] = { result: initialResult(k), streak: 0 };
      // The kubelet's worker outlives a restart and keeps its period: a container restarted after a
      // liveness failure is probed a period after the last run, not at once.
      const last = same ? old.probes[k]?.lastRunAt : undefined;
      if (last !== undefined) rec.probes[k].lastRunAt = last;
    }
    if (same && old.ready) rec.readyChangedAt = c.startedAt?.toISOString() ?? now.toISOString();
    else if (same && old.readyChangedAt) rec.readyChangedAt = old.readyChangedAt;
    out.containers[c.name] = rec;
  }
  for (const c of containers) if (!out.containers[c.name]!.killed) settle(out.containers[c.name]!, c, now);
  return out;
}

/** isStarted: running, and its startupProbe (if any) has succeeded. */
function isStarted(rec: ContainerRecord, c: ObservedContainer): boolean {
  return c.running && (c.probes.startup === undefined || rec.probes.startup?.result === 'success');
}

/** settle recomputes the container's readiness and, when it changed, when. */
function settle(rec: ContainerRecord, c: ObservedContainer, now: Date): void {
  const ready = isStarted(rec, c) && (c.probes.readiness === undefined || rec.probes.readiness?.result === 'success');
  if (ready !== rec.ready) {
    rec.ready = ready;
    // A container ready without a readiness probe became ready when it started.
    rec.readyChangedAt = ready && c.probes.readiness === undefined && c.probes.startup === undefined && c.startedAt ? c.startedAt.toISOString() : now.toISOString();
  }
}

/** dueProbes lists the probes to run now, in container order, startup before liveness before readiness. */
export function dueProbes(rec: PodRecord, containers: readonly ObservedContainer[], now: Date): DueProbe[] {
  const out: DueProbe[] = [];
  for (const c of containers) {
    const r = rec.containers[c.name];
    if (!c.running || r === undefined || r.killed || r.startedAt === '' || c.startedAt === undefined) continue;
    const ranFor = now.getTime() - c.startedAt.getTime();
    for (const kind of PROBE_KINDS) {
      const probe = c.probes[kind];
      const run = r.probes[kind];
      if (probe === undefined || run === undefined || run.onHold) continue;
      if (kind === 'startup' && run.result === 'success') continue;
      if (kind !== 'startup' && !isStarted(r, c)) continue;
      const s = settingsOf(probe);
      if (ranFor < s.initialDelaySeconds * 1000) continue;
      // A little slack: a command run every periodSeconds by the clock should find it due.
      if (run.lastRunAt !== undefined && now.getTime() - Date.parse(run.lastRunAt) < s.periodSeconds * 1000 - 100) continue;
      out.push({ container: c.name, kind, probe, settings: s });
    }
  }
  return out;
}

/** KILL: a container the prober must kill, and whether it is started again. */
export interface Kill {
  container: string;
  kind: 'liveness' | 'startup';
  restart: boolean;
}

const TITLE: Record<ProbeKind, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

/**
 * recordOutcomes counts the runs' outcomes into the record (in place), as worker.go does, records
 * the kubelet's events, and returns the containers to kill. `restartPolicy` is the pod's.
 */
export function recordOutcomes(
  rec: PodRecord,
  containers: readonly ObservedContainer[],
  ran: ReadonlyArray<{ due: DueProbe; outcome: ProbeOutcome }>,
  restartPolicy: string,
  now: Date,
): Kill[] {
  const kills: Kill[] = [];
  const at = now.toISOString();
  for (const { due, outcome } of ran) {
    const r = rec.containers[due.container];
    const run = r?.probes[due.kind];
    if (r === undefined || run === undefined) continue;
    run.lastRunAt = at;
    if (outcome.result === 'failure') {
      run.lastMessage = outcome.output;
      const words = outcome.errored ? `${TITLE[due.kind]} probe errored: ${outcome.output}` : `${TITLE[due.kind]} probe failed: ${outcome.output}`;
      addEvent(rec, { container: due.container, type: 'Warning', reason: 'Unhealthy', message: words }, at);
    }
    if (run.lastResult === outcome.result) run.streak++;
    else {
      run.lastResult = outcome.result;
      run.streak = 1;
    }
    const below =
      (outcome.result === 'failure' && run.streak < due.settings.failureThreshold) || (outcome.result === 'success' && run.streak < due.settings.successThreshold);
    if (below) continue;
    run.result = outcome.result;
    if ((due.kind === 'liveness' || due.kind === 'startup') && outcome.result === 'failure') {
      run.onHold = true;
      run.streak = 0;
      const restart = restartPolicy !== 'Never';
      kills.push({ container: due.container, kind: due.kind, restart });
      const message = `Container ${due.container} failed ${due.kind} probe${restart ? ', will be restarted' : ''}`;
      addEvent(rec, { container: due.container, type: 'Normal', reason: 'Killing', message }, at);
    }
  }
  for (const c of containers) {
    const r = rec.containers[c.name];
    if (r !== undefined && !r.killed) settle(r, c, now);
  }
  return kills;
}

/** recordKilled notes that the prober killed (and maybe restarted) the container: its run is over. */
export function recordKilled(rec: PodRecord, kill: Kill, now: Date): void {
  const r = rec.containers[kill.container];
  if (r === undefined) return;
  if (kill.restart) r.restarts++;
  r.killed = true;
  if (r.ready) {
    r.ready = false;
    r.readyChangedAt = now.toISOString();
  }
}

function addEvent(rec: PodRecord, e: Omit<ProbeEvent, 'count' | 'first' | 'last'>, at: string): void {
  const same = rec.events.find((x) => x.container === e.container && x.type === e.type && x.reason === e.reason && x.message === e.message);
  if (same) {
    same.count++;
    same.last = at;
  } else {
    rec.events.push({ ...e, count: 1, first: at, last: at });
  }
  if (rec.events.length > MAX_EVENTS) {
    rec.events.sort((a, b) => Date.parse(a.last) - Date.parse(b.last));
    rec.events.splice(0, rec.events.length - MAX_EVENTS);
  }
}

/** viewOf is what the v1 Pod shows of a container: ready, started, kubeplay's restarts, when readiness changed. */
export function viewOf(rec: PodRecord | undefined, c: ObservedContainer): ContainerView {
  const r = rec?.containers[c.name];
  if (r === undefined || r.id !== c.id) {
    // Never probed: nothing is known to have passed.
    const started = c.running && c.probes.startup === undefined;
    return { ready: started && c.probes.readiness === undefined, started, restarts: 0 };
  }
  const fresh = !r.killed && r.startedAt !== '' && r.startedAt === (c.startedAt?.toISOString() ?? '');
  const started = fresh && isStarted(r, c);
  const v: ContainerView = { ready: fresh && r.ready, started, restarts: r.restarts };
  if (r.readyChangedAt) v.readyChangedAt = new Date(r.readyChangedAt);
  return v;
}
