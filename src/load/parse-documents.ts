/**
 * parseDocuments turns the bytes of one source into located Kubernetes objects, and refuses hostile
 * input (binary, oversize, billion laughs, pathological nesting, duplicate keys) with located issues
 * instead of exceptions. Pure: no fs, no clock, no globals.
 *
 * How a source goes through it, the careful way:
 *   bytes → size/NUL/UTF-8 checks → yaml Lexer → Parser (nesting depth watched on its stack) →
 *   Composer (one Document at a time) → our node walk (duplicate keys, aliases, depth through aliases)
 *   → toJS → kind: List unrolled → LoadedDocument.
 *
 * That way costs about 0.5 ms per pod, so plain documents take a fast path first (fast-yaml.ts):
 * js-yaml builds their values, and yaml parses only the documents (or sources) the fast path is not
 * sure of, so every issue, warning and position still comes from the careful way above.
 *
 * The yaml AST of a document is dropped once its value is built: keeping it for 10,000 pods costs
 * about 200 MB. A Locator re-parses its own document (only that slice of the text) the first time it
 * is called, which happens only for documents with problems.
 */
import type { Alias, Document, Node as YamlNode, CST, YAMLError } from 'yaml';
import type { Issue, JsonPath, LoadedDocument, Locator, Position } from '../domain/types';
import { fastDocument, findTreeOffset, positionTree, splitDocuments, type FastResult, type PositionTree, type Segment } from './fast-yaml';
import { LineStarts } from './line-starts';
import { KUBECTL_YAML_TAGS } from '../domain/yaml-scalars';

let yamlModule: typeof import('yaml') | undefined;
/**
 * yaml is loaded at the first careful parse or careful locator: a source of plain documents takes
 * the fast path and never needs it, and loading it costs ~25 ms of every apply's start-up.
 */
function yaml(): typeof import('yaml') {
  return (yamlModule ??= require('yaml') as typeof import('yaml'));
}

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

/** ParseInput is one source: its name as the user gave it (`-` for stdin) and its bytes. */
export interface ParseInput {
  name: string;
  bytes: Buffer;
  /** Full size in bytes when `bytes` holds less than the whole source (it was over the limit). */
  size?: number;
}

/** ParseResult is what one source yields: its objects, and every problem found in it. */
export interface ParseResult {
  documents: LoadedDocument[];
  issues: Issue[];
}

/** MAX_ISSUES_PER_SOURCE stops a garbage file from producing a million lines of output. */
const MAX_ISSUES_PER_SOURCE = 100;

const EXPECTED_OBJECT = 'expected a Kubernetes object (a map with apiVersion and kind)';

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
  const bytes = src.bytes;
  const fileIssue = (position: Position, message: string): ParseResult => ({
    documents: [],
    issues: [{ severity: 'error', rule: 'load', file: src.name, documentIndex: 0, path: '', ...position, message }],
  });

  const size = src.size ?? bytes.length;
  if (size > lim.maxBytes) {
    const measured = src.size !== undefined ? ` (${size} bytes)` : '';
    return fileIssue(
      { line: 1, column: 1 },
      `too large: the input is over the limit of ${formatBytes(lim.maxBytes)}${measured}; split it into smaller files`,
    );
  }
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    return fileIssue(
      { line: 1, column: 1 },
      'the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8',
    );
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return fileIssue(
      bytePosition(bytes, nul),
      'binary file: it contains a NUL byte, so it is not YAML or JSON text; pass a manifest file',
    );
  }
  let text: string;
  try {
    // fatal: refuse instead of silently turning bad bytes into U+FFFD. A UTF-8 BOM is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return fileIssue(
      bytePosition(bytes, bad),
      `invalid UTF-8: byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')} does not form a valid character; ` +
        'manifests must be UTF-8 text, so convert the file to UTF-8',
    );
  }
  return parse(src.name, text, lim);
}

// ------------------------------------------------------------------------------------------------
// YAML stream → documents
// ------------------------------------------------------------------------------------------------

/** Source is the decoded text of one source plus its line index, shared by all its locators. */
interface SourceText {
  file: string;
  text: string;
  lines: LineStarts;
}

