/**
 * describe's layout for a DaemonSet, as kubectl's DaemonSetDescriber prints it: name, namespace,
 * selector, node selector, labels, annotations, the scheduling counts from its status, the pods it
 * controls by phase, the pod template and the events recorded about it.
 */
import type { StoredObject } from '../../domain/objects';
import type { DescribeRelated } from '../kind';
import { eventLines, finishDescribe, metadataLines, num, podsStatusText, selectorText, templateLines } from '../workload';
import { formatLabels } from './index';

/** describeDaemonSet is kubectl's DaemonSetDescriber; see the module comment. */
export function describeDaemonSet(o: StoredObject, related: DescribeRelated): string {
  const spec = (o.spec ?? {}) as { selector?: unknown; template?: { spec?: { nodeSelector?: Record<string, string> } } };
  const st = (o.status ?? {}) as Record<string, number | undefined>;
  return finishDescribe([
    `Name:\t${o.metadata.name}`,
    `Namespace:\t${o.metadata.namespace ?? ''}`,
    `Selector:\t${selectorText(spec.selector)}`,
    `Node-Selector:\t${formatLabels(spec.template?.spec?.nodeSelector)}`,
    ...metadataLines(o.metadata),
    `Desired Number of Nodes Scheduled: ${num(st['desiredNumberScheduled'])}`,
    `Current Number of Nodes Scheduled: ${num(st['currentNumberScheduled'])}`,
    `Number of Nodes Scheduled with Up-to-date Pods: ${num(st['updatedNumberScheduled'])}`,
    `Number of Nodes Scheduled with Available Pods: ${num(st['numberAvailable'])}`,
    `Number of Nodes Misscheduled: ${num(st['numberMisscheduled'])}`,
    `Pods Status:\t${podsStatusText(o, related)}`,
    ...templateLines(o),
    ...eventLines(o, related),
  ]);
}
