/**
 * What one source may cost to load: the limits every stage of the loader checks (decode the size,
 * the fast and careful parsers the documents, tokens, nesting and aliases), and their defaults.
 */

/** LoadLimits bounds what one source may cost to load. */
export interface LoadLimits {
  /** Largest source accepted, in bytes. */
  maxBytes: number;
  /** Most YAML documents accepted in one source (empty ones count). */
  maxDocuments: number;
  /** Deepest nesting of maps and lists accepted (the top-level map is depth 1). */
  maxDepth: number;
  /** yaml's alias budget: uses of an anchor times the aliases inside it (billion-laughs guard). */
  maxAliasCount: number;
  /**
   * Most YAML tokens (lexemes) in one document. yaml holds a whole document's syntax tree at once,
   * at 300 to 650 bytes per token, so this bounds memory: 16 MiB of `-` lines is 8 million tokens
   * and took 4 GB before it. A pod is about 300 tokens, so a `kind: List` may still hold ~1,500.
   */
  maxDocumentTokens: number;
}

/** DEFAULT_LIMITS are generous for real manifests and small enough to refuse attacks quickly. */
export const DEFAULT_LIMITS: Readonly<LoadLimits> = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxDocuments: 100_000,
  maxDepth: 64,
  maxAliasCount: 100,
  maxDocumentTokens: 500_000,
});
