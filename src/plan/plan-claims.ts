/**
 * plan-claims: the plan stage's part for PersistentVolumeClaims, whose objects live in the store
 * and whose data lives in a Podman named volume (`<claim>`, `<namespace>_<claim>`). Pure: no
 * engine, no store, no clock (the time of a deletion is handed in).
 * - claimReferenceIssues: a pod naming a claim that does not exist, or one being deleted, is
 *   refused before any change, in the scheduler's words;
 * - planClaimVolumes: apply of a claim also ensures its volume; a volume of that name kubeplay did
 *   not make is a conflict (kubeplay never takes over what it did not make), and so is re-applying
 *   a claim that is being deleted;
 * - planClaimDeletes and finishTerminatingClaims: deleting a claim removes its volume and then the
 *   object, after the pods deleted in the same run are gone; a claim still used by a pod that stays
 *   is only marked (Kubernetes' pvc-protection: deletionTimestamp, STATUS Terminating) and is
 *   finished by a later command that deletes its last pod. kubeplay runs no controller, so nothing
 *   would change while it waited: it says so and returns.
 * Deleting or replacing a pod never removes a claim's volume (plan-deletes, plan-changes).
 */
import type { Issue, PodManifest } from '../domain/types';
import type { DesiredPod } from '../domain/types';
import type { ObservedPod } from '../domain/state';
import type { KubeObject, ObjectKey, StoredObject } from '../domain/objects';
import { LABEL_CLAIM, LABEL_MANAGED_BY, LABEL_NAMESPACE, LABEL_VOLUME_KIND, MANAGED_BY_VALUE } from '../domain/labels';
import { claimVolumeName, podIdentityOf } from '../domain/pod-names';
import { isManaged } from '../domain/convergence';
import { byText } from '../domain/order';
import { textOf } from '../domain/text';
import type { Action, Conflict, Step } from './plan';
import type { DeleteTarget } from './plan-deletes';
import type { DesiredObject } from './plan-objects';
import { STOPPED_BARRIER } from './stop-steps';

/** CLAIM_KIND is the store's kind of a claim. */
export const CLAIM_KIND = 'PersistentVolumeClaim';
/** PVC_PROTECTION is the finalizer that keeps a claim while a pod uses it. */
export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
/** PODS_REMOVED_BARRIER follows the pods' removal: a claim's volume goes only after the pods deleted with it. */
export const PODS_REMOVED_BARRIER: Step = { op: 'barrier', label: 'every pod removed' };

/** ClaimState is what a pod's claim reference finds: a bound claim, one being deleted, or none. */
export type ClaimState = 'bound' | 'terminating' | undefined;

/** claimReferenceIssues lists, located at each reference, the claims pods name that do not exist or are being deleted. */
export function claimReferenceIssues(pods: readonly PodManifest[], claimState: (namespace: string, name: string) => ClaimState): Issue[] {
  const out: Issue[] = [];
  for (const m of pods) {
    (m.object.spec?.volumes ?? []).forEach((v, i) => {
      const claim = v.persistentVolumeClaim?.claimName;
      if (claim === undefined || claim === '') return;
      const state = claimState(m.ref.namespace, claim);
      if (state === 'bound') return;
      const path = ['spec', 'volumes', i, 'persistentVolumeClaim', 'claimName'];
      const at = m.locate(path) ?? { line: 1, column: 1 };
      out.push({
        severity: 'error',
        rule: 'claim-reference',
        file: m.source,
        documentIndex: m.documentIndex,
        line: at.line,
        column: at.column,
        path: `spec.volumes[${i}].persistentVolumeClaim.claimName`,
        message:
          state === 'terminating'
            ? `persistentvolumeclaim "${claim}" is being deleted: it goes once the pods using it are deleted; mount another claim, or apply it again after it is gone`
            : `persistentvolumeclaim "${claim}" not found: apply a PersistentVolumeClaim named "${claim}"${m.ref.namespace !== 'default' ? ` in namespace ${m.ref.namespace}` : ''} with the pod (in the same file is fine), or fix claimName`,
      });
    });
  }
  return out;
}

