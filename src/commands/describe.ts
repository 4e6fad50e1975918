/**
 * runDescribe: `kubeplay describe pod NAME` (also -f FILE, -l SELECTOR). It observes the pods as
 * get does (every container inspected), reads Podman's events for their containers, turns them
 * into kubectl's Events rows, and returns data; it prints nothing and changes nothing.
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { UsageError } from '../domain/errors';
import { LABEL_CONTAINER, LABEL_MANAGED_BY, LABEL_POD, MANAGED_BY_VALUE } from '../domain/labels';
import { parseSelector } from '../domain/selector';
import type { ContainerEngine, EngineEvent } from '../engine/container-engine';
import type { DescribedPod, DescribeEvent } from '../print/describe';
import { namesFromFiles, observeGet, type GetQuery } from './get';
import { requireResource, resourceOf } from '../kinds/registry';
import { podmanPodName } from '../domain/pod-names';

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
  const found = await observeGet(q, engine, deps.now);
  const [events, failures] = await Promise.all([eventsForPods(engine, found.pods), Promise.all(found.pods.map((p) => probeFailures(engine, p)))]);
  const pods = found.pods.map((pod, i) => describedPod(pod, events[i] ?? [], failures[i] ?? []));
  return { pods, notFound: found.notFound };
}

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