/** IssueSink collects issues of one source and caps their number. */
class IssueSink {
  readonly issues: Issue[] = [];
  /** Errors reported so far, including the ones dropped by the cap. */
  errorCount = 0;
  private dropped = 0;
  constructor(private readonly src: SourceText) {}

  add(
    documentIndex: number,
    where: number | Position,
    message: string,
    path: JsonPath = [],
    severity: Issue['severity'] = 'error',
  ): void {
    if (severity === 'error') this.errorCount++;
    if (this.issues.length >= MAX_ISSUES_PER_SOURCE) {
      this.dropped++;
      return;
    }
    const position = typeof where === 'number' ? positionOf(this.src, where) : where;
    this.issues.push({ severity, rule: 'load', file: this.src.file, documentIndex, path: formatPath(path), ...position, message });
  }

  finish(): Issue[] {
    const last = this.issues[this.issues.length - 1];
    if (this.dropped > 0 && last) {
      this.issues.push({
        ...last,
        severity: 'error',
        path: '',
        message: `${this.dropped} more problem(s) in this file not shown; fix the ones above first`,
      });
    }
    return this.issues;
  }
}

type Token = CST.Token;

const COLLECTION_TOKENS = new Set(['block-map', 'block-seq', 'flow-collection']);

function parseText(file: string, text: string, lim: LoadLimits): ParseResult {
  return parseFast(file, text, lim) ?? parseCarefully(file, text, lim);
}

/**
 * parseFast builds the documents with js-yaml (see fast-yaml.ts) and parses carefully only the
 * documents it flags; undefined when the whole source must go the careful way, which happens
 * before any issue is reported, so every message and position is the careful path's.
 */
