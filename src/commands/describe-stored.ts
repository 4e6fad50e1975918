/**
 * describeStored: `kubeplay describe` for the kinds kept in the object store only (`describe ns
 * NAME`): the objects named (or all, or those a selector picks), each in the kind's describe
 * layout. Reads the store; changes nothing.
 */
import { UsageError } from '../domain/errors';
import { matchesSelector, parseSelector } from '../domain/selector';
import type { KindModule } from '../kinds/kind';
import type { ObjectStore } from '../store/object-store';
import type { DescribeOptions } from './describe';
import { listStored } from './get-stored';
import { withStore } from './record-state';

/** describeStored renders the objects asked for; see the module comment. */
export function describeStored(o: DescribeOptions, kind: KindModule, deps: { store: () => ObjectStore; now: () => Date }): { text: string; notFound: string[] } {
  if (o.files.length > 0) throw new UsageError(`-f works with pods only for now: use kubeplay describe ${kind.info.singular} NAME`);
  const describe = kind.describe;
  if (!describe) throw new UsageError(`kubeplay cannot describe ${kind.info.plural} yet: use kubeplay get ${kind.info.plural} -o yaml`);
  const selector = o.selector !== undefined ? parseSelector(o.selector) : undefined;
  const names = [...new Set(o.names)];
  const now = deps.now();
  return withStore(deps.store, (s) => {
    const all = listStored(s, kind, o.allNamespaces ? undefined : o.namespace, now);
    const byName = new Map(all.map((x) => [x.metadata.name, x]));
    const picked = names.length > 0 ? names.flatMap((n) => byName.get(n) ?? []) : all.filter((x) => !selector || matchesSelector(selector, x.metadata.labels ?? {}));
    const related = { now, list: (k: string, namespace?: string) => s.list({ kind: k, ...(namespace !== undefined ? { namespace } : {}) }).items };
    // Objects separated by a blank line, as kubectl prints several.
    return { text: picked.map((x) => describe(x, related)).join('\n'), notFound: names.filter((n) => !byName.has(n)) };
  });
}
