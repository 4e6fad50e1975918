/**
 * podRow: one row of `get pods`, computed from a v1 Pod exactly as kubectl's printPod does
 * (kubernetes/pkg/printers/internalversion/printers.go): READY counts ready app containers,
 * STATUS is the phase refined by init and container states, RESTARTS sums restart counts with
 * the time of the last one. Pure; the clock is passed in.
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { formatRestarts, timestampSince } from './duration';

/** PodRow is the cells of one pod's row (wide cells are computed too; the table picks). */
export interface PodRow {
  name: string;
  ready: string;
  status: string;
  restarts: string;
  age: string;
  ip: string;
}

function laterOf(a: Date | undefined, b: Date | string | undefined): Date | undefined {
  if (b === undefined) return a;
  const d = b instanceof Date ? b : new Date(b);
  return a === undefined || d.getTime() > a.getTime() ? d : a;
}

/** podStatusOf returns kubectl's READY, STATUS and RESTARTS cells for a pod. */
export function podStatusOf(pod: V1Pod, now: Date): { ready: string; status: string; restarts: string; restartCount: number } {
  const spec = pod.spec;
  const status = pod.status ?? {};
  const initSpecs = spec?.initContainers ?? [];
  // kubectl 1.29+: a native sidecar (an init container with restartPolicy Always) counts in READY.
  const isSidecar = (name: string) => initSpecs.some((c) => c.name === name && c.restartPolicy === 'Always');
  const total = (spec?.containers?.length ?? 0) + initSpecs.filter((c) => c.restartPolicy === 'Always').length;
  let ready = 0;
  let restarts = 0;
  let lastRestart: Date | undefined;
  let sidecarRestarts = 0;
  let lastSidecarRestart: Date | undefined;
  let reason = status.reason || status.phase || '';

  let initializing = false;
  const inits: V1ContainerStatus[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    restarts += c.restartCount;
    lastRestart = laterOf(lastRestart, c.lastState?.terminated?.finishedAt);
    if (isSidecar(c.name)) {
      sidecarRestarts += c.restartCount;
      lastSidecarRestart = laterOf(lastSidecarRestart, c.lastState?.terminated?.finishedAt);
    }
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t !== undefined && t.exitCode === 0) continue;
    if (isSidecar(c.name) && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (t !== undefined) {
      if (!t.reason) reason = t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
      else reason = `Init:${t.reason}`;
    } else if (w !== undefined && w.reason && w.reason !== 'PodInitializing') {
      reason = `Init:${w.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }
  const initializedTrue = (status.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const cs = status.containerStatuses ?? [];
    // kubectl walks the statuses backwards, so the first container's state has the last word.
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!;
      restarts += c.restartCount;
      lastRestart = laterOf(lastRestart, c.lastState?.terminated?.finishedAt);
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w !== undefined && w.reason) reason = w.reason;
      else if (t !== undefined && t.reason) reason = t.reason;
      else if (t !== undefined) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      else if (c.ready && c.state?.running !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata?.deletionTimestamp !== undefined) reason = 'Terminating';
  return { ready: `${ready}/${total}`, status: reason, restarts: formatRestarts(restarts, lastRestart, now), restartCount: restarts };
}

/** podRow computes a pod's row; see the module comment. */
export function podRow(pod: V1Pod, now: Date): PodRow {
  const s = podStatusOf(pod, now);
  return {
    name: pod.metadata?.name ?? '',
    ready: s.ready,
    status: s.status,
    restarts: s.restarts,
    age: timestampSince(pod.metadata?.creationTimestamp, now),
    ip: pod.status?.podIP || '<none>',
  };
}
