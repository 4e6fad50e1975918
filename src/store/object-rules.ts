/**
 * The API server's rules for an object's identity and metadata, as pure functions: its key, its
 * resource name in messages, when generation goes up, the timestamp format, and the no-op test.
 */
import type { KubeObject } from './object-store';
import { canonicalJson } from '../domain/canonical-json';
import { groupKindOf, objectKeyOf } from '../domain/objects';

export { groupKindOf, objectKeyOf as keyOf };

/**
 * resourceOf is the resource name the API server's messages use (`pods`, `deployments.apps`),
 * guessed from the kind as apimachinery's UnsafeGuessKindToResource does: lower case, then
 * `s`, or `es` after an s, or `ies` for a final y.
 */
export function resourceOf(groupKind: string): string {
  const dot = groupKind.indexOf('.');
  const kind = (dot < 0 ? groupKind : groupKind.slice(0, dot)).toLowerCase();
  const group = dot < 0 ? '' : groupKind.slice(dot);
  const plural = kind.endsWith('s') ? `${kind}es` : kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`;
  return plural + group;
}

/** rfc3339 formats a time as the API server does (metav1.Time): UTC, to the second. */
export function rfc3339(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export { canonicalJson };

/**
 * generationChanged tells whether an update changes what generation counts: everything but
 * metadata and status (spec for most kinds; data for a ConfigMap), the API server's rule for
 * custom resources and, field by field, for the built-in kinds with a spec.
 */
export function generationChanged(before: KubeObject, after: KubeObject): boolean {
  const { metadata: _m1, status: _s1, ...a } = before;
  const { metadata: _m2, status: _s2, ...b } = after;
  return canonicalJson(a) !== canonicalJson(b);
}

/** sameApartFromVersion tells whether two objects differ in nothing but resourceVersion: an update that is a no-op. */
export function sameApartFromVersion(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, resourceVersion: '' } });
  return canonicalJson(strip(a)) === canonicalJson(strip(b));
}
