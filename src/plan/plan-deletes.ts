/**
 * planDeletes: the plan stage of delete. What the user asked for (pods named by argument or by
 * file, a label selector, or --all) × the observed pods → one `delete` action per pod, in input
 * order, each stopping the pod within its grace period and, once every pod is stopped, removing
 * it and then its emptyDir volumes (PVC volumes stay, as in Kubernetes); plus the names that are not there, and the unmanaged pods a selector
 * matched but may not touch. Pure: no engine, no fs, no clock.
 */
import type { DesiredPod } from '../domain/types';
import type { ObservedPod } from '../domain/state';
import type { Action, Plan } from './plan';
import { leftoverSteps } from './pod-leftovers';
import { stopTimeout } from './plan-changes';
import { isManaged } from '../domain/convergence';
import { appsBeforeSidecars, removeSteps } from './stop-steps';
import { byText } from '../domain/order';
import { podIdentityOf, podmanPodName } from '../domain/pod-names';
import { DEFAULT_NAMESPACE } from '../domain/kinds';

/** DEFAULT_GRACE_SECONDS is Kubernetes' default terminationGracePeriodSeconds. */
export const DEFAULT_GRACE_SECONDS = 30;

/** DeleteTarget is one pod named explicitly: by argument, or by a document of a -f file. */
export interface DeleteTarget {
  /** The Kubernetes name. */
  name: string;
  /** Its namespace (`default` when absent); the Podman pod is podmanPodName(namespace, name). */
  namespace?: string;
  /** The resource in a NotFound message, when not pods (`namespaces`). */
  resource?: string;
  /** The file that named it (for kubectl's `error when deleting "FILE"`); absent for an argument. */
  source?: string;
}

/** DeleteRequest is what to delete: explicit names, pods matching a selector, or every pod. */
export type DeleteRequest =
  | { by: 'names'; targets: readonly DeleteTarget[] }
  | { by: 'selector'; text: string; matches: (labels: Readonly<Record<string, string>>) => boolean; namespace?: string }
  | { by: 'all'; namespace?: string };

/** DeletePlanOptions are delete's resolved flags and the injected label reader. */
export interface DeletePlanOptions {
  /**
   * kubectl's resolved grace period: -1 uses each pod's own terminationGracePeriodSeconds
   * (from its last-applied label, else 30); 0 kills at once (--force); N > 0 overrides.
   */
  gracePeriod: number;
  /** --include-unmanaged: a selector or --all may also take pods kubeplay did not create. */
  includeUnmanaged: boolean;
  /** Rebuilds the pod kubeplay applied from its last-applied label (grace period, volumes). */
  previousOf: (observed: ObservedPod) => DesiredPod | undefined;
  /** Where pods' volume files are kept: a deleted pod's own directory there is removed. */
  filesRoot?: string;
}

/** DeletePlan is the delete planner's output: the actions, and what was asked for but is not deleted. */
export interface DeletePlan extends Plan {
  /** Explicitly named pods that are not in Podman, in input order. */
  notFound: DeleteTarget[];
  /** Pods a selector or --all matched that kubeplay did not create (kept without --include-unmanaged). */
  skippedUnmanaged: string[];
  /** What delete says on stderr beside its result (a claim kept Terminating while pods use it). */
  warnings?: string[];
}

/**
 * planDeletes computes the delete plan; see the module comment. `observed` undefined means Podman
 * was not looked at (--dry-run=client with names): every named pod is planned, as kubectl does.
 * A pod named twice is deleted once.
 */