function parseFast(file: string, text: string, lim: LoadLimits): ParseResult | undefined {
  const segments = splitDocuments(text, lim);
  if (!segments) return undefined;
  const results: FastResult[] = [];
  for (const segment of segments) {
    const result = fastDocument(text, segment, lim);
    if (result.kind === 'error') return undefined;
    results.push(result);
  }

  const lines = new LineStarts();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  const src: SourceText = { file, text, lines };
  const sink = new IssueSink(src);
  const documents: LoadedDocument[] = [];
  const trees = new PositionTrees(lim);
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const result = results[i]!;
    results[i] = { kind: 'careful' }; // the value now lives in its LoadedDocument only
    if (result.kind === 'value') {
      const value = result.value;
      if (value === null || value === undefined) continue; // an empty document, skipped as yaml's are
      if (isPlainObject(value)) {
        unroll(src, value, [], segment.index, (basePath) => trees.locator(src, segment, basePath), segment.start, sink, documents);
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

/**
 * PositionTrees makes the locators of a source's fast documents. A locator finds positions in a
 * PositionTree that js-yaml rebuilds in ~0.1 ms, where yaml's re-parse took ~1 ms: with a warning on
 * each of 10,000 pods, that was 10 s. Trees are kept for the last few documents only (validation
 * locates one document's findings after another), so memory stays flat; a document whose tree does
 * not line up with its value is located by yaml, as the careful path does.
 */
class PositionTrees {
  private static readonly KEEP = 8;
  private readonly recent = new Map<Segment, PositionTree | null>();
  constructor(private readonly lim: LoadLimits) {}

  locator(src: SourceText, segment: Segment, basePath: JsonPath): Locator {
    let careful: Locator | undefined;
    return (path: JsonPath): Position | undefined => {
      const tree = this.treeOf(src.text, segment);
      if (tree) return positionOf(src, findTreeOffset(tree, [...basePath, ...path]));
      if (!careful) {
        let ast: YamlNode | null | undefined;
        const rootOf = (): YamlNode | null => (ast === undefined ? (ast = reparse(src.text, segment.start, segment.end)) : ast);
        careful = makeLocator(src, rootOf, basePath, segment.start);
      }
      return careful(path);
    };
  }

  private treeOf(text: string, segment: Segment): PositionTree | null {
    let tree = this.recent.get(segment);
    if (tree !== undefined) {
      this.recent.delete(segment); // most recently used goes last
    } else {
      tree = positionTree(text, segment, this.lim) ?? null;
      if (this.recent.size >= PositionTrees.KEEP) this.recent.delete(this.recent.keys().next().value!);
    }
    this.recent.set(segment, tree);
    return tree;
  }
}

/** parseCarefully runs yaml's Lexer → Parser → Composer over the whole source. */
function parseCarefully(file: string, text: string, lim: LoadLimits): ParseResult {
  const lines = new LineStarts();
  const src: SourceText = { file, text, lines };
  const sink = new IssueSink(src);
  const documents: LoadedDocument[] = [];
  lines.addNewLine(0); // Parser.parse() would do this; we drive Parser.next() ourselves
  parseRange(src, 0, text.length, 0, lim, sink, documents, lines.addNewLine);
  return { documents, issues: sink.finish() };
}

/** RangeOutcome tells how a careful parse of a range ended. */
interface RangeOutcome {
  /** A limit stopped the parse: the rest of the range was not read. */
  stopped: boolean;
  /** Documents the composer produced, empty ones included. */
  composed: number;
}

/**
 * parseRange parses src.text[start, end) carefully. Its documents are numbered from firstIndex and
 * every offset is made absolute, so a range gives what the whole source would give for it.
 * onNewLine fills the source's line index while parsing, when it was not built beforehand.
 */
function parseRange(
  src: SourceText,
  start: number,
  end: number,
  firstIndex: number,
  lim: LoadLimits,
  sink: IssueSink,
  documents: LoadedDocument[],
  onNewLine?: (offset: number) => void,
): RangeOutcome {
  const text = start === 0 && end === src.text.length ? src.text : src.text.slice(start, end);
  const lexer = new (yaml().Lexer)();
  const parser = new (yaml().Parser)(onNewLine);
  // uniqueKeys is off because yaml checks it pairwise (quadratic: a 1,000,000-key map would hang);
  // checkDocument finds duplicates with one Set per map instead. merge: `<<` keys as kubectl has them.
  const composer = new (yaml().Composer)({ merge: true, uniqueKeys: false, prettyErrors: false, customTags: KUBECTL_YAML_TAGS });
  let rawDocuments = 0; // document tokens seen by the parser: the index of the one being parsed
  let composed = 0; // documents handed out by the composer
  let stopped = false;
  let tokensInDocument = 0;

  const take = (doc: Document.Parsed): void => {
    handleDocument(src, doc, firstIndex + composed++, start, lim, sink, documents);
  };

  // feed hands one parser token to the composer; false once the document limit is crossed.
  const feed = (token: Token): boolean => {
    if (token.type === 'document') tokensInDocument = 0;
    if (token.type === 'document' && ++rawDocuments + firstIndex > lim.maxDocuments) {
      sink.add(
        firstIndex + rawDocuments - 1,
        start + token.offset,
        `too many documents: more than ${lim.maxDocuments} in one file; split it into several files`,
      );
      return false;
    }
    for (const doc of composer.next(token)) take(doc);
    return true;
  };

  // Feeding the parser one lexeme at a time lets us watch its stack, which holds exactly the open
  // maps and lists: the depth limit trips before yaml's recursive composer could overflow the call
  // stack (100,000 `[` crashed node with an out-of-memory in the composer's recovery path).
  outer: for (const lexeme of lexer.lex(text)) {
    if (++tokensInDocument > lim.maxDocumentTokens) {
      sink.add(
        firstIndex + rawDocuments,
        start + (parser.stack[0]?.offset ?? parser.offset),
        `document too large: more than ${lim.maxDocumentTokens} YAML tokens in one document; ` +
          'split it into several documents (the rest of the file was not read)',
      );
      stopped = true;
      break;
    }
    for (const token of parser.next(lexeme)) {
      if (!feed(token)) {
        stopped = true;
        break outer;
      }
    }
    if (parser.stack.length > lim.maxDepth) {
      let depth = 0;
      for (const token of parser.stack) {
        if (!COLLECTION_TOKENS.has(token.type)) continue;
        if (++depth > lim.maxDepth) {
          sink.add(
            firstIndex + rawDocuments,
            start + token.offset,
            `nesting too deep: maps and lists are nested more than ${lim.maxDepth} levels here; ` +
              'a Kubernetes object never needs that many (the rest of the file was not read)',
          );
          stopped = true;
          break outer;
        }
      }
    }
  }
  if (!stopped) {
    for (const token of parser.end()) {
      if (!feed(token)) {
        stopped = true;
        break;
      }
    }
  }
  // forceDoc: errors outside any document (a stray `...`) still come out, on an empty document.
  for (const doc of composer.end(true, text.length)) take(doc);

  return { stopped, composed };
}

function handleDocument(
  src: SourceText,
  doc: Document.Parsed,
  documentIndex: number,
  base: number,
  lim: LoadLimits,
  sink: IssueSink,
  out: LoadedDocument[],
): void {
  const before = sink.errorCount;
  for (const error of doc.errors) sink.add(documentIndex, base + error.pos[0], yamlMessage(error));
  for (const warning of doc.warnings) sink.add(documentIndex, base + warning.pos[0], yamlMessage(warning), [], 'warning');

  const root = doc.contents;
  if (root === null || (yaml().isScalar(root) && root.value === null)) return; // empty document: skipped
  if (sink.errorCount > before) return;

  const lineOf = (offset: number): number => positionOf(src, base + offset).line;
  checkDocument(root, lim, lineOf, (node, message, path) => sink.add(documentIndex, base + (node.range?.[0] ?? 0), message, path));
  if (sink.errorCount > before) return;

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: lim.maxAliasCount });
  } catch (error) {
    // checkDocument mirrors yaml's alias rules, so this is a safety net rather than a path we expect.
    const why = error instanceof Error ? error.message : String(error);
    sink.add(documentIndex, base + (root.range?.[0] ?? 0), `cannot build the document's value: ${why}`);
    return;
  }

  const start = base + doc.range[0];
  const end = base + doc.range[2];
  let ast: YamlNode | null | undefined;
  const rootOf = (): YamlNode | null => {
    if (ast === undefined) ast = reparse(src.text, start, end);
    return ast;
  };
  const rootOffset = base + (root.range?.[0] ?? doc.range[0]);
  unroll(src, value, [], documentIndex, (basePath) => makeLocator(src, rootOf, basePath, rootOffset), rootOffset, sink, out);
}

