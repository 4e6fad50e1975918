/**
 * What the API server adds to a Job on create besides defaults (pkg/registry/batch/job/strategy.go
 * generateSelector, unless spec.manualSelector is true): the template labels `job-name` and
 * `batch.kubernetes.io/job-name` (the Job's name), `controller-uid` and
 * `batch.kubernetes.io/controller-uid` (its uid), each unless the template already has it, and the
 * selector's matchLabels `batch.kubernetes.io/controller-uid: <uid>`. SetDefaults_Job then copies
 * the template's labels to a Job that has none.
 *
 * The uid exists only once the store has created the object, so this is in two steps: the Job's
 * toStored adds the name labels (known from the manifest), and completeJob adds the uid's, once
 * the uid is known. completeJob is idempotent and leaves a manual selector alone.
 */
import type { KubeObject } from '../../domain/objects';

/** The labels of a Job's pods (batch/v1 JobNameLabel, ControllerUidLabel and their legacy twins). */
export const JOB_NAME_LABELS = ['job-name', 'batch.kubernetes.io/job-name'] as const;
/** CONTROLLER_UID_LABELS hold the Job's uid; the selector matches the prefixed one. */
export const CONTROLLER_UID_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'] as const;
/** SELECTOR_LABEL is the label generateSelector selects on. */
export const SELECTOR_LABEL = 'batch.kubernetes.io/controller-uid';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});

/** isManualSelector: spec.manualSelector is true (the user's selector and labels are kept as given). */
export function isManualSelector(job: { spec?: unknown }): boolean {
  return rec(job.spec)['manualSelector'] === true;
}

/** withLabels sets labels on spec.template.metadata where the template has none of that key. */
function withTemplateLabels(spec: Rec, add: Record<string, string>): Rec {
  const template = rec(spec['template']);
  const meta = rec(template['metadata']);
  const labels = { ...(rec(meta['labels']) as Record<string, string>) };
  for (const [k, v] of Object.entries(add)) if (!(k in labels)) labels[k] = v;
  return { ...spec, template: { ...template, metadata: { ...meta, labels } } };
}

/** withNameLabels adds the job-name labels to a non-manual Job's template (the part of generateSelector known before the uid). */
export function withNameLabels(spec: Rec, name: string): Rec {
  if (spec['manualSelector'] === true) return spec;
  return withTemplateLabels(spec, Object.fromEntries(JOB_NAME_LABELS.map((k) => [k, name])));
}

/**
 * completeJob is generateSelector once the Job's uid is known: the uid labels on the template, the
 * selector (the user's, if any, with the uid label added), and the template's labels copied to a
 * Job without labels (SetDefaults_Job). A manual selector's Job is returned as it is.
 */
export function completeJob<T extends KubeObject>(job: T, uid: string): T {
  if (isManualSelector(job) || uid === '') return job;
  let spec = withNameLabels(rec(job.spec), job.metadata.name);
  spec = withTemplateLabels(spec, Object.fromEntries(CONTROLLER_UID_LABELS.map((k) => [k, uid])));
  const selector = rec(spec['selector']);
  const matchLabels = { ...(rec(selector['matchLabels']) as Record<string, string>) };
  if (!(SELECTOR_LABEL in matchLabels)) matchLabels[SELECTOR_LABEL] = uid;
  spec = { ...spec, selector: { ...selector, matchLabels } };
  const labels = job.metadata.labels && Object.keys(job.metadata.labels).length > 0 ? job.metadata.labels : (rec(rec(rec(spec['template'])['metadata'])['labels']) as Record<string, string>);
  return { ...job, metadata: { ...job.metadata, labels: { ...labels } }, spec };
}
