/** describe's layout for a ConfigMap, as kubectl's ConfigMapDescriber prints it (checked against kubectl 1.32's output). */
import type { StoredObject } from '../../domain/objects';
import { byText } from '../../domain/order';
import { decodedLength } from '../../domain/go-base64';
import { alignTabs } from '../../print/tabwriter';
import { multiline, SKIPPED_ANNOTATIONS } from '../../print/describe';

/** metaLines are Name, Namespace, Labels and Annotations (the last-applied annotation left out), as kubectl's describers print them. */
export function metaLines(o: StoredObject): string[] {
  const md = o.metadata;
  const labels = Object.entries(md.labels ?? {}).sort(([a], [b]) => byText(a, b)).map(([k, v]) => `${k}=${v}`);
  const annotations = Object.entries(md.annotations ?? {}).filter(([k]) => !SKIPPED_ANNOTATIONS.has(k)).sort(([a], [b]) => byText(a, b)).map(([k, v]) => `${k}: ${v}`);
  return [`Name:\t${md.name}`, `Namespace:\t${md.namespace ?? ''}`, ...multiline('', 'Labels', labels), ...multiline('', 'Annotations', annotations)];
}

/**
 * describeConfigMap: each data key, `----` and its value followed by a blank line; each binaryData
 * key with its size; no events (kubeplay records none for a ConfigMap). kubectl walks Go maps, so
 * its key order changes from run to run; kubeplay sorts the keys.
 */
export function describeConfigMap(o: StoredObject): string {
  const data = (o['data'] ?? {}) as Record<string, string>;
  const binary = (o['binaryData'] ?? {}) as Record<string, string>;
  let text = `${metaLines(o).join('\n')}\n`;
  text += '\nData\n====\n';
  for (const k of Object.keys(data).sort(byText)) text += `${k}:\n----\n${data[k]}\n\n`;
  text += '\nBinaryData\n====\n';
  for (const k of Object.keys(binary).sort(byText)) text += `${k}: ${decodedLength(binary[k]!)} bytes\n`;
  text += '\nEvents:\t<none>\n';
  return alignTabs(text);
}
