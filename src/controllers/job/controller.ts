/**
 * The Job controller, one sync pass as upstream's in 1.32 (pkg/controller/job/job_controller.go
 * syncJob/manageJob, backoff_utils.go, indexed_job_utils.go), and the ttl-after-finished
 * controller's look at a finished Job (pkg/controller/ttlafterfinished). Pods `<job>-<suffix>`
 * (Indexed: `<job>-<index>-<suffix>`), `parallelism` at a time until `completions` succeed;
 * restartPolicy Never counts failed pods against backoffLimit (a new pod per failure, after the
 * pod failure backoff), OnFailure counts the restarts of the job's running pods; an exceeded
 * limit or activeDeadlineSeconds fails the Job and deletes its active pods. As in 1.32 the
 * terminal condition comes in two steps: SuccessCriteriaMet / FailureTarget first, then Complete
 * / Failed once no pod of the Job is left running. Pure.
 */
import type { V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { StoredObject } from '../../domain/objects';
import type { ControllerInput, ControllerResult } from '../controller';
import { creationTime, ownerEvent, podFromTemplate, podName, rfc3339, timeOf, withStatus } from '../workload-pods';
import { controllerOf, isControlledBy, isPodActive, isPodReady } from '../pod-status';
import { COMPLETION_INDEX, formatIndexes, indexOf, parseIndexes } from './indexes';

/** JOB_SOURCE is the reporting component of the Job controller's events. */
export const JOB_SOURCE = 'job-controller';
/** The labels the API server puts on a Job's template (and so on its pods): the Job's uid and name, new and legacy keys. */
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
/** DEFAULT_POD_FAILURE_BACKOFF_MS and MAX_POD_FAILURE_BACKOFF_MS are DefaultJobPodFailureBackOff (10 s) and MaxJobPodFailureBackOff (10 min). */
export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 600_000;

/** JobSpec is what the controller reads of a batch/v1 Job's spec (API defaults assumed where absent). */
export interface JobSpec {
  parallelism?: number;
  completions?: number;
  completionMode?: string;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  suspend?: boolean;
  template?: V1PodTemplateSpec;
}

/** JobCondition is batch/v1 JobCondition. */
export interface JobCondition {
  type: string;
  status: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** JobStatus is batch/v1 JobStatus as the controller writes it. */
export interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  ready?: number;
  completedIndexes?: string;
  uncountedTerminatedPods?: Record<string, unknown>;
}

/** The two terminal condition types and the two that announce them (JobManagedBy / JobPodReplacementPolicy, on in 1.32). */
const FINAL: Record<string, string> = { FailureTarget: 'Failed', SuccessCriteriaMet: 'Complete' };

/** finishedCondition is the Job's Complete or Failed condition when True: the Job is finished. */
export function finishedCondition(status: Partial<JobStatus> | undefined): JobCondition | undefined {
  return status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** finishTime of a pod, as getFinishedTime: its containers' last finish, else Ready=False's transition, else its creation. */
function finishTime(pod: V1Pod): number {
  const statuses = pod.status?.containerStatuses ?? [];
  const finishes = statuses.flatMap((s) => {
    const t = timeOf(s.state?.terminated?.finishedAt);
    return t === undefined ? [] : [t.getTime()];
  });
  if (finishes.length > 0 && finishes.length === statuses.length) return Math.max(...finishes);
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const t = ready?.status === 'False' ? timeOf(ready.lastTransitionTime) : undefined;
  return t?.getTime() ?? creationTime(pod);
}

/** podFailureBackoffUntil is when the pod failure backoff lets a new pod be made: 10 s doubled per failure since the last success, at most 10 min. */
function podFailureBackoffUntil(succeeded: readonly V1Pod[], failed: readonly V1Pod[]): number | undefined {
  const lastSuccess = Math.max(-Infinity, ...succeeded.map(finishTime));
  const failures = failed.map(finishTime).filter((t) => t > lastSuccess);
  if (failures.length === 0) return undefined;
  let backoff = DEFAULT_POD_FAILURE_BACKOFF_MS;
  for (let i = 1; i < failures.length && backoff < MAX_POD_FAILURE_BACKOFF_MS; i++) backoff = Math.min(backoff * 2, MAX_POD_FAILURE_BACKOFF_MS);
  return Math.max(...failures) + backoff;
}

/** restartsOfRunning is pastBackoffLimitOnFailure's sum: the container and init container restarts of the pods Pending or Running. */
function restartsOfRunning(pods: readonly V1Pod[]): number {
  let n = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const s of [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])]) n += s.restartCount ?? 0;
  }
  return n;
}

