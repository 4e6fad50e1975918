/**
 * Kubernetes resource quantities (`128Mi`, `0.5`, `250m`, `1e3`) as plain numbers.
 *
 * The grammar is apimachinery's resource.Quantity: an optionally signed decimal number followed by
 * at most one suffix, either binary (Ki Mi Gi Ti Pi Ei), decimal (n u m "" k M G T P E) or a
 * decimal exponent (e3, E-2). `1E` is 10^18 (the exa suffix), while `1E3` is an exponent.
 */

/** Decimal suffixes and their power of ten. */
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** Binary suffixes and their power of 1024. */
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE])|[eE]([+-]?\d+))?$/;

// Past 10^330 no double is finite; refusing early also keeps BigInt from building huge numbers.
const MAX_DECIMAL_EXPONENT = 330;

/**
 * parseQuantity returns the value of a Kubernetes quantity (`128Mi` → 134217728, `250m` → 0.25).
 * Numbers are taken as they are, since YAML turns `cpu: 2` into a number. Throws on anything that
 * is not a quantity.
 */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw new Error(notAQuantity(String(q)));
    return q;
  }
  const m = QUANTITY.exec(q);
  if (!m) throw new Error(notAQuantity(q));
  const [, sign = '', number = '', binary, decimal, exponent] = m;

  // Work on the digits as an integer and a power of ten, so that `1.1G` is exactly 1100000000
  // rather than the 1100000000.0000002 that floating-point multiplication gives.
  const [intPart = '', fracPart = ''] = number.split('.');
  const digits = BigInt((intPart + fracPart).replace(/^0+(?=\d)/, '') || '0');
  let pow10 = -fracPart.length;
  if (decimal !== undefined) pow10 += DECIMAL_SUFFIXES[decimal] ?? 0;
  if (exponent !== undefined) pow10 += Number(exponent);
  const pow1024 = binary !== undefined ? (BINARY_SUFFIXES[binary] ?? 0) : 0;

  if (digits === 0n) return 0;
  if (pow10 > MAX_DECIMAL_EXPONENT) throw new Error(tooLarge(q));
  const scaled = digits * 1024n ** BigInt(pow1024);
  const value = pow10 >= 0 ? Number(scaled * 10n ** BigInt(pow10)) : Number(scaled) / 10 ** -pow10;
  if (!Number.isFinite(value)) throw new Error(tooLarge(q));
  return sign === '-' ? -value : value;
}

function notAQuantity(q: string): string {
  return (
    `"${q}" is not a Kubernetes quantity: a quantity is a number with an optional suffix ` +
    `(Ki Mi Gi Ti Pi Ei, m k M G T P E, or an exponent such as e3). Write it like 128Mi, 0.5 or 250m.`
  );
}

function tooLarge(q: string): string {
  return `quantity "${q}" is too large to represent as a number; Kubernetes caps quantities near 9.2E (2^63). Use a smaller value.`;
}
