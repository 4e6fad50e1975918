/**
 * Every label key kubeplay owns. Ownership and change detection are read from these labels on
 * the Podman pod (and copied onto its containers and volumes).
 */

/** LABEL_MANAGED_BY marks objects kubeplay created; its value is MANAGED_BY_VALUE. */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
/** MANAGED_BY_VALUE is the value of LABEL_MANAGED_BY on kubeplay's objects. */
export const MANAGED_BY_VALUE = 'kubeplay';
/** LABEL_MANIFEST_HASH holds the sha256 of the normalised desired pod. */
export const LABEL_MANIFEST_HASH = 'kubeplay.io/manifest-hash';
/** LABEL_LAST_APPLIED holds the last-applied manifest as JSON (kubectl keeps it in an annotation). */
export const LABEL_LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** LABEL_KIND holds the Kubernetes kind the Podman object came from. */
export const LABEL_KIND = 'kubeplay.io/kind';
/** LABEL_NAMESPACE holds the Kubernetes namespace of the object. */
export const LABEL_NAMESPACE = 'kubeplay.io/namespace';
/** LABEL_POD holds, on containers and volumes, the name of the pod they belong to. */
export const LABEL_POD = 'kubeplay.io/pod';
/** LABEL_CONTAINER holds, on containers, the container's name in the manifest. */
export const LABEL_CONTAINER = 'kubeplay.io/container';
/** LABEL_VOLUME_KIND holds, on volumes, `emptyDir` (removed with the pod) or `pvc` (kept). */
export const LABEL_VOLUME_KIND = 'kubeplay.io/volume-kind';
/** On a pod: the Podman secrets its containers' Secret-fed variables read, comma-separated (names only, never values), removed with the pod. */
export const LABEL_SECRETS = 'kubeplay.io/secrets';
/** On a pod: the host directory holding its configMap/secret/projected volumes' files, removed with the pod. */
export const LABEL_FILES = 'kubeplay.io/files';
/** LABEL_CLAIM holds, on a PersistentVolumeClaim's volume, the claim's name (its namespace is LABEL_NAMESPACE). */
export const LABEL_CLAIM = 'kubeplay.io/claim';

/**
 * LABEL_OWNER holds, on a pod a controller made, its controller as `Kind.group/namespace/name`
 * (`ReplicaSet.apps/default/web-7d4b9c8f6d`): apply's --prune never takes such a pod (kubectl prunes
 * only what it applied), and the reconcile loop finds its pods by it.
 */
export const LABEL_OWNER = 'kubeplay.io/owner';

/** KUBEPLAY_LABEL_PREFIXES lists label prefixes that are kubeplay's, not the user's. */
export const KUBEPLAY_LABEL_KEYS: readonly string[] = [
  LABEL_MANAGED_BY,
  LABEL_MANIFEST_HASH,
  LABEL_LAST_APPLIED,
  LABEL_KIND,
  LABEL_NAMESPACE,
  LABEL_POD,
  LABEL_CONTAINER,
  LABEL_VOLUME_KIND,
  LABEL_SECRETS,
  LABEL_FILES,
  LABEL_CLAIM,
  LABEL_OWNER,
];
