/**
 * describe's layout for a ReplicaSet, as kubectl's ReplicaSetDescriber prints it: name,
 * namespace, selector, labels, annotations, its controller (a Deployment), replicas, the pods it
 * controls by phase (stored pods, by selector and ownerReferences), the pod template, conditions
 * and the events recorded about it.
 */
import type { StoredObject } from '../../domain/objects';
import type { DescribeRelated } from '../kind';
import { conditionLines, controlledByLine, eventLines, finishDescribe, formatLabelSelector, metadataLines, num, podsStatusText, templateLines } from '../workload';

/** describeReplicaSet is kubectl's ReplicaSetDescriber; see the module comment. */
export function describeReplicaSet(o: StoredObject, related: DescribeRelated): string {
  const spec = (o.spec ?? {}) as { replicas?: number; selector?: unknown };
  const st = (o.status ?? {}) as { replicas?: number; conditions?: unknown };
  return finishDescribe([
    `Name:\t${o.metadata.name}`,
    `Namespace:\t${o.metadata.namespace ?? ''}`,
    `Selector:\t${formatLabelSelector(spec.selector)}`,
    ...metadataLines(o.metadata),
    ...controlledByLine(o.metadata),
    `Replicas:\t${num(st.replicas)} current / ${num(spec.replicas)} desired`,
    `Pods Status:\t${podsStatusText(o, related)}`,
    ...templateLines(o),
    ...conditionLines(st.conditions),
    ...eventLines(o, related),
  ]);
}
