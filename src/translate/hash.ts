/**
 * manifestHash: the change-detection hash kept in LABEL_MANIFEST_HASH (compose's config-hash
 * label). It runs over the desired pod with keys sorted and kubeplay's bookkeeping labels dropped,
 * so the same manifest always hashes the same, whatever its key order or formatting.
 */
import { createHash } from 'node:crypto';
import type { V1Pod } from '@kubernetes/client-node';
import type { DesiredPod } from '../domain/types';
import { LABEL_LAST_APPLIED, LABEL_MANIFEST_HASH, LABEL_SECRETS } from '../domain/labels';
import { canonicalJson } from '../domain/canonical-json';

/** HASH_VERSION changes when the normalised form changes, so old pods are seen as changed. */
export const HASH_VERSION = 'v1';

export { canonicalJson };

/**
 * manifestHash returns `v1-<sha256 hex, 16 chars>` of the normalised desired pod.
 *
 * A pod that reads ConfigMaps or Secrets (`basis`, see sourceBasis) is hashed without what it read:
 * its containers' resolved environment and command line, its Podman secrets and its volumes'
 * files are replaced by the references as written. A changed ConfigMap then leaves the pod as it
 * is, as in Kubernetes (mounted files are refreshed in place; variables keep their values until
 * the pod is made again), while a changed reference still changes the hash.
 */
export function manifestHash(pod: DesiredPod, basis?: unknown): string {
  const labels = { ...pod.labels };
  delete labels[LABEL_MANIFEST_HASH];
  delete labels[LABEL_LAST_APPLIED];
  delete labels[LABEL_SECRETS];
  const unhashed = withoutServiceEnv(pod);
  const view = basis === undefined ? { ...unhashed, labels } : { ...withoutSourced(unhashed), labels, basis };
  const digest = createHash('sha256').update(canonicalJson(view)).digest('hex');
  return `${HASH_VERSION}-${digest.slice(0, 16)}`;
}

/** withoutServiceEnv drops the Service variables, which depend on the Services existing when the pod is made. */
function withoutServiceEnv(pod: DesiredPod): DesiredPod {
  const strip = (c: DesiredPod['containers'][number]): DesiredPod['containers'][number] => {
    const { serviceEnv: _v, ...rest } = c;
    return rest;
  };
  return { ...pod, initContainers: pod.initContainers.map(strip), containers: pod.containers.map(strip) };
}

/** withoutSourced drops from a pod what it read from ConfigMaps and Secrets (manifestHash). */
function withoutSourced(pod: DesiredPod): DesiredPod {
  const strip = (c: DesiredPod['containers'][number]): DesiredPod['containers'][number] => {
    const { env: _e, secretEnv: _s, entrypoint: _p, command: _c, ...rest } = c;
    return { ...rest, env: {} };
  };
  const { secrets: _secrets, ...rest } = pod;
  return {
    ...rest,
    volumes: pod.volumes.map((v) => (v.kind === 'projected' ? { ...v, files: [] } : v)),
    initContainers: pod.initContainers.map(strip),
    containers: pod.containers.map(strip),
  };
}

/**
 * sourceBasis is what a pod's hash covers of its references to ConfigMaps and Secrets: each
 * container's env, envFrom, command and args and the configMap/secret/downwardAPI/projected volumes,
 * as written; undefined for a pod that reads no ConfigMap or Secret (hashed as it always was).
 */
export function sourceBasis(pod: V1Pod): unknown {
  const spec = pod.spec;
  const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  const readsEnv = containers.some((c) => (c.envFrom ?? []).length > 0 || (c.env ?? []).some((e) => e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef));
  const volumes = (spec?.volumes ?? []).filter((v) => v.configMap || v.secret || v.projected || v.downwardAPI);
  if (!readsEnv && volumes.length === 0) return undefined;
  return {
    containers: containers.map((c) => ({ name: c.name, env: c.env ?? [], envFrom: c.envFrom ?? [], command: c.command ?? [], args: c.args ?? [] })),
    volumes,
  };
}

/** withHash returns the pod with its hash label set (`basis`: sourceBasis of its manifest). */
export function withHash(pod: DesiredPod, basis?: unknown): DesiredPod {
  return { ...pod, labels: { ...pod.labels, [LABEL_MANIFEST_HASH]: manifestHash(pod, basis) } };
}
