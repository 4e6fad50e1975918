/**
 * pod-status: the store's Pods given the status Podman shows (the v1 Pod `kubeplay get` builds:
 * phase, conditions, container statuses, IPs), written through the status subresource only when
 * it changed, so a watch sees a pod's change as one MODIFIED event.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { canonicalJson } from '../domain/canonical-json';
import type { ObjectStore } from '../store/object-store';
import { StatusError } from '../domain/errors';

/** syncPodStatuses writes each observed pod's status to its stored Pod; returns how many changed. */
export function syncPodStatuses(store: ObjectStore, observed: readonly V1Pod[]): number {
  const stored = new Map(store.list({ kind: 'Pod' }).items.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  let changed = 0;
  for (const pod of observed) {
    const o = stored.get(`${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`);
    if (o === undefined || pod.status === undefined) continue;
    const status = JSON.parse(JSON.stringify(pod.status)) as unknown;
    if (canonicalJson(status) === canonicalJson(o.status ?? null)) continue;
    try {
      store.updateStatus({ ...(o), status });
      changed++;
    } catch (e) {
      // Deleted or changed meanwhile by another writer: the next pass sees it again.
      if (!(e instanceof StatusError)) throw e;
    }
  }
  return changed;
}
