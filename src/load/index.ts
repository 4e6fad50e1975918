/**
 * The loader, first stage of the pipeline: `-f` arguments → LoadedDocument[] plus every Issue
 * found in every source. Only a bad path throws (UsageError); bad content becomes issues.
 */
import type { Issue, LoadedDocument } from '../domain/types';
import { DEFAULT_LIMITS, type LoadLimits } from './limits';
import { parseDocuments } from './parse-documents';
import { readSources } from './read-sources';

export type { ParseInput } from './decode';
export { formatPath } from './issue-sink';
export { DEFAULT_LIMITS } from './limits';
export type { LoadLimits } from './limits';
export { parseDocuments } from './parse-documents';
export type { ParseResult } from './parse-documents';
export { MANIFEST_EXTENSIONS, readSources, readStream } from './read-sources';
export type { ReadSourcesOptions, Source } from './read-sources';

/** LoadOptions are the loader's inputs besides the paths: `-R`, stdin, and optional tighter limits. */
export interface LoadOptions {
  recursive: boolean;
  /** Reads stdin for `-f -`; given maxBytes it may stop after maxBytes + 1 bytes (see readStream). */
  readStdin: (maxBytes: number) => Promise<Buffer>;
  limits?: Partial<LoadLimits>;
}

/** LoadResult is every object loaded and every problem found, across all sources, in input order. */
export interface LoadResult {
  documents: LoadedDocument[];
  issues: Issue[];
}

/** loadManifests reads all sources, then parses each; it throws only UsageError, for bad paths. */
export async function loadManifests(paths: readonly string[], opts: LoadOptions): Promise<LoadResult> {
  const limits: LoadLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  // All paths are checked before any parsing, so a typo in the last -f fails fast.
  const sources = await readSources(paths, { recursive: opts.recursive, readStdin: opts.readStdin, maxBytes: limits.maxBytes });
  const documents: LoadedDocument[] = [];
  const issues: Issue[] = [];
  for (let i = 0; i < sources.length; i++) {
    const result = parseDocuments(sources[i]!, limits);
    // Let the raw bytes go as soon as they are decoded: locators keep only the text.
    sources[i] = { name: '', bytes: Buffer.alloc(0) };
    for (const d of result.documents) documents.push(d);
    for (const issue of result.issues) issues.push(issue);
  }
  return { documents, issues };
}
