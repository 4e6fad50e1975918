/**
 * Convergence: whether an observed Podman pod is what its desired pod asks for. Shared by observe
 * (which looks closer only at pods that must be made) and plan (which decides what to do), so it
 * lives below both. Pure.
 */
import type { DesiredPod, StartItem, StartSequence } from './types';
import type { ObservedPod } from './state';
import { LABEL_MANAGED_BY, LABEL_MANIFEST_HASH, MANAGED_BY_VALUE } from './labels';

/** isManaged tells whether kubeplay created a pod. */
export function isManaged(labels: Record<string, string>): boolean {
  return labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE;
}

/** driftOf says why an observed managed pod differs from the desired one, or undefined when it matches. */
export function driftOf(pod: DesiredPod, current: ObservedPod): string | undefined {
  const want = pod.labels[LABEL_MANIFEST_HASH];
  const have = current.labels[LABEL_MANIFEST_HASH];
  if (isManaged(current.labels) && want !== have) return `spec changed (${have ?? 'none'} → ${want ?? 'none'})`;
  if (!isManaged(current.labels)) return 'not managed by kubeplay';
  // App containers wait, never started, while init containers run, or for good once one failed.
  if (startPending(pod, current) !== undefined) return undefined;
  const byName = new Map(current.containers.map((c) => [c.name, c]));
  for (const c of pod.containers) {
    const seen = byName.get(c.name);
    if (!seen) return `restoring: container ${c.name} is missing`;
    const ok = seen.state === 'running' || (c.restartPolicy !== 'always' && seen.state === 'exited');
    if (!ok) return `restoring: container ${c.name} is ${seen.state}`;
  }
  return undefined;
}

// Podman's states for a container that was made but never started.
export const NEVER_STARTED: ReadonlySet<string> = new Set(['created', 'initialized']);

/**
 * incompleteOf says why a managed pod is the remains of a creation that never finished (an apply
 * killed, interrupted or cut off from Podman half-way), or undefined when its creation completed.
 * Creation ends by starting the pod, which starts the infra container and every container, so a
 * pod with no infra container, an infra container that never started, or a container that never
 * started was not finished. A finished pod whose container was removed or stopped later is drift
 * (driftOf), not this.
 */
export function incompleteOf(current: ObservedPod, desired?: DesiredPod): string | undefined {
  const infra = current.containers.find((c) => c.isInfra);
  const made = current.containers.filter((c) => !c.isInfra).length;
  const what = `an earlier apply did not finish making it (${made} container(s) made`;
  if (infra === undefined) return `${what}, no infra container)`;
  // A sequenced start begins with an init container, which starts the infra container with it.
  if (NEVER_STARTED.has(infra.state) && !current.starting) return `${what}, never started)`;
  if (desired !== undefined && startPending(desired, current) !== undefined) return undefined;
  const idle = current.containers.find((c) => !c.isInfra && NEVER_STARTED.has(c.state));
  if (idle !== undefined) return `${what}, container ${idle.name} never started)`;
  return undefined;
}

/**
 * startPending says why a pod's containers are rightly not all started: a background kubeplay is
 * still starting it ('starting'), or an init container failed and the pod's restartPolicy is Never
 * ('init failed': the pod stays failed, as in Kubernetes). Undefined otherwise; then a container
 * that never started means the start was cut off.
 */
export function startPending(pod: DesiredPod, current: ObservedPod): 'starting' | 'init failed' | undefined {
  if (current.starting) return 'starting';
  if (pod.initContainers.length === 0) return undefined;
  const seq = startSequenceOf(pod);
  if (seq.restartFailed) return undefined;
  const byName = new Map(current.containers.map((c) => [c.name, c]));
  for (const item of seq.items) {
    const c = byName.get(item.name);
    if (c === undefined || NEVER_STARTED.has(c.state)) return undefined;
    if (item.until === 'exit' && c.exitCode !== undefined && c.exitCode !== 0) return 'init failed';
  }
  return undefined;
}

/** INIT_WAIT_SECONDS is how long apply itself waits for init containers before the background takes over. */
export const INIT_WAIT_SECONDS = 5;

/** startSequenceOf is the order the kubelet starts a pod's containers in (see StartSequence). */
export function startSequenceOf(pod: DesiredPod): StartSequence {
  return {
    pod: pod.name,
    items: [
      ...pod.initContainers.map(
        (c): StartItem => ({ name: c.name, until: c.initKind === 'sidecar' ? 'started' : 'exit', ...(c.startupProbe ? { startupProbe: c.startupProbe } : {}) }),
      ),
      ...pod.containers.map((c): StartItem => ({ name: c.name, until: 'started' })),
    ],
    waitSeconds: INIT_WAIT_SECONDS,
    // The pod's restartPolicy (Always or OnFailure) restarts failed init containers, as in Kubernetes.
    restartFailed: (pod.containers[0]?.restartPolicy ?? 'no') !== 'no',
  };
}
