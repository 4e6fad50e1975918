/**
 * ControllerRevisions as the StatefulSet and DaemonSet controllers keep them (k8s pkg/controller/history,
 * stateful_set_utils.go newRevision, daemon update.go constructHistory): one apps/v1
 * ControllerRevision per distinct pod template, named `<owner>-<hash>`, labelled with the
 * template's labels and `controller-revision-hash`, holding the patch that restores the template
 * (`{"spec":{"template":{...,"$patch":"replace"}}}`) and a revision number; a template seen
 * again takes the next number; history beyond revisionHistoryLimit is removed oldest first.
 * Also what `rollout history` and `rollout undo` read of them (kubectl's history.go, rollback.go). Pure.
 */
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { canonicalJson } from '../domain/canonical-json';
import { ObjectError } from '../domain/errors';
import type { KubeObject, ObjectKey, StoredObject } from '../domain/objects';
import { controllerRef, isControlledBy } from './pod-status';

/** CONTROLLER_REVISION_HASH is apps.ControllerRevisionHashLabelKey: on revisions and on the pods made from them. */
export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';
/** CHANGE_CAUSE is kubectl's change-cause annotation, copied from the owner onto its revisions. */
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
/** REVISION_KIND is the group-qualified kind the controllers read revisions as. */
export const REVISION_KIND = 'ControllerRevision.apps';

/** TemplatePatch is a revision's data: the strategic merge patch that puts the template back. */
export interface TemplatePatch {
  spec: { template: Record<string, unknown> };
}

/** templatePatch is getPatch: the owner's template as a replacing patch. */
export function templatePatch(template: V1PodTemplateSpec | undefined): TemplatePatch {
  return { spec: { template: { ...structuredClone(template ?? {}), $patch: 'replace' } } };
}

/** templateOfRevision is the pod template a revision restores (its patch without `$patch`). */
export function templateOfRevision(revision: KubeObject): V1PodTemplateSpec {
  const data = revision['data'] as Partial<TemplatePatch> | undefined;
  const t = { ...(data?.spec?.template ?? {}) };
  delete t['$patch'];
  return t;
}

/** revisionNumber is a revision's `revision` (0 when absent). */
export function revisionNumber(revision: KubeObject): number {
  const n = revision['revision'];
  return typeof n === 'number' ? n : 0;
}

function byRevision(a: KubeObject, b: KubeObject): number {
  return revisionNumber(a) - revisionNumber(b) || a.metadata.name.localeCompare(b.metadata.name);
}

/** ownedRevisions are the ControllerRevisions the owner controls, oldest revision first. */
export function ownedRevisions(objects: readonly StoredObject[], owner: StoredObject): StoredObject[] {
  return objects.filter((o) => o.kind === 'ControllerRevision' && isControlledBy(o as never, owner.metadata.uid)).sort(byRevision);
}

/** The revision a controller runs at, and what to store to get there. */
export interface RevisionSync {
  /** The revision of the owner's template: found, renumbered or new. */
  update: KubeObject;
  /** The hash in its `controller-revision-hash` label. */
  hash: string;
  /** The revision to put (new, or renumbered because an old template came back), if any. */
  put?: KubeObject;
  /** The collision count to keep in status (raised when a new revision's name was taken). */
  collisionCount: number;
}

/**
 * syncRevision finds the revision of `data` among the owner's (the latest equal one), renumbers it
 * when it is not the newest (a rollback), or makes a new one numbered one past the newest; a new
 * revision whose name is taken by a different one raises the collision count and hashes again.
 * `hash(collisionCount)` is the owner kind's hash; `taken` are all revisions of the namespace.
 */
export function syncRevision(args: {
  owner: StoredObject;
  revisions: readonly StoredObject[];
  taken: readonly StoredObject[];
  data: TemplatePatch;
  templateLabels: Record<string, string> | undefined;
  hash: (collisionCount: number) => string;
  collisionCount: number;
}): RevisionSync {
  const { owner, revisions, data } = args;
  const text = canonicalJson(data);
  const latest = revisions[revisions.length - 1];
  const next = latest === undefined ? 1 : revisionNumber(latest) + 1;
  const equal = revisions.filter((r) => canonicalJson(r['data']) === text);
  const found = equal[equal.length - 1];
  if (found !== undefined) {
    const hash = found.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? found.metadata.name.slice(owner.metadata.name.length + 1);
    if (found === latest) return { update: found, hash, collisionCount: args.collisionCount };
    const renumbered = { ...found, revision: next };
    return { update: renumbered, hash, put: renumbered, collisionCount: args.collisionCount };
  }
  let collisionCount = args.collisionCount;
  for (;;) {
    const hash = args.hash(collisionCount);
    const name = `${owner.metadata.name}-${hash}`;
    if (!args.taken.some((r) => r.metadata.name === name)) {
      const metadata: KubeObject['metadata'] = {
        name,
        namespace: owner.metadata.namespace ?? 'default',
        labels: { ...(args.templateLabels ?? {}), [CONTROLLER_REVISION_HASH]: hash },
        ownerReferences: [controllerRef({ apiVersion: owner.apiVersion, kind: owner.kind, metadata: { name: owner.metadata.name, uid: owner.metadata.uid } })],
      };
      if (owner.metadata.annotations !== undefined && Object.keys(owner.metadata.annotations).length > 0) metadata.annotations = { ...owner.metadata.annotations };
      const revision: KubeObject = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata, data: structuredClone(data), revision: next };
      return { update: revision, hash, put: revision, collisionCount };
    }
    collisionCount++;
  }
}

/**
 * revisionsBeyondLimit is truncateHistory / cleanupHistory: the revisions not live (not the
 * current or update revision, no pod made from them), oldest first, beyond `limit` of them.
 */
