/**
 * What kubectl's rollout commands compute for a Deployment, as pure functions over stored objects
 * (kubectl pkg/polymorphichelpers: rollout_status.go DeploymentStatusViewer, history.go
 * DeploymentHistoryViewer, rollback.go DeploymentRollbacker; pkg/cmd/rollout/rollout_restart.go
 * through objectrestarter.go). The commands (src/commands/) read the store, call these, and write
 * what they return; these never touch the store.
 */
import type { KubeObject } from '../../domain/objects';
import { controllerOf } from '../pod-status';
import { metaTime } from '../meta-time';
import { ObjectError } from '../../domain/errors';
import { specOf, type PodTemplate, type ReplicaSetSpec } from '../replicaset/workload-types';
import { ANNOTATIONS_TO_SKIP, equalIgnoreHash, getCondition, PROGRESS_DEADLINE_EXCEEDED, replicasOfDeployment, revisionOf, withoutHash, type DeploymentStatus } from './deployment-util';

/** CHANGE_CAUSE is the annotation `rollout history` shows (kubectl's ChangeCauseAnnotation). */
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
/** RESTARTED_AT is the template annotation `rollout restart` sets. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** RolloutStatus is DeploymentStatusViewer.Status's answer: a message, done, or an error text (exit 1). */
export type RolloutStatus = { done: boolean; message: string; error?: undefined } | { done: false; message?: undefined; error: string };

/**
 * rolloutStatus is DeploymentStatusViewer.Status: kubectl's lines without their newline
 * (`Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...`,
 * `deployment "web" successfully rolled out`), or its error (`deployment "web" exceeded its
 * progress deadline`; with `revision`, `desired revision (2) is different from the running revision (3)`).
 */
export function rolloutStatus(deployment: KubeObject, revision = 0): RolloutStatus {
  const name = deployment.metadata.name;
  if (revision > 0) {
    const running = revisionOf(deployment);
    if (running === undefined) return { done: false, error: `cannot get the revision of deployment "${name}": strconv.ParseInt: parsing "${deployment.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? ''}": invalid syntax` };
    if (running !== revision) return { done: false, error: `desired revision (${revision}) is different from the running revision (${running})` };
  }
  const status = (deployment.status ?? {}) as DeploymentStatus;
  if ((deployment.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) return { done: false, message: 'Waiting for deployment spec update to be observed...' };
  if (getCondition(status, 'Progressing')?.reason === PROGRESS_DEADLINE_EXCEEDED) return { done: false, error: `deployment "${name}" exceeded its progress deadline` };
  const replicas = replicasOfDeployment(deployment);
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < replicas) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...` };
  if (total > updated) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...` };
  if (available < updated) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...` };
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}

/** ownedReplicaSets: the ReplicaSets the Deployment controls (GetAllReplicaSets without the selector listing). */
function ownedReplicaSets(deployment: KubeObject, replicaSets: readonly KubeObject[]): KubeObject[] {
  const uid = deployment.metadata.uid;
  return replicaSets.filter((rs) => rs.kind === 'ReplicaSet' && uid !== undefined && controllerOf(rs as never)?.uid === uid);
}

/** HistoryEntry is one revision of a Deployment: its number, change cause and template (pod-template-hash kept, as kubectl reads it). */
export interface HistoryEntry {
  revision: number;
  changeCause: string | undefined;
  template: PodTemplate;
  replicaSet: string;
}

/** historyOf is DeploymentHistoryViewer's map: one entry per revision of the controlled ReplicaSets, in revision order. */
export function historyOf(deployment: KubeObject, replicaSets: readonly KubeObject[]): HistoryEntry[] {
  const byRevision = new Map<number, HistoryEntry>();
  for (const rs of ownedReplicaSets(deployment, replicaSets)) {
    const revision = revisionOf(rs);
    if (revision === undefined) continue;
    const template = structuredClone(specOf<ReplicaSetSpec>(rs).template ?? {});
    const changeCause = rs.metadata.annotations?.[CHANGE_CAUSE];
    if (changeCause !== undefined && changeCause !== '') template.metadata = { ...(template.metadata ?? {}), annotations: { ...(template.metadata?.annotations ?? {}), [CHANGE_CAUSE]: changeCause } };
    byRevision.set(revision, { revision, changeCause: changeCause === '' ? undefined : changeCause, template, replicaSet: rs.metadata.name });
  }
  return [...byRevision.values()].sort((a, b) => a.revision - b.revision);
}

/** RolloutHistory is ViewHistory's answer: the table text, or one revision's template (for kubectl's Pod Template layout), or an error. */
export type RolloutHistory = { table: string } | { revision: HistoryEntry } | { error: string };

/**
 * rolloutHistory is DeploymentHistoryViewer.ViewHistory: the `REVISION  CHANGE-CAUSE` table
 * (tabwriter padding 2, `<none>` for no cause), `No rollout history found.` when there is none,
 * one revision's entry with `revision`, or `unable to find the specified revision`.
 */
export function rolloutHistory(deployment: KubeObject, replicaSets: readonly KubeObject[], revision = 0): RolloutHistory {
  const history = historyOf(deployment, replicaSets);
  if (history.length === 0) return { table: 'No rollout history found.' };
  if (revision > 0) {
    const entry = history.find((h) => h.revision === revision);
    return entry === undefined ? { error: 'unable to find the specified revision' } : { revision: entry };
  }
  const rows = [['REVISION', 'CHANGE-CAUSE'], ...history.map((h) => [String(h.revision), h.changeCause ?? '<none>'])];
  const width = Math.max(...rows.map((r) => (r[0] ?? '').length)) + 2;
  return { table: rows.map((r) => `${(r[0] ?? '').padEnd(width)}${r[1] ?? ''}`).join('\n') + '\n' };
}

/** Undo is DeploymentRollbacker.Rollback's answer. */
export type Undo =
  /** The patch kubectl sends: the template (pod-template-hash dropped) and the Deployment's new annotations; kubectl prints `rolled back`. */
  | { template: PodTemplate; annotations: Record<string, string>; message: 'rolled back' }
  /** Nothing to do: `skipped rollback (current template already matches revision 2)`. */
  | { skipped: string }
  | { error: string };

/**
 * undoTemplate is DeploymentRollbacker.Rollback: the ReplicaSet of `toRevision` (0: the one
 * before the latest) and the template and annotations kubectl patches the Deployment with, or its
 * words when it does nothing (`unable to find specified revision 5 in history`, `no rollout history
 * found for deployment "web"`, `you cannot rollback a paused deployment; ...`).
 */
export function undoTemplate(deployment: KubeObject, replicaSets: readonly KubeObject[], toRevision = 0): Undo {
  if (toRevision < 0) return { error: `unable to find specified revision ${toRevision} in history` };
  const owned = ownedReplicaSets(deployment, replicaSets);
  let target: KubeObject | undefined;
  if (toRevision > 0) {
    target = owned.find((rs) => revisionOf(rs) === toRevision);
    if (target === undefined) return { error: `unable to find specified revision ${toRevision} in history` };
  } else {
    // The second-highest revision; a tie with the highest counts as "previous", as kubectl's scan does.
    let latest: { v: number; rs?: KubeObject } = { v: -1 };
    let previous: { v: number; rs?: KubeObject } = { v: -1 };
    for (const rs of owned) {
      const v = revisionOf(rs);
      if (v === undefined) continue;
      if (latest.v < v) {
        previous = latest;
        latest = { v, rs };
      } else if (previous.v < v) previous = { v, rs };
    }
    target = previous.rs;
    if (target === undefined) return { error: `no rollout history found for deployment "${deployment.metadata.name}"` };
  }
  const spec = specOf<{ paused?: boolean; template?: PodTemplate }>(deployment);
  if (spec.paused === true) return { error: `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${deployment.metadata.name}' and try again` };
  const template = specOf<ReplicaSetSpec>(target).template;
  // kubectl names the revision asked for: 0 for a plain `rollout undo`.
  if (equalIgnoreHash(template, spec.template)) {
    return { skipped: `skipped rollback (current template already matches revision ${toRevision})` };
  }
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(deployment.metadata.annotations ?? {})) if (ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(target.metadata.annotations ?? {})) if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  return { template: withoutHash(template), annotations, message: 'rolled back' };
}

