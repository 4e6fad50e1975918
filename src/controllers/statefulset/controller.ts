/**
 * The StatefulSet controller, one sync pass as upstream's (pkg/controller/statefulset
 * stateful_set_control.go updateStatefulSet, stateful_set_utils.go, stateful_pod_control.go): pods
 * `<set>-<ordinal>` with stable identity (hostname, subdomain, pod-name and pod-index labels) and
 * storage (one claim per volumeClaimTemplate and ordinal, `<claim>-<set>-<ordinal>`, kept on scale
 * down and on deletion), made and removed in order (OrderedReady) or all at once (Parallel), and
 * rolled to the update revision from the highest ordinal down to the partition. Pure.
 */
import type { V1LabelSelector, V1Pod, V1PodTemplateSpec, V1Volume } from '@kubernetes/client-node';
import type { KubeObject, StoredObject } from '../../domain/objects';
import type { ControllerInput, ControllerResult } from '../controller';
import { templateHash } from '../names';
import { availableAt, isControlledBy, isPodAvailable, isPodReady } from '../pod-status';
import { CONTROLLER_REVISION_HASH, ownedRevisions, revisionsBeyondLimit, syncRevision, templateOfRevision, templatePatch } from '../revisions';
import { controlledPods, ownerEvent, podFromTemplate, podName, withStatus } from '../workload-pods';

/** STATEFULSET_SOURCE is the reporting component of the StatefulSet controller's events. */
export const STATEFULSET_SOURCE = 'statefulset-controller';
/** POD_NAME_LABEL is apps.StatefulSetPodNameLabel. */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** POD_INDEX_LABEL is apps.PodIndexLabel (on by default since 1.28). */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** ClaimTemplate is one of spec.volumeClaimTemplates: a PersistentVolumeClaim's metadata and spec. */
interface ClaimTemplate {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
}

/** StatefulSetSpec is what the controller reads of an apps/v1 StatefulSet's spec (API defaults assumed where absent). */
export interface StatefulSetSpec {
  replicas?: number;
  selector?: V1LabelSelector;
  template?: V1PodTemplateSpec;
  serviceName?: string;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  ordinals?: { start?: number };
  volumeClaimTemplates?: ClaimTemplate[];
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
}

/** StatefulSetStatus is apps/v1 StatefulSetStatus as the controller writes it. */
export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
}

/** ordinalOf is getParentNameAndOrdinal: the ordinal of `<set>-<n>`, undefined for another name. */
export function ordinalOf(setName: string, pod: V1Pod): number | undefined {
  const m = /^(.*)-(\d+)$/.exec(podName(pod));
  if (!m || m[1] !== setName) return undefined;
  return Number(m[2]);
}

/** claimName is getPersistentVolumeClaimName: `<template>-<set>-<ordinal>`. */
export function claimName(templateName: string, setName: string, ordinal: number): string {
  return `${templateName}-${setName}-${ordinal}`;
}

/** isRunningAndReady: phase Running and the Ready condition True. */
function isRunningAndReady(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

/** revisionOf is the revision a pod was made from (its controller-revision-hash label: the revision's name). */
function revisionOf(pod: V1Pod): string | undefined {
  return pod.metadata?.labels?.[CONTROLLER_REVISION_HASH];
}

/** claimsOf are the claims of one ordinal, as getPersistentVolumeClaims makes them. */
function claimsOf(set: StoredObject, spec: StatefulSetSpec, ordinal: number): KubeObject[] {
  const matchLabels = spec.selector?.matchLabels ?? {};
  return (spec.volumeClaimTemplates ?? []).map((t) => {
    const metadata: KubeObject['metadata'] = {
      name: claimName(t.metadata?.name ?? '', set.metadata.name, ordinal),
      namespace: set.metadata.namespace ?? 'default',
      labels: { ...(t.metadata?.labels ?? {}), ...matchLabels },
    };
    if (t.metadata?.annotations !== undefined) metadata.annotations = { ...t.metadata.annotations };
    // whenDeleted: Delete makes the set an owner of its claims, so deleting the set removes them (Retain, the default, makes none).
    if (spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete') {
      metadata.ownerReferences = [{ apiVersion: set.apiVersion, kind: set.kind, name: set.metadata.name, uid: set.metadata.uid, controller: true, blockOwnerDeletion: true }];
    }
    return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec: structuredClone(t.spec ?? {}) };
  });
}

/**
 * newStatefulSetPod is newVersionedStatefulSetPod: the template of the given revision, the
 * ordinal's identity (name, hostname, subdomain, labels) and storage (a claim volume per template
 * replaces a template volume of the same name), labelled with the revision.
 */
