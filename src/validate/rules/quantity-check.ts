/** quantityProblem says what is wrong with a Kubernetes resource quantity, or undefined when valid. */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** quantityProblem checks the syntax of a quantity such as `500m`, `128Mi` or `1e3`. */
export function quantityProblem(v: unknown): string | undefined {
  if (typeof v === 'number') return v >= 0 ? undefined : `quantity ${v} must be non-negative`;
  if (typeof v !== 'string' || !QUANTITY.test(v))
    return `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$', got ${JSON.stringify(v)}`;
  if (v.startsWith('-')) return `quantity ${v} must be non-negative`;
  return undefined;
}
