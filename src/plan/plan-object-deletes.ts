/**
 * planObjectDeletes: the plan stage of delete for the kinds kept in the store only, other than
 * Namespaces (ConfigMaps, Secrets): one `delete` action (removeObject) per stored object asked for,
 * by name (a missing one is NotFound, in kubectl's words) or picked by a label selector or --all.
 * Pure: the stored objects are handed in.
 */
import { refWord, resourceText } from '../domain/kinds';
import { DEFAULT_NAMESPACE } from '../domain/kinds';
import { objectKeyOf, type StoredObject } from '../domain/objects';
import type { Action } from './plan';
import type { DeleteTarget } from './plan-deletes';
import { keyText, objectDeleteAction } from './plan-objects';

/** ObjectKind names a store-only kind as delete needs it: its store kind (`ConfigMap`), singular and plural. */
export interface ObjectKind {
  kind: string;
  singular: string;
  /** The API group ('' for core): output names a grouped kind `deployment.apps/web`. */
  group: string;
  plural: string;
  namespaced: boolean;
}

/** ObjectDeleteRequest is what delete asks for: named objects (each with its kind), or those of one kind a selector or --all picks. */
export type ObjectDeleteRequest =
  | { by: 'names'; targets: ReadonlyArray<DeleteTarget & { kind: ObjectKind }> }
  | { by: 'selector' | 'all'; kind: ObjectKind; namespace?: string; matches: (labels: Readonly<Record<string, string>>) => boolean };

/** planObjectDeletes plans the removals; `stored` are the objects of the kinds asked for (undefined: not looked at, a client dry run). */
export function planObjectDeletes(request: ObjectDeleteRequest, stored: readonly StoredObject[] | undefined): { actions: Action[]; notFound: DeleteTarget[] } {
  const actions: Action[] = [];
  const notFound: DeleteTarget[] = [];
  if (request.by === 'names') {
    const byKey = new Map((stored ?? []).map((o) => [keyText(objectKeyOf(o)), o]));
    const seen = new Set<string>();
    for (const t of request.targets) {
      const key = { kind: t.kind.kind, namespace: t.kind.namespaced ? (t.namespace ?? DEFAULT_NAMESPACE) : '', name: t.name };
      const k = keyText(key);
      if (seen.has(k)) continue;
      seen.add(k);
      if (stored !== undefined && !byKey.has(k)) notFound.push({ ...t, resource: resourceText(t.kind) });
      else actions.push(objectDeleteAction(`${refWord(t.kind)}/${t.name}`, key, stored === undefined ? 'not checked against the store (--dry-run=client)' : 'named'));
    }
    return { actions, notFound };
  }
  const picked = (stored ?? [])
    .filter((o) => o.kind === request.kind.kind && (request.namespace === undefined || (o.metadata.namespace ?? '') === request.namespace))
    .filter((o) => request.matches(o.metadata.labels ?? {}));
  for (const o of picked) actions.push(objectDeleteAction(`${refWord(request.kind)}/${o.metadata.name}`, objectKeyOf(o), request.by === 'all' ? '--all' : 'matches the selector'));
  return { actions, notFound };
}
