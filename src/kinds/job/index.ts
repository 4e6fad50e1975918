/**
 * The Job kind (batch/v1): kept in the store and carried out by the Job controller (wired by the
 * registry). Stored as the API server stores it on create: the spec with SetDefaults_Job's
 * defaults and the template's, and the job-name labels of generateSelector. The uid-based part of
 * generateSelector (the controller-uid labels and the selector) needs the uid the store gives on
 * create: completeJob (generated.ts) adds it, and whoever creates the Job calls it once the uid is
 * known (see the module comment there). Listed with kubectl 1.32's printJob columns; an update
 * follows ValidateJobSpecUpdate (selector, template, completions, completionMode and the other
 * immutable fields), in the API server's words.
 */
import type { KubeObject, StoredObject } from '../../domain/objects';
import type { ValidManifest } from '../../domain/types';
import { refWord } from '../../domain/kinds';
import { textOf } from '../../domain/text';
import type { TableSpec } from '../../print/get/format';
import { humanDuration, timestampSince } from '../../print/get/duration';
import type { KindModule } from '../kind';
import { invalidMessage } from '../stored-object';
import { containerCells, formatLabelSelector, goLabelSelector, num, sameJson, workloadObject, type WorkloadView } from '../workload';
import { completeJob, withNameLabels } from './generated';
import { JOB_INFO } from './info';

export { completeJob } from './generated';

/** JobCondition is one of status.conditions. */
interface JobCondition {
  type?: string;
  status?: string;
}

/** JobView is a Job as the table reads it. */
export interface JobView extends WorkloadView {
  spec?: NonNullable<WorkloadView['spec']> & { completions?: number; parallelism?: number };
  status?: { succeeded?: number; startTime?: string; completionTime?: string; conditions?: JobCondition[] };
}

/** jobObject is a Job as the API server stores it on create, but for the uid-based labels and selector (completeJob). */
export function jobObject(m: ValidManifest): KubeObject {
  return workloadObject(m, 'batch/v1', 'Job', withNameLabels((m.object['spec'] ?? {}) as Record<string, unknown>, m.ref.name));
}

/** hasCondition is printers.go's hasJobCondition: a condition of that type with status True. */
function hasCondition(j: JobView, type: string): boolean {
  return (j.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** jobStatus is printJob's STATUS: Complete, Failed, Terminating, Suspended, FailureTarget, SuccessCriteriaMet, else Running. */
export function jobStatus(j: JobView): string {
  if (hasCondition(j, 'Complete')) return 'Complete';
  if (hasCondition(j, 'Failed')) return 'Failed';
  if (j.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(j, 'Suspended')) return 'Suspended';
  if (hasCondition(j, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(j, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

/** jobCompletions is printJob's COMPLETIONS: `succeeded/completions`, or `succeeded/1` (`of N` with parallelism above 1) without completions. */
export function jobCompletions(j: JobView): string {
  const succeeded = num(j.status?.succeeded);
  if (typeof j.spec?.completions === 'number') return `${succeeded}/${j.spec.completions}`;
  const parallelism = num(j.spec?.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** jobDuration is printJob's DURATION: from startTime to completionTime, or to now while running; '' before it starts. */
export function jobDuration(j: JobView, now: Date): string {
  const start = j.status?.startTime;
  if (!start) return '';
  const end = j.status?.completionTime ? new Date(j.status.completionTime) : now;
  return humanDuration(end.getTime() - new Date(start).getTime());
}

/** JOB_TABLE is kubectl 1.32's printJob: NAME STATUS COMPLETIONS DURATION AGE; -o wide adds CONTAINERS IMAGES SELECTOR. */
export const JOB_TABLE: TableSpec<JobView> = {
  resource: refWord(JOB_INFO),
  namespaced: true,
  headers: (wide) => ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE', ...(wide ? ['CONTAINERS', 'IMAGES', 'SELECTOR'] : [])],
  cells: (j, wide, _o, now) => [
    j.metadata?.name ?? '',
    jobStatus(j),
    jobCompletions(j),
    jobDuration(j, now),
    timestampSince(j.metadata?.creationTimestamp || undefined, now),
    ...(wide ? [...containerCells(j), formatLabelSelector(j.spec?.selector)] : []),
  ],
};

/** immutable is ValidateImmutableField's message for a field, with the new value as the API server prints it. */
function immutable(path: string, value: string): string {
  return `${path}: Invalid value: ${value}: field is immutable`;
}

const scalar = (v: unknown): string => (v === undefined || v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : textOf(v));

/**
 * jobUpdateProblems is ValidateJobSpecUpdate: completions (an Indexed Job may change it only
 * together with parallelism, to the same value), selector, template, completionMode,
 * podFailurePolicy, backoffLimitPerIndex, managedBy and successPolicy are immutable. The next
 * object gets the stored uid's generated labels and selector first (completeJob), as the API
 * server's generateSelector gave them. A changed template is printed `core.PodTemplateSpec{...}`:
 * the API server prints the whole Go struct, which is not reproduced here.
 */
export function jobUpdateProblems(stored: StoredObject, next: KubeObject): string[] {
  const a = (completeJob(stored, stored.metadata.uid).spec ?? {}) as Record<string, unknown>;
  const b = (completeJob(next, stored.metadata.uid).spec ?? {}) as Record<string, unknown>;
  const errs: string[] = [];
  if (!sameJson(a['completions'], b['completions'])) {
    if (b['completionMode'] !== 'Indexed') errs.push(immutable('spec.completions', scalar(b['completions'])));
    else if (typeof b['completions'] === 'number' && b['completions'] !== b['parallelism']) errs.push(`spec.completions: Invalid value: ${b['completions']}: can only be modified in tandem with spec.parallelism`);
  }
  if (!sameJson(a['selector'], b['selector'])) errs.push(immutable('spec.selector', b['selector'] === undefined ? 'null' : goLabelSelector(b['selector'])));
  if (!sameJson(a['template'], b['template'])) errs.push(immutable('spec.template', 'core.PodTemplateSpec{...}'));
  if (!sameJson(a['completionMode'], b['completionMode'])) errs.push(immutable('spec.completionMode', scalar(b['completionMode'])));
  for (const f of ['podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy'])
    if (!sameJson(a[f], b[f])) errs.push(immutable(`spec.${f}`, typeof b[f] === 'object' && b[f] !== null ? JSON.stringify(b[f]) : scalar(b[f])));
  return invalidMessage('Job', stored.metadata.name, errs);
}

/** JOB is the Job kind's module (its controller is wired by the registry). */
export const JOB: KindModule = {
  info: JOB_INFO,
  validation: () => (require('./validation') as typeof import('./validation')).JOB_VALIDATION,
  table: JOB_TABLE,
  carriedOut: 'store',
  toStored: jobObject,
  describe: (o, related) => (require('./describe') as typeof import('./describe')).describeJob(o, related),
  updateProblems: jobUpdateProblems,
  completeStored: (o) => completeJob(o, o.metadata.uid),
  // Loaded at the first use: a command that finds no workload in the store never loads a controller.
  get controller() {
    return (require('../../controllers/job') as typeof import('../../controllers/job')).JOB_CONTROLLER;
  },
};
