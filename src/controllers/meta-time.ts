/** metav1.Time as the API server writes it: RFC 3339 to the second, UTC (`2024-05-01T10:00:00Z`). Pure. */

/** metaTime renders a Date as metav1.Time's JSON form. */
export function metaTime(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** timeOf reads a metav1.Time given as a Date or a string; undefined when absent or unreadable. */
export function timeOf(v: Date | string | undefined | null): Date | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * withoutVersion is an object to write without its resourceVersion. The reconcile loop runs every
 * controller of a round on one snapshot and carries all their writes out together, so a
 * ReplicaSet the Deployment controller scales and whose status the ReplicaSet controller writes in
 * the same round would otherwise fail the store's optimistic check; each field has one writer
 * (spec and annotations the Deployment controller, status the ReplicaSet's), as upstream's
 * retry-on-conflict comes to.
 */
export function withoutVersion<T extends { metadata: { resourceVersion?: string } }>(o: T): T {
  const { resourceVersion: _rv, ...metadata } = o.metadata;
  return { ...o, metadata };
}
