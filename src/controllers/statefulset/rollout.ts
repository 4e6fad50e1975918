/**
 * What `rollout status` says of a StatefulSet: kubectl's StatefulSetStatusViewer
 * (pkg/polymorphichelpers/rollout_status.go), message and done flag, or its error. History and
 * undo read the set's ControllerRevisions (../revisions.ts rolloutHistory, revisionTemplate, undoTarget). Pure.
 */
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import type { KubeObject } from '../../domain/objects';
import { revisionRollout } from '../revisions';
import type { StatefulSetSpec, StatefulSetStatus } from './controller';

/** RolloutStatus is one look of `rollout status`: the line kubectl prints and whether it is done, or the error it stops with. */
export type RolloutStatus = { message: string; done: boolean } | { error: string };

/** statefulSetRolloutStatus is StatefulSetStatusViewer.Status. */
export function statefulSetRolloutStatus(sts: KubeObject): RolloutStatus {
  const spec = (sts.spec ?? {}) as StatefulSetSpec;
  const status = (sts.status ?? {}) as Partial<StatefulSetStatus>;
  const type = spec.updateStrategy?.type ?? 'RollingUpdate';
  if (type !== 'RollingUpdate') return { error: 'rollout status is only available for RollingUpdate strategy type' };
  const observed = status.observedGeneration ?? 0;
  if (observed === 0 || (sts.metadata.generation ?? 0) > observed) return { message: 'Waiting for statefulset spec update to be observed...', done: false };
  const replicas = spec.replicas;
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  if (replicas !== undefined && ready < replicas) return { message: `Waiting for ${replicas - ready} pods to be ready...`, done: false };
  if (spec.updateStrategy?.rollingUpdate !== undefined) {
    const partition = spec.updateStrategy.rollingUpdate.partition;
    if (replicas !== undefined && partition !== undefined && updated < replicas - partition) {
      return { message: `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...`, done: false };
    }
    return { message: `partitioned roll out complete: ${updated} new pods have been updated...`, done: true };
  }
  if (status.updateRevision !== status.currentRevision) {
    return { message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${status.updateRevision ?? ''}...`, done: false };
  }
  return { message: `statefulset rolling update complete ${status.currentReplicas ?? 0} pods at revision ${status.currentRevision ?? ''}...`, done: true };
}

/** statefulSetRollout is the rollout facet (kinds' RolloutFacet shape) of the kind: `describeTemplate` renders `history --revision` (kubectl's DescribePodTemplate). */
export function statefulSetRollout(describeTemplate: (template: V1PodTemplateSpec) => string) {
  return revisionRollout(statefulSetRolloutStatus, describeTemplate);
}