export function planDeletes(request: DeleteRequest, observed: readonly ObservedPod[] | undefined, opts: DeletePlanOptions): DeletePlan {
  const plan: DeletePlan = { images: [], actions: [], conflicts: [], notFound: [], skippedUnmanaged: [] };
  const seen = new Set<string>();
  if (request.by === 'names') {
    const byName = new Map((observed ?? []).map((p) => [p.name, p]));
    for (const t of request.targets) {
      const podman = podmanPodName(t.namespace ?? DEFAULT_NAMESPACE, t.name);
      if (seen.has(podman)) continue;
      seen.add(podman);
      const pod = byName.get(podman);
      if (observed === undefined) plan.actions.push(unobservedAction(t.name, podman, opts.gracePeriod));
      else if (pod === undefined) plan.notFound.push(t);
      else plan.actions.push(deleteAction(pod, opts, isManaged(pod.labels) ? '' : 'not created by kubeplay, named explicitly'));
    }
    return plan;
  }
  const ns = request.namespace;
  const pods = [...(observed ?? [])]
    .map((p) => ({ p, id: podIdentityOf(p.name, p.labels) }))
    .filter((x) => ns === undefined || x.id.namespace === ns)
    .sort((a, b) => byText(a.id.namespace, b.id.namespace) || byText(a.id.name, b.id.name))
    .map((x) => x.p);
  for (const pod of pods) {
    if (request.by === 'selector' && !request.matches(pod.labels)) continue;
    if (!isManaged(pod.labels) && !opts.includeUnmanaged) {
      plan.skippedUnmanaged.push(pod.name);
      continue;
    }
    const why = request.by === 'selector' ? `matches -l ${request.text}` : 'matches --all';
    plan.actions.push(deleteAction(pod, opts, isManaged(pod.labels) ? why : `${why}, not created by kubeplay (--include-unmanaged)`));
  }
  return plan;
}

/** graceOf is the seconds a pod gets between SIGTERM and SIGKILL, and where that figure comes from. */
export function graceOf(previous: DesiredPod | undefined, gracePeriod: number): { seconds: number; from: string } {
  if (gracePeriod === 0) return { seconds: 0, from: 'force: killed at once' };
  if (gracePeriod > 0) return { seconds: gracePeriod, from: `grace period ${gracePeriod}s (--grace-period)` };
  if (previous !== undefined) {
    const s = stopTimeout(previous);
    return { seconds: s, from: `grace period ${s}s (terminationGracePeriodSeconds)` };
  }
  return { seconds: DEFAULT_GRACE_SECONDS, from: `grace period ${DEFAULT_GRACE_SECONDS}s (Kubernetes' default)` };
}

/** deleteAction stops and removes one observed pod. */
export function deleteAction(pod: ObservedPod, opts: DeletePlanOptions, why: string): Action {
  // Only a managed pod's label is kubeplay's own record; another tool's pod has none to trust.
  const previous = isManaged(pod.labels) ? opts.previousOf(pod) : undefined;
  const grace = graceOf(previous, opts.gracePeriod);
  const emptyDirs = (previous?.volumes ?? []).flatMap((v) => (v.kind === 'emptyDir' ? [v.podmanVolume] : []));
  const claims = (previous?.volumes ?? []).flatMap((v) => (v.kind === 'pvc' ? [v.podmanVolume] : []));
  const parts = [why, grace.from];
  if (emptyDirs.length > 0) parts.push(`removes emptyDir ${emptyDirs.join(', ')}`);
  if (claims.length > 0) parts.push(`keeps PVC ${claims.join(', ')}`);
  const steps = removeSteps(pod.name, grace.seconds, emptyDirs, appsBeforeSidecars(previous), leftoverSteps(pod, opts.filesRoot));
  return { kind: 'delete', ref: `pod/${podIdentityOf(pod.name, pod.labels).name}`, name: pod.name, cause: parts.filter((p) => p !== '').join('; '), needsImages: [], steps, rollback: [] };
}

function unobservedAction(name: string, podmanName: string, gracePeriod: number): Action {
  const grace = graceOf(undefined, gracePeriod);
  return {
    kind: 'delete',
    ref: `pod/${name}`,
    name: podmanName,
    cause: `not checked against Podman (--dry-run=client); ${gracePeriod < 0 ? "the pod's own grace period" : grace.from}`,
    needsImages: [],
    steps: removeSteps(podmanName, grace.seconds, []),
    rollback: [],
  };
}
