/**
 * stopAndAwaitCleanup: how the adapter stops a pod and waits until Podman has cleaned up every
 * container of it. The one stop-and-wait protocol of the adapter: the port's
 * killPodAndAwaitCleanup (delete's and replace's kill step) and removePod with `force` (rollback,
 * a pod whose creation never finished, and any caller that removes a running pod) both go
 * through it; they differ only in the stop (SIGKILL, or a stop with a grace period) and how long
 * they wait.
 *
 * Stopping app containers before sidecars is not done here but by the plan, with the port's
 * stopContainer (a container stop, not a kill: Podman restarts a killed container under restart
 * policy always); by the time a plan's kill step or removal runs, only what is left is stopped.
 */
import { EngineError } from '../../domain/errors';
import { watchCleanup } from './cleanup-watcher';
import { inspectPodIfThere, killPod, stopPod } from './pod-calls';
import { isActiveState, toState } from './to-engine-types';
import type { LibpodTransport } from './transport';
import type { PodInspectReport } from './wire-types';

/** StopSpec says how to stop and how long to wait. */
export interface StopSpec {
  /** Seconds between SIGTERM and SIGKILL (POST /pods/{name}/stop?t=); 0 or less: SIGKILL at once. */
  graceSeconds: number;
  /** Seconds the whole step may wait for the cleanup, the grace period included. */
  waitSeconds: number;
  /** Port operation name, carried by the EngineErrors of its calls. */
  operation: string;
}

/**
 * stopAndAwaitCleanup stops what still runs in the pod and waits for Podman's `cleanup` event of
 * every container not cleaned up yet, the ones that died before included (listed `stopped` until
 * their cleanup is done), at most spec.waitSeconds. The event stream is opened before the pod is
 * inspected, so no cleanup can happen between the look and the wait unseen. A pod that is gone,
 * or has nothing to clean up, is done at once (the caller's next call says whether it is gone).
 */
export async function stopAndAwaitCleanup(t: LibpodTransport, name: string, spec: StopSpec): Promise<void> {
  const { operation } = spec;
  const watcher = await watchCleanup(t, operation);
  try {
    const pod = await inspectPodIfThere(t, name, operation);
    if (pod === undefined) return;
    const containers = pod.Containers ?? [];
    const unclean = containers.filter((c) => isActiveState(c.State) || toState(c.State) === 'stopped').map((c) => c.Id);
    if (unclean.length === 0) return;
    watcher.track(unclean);
    // Only a container already `stopped` here can have had its cleanup event before the stream
    // opened (see below); the cleanup of one this step stops comes after, on the stream.
    const mayBeMissed = containers.some((c) => toState(c.State) === 'stopped');
    if (containers.some((c) => isActiveState(c.State))) {
      const stopping = spec.graceSeconds > 0 ? stopPod(t, name, spec.graceSeconds, operation) : killPod(t, name, 'SIGKILL');
      await stopping.catch((err: unknown) => {
        // 409 to a kill: it all died meanwhile; 404: the pod went away. Neither leaves anything to
        // stop. A stop's 409 carries the containers that failed to stop, and fails the step.
        if (err instanceof EngineError && (err.status === 404 || (err.status === 409 && spec.graceSeconds <= 0))) return;
        throw err;
      });
    }
    // Podman's event stream can miss a cleanup that happens just as it opens (a container that
    // died on the SIGTERM before was seen `stopped`, and its cleanup event never came: every
    // graceful replacement then waited the whole time-out, 10 s). So the wait also looks at
    // the pod again, rarely (0.5 s, then doubling to 2 s), and ends once nothing is left to
    // clean up. When every container was stopped here, its event cannot have been missed and
    // the looks only guard against a lost stream: they start at 2 s. Each look takes the pod's
    // locks, and 50 pods torn down at once made ~90 of them in 8 s, while Podman was busiest.
    const deadline = performance.now() + Math.max(0, spec.waitSeconds) * 1000;
    let pause = mayBeMissed ? 500 : 2000;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0 || (await watcher.done(Math.min(pause, left)))) return;
      pause = Math.min(pause * 2, 2000);
      const again = await inspectPodIfThere(t, name, operation);
      if (again === undefined || !hasUnclean(again)) return;
    }
  } finally {
    watcher.close();
  }
}

function hasUnclean(pod: PodInspectReport): boolean {
  return (pod.Containers ?? []).some((c) => isActiveState(c.State) || toState(c.State) === 'stopped');
}
