/**
 * runGetStored: `kubeplay get` for the kinds kept in the object store only (`get ns`): the stored
 * objects of the kind, the ones that exist without being applied (`default`), filtered by name and
 * label selector. Reads the store (the observe stage's look at it); prints nothing, changes nothing.
 */
import type { StoredObject } from '../domain/objects';
import { groupKindText } from '../domain/kinds';
import { matchesSelector, parseSelector } from '../domain/selector';
import { UsageError } from '../domain/errors';
import { byText } from '../domain/order';
import type { KindModule } from '../kinds/kind';
import type { ObjectStore } from '../store/object-store';
import type { GetOptions } from './get';
import { withStore } from './record-state';

/** GetStoredResult: the objects in output order, and the names asked for that do not exist. */
export interface GetStoredResult {
  objects: StoredObject[];
  notFound: string[];
  single: boolean;
}

/** listStored lists a store-only kind's objects (built-in ones included), sorted by namespace and name. */
export function listStored(store: Pick<ObjectStore, 'list'>, kind: KindModule, namespace: string | undefined, now: Date): StoredObject[] {
  const stored = store.list({ kind: groupKindText(kind.info), ...(kind.info.namespaced && namespace !== undefined ? { namespace } : {}) }).items;
  const have = new Set(stored.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`));
  const builtIn = (kind.builtIn?.(now) ?? []).filter((o) => !have.has(`${o.metadata.namespace ?? ''}/${o.metadata.name}`));
  return [...stored, ...builtIn].sort((a, b) => byText(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || byText(a.metadata.name, b.metadata.name));
}

/** runGetStored runs get for a store-only kind; see the module comment. */
export function runGetStored(o: GetOptions, kind: KindModule, deps: { store: () => ObjectStore; now: () => Date }): GetStoredResult {
  if (o.files.length > 0) throw new UsageError(`-f works with pods only for now: use kubeplay get ${kind.info.plural} NAME`);
  if (o.fieldSelector !== undefined) throw new UsageError(`--field-selector works with pods only for now: use -l to select ${kind.info.plural}`);
  const selector = o.selector !== undefined ? parseSelector(o.selector) : undefined;
  const all = withStore(deps.store, (s) => listStored(s, kind, o.allNamespaces ? undefined : o.namespace, deps.now()));
  if (o.names.length > 0) {
    const byName = new Map(all.map((x) => [x.metadata.name, x]));
    const names = [...new Set(o.names)];
    return {
      objects: names.map((n) => byName.get(n)).filter((x): x is StoredObject => x !== undefined),
      notFound: names.filter((n) => !byName.has(n)),
      single: o.names.length === 1,
    };
  }
  return { objects: selector ? all.filter((x) => matchesSelector(selector, x.metadata.labels ?? {})) : all, notFound: [], single: false };
}
