/**
 * observeObjects: the observe stage's look at the object store, for the kinds kept there only (a
 * Namespace), and the namespaces that exist. The store is the desired state, but it is never
 * trusted blindly: a namespace that managed Podman pods name exists even when a lost store no
 * longer holds it (the next apply adopts it, commands/record-state.ts).
 */
import { DEFAULT_NAMESPACE } from '../domain/kinds';
import { LABEL_NAMESPACE } from '../domain/labels';
import type { StoredObject } from '../domain/objects';
import type { ObservedPod } from '../domain/state';
import { isManaged } from '../domain/convergence';
import type { ObjectStore } from '../store/object-store';

/** ObservedObjects is what the store holds of the kinds asked for, and every namespace known to exist. */
export interface ObservedObjects {
  objects: StoredObject[];
  /** Sorted; always holds `default`. */
  namespaces: string[];
}

/** observeObjects lists the stored objects of `kinds` (group-qualified) and the namespaces that exist. */
export function observeObjects(store: Pick<ObjectStore, 'list'> | undefined, kinds: readonly string[], pods: readonly ObservedPod[]): ObservedObjects {
  const objects = store ? kinds.flatMap((kind) => store.list({ kind }).items) : [];
  const stored = store ? (kinds.includes('Namespace') ? objects.filter((o) => o.kind === 'Namespace') : store.list({ kind: 'Namespace' }).items) : [];
  const names = new Set([DEFAULT_NAMESPACE, ...stored.map((o) => o.metadata.name)]);
  for (const p of pods) {
    const ns = p.labels[LABEL_NAMESPACE];
    if (ns !== undefined && ns !== '' && isManaged(p.labels)) names.add(ns);
  }
  return { objects, namespaces: [...names].sort() };
}

/** observeSources lists the stored ConfigMaps and Secrets (what pods may read from), for every namespace. */
export function observeSources(store: Pick<ObjectStore, 'list'> | undefined): StoredObject[] {
  if (!store) return [];
  return [...store.list({ kind: 'ConfigMap' }).items, ...store.list({ kind: 'Secret' }).items];
}
