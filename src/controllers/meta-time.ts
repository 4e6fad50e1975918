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
