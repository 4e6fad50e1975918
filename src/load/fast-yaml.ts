/**
 * The loader's fast path, and the one seam between the loader and js-yaml: readFast is the only
 * function the loader calls, and this file the only one that imports js-yaml. js-yaml builds the
 * values of plain documents about ten times faster than yaml's Lexer → Parser → Composer, which
 * stays the authority for everything else (errors, warnings, positions, hostile input). This module
 * decides, cheaply and conservatively, what js-yaml may handle, and never reports a problem itself:
 * any doubt sends the document, or the whole source, to the careful path (parse-careful.ts).
 *
 * A source takes the fast path when it splits cleanly into documents at `---` lines
 * (split-documents.ts). Then each document is one of:
 *   - 'value': js-yaml read it, and nothing in it is outside the subset both parsers agree on;
 *   - 'careful': js-yaml read it but it uses something only yaml handles as kubeplay wants
 *     (anchors and aliases, merge keys, explicit or collection or null keys, tabs, long lines, a
 *     flow end at the start of a line, which yaml warns about): parse that document carefully;
 *   - 'error': js-yaml refused it (a syntax error, a duplicate key, an unknown tag, too deep):
 *     parse the whole source carefully, so every message and position is yaml's.
 *
 * It uses js-yaml's public API only: `load` with the documented `schema`, `maxDepth` and
 * `listener` options, the listener reading the State fields js-yaml's typings declare (input,
 * position, line, kind, result), and `Schema` and `Type` for the scalars. Scalars resolve by
 * kubectl's YAML 1.1 rules (domain/yaml-scalars.ts), as the careful path's do, not by js-yaml's
 * own schema.
 */
import { load, Schema, Type, type LoadOptions } from 'js-yaml';
import type { JsonPath } from '../domain/types';
import { cachedResolve } from '../domain/yaml-scalars';
import type { LoadLimits } from './limits';
import { splitDocuments, type Segment } from './split-documents';

/**
 * FastDocument is one document of a source the fast path took, by its segment (range and index in
 * the source): either its value, or the word that yaml must parse it ('careful').
 */
export type FastDocument = { segment: Segment } & ({ kind: 'value'; value: unknown } | { kind: 'careful' });

/** FastRead is a source the fast path took: its documents, and where their paths are. */
export interface FastRead {
  documents: FastDocument[];
  /**
   * offsetOf locates a path in a 'value' document: the offset in the source's text of the key (or
   * item) it ends at, or undefined when the fast path cannot tell, and yaml must.
   */
  offsetOf: (segment: Segment, path: JsonPath) => number | undefined;
}

/**
 * readFast reads a source's text the fast way: its documents in order, or undefined when the whole
 * source must take the careful path (it does not split cleanly, or js-yaml refused a document).
 */
export function readFast(text: string, lim: LoadLimits): FastRead | undefined {
  const segments = splitDocuments(text, lim);
  if (!segments) return undefined;
  const documents: FastDocument[] = [];
  for (const segment of segments) {
    const result = fastDocument(text, segment, lim);
    if (result.kind === 'error') return undefined;
    documents.push(result.kind === 'value' ? { segment, kind: 'value', value: result.value } : { segment, kind: 'careful' });
  }
  const trees = new PositionTrees(text, lim);
  return { documents, offsetOf: (segment, path) => trees.offsetOf(segment, path) };
}

/** FastResult is what the fast path made of one document; see the module comment. */
export type FastResult = { kind: 'value'; value: unknown } | { kind: 'careful' } | { kind: 'error' };

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
 *                             (also right after the `:` of a JSON-like key: `{"k":! }`)
 *   `-` ending a line         an empty list item: js-yaml then takes a less indented `- x` line
 *                             into the same list, where yaml reports an error
 */
