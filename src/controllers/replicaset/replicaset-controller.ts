/**
 * The ReplicaSet controller, one sync pass (upstream pkg/controller/replicaset/replica_set.go
 * syncReplicaSet, manageReplicas, and replica_set_utils.go calculateStatus), as a pure function:
 * the pods the ReplicaSet controls (ownerReferences controller uid), active ones only; too few: new
 * pods `<rs>-<suffix>` from spec.template; too many: the first of upstream's deletion ranking;
 * then the status, written only when it changed.
 *
 * Not done: adopting orphan pods whose labels match the selector, and releasing owned pods that no
 * longer match (upstream's ClaimPods). A kubeplay pod's metadata is fixed when its Podman pod is
 * made, so adoption would mean recreating the pod; orphans are left alone and not counted.
 */
import type { V1Pod, V1PodSpec } from '@kubernetes/client-node';
import type { ControllerEvent, ControllerInput, ControllerResult, PodDelete } from '../controller';
import type { KubeObject, StoredObject } from '../../domain/objects';
import { canonicalJson } from '../../domain/canonical-json';
import { availableAt, controllerRef, isControlledBy, isPodActive, isPodAvailable, isPodReady } from '../pod-status';
import { podsToDelete } from './pod-ranking';
import { withoutVersion } from '../meta-time';
import { replicasOf, specOf, type ReplicaSetSpec, type ReplicaSetStatus } from './workload-types';

/** SOURCE is the reporting component of the ReplicaSet controller's events. */
export const REPLICASET_SOURCE = 'replicaset-controller';

/** BURST_REPLICAS is upstream's burstReplicas: at most this many pods created or deleted in one sync. */
const BURST_REPLICAS = 500;

/** MAX_GENERATED_NAME_BASE is 63 - 5: generateName's base is cut so the name with its suffix stays a label. */
const MAX_GENERATED_NAME_BASE = 58;

/** generatedName is names.SimpleNameGenerator: `<base><suffix>`, the base cut to 58 characters. */
export function generatedName(base: string, suffix: string): string {
  return `${base.length > MAX_GENERATED_NAME_BASE ? base.slice(0, MAX_GENERATED_NAME_BASE) : base}${suffix}`;
}

/** podFromTemplate is GetPodFromTemplate: a pod of the template's labels, annotations and spec, owned by the controller. */
export function podFromTemplate(owner: StoredObject, template: ReplicaSetSpec['template'], name: string): V1Pod {
  const meta = template?.metadata ?? {};
  const pod: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace ?? 'default',
      labels: { ...(meta.labels ?? {}) },
      ...(meta.annotations && Object.keys(meta.annotations).length > 0 ? { annotations: { ...meta.annotations } } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec: structuredClone(template?.spec ?? {}) as unknown as V1PodSpec,
  };
  return pod;
}

/** involvedOf is the event's reference to the owner. */
export function involvedOf(o: StoredObject): ControllerEvent['involved'] {
  return { apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace ?? 'default', name: o.metadata.name, uid: o.metadata.uid };
}

/** templateLabelsMatch: the pod carries every label of the template (FullyLabeledReplicas). */
function templateLabelsMatch(template: Record<string, string> | undefined, pod: V1Pod): boolean {
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(template ?? {}).every(([k, v]) => labels[k] === v);
}

