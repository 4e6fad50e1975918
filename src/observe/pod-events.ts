/**
 * What describe reads of Podman besides the pods: the events of their containers (one read of
 * Podman's event log for all of them) and the failed runs of liveness probes (Podman's health log).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { LABEL_MANAGED_BY, LABEL_POD, MANAGED_BY_VALUE } from '../domain/labels';
import type { ContainerEngine, EngineEvent } from '../engine/container-engine';
import { podmanPodName } from '../domain/pod-names';

/**
 * eventsForPods reads the events of the pods' containers since the oldest pod was made, in one
 * read of Podman's event log (Podman reads the whole log for every query, so one query for all
 * pods, not one each): for one pod kubeplay made, Podman filters on its pod label; otherwise by
 * type and time, and the events are shared out by pod here. Results follow `pods`' order.
 */
export async function eventsForPods(engine: ContainerEngine, pods: readonly V1Pod[]): Promise<EngineEvent[][]> {
  if (pods.length === 0) return [];
  const created = pods.map((p) => (p.metadata?.creationTimestamp ? new Date(p.metadata.creationTimestamp).getTime() : Number.NaN));
  const oldest = created.some(Number.isNaN) ? undefined : Math.min(...created);
  const only = pods.length === 1 ? pods[0] : undefined;
  const events = await engine.listEvents({
    type: 'container',
    // The label holds the Podman pod's name, which carries the namespace (domain/pod-names.ts).
    ...(only && isManagedPod(only) ? { labels: { [LABEL_POD]: podmanPodName(only.metadata?.namespace ?? '', only.metadata?.name ?? '') } } : {}),
    // A second early: the pod's creation time and its first container's are milliseconds apart.
    ...(oldest !== undefined ? { since: new Date(oldest - 1000) } : {}),
  });
  return pods.map((p) => eventsOfPod(events, p.metadata?.uid ?? ''));
}

/** isManagedPod tells, from the rendered pod, whether kubeplay made it (its spec came from last-applied). */
function isManagedPod(pod: V1Pod): boolean {
  const applied = pod.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  return applied !== undefined || pod.metadata?.labels?.[LABEL_MANAGED_BY] === MANAGED_BY_VALUE;
}

/** eventsOfPod keeps the events of the (non-infra) containers of the pod whose uid (from the Podman pod id) is given. */
export function eventsOfPod(events: readonly EngineEvent[], uid: string): EngineEvent[] {
  const prefix = uid.replace(/-/g, '');
  if (prefix === '') return [];
  // The infra container (Podman names it after the pod id's first 12 digits) is no container of the Pod.
  const infra = `${prefix.slice(0, 12)}-infra`;
  const ids = new Set(events.filter((e) => e.podId !== '' && e.podId.startsWith(prefix) && e.name !== infra).map((e) => e.id));
  return events.filter((e) => ids.has(e.id)).sort((a, b) => (a.timeNano < b.timeNano ? -1 : a.timeNano > b.timeNano ? 1 : 0));
}

/** ProbeFailure is a failed run of a container's liveness probe (a Podman healthcheck), from its health log. */
export interface ProbeFailure {
  container: string;
  time: Date;
  exitCode: number;
  output: string;
}

/**
 * probeFailures reads the failed healthcheck runs Podman keeps (its last five) for the pod's
 * containers that have a liveness probe.
 */
export async function probeFailures(engine: ContainerEngine, pod: V1Pod): Promise<ProbeFailure[]> {
  const probed = new Set((pod.spec?.containers ?? []).filter((c) => c.livenessProbe !== undefined).map((c) => c.name));
  const byId = new Map(
    (pod.status?.containerStatuses ?? [])
      .filter((s) => probed.has(s.name) && (s.containerID ?? '') !== '')
      .map((s) => [(s.containerID ?? '').replace(/^podman:\/\//, ''), s.name]),
  );
  if (byId.size === 0) return [];
  const details = await engine.inspectContainers([...byId.keys()]);
  return details.flatMap((d) =>
    (d.healthLog ?? []).filter((h) => h.exitCode !== 0).map((h) => ({ container: byId.get(d.id) ?? d.name, time: h.start, exitCode: h.exitCode, output: h.output })),
  );
}

