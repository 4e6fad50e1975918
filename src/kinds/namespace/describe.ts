/** describe's layout for a Namespace, as kubectl's NamespaceDescriber prints it. */
import type { StoredObject } from '../../domain/objects';
import { byText } from '../../domain/order';
import { alignTabs } from '../../print/tabwriter';
import { multiline, SKIPPED_ANNOTATIONS } from '../../print/describe';

/** describeNamespace is kubectl's NamespaceDescriber: name, labels, annotations, status, quotas and limit ranges (none here). */
export function describeNamespace(o: StoredObject): string {
  const md = o.metadata;
  const labels = Object.entries(md.labels ?? {}).sort(([a], [b]) => byText(a, b)).map(([k, v]) => `${k}=${v}`);
  const annotations = Object.entries(md.annotations ?? {}).filter(([k]) => !SKIPPED_ANNOTATIONS.has(k)).sort(([a], [b]) => byText(a, b)).map(([k, v]) => `${k}: ${v}`);
  const phase = (o.status as { phase?: string } | undefined)?.phase ?? '';
  const lines = [`Name:\t${md.name}`, ...multiline('', 'Labels', labels), ...multiline('', 'Annotations', annotations), `Status:\t${phase}`, '', 'No resource quota.', '', 'No LimitRange resource.', ''];
  return alignTabs(lines.join('\n'));
}

