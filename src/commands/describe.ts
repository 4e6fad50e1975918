/**
 * runDescribe: `kubeplay describe pod NAME` (also -f FILE, -l SELECTOR). It observes the pods as
 * get does (every container inspected), reads Podman's events for their containers, turns them
 * into kubectl's Events rows, and returns data; it prints nothing and changes nothing.
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { UsageError } from '../domain/errors';
import { LABEL_CONTAINER } from '../domain/labels';
import { parseSelector } from '../domain/selector';
import type { ContainerEngine, EngineEvent } from '../engine/container-engine';
import type { DescribedPod, DescribeEvent } from '../print/describe';
import { namesFromFiles } from './get';
import { observeGet, type GetQuery } from '../observe/observe-pods';
import type { Prober } from '../observe/probes/prober';
import type { ProbeEvent } from '../observe/probes/worker';
import { eventsForPods, probeFailures, type ProbeFailure } from '../observe/pod-events';

export { eventsForPods, eventsOfPod, probeFailures, type ProbeFailure } from '../observe/pod-events';
import { requireResource, resourceOf } from '../kinds/registry';
import type { ObjectStore } from '../store/object-store';
import type { PodManifest } from '../domain/types';
import { toDesiredPod } from '../translate/pod';
import { sourcesOf } from '../translate/pod-sources';
import { observeSources } from '../observe/observe-objects';

/** DescribeOptions are describe's arguments and flags, typed. */
export interface DescribeOptions {
  /** The resource word (pods, pod, po); '' with -f. */
  resource: string;
  names: string[];
  files: string[];
  recursive: boolean;
  selector?: string;
  /** -n: the namespace of the objects named (`default` when not given). */
  namespace: string;
  /** -A: pods of every namespace (with -l or none named). */
  allNamespaces: boolean;
}

/** DescribeDeps are what describe needs from outside. */
export interface DescribeDeps {
  engine: () => Promise<ContainerEngine>;
  readStdin: (maxBytes: number) => Promise<Buffer>;
  now: () => Date;
  /** Opens the object store, read for the ConfigMaps and Secrets a pod's envFrom names (the kubelet's events about them). */
  store?: () => ObjectStore;
  /** Makes the prober that runs the pods' due probes and keeps their events (docs/probes.md). */
  prober?: (engine: ContainerEngine) => Prober;
}

/** DescribeResult: the pods found, in the order asked for, and the names that are not there. */
export interface DescribeResult {
  pods: DescribedPod[];
  notFound: string[];
}

/** toDescribeArgs splits `pod NAME...`, `pod/NAME...` and `NAME` forms into resource and names. */
export function toDescribeArgs(args: readonly string[]): { resource: string; names: string[] } {
  const slashed = args.filter((a) => a.includes('/'));
  if (slashed.length > 0) {
    if (slashed.length !== args.length) {
      throw new UsageError('there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. kubeplay describe pod/web)');
    }
    const types = new Set(slashed.map((a) => a.slice(0, a.indexOf('/')).toLowerCase()));
    const kinds = new Set([...types].map((t) => resourceOf(t)?.info.kind ?? t));
    if (kinds.size > 1) throw new UsageError('kubeplay describes one resource type at a time: run describe once for each type');
    const first = [...types][0] ?? '';
    const resource = resourceOf(first)?.info.plural ?? first;
    return { resource, names: slashed.map((a) => a.slice(a.indexOf('/') + 1)) };
  }
  const [resource = '', ...names] = args;
  return { resource: resource.toLowerCase(), names };
}

/** validateDescribeOptions checks the arguments as kubectl describe does. */
export function validateDescribeOptions(o: DescribeOptions): void {
  if (o.files.length === 0 && o.resource === '') {
    throw new UsageError('you must specify the type of resource to describe: kubeplay describe pod NAME, kubeplay describe pods -l SELECTOR, or kubeplay describe -f FILE');
  }
  if (o.resource !== '') requireResource(o.resource);
  if (o.allNamespaces && o.names.length > 0) throw new UsageError('a resource cannot be retrieved by name across all namespaces');
  if (o.files.length > 0 && (o.resource !== '' || o.names.length > 0)) {
    throw new UsageError('-f and resource names cannot be used together: use kubeplay describe -f FILE, or kubeplay describe pod NAME');
  }
  if (o.names.length > 0 && o.selector !== undefined) {
    throw new UsageError('name cannot be provided when a selector is specified: use kubeplay describe pod NAME, or kubeplay describe pods -l SELECTOR');
  }
  if (o.selector !== undefined) parseSelector(o.selector);
}

