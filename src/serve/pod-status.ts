/**
 * pod-status: the store's Pods given the status Podman shows (the v1 Pod `kubeplay get` builds:
 * phase, conditions, container statuses, IPs), written through the status subresource only when
 * it changed, so a watch sees a pod's change as one MODIFIED event.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { canonicalJson } from '../domain/canonical-json';
import type { ObjectStore } from '../store/object-store';
import { StatusError } from '../domain/errors';

/** timeOf is a time the store keeps as text and an observation as a Date, as milliseconds (NaN: none). */
function timeOf(v: unknown): number {
  return v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : Number.NaN;
}

/** needsIPs tells whether a running pod's stored status lacks its IP: the next look inspects the pods' infra containers. */
export function needsIPs(store: ObjectStore): boolean {
  return store.list({ kind: 'Pod' }).items.some((o) => {
    const st = (o.status ?? {}) as { phase?: string; podIP?: string };
    return st.phase === 'Running' && st.podIP === undefined;
  });
}

/** lacksIPs tells whether a look without IPs saw a running pod whose IP the store does not have yet: look again with them. */
export function lacksIPs(store: ObjectStore, observed: readonly V1Pod[]): boolean {
  const running = observed.filter((p) => p.status?.phase === 'Running' && p.status.podIP === undefined && p.spec?.hostNetwork !== true);
  if (running.length === 0) return false;
  const stored = new Map(store.list({ kind: 'Pod' }).items.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, (o.status ?? {}) as { podIP?: string; startTime?: string }]));
  return running.some((p) => {
    const st = stored.get(`${p.metadata?.namespace ?? 'default'}/${p.metadata?.name ?? ''}`);
    return st !== undefined && (st.podIP === undefined || timeOf(st.startTime) !== timeOf(p.status?.startTime));
  });
}

/** syncPodStatuses writes each observed pod's status to its stored Pod; returns how many changed. */
export function syncPodStatuses(store: ObjectStore, observed: readonly V1Pod[]): number {
  const stored = new Map(store.list({ kind: 'Pod' }).items.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  let changed = 0;
  for (const pod of observed) {
    const o = stored.get(`${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`);
    if (o === undefined || pod.status === undefined) continue;
    const status = JSON.parse(JSON.stringify(pod.status)) as Record<string, unknown>;
    // A look that did not inspect the pod's infra container has no IP: the one seen before stays while the pod runs on.
    const before = (o.status ?? {}) as Record<string, unknown>;
    if (status['podIP'] === undefined && before['podIP'] !== undefined && timeOf(before['startTime']) === timeOf(status['startTime']) && status['phase'] === 'Running') {
      status['podIP'] = before['podIP'];
      if (before['podIPs'] !== undefined) status['podIPs'] = before['podIPs'];
    }
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
