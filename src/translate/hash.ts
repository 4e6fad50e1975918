/**
 * manifestHash: the change-detection hash kept in LABEL_MANIFEST_HASH (compose's config-hash
 * label). It runs over the desired pod with keys sorted and kubeplay's bookkeeping labels dropped,
 * so the same manifest always hashes the same, whatever its key order or formatting.
 */
import { createHash } from 'node:crypto';
import type { DesiredPod } from '../domain/types';
import { LABEL_LAST_APPLIED, LABEL_MANIFEST_HASH } from '../domain/labels';
import { canonicalJson } from '../domain/canonical-json';

/** HASH_VERSION changes when the normalised form changes, so old pods are seen as changed. */
export const HASH_VERSION = 'v1';

export { canonicalJson };

/** manifestHash returns `v1-<sha256 hex, 16 chars>` of the normalised desired pod. */
export function manifestHash(pod: DesiredPod): string {
  const labels = { ...pod.labels };
  delete labels[LABEL_MANIFEST_HASH];
  delete labels[LABEL_LAST_APPLIED];
  const digest = createHash('sha256').update(canonicalJson({ ...pod, labels })).digest('hex');
  return `${HASH_VERSION}-${digest.slice(0, 16)}`;
}

/** withHash returns the pod with its hash label set. */
export function withHash(pod: DesiredPod): DesiredPod {
  return { ...pod, labels: { ...pod.labels, [LABEL_MANIFEST_HASH]: manifestHash(pod) } };
}
