/**
 * What a pod has outside Podman's pod and containers, made and removed with it: the Podman secrets
 * its Secret-fed variables read and the host directory of its configMap/secret/projected volumes.
 * The pod's labels name them (LABEL_SECRETS, LABEL_FILES); labels are not trusted, so only names a
 * pod of that name could have made are removed, and only its own directory under filesRoot. Pure.
 */
import type { DesiredPod } from '../domain/types';
import type { ObservedPod } from '../domain/state';
import { LABEL_FILES, LABEL_MANAGED_BY, LABEL_POD, LABEL_SECRETS, MANAGED_BY_VALUE } from '../domain/labels';
import { isManaged } from '../domain/convergence';
import { podFilesDir } from '../translate/pod';
import { secretEnvName } from '../translate/pod-sources';
import type { Step } from './plan';

/** A pod's Podman secrets: `kubeplay_<pod>_<container>_<n>`, or the digest form (secretEnvName). */
function ownSecret(podName: string, containers: readonly string[], name: string): boolean {
  const m = /^kubeplay_(.+)_(\d+)$/.exec(name);
  if (!m) return false;
  const n = Number(m[2]);
  return containers.some((c) => secretEnvName(podName, c, n) === name);
}

/**
 * leftoverSteps removes what a managed observed pod made beside it: its Podman secrets and its
 * files directory (`filesRoot` given: the directory must be the pod's own, podFilesDir).
 */
export function leftoverSteps(pod: ObservedPod, filesRoot: string | undefined): Step[] {
  if (!isManaged(pod.labels)) return [];
  const steps: Step[] = [];
  const containers = pod.containers.filter((c) => !c.isInfra && c.name.startsWith(`${pod.name}-`)).map((c) => c.name.slice(pod.name.length + 1));
  for (const name of (pod.labels[LABEL_SECRETS] ?? '').split(',')) {
    if (name !== '' && ownSecret(pod.name, containers, name)) steps.push({ op: 'removeSecret', name });
  }
  const files = pod.labels[LABEL_FILES];
  if (files !== undefined && filesRoot !== undefined && files === podFilesDir(filesRoot, pod.name)) steps.push({ op: 'removeFiles', dir: files });
  return steps;
}

/** madeSteps writes what a desired pod needs beside it before its containers are made: volume files, then Podman secrets (a leftover of the same name replaced). */
export function madeSteps(pod: DesiredPod): Step[] {
  const steps: Step[] = [];
  for (const v of pod.volumes) if (v.kind === 'projected') steps.push({ op: 'projectFiles', dir: v.dir, files: v.files });
  const labels = { [LABEL_MANAGED_BY]: MANAGED_BY_VALUE, [LABEL_POD]: pod.name };
  for (const s of pod.secrets ?? []) steps.push({ op: 'removeSecret', name: s.name }, { op: 'createSecret', name: s.name, data: s.data, labels });
  return steps;
}

/** Podman 4.3 keeps a secret of 1 to 511,999 bytes (its `secret data must be larger than 0 and less than 512000 bytes`). */
export const MAX_PODMAN_SECRET_BYTES = 511_999;

/** secretSizeProblems names the Secret-fed variables of a pod too large for a Podman secret (a Kubernetes Secret may hold 1 MiB). */
export function secretSizeProblems(pod: DesiredPod): string[] {
  const out: string[] = [];
  for (const c of [...pod.initContainers, ...pod.containers]) {
    for (const [name, secret] of Object.entries(c.secretEnv ?? {})) {
      const bytes = Buffer.from(pod.secrets?.find((s) => s.name === secret)?.data ?? '', 'base64').length;
      if (bytes > MAX_PODMAN_SECRET_BYTES) {
        out.push(`container ${c.manifestName}: variable ${name} would hold ${bytes} bytes of a Secret, and Podman keeps at most ${MAX_PODMAN_SECRET_BYTES} bytes in a secret; mount the Secret as a volume instead`);
      }
    }
  }
  return out;
}

/** unmadeSteps undoes madeSteps for a pod whose making failed. */
export function unmadeSteps(pod: DesiredPod): Step[] {
  const steps: Step[] = (pod.secrets ?? []).map((s): Step => ({ op: 'removeSecret', name: s.name }));
  const files = pod.labels[LABEL_FILES];
  if (files !== undefined) steps.push({ op: 'removeFiles', dir: files });
  return steps;
}

/** refreshSteps rewrites a running pod's configMap/secret/projected volume files (the writer leaves unchanged ones alone). */
export function refreshSteps(pod: DesiredPod): Step[] {
  return pod.volumes.flatMap((v): Step[] => (v.kind === 'projected' ? [{ op: 'projectFiles', dir: v.dir, files: v.files }] : []));
}
