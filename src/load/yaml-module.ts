/**
 * The yaml library, loaded at its first use, and what the careful path's files share about its
 * nodes. A source of plain documents takes the fast path (fast-yaml.ts) and never needs yaml, and
 * loading it costs ~25 ms of every apply's start-up, so the careful files import only its types
 * and reach its values through yaml().
 */

let yamlModule: typeof import('yaml') | undefined;

/** yaml is the yaml module, required at the first careful parse or careful locator. */
export function yaml(): typeof import('yaml') {
  return (yamlModule ??= require('yaml') as typeof import('yaml'));
}

/** keyName is the JSON key a scalar key becomes; merge keys (`<<`, a symbol) have none. */
export function keyName(value: unknown): string | undefined {
  return typeof value === 'symbol' ? undefined : String(value);
}
