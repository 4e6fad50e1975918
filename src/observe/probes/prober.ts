/**
 * The prober: runs the readiness, liveness and startup probes that are due on the pods a command
 * observes, and tells what the v1 Pods show of them (ready, started, restarts, when readiness
 * changed) and the kubelet's events. kubeplay has no daemon, so probes run while a command looks at
 * pods (docs/probes.md): each command runs the probes due by then, once; what they found is kept
 * between commands through the ProbeRecords port, so thresholds count across commands.
 *
 * A liveness (or startup) probe that reaches its failureThreshold kills the container through the
 * engine and starts it again unless the pod's restartPolicy is Never, as the kubelet does: the one
 * change a look at pods can make.
 */
import type { V1Container, V1ContainerPort, V1Pod } from '@kubernetes/client-node';
import type { ContainerEngine } from '../../engine/container-engine';
import type { ProbeRecords } from '../../store/probe-records';
import type { ProbeHandlers } from './handlers';
import {
  asPodRecord,
  dueProbes,
  freshRecord,
  hasProbes,
  recordKilled,
  recordOutcomes,
  viewOf,
  type ContainerView,
  type DueProbe,
  type ObservedContainer,
  type PodRecord,
  type ProbeEvent,
  type ProbeOutcome,
} from './worker';

/** PodProbes is what the prober tells of one pod: each container's view (by manifest name) and the events. */
export interface PodProbes {
  views: Record<string, ContainerView>;
  events: ProbeEvent[];
}

/** ProbedPod is a pod as the prober needs it: its Podman id, IP, spec and containers as observed. */
export interface ProbedPod {
  podId: string;
  ip: string;
  spec: NonNullable<V1Pod['spec']>;
  containers: ReadonlyArray<{ name: string; id: string; running: boolean; startedAt?: Date }>;
}

/** ProberDeps are the prober's ports: the records, the handlers, the engine (to kill and start containers), the clock. */
export interface ProberDeps {
  records: ProbeRecords;
  handlers: ProbeHandlers;
  engine: Pick<ContainerEngine, 'stopContainer' | 'startContainer'>;
  now: () => Date;
}

/** At most this many probes run at once in one command (each is a connection or an exec). */
const CONCURRENCY = 16;

/** probedContainers lists the containers whose probes run: app containers, and sidecars' liveness and readiness. */
export function probedContainers(p: ProbedPod): ObservedContainer[] {
  const byName = new Map(p.containers.map((c) => [c.name, c]));
  const of = (spec: V1Container, sidecar: boolean): ObservedContainer => {
    const c = byName.get(spec.name);
    const o: ObservedContainer = { name: spec.name, id: c?.id ?? '', running: c?.running ?? false, probes: {} };
    if (c?.startedAt) o.startedAt = c.startedAt;
    if (spec.readinessProbe) o.probes.readiness = spec.readinessProbe;
    if (spec.livenessProbe) o.probes.liveness = spec.livenessProbe;
    // A sidecar's startupProbe runs in its start sequence (execute/start-sequence.ts), before the app containers.
    if (spec.startupProbe && !sidecar) o.probes.startup = spec.startupProbe;
    return o;
  };
  return [
    ...(p.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => of(c, true)),
    ...(p.spec.containers ?? []).map((c) => of(c, false)),
  ];
}

/** needsProbing tells whether a pod has any probe the prober runs (so whether it needs the pod's IP and record). */
export function needsProbing(spec: V1Pod['spec'] | undefined): boolean {
  if (!spec) return false;
  return [...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(spec.containers ?? [])].some(
    (c) => c.readinessProbe !== undefined || c.livenessProbe !== undefined || c.startupProbe !== undefined,
  );
}

/** Prober runs the probes of the pods a command observes; see the module comment. */
export class Prober {
  constructor(private readonly deps: ProberDeps) {}

  /** probe runs what is due on each pod (pods in parallel) and resolves to what each shows, by pod id. */
  async probe(pods: readonly ProbedPod[]): Promise<Map<string, PodProbes>> {
    const out = new Map<string, PodProbes>();
    const limit = limiter(CONCURRENCY);
    await Promise.all(
      pods.map(async (p) => {
        const containers = probedContainers(p);
        if (!hasProbes(containers)) return;
        out.set(p.podId, await this.probeOne(p, containers, limit));
      }),
    );
    return out;
  }

  /** sweep forgets the records of pods that no longer exist (`live`: every pod id Podman lists). */
  sweep(live: ReadonlySet<string>): Promise<number> {
    return this.deps.records.sweep(live);
  }

  private async probeOne(p: ProbedPod, containers: ObservedContainer[], limit: Limiter): Promise<PodProbes> {
    let rec: PodRecord | undefined;
    try {
      rec = await this.deps.records.update(p.podId, async (prev) => {
        const now = this.deps.now();
        const next = freshRecord(asPodRecord(prev, p.podId), p.podId, containers, now);
        const due = dueProbes(next, containers, now);
        const ran = await Promise.all(due.map((d) => limit(() => this.runOne(p, d).then((outcome) => ({ due: d, outcome })))));
        const after = this.deps.now();
        const kills = recordOutcomes(next, containers, ran, p.spec.restartPolicy ?? 'Always', after);
        for (const k of kills) {
          const c = containers.find((x) => x.name === k.container);
          if (c === undefined || c.id === '') continue;
          const spec = [...(p.spec.initContainers ?? []), ...(p.spec.containers ?? [])].find((x) => x.name === k.container);
          const probe = k.kind === 'liveness' ? spec?.livenessProbe : spec?.startupProbe;
          const grace = probe?.terminationGracePeriodSeconds ?? p.spec.terminationGracePeriodSeconds ?? 30;
          await this.deps.engine.stopContainer(c.id, grace);
          if (k.restart) await this.deps.engine.startContainer(c.id);
          recordKilled(next, k, this.deps.now());
        }
        return next;
      });
    } catch {
      // Another kubeplay has held this pod's record too long: show what it last kept.
      rec = asPodRecord(await this.deps.records.read(p.podId), p.podId);
    }
    const views: Record<string, ContainerView> = {};
    for (const c of containers) views[c.name] = viewOf(rec, c);
    return { views, events: rec?.events ?? [] };
  }

  private runOne(p: ProbedPod, d: DueProbe): Promise<ProbeOutcome> {
    const c = p.containers.find((x) => x.name === d.container);
    const spec = [...(p.spec.initContainers ?? []), ...(p.spec.containers ?? [])].find((x) => x.name === d.container);
    const ports: V1ContainerPort[] = spec?.ports ?? [];
    // A hostNetwork pod's IP is the host's: the kubelet probes it there.
    const podIp = p.ip !== '' ? p.ip : p.spec.hostNetwork ? '127.0.0.1' : '';
    if (podIp === '' && !d.probe.exec) {
      return Promise.resolve({ result: 'failure', output: 'the pod has no IP address to probe (is it running?)', errored: true });
    }
    return this.deps.handlers.run(d.probe, { podIp, container: c?.id ?? '', ports }, d.settings.timeoutSeconds);
  }
}

type Limiter = <T>(f: () => Promise<T>) => Promise<T>;

function limiter(n: number): Limiter {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(f: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await f();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
