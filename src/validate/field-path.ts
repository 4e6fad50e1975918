/**
 * Field paths as the API server prints them (apimachinery's field.Path): `spec.containers[1].ports[0]`
 * for fields and list indexes, and `resources.limits[cpu]` for the keys of a map (Path.Key), which
 * go in brackets unquoted, whatever they hold. Used in every message kubeplay prints about a manifest.
 */
import type { JsonPath } from '../domain/types';

/** MapKey marks a path part as the key of a map where the path cannot tell (field.Path.Key). */
export interface MapKey {
  readonly key: string;
}
/** mapKey makes a MapKey. */
export const mapKey = (key: string): MapKey => ({ key });

/** FieldPath is a path to print: a JsonPath whose parts may be marked as map keys. */
export type FieldPath = ReadonlyArray<string | number | MapKey>;

/**
 * MAP_FIELDS are the Pod fields whose values are maps (string keys chosen by the user): labels,
 * annotations, nodeSelector, overhead, a container's resources.limits and requests, a selector's
 * matchLabels, csi.volumeAttributes, flexVolume.options. A string after one of them is a key. A
 * field of the same name holding a list (dnsConfig.options) is followed by an index, not a string.
 */
const MAP_FIELDS = new Set(['labels', 'annotations', 'nodeSelector', 'overhead', 'limits', 'requests', 'matchLabels', 'volumeAttributes', 'options']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** formatFieldPath renders a path as field.Path.String does; a field name that is not an identifier is bracketed and quoted. */
export function formatFieldPath(path: FieldPath | JsonPath): string {
  let out = '';
  let previous: string | number | MapKey | undefined;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'object') out += `[${part.key}]`;
    else if (typeof previous === 'string' && MAP_FIELDS.has(previous) && out !== '') out += `[${part}]`;
    else if (IDENTIFIER.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
    previous = part;
  }
  return out;
}
