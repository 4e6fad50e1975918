/**
 * textOf renders any value for a message: a string as it is, other scalars with String, anything
 * else as JSON. It never throws (String() of an object without a prototype does: the fuzz found one).
 */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return Object.prototype.toString.call(v);
  }
}
