/**
 * What controllers read of a pod, as Kubernetes' pkg/api/v1/pod and controller_utils read it:
 * readiness, availability, whether it still counts, who controls it. Pure, on v1 Pods.
 */
import type { V1OwnerReference, V1Pod } from '@kubernetes/client-node';

/** readyCondition is the pod's Ready condition, if any. */
function readyCondition(pod: V1Pod): { status: string; lastTransitionTime?: Date | string } | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** isPodReady is podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: V1Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/**
 * isPodAvailable is podutil.IsPodAvailable: ready, and for at least minReadySeconds (the Ready
 * condition's lastTransitionTime that long ago); minReadySeconds 0 means ready is available.
 */
export function isPodAvailable(pod: V1Pod, minReadySeconds: number, now: Date): boolean {
  const c = readyCondition(pod);
  if (c?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  if (c.lastTransitionTime === undefined) return false;
  const since = new Date(c.lastTransitionTime).getTime();
  return since + minReadySeconds * 1000 <= now.getTime();
}

/** availableAt is when a ready pod becomes available (Ready's lastTransitionTime + minReadySeconds); undefined when not ready. */
export function availableAt(pod: V1Pod, minReadySeconds: number): Date | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True' || c.lastTransitionTime === undefined) return undefined;
  return new Date(new Date(c.lastTransitionTime).getTime() + Math.max(0, minReadySeconds) * 1000);
}

/** isPodTerminating: the pod has a deletionTimestamp. */
export function isPodTerminating(pod: V1Pod): boolean {
  return pod.metadata?.deletionTimestamp !== undefined;
}

/** isPodFinished: phase Succeeded or Failed (a Job's pod that ran to its end). */
export function isPodFinished(pod: V1Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** isPodActive is controller.IsPodActive: not finished and not being deleted. */
export function isPodActive(pod: V1Pod): boolean {
  return !isPodFinished(pod) && !isPodTerminating(pod);
}

/** controllerOf is metav1.GetControllerOf: the ownerReference with controller: true, if any. */
export function controllerOf(o: { metadata?: { ownerReferences?: V1OwnerReference[] } }): V1OwnerReference | undefined {
  return o.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** isControlledBy: the object's controller reference names this uid. */
export function isControlledBy(o: { metadata?: { ownerReferences?: V1OwnerReference[] } }, uid: string): boolean {
  return controllerOf(o)?.uid === uid;
}

/** controllerRef is the ownerReference a controller puts on what it makes (controller and blockOwnerDeletion true). */
export function controllerRef(owner: { apiVersion: string; kind: string; metadata: { name: string; uid: string } }): V1OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}
