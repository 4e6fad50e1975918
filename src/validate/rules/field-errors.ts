/**
 * The API server's error bodies (apimachinery pkg/util/validation/field, errors.go ErrorBody), so a
 * rule ported from kubernetes/pkg/apis/core/validation says what `kubectl apply` would print after
 * the field path: `Invalid value: "x": must be ...`, `Required value`, `Unsupported value: "x":
 * supported values: "a", "b"`, `Forbidden: ...`, `Duplicate value: "x"`, `Too long: ...`.
 *
 * Rules that are kubeplay's own, not the API server's, end their message with KUBEPLAY_RULE.
 */
import { textOf } from '../../domain/text';
import type { JsonPath } from '../../domain/types';
import type { Finding } from './rule';

/**
 * GoStringer is a bad value the API server holds as a type with a String() method (a resource name,
 * a resource.Quantity): field.Error prints it through that method, so unquoted (`Invalid value: foo`).
 */
export interface GoStringer {
  readonly goString: string;
}
/** goStringer wraps the text a Stringer value prints. */
export const goStringer = (text: string): GoStringer => ({ goString: text });

/**
 * renderValue prints a bad value as field.Error's ErrorBody does: nil as `null`, strings quoted as
 * Go's %q (strconv.Quote), numbers and booleans bare (%v), Stringers through String(), a list of
 * strings as Go's %#v writes a []string. Other objects (Go structs, whose %#v holds pointer addresses
 * no two API server calls share) are printed as JSON.
 */
export function renderValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'object' && 'goString' in v && typeof v.goString === 'string') return v.goString;
  if (Array.isArray(v) && v.every((e) => typeof e === 'string')) return `[]string{${v.map((e: string) => goQuote(e)).join(', ')}}`;
  return JSON.stringify(v) ?? textOf(v);
}

const GO_ESCAPES: Readonly<Record<number, string>> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const hex = (c: number, width: number): string => c.toString(16).padStart(width, '0');

/** goQuote is Go's strconv.Quote (what %q prints): control and non-printable characters escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c < 0x80) out += GO_ESCAPES[c] ?? `\\x${hex(c, 2)}`;
    else if (GO_PRINTABLE.test(ch)) out += ch;
    else out += c > 0xffff ? `\\U${hex(c, 8)}` : `\\u${hex(c, 4)}`;
  }
  return `${out}"`;
}

/** goNumber is %v of a Go number: whole numbers plain, others in strconv's shortest 'g' form. */
function goNumber(n: number): string {
  if (Object.is(n, -0)) return '0';
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  const abs = Math.abs(n);
  if (Number.isInteger(n) || (abs >= 1e-4 && abs < 1e21)) return String(n);
  // Go switches to an exponent below 1e-4 (JavaScript below 1e-6) and writes it with two digits at least.
  return n.toExponential().replace(/e([+-])(\d)$/, (_m, sign: string, d: string) => `e${sign}0${d}`);
}

/** invalid is field.Invalid: `Invalid value: VALUE: detail`. */
export function invalid(path: JsonPath, value: unknown, detail: string): Finding {
  return { path, message: `Invalid value: ${renderValue(value)}${detail ? `: ${detail}` : ''}` };
}

/** required is field.Required: `Required value` with an optional detail. */
export function required(path: JsonPath, detail = ''): Finding {
  return { path, message: `Required value${detail ? `: ${detail}` : ''}` };
}

/** notSupported is field.NotSupported: `Unsupported value: "x": supported values: "a", "b"`. */
export function notSupported(path: JsonPath, value: unknown, supported: readonly string[]): Finding {
  return { path, message: `Unsupported value: ${renderValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` };
}

/** forbidden is field.Forbidden: `Forbidden: detail`. */
export function forbidden(path: JsonPath, detail: string): Finding {
  return { path, message: `Forbidden: ${detail}` };
}

/** duplicate is field.Duplicate: `Duplicate value: VALUE`. */
export function duplicate(path: JsonPath, value: unknown): Finding {
  return { path, message: `Duplicate value: ${renderValue(value)}` };
}

/** notFound is field.NotFound: `Not found: VALUE`. */
export function notFound(path: JsonPath, value: unknown): Finding {
  return { path, message: `Not found: ${renderValue(value)}` };
}

/** tooMany is field.TooMany: `Too many: N: must have at most M items`. */
export function tooMany(path: JsonPath, actual: number, max: number): Finding {
  return { path, message: `Too many: ${actual}: must have at most ${max} items` };
}

/** tooLong is field.TooLong: `Too long: may not be more than N bytes`. */
export function tooLong(path: JsonPath, max: number): Finding {
  return { path, message: `Too long: may not be more than ${max} bytes` };
}

/** KUBEPLAY_RULE marks a message as kubeplay's own rule: a cluster would accept the input. */
export const KUBEPLAY_RULE = "(kubeplay's rule, not the API server's)";

/** kubeplayOnly appends the marker and the reason to a kubeplay-only message. */
export function kubeplayOnly(path: JsonPath, message: string): Finding {
  return { path, message: `${message} ${KUBEPLAY_RULE}` };
}
