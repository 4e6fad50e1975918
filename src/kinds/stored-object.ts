/**
 * Helpers the store-only kinds share: the metadata the API server stores on create for a manifest
 * applied with kubectl (the namespace set, the last-applied annotation holding the manifest as
 * written), and the API server's Invalid status message for a refused update.
 */
import { annotationsWithLastApplied, withoutAnnotations } from '../domain/last-applied';
import type { ObjectMeta } from '../domain/objects';
import type { ValidManifest } from '../domain/types';

/** appliedMetadata is a namespaced manifest's metadata as stored: its namespace set, the last-applied annotation added. */
export function appliedMetadata(m: ValidManifest): ObjectMeta {
  const meta = (m.object['metadata'] ?? {}) as Record<string, unknown>;
  const annotations = (meta['annotations'] as Record<string, string> | undefined) ?? {};
  return { ...withoutAnnotations(meta), name: m.ref.name, namespace: m.ref.namespace, ...annotationsWithLastApplied(annotations, m, m.object) };
}

/** nonEmptyMap is a map field as the API server stores it: an empty or null map is left out (omitempty). */
export function nonEmptyMap(v: unknown): Record<string, string> | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  return Object.keys(v).length > 0 ? (v as Record<string, string>) : undefined;
}

/**
 * invalidMessage is the message of the API server's Invalid status (NewInvalid): `Kind "name" is
 * invalid: ` and the errors, one as it is, several in brackets joined by ", " (an aggregate).
 */
export function invalidMessage(kind: string, name: string, errors: readonly string[]): string[] {
  if (errors.length === 0) return [];
  return [`${kind} "${name}" is invalid: ${errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`}`];
}

/** IMMUTABLE_FIELD is field.Forbidden's body for a field of an immutable ConfigMap or Secret. */
export const IMMUTABLE_FIELD = 'Forbidden: field is immutable when `immutable` is set';
