/**
 * stopSteps and removeSteps: how kubeplay stops and removes a pod, as plan steps shared by delete,
 * apply's recreate and apply --prune. Pure.
 */
import type { DesiredPod } from '../domain/types';
import type { Step } from './plan';

/** CLEANUP_WAIT_SECONDS bounds the wait for Podman's cleanup of a stopped pod before it is removed anyway. */
export const CLEANUP_WAIT_SECONDS = 10;

/** STOPPED_BARRIER is the barrier between stopping pods and removing them. */
export const STOPPED_BARRIER: Step = { op: 'barrier', label: 'every pod stopped and cleaned up' };

/** appsBeforeSidecars names the app containers to stop first: those of a pod with native sidecars, else none. */
export function appsBeforeSidecars(pod: DesiredPod | undefined): string[] {
  if (pod === undefined || !pod.initContainers.some((c) => c.initKind === 'sidecar')) return [];
  return pod.containers.map((c) => c.name);
}

/**
 * stopSteps stop a pod as the kubelet does and leave it ready to remove: SIGTERM, wait up to the
 * grace period for its containers to exit, SIGKILL what still runs (the infra container at
 * least), wait for Podman's cleanup, then a barrier. kubeplay keeps the clock itself rather than
 * asking Podman to stop the pod with a time-out, because Podman's API service runs at most
 * NumCPU×3 container stops at once: 20 pods stopped that way on 2 cores took three grace periods
 * instead of one. A signal is quick, so every pod's grace period runs at once. The barrier makes
 * every pod stopped and cleaned up before any is removed (see the barrier step).
 */
export function stopSteps(name: string, graceSeconds: number, appsFirst: readonly string[] = []): Step[] {
  // A pod with native sidecars stops its app containers first and its sidecars after them, as the
  // kubelet does, so the app can still use its sidecar while it shuts down.
  const apps: Step[] =
    graceSeconds > 0 && appsFirst.length > 0
      ? [{ op: 'stopContainers', pod: name, names: [...appsFirst], timeoutSeconds: graceSeconds }]
      : [];
  const term: Step[] =
    graceSeconds > 0
      ? [
          ...apps,
          { op: 'signalPod', name, signal: 'SIGTERM' },
          { op: 'awaitPodExit', name, timeoutSeconds: graceSeconds },
        ]
      : [];
  return [
    ...term,
    { op: 'killPod', name, cleanupSeconds: CLEANUP_WAIT_SECONDS },
    STOPPED_BARRIER,
  ];
}

/** removeSteps stop a pod (stopSteps), then remove it and the given volumes. */
export function removeSteps(name: string, graceSeconds: number, volumes: readonly string[], appsFirst: readonly string[] = [], leftovers: readonly Step[] = []): Step[] {
  return [
    ...stopSteps(name, graceSeconds, appsFirst),
    { op: 'removePod', name, timeoutSeconds: 0 },
    ...volumes.map((v): Step => ({ op: 'removeVolume', name: v })),
    ...leftovers,
  ];
}
