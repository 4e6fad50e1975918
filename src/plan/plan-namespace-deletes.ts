/**
 * planNamespaceDeletes: the plan stage of `delete namespace`. Each namespace named goes with what
 * kubeplay made in it, as a cluster's namespace controller deletes a namespace's contents: its
 * pods (stopped within their grace periods, reported with the namespace, not one by one), then the
 * Namespace object. `default` may not be deleted (the API server's Forbidden); a namespace that
 * does not exist is NotFound. Pure.
 */
import type { ObservedPod } from '../domain/state';
import { isManaged } from '../domain/convergence';
import { podIdentityOf } from '../domain/pod-names';
import type { Action } from './plan';
import { deleteAction, type DeletePlanOptions, type DeleteTarget } from './plan-deletes';
import { objectDeleteAction } from './plan-objects';
import { STOPPED_BARRIER } from './stop-steps';

/** NamespaceDeletes are the actions, and the names asked for that are missing or may not be deleted. */
export interface NamespaceDeletes {
  actions: Action[];
  notFound: DeleteTarget[];
  forbidden: Array<{ ref: string; message: string }>;
}

/**
 * planNamespaceDeletes plans the deletion of the namespaces `targets` names. `existing` are the
 * namespaces that exist; `pods` the Podman pods (undefined: not looked at, a client dry run).
 */
export function planNamespaceDeletes(
  targets: readonly DeleteTarget[],
  existing: readonly string[] | undefined,
  pods: readonly ObservedPod[] | undefined,
  opts: DeletePlanOptions & { undeletable: (name: string) => string | undefined },
): NamespaceDeletes {
  const out: NamespaceDeletes = { actions: [], notFound: [], forbidden: [] };
  const seen = new Set<string>();
  const contents: Action[] = [];
  for (const t of targets) {
    if (seen.has(t.name)) continue;
    seen.add(t.name);
    const ref = `namespace/${t.name}`;
    const refused = opts.undeletable(t.name);
    if (refused !== undefined) {
      out.forbidden.push({ ref, message: refused });
      continue;
    }
    if (existing !== undefined && !existing.includes(t.name)) {
      out.notFound.push(t);
      continue;
    }
    const inside = (pods ?? []).filter((p) => isManaged(p.labels) && podIdentityOf(p.name, p.labels).namespace === t.name);
    for (const p of inside) contents.push({ ...deleteAction(p, opts, `in namespace ${t.name}, deleted with it`), partOf: ref });
    const what = pods === undefined ? 'not checked against Podman (--dry-run=client)' : inside.length === 0 ? 'nothing of kubeplay\'s in it' : `with its ${inside.length} pod(s)`;
    const action = objectDeleteAction(ref, { kind: 'Namespace', namespace: '', name: t.name }, what);
    // Removed from the store once its pods are stopped (the barrier's phase), as a namespace goes once it is empty.
    out.actions.push({ ...action, steps: [STOPPED_BARRIER, ...action.steps] });
  }
  out.actions = [...contents, ...out.actions];
  return out;
}
