/**
 * toV1Pod: a Podman pod, as observed, rendered as the Kubernetes v1 Pod a kubectl user expects.
 * Metadata and spec come from the last-applied label for pods kubeplay made (the spec as
 * applied); pods made by other tools get what Podman knows of them. The status is built from
 * Podman's container states in Kubernetes' terms. Pure: the clock is passed in.
 *
 * Podman differs from a kubelet in two ways this module bridges:
 * - Podman restarts a crashing container at once, with no back-off. A container that has
 *   restarted and whose current run is younger than CRASH_LOOP_WINDOW_MS, or that is down and
 *   will be restarted, is shown as kubelet shows a container in back-off: waiting, reason
 *   CrashLoopBackOff, not ready, with the last run as lastState.
 * - Podman removed its own init containers (`once`) after they ran; pods made by earlier kubeplay
 *   versions used them. An init container that is gone while a later init container or an app
 *   container has run is shown as terminated with exit code 0.
 * Native sidecars (init containers with restartPolicy Always) count as initialized once started,
 * and in the pod's readiness, as the kubelet counts them.
 */
import type { V1Container, V1ContainerState, V1ContainerStatus, V1Pod, V1PodCondition, V1PodSpec } from '@kubernetes/client-node';
import { parseLastApplied } from '../domain/last-applied';
import { KUBEPLAY_LABEL_KEYS, LABEL_CONTAINER, LABEL_LAST_APPLIED, LABEL_MANAGED_BY, LABEL_OWNER, MANAGED_BY_VALUE } from '../domain/labels';
import { byText } from '../domain/order';
import { podIdentityOf } from '../domain/pod-names';

/**
 * ProbeView is what the prober (observe/probes/) found of a container's probes: whether it is
 * ready and started, the restarts kubeplay made after liveness failures, and when its readiness last
 * changed. A container with a readiness or startup probe and no view has passed neither.
 */
export interface ProbeView {
  ready: boolean;
  started: boolean;
  restarts: number;
  readyChangedAt?: Date;
}

/** ContainerSnapshot is one (non-infra) Podman container of a pod, as listed and, when needed, inspected. */
export interface ContainerSnapshot {
  id: string;
  /** Podman's container name (`<pod>-<container>` for kubeplay's pods). */
  podmanName: string;
  image: string;
  /** Podman's state: created, running, exited, stopping, … */
  state: string;
  exitCode: number;
  restartCount: number;
  startedAt?: Date;
  finishedAt?: Date;
  oomKilled: boolean;
  /** Podman's restart policy (always, on-failure, no, ''). */
  restartPolicy: string;
  labels: Record<string, string>;
}

/** PodSnapshot is one Podman pod as observed: the input of toV1Pod. */
export interface PodSnapshot {
  id: string;
  name: string;
  /** Podman's pod status (Created, Running, Degraded, Exited, Stopped, …). */
  podmanStatus: string;
  createdAt?: Date;
  /** The Podman pod's labels, kubeplay's own included. */
  labels: Record<string, string>;
  /** The pod's IP address; '' when unknown or not running. */
  ip: string;
  /** When the infra container (the pod's sandbox) started. */
  startedAt?: Date;
  containers: ContainerSnapshot[];
  /** What the prober found, by the container's manifest name; absent when no probe ran (see ProbeView). */
  probes?: Record<string, ProbeView>;
}

/** CRASH_LOOP_WINDOW_MS: a restarted container's run younger than this counts as crash looping (kubelet's first back-off is 10 s). */
export const CRASH_LOOP_WINDOW_MS = 10_000;

/** isManaged tells whether kubeplay made the pod (its managed-by label). */
export function isManaged(s: Pick<PodSnapshot, 'labels'>): boolean {
  return s.labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE;
}

/** lastAppliedOf is the manifest kept in the last-applied label; undefined when absent, damaged or not this pod's. */
export function lastAppliedOf(s: Pick<PodSnapshot, 'labels' | 'name'>): V1Pod | undefined {
  return parseLastApplied(s.labels[LABEL_LAST_APPLIED], s.name);
}

