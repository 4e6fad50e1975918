/**
 * describe's layout for a StatefulSet, as kubectl's StatefulSetDescriber prints it: name,
 * namespace, creation time, selector, labels, annotations, replicas, the update strategy (with its
 * partition), the pods it controls by phase, the pod template, the volume claim templates and the
 * events recorded about it.
 */
import type { StoredObject } from '../../domain/objects';
import { byText } from '../../domain/order';
import { textOf } from '../../domain/text';
import { rfc1123z, multiline } from '../../print/describe';
import type { DescribeRelated } from '../kind';
import { eventLines, finishDescribe, metadataLines, num, podsStatusText, selectorText, templateLines } from '../workload';

interface ClaimTemplate {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { storageClassName?: string; accessModes?: string[]; resources?: { requests?: Record<string, unknown> } };
}

/** claimTemplateLines is kubectl's describeVolumeClaimTemplates. */
function claimTemplateLines(templates: readonly ClaimTemplate[]): string[] {
  if (templates.length === 0) return ['Volume Claims:\t<none>'];
  const lines = ['Volume Claims:'];
  const pairs = (m: Record<string, string> | undefined, sep: string) => Object.entries(m ?? {}).sort(([a], [b]) => byText(a, b)).map(([k, v]) => `${k}${sep}${v}`);
  for (const t of templates) {
    const storage = t.spec?.resources?.requests?.['storage'];
    lines.push(
      `  Name:\t${t.metadata?.name ?? ''}`,
      `  StorageClass:\t${t.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? t.spec?.storageClassName ?? ''}`,
      ...multiline('  ', 'Labels', pairs(t.metadata?.labels, '=')),
      ...multiline('  ', 'Annotations', pairs(t.metadata?.annotations, '=')),
      `  Capacity:\t${storage === undefined ? '<default>' : textOf(storage)}`,
      `  Access Modes:\t[${(t.spec?.accessModes ?? []).join(' ')}]`,
    );
  }
  return lines;
}

/** describeStatefulSet is kubectl's StatefulSetDescriber; see the module comment. */
export function describeStatefulSet(o: StoredObject, related: DescribeRelated): string {
  const spec = (o.spec ?? {}) as { replicas?: number; selector?: unknown; updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } }; volumeClaimTemplates?: ClaimTemplate[] };
  const st = (o.status ?? {}) as { replicas?: number };
  const ru = spec.updateStrategy?.rollingUpdate;
  return finishDescribe([
    `Name:\t${o.metadata.name}`,
    `Namespace:\t${o.metadata.namespace ?? ''}`,
    `CreationTimestamp:\t${rfc1123z(new Date(o.metadata.creationTimestamp))}`,
    `Selector:\t${selectorText(spec.selector)}`,
    ...metadataLines(o.metadata),
    `Replicas:\t${num(spec.replicas)} desired | ${num(st.replicas)} total`,
    `Update Strategy:\t${spec.updateStrategy?.type ?? ''}`,
    ...(ru && typeof ru.partition === 'number' ? [`  Partition:\t${ru.partition}`, ...(ru.maxUnavailable !== undefined ? [`  MaxUnavailable:\t${String(ru.maxUnavailable)}`] : [])] : []),
    `Pods Status:\t${podsStatusText(o, related)}`,
    ...templateLines(o),
    ...claimTemplateLines(spec.volumeClaimTemplates ?? []),
    ...eventLines(o, related),
  ]);
}