/** claimVolumeLabels are the labels of a claim's volume: kubeplay's, the kind, and the claim. */
export function claimVolumeLabels(namespace: string, name: string): Record<string, string> {
  return { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, [LABEL_VOLUME_KIND]: 'pvc', [LABEL_NAMESPACE]: namespace, [LABEL_CLAIM]: name };
}

/** ObservedVolume is a Podman volume as observed: who made it is read from its labels. */
export interface ObservedVolume {
  labels: Readonly<Record<string, string>>;
}

/** isTerminating tells whether a deletion of the object was asked for. */
export function isTerminating(o: KubeObject | undefined): boolean {
  return typeof o?.metadata['deletionTimestamp'] === 'string';
}

function storageOf(o: KubeObject | undefined): string | undefined {
  const s = (o?.spec as { resources?: { requests?: Record<string, unknown> } } | undefined)?.resources?.requests?.['storage'];
  return s === undefined ? undefined : textOf(s);
}

/**
 * planClaimVolumes adds to the actions planObjects made (`actions[i]` is `desired[i]`'s) the step
 * that ensures each claim's volume, and finds the conflicts. `volumes` maps each claim's volume
 * name to what Podman has (undefined: none); a name that is not in the map was not observed (a
 * client dry run), and is ensured.
 */
