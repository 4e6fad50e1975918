/**
 * patching: the Patchers the handlers use, over src/serve/patch (strategic merge patch by the
 * kinds' patch metadata, RFC 7386 merge patch, RFC 6902 JSON patch).
 */
import type { Patchers } from './context';
import { applyJsonPatch, applyMergePatch } from './patch/json-patch';
import { applyStrategicMergePatch } from './patch/strategic-merge';
import type { JsonObject } from './patch/go-format';

/**
 * decoded is a patched object as the API server has it once decoded into its types: `null` fields
 * left out (a nil pointer, an omitted value) and no `$` directive keys left inside values a patch
 * added whole.
 */
export function decoded(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decoded);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === null || k.startsWith('$')) continue;
    out[k] = decoded(x);
  }
  return out;
}

function asObject(v: unknown): Record<string, unknown> {
  return decoded(v) as Record<string, unknown>;
}

/** PATCHERS are the patch appliers. */
export const PATCHERS: Patchers = {
  strategic: (current, patch, kind) => asObject(applyStrategicMergePatch(current as JsonObject, patch, kind)),
  merge: (current, patch) => asObject(applyMergePatch(current as JsonObject, patch)),
  json: (current, patch) => asObject(applyJsonPatch(current as JsonObject, patch)),
};
