/**
 * describe's layout for a Job, as kubectl's JobDescriber prints it: name, namespace, selector,
 * labels, annotations, its controller, parallelism, completions, completion mode, suspend, backoff
 * limit, TTL, start and completion times with the duration, the active deadline, the pods by state
 * from its status, the completed indexes of an Indexed Job, the pod template and its events.
 */
import type { StoredObject } from '../../domain/objects';
import { rfc1123z } from '../../print/describe';
import { humanDuration } from '../../print/get/duration';
import type { DescribeRelated } from '../kind';
import { controlledByLine, eventLines, finishDescribe, metadataLines, num, selectorText, templateLines } from '../workload';

interface JobSpecView {
  selector?: unknown;
  parallelism?: number;
  completions?: number;
  completionMode?: string;
  suspend?: boolean;
  backoffLimit?: number;
  ttlSecondsAfterFinished?: number;
  activeDeadlineSeconds?: number;
}

interface JobStatusView {
  startTime?: string;
  completionTime?: string;
  active?: number;
  ready?: number;
  succeeded?: number;
  failed?: number;
  completedIndexes?: string;
}

/** capIndexes is kubectl's capIndexesListOrNone: `<none>`, or the list cut after the first comma past 50 characters. */
function capIndexes(indexes: string | undefined, softLimit = 50): string {
  if (!indexes) return '<none>';
  let ix = softLimit;
  while (ix < indexes.length && indexes[ix] !== ',') ix++;
  return ix >= indexes.length ? indexes : `${indexes.slice(0, ix + 1)}...`;
}

/** describeJob is kubectl's JobDescriber; see the module comment. */
export function describeJob(o: StoredObject, related: DescribeRelated): string {
  const spec = (o.spec ?? {}) as JobSpecView;
  const st = (o.status ?? {}) as JobStatusView;
  const start = st.startTime ? new Date(st.startTime) : undefined;
  const done = st.completionTime ? new Date(st.completionTime) : undefined;
  return finishDescribe([
    `Name:\t${o.metadata.name}`,
    `Namespace:\t${o.metadata.namespace ?? ''}`,
    `Selector:\t${selectorText(spec.selector)}`,
    ...metadataLines(o.metadata),
    ...controlledByLine(o.metadata),
    ...(spec.parallelism !== undefined ? [`Parallelism:\t${spec.parallelism}`] : []),
    spec.completions !== undefined ? `Completions:\t${spec.completions}` : 'Completions:\t<unset>',
    ...(spec.completionMode !== undefined ? [`Completion Mode:\t${spec.completionMode}`] : []),
    ...(spec.suspend !== undefined ? [`Suspend:\t${String(spec.suspend)}`] : []),
    ...(spec.backoffLimit !== undefined ? [`Backoff Limit:\t${spec.backoffLimit}`] : []),
    ...(spec.ttlSecondsAfterFinished !== undefined ? [`TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}`] : []),
    ...(start ? [`Start Time:\t${rfc1123z(start)}`] : []),
    ...(done ? [`Completed At:\t${rfc1123z(done)}`] : []),
    ...(start && done ? [`Duration:\t${humanDuration(done.getTime() - start.getTime())}`] : []),
    ...(spec.activeDeadlineSeconds !== undefined ? [`Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s`] : []),
    st.ready === undefined
      ? `Pods Statuses:\t${num(st.active)} Active / ${num(st.succeeded)} Succeeded / ${num(st.failed)} Failed`
      : `Pods Statuses:\t${num(st.active)} Active (${st.ready} Ready) / ${num(st.succeeded)} Succeeded / ${num(st.failed)} Failed`,
    ...(spec.completionMode === 'Indexed' ? [`Completed Indexes:\t${capIndexes(st.completedIndexes)}`] : []),
    ...templateLines(o),
    ...eventLines(o, related),
  ]);
}