/** restartAnnotation is the value `rollout restart` writes to the template's kubectl.kubernetes.io/restartedAt: time.Now() in RFC 3339. */
export function restartAnnotation(now: Date): string {
  return metaTime(now);
}

/**
 * deploymentRollout is the Deployment's rollout facet in the shape src/kinds/kind.ts's
 * RolloutFacet declares (status, history, undo, pausable), for the kind to hand the rollout
 * commands. `describeTemplate` renders one revision's template for `history --revision` in
 * kubectl's DescribePodTemplate layout (print/describe.ts's describePodTemplate, passed in by the
 * kind: a revision's text is the template's description, as kubectl's printTemplate). History's
 * error is thrown as kubectl fails with it; undo also returns the annotations kubectl's patch
 * writes to the Deployment (the revision's change-cause and other copied annotations).
 */
export function deploymentRollout(describeTemplate: (template: PodTemplate) => string) {
  return {
    pausable: true,
    status(o: KubeObject, _owned: readonly KubeObject[]): { done: boolean; message: string; error?: string } {
      const s = rolloutStatus(o);
      return s.error !== undefined ? { done: false, message: '', error: s.error } : { done: s.done, message: s.message };
    },
    history(o: KubeObject, owned: readonly KubeObject[], revision?: number): string {
      const h = rolloutHistory(o, owned, revision ?? 0);
      if ('error' in h) throw new ObjectError(h.error);
      return 'table' in h ? h.table : describeTemplate(h.revision.template);
    },
    undo(o: KubeObject, owned: readonly KubeObject[], toRevision: number): { template: PodTemplate; annotations: Record<string, string> } | { skipped: string } | { error: string } {
      const u = undoTemplate(o, owned, toRevision);
      return 'template' in u ? { template: u.template, annotations: u.annotations } : u;
    },
  };
}
