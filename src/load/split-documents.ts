/**
 * splitDocuments cuts a source's text into its YAML documents at `---` lines, by looking at the
 * text alone (no parser), for the fast path (fast-yaml.ts). It numbers documents as yaml does, and
 * gives up (undefined) on whatever the two parsers might cut differently, which then goes to the
 * careful path whole: `...` and `%` lines, lone CRs, inner byte order marks, too many documents.
 */
import type { LoadLimits } from './limits';

/** Segment is the text range of one document, `[start, end)`, and its index in the source. */
export interface Segment {
  start: number;
  end: number;
  index: number;
  /**
   * The document goes to the careful path without trying js-yaml: it has a line longer than
   * LONG_LINE (yaml limits implicit keys to 1024 characters, js-yaml does not), content after its
   * `---` (js-yaml accepts a block map there, yaml does not), or more characters than its tokens
   * may take (see MAX_TOKENS_PER_CHAR).
   */
  careful: boolean;
}

/** Lines longer than this send their document to the careful path (see Segment.careful). */
const LONG_LINE = 1000;

/**
 * A yaml lexer emits at most ~1.5 tokens per character (measured: `[a,a,a]`); 3 is the margin.
 * A document longer than maxDocumentTokens / 3 characters goes to the careful path, which counts.
 */
const MAX_TOKENS_PER_CHAR = 3;

/** Whole-source refusals: lone CR line breaks and inner byte order marks, which the two parsers treat differently. */
const UNSPLITTABLE = /\r(?!\n)|\uFEFF/;

/**
 * splitDocuments cuts a source at its `---` lines, numbering documents as yaml does (blank and
 * comment lines before the first `---` belong to that document); undefined when the source needs
 * the careful path as a whole (see UNSPLITTABLE, `...` and `%` lines, too many documents).
 */
export function splitDocuments(text: string, lim: LoadLimits): Segment[] | undefined {
  if (text.length === 0) return [];
  if ((text.includes('\r') || text.includes('\uFEFF')) && UNSPLITTABLE.test(text)) return undefined;
  const starts: number[] = [];
  const oddLines: number[] = []; // starts of long lines and of `---` lines with content
  for (let p = 0; p < text.length; ) {
    const nl = text.indexOf('\n', p);
    const next = nl === -1 ? text.length : nl + 1;
    const c = text.charCodeAt(p);
    if (c === 0x2d /* - */ && text.startsWith('---', p)) {
      const after = text.charCodeAt(p + 3);
      // After `---` yaml and js-yaml agree on a space or a line end; anything else (a tab, `---#`,
      // `----`) they read differently, so it is left to yaml.
      if (p + 3 === text.length || after === 0x20 || after === 0x0a || after === 0x0d) {
        starts.push(p);
        if (after === 0x20 && !/^ *(?:#|\r?\n|$)/.test(text.slice(p + 3, next))) oddLines.push(p);
      } else return undefined;
    } else if (c === 0x25 /* % */ || (c === 0x2e /* . */ && text.startsWith('...', p))) {
      return undefined; // directives and document-end markers: left to yaml
    }
    if (next - p > LONG_LINE) oddLines.push(p);
    p = next;
  }
  // The text before the first `---` is a document of its own only when it holds content.
  const first = starts[0] ?? text.length;
  if (first > 0) {
    if (!isPreamble(text, first)) starts.unshift(0);
    else if (starts.length === 0) return []; // only blanks and comments: no document at all
    else starts[0] = 0;
  }
  if (starts.length > lim.maxDocuments) return undefined;
  const maxChars = lim.maxDocumentTokens / MAX_TOKENS_PER_CHAR;
  let l = 0;
  return starts.map((start, index) => {
    const end = starts[index + 1] ?? text.length;
    let careful = end - start > maxChars;
    while (l < oddLines.length && oddLines[l]! < end) {
      careful = true;
      l++;
    }
    return { start, end, index, careful };
  });
}

/** isPreamble tells whether text[0, end) holds only blank and comment lines. */
function isPreamble(text: string, end: number): boolean {
  for (let p = 0; p < end; ) {
    let q = p;
    while (q < end && (text.charCodeAt(q) === 0x20 || text.charCodeAt(q) === 0x09)) q++;
    const c = text.charCodeAt(q);
    if (q < end && c !== 0x0a && c !== 0x0d && c !== 0x23 /* # */) return false;
    const nl = text.indexOf('\n', q);
    p = nl === -1 ? end : nl + 1;
  }
  return true;
}
