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

/** renderValue prints a bad value as the API server does: strings quoted (%q), numbers and booleans bare. */
export function renderValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? textOf(v);
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
