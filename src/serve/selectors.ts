/**
 * selectors: a list's or a watch's labelSelector and fieldSelector as the API server reads them.
 * Fields: every kind's metadata.name and metadata.namespace; a Pod's from domain/field-selector;
 * an Event's involvedObject.*, reason, type, source; a Secret's type (the field label conversions
 * the API server registers for these kinds).
 */
import { UsageError } from '../domain/errors';
import { matchesFields, parseFieldSelector } from '../domain/field-selector';
import type { StoredObject } from '../domain/objects';
import { matchesSelector, parseSelector } from '../domain/selector';
import { BadRequestError } from '../domain/errors';

const EXTRA_FIELDS: Record<string, readonly string[]> = {
  Event: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  Secret: ['type'],
  Namespace: ['status.phase'],
};

function valueAt(o: StoredObject, path: string): string {
  if (path === 'metadata.namespace') return o.metadata.namespace ?? '';
  if (path === 'source') return String(((o as unknown as { source?: { component?: string } }).source?.component) ?? '');
  let v: unknown = o;
  for (const p of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** objectMatcher builds the filter of a request's labelSelector and fieldSelector for a kind. */
export function objectMatcher(storeKind: string, labelSelector: string | undefined, fieldSelector: string | undefined): (o: StoredObject) => boolean {
  let labels: ReturnType<typeof parseSelector> | undefined;
  try {
    labels = labelSelector !== undefined && labelSelector !== '' ? parseSelector(labelSelector) : undefined;
  } catch (e) {
    throw new BadRequestError(`unable to parse requirement: ${(e as Error).message}`);
  }
  if (fieldSelector === undefined || fieldSelector.trim() === '') return (o) => labels === undefined || matchesSelector(labels, o.metadata.labels ?? {});
  if (storeKind === 'Pod') {
    let reqs;
    try {
      reqs = parseFieldSelector(fieldSelector);
    } catch (e) {
      throw new BadRequestError(e instanceof UsageError ? e.message.replace(/ \(in --field-selector.*$/, '') : String(e));
    }
    return (o) => (labels === undefined || matchesSelector(labels, o.metadata.labels ?? {})) && matchesFields(reqs, o as never);
  }
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(EXTRA_FIELDS[storeKind] ?? [])]);
  const reqs = fieldSelector.split(',').map((term) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw new BadRequestError(`invalid selector: '${fieldSelector}'; can't understand '${term}'`);
    if (!allowed.has(m[1]!)) throw new BadRequestError(`field label not supported: ${m[1]!}`);
    return { field: m[1]!, neg: m[2] === '!=', value: m[3]! };
  });
  return (o) => (labels === undefined || matchesSelector(labels, o.metadata.labels ?? {})) && reqs.every((r) => (valueAt(o, r.field) === r.value) !== r.neg);
}