/** runDescribe runs describe; see the module comment. */
export async function runDescribe(o: DescribeOptions, deps: DescribeDeps): Promise<DescribeResult> {
  validateDescribeOptions(o);
  const names = o.files.length > 0 ? await namesFromFiles(o.files, o.recursive, deps.readStdin) : o.names;
  const q: GetQuery = { names: [...new Set(names)], fields: [], inspectAll: true, single: false, ...(o.allNamespaces ? {} : { namespace: o.namespace }) };
  if (o.selector !== undefined) q.selector = parseSelector(o.selector);
  const engine = await deps.engine();
  const found = await observeGet(q, engine, deps.now, deps.prober?.(engine));
  // With the prober, its records hold the probes' events; without it, Podman's healthcheck log holds the liveness failures.
  const probed = found.probeEvents;
  const [events, failures] = await Promise.all([
    eventsForPods(engine, found.pods),
    probed ? found.pods.map(() => []) : Promise.all(found.pods.map((p) => probeFailures(engine, p))),
  ]);
  const kubelet = kubeletEvents(found.pods, deps.store);
  const pods = found.pods.map((pod, i) => {
    const d = describedPod(pod, events[i] ?? [], failures[i] ?? []);
    const extra = [...(kubelet[i] ?? []), ...(probed?.[pod.metadata?.uid ?? ''] ?? []).map(toDescribeEvent)];
    return extra.length === 0 ? d : { ...d, events: [...extra, ...d.events].sort((a, b) => a.last.getTime() - b.last.getTime()) };
  });
  return { pods, notFound: found.notFound };
}

/**
 * kubeletEvents are the Warning events the kubelet records when it makes a pod's containers and
 * kubeplay can tell again from the pod and the store: InvalidEnvironmentVariableNames, for envFrom
 * keys that are not variable names (as the ConfigMaps and Secrets read now hold them), dated at the
 * pod's start. Only pods with envFrom open the store.
 */
function kubeletEvents(pods: readonly V1Pod[], store: (() => ObjectStore) | undefined): DescribeEvent[][] {
  const readers = pods.map((p) => [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].some((c) => (c.envFrom ?? []).length > 0));
  if (!store || !readers.some(Boolean)) return pods.map(() => []);
  const opened = store();
  try {
    const sources = sourcesOf([], observeSources(opened));
    return pods.map((pod, i) => {
      if (!readers[i]) return [];
      const md = pod.metadata ?? {};
      const out: DescribeEvent[] = [];
      const at = asDate(pod.status?.startTime) ?? asDate(md.creationTimestamp) ?? new Date(0);
      const manifest: PodManifest = { ref: { kind: 'Pod', namespace: md.namespace ?? 'default', name: md.name ?? '' }, apiVersion: 'v1', source: '', documentIndex: 0, object: pod, locate: () => undefined };
      toDesiredPod(manifest, {
        sources,
        warn: (_path, message) => {
          const m = /^(InvalidEnvironmentVariableNames): (.*)$/.exec(message);
          if (m) out.push({ type: 'Warning', reason: m[1] ?? '', from: 'kubelet', message: m[2] ?? '', count: 1, first: at, last: at });
        },
      });
      return out;
    });
  } finally {
    opened.close();
  }
}

/** toDescribeEvent is one of the prober's kubelet events as describe's row. */
export function toDescribeEvent(e: ProbeEvent): DescribeEvent {
  return { type: e.type, reason: e.reason, from: 'kubelet', message: e.message, count: e.count, first: new Date(e.first), last: new Date(e.last) };
}

