/**
 * The loader's fast path: js-yaml builds the values of plain documents about ten times faster than
 * yaml's Lexer → Parser → Composer, which stays the authority for everything else (errors, warnings,
 * positions, hostile input). This module decides, cheaply and conservatively, what js-yaml may
 * handle, and never reports a problem itself: any doubt sends the document, or the whole source, to
 * the careful path in parse-documents.ts.
 *
 * A source takes the fast path when it splits cleanly into documents at `---` lines (no `...`,
 * directives, lone CRs or inner byte order marks, no more documents than allowed). Then each
 * document is one of:
 *   - 'value': js-yaml read it, and nothing in it is outside the subset both parsers agree on;
 *   - 'careful': js-yaml read it but it uses something only yaml handles as kubeplay wants
 *     (anchors and aliases, merge keys, explicit or collection or null keys, tabs, long lines, a
 *     flow end at the start of a line, which yaml warns about): parse that document carefully;
 *   - 'error': js-yaml refused it (a syntax error, a duplicate key, an unknown tag, too deep):
 *     parse the whole source carefully, so every message and position is yaml's.
 *
 * Scalars resolve by kubectl's YAML 1.1 rules (domain/yaml-scalars.ts), as the careful path's do, not by
 * js-yaml's own schema.
 */
import { load, Schema, Type, type LoadOptions, type State } from 'js-yaml';
import type { LoadLimits } from './parse-documents';
import { cachedResolve } from '../domain/yaml-scalars';

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

/** FastResult is what the fast path made of one document; see the module comment. */
export type FastResult = { kind: 'value'; value: unknown } | { kind: 'careful' } | { kind: 'error' };

/** Lines longer than this send their document to the careful path (see Segment.careful). */
const LONG_LINE = 1000;

/**
 * A yaml lexer emits at most ~1.5 tokens per character (measured: `[a,a,a]`); 3 is the margin.
 * A document longer than maxDocumentTokens / 3 characters goes to the careful path, which counts.
 */
const MAX_TOKENS_PER_CHAR = 3;

// ------------------------------------------------------------------------------------------------
// Scalars: kubectl's YAML 1.1 rules (domain/yaml-scalars.ts), the same as the careful path's
// ------------------------------------------------------------------------------------------------

/**
 * The tag contains spaces, which no YAML tag may: an explicit tag in the input can never select
 * this type, so any explicit tag other than `!` is unknown to js-yaml and goes careful.
 */
const KUBECTL_SCALAR = new Type('kubeplay kubectl scalar', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && cachedResolve(data).kind !== 'str',
  construct: (data: string) => cachedResolve(data).value,
});

/** KUBECTL_SCHEMA resolves plain scalars as kubectl does (see domain/yaml-scalars.ts); all else is a string. */
export const KUBECTL_SCHEMA = new Schema({ implicit: [KUBECTL_SCALAR] });

// ------------------------------------------------------------------------------------------------
// Splitting a source into documents
// ------------------------------------------------------------------------------------------------

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

// ------------------------------------------------------------------------------------------------
// One document
// ------------------------------------------------------------------------------------------------

/**
 * CAREFUL_SYNTAX finds what js-yaml reads differently from yaml, or what yaml reports and js-yaml
 * does not. A match only costs speed (the document is parsed carefully), so it errs wide:
 *   `<<`                      merge keys (yaml merges them, kubectl too; js-yaml's core schema does not)
 *   tab                       yaml's tab rules are stricter than js-yaml's
 *   `"#` `'#` `]#` `}#`       a comment not separated by a space: yaml refuses it, js-yaml does not
 *   `]` or `}` opening a line  yaml warns when a flow collection ends at its parent's indentation
 *   `]:` `}:`, `:` opening a line   a flow collection used as a key (yaml refuses it, js-yaml stringifies it)
 *   `?` and `~:` `null:` `:` after a blank or a flow indicator, before a blank, a flow
 *                             indicator or a quote: explicit and null keys (`{:}`, `[: x]`;
 *                             yaml turns a null key into "", js-yaml into "null")
 *   `!` alone                 the non-specific tag: on an empty node yaml makes "", js-yaml null
 *   `-` ending a line         an empty list item: js-yaml then takes a less indented `- x` line
 *                             into the same list, where yaml reports an error
 */
