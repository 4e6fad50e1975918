/**
 * A managed pod's manifest as its last-applied label keeps it, and a Pod manifest as the desired
 * Podman pod with its hash: what apply, delete and the reconcile loop share.
 */
import type { ObservedPod } from '../domain/state';
import type { DesiredPod, PodManifest } from '../domain/types';
import { LABEL_LAST_APPLIED } from '../domain/labels';
import { parseLastApplied } from '../domain/last-applied';
import { podmanPodName } from '../domain/pod-names';
import { validateManifests } from '../validate';
import { toDesiredPod, type TranslateOptions } from '../translate/pod';
import { sourceBasis, withHash } from '../translate/hash';

/**
 * previousFromLabel rebuilds the previous desired pod from a managed pod's last-applied label, the
 * version a failed replacement puts back. The label is untrusted: it must be a valid Pod manifest
 * of this very pod, or there is no rollback target (a label naming another pod would otherwise
 * make a failed replacement create that pod, or remove its volumes).
 */
export function previousFromLabel(observed: ObservedPod, opts: TranslateOptions = {}): ReturnType<typeof toDesiredPod> | undefined {
  const m = manifestFromLabel(observed);
  return m ? desiredPodOf(m, opts) : undefined;
}

/** manifestFromLabel is a managed pod's manifest as its last-applied label holds it, when that is a valid Pod manifest of this very pod. */
export function manifestFromLabel(observed: ObservedPod): PodManifest | undefined {
  const object = parseLastApplied(observed.labels[LABEL_LAST_APPLIED], observed.name);
  if (!object) return undefined;
  const check = validateManifests([{ source: `label of pod ${observed.name}`, documentIndex: 0, basePath: [], value: object as Record<string, unknown>, locate: () => undefined }], 'ignore');
  const m = check.ok ? check.manifests[0] : undefined;
  return m && m.ref.kind === 'Pod' && podmanPodName(m.ref.namespace, m.ref.name) === observed.name ? (m) : undefined;
}

/** desiredPodOf translates a Pod manifest and sets its hash label (see translate/hash.ts sourceBasis). */
export function desiredPodOf(m: PodManifest, opts: TranslateOptions = {}): DesiredPod {
  return withHash(toDesiredPod(m, opts), sourceBasis(m.object));
}
