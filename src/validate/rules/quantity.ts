/**
 * Kubernetes resource quantities (apimachinery resource.Quantity), as far as validation needs them:
 * the value, for comparisons and signs, and the canonical text the API server prints in messages
 * (`0.5` prints as `500m`, `1024Mi` as `1Gi`).
 */

/** Quantity is a parsed quantity: its value and the notation it was written in. */
export interface Quantity {
  /** The value as a float (exact enough for comparisons of real manifests). */
  value: number;
  format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent';
}

const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE])|[eE]([+-]?[0-9]+))?$/;
const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** parseQuantity reads a quantity from a string or a number; undefined when it is not one. */
export function parseQuantity(v: unknown): Quantity | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? { value: v, format: 'DecimalSI' } : undefined;
  if (typeof v !== 'string') return undefined;
  const m = QUANTITY.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return { value: n * 1024 ** BINARY[m[2]]!, format: 'BinarySI' };
  if (m[4] !== undefined) return { value: n * 10 ** Number(m[4]), format: 'DecimalExponent' };
  return { value: n * 10 ** DECIMAL[m[3] ?? '']!, format: 'DecimalSI' };
}

/** formatQuantity prints a quantity as Quantity.String() does (rounded up to milli-units). */
export function formatQuantity(q: Quantity): string {
  const sign = q.value < 0 ? '-' : '';
  const abs = Math.abs(q.value);
  if (abs === 0) return '0';
  if (q.format === 'BinarySI' && Number.isInteger(abs)) {
    for (let e = 6; e >= 1; e--) {
      const unit = 1024 ** e;
      if (abs >= unit && abs % unit === 0) return `${sign}${abs / unit}${Object.keys(BINARY)[e - 1]!}`;
    }
    if (abs < 1024) return `${sign}${abs}`;
  }
  // DecimalSI (and BinarySI values that are not whole units): the largest exponent of 1000 that
  // keeps an integer mantissa, counting in milli-units.
  const milli = Math.ceil(Math.round(abs * 1e6) / 1e3);
  if (milli % 1000 !== 0) return `${sign}${milli}m`;
  let n = milli / 1000;
  const suffixes = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  let i = 0;
  while (i < suffixes.length - 1 && n >= 1000 && n % 1000 === 0) {
    n /= 1000;
    i++;
  }
  if (q.format === 'DecimalExponent') return `${sign}${n}${i === 0 ? '' : `e${i * 3}`}`;
  return `${sign}${n}${suffixes[i]!}`;
}
