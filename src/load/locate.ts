/**
 * Locators: a document's paths to file positions (1-based line and column), for the issues that
 * later stages find in its value. A path to a map key resolves to the key itself (so an unknown
 * field points at its name), an index to the list item; a missing step stops at the deepest step
 * that exists.
 *
 * The careful way keeps no syntax tree: a document's yaml AST is dropped once its value is built
 * (keeping it for 10,000 pods costs about 200 MB), and a locator re-parses only its document's
 * slice of the text the first time it is called, which happens only for documents with problems.
 * A document the fast path read is located by the fast path's own offsets (fast-yaml.ts) while
 * they line up with its value, and by yaml otherwise.
 */
import type { Document, Node as YamlNode } from 'yaml';
import type { JsonPath, Locator, Position } from '../domain/types';
import { KUBECTL_YAML_TAGS } from '../domain/yaml-scalars';
import type { FastRead } from './fast-yaml';
import { positionOf, type SourceText } from './source-text';
import type { Segment } from './split-documents';
import { keyName, yaml } from './yaml-module';

/**
 * carefulLocators makes the locators of the document at src.text[start, end), whose value starts at
 * rootOffset, one per base path (the items of a `kind: List` each get one); they share one re-parse.
 */
export function carefulLocators(src: SourceText, start: number, end: number, rootOffset: number): (basePath: JsonPath) => Locator {
  let ast: YamlNode | null | undefined;
  const rootOf = (): YamlNode | null => (ast === undefined ? (ast = reparse(src.text, start, end)) : ast);
  return (basePath) => makeLocator(src, rootOf, basePath, rootOffset);
}

/**
 * fastLocator locates paths in a document the fast path read: the fast path's offsets while they
 * line up with the value, and yaml's re-parse when it says it cannot tell (undefined).
 */
export function fastLocator(src: SourceText, fast: FastRead, segment: Segment, basePath: JsonPath): Locator {
  let careful: Locator | undefined;
  return (path: JsonPath): Position | undefined => {
    const offset = fast.offsetOf(segment, [...basePath, ...path]);
    if (offset !== undefined) return positionOf(src, offset);
    careful ??= carefulLocators(src, segment.start, segment.end, segment.start)(basePath);
    return careful(path);
  };
}

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
