/**
 * parseDocuments turns the bytes of one source into located Kubernetes objects, and refuses hostile
 * input (binary, oversize, billion laughs, pathological nesting, duplicate keys) with located issues
 * instead of exceptions. Pure: no fs, no clock, no globals. It strings the loader's parts together:
 *
 *   decode (decode.ts)          bytes → text: size, UTF-16, NUL and UTF-8 checks, BOM dropped
 *   parse, fast (fast-yaml.ts)  text → values of plain documents, by js-yaml, or "take the careful path"
 *   parse, careful              text → documents by yaml, the authority for every issue and position
 *     (parse-careful.ts, with check-document.ts for duplicate keys and aliases)
 *   locate (locate.ts)          a document's paths → line and column, on demand
 *   unroll (unroll.ts)          a value → LoadedDocuments (`kind: List` flattened, non-objects refused)
 *
 * The careful way costs about 0.5 ms per pod, so the fast path goes first: js-yaml builds the values
 * of the documents it is sure of, and yaml parses only the documents (or sources) it is not, so
 * every issue, warning and position still comes from the careful way.
 */
import type { Issue, LoadedDocument } from '../domain/types';
import { decodeSource, type ParseInput } from './decode';
import { readFast, type FastDocument } from './fast-yaml';
import { IssueSink } from './issue-sink';
import { DEFAULT_LIMITS, type LoadLimits } from './limits';
import { fastLocator } from './locate';
import { parseRange } from './parse-careful';
import { indexLines, sourceText } from './source-text';
import { isPlainObject, unroll } from './unroll';

/** ParseResult is what one source yields: its objects, and every problem found in it. */
export interface ParseResult {
  documents: LoadedDocument[];
  issues: Issue[];
}

/** parseDocuments decodes, parses and unrolls one source; it never throws for bad content. */
export function parseDocuments(src: ParseInput, limits?: Partial<LoadLimits>): ParseResult {
  return decodeAndParse(src, limits, parseText);
}

/**
 * parseDocumentsCarefully is parseDocuments without the js-yaml fast path: yaml parses everything.
 * It is the reference the fast path is tested against, and must give exactly the same result.
 */
export function parseDocumentsCarefully(src: ParseInput, limits?: Partial<LoadLimits>): ParseResult {
  return decodeAndParse(src, limits, parseCarefully);
}

function decodeAndParse(
  src: ParseInput,
  limits: Partial<LoadLimits> | undefined,
  parse: (file: string, text: string, lim: LoadLimits) => ParseResult,
): ParseResult {
  const lim: LoadLimits = { ...DEFAULT_LIMITS, ...limits };
  const decoded = decodeSource(src, lim.maxBytes);
  if (decoded.issue) return { documents: [], issues: [decoded.issue] };
  return parse(src.name, decoded.text, lim);
}

function parseText(file: string, text: string, lim: LoadLimits): ParseResult {
  return parseFast(file, text, lim) ?? parseCarefully(file, text, lim);
}

/**
 * parseFast takes the documents the fast path read and parses carefully only the ones it leaves
 * to yaml; undefined when the whole source must go the careful way, which is decided before any
 * issue is reported, so every message and position is the careful path's.
 */
function parseFast(file: string, text: string, lim: LoadLimits): ParseResult | undefined {
  const fast = readFast(text, lim);
  if (!fast) return undefined;
  const src = sourceText(file, text);
  indexLines(src);
  const sink = new IssueSink(src);
  const documents: LoadedDocument[] = [];
  const read: Array<FastDocument | undefined> = fast.documents;
  for (let i = 0; i < read.length; i++) {
    const doc = read[i]!;
    read[i] = undefined; // the value now lives in its LoadedDocument only
    const segment = doc.segment;
    if (doc.kind === 'value') {
      const value = doc.value;
      if (value === null || value === undefined) continue; // an empty document, skipped as yaml's are
      if (isPlainObject(value)) {
        unroll(src, value, [], segment.index, (basePath) => fastLocator(src, fast, segment, basePath), segment.start, sink, documents);
        continue;
      }
    }
    // A document yaml must see. It has to come out as one whole document without errors: after an
    // error yaml's own line count can differ from ours (it misses line breaks inside some broken
    // tokens), so a source with any error is parsed whole, the careful way, for yaml's positions.
    const errorsBefore = sink.errorCount;
    const outcome = parseRange(src, segment.start, segment.end, segment.index, lim, sink, documents);
    if (outcome.stopped || outcome.composed !== 1 || sink.errorCount > errorsBefore) return undefined;
  }
  return { documents, issues: sink.finish() };
}

/** parseCarefully runs yaml's Lexer → Parser → Composer over the whole source. */
function parseCarefully(file: string, text: string, lim: LoadLimits): ParseResult {
  const src = sourceText(file, text);
  const sink = new IssueSink(src);
  const documents: LoadedDocument[] = [];
  // yaml's Parser fills the line index as it reads (Parser.parse() would add line 1 itself, but we
  // drive Parser.next() ourselves, and sourceText has added it).
  parseRange(src, 0, text.length, 0, lim, sink, documents, src.lines.addNewLine);
  return { documents, issues: sink.finish() };
}
