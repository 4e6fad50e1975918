/**
 * patching: the Patchers the handlers use (TEMPORARY: JSON merge patch for every type until
 * src/serve/patch lands).
 */
import type { Patchers } from './context';

function merge(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

/** PATCHERS are the patch appliers. */
export const PATCHERS: Patchers = {
  strategic: (current, patch) => merge(current, patch) as Record<string, unknown>,
  merge: (current, patch) => merge(current, patch) as Record<string, unknown>,
  json: () => {
    throw new Error('json patch is not supported yet');
  },
};
