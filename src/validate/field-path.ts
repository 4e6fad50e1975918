/**
 * Field paths in kubectl's notation (`spec.containers[1].ports[0].containerPort`), used in every
 * message kubeplay prints about a manifest.
 */
import type { JsonPath } from '../domain/types';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** formatFieldPath renders a path as kubectl does; keys that are not identifiers are bracketed. */
export function formatFieldPath(path: JsonPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (IDENTIFIER.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}
