/**
 * planChanges: the plan stage of apply. Desired pods × observed state → one action per pod, with
 * its cause and its steps; plus the host-port and ownership conflicts that stop the run before any
 * change. Pure: no engine, no fs, no clock.
 */
import type { DesiredPod } from '../domain/types';
import type { HostPathKind, HostPortClaim, ObservedPod, ObservedState } from '../domain/state';
import {
  LABEL_MANAGED_BY,
  LABEL_MANIFEST_HASH,
  LABEL_POD,
  LABEL_VOLUME_KIND,
  MANAGED_BY_VALUE,
} from '../domain/labels';
import type { Action, Conflict, ImageDecision, Plan, StartItem, StartSequence, Step } from './plan';
import { appsBeforeSidecars, removeSteps } from './stop-steps';
import { byText } from '../domain/order';
import { imageChoice, mergeImageDecision } from './plan-images';

/** PlanOptions are the apply flags and injected helpers the planner needs. */
export interface PlanOptions {
  /** --force: replace a pod of the same name that kubeplay did not create. */
  force: boolean;
  /** --prune: managed pods matching this predicate and absent from the input are removed. */
  prune?: { matches: (labels: Record<string, string>) => boolean; selector: string };
  /** Rebuilds the previous version of a managed pod from its last-applied label (for rollback). */
  previousOf: (observed: ObservedPod) => DesiredPod | undefined;
}

/** isManaged tells whether kubeplay created a pod. */
export function isManaged(labels: Record<string, string>): boolean {
  return labels[LABEL_MANAGED_BY] === MANAGED_BY_VALUE;
}