export function revisionsBeyondLimit(revisions: readonly StoredObject[], isLive: (r: StoredObject) => boolean, limit: number): ObjectKey[] {
  const history = revisions.filter((r) => !isLive(r)).sort(byRevision);
  const excess = history.length - Math.max(0, limit);
  return history.slice(0, Math.max(0, excess)).map((r) => ({ kind: REVISION_KIND, namespace: r.metadata.namespace ?? 'default', name: r.metadata.name }));
}

/** HistoryRow is one line of `rollout history`: REVISION and CHANGE-CAUSE (`<none>` when unset). */
export interface HistoryRow {
  revision: number;
  changeCause: string;
}

/** rolloutHistory is kubectl's history table of a StatefulSet or DaemonSet: its revisions by number. */
export function rolloutHistory(revisions: readonly KubeObject[]): HistoryRow[] {
  return [...revisions].sort(byRevision).map((r) => ({ revision: revisionNumber(r), changeCause: r.metadata.annotations?.[CHANGE_CAUSE] || '<none>' }));
}

/** NO_HISTORY is kubectl's line when an object has no revisions. */
export const NO_HISTORY = 'No rollout history found.';

/** revisionTemplate is `rollout history --revision=N`: that revision's template, or kubectl's error. */
export function revisionTemplate(revisions: readonly KubeObject[], revision: number): { template: V1PodTemplateSpec } | { error: string } {
  const r = revisions.find((x) => revisionNumber(x) === revision);
  return r === undefined ? { error: 'unable to find the specified revision' } : { template: templateOfRevision(r) };
}

/** UndoTarget is what `rollout undo` of a StatefulSet or DaemonSet does: write a template, skip, or fail. */
export type UndoTarget =
  | { kind: 'rollback'; revision: number; template: V1PodTemplateSpec }
  | { kind: 'skipped'; message: string }
  | { kind: 'error'; message: string };

/**
 * undoTarget is kubectl's StatefulSetRollbacker / DaemonSetRollbacker: toRevision 0 is the
 * previous revision (the second newest); the revision's template is written unless the current
 * template already matches it.
 */
export function undoTarget(currentTemplate: V1PodTemplateSpec | undefined, revisions: readonly KubeObject[], toRevision: number): UndoTarget {
  const notFound = { kind: 'error' as const, message: `unable to find specified revision ${toRevision} in history` };
  if (toRevision < 0) return notFound;
  const sorted = [...revisions].sort(byRevision);
  if (toRevision === 0 && sorted.length <= 1) return { kind: 'error', message: 'no last revision to roll back to' };
  const target = toRevision === 0 ? sorted[sorted.length - 2] : sorted.find((r) => revisionNumber(r) === toRevision);
  if (target === undefined) return notFound;
  if (canonicalJson(templatePatch(currentTemplate)) === canonicalJson(target['data'])) {
    return { kind: 'skipped', message: `skipped rollback (current template already matches revision ${toRevision})` };
  }
  return { kind: 'rollback', revision: revisionNumber(target), template: templateOfRevision(target) };
}

/** historyTable is kubectl's history overview: `REVISION  CHANGE-CAUSE` (tabwriter, padding 2), or NO_HISTORY. */
export function historyTable(revisions: readonly KubeObject[]): string {
  const rows = rolloutHistory(revisions);
  if (rows.length === 0) return NO_HISTORY;
  const cells = [['REVISION', 'CHANGE-CAUSE'], ...rows.map((r) => [String(r.revision), r.changeCause])];
  const width = Math.max(...cells.map((c) => (c[0] ?? '').length)) + 2;
  return cells.map((c) => `${(c[0] ?? '').padEnd(width)}${c[1] ?? ''}`).join('\n') + '\n';
}

/**
 * revisionRollout is a StatefulSet's or DaemonSet's rollout facet in the shape src/kinds/kind.ts's
 * RolloutFacet declares: `status` from the kind's status viewer, `history` over the owner's
 * ControllerRevisions (among `owned`, what its controller reads; one revision's template rendered
 * by `describeTemplate`, kubectl's DescribePodTemplate layout; kubectl's error thrown), `undo`'s
 * target template (kubectl patches only the template back), not pausable.
 */
export function revisionRollout(
  statusOf: (o: KubeObject) => { message: string; done: boolean } | { error: string },
  describeTemplate: (template: V1PodTemplateSpec) => string,
) {
  const revisionsOf = (o: StoredObject, owned: readonly StoredObject[]) => ownedRevisions(owned, o);
  return {
    pausable: false,
    status(o: StoredObject, _owned: readonly StoredObject[]): { done: boolean; message: string; error?: string } {
      const s = statusOf(o);
      return 'error' in s ? { done: false, message: '', error: s.error } : s;
    },
    history(o: StoredObject, owned: readonly StoredObject[], revision?: number): string {
      const revisions = revisionsOf(o, owned);
      if (revision === undefined || revision <= 0 || revisions.length === 0) return historyTable(revisions);
      const r = revisionTemplate(revisions, revision);
      if ('error' in r) throw new ObjectError(r.error);
      return describeTemplate(r.template);
    },
    undo(o: StoredObject, owned: readonly StoredObject[], toRevision: number): { template: V1PodTemplateSpec } | { skipped: string } | { error: string } {
      const spec = o.spec as { template?: V1PodTemplateSpec } | undefined;
      const u = undoTarget(spec?.template, revisionsOf(o, owned), toRevision);
      return u.kind === 'rollback' ? { template: u.template } : u.kind === 'skipped' ? { skipped: u.message } : { error: u.message };
    },
  };
}
