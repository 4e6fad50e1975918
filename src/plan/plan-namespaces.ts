/**
 * namespaceConflicts: an object in a namespace that does not exist is refused before any change,
 * as the API server refuses it (`namespaces "shop" not found`), unless the same input makes the
 * namespace (it is applied first). Pure.
 */
import type { ResourceRef } from '../domain/types';
import type { Conflict } from './plan';

/** namespaceConflicts lists a conflict per object whose namespace neither exists nor is in the input. */
export function namespaceConflicts(refs: readonly ResourceRef[], existing: readonly string[], inInput: readonly string[]): Conflict[] {
  const known = new Set([...existing, ...inInput]);
  return refs
    .filter((r) => r.namespace !== '' && !known.has(r.namespace))
    .map((r) => ({
      ref: `${r.kind.toLowerCase()}/${r.name}`,
      message: `namespaces "${r.namespace}" not found: create the namespace first (apply a Namespace named ${r.namespace}, in this input or before it)`,
    }));
}