/** userLabelsOf returns the labels a kubectl user sees: the manifest's for kubeplay's pods, Podman's otherwise. */
export function userLabelsOf(s: Pick<PodSnapshot, 'labels' | 'name'>): Record<string, string> {
  if (!isManaged(s)) return { ...s.labels };
  const applied = lastAppliedOf(s)?.metadata?.labels;
  if (applied) return { ...applied };
  return Object.fromEntries(Object.entries(s.labels).filter(([k]) => !KUBEPLAY_LABEL_KEYS.includes(k)));
}

/** uidOf turns Podman's 64-hex pod id into a stable UUID-shaped uid. */
export function uidOf(id: string): string {
  const h = (id.replace(/[^0-9a-f]/gi, '') + '0'.repeat(32)).slice(0, 32).toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** k8sNameOf is the container's name in the manifest: its label, or its Podman name without the pod prefix. */
export function k8sNameOf(c: ContainerSnapshot, podName: string, managed: boolean): string {
  const label = c.labels[LABEL_CONTAINER];
  if (label) return label;
  return managed && c.podmanName.startsWith(`${podName}-`) ? c.podmanName.slice(podName.length + 1) : c.podmanName;
}

function isTerminating(s: PodSnapshot): boolean {
  return s.podmanStatus.toLowerCase() === 'stopping' || s.containers.some((c) => c.state === 'stopping' || c.state === 'removing');
}

function everRan(c: ContainerSnapshot | undefined): boolean {
  return c !== undefined && (c.startedAt !== undefined || c.state === 'running' || c.state === 'exited' || c.state === 'stopped');
}

/** Whether Podman will start the container again after this exit. */
function willRestart(c: ContainerSnapshot): boolean {
  return c.restartPolicy === 'always' || c.restartPolicy === 'unless-stopped' || (c.restartPolicy === 'on-failure' && c.exitCode !== 0);
}

function terminatedReason(c: ContainerSnapshot): string {
  if (c.oomKilled) return 'OOMKilled';
  return c.exitCode === 0 ? 'Completed' : 'Error';
}

function lastTermination(c: ContainerSnapshot): V1ContainerState | undefined {
  if (c.restartCount === 0 || c.finishedAt === undefined) return undefined;
  return { terminated: { exitCode: c.exitCode, reason: terminatedReason(c), finishedAt: c.finishedAt, containerID: `podman://${c.id}` } };
}

interface StatusContext {
  podName: string;
  now: Date;
  /** Reason for a container that has not been created or started yet. */
  waitingReason: string;
}

/** containerStatusOf maps one Podman container (or its absence) onto a Kubernetes container status. */
export function containerStatusOf(name: string, image: string, snap: ContainerSnapshot | undefined, ctx: StatusContext, view?: ProbeView): V1ContainerStatus {
  const base = { name, image: snap?.image || image, imageID: '' };
  if (snap === undefined) {
    return { ...base, ready: false, restartCount: 0, started: false, state: { waiting: { reason: ctx.waitingReason } } };
  }
  const podmanRestarts = snap.restartCount;
  // RESTARTS counts Podman's restarts and the ones kubeplay made after liveness failures.
  const c = view && view.restarts > 0 ? { ...snap, restartCount: snap.restartCount + view.restarts } : snap;
  const id = { containerID: `podman://${c.id}` };
  const last = lastTermination(c);
  const withLast = last ? { lastState: last } : {};
  const crashLoop = (): V1ContainerStatus => ({
    ...base,
    ...id,
    ready: false,
    restartCount: c.restartCount,
    started: false,
    state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${name} in pod ${ctx.podName}` } },
    lastState: { terminated: { exitCode: c.exitCode, reason: terminatedReason(c), ...(c.finishedAt ? { finishedAt: c.finishedAt } : {}), containerID: `podman://${c.id}` } },
  });
  switch (c.state) {
    case 'running':
    case 'paused':
    case 'stopping': {
      const young = c.startedAt !== undefined && ctx.now.getTime() - c.startedAt.getTime() < CRASH_LOOP_WINDOW_MS;
      if (podmanRestarts > 0 && young && c.state === 'running') return crashLoop();
      return {
        ...base,
        ...id,
        ready: c.state === 'running' && (view?.ready ?? true),
        restartCount: c.restartCount,
        started: view?.started ?? true,
        state: { running: c.startedAt ? { startedAt: c.startedAt } : {} },
        ...withLast,
      };
    }
    case 'exited':
    case 'stopped':
    case 'removing': {
      if (podmanRestarts > 0 && willRestart(c) && c.state !== 'removing') return crashLoop();
      return {
        ...base,
        ...id,
        ready: false,
        restartCount: c.restartCount,
        started: false,
        state: {
          terminated: {
            exitCode: c.exitCode,
            reason: terminatedReason(c),
            ...(c.startedAt ? { startedAt: c.startedAt } : {}),
            ...(c.finishedAt ? { finishedAt: c.finishedAt } : {}),
            containerID: `podman://${c.id}`,
          },
        },
        ...withLast,
      };
    }
    case 'created':
    case 'initialized':
      return { ...base, ...id, ready: false, restartCount: c.restartCount, started: false, state: { waiting: { reason: ctx.waitingReason } }, ...withLast };
    default:
      return { ...base, ...id, ready: false, restartCount: c.restartCount, started: false, state: { waiting: { reason: 'Unknown' } }, ...withLast };
  }
}

function isDone(s: V1ContainerStatus): boolean {
  return s.state?.terminated !== undefined && s.state.terminated.exitCode === 0;
}

/** phaseOf derives the pod phase from its container statuses, as the kubelet does. */
function phaseOf(initializing: boolean, app: V1ContainerStatus[]): string {
  if (initializing) return 'Pending';
  if (app.length === 0) return 'Pending';
  if (app.some((s) => s.state?.running !== undefined || s.state?.waiting?.reason === 'CrashLoopBackOff')) return 'Running';
  if (app.every((s) => s.state?.terminated !== undefined)) return app.every(isDone) ? 'Succeeded' : 'Failed';
  return 'Pending';
}

/** unprobedView is what a container shows when no probe ran: with a readiness or startup probe, not passed; else undefined (running is ready). */
function unprobedView(spec: V1Container): ProbeView | undefined {
  if (spec.readinessProbe === undefined && spec.startupProbe === undefined) return undefined;
  // A sidecar's startupProbe is run by its start sequence, which started the next container only once it passed.
  const started = spec.startupProbe === undefined || spec.restartPolicy === 'Always';
  return { ready: false, started, restarts: 0 };
}

/**
 * readinessChangedAt is the Ready and ContainersReady conditions' lastTransitionTime: when all are
 * ready, when the last of them became ready; otherwise when the first of the unready ones became
 * unready (the pod's start when that is not known). A container's time is the prober's
 * readyChangedAt, or, without probes, its start.
 */
export function readinessChangedAt(
  containers: ReadonlyArray<{ ready: boolean; view?: ProbeView | undefined; startedAt?: Date | undefined }>,
  allReady: boolean,
  podStart: Date | undefined,
): Date | undefined {
  const timeOf = (c: (typeof containers)[number]) => c.view?.readyChangedAt ?? (c.ready ? c.startedAt : undefined);
  if (allReady) {
    const times = containers.map(timeOf);
    if (times.some((t) => t === undefined)) return undefined;
    return new Date(Math.max(...times.map((t) => t!.getTime())));
  }
  const times = containers.filter((c) => !c.ready).map(timeOf).filter((t): t is Date => t !== undefined);
  return times.length > 0 ? new Date(Math.min(...times.map((t) => t.getTime()))) : podStart;
}

/** toV1Pod renders a pod snapshot as a v1 Pod; see the module comment. */
export function toV1Pod(s: PodSnapshot, now: Date): V1Pod {
  const managed = isManaged(s);
  const applied = managed ? lastAppliedOf(s) : undefined;
  const byName = new Map(s.containers.map((c) => [k8sNameOf(c, s.name, managed), c]));

  const spec: V1PodSpec = applied?.spec
    ? structuredClone(applied.spec)
    : { containers: [...s.containers].sort((a, b) => byText(a.podmanName, b.podmanName)).map((c) => ({ name: k8sNameOf(c, s.name, managed), image: c.image })) };
  const initSpecs = spec.initContainers ?? [];
  const appSpecs = spec.containers ?? [];
  const appRan = appSpecs.some((c) => everRan(byName.get(c.name)));

  // Init containers run one after the other; Podman removes each once it has run.
  const viewOf = (spec: V1Container): ProbeView | undefined => s.probes?.[spec.name] ?? unprobedView(spec);
  const initStatuses = initSpecs.map((ic, i) => {
    const c = byName.get(ic.name);
    if (c !== undefined) {
      const view = ic.restartPolicy === 'Always' ? viewOf(ic) : undefined;
      const st = containerStatusOf(ic.name, ic.image ?? '', c, { podName: s.name, now, waitingReason: 'PodInitializing' }, view);
      // The kubelet reports an init container that completed as ready.
      return isDone(st) ? { ...st, ready: true } : st;
    }
    const later = initSpecs.slice(i + 1).some((l) => byName.has(l.name));
    if (later || appRan) {
      return { name: ic.name, image: ic.image ?? '', imageID: '', ready: true, restartCount: 0, started: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } };
    }
    return { name: ic.name, image: ic.image ?? '', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: {} } };
  });
  // A native sidecar (restartPolicy Always) counts as initialized once it has started.
  const initDone = (st: V1ContainerStatus, i: number) => isDone(st) || (initSpecs[i]?.restartPolicy === 'Always' && st.started === true);
  const initializing = !initStatuses.every(initDone);
  const appStatuses = appSpecs.map((ac) =>
    containerStatusOf(ac.name, ac.image ?? '', byName.get(ac.name), {
      podName: s.name,
      now,
      // The kubelet's reason for an app container until the pod's init containers are all done and it starts.
      waitingReason: initializing || initSpecs.length > 0 ? 'PodInitializing' : 'ContainerCreating',
    }, viewOf(ac)),
  );
  const phase = phaseOf(initializing, appStatuses);
  const sidecarStatuses = initStatuses.filter((_, i) => initSpecs[i]?.restartPolicy === 'Always');
  const allReady = appStatuses.length > 0 && [...appStatuses, ...sidecarStatuses].every((c) => c.ready);
  const cond = (type: string, ok: boolean, at?: Date): V1PodCondition => ({ type, status: ok ? 'True' : 'False', ...(at ? { lastTransitionTime: at } : {}) });
  const readySpecs = [...initSpecs.filter((c) => c.restartPolicy === 'Always'), ...appSpecs];
  const readyAt = readinessChangedAt(
    readySpecs.map((spec, i) => ({ ready: [...sidecarStatuses, ...appStatuses][i]?.ready === true, view: s.probes?.[spec.name], startedAt: byName.get(spec.name)?.startedAt })),
    allReady,
    s.startedAt ?? s.createdAt,
  );
  const conditions = [
    cond('Initialized', !initializing),
    cond('Ready', allReady && phase === 'Running', readyAt),
    cond('ContainersReady', allReady, readyAt),
    cond('PodScheduled', true),
  ];
  const startTime = s.startedAt ?? s.containers.map((c) => c.startedAt).filter((d): d is Date => d !== undefined).sort((a, b) => a.getTime() - b.getTime())[0];

  const annotations: Record<string, string> = { ...(applied?.metadata?.annotations ?? {}) };
  // A controller's pod was not applied by anyone: kubectl shows it no last-applied annotation.
  if (managed && s.labels[LABEL_LAST_APPLIED] && s.labels[LABEL_OWNER] === undefined) annotations[LABEL_LAST_APPLIED] = `${s.labels[LABEL_LAST_APPLIED]}\n`;
  const labels = userLabelsOf(s);
  const pod: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      // Podman's name carries the namespace (domain/pod-names.ts); the object shows the Kubernetes one.
      name: podIdentityOf(s.name, s.labels).name,
      namespace: podIdentityOf(s.name, s.labels).namespace,
      uid: uidOf(s.id),
      ...(s.createdAt ? { creationTimestamp: s.createdAt } : {}),
      ...(isTerminating(s) ? { deletionTimestamp: now } : {}),
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ...(applied?.metadata?.ownerReferences ? { ownerReferences: applied.metadata.ownerReferences } : {}),
    },
    spec,
    status: {
      phase,
      conditions,
      ...(s.ip ? { podIP: s.ip, podIPs: [{ ip: s.ip }] } : {}),
      ...(startTime ? { startTime } : {}),
      ...(initStatuses.length > 0 ? { initContainerStatuses: initStatuses } : {}),
      containerStatuses: appStatuses,
    },
  };
  return pod;
}