/** deletionRank orders active pods for removal as controller.ActivePods: not ready before ready, newer before older. */
function deletionRank(a: V1Pod, b: V1Pod): number {
  const ra = isPodReady(a) ? 1 : 0;
  const rb = isPodReady(b) ? 1 : 0;
  return ra - rb || creationTime(b) - creationTime(a) || podName(a).localeCompare(podName(b));
}

/**
 * newJobPod is a pod of the Job: the template, the Job's labels (as the API server sets them on
 * the template), and for Indexed its index (annotation and label, hostname `<job>-<index>`,
 * JOB_COMPLETION_INDEX read from the annotation by every container).
 */
function newJobPod(job: StoredObject, template: V1PodTemplateSpec | undefined, suffix: string, index: number | undefined): V1Pod {
  const name = job.metadata.name;
  const uid = job.metadata.uid;
  const labels: Record<string, string> = { [CONTROLLER_UID_LABEL]: uid, [JOB_NAME_LABEL]: name, [LEGACY_CONTROLLER_UID_LABEL]: uid, [LEGACY_JOB_NAME_LABEL]: name };
  const annotations: Record<string, string> = {};
  if (index !== undefined) {
    labels[COMPLETION_INDEX] = String(index);
    annotations[COMPLETION_INDEX] = String(index);
  }
  const pod = podFromTemplate(template, job, index === undefined ? `${name}-${suffix}` : `${name}-${index}-${suffix}`, { labels, annotations });
  if (index !== undefined) {
    const spec = pod.spec!;
    spec.hostname = `${name}-${index}`;
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      if ((c.env ?? []).some((e) => e.name === 'JOB_COMPLETION_INDEX')) continue;
      c.env = [...(c.env ?? []), { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } }];
    }
  }
  return pod;
}

