/**
 * describe's layout for a PersistentVolumeClaim, as kubectl's PersistentVolumeClaimDescriber prints
 * it (printPersistentVolumeClaim, then Used By: the pods of the claim's namespace that mount it, and
 * Events, of which kubeplay records none for a claim).
 */
import type { StoredObject } from '../../domain/objects';
import { byText } from '../../domain/order';
import { alignTabs } from '../../print/tabwriter';
import { multiline, SKIPPED_ANNOTATIONS } from '../../print/describe';
import { timestampSince } from '../../print/get/duration';
import type { DescribeRelated } from '../kind';
import { accessModesText, claimClass, type ClaimView } from './index';

/** podsUsing names the stored pods of a namespace that mount the claim, sorted (kubectl's getPodsForPVC). */
export function podsUsing(claim: string, pods: readonly StoredObject[]): string[] {
  return pods
    .filter((p) => ((p.spec as { volumes?: Array<{ persistentVolumeClaim?: { claimName?: string } }> } | undefined)?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim))
    .map((p) => p.metadata.name)
    .sort(byText);
}

/** describeClaim is kubectl's PersistentVolumeClaimDescriber; see the module comment. */
export function describeClaim(o: StoredObject, related: DescribeRelated): string {
  const c = o as ClaimView & StoredObject;
  const md = o.metadata;
  const labels = Object.entries(md.labels ?? {}).sort(([a], [b]) => byText(a, b)).map(([k, v]) => `${k}=${v}`);
  const annotations = Object.entries(md.annotations ?? {}).filter(([k]) => !SKIPPED_ANNOTATIONS.has(k)).sort(([a], [b]) => byText(a, b)).map(([k, v]) => `${k}: ${v}`);
  const deleting = typeof md['deletionTimestamp'] === 'string' ? md['deletionTimestamp'] : undefined;
  const bound = (c.spec?.volumeName ?? '') !== '';
  const finalizers = Array.isArray(md['finalizers']) ? (md['finalizers'] as unknown[]).map(String) : [];
  const users = podsUsing(md.name, related.list('Pod', md.namespace ?? ''));
  const lines = [
    `Name:\t${md.name}`,
    `Namespace:\t${md.namespace ?? ''}`,
    `StorageClass:\t${claimClass(c)}`,
    deleting !== undefined ? `Status:\tTerminating (lasts ${timestampSince(deleting, related.now)})` : `Status:\t${c.status?.phase ?? ''}`,
    `Volume:\t${c.spec?.volumeName ?? ''}`,
    ...multiline('', 'Labels', labels),
    ...multiline('', 'Annotations', annotations),
    `Finalizers:\t[${finalizers.join(' ')}]`,
    `Capacity:\t${bound ? (c.status?.capacity?.['storage'] ?? '') : ''}`,
    `Access Modes:\t${bound ? accessModesText(c.status?.accessModes) : ''}`,
    ...(c.spec?.volumeMode !== undefined ? [`VolumeMode:\t${c.spec.volumeMode}`] : []),
    ...multiline('', 'Used By', users),
    'Events:\t<none>',
    '',
  ];
  return alignTabs(lines.join('\n'));
}
