/**
 * patching: the Patchers the handlers use, over src/serve/patch (strategic merge patch by the
 * kinds' patch metadata, RFC 7386 merge patch, RFC 6902 JSON patch).
 */
import type { Patchers } from './context';
import { applyJsonPatch, applyMergePatch } from './patch/json-patch';
import { applyStrategicMergePatch } from './patch/strategic-merge';
import type { JsonObject } from './patch/go-format';

function asObject(v: unknown): Record<string, unknown> {
  return v as Record<string, unknown>;
}

/** PATCHERS are the patch appliers. */
export const PATCHERS: Patchers = {
  strategic: (current, patch, kind) => applyStrategicMergePatch(current as JsonObject, patch, kind),
  merge: (current, patch) => asObject(applyMergePatch(current as JsonObject, patch)),
  json: (current, patch) => asObject(applyJsonPatch(current as JsonObject, patch)),
};