function asDate(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v !== 'string' || v === '') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** containerNameOf is an event's container name as describe shows it: the manifest's (kubeplay's label), else Podman's. */
function containerNameOf(e: EngineEvent): string {
  return e.labels[LABEL_CONTAINER] || e.name;
}

/**
 * toDescribeEvents turns Podman's container events into kubectl's Events rows, aggregated as the
 * API server aggregates repeats (count, first and last time):
 *
 *   create → Normal Created "Created container NAME"
 *   start → Normal Started "Started container NAME"
 *   died → Normal Completed (exit 0) or Warning Failed "Container NAME exited with code N"
 *   restart → Warning BackOff "Back-off restarting failed container NAME in pod POD_NAMESPACE(UID)"
 *   kill → Normal Killing "Stopping container NAME"
 *   a failed healthcheck run → Warning Unhealthy "Liveness probe failed: OUTPUT"
 *
 * Podman's init, cleanup, remove and exec events have no kubelet counterpart and are left out.
 * Its health_status event is not used: Podman 4.3 stamps it with the status from before the
 * check ran, so failed checks come from the container's health log instead (probeFailures).
 * Podman restarts a failed container at once, with no back-off; the reason is kept because
 * `get` shows such a container as CrashLoopBackOff.
 */
export function toDescribeEvents(
  events: readonly EngineEvent[],
  pod: { name: string; namespace: string; uid: string },
  probeFailures: readonly ProbeFailure[] = [],
): DescribeEvent[] {
  const rows = new Map<string, DescribeEvent>();
  const add = (row: Omit<DescribeEvent, 'count' | 'first' | 'last'>, time: Date) => {
    const key = `${row.type}|${row.reason}|${row.message}`;
    const seen = rows.get(key);
    if (!seen) rows.set(key, { ...row, count: 1, first: time, last: time });
    else {
      seen.count++;
      if (time < seen.first) seen.first = time;
      if (time > seen.last) seen.last = time;
    }
  };
  for (const e of events) {
    const c = containerNameOf(e);
    let row: Omit<DescribeEvent, 'count' | 'first' | 'last'> | undefined;
    switch (e.action) {
      case 'create':
        row = { type: 'Normal', reason: 'Created', from: 'podman', message: `Created container ${c}` };
        break;
      case 'start':
        row = { type: 'Normal', reason: 'Started', from: 'podman', message: `Started container ${c}` };
        break;
      case 'died':
        row =
          (e.exitCode ?? 0) === 0
            ? { type: 'Normal', reason: 'Completed', from: 'podman', message: `Container ${c} exited with code 0` }
            : { type: 'Warning', reason: 'Failed', from: 'podman', message: `Container ${c} exited with code ${e.exitCode}` };
        break;
      case 'restart':
        row = { type: 'Warning', reason: 'BackOff', from: 'podman', message: `Back-off restarting failed container ${c} in pod ${pod.name}_${pod.namespace}(${pod.uid})` };
        break;
      case 'kill':
        row = { type: 'Normal', reason: 'Killing', from: 'podman', message: `Stopping container ${c}` };
        break;
      default:
        break;
    }
    if (row) add(row, e.time);
  }
  for (const f of probeFailures) {
    const why = f.output.trim() !== '' ? f.output.trim() : `the command exited with code ${f.exitCode}`;
    add({ type: 'Warning', reason: 'Unhealthy', from: 'podman', message: `Liveness probe failed: ${why}` }, f.time);
  }
  return [...rows.values()].sort((a, b) => a.last.getTime() - b.last.getTime());
}

/**
 * withExitCodesFromEvents corrects each restarted container's last state from its latest `died`
 * event: while a restarted container runs again, Podman 4.3's inspect reports exit code 0 for
 * it, while the event has the code the last run really ended with.
 */
export function withExitCodesFromEvents(pod: V1Pod, events: readonly EngineEvent[]): V1Pod {
  const lastDied = new Map<string, EngineEvent>();
  for (const e of events) if (e.action === 'died') lastDied.set(e.id, e);
  const fix = (s: V1ContainerStatus): V1ContainerStatus => {
    const t = s.lastState?.terminated;
    const id = (s.containerID ?? '').replace(/^podman:\/\//, '');
    const died = lastDied.get(id);
    if (!t || !died || died.exitCode === undefined) return s;
    const exitCode = died.exitCode;
    return { ...s, lastState: { terminated: { ...t, exitCode, reason: t.reason === 'OOMKilled' ? t.reason : exitCode === 0 ? 'Completed' : 'Error' } } };
  };
  const status = pod.status ?? {};
  return {
    ...pod,
    status: {
      ...status,
      ...(status.containerStatuses ? { containerStatuses: status.containerStatuses.map(fix) } : {}),
      ...(status.initContainerStatuses ? { initContainerStatuses: status.initContainerStatuses.map(fix) } : {}),
    },
  };
}

function describedPod(pod: V1Pod, events: EngineEvent[], failures: ProbeFailure[]): DescribedPod {
  const md = pod.metadata ?? {};
  return {
    pod: withExitCodesFromEvents(pod, events),
    events: toDescribeEvents(events, { name: md.name ?? '', namespace: md.namespace ?? 'default', uid: md.uid ?? '' }, failures),
  };
}
