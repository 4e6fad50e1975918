/**
 * What `rollout status` says of a DaemonSet: kubectl's DaemonSetStatusViewer
 * (pkg/polymorphichelpers/rollout_status.go), message and done flag, or its error. History and
 * undo read the set's ControllerRevisions (../revisions.ts). Pure.
 */
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import type { KubeObject } from '../../domain/objects';
import { revisionRollout } from '../revisions';
import type { RolloutStatus } from '../statefulset/rollout';
import type { DaemonSetSpec, DaemonSetStatus } from './controller';

/** daemonSetRolloutStatus is DaemonSetStatusViewer.Status. */
export function daemonSetRolloutStatus(ds: KubeObject): RolloutStatus {
  const spec = (ds.spec ?? {}) as DaemonSetSpec;
  const status = (ds.status ?? {}) as Partial<DaemonSetStatus>;
  // kubectl names the StatefulSet's constant here; both read "RollingUpdate".
  if ((spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return { error: 'rollout status is only available for RollingUpdate strategy type' };
  const name = ds.metadata.name;
  if ((ds.metadata.generation ?? 0) <= (status.observedGeneration ?? 0)) {
    const desired = status.desiredNumberScheduled ?? 0;
    const updated = status.updatedNumberScheduled ?? 0;
    const available = status.numberAvailable ?? 0;
    if (updated < desired) return { message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`, done: false };
    if (available < desired) return { message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`, done: false };
    return { message: `daemon set "${name}" successfully rolled out`, done: true };
  }
  return { message: 'Waiting for daemon set spec update to be observed...', done: false };
}

/** daemonSetRollout is the rollout facet (kinds' RolloutFacet shape) of the kind: `describeTemplate` renders `history --revision` (kubectl's DescribePodTemplate). */
export function daemonSetRollout(describeTemplate: (template: V1PodTemplateSpec) => string) {
  return revisionRollout(daemonSetRolloutStatus, describeTemplate);
}