// Every alternative starts with a character class (a line start is written as the line break
// before it; the text is tested with one prepended), which V8 scans about twice as fast as `^`.
const CAREFUL_SYNTAX =
  /[ ,[{\n\u2028\u2029](?:\?|(?:~|[Nn]ull|NULL)?:|!)(?=[ \r\n,[\]{}"']|$)|[\n\u2028\u2029] *[\]}:]|["'\]}]#|[\]}] *:|[\n\u2028\u2029 ]- *(?:#.*)?\r?$|<<|\t/m;

/** fastDocument reads one document with js-yaml, or says why it cannot (see FastResult). */
export function fastDocument(text: string, segment: Segment, lim: LoadLimits): FastResult {
  if (segment.careful) return { kind: 'careful' };
  const slice = text.slice(segment.start, segment.end);
  if (CAREFUL_SYNTAX.test(`\n${slice}`)) return { kind: 'careful' };
  // The listener sees every node open and close, with js-yaml's state:
  //  - an anchor is the one way to an alias (js-yaml refuses an alias without one), so a document
  //    whose anchor map stays empty has neither;
  //  - a flow collection or quoted scalar that spans lines must be indented as yaml wants, which
  //    js-yaml does not check (`args: ["a\n  b"]` under a deeper key is an error in yaml only):
  //    any such node, found by its closing `]` `}` `"` `'` on a later line, goes careful;
  //  - a map's child that is a collection but none of the map's values was a key (`{a: 1, [b]}`),
  //    which js-yaml stringifies and yaml refuses.
  let anchorMap: object | undefined;
  let multiline = false;
  let collectionKey = false;
  const openLines: number[] = [];
  const childCollections: unknown[][] = []; // per open node: the collections among its children
  let depth = 0;
  const options: LoadOptions & { maxDepth: number } = {
    schema: KUBECTL_SCHEMA,
    // js-yaml's depth counts every node, scalars included, so this is at least as strict as the
    // careful path's collection depth; deeper documents get that path's message.
    maxDepth: lim.maxDepth,
    listener: (event, state) => {
      if (event === 'open') {
        openLines.push(state.line);
        anchorMap ??= (state as State & { anchorMap?: object }).anchorMap;
        const children = childCollections[depth];
        if (children) children.length = 0;
        else childCollections[depth] = [];
        depth++;
        return;
      }
      depth--;
      const result: unknown = state.result;
      if (typeof result === 'object' && result !== null) {
        const children = childCollections[depth]!;
        if (children.length > 0 && state.kind === 'mapping') {
          const values = Object.values(result);
          // A value read on its own line is first tried as a key, so a node can wrap its own result.
          for (const child of children) if (child !== result && !values.includes(child)) collectionKey = true;
        }
        if (depth > 0) childCollections[depth - 1]!.push(result);
      }
      if (state.line === openLines.pop()) return;
      const last = state.input.charCodeAt(state.position - 1);
      if (last === 0x5d /* ] */ || last === 0x7d /* } */ || last === 0x22 /* " */ || last === 0x27 /* ' */) multiline = true;
    },
  };
  let value: unknown;
  try {
    value = load(slice, options);
  } catch {
    return { kind: 'error' };
  }
  if (multiline || collectionKey || (anchorMap && Object.keys(anchorMap).length > 0)) return { kind: 'careful' };
  return { kind: 'value', value };
}

// ------------------------------------------------------------------------------------------------
// Positions of a fast document, for its locator
// ------------------------------------------------------------------------------------------------

/**
 * PositionTree holds where each node of a document starts (absolute offsets, yaml's node starts:
 * a key at its first character, an item at its content), shaped like the document's value.
 */
export interface PositionTree {
  start: number;
  /** For a map: each key's own start and its value's tree (absent for a null value). */
  keys?: Map<string, { key: number; value: PositionTree | undefined }>;
  /** For a list: each item's tree. */
  items?: PositionTree[];
}

/** RawNode is one node as js-yaml's listener saw it open and close. */
interface RawNode {
  open: number;
  children: RawNode[];
  result?: unknown;
}

/**
 * positionTree re-reads a fast document with js-yaml, recording where each node opens, and matches
 * the nodes to the value; undefined when they do not line up one to one (a shape this does not
 * know), and the locator then asks yaml instead.
 */
export function positionTree(text: string, segment: Segment, lim: LoadLimits): PositionTree | undefined {
  const slice = text.slice(segment.start, segment.end);
  const top: RawNode = { open: 0, children: [] };
  const stack: RawNode[] = [top];
  const options: LoadOptions & { maxDepth: number } = {
    schema: KUBECTL_SCHEMA,
    maxDepth: lim.maxDepth,
    listener: (event, state) => {
      if (event === 'open') {
        const node: RawNode = { open: state.position, children: [] };
        stack[stack.length - 1]!.children.push(node);
        stack.push(node);
      } else {
        stack.pop()!.result = state.result;
      }
    },
  };
  let value: unknown;
  try {
    value = load(slice, options);
  } catch {
    return undefined;
  }
  const root = top.children[0];
  return root ? match(slice, root, value, segment.start) : undefined;
}

function match(slice: string, raw: RawNode, value: unknown, base: number): PositionTree | undefined {
  // js-yaml reads a value that starts on its own line by first trying it as a map key: the node
  // then wraps the attempt, which holds the same result.
  while (raw.children.length === 1 && raw.children[0]!.result === value && typeof value === 'object' && value !== null) {
    raw = raw.children[0]!;
  }
  const start = base + contentStart(slice, raw.open);
  if (Array.isArray(value)) {
    if (raw.children.length !== value.length) return undefined;
    const items: PositionTree[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = match(slice, raw.children[i]!, value[i], base);
      if (!item) return undefined;
      items.push(item);
    }
    return { start, items };
  }
  if (typeof value === 'object' && value !== null) {
    const names = Object.keys(value);
    if (raw.children.length !== names.length * 2) return undefined;
    const keys = new Map<string, { key: number; value: PositionTree | undefined }>();
    for (let i = 0; i < names.length; i++) {
      const keyNode = raw.children[2 * i]!;
      const valueNode = raw.children[2 * i + 1]!;
      if (String(keyNode.result) !== names[i]) return undefined;
      const v = (value as Record<string, unknown>)[names[i]!];
      const tree = v === null || v === undefined ? undefined : match(slice, valueNode, v, base);
      if (v !== null && v !== undefined && !tree) return undefined;
      keys.set(names[i]!, { key: base + contentStart(slice, keyNode.open), value: tree });
    }
    return { start, keys };
  }
  return { start };
}

/** contentStart skips the blanks, line breaks and comments before a node's first character. */
function contentStart(slice: string, at: number): number {
  let p = at;
  for (;;) {
    const c = slice.charCodeAt(p);
    if (c === 0x20 || c === 0x0a || c === 0x0d) p++;
    else if (c === 0x23 /* # */) {
      const nl = slice.indexOf('\n', p);
      if (nl === -1) return slice.length;
      p = nl + 1;
    } else if (c === 0x2d /* - */ && p === 0 && slice.startsWith('---')) p += 3;
    else return p;
  }
}

/**
 * findTreeOffset walks a path as parse-documents' findOffset walks yaml's nodes: a key resolves
 * to the key, an index to the item, and a missing step stops at the deepest step that exists.
 */
export function findTreeOffset(root: PositionTree, path: ReadonlyArray<string | number>): number {
  let node: PositionTree | undefined = root;
  let here = root.start;
  for (const step of path) {
    if (!node) break;
    if (node.items && typeof step === 'number') {
      const item: PositionTree | undefined = node.items[step];
      if (!item) break;
      node = item;
      here = item.start;
    } else if (node.keys) {
      const pair = node.keys.get(String(step));
      if (!pair) break;
      here = pair.key;
      node = pair.value;
    } else {
      break;
    }
  }
  return here;
}
