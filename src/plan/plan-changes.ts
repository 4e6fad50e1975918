/**
 * planChanges: the plan stage of apply. Desired pods × observed state → one action per pod, with
 * its cause and its steps; plus the host-port and ownership conflicts that stop the run before any
 * change. Pure: no engine, no fs, no clock.
 */
import type { DesiredPod } from '../domain/types';
import type { HostPathKind, HostPortClaim, ObservedPod, ObservedState } from '../domain/state';
import {
  LABEL_MANAGED_BY,
  LABEL_OWNER,
  LABEL_MANIFEST_HASH,
  LABEL_NAMESPACE,
  LABEL_POD,
  LABEL_VOLUME_KIND,
  MANAGED_BY_VALUE,
} from '../domain/labels';
import type { Action, Conflict, ImageDecision, Plan, Step } from './plan';
import { driftOf, incompleteOf, isManaged, startSequenceOf } from '../domain/convergence';
import { appsBeforeSidecars, removeSteps } from './stop-steps';
import { byText } from '../domain/order';
import { podIdentityOf } from '../domain/pod-names';
import { imageChoice, mergeImageDecision } from './plan-images';
import { leftoverSteps, madeSteps, refreshSteps, secretSizeProblems, unmadeSteps } from './pod-leftovers';
import { claimVolumeLabels } from './plan-claims';
import { DEFAULT_NAMESPACE } from '../domain/kinds';

/** PlanOptions are the apply flags and injected helpers the planner needs. */
export interface PlanOptions {
  /** --force: replace a pod of the same name that kubeplay did not create. */
  force: boolean;
  /** --prune: managed pods matching this predicate and absent from the input are removed. */
  prune?: { matches: (labels: Record<string, string>) => boolean; selector: string };
  /** Rebuilds the previous version of a managed pod from its last-applied label (for rollback). */
  previousOf: (observed: ObservedPod) => DesiredPod | undefined;
  /** Where pods' volume files are kept (the state directory's `pods`): a removed pod's own directory there is removed. */
  filesRoot?: string;
}

