/**
 * stopSteps and removeSteps: how kubeplay stops and removes a pod, as plan steps shared by delete,
 * apply's recreate and apply --prune. Pure.
 */
import type { Step } from './plan';

/** CLEANUP_WAIT_SECONDS bounds the wait for Podman's cleanup of a stopped pod before it is removed anyway. */
export const CLEANUP_WAIT_SECONDS = 10;

/** STOPPED_BARRIER is the barrier between stopping pods and removing them. */
export const STOPPED_BARRIER: Step = { op: 'barrier', label: 'every pod stopped and cleaned up' };

/**
 * stopSteps stop a pod as the kubelet does and leave it ready to remove: SIGTERM, wait up to the
 * grace period for its containers to exit, SIGKILL what still runs (the infra container at
 * least), wait for Podman's cleanup, then a barrier. kubeplay keeps the clock itself rather than
 * asking Podman to stop the pod with a time-out, because Podman's API service runs at most
 * NumCPU×3 container stops at once: 20 pods stopped that way on 2 cores took three grace periods
 * instead of one. A signal is quick, so every pod's grace period runs at once. The barrier makes
 * every pod stopped and cleaned up before any is removed (see the barrier step).
 */
export function stopSteps(name: string, graceSeconds: number): Step[] {
  const term: Step[] =
    graceSeconds > 0
      ? [
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
export function removeSteps(name: string, graceSeconds: number, volumes: readonly string[]): Step[] {
  return [
    ...stopSteps(name, graceSeconds),
    { op: 'removePod', name, timeoutSeconds: 0 },
    ...volumes.map((v): Step => ({ op: 'removeVolume', name: v })),
  ];
}