/**
 * unroll emits an object as a LoadedDocument, or the items of a `kind: List` (recursively, as
 * kubectl flattens nested lists), and reports anything that is not an object.
 */
function unroll(
  src: SourceText,
  value: unknown,
  basePath: JsonPath,
  documentIndex: number,
  locatorFor: (basePath: JsonPath) => Locator,
  rootOffset: number,
  sink: IssueSink,
  out: LoadedDocument[],
): void {
  const locate = locatorFor(basePath);
  if (!isPlainObject(value)) {
    const where = basePath.length === 0 ? '' : ` in ${formatPath(basePath)}`;
    sink.add(documentIndex, locate([]) ?? positionOf(src, rootOffset), `${EXPECTED_OBJECT}${where}, got ${describe(value)}`, basePath);
    return;
  }
  if (value['kind'] === 'List' && value['apiVersion'] === 'v1') {
    const items = value['items'];
    if (items === undefined || items === null) return; // an empty List is fine
    if (!Array.isArray(items)) {
      const path = [...basePath, 'items'];
      sink.add(documentIndex, locate(['items']) ?? positionOf(src, rootOffset), `a List's items must be a list, got ${describe(items)}`, path);
      return;
    }
    items.forEach((item, i) => unroll(src, item, [...basePath, 'items', i], documentIndex, locatorFor, rootOffset, sink, out));
    return;
  }
  out.push({ source: src.file, documentIndex, basePath, value, locate });
}

// ------------------------------------------------------------------------------------------------
// The node walk: duplicate keys, collection keys, aliases (undefined, cyclic, too many, too deep)
// ------------------------------------------------------------------------------------------------

type Report = (node: YamlNode, message: string, path: JsonPath) => void;

/** AliasUse mirrors yaml's per-anchor bookkeeping in toJS, so we can locate the alias it rejects. */
interface AliasUse {
  count: number;
  aliasCount: number;
}

/**
 * checkDocument walks a composed document once. Recursion is safe: the parser-stack guard already
 * bounded the nesting, and aliases never make the walk re-enter their anchor.
 */