/** planChanges computes the apply plan; see the module comment. */
export function planChanges(desired: readonly DesiredPod[], observed: ObservedState, opts: PlanOptions): Plan {
  const byName = new Map(observed.pods.map((p) => [p.name, p]));
  const images = observed.images ?? {};
  const imageDecisions = new Map<string, ImageDecision>();
  const actions: Action[] = [];
  const conflicts: Conflict[] = [];

  for (const pod of desired) {
    const ref = `pod/${pod.name}`;
    const current = byName.get(pod.name);
    if (current && !isManaged(current.labels) && !opts.force) {
      conflicts.push({
        ref,
        message: `pod "${pod.name}" exists in Podman but was not created by kubeplay (it has no label ${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE}), so kubeplay will not replace it; remove it yourself or re-run with --force to replace it`,
      });
      continue;
    }
    const incomplete = current && isManaged(current.labels) ? incompleteOf(current, pod) : undefined;
    const drift = current && incomplete === undefined ? driftOf(pod, current) : undefined;
    if (current && incomplete === undefined && drift === undefined) {
      const running = current.containers.filter((c) => !c.isInfra).length;
      actions.push({ kind: 'unchanged', ref, name: pod.name, cause: `hash ${pod.labels[LABEL_MANIFEST_HASH] ?? '?'}, ${running} container(s) as declared`, needsImages: [], steps: [], rollback: [] });
      continue;
    }

    // The pod must be made: check its images first, so a bad image never removes a working pod.
    const needsImages: string[] = [];
    let blocked: string | undefined;
    for (const c of [...pod.initContainers, ...pod.containers]) {
      const choice = imageChoice(c, images);
      if (choice === undefined) continue;
      const seen = imageDecisions.get(choice.decision.image);
      imageDecisions.set(choice.decision.image, seen ? mergeImageDecision(seen, choice.decision) : choice.decision);
      if (choice.needsPull) needsImages.push(choice.decision.image);
      if (choice.refusal !== undefined && !conflicts.some((x) => x.ref === ref && x.message === choice.refusal)) conflicts.push({ ref, message: choice.refusal });
      blocked ??= choice.failure;
    }
    const hostPaths = hostPathChecks(pod, observed.hostPaths ?? {});
    blocked ??= hostPaths.problem;
    if (blocked) {
      actions.push({ kind: 'blocked', ref, name: pod.name, cause: blocked, needsImages: [], steps: [], rollback: [] });
      continue;
    }
    conflicts.push(...portConflicts(pod, observed.portClaims ?? []));

    const make = [...hostPaths.steps, ...createSteps(pod)];
    // Removing the pod removes its containers; a container whose creation was cut off can be left in
    // Podman's storage alone, holding its name, so the names are cleared too.
    const clearNames = containerNames(pod).map((name): Step => ({ op: 'removeContainer', name }));
    const undoMake: Step[] = [
      { op: 'removePod', name: pod.name, timeoutSeconds: 0 },
      ...clearNames,
      ...emptyDirNames(pod).map((name): Step => ({ op: 'removeVolume', name })),
    ];
    if (!current) {
      actions.push({ kind: 'create', ref, name: pod.name, cause: 'not found in Podman', needsImages: uniq(needsImages), steps: make, rollback: undoMake });
      continue;
    }
    if (incomplete !== undefined) {
      // Its creation never finished, so it is made again from nothing (and reported as created):
      // the remains hold no state worth keeping, and there is no previous version to restore.
      actions.push({
        kind: 'create',
        ref,
        name: pod.name,
        cause: `incomplete: ${incomplete}`,
        needsImages: uniq(needsImages),
        steps: [{ op: 'removePod', name: pod.name, timeoutSeconds: 0 }, ...clearNames, ...make],
        rollback: undoMake,
      });
      continue;
    }
    const previous = isManaged(current.labels) ? opts.previousOf(current) : undefined;
    const removeOld = removeSteps(pod.name, stopTimeout(previous ?? pod), previous ? emptyDirNames(previous) : emptyDirNames(pod), appsBeforeSidecars(previous));
    actions.push({
      kind: 'recreate',
      ref,
      name: pod.name,
      cause: isManaged(current.labels) ? (drift ?? 'changed') : 'replacing a pod kubeplay did not create (--force)',
      needsImages: uniq(needsImages),
      steps: [...removeOld, ...make],
      rollback: previous ? [...undoMake, ...createSteps(previous)] : undoMake,
    });
  }

  if (opts.prune) {
    const wanted = new Set(desired.map((p) => p.name));
    for (const p of observed.pods) {
      if (wanted.has(p.name) || !isManaged(p.labels) || !opts.prune.matches(p.labels)) continue;
      const previous = opts.previousOf(p);
      actions.push({
        kind: 'prune',
        ref: `pod/${p.name}`,
        name: p.name,
        cause: `managed, matches -l ${opts.prune.selector}, not in the input`,
        needsImages: [],
        steps: removeSteps(p.name, previous ? stopTimeout(previous) : 30, previous ? emptyDirNames(previous) : [], appsBeforeSidecars(previous)),
        rollback: [],
      });
    }
  }
  return { images: [...imageDecisions.values()].sort((a, b) => byText(a.image, b.image)), actions, conflicts };
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
const NEVER_STARTED: ReadonlySet<string> = new Set(['created', 'initialized']);

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

/** portConflicts lists the host ports of a pod that something else already holds. */
export function portConflicts(pod: DesiredPod, claims: readonly HostPortClaim[]): Conflict[] {
  const out: Conflict[] = [];
  for (const p of pod.ports) {
    for (const c of claims) {
      if (c.podName === pod.name) continue; // the pod being replaced frees its own ports
      if (c.hostPort !== p.hostPort || c.protocol !== p.protocol || !ipsOverlap(c.hostIP, p.hostIP)) continue;
      out.push({
        ref: `pod/${pod.name}`,
        message: `hostPort ${p.hostPort}/${p.protocol.toUpperCase()}${p.hostIP ? ` on ${p.hostIP}` : ''} is already in use by ${c.holder}; free the port or change hostPort`,
      });
      break;
    }
  }
  return out;
}

function ipsOverlap(a: string, b: string): boolean {
  const wild = (ip: string) => ip === '' || ip === '0.0.0.0' || ip === '::';
  return wild(a) || wild(b) || a === b;
}

const KIND_WORDS: Record<string, { kind: HostPathKind; words: string }> = {
  Directory: { kind: 'directory', words: 'an existing directory' },
  DirectoryOrCreate: { kind: 'directory', words: 'a directory (or missing, to be created)' },
  File: { kind: 'file', words: 'an existing file' },
  FileOrCreate: { kind: 'file', words: 'a file (or missing, to be created)' },
  Socket: { kind: 'socket', words: 'an existing UNIX socket' },
  CharDevice: { kind: 'char-device', words: 'an existing character device' },
  BlockDevice: { kind: 'block-device', words: 'an existing block device' },
};

/**
 * hostPathChecks applies the kubelet's hostPath type checks to what the host has: a mismatch
 * blocks the pod; a missing path of type DirectoryOrCreate or FileOrCreate is created first.
 * Paths that were not observed (dry run on the client) are not checked.
 */
export function hostPathChecks(pod: DesiredPod, seen: Readonly<Record<string, HostPathKind>>): { problem?: string; steps: Step[] } {
  const steps: Step[] = [];
  for (const v of pod.volumes) {
    if (v.kind !== 'hostPath' || v.type === '') continue;
    const want = KIND_WORDS[v.type];
    const have = seen[v.path];
    if (!want || have === undefined) continue;
    if (have === want.kind) continue;
    if (have === 'missing' && v.type.endsWith('OrCreate')) {
      steps.push({ op: 'ensureHostPath', path: v.path, kind: want.kind === 'file' ? 'file' : 'directory' });
      continue;
    }
    const is = have === 'missing' ? 'it does not exist' : `it is ${have === 'other' ? 'something else' : `a ${have.replace('-', ' ')}`}`;
    return { problem: `hostPath "${v.path}" of volume ${v.name} must be ${want.words} (type ${v.type}), but ${is}; create it or change the volume's type`, steps: [] };
  }
  return { steps };
}

/** createSteps makes a pod from nothing: its volumes, the pod, its containers (init first), then starts it. */
export function createSteps(pod: DesiredPod): Step[] {
  const steps: Step[] = [];
  for (const v of pod.volumes) {
    if (v.kind === 'emptyDir') {
      const labels = { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, [LABEL_POD]: pod.name, [LABEL_VOLUME_KIND]: 'emptyDir' };
      // A leftover emptyDir of an earlier run must not leak its data into the new pod.
      steps.push({ op: 'removeVolume', name: v.podmanVolume }, { op: 'createVolume', name: v.podmanVolume, labels, tmpfs: v.medium === 'Memory' });
    } else if (v.kind === 'pvc') {
      steps.push({ op: 'ensureVolume', name: v.podmanVolume, labels: { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, [LABEL_VOLUME_KIND]: 'pvc' } });
    }
  }
  steps.push({ op: 'createPod', pod });
  for (const c of [...pod.initContainers, ...pod.containers]) steps.push({ op: 'createContainer', pod, container: c });
  // Without init containers Podman's pod start is one call that waits on nothing.
  steps.push(pod.initContainers.length === 0 ? { op: 'startPod', name: pod.name } : { op: 'startInOrder', sequence: startSequenceOf(pod) });
  return steps;
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

function containerNames(pod: DesiredPod): string[] {
  return [...pod.initContainers, ...pod.containers].map((c) => c.name);
}

function emptyDirNames(pod: DesiredPod): string[] {
  return pod.volumes.flatMap((v) => (v.kind === 'emptyDir' ? [v.podmanVolume] : []));
}

/** stopTimeout is the longest grace period of the pod's containers. */
export function stopTimeout(pod: DesiredPod): number {
  return Math.max(0, ...pod.containers.map((c) => c.stopTimeoutSeconds));
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}
