/**
 * Completion indexes of an Indexed Job as upstream keeps them (pkg/controller/job
 * indexed_job_utils.go): a pod's index from its annotation, and the set of completed indexes in
 * status.completedIndexes' text form (`1,3-5,7`: a run of two is written `3,4`). Pure.
 */
import type { V1Pod } from '@kubernetes/client-node';

/** COMPLETION_INDEX is batch.JobCompletionIndexAnnotation, also a label since 1.28 (PodIndexLabel). */
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

/** indexOf is a pod's completion index, undefined when missing, malformed or not below `completions`. */
export function indexOf(pod: V1Pod, completions: number): number | undefined {
  const text = pod.metadata?.annotations?.[COMPLETION_INDEX] ?? pod.metadata?.labels?.[COMPLETION_INDEX];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n < completions ? n : undefined;
}

/** parseIndexes reads status.completedIndexes (`1,3-5`) into a set, ignoring what is not below `completions`. */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    for (let i = first; i <= last && i < completions; i++) out.add(i);
  }
  return out;
}

/** formatIndexes is orderedIntervals.String: sorted runs, `a-b` for three or more, `a,b` for two. */
export function formatIndexes(indexes: ReadonlySet<number>): string {
  const sorted = [...indexes].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const first = sorted[i]!;
    const last = sorted[j]!;
    parts.push(last === first ? `${first}` : last === first + 1 ? `${first},${last}` : `${first}-${last}`);
    i = j + 1;
  }
  return parts.join(',');
}
