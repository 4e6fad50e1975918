/**
 * The Namespace kind: kept in the store only (there is nothing of it in Podman). `default` always
 * exists; a namespaced object names its namespace in metadata.namespace (`default` when absent),
 * and a pod of another namespace gets a Podman name that cannot collide (domain/pod-names.ts).
 * Deleting a namespace deletes what kubeplay made in it; `default` cannot be deleted.
 */
import { annotationsWithLastApplied, withoutAnnotations } from '../../domain/last-applied';
import type { KubeObject, StoredObject } from '../../domain/objects';
import { DEFAULT_NAMESPACE } from '../../domain/kinds';
import type { ValidManifest } from '../../domain/types';
import type { TableSpec } from '../../print/get/format';
import { timestampSince } from '../../print/get/duration';
import type { KindModule } from '../kind';
import { NAMESPACE_INFO } from './info';

/** LABEL_METADATA_NAME is the label the API server puts on every namespace, holding its name. */
export const LABEL_METADATA_NAME = 'kubernetes.io/metadata.name';

/** namespaceObject is a Namespace as the API server stores it on create: name label, the kubernetes finalizer, phase Active. */
export function namespaceObject(m: ValidManifest): KubeObject {
  const o = m.object;
  const meta = (o['metadata'] ?? {}) as Record<string, unknown>;
  const spec = (o['spec'] ?? {}) as Record<string, unknown>;
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      ...withoutAnnotations(meta),
      name: m.ref.name,
      labels: { ...((meta['labels'] as Record<string, string> | undefined) ?? {}), [LABEL_METADATA_NAME]: m.ref.name },
      ...annotationsWithLastApplied((meta['annotations'] as Record<string, string> | undefined) ?? {}, m, o),
    },
    spec: { ...spec, finalizers: (spec['finalizers'] as string[] | undefined) ?? ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** defaultNamespace is the `default` namespace, which exists whether or not anything was applied. */
function defaultNamespace(): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: DEFAULT_NAMESPACE, uid: '', resourceVersion: '0', generation: 1, creationTimestamp: '', labels: { [LABEL_METADATA_NAME]: DEFAULT_NAMESPACE } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

interface NamespaceView {
  metadata?: { name?: string; creationTimestamp?: string };
  status?: { phase?: string };
}

/** NAMESPACE_TABLE is kubectl's table for namespaces: NAME STATUS AGE. */
export const NAMESPACE_TABLE: TableSpec<NamespaceView> = {
  resource: 'namespace',
  namespaced: false,
  headers: () => ['NAME', 'STATUS', 'AGE'],
  cells: (ns, _wide, _o, now) => [ns.metadata?.name ?? '', ns.status?.phase ?? '', timestampSince(ns.metadata?.creationTimestamp || undefined, now)],
};

/** NAMESPACE is the Namespace kind's module. */
export const NAMESPACE: KindModule = {
  info: NAMESPACE_INFO,
  // Loaded when first asked for (see KindModule.validation), as is describe's layout.
  validation: () => (require('./validation') as typeof import('./validation')).NAMESPACE_VALIDATION,
  table: NAMESPACE_TABLE,
  carriedOut: 'store',
  toStored: namespaceObject,
  builtIn: () => [defaultNamespace()],
  describe: (o) => (require('./describe') as typeof import('./describe')).describeNamespace(o),
  undeletable: (name) => (name === DEFAULT_NAMESPACE ? `namespaces "${name}" is forbidden: this namespace may not be deleted` : undefined),
};

/** namespaceNamed is a Namespace object as stored when it is adopted (no manifest: a lost store rebuilt from pods' labels). */
export function namespaceNamed(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { [LABEL_METADATA_NAME]: name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}