/** planChanges computes the apply plan; see the module comment. */
export function planChanges(desired: readonly DesiredPod[], observed: ObservedState, opts: PlanOptions): Plan {
  const byName = new Map(observed.pods.map((p) => [p.name, p]));
  const images = observed.images ?? {};
  const imageDecisions = new Map<string, ImageDecision>();
  const actions: Action[] = [];
  const conflicts: Conflict[] = [];

  for (const pod of desired) {
    const ref = `pod/${pod.ref.name}`;
    // A pod of a non-default namespace that an older kubeplay named plainly (`web`, label
    // namespace=shop) is this pod under its old Podman name: it is replaced by `shop_web`.
    const legacy = pod.name !== pod.ref.name && !byName.has(pod.name) ? legacyOf(pod, byName.get(pod.ref.name)) : undefined;
    const current = legacy ?? byName.get(pod.name);
    if (current && !isManaged(current.labels) && !opts.force) {
      conflicts.push({
        ref,
        message: `pod "${pod.name}" exists in Podman but was not created by kubeplay (it has no label ${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE}), so kubeplay will not replace it; remove it yourself or re-run with --force to replace it`,
      });
      continue;
    }
    const incomplete = current && !legacy && isManaged(current.labels) ? incompleteOf(current, pod) : undefined;
    const drift = current && !legacy && incomplete === undefined ? driftOf(pod, current) : undefined;
    if (current && !legacy && incomplete === undefined && drift === undefined) {
      const running = current.containers.filter((c) => !c.isInfra).length;
      // Its configMap/secret volumes follow their objects, as the kubelet keeps them in step.
      actions.push({ kind: 'unchanged', ref, name: pod.name, cause: `hash ${pod.labels[LABEL_MANIFEST_HASH] ?? '?'}, ${running} container(s) as declared`, needsImages: [], steps: refreshSteps(pod), rollback: [] });
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
    conflicts.push(...portConflicts(pod, observed.portClaims ?? [], legacy?.name));
    conflicts.push(...secretSizeProblems(pod).map((message) => ({ ref, message })));

    const make = [...hostPaths.steps, ...createSteps(pod)];
    // Removing the pod removes its containers; a container whose creation was cut off can be left in
    // Podman's storage alone, holding its name, so the names are cleared too.
    const clearNames = containerNames(pod).map((name): Step => ({ op: 'removeContainer', name }));
    const undoMake: Step[] = [
      { op: 'removePod', name: pod.name, timeoutSeconds: 0 },
      ...clearNames,
      ...emptyDirNames(pod).map((name): Step => ({ op: 'removeVolume', name })),
      ...unmadeSteps(pod),
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
    const removeOld = removeSteps(current.name, stopTimeout(previous ?? pod), previous ? emptyDirNames(previous) : emptyDirNames(pod), appsBeforeSidecars(previous), leftoverSteps(current, opts.filesRoot));
    actions.push({
      kind: 'recreate',
      ref,
      name: pod.name,
      cause: legacy
        ? `renamed for its namespace: Podman pod ${legacy.name} becomes ${pod.name}`
        : isManaged(current.labels)
          ? (drift ?? 'changed')
          : 'replacing a pod kubeplay did not create (--force)',
      needsImages: uniq(needsImages),
      steps: [...removeOld, ...make],
      rollback: previous ? [...undoMake, ...createSteps(previous)] : undoMake,
    });
  }

  if (opts.prune) {
    const wanted = new Set(desired.map((p) => p.name));
    for (const p of observed.pods) {
      // A controller's pod is its controller's to remove, not prune's (kubectl prunes only what it applied).
      if (wanted.has(p.name) || !isManaged(p.labels) || p.labels[LABEL_OWNER] !== undefined || !opts.prune.matches(p.labels)) continue;
      const previous = opts.previousOf(p);
      actions.push({
        kind: 'prune',
        ref: `pod/${podIdentityOf(p.name, p.labels).name}`,
        name: p.name,
        cause: `managed, matches -l ${opts.prune.selector}, not in the input`,
        needsImages: [],
        steps: removeSteps(p.name, previous ? stopTimeout(previous) : 30, previous ? emptyDirNames(previous) : [], appsBeforeSidecars(previous), leftoverSteps(p, opts.filesRoot)),
        rollback: [],
      });
    }
  }
  return { images: [...imageDecisions.values()].sort((a, b) => byText(a.image, b.image)), actions, conflicts };
}

/**
 * legacyOf is the observed pod an older kubeplay made for this pod of a non-default namespace
 * under its plain name: managed, and labelled with the pod's namespace.
 */
function legacyOf(pod: DesiredPod, observed: ObservedPod | undefined): ObservedPod | undefined {
  return observed && isManaged(observed.labels) && observed.labels[LABEL_NAMESPACE] === pod.ref.namespace ? observed : undefined;
}

/** portConflicts lists the host ports of a pod that something else already holds (`replaces`: a pod it replaces, whose ports it frees). */
export function portConflicts(pod: DesiredPod, claims: readonly HostPortClaim[], replaces?: string): Conflict[] {
  const out: Conflict[] = [];
  for (const p of pod.ports) {
    for (const c of claims) {
      if (c.podName === pod.name || (replaces !== undefined && c.podName === replaces)) continue; // the pod being replaced frees its own ports
      if (c.hostPort !== p.hostPort || c.protocol !== p.protocol || !ipsOverlap(c.hostIP, p.hostIP)) continue;
      out.push({
        ref: `pod/${pod.ref.name}`,
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
      // Also made by the claim's own apply (plan-claims.ts): a pod and its claim applied together are safe in either order.
      const claim = pod.ref.namespace === DEFAULT_NAMESPACE ? v.podmanVolume : v.podmanVolume.slice(pod.ref.namespace.length + 1);
      steps.push({ op: 'ensureVolume', name: v.podmanVolume, labels: claimVolumeLabels(pod.ref.namespace, claim) });
    }
  }
  steps.push(...madeSteps(pod), { op: 'createPod', pod });
  for (const c of [...pod.initContainers, ...pod.containers]) steps.push({ op: 'createContainer', pod, container: c });
  // Without init containers Podman's pod start is one call that waits on nothing.
  steps.push(pod.initContainers.length === 0 ? { op: 'startPod', name: pod.name } : { op: 'startInOrder', sequence: startSequenceOf(pod) });
  return steps;
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