function checkDocument(root: YamlNode, lim: LoadLimits, lineOf: (offset: number) => number, report: Report): void {
  const anchors = new Map<string, YamlNode>();
  const targets = new Map<Alias, YamlNode>();
  const uses = new Map<YamlNode, AliasUse>();
  const heights = new Map<YamlNode, number>();
  const open = new Set<YamlNode>();
  const path: Array<string | number> = [];
  let failed = false;
  let aliasTotal = 0;

  // yaml's getAliasCount, over the aliases already resolved in the walk.
  const aliasCountOf = (node: unknown): number => {
    if (yaml().isAlias(node)) {
      const target = targets.get(node);
      const use = target && uses.get(target);
      return use ? use.count * use.aliasCount : 0;
    }
    if (yaml().isMap(node) || yaml().isSeq(node)) {
      let max = 0;
      for (const item of node.items) max = Math.max(max, aliasCountOf(item));
      return max;
    }
    if (yaml().isPair(node)) return Math.max(aliasCountOf(node.key), aliasCountOf(node.value));
    return 1;
  };

  // Nesting height of a node with aliases followed (0 for a scalar); only called for alias targets.
  const heightOf = (node: unknown): number => {
    if (yaml().isAlias(node)) {
      const target = targets.get(node);
      return target ? heightOf(target) : 0;
    }
    if (!yaml().isMap(node) && !yaml().isSeq(node)) return 0;
    const known = heights.get(node);
    if (known !== undefined) return known;
    let max = 0;
    for (const item of node.items) {
      const h = yaml().isPair(item) ? Math.max(heightOf(item.key), heightOf(item.value)) : heightOf(item);
      if (h > max) max = h;
    }
    heights.set(node, max + 1);
    return max + 1;
  };

  const visitAlias = (alias: Alias, depth: number): void => {
    // yaml resolves each alias by scanning the anchors before it (quadratic), so their number is
    // capped per document; real manifests use a handful.
    if (++aliasTotal > lim.maxAliasCount) {
      report(alias, `too many aliases: more than ${lim.maxAliasCount} in one document; write the values out instead`, path);
      failed = true;
      return;
    }
    const target = anchors.get(alias.source);
    if (!target) {
      report(alias, `alias *${alias.source} has no anchor &${alias.source} before it; define the anchor first`, path);
      failed = true;
      return;
    }
    targets.set(alias, target);
    if (open.has(target)) {
      report(alias, `alias *${alias.source} is inside the node it refers to, which would make an endless value; remove the alias`, path);
      failed = true;
      return;
    }
    let use = uses.get(target);
    if (!use) uses.set(target, (use = { count: 0, aliasCount: 0 }));
    use.count += 1;
    if (use.aliasCount === 0) use.aliasCount = aliasCountOf(target);
    if (use.count * use.aliasCount > lim.maxAliasCount) {
      report(
        alias,
        `too many aliases: expanding *${alias.source} here goes over the limit of ${lim.maxAliasCount} alias uses ` +
          '(the pattern of a "billion laughs" attack); write the values out instead of aliasing them',
        path,
      );
      failed = true;
      return;
    }
    if (depth + heightOf(target) > lim.maxDepth) {
      report(alias, `nesting too deep: with *${alias.source} expanded, maps and lists nest more than ${lim.maxDepth} levels`, path);
      failed = true;
    }
  };

  // depth = number of maps and lists enclosing `node` (not counting itself).
  const visit = (node: unknown, depth: number): void => {
    if (failed) return;
    if (yaml().isAlias(node)) return visitAlias(node, depth);
    if (!yaml().isMap(node) && !yaml().isSeq(node)) {
      if (yaml().isScalar(node) && node.anchor) anchors.set(node.anchor, node);
      return;
    }
    // Anchors are registered on entry, as yaml resolves an alias to the last anchor before it.
    if (node.anchor) anchors.set(node.anchor, node);
    open.add(node);
    if (yaml().isSeq(node)) {
      node.items.forEach((item, i) => {
        path.push(i);
        visit(item, depth + 1);
        path.pop();
      });
    } else {
      // Small maps are the norm; a linear scan beats allocating a Map for them.
      const seen = node.items.length > 8 ? new Map<string, YamlNode>() : undefined;
      for (let i = 0; i < node.items.length && !failed; i++) {
        const pair = node.items[i]!;
        let key: unknown = pair.key;
        visit(key, depth + 1);
        if (yaml().isAlias(key)) key = targets.get(key);
        if (yaml().isMap(key) || yaml().isSeq(key)) {
          report(pair.key as YamlNode, `a map key must be a plain value, got ${yaml().isMap(key) ? 'a map' : 'a list'}; use a string key`, path);
          failed = true;
          break;
        }
        // A `!!binary` key is a scalar whose value is bytes: toJS would stringify it and print a
        // process warning on the user's terminal (found by fuzzing), so it is refused here.
        if (yaml().isScalar(key) && key.value !== null && typeof key.value === 'object') {
          report(pair.key as YamlNode, 'a map key must be a plain value, got binary data (!!binary); use a string key', path);
          failed = true;
          break;
        }
        const name = yaml().isScalar(key) ? keyName(key.value) : undefined;
        if (name !== undefined) {
          const prior = seen ? seen.get(name) : linearFind(node.items, i, name);
          if (prior) {
            path.push(name);
            report(pair.key as YamlNode, `duplicate key "${name}" (already defined on line ${lineOf(prior.range?.[0] ?? 0)}); kubectl would silently keep the last one, which is almost always a mistake; remove one of them (kubeplay's rule, not the API server's)`, path);
            path.pop();
          } else if (seen) seen.set(name, pair.key as YamlNode);
        }
        path.push(name ?? '');
        visit(pair.value, depth + 1);
        path.pop();
      }
    }
    open.delete(node);
  };

  visit(root, 0);
}

