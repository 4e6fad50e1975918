/**
 * unroll turns a document's value into LoadedDocuments: an object is one, a `kind: List` gives its
 * items (recursively, as kubectl flattens nested lists), and anything that is not an object is an
 * issue located at the value. Each LoadedDocument gets the locator of its own base path.
 */
import type { JsonPath, LoadedDocument, Locator } from '../domain/types';
import { formatPath, type IssueSink } from './issue-sink';
import { positionOf, type SourceText } from './source-text';

const EXPECTED_OBJECT = 'expected a Kubernetes object (a map with apiVersion and kind)';

/**
 * unroll emits an object as a LoadedDocument, or the items of a `kind: List` (recursively, as
 * kubectl flattens nested lists), and reports anything that is not an object.
 */
export function unroll(
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


/** isPlainObject tells a YAML map's value (a plain object) from every other value. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
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