/** condition is a JobCondition made now. */
function condition(type: string, status: string, reason: string, message: string, now: Date): JobCondition {
  const c: JobCondition = { type, status, lastProbeTime: rfc3339(now), lastTransitionTime: rfc3339(now) };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

/** ttlAfterFinished is the ttl-after-finished controller on a finished Job: remove it and its pods once finished + ttl has passed. */
function ttlAfterFinished(job: StoredObject, spec: JobSpec, done: JobCondition, pods: readonly V1Pod[], now: Date, result: ControllerResult): ControllerResult {
  if (spec.ttlSecondsAfterFinished === undefined) return result;
  const finishedAt = timeOf(done.lastTransitionTime) ?? now;
  const expireAt = new Date(finishedAt.getTime() + spec.ttlSecondsAfterFinished * 1000);
  if (expireAt.getTime() > now.getTime()) {
    result.waitingFor = { reason: `Job ${job.metadata.name} to pass its ttlSecondsAfterFinished`, until: expireAt };
    return result;
  }
  result.remove.push({ kind: 'Job.batch', namespace: job.metadata.namespace ?? 'default', name: job.metadata.name });
  for (const p of pods) result.deletePods.push({ namespace: job.metadata.namespace ?? 'default', name: podName(p), reason: 'ttl after finished' });
  return result;
}

/** reconcileJob is one Job sync pass (and the ttl-after-finished controller's, once it is finished). */
export function reconcileJob(input: ControllerInput): ControllerResult {
  const job = input.owner;
  const spec = (job.spec ?? {}) as JobSpec;
  const prior = (job.status ?? {}) as Partial<JobStatus>;
  const result: ControllerResult = { put: [], status: [], remove: [], createPods: [], deletePods: [], events: [] };
  if (job.metadata['deletionTimestamp'] !== undefined) return result;
  const ns = job.metadata.namespace ?? 'default';
  const now = input.now;
  // The Job's pods: those it controls, and those its selector (the API server's, from its uid)
  // selects that no controller claims, as upstream adopts them; the stored Job need not carry the selector.
  const uid = job.metadata.uid;
  const pods = input.pods.filter(
    (p) => isControlledBy(p, uid) || (controllerOf(p) === undefined && (p.metadata?.labels?.[CONTROLLER_UID_LABEL] === uid || p.metadata?.labels?.[LEGACY_CONTROLLER_UID_LABEL] === uid)),
  );

  const done = finishedCondition(prior);
  if (done !== undefined) return ttlAfterFinished(job, spec, done, pods, now, result);

  const event = (type: 'Normal' | 'Warning', reason: string, message: string) => result.events.push(ownerEvent(job, JOB_SOURCE, type, reason, message));
  const deleted = new Set<string>();
  const remove = (p: V1Pod, why: string) => {
    deleted.add(podName(p));
    result.deletePods.push({ namespace: ns, name: podName(p), reason: why });
    event('Normal', 'SuccessfulDelete', `Deleted pod: ${podName(p)}`);
  };

  const indexed = spec.completionMode === 'Indexed';
  const parallelism = spec.parallelism ?? 1;
  const completions = spec.completions ?? (spec.parallelism === undefined || indexed ? 1 : undefined);
  const backoffLimit = spec.backoffLimit ?? 6;
  const suspended = spec.suspend === true;
  const conditions: JobCondition[] = (prior.conditions ?? []).map((c) => ({ ...c }));
  let startTime = prior.startTime;

  const active = pods.filter(isPodActive).sort((a, b) => creationTime(a) - creationTime(b) || podName(a).localeCompare(podName(b)));
  const succeededPods = pods.filter((p) => p.status?.phase === 'Succeeded');
  const failedPods = pods.filter((p) => p.status?.phase === 'Failed');
  // Counts never go down: a finished pod removed by hand stays counted, as upstream's finalizer-tracked counts do.
  const failed = Math.max(prior.failed ?? 0, failedPods.length);
  const succeededIndexes = indexed ? parseIndexes(prior.completedIndexes, completions ?? 0) : new Set<number>();
  if (indexed) for (const p of succeededPods) {
    const i = indexOf(p, completions ?? 0);
    if (i !== undefined) succeededIndexes.add(i);
  }
  const succeeded = indexed ? succeededIndexes.size : Math.max(prior.succeeded ?? 0, succeededPods.length);

  // Suspension, and the start time (reset on resume, as the deadline counts continuous activity).
  const suspendedCond = conditions.find((c) => c.type === 'Suspended');
  if (suspended && suspendedCond?.status !== 'True') {
    const c = condition('Suspended', 'True', 'JobSuspended', 'Job suspended', now);
    if (suspendedCond) Object.assign(suspendedCond, c);
    else conditions.push(c);
    event('Normal', 'Suspended', 'Job suspended');
  } else if (!suspended && suspendedCond?.status === 'True') {
    Object.assign(suspendedCond, condition('Suspended', 'False', 'JobResumed', 'Job resumed', now));
    event('Normal', 'Resumed', 'Job resumed');
    startTime = rfc3339(now);
  }
  if (startTime === undefined && !suspended) startTime = rfc3339(now);

  let waiting: { reason: string; until?: Date } | undefined;
  const deadline = spec.activeDeadlineSeconds !== undefined && startTime !== undefined && !suspended ? new Date(new Date(startTime).getTime() + spec.activeDeadlineSeconds * 1000) : undefined;

  let interim = conditions.find((c) => (c.type === 'FailureTarget' || c.type === 'SuccessCriteriaMet') && c.status === 'True');
  if (interim === undefined) {
    const onFailure = spec.template?.spec?.restartPolicy === 'OnFailure';
    const restarts = onFailure ? restartsOfRunning(pods) : 0;
    const pastOnFailure = onFailure && (backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit);
    if (failed > backoffLimit || pastOnFailure) {
      interim = condition('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now);
    } else if (deadline !== undefined && now.getTime() >= deadline.getTime()) {
      interim = condition('FailureTarget', 'True', 'DeadlineExceeded', 'Job was active longer than specified deadline', now);
    } else if (completions === undefined ? succeeded > 0 && active.length === 0 : succeeded >= completions) {
      interim = condition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
    }
    if (interim !== undefined) conditions.push(interim);
  }

  if (interim !== undefined) {
    // Finishing: no pod of the Job is left running.
    for (const p of active) remove(p, interim.type === 'FailureTarget' ? (interim.reason ?? 'job failed') : 'job complete');
  } else if (suspended) {
    for (const p of [...active].sort(deletionRank)) remove(p, 'job suspended');
  } else if (indexed) {
    const total = completions ?? 0;
    const seen = new Set<number>();
    const keep: V1Pod[] = [];
    for (const p of active) {
      const i = indexOf(p, total);
      if (i === undefined || succeededIndexes.has(i) || seen.has(i)) remove(p, 'index not needed');
      else {
        seen.add(i);
        keep.push(p);
      }
    }
    const want = Math.min(parallelism, total - succeeded);
    if (keep.length > want) for (const p of [...keep].sort(deletionRank).slice(0, keep.length - want)) remove(p, 'above parallelism');
    else waiting = makePods(want - keep.length, (n) => {
      const pending: number[] = [];
      for (let i = 0; i < total && pending.length < n; i++) if (!succeededIndexes.has(i) && !seen.has(i)) pending.push(i);
      return pending;
    });
  } else {
    const want = completions === undefined ? (succeeded > 0 ? active.length : parallelism) : Math.max(0, Math.min(parallelism, completions - succeeded));
    if (active.length > want) for (const p of [...active].sort(deletionRank).slice(0, active.length - want)) remove(p, 'above parallelism');
    else waiting = makePods(want - active.length, (n) => new Array<undefined>(n).fill(undefined));
  }

  /** makePods creates `n` pods (for the indexes `which` gives), unless the pod failure backoff holds them: then it says until when. */
  function makePods(n: number, which: (n: number) => (number | undefined)[]): { reason: string; until?: Date } | undefined {
    if (n <= 0) return undefined;
    const until = podFailureBackoffUntil(succeededPods, failedPods);
    if (until !== undefined && until > now.getTime()) return { reason: `the pod failure backoff of Job ${job.metadata.name}`, until: new Date(until) };
    for (const index of which(n)) {
      const pod = newJobPod(job, spec.template, input.suffix(), index);
      result.createPods.push(pod);
      event('Normal', 'SuccessfulCreate', `Created pod: ${podName(pod)}`);
    }
    return undefined;
  }

  // The terminal condition, once nothing of the Job is left running (pods deleted now still terminate).
  let completionTime = prior.completionTime;
  const stillActive = active.filter((p) => !deleted.has(podName(p))).length + result.createPods.length;
  if (interim !== undefined && deleted.size === 0 && stillActive === 0) {
    const type = FINAL[interim.type]!;
    conditions.push(condition(type, 'True', interim.reason ?? '', interim.message ?? '', now));
    if (type === 'Complete') {
      completionTime = rfc3339(now);
      event('Normal', 'Completed', 'Job completed');
    } else {
      event('Warning', interim.reason ?? 'Failed', interim.message ?? '');
    }
  }

  const status: Record<string, unknown> = {};
  if (conditions.length > 0) status['conditions'] = conditions;
  if (startTime !== undefined) status['startTime'] = startTime;
  if (completionTime !== undefined) status['completionTime'] = completionTime;
  if (stillActive > 0) status['active'] = stillActive;
  if (succeeded > 0) status['succeeded'] = succeeded;
  if (failed > 0) status['failed'] = failed;
  status['terminating'] = deleted.size;
  if (indexed && succeededIndexes.size > 0) status['completedIndexes'] = formatIndexes(succeededIndexes);
  status['uncountedTerminatedPods'] = {};
  status['ready'] = active.filter((p) => !deleted.has(podName(p)) && isPodReady(p)).length;
  const write = withStatus(job, status);
  if (write) result.status.push(write);

  const acted = result.createPods.length + result.deletePods.length > 0;
  if (!acted && finishedCondition({ conditions }) === undefined) {
    if (waiting === undefined && stillActive > 0) waiting = { reason: `${stillActive} active pod${stillActive === 1 ? '' : 's'} of Job ${job.metadata.name} to finish` };
    if (waiting !== undefined && deadline !== undefined && (waiting.until === undefined || deadline < waiting.until)) waiting = { reason: waiting.reason, until: deadline };
    if (waiting !== undefined) result.waitingFor = waiting;
  }
  if (finishedCondition({ conditions }) !== undefined && spec.ttlSecondsAfterFinished !== undefined) {
    // Finished in this pass: the ttl starts now; the next pass removes the Job once it has passed.
    result.waitingFor = { reason: `Job ${job.metadata.name} to pass its ttlSecondsAfterFinished`, until: new Date(now.getTime() + spec.ttlSecondsAfterFinished * 1000) };
  }
  return result;
}
