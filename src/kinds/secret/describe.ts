/**
 * describe's layout for a Secret, as kubectl's SecretDescriber prints it (checked against kubectl
 * 1.32's output): the type, then each key with its size in bytes. A value is never printed (kubectl
 * prints a service-account token's, a type kubeplay refuses), nor the last-applied annotation,
 * which holds the manifest as written.
 */
import type { StoredObject } from '../../domain/objects';
import { byText } from '../../domain/order';
import { decodedLength } from '../../domain/go-base64';
import { alignTabs } from '../../print/tabwriter';
import { metaLines } from '../configmap/describe';

/** describeSecret renders a Secret; keys sorted (kubectl walks a Go map, in no fixed order). */
export function describeSecret(o: StoredObject): string {
  const data = (o['data'] ?? {}) as Record<string, string>;
  const type = typeof o['type'] === 'string' ? o['type'] : '';
  let text = `${metaLines(o).join('\n')}\n`;
  text += `\nType:\t${type}\n`;
  text += '\nData\n====\n';
  for (const k of Object.keys(data).sort(byText)) text += `${k}:\t${decodedLength(data[k]!)} bytes\n`;
  return alignTabs(text);
}