function newStatefulSetPod(set: StoredObject, spec: StatefulSetSpec, template: V1PodTemplateSpec | undefined, revision: string, ordinal: number): V1Pod {
  const name = `${set.metadata.name}-${ordinal}`;
  const pod = podFromTemplate(template, set, name, { labels: { [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [CONTROLLER_REVISION_HASH]: revision } });
  const podSpec = pod.spec!;
  podSpec.hostname = name;
  if (spec.serviceName) podSpec.subdomain = spec.serviceName;
  const claimVolumes: V1Volume[] = (spec.volumeClaimTemplates ?? []).map((t) => ({
    name: t.metadata?.name ?? '',
    persistentVolumeClaim: { claimName: claimName(t.metadata?.name ?? '', set.metadata.name, ordinal) },
  }));
  if (claimVolumes.length > 0) {
    const names = new Set(claimVolumes.map((v) => v.name));
    podSpec.volumes = [...claimVolumes, ...(podSpec.volumes ?? []).filter((v) => !names.has(v.name))];
  }
  return pod;
}

/** Counts of the status, read from the pods the set has after this pass. */
function computeStatus(pods: readonly V1Pod[], minReadySeconds: number, now: Date, currentRevision: string, updateRevision: string) {
  let ready = 0;
  let available = 0;
  let current = 0;
  let updated = 0;
  for (const p of pods) {
    if (isRunningAndReady(p)) {
      ready++;
      if (isPodAvailable(p, minReadySeconds, now)) available++;
    }
    if (revisionOf(p) === currentRevision) current++;
    if (revisionOf(p) === updateRevision) updated++;
  }
  return { replicas: pods.length, ready, available, current, updated };
}

/** reconcileStatefulSet is one StatefulSet sync pass. */
export function reconcileStatefulSet(input: ControllerInput): ControllerResult {
  const set = input.owner;
  const spec = (set.spec ?? {}) as StatefulSetSpec;
  const prior = (set.status ?? {}) as Partial<StatefulSetStatus>;
  const result: ControllerResult = { put: [], status: [], remove: [], createPods: [], deletePods: [], events: [] };
  if (set.metadata['deletionTimestamp'] !== undefined) return result;
  const ns = set.metadata.namespace ?? 'default';
  const setName = set.metadata.name;
  const now = input.now;
  const event = (reason: string, message: string) => result.events.push(ownerEvent(set, STATEFULSET_SOURCE, 'Normal', reason, message));

  // Revisions: the update revision is the template's; the current one is what status last said.
  const owned = ownedRevisions(input.objects, set);
  const data = templatePatch(spec.template);
  const sync = syncRevision({
    owner: set,
    revisions: owned,
    taken: input.objects.filter((o) => o.kind === 'ControllerRevision'),
    data,
    templateLabels: spec.template?.metadata?.labels,
    hash: (cc) => templateHash(data, cc),
    collisionCount: prior.collisionCount ?? 0,
  });
  if (sync.put) result.put.push(sync.put);
  const updateName = sync.update.metadata.name;
  const currentRev = owned.find((r) => r.metadata.name === prior.currentRevision) ?? sync.update;
  let currentName = currentRev.metadata.name;
  const currentTemplate = currentName === updateName ? spec.template : templateOfRevision(currentRev);

  // Pods: the replicas in [start, start+replicas) by ordinal, and the condemned beyond, highest first.
  const start = spec.ordinals?.start ?? 0;
  const replicaCount = spec.replicas ?? 1;
  const monotonic = spec.podManagementPolicy !== 'Parallel';
  const rolling = (spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  const minReady = spec.minReadySeconds ?? 0;
  const slots: (V1Pod | undefined)[] = new Array<V1Pod | undefined>(replicaCount).fill(undefined);
  const condemned: V1Pod[] = [];
  for (const p of controlledPods(input.pods, set)) {
    const ord = ordinalOf(setName, p);
    if (ord === undefined) continue;
    if (ord >= start && ord < start + replicaCount) slots[ord - start] = p;
    else condemned.push(p);
  }
  condemned.sort((a, b) => (ordinalOf(setName, b) ?? 0) - (ordinalOf(setName, a) ?? 0));

  const created = new Set<string>();
  const deleted = new Set<string>();
  const existingClaims = new Set(input.objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name));
  const foreign = new Set(input.pods.filter((p) => !isControlledBy(p, set.metadata.uid)).map(podName));
  let waitingFor: ControllerResult['waitingFor'];
  const healthy = (p: V1Pod) => !created.has(podName(p)) && !deleted.has(podName(p)) && isRunningAndReady(p);
  const available = (p: V1Pod) => healthy(p) && isPodAvailable(p, minReady, now);
  const notYet = (p: V1Pod): NonNullable<ControllerResult['waitingFor']> => {
    if (!isRunningAndReady(p)) return { reason: `pod ${podName(p)} to be Running and Ready` };
    const until = availableAt(p, minReady);
    return until === undefined ? { reason: `pod ${podName(p)} to be available` } : { reason: `pod ${podName(p)} to be available`, until };
  };
  const remove = (p: V1Pod, why: string) => {
    deleted.add(podName(p));
    result.deletePods.push({ namespace: ns, name: podName(p), reason: why });
    event('SuccessfulDelete', `delete Pod ${podName(p)} in StatefulSet ${setName} successful`);
  };

  /** makeClaims puts the ordinal's claims that do not exist (kept whoever made them), before its pod. */
  const makeClaims = (ordinal: number, pod: string) => {
    for (const claim of claimsOf(set, spec, ordinal)) {
      if (existingClaims.has(claim.metadata.name)) continue;
      existingClaims.add(claim.metadata.name);
      result.put.push(claim);
      event('SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${pod} in StatefulSet ${setName} success`);
    }
  };

  let exit = false;
  for (let i = 0; i < replicaCount && !exit; i++) {
    const ordinal = start + i;
    const pod = slots[i];
    if (pod !== undefined && (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded')) {
      // A pod that ran to its end is deleted and made again on a later pass.
      remove(pod, pod.status.phase === 'Failed' ? 'pod failed' : 'pod succeeded');
      exit = monotonic;
      continue;
    }
    if (pod === undefined) {
      const name = `${setName}-${ordinal}`;
      if (foreign.has(name)) {
        waitingFor = { reason: `pod ${name} exists and is not controlled by StatefulSet ${setName}` };
        exit = monotonic;
        continue;
      }
      const atCurrent = rolling && i < partition;
      const newPod = newStatefulSetPod(set, spec, atCurrent ? currentTemplate : spec.template, atCurrent ? currentName : updateName, ordinal);
      makeClaims(ordinal, name);
      result.createPods.push(newPod);
      created.add(name);
      slots[i] = newPod;
      event('SuccessfulCreate', `create Pod ${name} in StatefulSet ${setName} successful`);
      exit = monotonic;
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      // A pending pod's missing claims are made again (createMissingPersistentVolumeClaims).
      makeClaims(ordinal, podName(pod));
    }
    if (monotonic && !available(pod)) {
      // OrderedReady: no successor is made until this one is Running, Ready and available.
      waitingFor = notYet(pod);
      exit = true;
    }
  }

  if (!exit) {
    // Scale down: the highest ordinal first; in OrderedReady one at a time, only while the rest are healthy.
    // The first unavailable pod: of the replicas by ordinal, else the lowest condemned one; it alone may go while unavailable.
    const firstUnavailable = [...slots, ...[...condemned].reverse()].find((p) => p !== undefined && !available(p));
    for (const c of condemned) {
      if (monotonic && c !== firstUnavailable && !available(c)) {
        waitingFor = notYet(c);
        exit = true;
        break;
      }
      remove(c, 'scaled down');
      if (monotonic) {
        exit = true;
        break;
      }
    }
  }

  if (!exit && rolling) {
    // Rolling update: the highest ordinal not at the update revision is deleted (and made again at
    // it on a later pass), one at a time, down to the partition, each once the ones above are healthy.
    for (let target = replicaCount - 1; target >= partition; target--) {
      const pod = slots[target];
      if (pod === undefined) break;
      if (!created.has(podName(pod)) && !deleted.has(podName(pod)) && revisionOf(pod) !== updateName) {
        remove(pod, 'old revision');
        break;
      }
      if (!available(pod)) {
        if (!created.has(podName(pod)) && !deleted.has(podName(pod))) waitingFor = notYet(pod);
        break;
      }
    }
  }

  // Status from the pods the set has after this pass (made ones counted, deleted ones not).
  const after = [...slots.filter((p): p is V1Pod => p !== undefined), ...condemned].filter((p) => !deleted.has(podName(p)));
  const counted = computeStatus(
    after.filter((p) => !created.has(podName(p))),
    minReady,
    now,
    currentName,
    updateName,
  );
  const replicas = counted.replicas + created.size;
  let currentReplicas = counted.current + result.createPods.filter((p) => revisionOf(p) === currentName).length;
  const updatedReplicas = counted.updated + result.createPods.filter((p) => revisionOf(p) === updateName).length;
  if (rolling && updatedReplicas === replicas && counted.ready === replicas) {
    // completeRollingUpdate: every pod is at the update revision and ready.
    currentName = updateName;
    currentReplicas = updatedReplicas;
  }
  const status: Record<string, unknown> = { observedGeneration: set.metadata.generation, replicas };
  if (counted.ready > 0) status['readyReplicas'] = counted.ready;
  if (currentReplicas > 0) status['currentReplicas'] = currentReplicas;
  if (updatedReplicas > 0) status['updatedReplicas'] = updatedReplicas;
  status['currentRevision'] = currentName;
  status['updateRevision'] = updateName;
  status['collisionCount'] = sync.collisionCount;
  status['availableReplicas'] = counted.available;
  const write = withStatus(set, status);
  if (write) result.status.push(write);

  // History: revisions no pod is made from, beyond revisionHistoryLimit, oldest first.
  const live = new Set<string>([currentName, updateName, ...after.map((p) => revisionOf(p) ?? '')]);
  result.remove.push(...revisionsBeyondLimit(owned, (r) => live.has(r.metadata.name), spec.revisionHistoryLimit ?? 10));

  const acted = result.createPods.length + result.deletePods.length > 0;
  if (!acted && waitingFor === undefined) {
    const unsettled = after.find((p) => !available(p));
    if (unsettled !== undefined) waitingFor = notYet(unsettled);
  }
  if (!acted && waitingFor !== undefined) result.waitingFor = waitingFor;
  return result;
}
