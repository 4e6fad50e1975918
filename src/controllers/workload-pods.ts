/**
 * What the StatefulSet, DaemonSet and Job controllers share: a pod made from an owner's template
 * (controller_utils GetPodFromTemplate), the owner as an event's involved object, a status written
 * only when it changed, and the pods an owner controls. Pure.
 */
import type { V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import { canonicalJson } from '../domain/canonical-json';
import type { KubeObject, StoredObject } from '../domain/objects';
import type { ControllerEvent, InvolvedObject } from './controller';
import { controllerRef, isControlledBy } from './pod-status';

/** involvedOf is the owner as an event's involved object. */
export function involvedOf(owner: StoredObject): InvolvedObject {
  return { apiVersion: owner.apiVersion, kind: owner.kind, namespace: owner.metadata.namespace ?? 'default', name: owner.metadata.name, uid: owner.metadata.uid };
}

/** ownerEvent is one event about the owner from a controller (`source`, its component name). */
export function ownerEvent(owner: StoredObject, source: string, type: 'Normal' | 'Warning', reason: string, message: string): ControllerEvent {
  return { type, reason, message, involved: involvedOf(owner), source };
}

/**
 * podFromTemplate is GetPodFromTemplate: the template's labels, annotations, finalizers and spec
 * (copied), the owner's namespace, a controller ownerReference to the owner, and the given name
 * with extra labels and annotations laid over the template's.
 */
export function podFromTemplate(
  template: V1PodTemplateSpec | undefined,
  owner: StoredObject,
  name: string,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): V1Pod {
  const t = structuredClone(template ?? {});
  const labels = { ...(t.metadata?.labels ?? {}), ...(extra.labels ?? {}) };
  const annotations = { ...(t.metadata?.annotations ?? {}), ...(extra.annotations ?? {}) };
  const metadata: NonNullable<V1Pod['metadata']> = {
    name,
    namespace: owner.metadata.namespace ?? 'default',
    labels,
    ownerReferences: [controllerRef({ apiVersion: owner.apiVersion, kind: owner.kind, metadata: { name: owner.metadata.name, uid: owner.metadata.uid } })],
  };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  if (t.metadata?.finalizers !== undefined && t.metadata.finalizers.length > 0) metadata.finalizers = [...t.metadata.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: t.spec ?? { containers: [] } };
}

/** controlledPods are the pods whose controller reference names the owner's uid, by name. */
export function controlledPods(pods: readonly V1Pod[], owner: StoredObject): V1Pod[] {
  return pods.filter((p) => isControlledBy(p, owner.metadata.uid)).sort((a, b) => podName(a).localeCompare(podName(b)));
}

/** controlledObjects are the stored objects of one kind whose controller reference names the owner's uid. */
export function controlledObjects(objects: readonly StoredObject[], kind: string, owner: StoredObject): StoredObject[] {
  return objects.filter((o) => o.kind === kind && isControlledBy(o as { metadata?: { ownerReferences?: [] } }, owner.metadata.uid));
}

/** podName is a pod's name ('' when it has none). */
export function podName(pod: V1Pod): string {
  return pod.metadata?.name ?? '';
}

/** timeOf reads a timestamp the store or a v1 Pod holds (a Date or RFC 3339 text); undefined when absent. */
export function timeOf(t: Date | string | undefined | null): Date | undefined {
  if (t === undefined || t === null) return undefined;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** rfc3339 is a time as the API server writes it: to the second, `2024-05-01T10:00:00Z`. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** withStatus is the owner as stored with a new status, or undefined when the status is unchanged (no write). */
export function withStatus(owner: StoredObject, status: Record<string, unknown>): KubeObject | undefined {
  if (canonicalJson(owner.status ?? {}) === canonicalJson(status)) return undefined;
  return { ...owner, status };
}

/** creationTime of a pod, for ordering (oldest first); the epoch when absent. */
export function creationTime(pod: V1Pod): number {
  return timeOf(pod.metadata?.creationTimestamp)?.getTime() ?? 0;
}