// Every alternative starts with a character class (a line start is written as the line break
// before it; the text is tested with one prepended), which V8 scans about twice as fast as `^`.
const CAREFUL_SYNTAX =
  /[ ,[{\n\u2028\u2029](?:\?|(?:~|[Nn]ull|NULL)?:|!)(?=[ \r\n,[\]{}"']|$)|[:]!(?=[ \r\n,[\]{}"']|$)|[\n\u2028\u2029] *[\]}:]|["'\]}]#|[\]}] *:|[\n\u2028\u2029 ]- *(?:#.*)?\r?$|<<|\t/m;

/**
 * MAY_ANCHOR finds a `&` that js-yaml could read as an anchor: one followed by a name character
 * (js-yaml refuses an empty anchor name). `sh -c "serve & wait"` has none, `a && b` has one.
 */
const MAY_ANCHOR = /&[^ \t\r\n,[\]{}]/;

/** fastDocument reads one document with js-yaml, or says why it cannot (see FastResult). */
export function fastDocument(text: string, segment: Segment, lim: LoadLimits): FastResult {
  if (segment.careful) return { kind: 'careful' };
  const slice = text.slice(segment.start, segment.end);
  if (CAREFUL_SYNTAX.test(`\n${slice}`)) return { kind: 'careful' };
  // The listener sees every node open and close, with js-yaml's state:
  //  - an anchor is the one way to an alias (js-yaml refuses an alias without one), so a document
  //    without a possible anchor (MAY_ANCHOR) has neither. In one with, a node whose first
  //    character (after the blanks and comments js-yaml skips before a node's properties) is `&`
  //    (an anchor), `*` (an alias) or `!` (a tag: only `!` itself gets this far, and an anchor may
  //    follow it) goes careful: js-yaml reads a node's properties only right where it opens;
  //  - a flow collection or quoted scalar that spans lines must be indented as yaml wants, which
  //    js-yaml does not check (`args: ["a\n  b"]` under a deeper key is an error in yaml only):
  //    any such node, found by its closing `]` `}` `"` `'` on a later line, goes careful;
  //  - a map's child that is a collection but none of the map's values was a key (`{a: 1, [b]}`),
  //    which js-yaml stringifies and yaml refuses.
  const mayAnchor = MAY_ANCHOR.test(slice);
  let anchored = false;
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
        if (mayAnchor && !anchored) {
          const first = slice.charCodeAt(contentStart(slice, state.position));
          if (first === 0x26 /* & */ || first === 0x2a /* * */ || first === 0x21 /* ! */) anchored = true;
        }
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
  if (multiline || collectionKey || anchored) return { kind: 'careful' };
  return { kind: 'value', value };
}

// ------------------------------------------------------------------------------------------------
// Positions of a fast document, for its locator
// ------------------------------------------------------------------------------------------------

/**
 * PositionTrees answers offsetOf for a source's fast documents, from a PositionTree that js-yaml
 * rebuilds in ~0.1 ms, where yaml's re-parse took ~1 ms: with a warning on each of 10,000 pods, that
 * was 10 s. Trees are kept for the last few documents only (validation locates one document's
 * findings after another), so memory stays flat; a document whose tree does not line up with its
 * value gets undefined, and is located by yaml, as the careful path does.
 */
class PositionTrees {
  private static readonly KEEP = 8;
  private readonly recent = new Map<Segment, PositionTree | null>();
  constructor(
    private readonly text: string,
    private readonly lim: LoadLimits,
  ) {}

  /** offsetOf is FastRead's. */
  offsetOf(segment: Segment, path: JsonPath): number | undefined {
    const tree = this.treeOf(segment);
    return tree ? findTreeOffset(tree, path) : undefined;
  }

  private treeOf(segment: Segment): PositionTree | null {
    let tree = this.recent.get(segment);
    if (tree !== undefined) {
      this.recent.delete(segment); // most recently used goes last
    } else {
      tree = positionTree(this.text, segment, this.lim) ?? null;
      if (this.recent.size >= PositionTrees.KEEP) this.recent.delete(this.recent.keys().next().value!);
    }
    this.recent.set(segment, tree);
    return tree;
  }
}

/**
 * PositionTree holds where each node of a document starts (absolute offsets, yaml's node starts:
 * a key at its first character, an item at its content), shaped like the document's value.
 */
interface PositionTree {
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
function positionTree(text: string, segment: Segment, lim: LoadLimits): PositionTree | undefined {
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
 * findTreeOffset walks a path as locate.ts's findOffset walks yaml's nodes: a key resolves
 * to the key, an index to the item, and a missing step stops at the deepest step that exists.
 */
function findTreeOffset(root: PositionTree, path: ReadonlyArray<string | number>): number {
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