export function planClaimVolumes(
  actions: readonly Action[],
  desired: readonly DesiredObject[],
  stored: readonly StoredObject[],
  volumes: ReadonlyMap<string, ObservedVolume | undefined>,
): { actions: Action[]; conflicts: Conflict[] } {
  const conflicts: Conflict[] = [];
  const storedByKey = new Map(stored.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  const out = actions.map((a, i): Action => {
    const d = desired[i];
    if (d === undefined || d.key.kind !== CLAIM_KIND) return a;
    const { namespace, name } = d.key;
    const volume = claimVolumeName(namespace, name);
    const current = storedByKey.get(`${CLAIM_KIND}/${namespace}/${name}`);
    if (isTerminating(current)) {
      conflicts.push({
        ref: a.ref,
        message: `persistentvolumeclaim "${name}" is being deleted (Terminating, ${PVC_PROTECTION}): kubeplay removes it and its volume once no pod uses it; delete the pods using it (kubeplay describe pvc ${name} lists them), then apply again`,
      });
      return a;
    }
    const seen = volumes.get(volume);
    if (seen !== undefined && !isManaged(seen.labels)) {
      conflicts.push({
        ref: a.ref,
        message: `volume "${volume}" exists in Podman but was not created by kubeplay (it has no label ${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE}), so kubeplay will not take it over for this claim; remove it yourself (podman volume rm ${volume}) if its data may go, or give the claim another name`,
      });
      return a;
    }
    const missing = !volumes.has(volume) || seen === undefined;
    const ensure: Step[] = missing ? [{ op: 'ensureVolume', name: volume, labels: claimVolumeLabels(namespace, name) }] : [];
    const before = storageOf(current);
    const after = storageOf(d.object);
    const grew = a.kind === 'configure' && before !== undefined && after !== undefined && before !== after ? `; storage request ${before} -> ${after} recorded (a Podman volume has no size to grow)` : '';
    const cause = `${a.cause}${grew}${missing && a.kind === 'unchanged' ? `; its volume ${volume} is missing in Podman and is made again, empty` : ''}`;
    return { ...a, cause, steps: [...ensure, ...a.steps] };
  });
  return { actions: out, conflicts };
}

/** ClaimUsers maps a claim's volume to the pods (Kubernetes names) that mount it: those that stay, and those this run removes. */
export type ClaimUsers = ReadonlyMap<string, { staying: string[]; removed: string[] }>;

/**
 * claimUsers reads which pods mount which claim volume: each managed Podman pod through its
 * last-applied label (previousOf), and the pods the input makes. `removed` are the Podman pods
 * this run deletes or prunes.
 */
export function claimUsers(
  observed: readonly ObservedPod[],
  previousOf: (p: ObservedPod) => DesiredPod | undefined,
  removed: ReadonlySet<string>,
  desired: readonly DesiredPod[] = [],
): ClaimUsers {
  const out = new Map<string, { staying: string[]; removed: string[] }>();
  const add = (volume: string, pod: string, gone: boolean) => {
    const e = out.get(volume) ?? { staying: [], removed: [] };
    const list = gone ? e.removed : e.staying;
    if (!list.includes(pod)) list.push(pod);
    out.set(volume, e);
  };
  const inInput = new Set(desired.map((p) => p.name));
  for (const p of observed) {
    if (!isManaged(p.labels) || inInput.has(p.name)) continue;
    const name = podIdentityOf(p.name, p.labels).name;
    for (const v of claimVolumesOf(previousOf(p))) add(v, name, removed.has(p.name));
  }
  for (const p of desired) for (const v of claimVolumesOf(p)) add(v, p.ref.name, false);
  for (const e of out.values()) {
    e.staying.sort(byText);
    e.removed.sort(byText);
  }
  return out;
}

function claimVolumesOf(p: DesiredPod | undefined): string[] {
  return (p?.volumes ?? []).flatMap((v) => (v.kind === 'pvc' ? [v.podmanVolume] : []));
}

/** ClaimTarget is a claim asked to go: by name, by a file, or with its namespace (`partOf`). */
export interface ClaimTarget extends DeleteTarget {
  /** The namespace action this claim goes with (reported with it). */
  partOf?: string;
}

/** ClaimDeletes are the actions, the claims asked for that are not there, and the warnings for the ones kept Terminating. */
export interface ClaimDeletes {
  actions: Action[];
  notFound: DeleteTarget[];
  warnings: string[];
}

/** removeClaimSteps remove a claim's volume, after the pods deleted in the run, then its object. */
function removeClaimSteps(key: ObjectKey): Step[] {
  return [
    STOPPED_BARRIER,
    PODS_REMOVED_BARRIER,
    // Never taken from a container: a pod kubeplay does not know of that still uses it makes Podman refuse, and the claim stays.
    { op: 'removeVolume', name: claimVolumeName(key.namespace, key.name), unlessInUse: true },
    { op: 'removeObject', key },
  ];
}

/**
 * planClaimDeletes plans the deletion of the claims asked for. `stored` are the stored claims
 * (undefined: not looked at, a client dry run: each is planned as removed); `users` who mounts
 * each volume; `now` the deletion time (RFC 3339) a claim kept Terminating records.
 */
export function planClaimDeletes(targets: readonly ClaimTarget[], stored: readonly StoredObject[] | undefined, users: ClaimUsers, now: string): ClaimDeletes {
  const out: ClaimDeletes = { actions: [], notFound: [], warnings: [] };
  const seen = new Set<string>();
  const byKey = new Map((stored ?? []).map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  for (const t of targets) {
    const namespace = t.namespace ?? 'default';
    const id = `${namespace}/${t.name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const ref = `persistentvolumeclaim/${t.name}`;
    const key: ObjectKey = { kind: CLAIM_KIND, namespace, name: t.name };
    const part = t.partOf !== undefined ? { partOf: t.partOf } : {};
    const base = { ref, name: t.name, needsImages: [], rollback: [], ...part };
    if (stored === undefined) {
      out.actions.push({ ...base, kind: 'delete', cause: 'not checked against the store (--dry-run=client)', steps: removeClaimSteps(key) });
      continue;
    }
    const current = byKey.get(id);
    if (current === undefined) {
      out.notFound.push({ ...t, resource: 'persistentvolumeclaims' });
      continue;
    }
    const volume = claimVolumeName(namespace, t.name);
    const u = users.get(volume) ?? { staying: [], removed: [] };
    if (u.staying.length === 0) {
      const freed = u.removed.length > 0 ? `; after its pod(s) ${u.removed.join(', ')}` : '';
      out.actions.push({ ...base, kind: 'delete', cause: `removes volume ${volume}${freed}`, steps: removeClaimSteps(key) });
      continue;
    }
    const finalizers = Array.isArray(current.metadata['finalizers']) ? (current.metadata['finalizers'] as string[]) : [];
    const marked: KubeObject = {
      ...current,
      metadata: { ...current.metadata, deletionTimestamp: isTerminating(current) ? current.metadata['deletionTimestamp'] : now, finalizers: finalizers.includes(PVC_PROTECTION) ? finalizers : [...finalizers, PVC_PROTECTION] },
    };
    const pods = u.staying.join(', ');
    out.actions.push({
      ...base,
      kind: 'delete',
      cause: `in use by pod(s) ${pods}: kept Terminating (${PVC_PROTECTION}), volume ${volume} kept`,
      steps: isTerminating(current) ? [] : [{ op: 'putObject', object: marked }],
    });
    out.warnings.push(
      `persistentvolumeclaim "${t.name}" is still used by pod${u.staying.length === 1 ? '' : 's'} ${pods}: it stays Terminating (${PVC_PROTECTION}) and keeps its volume ${volume}; kubeplay removes both when ${u.staying.length === 1 ? 'that pod' : 'the last of them'} is deleted (it runs no controller, so it does not wait)`,
    );
  }
  return out;
}

/**
 * finishTerminatingClaims plans the removal of the Terminating claims (not already targeted) that
 * no pod uses any more: each goes with the first pod whose deletion freed it (reported with it, as
 * kubectl reports nothing for a claim its controller finishes), or on its own when its pods went
 * some other way.
 */
export function finishTerminatingClaims(stored: readonly StoredObject[], users: ClaimUsers, targeted: ReadonlySet<string> = new Set()): Action[] {
  const out: Action[] = [];
  for (const o of stored) {
    if (o.kind !== CLAIM_KIND || !isTerminating(o)) continue;
    const namespace = o.metadata.namespace ?? 'default';
    if (targeted.has(`${namespace}/${o.metadata.name}`)) continue;
    const volume = claimVolumeName(namespace, o.metadata.name);
    const u = users.get(volume) ?? { staying: [], removed: [] };
    if (u.staying.length > 0) continue;
    const freedBy = u.removed[0];
    out.push({
      kind: 'delete',
      ref: `persistentvolumeclaim/${o.metadata.name}`,
      name: o.metadata.name,
      cause: `Terminating and no longer used${freedBy !== undefined ? ` (its last pod ${u.removed.join(', ')} is deleted)` : ''}: removes volume ${volume}`,
      needsImages: [],
      steps: removeClaimSteps({ kind: CLAIM_KIND, namespace, name: o.metadata.name }),
      rollback: [],
      ...(freedBy !== undefined ? { partOf: `pod/${freedBy}` } : {}),
    });
  }
  return out;
}

/**
 * planClaimPrunes plans apply --prune for claims: the stored claims of the managed set (`matches`
 * their labels) that the input no longer holds, each removed as a delete removes it (after the run's
 * pods, kept Terminating while a pod that stays uses it), reported `pruned`. Only when the
 * allowlist names the kind (`--prune-allowlist core/v1/PersistentVolumeClaim`): a claim holds data,
 * so pruning never takes one by default.
 */
export function planClaimPrunes(
  stored: readonly StoredObject[],
  inInput: ReadonlySet<string>,
  matches: (labels: Readonly<Record<string, string>>) => boolean,
  allowlisted: boolean,
  users: ClaimUsers,
  now: string,
): ClaimDeletes {
  if (!allowlisted) return { actions: [], notFound: [], warnings: [] };
  const targets = stored
    .filter((o) => o.kind === CLAIM_KIND && !inInput.has(`${o.metadata.namespace ?? ''}/${o.metadata.name}`) && matches(o.metadata.labels ?? {}))
    .map((o) => ({ name: o.metadata.name, namespace: o.metadata.namespace ?? 'default' }));
  const planned = planClaimDeletes(targets, stored, users, now);
  return { ...planned, actions: planned.actions.map((a) => ({ ...a, kind: 'prune' as const, cause: `not in the input, allowlisted for --prune; ${a.cause}` })) };
}
