/**
 * Kubernetes objects as kubeplay keeps them (the object store, src/store) and hands them between
 * stages: apiVersion, kind, metadata, and spec, status or any other top-level field (data, ...).
 * Types, and how an object's key is read.
 */

/** ObjectMeta is the metadata the store reads and stamps; other fields are kept as given. */
export interface ObjectMeta {
  name: string;
  /** The namespace; absent or '' for a cluster-scoped object (the caller's registry decides). */
  namespace?: string;
  uid?: string;
  /** The store revision of the object's last change, as a decimal string. */
  resourceVersion?: string;
  generation?: number;
  /** RFC 3339 to the second, as the API server writes it: `2024-05-01T10:00:00Z`. */
  creationTimestamp?: string;
  labels?: Record<string, string>;
  /** Includes `kubectl.kubernetes.io/last-applied-configuration` when apply keeps one. */
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** KubeObject is one Kubernetes object as stored: spec, status and any other top-level field (data, ...). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

/** StoredObject is a KubeObject the store returned: its metadata stamped. */
export interface StoredObject extends KubeObject {
  metadata: ObjectMeta & { uid: string; resourceVersion: string; generation: number; creationTimestamp: string };
}


/**
 * ObjectKey names one object: `kind` is the group-qualified kind (GroupKind's text form,
 * `Pod`, `Deployment.apps`), `namespace` is '' for a cluster-scoped object.
 */
export interface ObjectKey {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * groupKindOf is GroupKind's text form: the kind for the core group (`v1` → `Pod`), else
 * `Kind.group` (`apps/v1` → `Deployment.apps`). The version is not part of an object's identity.
 */
export function groupKindOf(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? kind : `${kind}.${apiVersion.slice(0, slash)}`;
}

/** objectKeyOf is the key of an object; a missing namespace is '' (cluster-scoped). */
export function objectKeyOf(object: KubeObject): ObjectKey {
  return { kind: groupKindOf(object.apiVersion, object.kind), namespace: object.metadata.namespace ?? '', name: object.metadata.name };
}