/** keyName is the JSON key a scalar key becomes; merge keys (`<<`, a symbol) have none. */
function keyName(value: unknown): string | undefined {
  return typeof value === 'symbol' ? undefined : String(value);
}

function linearFind(items: ReadonlyArray<{ key: unknown }>, before: number, name: string): YamlNode | undefined {
  for (let j = 0; j < before; j++) {
    const key = items[j]?.key;
    if (yaml().isScalar(key) && keyName(key.value) === name) return key;
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------
// Locators
// ------------------------------------------------------------------------------------------------

/** reparse rebuilds the AST of one document from its slice of the text, offsets made absolute. */
function reparse(text: string, start: number, end: number): YamlNode | null {
  const parser = new (yaml().Parser)();
  const composer = new (yaml().Composer)({ merge: true, uniqueKeys: false, customTags: KUBECTL_YAML_TAGS });
  let doc: Document.Parsed | undefined;
  const keep = (d: Document.Parsed): void => {
    doc ??= d;
  };
  for (const token of parser.parse(text.slice(start, end))) for (const d of composer.next(token)) keep(d);
  for (const d of composer.end()) keep(d);
  const root = doc?.contents ?? null;
  return root === null ? null : shiftRanges(root, start);
}

/** shiftRanges moves every node's range by `by`, so positions index the whole source's text. */
function shiftRanges(root: YamlNode, by: number): YamlNode {
  const seen = new Set<unknown>();
  const shift = (node: unknown): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (yaml().isPair(node)) {
      shift(node.key);
      shift(node.value);
      return;
    }
    const n = node as YamlNode;
    if (n.range) n.range = [n.range[0] + by, n.range[1] + by, n.range[2] + by];
    if (yaml().isMap(n) || yaml().isSeq(n)) for (const item of n.items) shift(item);
  };
  shift(root);
  return root;
}

function makeLocator(src: SourceText, rootOf: () => YamlNode | null, basePath: JsonPath, rootOffset: number): Locator {
  return (path: JsonPath): Position | undefined => {
    const root = rootOf();
    if (!root) return positionOf(src, rootOffset);
    const offset = findOffset(root, [...basePath, ...path]);
    return offset === undefined ? undefined : positionOf(src, offset);
  };
}

/**
 * findOffset walks `path` from the root: a map key resolves to the key's own position (so an
 * unknown field points at its name), a list index to the item; a missing step stops at the deepest
 * step that exists. Aliases are followed to their anchor; keys brought in by `<<` are found too.
 */
function findOffset(root: YamlNode, path: JsonPath): number | undefined {
  const anchors = collectAnchors(root);
  let node: unknown = root;
  let here = root.range?.[0];
  for (const step of path) {
    node = follow(node, anchors);
    if (yaml().isSeq(node) && typeof step === 'number') {
      const item = node.items[step];
      if (item === undefined) break;
      node = item;
      here = (item as YamlNode).range?.[0] ?? here;
    } else if (yaml().isMap(node)) {
      const pair = findPair(node, String(step), anchors);
      if (!pair) break;
      here = (pair.key as YamlNode | null)?.range?.[0] ?? here;
      node = pair.value;
    } else {
      break;
    }
  }
  return here;
}

type AnyPair = { key: unknown; value: unknown };

function findPair(map: { items: AnyPair[] }, name: string, anchors: Map<YamlNode, YamlNode>, guard = 0): AnyPair | undefined {
  let found: AnyPair | undefined;
  for (const pair of map.items) {
    const key = follow(pair.key, anchors);
    if (yaml().isScalar(key) && keyName(key.value) === name) found = pair; // the last one wins, as in toJS
  }
  if (found || guard > 16) return found;
  for (const pair of map.items) {
    if (!yaml().isScalar(pair.key) || typeof pair.key.value !== 'symbol') continue;
    const sources = follow(pair.value, anchors);
    const list = yaml().isSeq(sources) ? sources.items.map((s) => follow(s, anchors)) : [sources];
    for (const s of list) {
      if (!yaml().isMap(s)) continue;
      const hit = findPair(s, name, anchors, guard + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** collectAnchors maps each alias to the anchored node it names (the last one before it). */
function collectAnchors(root: YamlNode): Map<YamlNode, YamlNode> {
  const byName = new Map<string, YamlNode>();
  const result = new Map<YamlNode, YamlNode>();
  const walk = (node: unknown): void => {
    if (yaml().isAlias(node)) {
      const target = byName.get(node.source);
      if (target) result.set(node, target);
      return;
    }
    if (yaml().isPair(node)) {
      walk(node.key);
      walk(node.value);
      return;
    }
    if (!yaml().isMap(node) && !yaml().isSeq(node) && !yaml().isScalar(node)) return;
    if (node.anchor) byName.set(node.anchor, node);
    if (yaml().isMap(node) || yaml().isSeq(node)) for (const item of node.items) walk(item);
  };
  walk(root);
  return result;
}

function follow(node: unknown, anchors: Map<YamlNode, YamlNode>): unknown {
  for (let i = 0; i < 16 && yaml().isAlias(node); i++) node = anchors.get(node);
  return node;
}

// ------------------------------------------------------------------------------------------------
// Small helpers
// ------------------------------------------------------------------------------------------------

function positionOf(src: SourceText, offset: number): Position {
  const { line, col } = src.lines.linePos(Math.max(0, Math.min(offset, src.text.length)));
  return { line, column: col };
}

/** yamlMessage turns a yaml error into a plain sentence; the issue carries line and column. */
function yamlMessage(error: YAMLError): string {
  const plain = error.message.replace(/\.$/, '');
  const lower = plain.charAt(0).toLowerCase() + plain.slice(1);
  switch (error.code) {
    case 'MISSING_CHAR':
      if (/closing ["']quote/i.test(plain)) {
        const q = plain.includes('"quote') ? '"' : "'";
        return `invalid YAML: a ${q === '"' ? 'double' : 'single'}-quoted string is never closed; add the closing ${q}`;
      }
      return `invalid YAML: ${lower}`;
    case 'TAB_AS_INDENT':
      return 'invalid YAML: a tab is used for indentation; YAML allows only spaces there, so indent with spaces';
    case 'TAG_RESOLVE_FAILED':
    case 'BAD_DIRECTIVE':
      return `YAML warning: ${lower}; it is ignored`;
    default:
      return `invalid YAML: ${lower}`;
  }
}

/** formatPath writes a path in kubectl's notation: `spec.containers[1].name`. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else out += out === '' ? step : `.${step}`;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map) && !(value instanceof Set);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null || value === undefined) return 'nothing (null)';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number' || typeof value === 'bigint') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return `a ${Object.prototype.toString.call(value).slice(8, -1)}`;
}

function formatBytes(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** bytePosition is the 1-based line and column (in UTF-16 units, as yaml counts) of a byte offset. */
function bytePosition(bytes: Buffer, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  // The bytes before `offset` on its line are valid UTF-8 (offset is the first bad one), and the
  // non-fatal decoder drops a leading BOM just as the real decode does.
  const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset));
  return { line, column: before.length + 1 };
}

/** firstInvalidUtf8 finds the first byte that is not part of a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c < min || c > max) return i;
    }
    i += need + 1;
  }
  return Math.max(0, bytes.length - 1);
}
