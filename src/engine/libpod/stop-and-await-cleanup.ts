/**
 * Stopping a pod and waiting until Podman has cleaned up its containers (their `cleanup` event,
 * cleanup-watcher.ts). Two protocols, as the adapter had them before it was split:
 * killPodAndAwaitCleanup (the port's kill step of delete and replace) and stopAndAwaitCleanup
 * (removePod with `force`).
 */
import { watchCleanup } from './cleanup-watcher';
import { EngineError } from '../../domain/errors';
import { inspectPod, inspectPodIfThere, killPod, stopPod } from './pod-calls';
import { isActiveState, toState } from './to-engine-types';
import type { LibpodTransport } from './transport';

/**
 * killPodAndAwaitCleanup SIGKILLs what still runs in the pod and waits for Podman's `cleanup`
 * event of every container not cleaned up yet, the ones that died before included (listed
 * `stopped` until their cleanup is done), at most timeoutSeconds. The event stream is opened
 * before the pod is inspected, so no cleanup can happen between the look and the wait unseen.
 */
export async function killPodAndAwaitCleanup(t: LibpodTransport, name: string, timeoutSeconds: number): Promise<void> {
  const watcher = await watchCleanup(t, 'killPod');
  try {
    const pod = await inspectPodIfThere(t, name, 'killPod');
    if (pod === undefined) return;
    const containers = pod.Containers ?? [];
    const unclean = containers.filter((c) => isActiveState(c.State) || toState(c.State) === 'stopped').map((c) => c.Id);
    if (unclean.length === 0) return;
    watcher.track(unclean);
    // Only a container already `stopped` here can have had its cleanup event before the stream
    // opened (see below); the cleanup of one this step kills comes after, on the stream.
    const mayBeMissed = containers.some((c) => toState(c.State) === 'stopped');
    if (containers.some((c) => isActiveState(c.State))) {
      await killPod(t, name, 'SIGKILL').catch((err: unknown) => {
        // 409: it all died meanwhile; 404: the pod went away. Neither leaves anything to kill.
        if (!(err instanceof EngineError && (err.status === 409 || err.status === 404))) throw err;
      });
    }
    // Podman's event stream can miss a cleanup that happens just as it opens (a container that
    // died on the SIGTERM before was seen `stopped`, and its cleanup event never came: every
    // graceful replacement then waited the whole time-out, 10 s). So the wait also looks at
    // the pod again, rarely (0.5 s, then doubling to 2 s), and ends once nothing is left to
    // clean up. When every container was killed here, its event cannot have been missed and
    // the looks only guard against a lost stream: they start at 2 s. Each look takes the pod's
    // locks, and 50 pods torn down at once made ~90 of them in 8 s, while Podman was busiest.
    const deadline = performance.now() + Math.max(0, timeoutSeconds) * 1000;
    let pause = mayBeMissed ? 500 : 2000;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0 || (await watcher.done(Math.min(pause, left)))) return;
      pause = Math.min(pause * 2, 2000);
      const again = await inspectPodIfThere(t, name, 'killPod');
      if (again === undefined) return;
      if (!(again.Containers ?? []).some((c) => isActiveState(c.State) || toState(c.State) === 'stopped')) return;
    }
  } finally {
    watcher.close();
  }
}

/**
 * stopAndAwaitCleanup stops the pod's running containers and waits until Podman has cleaned each
 * up (its `cleanup` event), or until the stop timeout plus cleanupWaitSeconds has passed. The
 * event stream is opened before the stop so no event can slip past.
 */
export async function stopAndAwaitCleanup(t: LibpodTransport, name: string, timeoutSeconds: number, cleanupWaitSeconds: number, operation: string): Promise<void> {
  const pod = await inspectPod(t, name, operation);
  const running = new Set((pod.Containers ?? []).filter((c) => isActiveState(c.State)).map((c) => c.Id));
  if (running.size === 0) return;

  const watcher = await watchCleanup(t, operation);
  watcher.track(running);
  try {
    if (timeoutSeconds <= 0) await killPod(t, name, 'SIGKILL');
    else await stopPod(t, name, timeoutSeconds, operation);
    await watcher.done(Math.max(0, timeoutSeconds) * 1000 + cleanupWaitSeconds * 1000);
  } finally {
    watcher.close();
  }
}