/** calculateStatus is upstream's calculateStatus plus observedGeneration: counts over the pods, zero counts left out. */
export function calculateRsStatus(rs: StoredObject, pods: readonly V1Pod[], now: Date): ReplicaSetStatus {
  const spec = specOf<ReplicaSetSpec>(rs);
  const minReady = spec.minReadySeconds ?? 0;
  const fully = pods.filter((p) => templateLabelsMatch(spec.template?.metadata?.labels, p)).length;
  const ready = pods.filter(isPodReady).length;
  const available = pods.filter((p) => isPodAvailable(p, minReady, now)).length;
  const old = (rs.status ?? {}) as Partial<ReplicaSetStatus>;
  // ReplicaFailure is set only when creating or deleting pods failed; a pure pass asks, the loop carries out.
  const conditions = (old.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
  return {
    replicas: pods.length,
    ...(fully > 0 ? { fullyLabeledReplicas: fully } : {}),
    ...(rs.metadata.generation > 0 ? { observedGeneration: rs.metadata.generation } : {}),
    ...(ready > 0 ? { readyReplicas: ready } : {}),
    ...(available > 0 ? { availableReplicas: available } : {}),
    ...(conditions.length > 0 ? { conditions } : {}),
  };
}

/** reconcileReplicaSet is one sync of a ReplicaSet; see the module comment. */
export function reconcileReplicaSet(input: ControllerInput): ControllerResult {
  const rs = input.owner;
  const spec = specOf<ReplicaSetSpec>(rs);
  const desired = replicasOf(spec);
  const minReady = spec.minReadySeconds ?? 0;
  const owned = input.pods.filter((p) => isPodActive(p) && isControlledBy(p, rs.metadata.uid));
  const createPods: V1Pod[] = [];
  const deletePods: PodDelete[] = [];
  const events: ControllerEvent[] = [];
  const involved = involvedOf(rs);
  const namespace = rs.metadata.namespace ?? 'default';

  if (rs.metadata['deletionTimestamp'] === undefined) {
    const diff = owned.length - desired;
    if (diff < 0) {
      const taken = new Set(input.pods.map((p) => p.metadata?.name ?? ''));
      for (let i = 0; i < Math.min(-diff, BURST_REPLICAS); i++) {
        let name = generatedName(`${rs.metadata.name}-`, input.suffix());
        // generateName retries on a name already taken; a suffix source that repeats itself gives up after a few.
        for (let tries = 0; taken.has(name) && tries < 8; tries++) name = generatedName(`${rs.metadata.name}-`, input.suffix());
        taken.add(name);
        createPods.push(podFromTemplate(rs, spec.template, name));
        events.push({ type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${name}`, involved, source: REPLICASET_SOURCE });
      }
    } else if (diff > 0) {
      for (const pod of podsToDelete(owned, Math.min(diff, BURST_REPLICAS), input.now)) {
        const name = pod.metadata?.name ?? '';
        deletePods.push({ namespace, name, reason: 'scaled down' });
        events.push({ type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${name}`, involved, source: REPLICASET_SOURCE });
      }
    }
  }

  const status = calculateRsStatus(rs, owned, input.now);
  const statusWrites: KubeObject[] = canonicalJson(status) === canonicalJson(rs.status ?? null) ? [] : [withoutVersion({ ...rs, status })];

  const result: ControllerResult = { put: [], status: statusWrites, remove: [], createPods, deletePods, events };
  const waiting = waitingOf(owned, minReady, input.now);
  if (waiting !== undefined) result.waitingFor = waiting;
  return result;
}

/** waitingOf says what time alone can change: pods not yet ready, or ready but not yet available for minReadySeconds. */
function waitingOf(pods: readonly V1Pod[], minReady: number, now: Date): ControllerResult['waitingFor'] {
  const notReady = pods.filter((p) => !isPodReady(p));
  if (notReady.length > 0) {
    return { reason: `${notReady.length} of ${pods.length} ${pods.length === 1 ? 'pod is' : 'pods are'} not ready: ${notReady.map((p) => p.metadata?.name ?? '').join(', ')}` };
  }
  const pending = pods.filter((p) => !isPodAvailable(p, minReady, now));
  if (pending.length === 0) return undefined;
  const times = pending.map((p) => availableAt(p, minReady)).filter((d): d is Date => d !== undefined);
  const until = times.sort((a, b) => a.getTime() - b.getTime())[0];
  const reason = `${pending.length} of ${pods.length} ready ${pods.length === 1 ? 'pod is' : 'pods are'} not yet available (minReadySeconds ${minReady})`;
  return until === undefined ? { reason } : { reason, until };
}
