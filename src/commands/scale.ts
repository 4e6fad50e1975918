/**
 * runScale: `kubeplay scale deployment/web --replicas=3` (Deployments, ReplicaSets,
 * StatefulSets), as kubectl scale: the object's spec.replicas set in the store (its generation
 * goes up), then the controllers make or remove the pods before the command returns.
 */
import { ObjectError, UsageError } from '../domain/errors';
import { refWord, resourceText } from '../domain/kinds';
import type { ReconcileReport } from './reconcile';
import { storedOf, withControllers, workloadRefs, type WorkloadDeps } from './workloads';

/** ScaleOptions are scale's flags. */
export interface ScaleOptions {
  args: string[];
  replicas: number;
  /** --current-replicas: the change happens only if the object has this many now (-1: not checked). */
  currentReplicas: number;
  namespace?: string;
}

/** SCALABLE are the kinds with a scale subresource that kubeplay handles. */
const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);

/** runScale scales each object named; returns the `deployment.apps/web scaled` lines' refs. */
export async function runScale(opts: ScaleOptions, deps: WorkloadDeps): Promise<{ scaled: string[]; reconciled: ReconcileReport }> {
  if (!Number.isInteger(opts.replicas) || opts.replicas < 0) throw new UsageError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  const refs = workloadRefs(opts.args, opts.namespace, 'scale');
  for (const r of refs) if (!SCALABLE.has(r.kind.info.kind)) throw new ObjectError(`${resourceText(r.kind.info)} "${r.name}" cannot be scaled: kubeplay scales deployments, replicasets and statefulsets`);
  const { result, reconciled } = await withControllers(
    deps,
    (store) => {
      const objects = refs.map((r) => ({ r, o: storedOf(store, r) }));
      for (const { o } of objects) {
        const current = (o.spec as { replicas?: number } | undefined)?.replicas ?? 1;
        if (opts.currentReplicas >= 0 && current !== opts.currentReplicas) throw new ObjectError(`Expected replicas to be ${opts.currentReplicas}, was ${current}`);
      }
      for (const { o } of objects) store.update({ ...o, spec: { ...(o.spec as object), replicas: opts.replicas } });
      return objects.map(({ r }) => `${refWord(r.kind.info)}/${r.name}`);
    },
    { waitSeconds: 0 },
  );
  return { scaled: result, reconciled };
}
