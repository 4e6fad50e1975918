/**
 * The PersistentVolumeClaim kind: an object in the store AND a Podman named volume, bound at once.
 * The stored form is what the API server and a binder (the PV controller with a provisioner) would
 * leave: the spec as given (volumeMode defaulted to Filesystem) with a generated spec.volumeName,
 * the pvc-protection finalizer the admission plugin adds on create, the binder's annotations, and
 * status Bound with the requested capacity. The volume itself is planned in plan/plan-claims.ts
 * (ensured on apply; removed on delete after the pods using it, never while a pod still uses it).
 */
import { annotationsWithLastApplied, withoutAnnotations } from '../../domain/last-applied';
import { createHash } from 'node:crypto';
import type { KubeObject, StoredObject } from '../../domain/objects';
import type { ValidManifest } from '../../domain/types';
import { canonicalJson } from '../../domain/canonical-json';
import { textOf } from '../../domain/text';
import type { TableSpec } from '../../print/get/format';
import { timestampSince } from '../../print/get/duration';
import type { KindModule } from '../kind';
import { PERSISTENT_VOLUME_CLAIM_INFO } from './info';
import { formatQuantity, parseQuantity } from '../../validate/rules/quantity';

/** PVC_PROTECTION_FINALIZER is the finalizer that keeps a claim while a pod uses it (kubernetes.io/pvc-protection). */
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
/** BIND_ANNOTATIONS are what the PV controller writes on a claim it bound. */
const BIND_ANNOTATIONS: Readonly<Record<string, string>> = { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' };
/** BETA_STORAGE_CLASS is the annotation that named a claim's class before spec.storageClassName. */
const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** ClaimSpec is the part of a claim's spec kubeplay reads. */
export interface ClaimSpec {
  accessModes?: string[];
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  storageClassName?: string;
  volumeAttributesClassName?: string;
  volumeMode?: string;
  volumeName?: string;
  [field: string]: unknown;
}

/** ClaimView is a claim as the table and describe read it. */
export interface ClaimView {
  metadata?: { name?: string; namespace?: string; creationTimestamp?: string; deletionTimestamp?: string; annotations?: Record<string, string> };
  spec?: ClaimSpec;
  status?: { phase?: string; accessModes?: string[]; capacity?: Record<string, string> };
}

/**
 * generatedVolumeName is the name a binder gives the claim's PersistentVolume: `pvc-` and a
 * UUID-shaped digest of namespace/name, so the stored form is a pure function of the manifest
 * (apply compares the stored object with the desired one).
 */
export function generatedVolumeName(namespace: string, name: string): string {
  const h = createHash('sha256').update(`${namespace}/${name}`).digest('hex');
  return `pvc-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** storageText is a quantity in the API server's canonical text (`1024Mi` is `1Gi`); the given text when it does not parse. */
function storageText(v: unknown): string {
  const q = parseQuantity(v);
  return q ? formatQuantity(q) : textOf(v ?? '');
}

/** claimObject is a claim as the API server stores it once a binder has bound it; see the module comment. */
export function claimObject(m: ValidManifest): KubeObject {
  const o = m.object;
  const meta = (o['metadata'] ?? {}) as Record<string, unknown>;
  const spec = (o['spec'] ?? {}) as ClaimSpec;
  const storage = spec.resources?.requests?.['storage'];
  const finalizers = (meta['finalizers'] as string[] | undefined) ?? [];
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      ...withoutAnnotations(meta),
      name: m.ref.name,
      namespace: m.ref.namespace,
      ...annotationsWithLastApplied({ ...((meta['annotations'] as Record<string, string> | undefined) ?? {}), ...BIND_ANNOTATIONS }, m, o),
      finalizers: finalizers.includes(PVC_PROTECTION_FINALIZER) ? finalizers : [...finalizers, PVC_PROTECTION_FINALIZER],
    },
    spec: { ...spec, volumeName: spec.volumeName || generatedVolumeName(m.ref.namespace, m.ref.name) },
    status: { phase: 'Bound', accessModes: [...(spec.accessModes ?? [])], capacity: { storage: storageText(storage) } },
  };
}

/** ACCESS_MODE_ORDER is GetAccessModesAsString's order and abbreviations. */
const ACCESS_MODE_ORDER: ReadonlyArray<[mode: string, short: string]> = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** accessModesText is kubectl's GetAccessModesAsString: `RWO,ROX`, each mode once, in a fixed order. */
export function accessModesText(modes: readonly string[] | undefined): string {
  return ACCESS_MODE_ORDER.filter(([m]) => (modes ?? []).includes(m)).map(([, s]) => s).join(',');
}

/** claimClass is GetPersistentVolumeClaimClass: the beta annotation first, then spec.storageClassName. */
export function claimClass(c: ClaimView): string {
  return c.metadata?.annotations?.[BETA_STORAGE_CLASS] ?? c.spec?.storageClassName ?? '';
}

/** claimPhase is the phase get and describe show: Terminating once a deletion was asked for. */
export function claimPhase(c: ClaimView): string {
  return c.metadata?.deletionTimestamp ? 'Terminating' : (c.status?.phase ?? '');
}

/** PERSISTENT_VOLUME_CLAIM_TABLE is kubectl 1.32's printPersistentVolumeClaim (-o wide adds VOLUMEMODE). */
export const PERSISTENT_VOLUME_CLAIM_TABLE: TableSpec<ClaimView> = {
  resource: 'persistentvolumeclaim',
  namespaced: true,
  headers: (wide) => ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE', ...(wide ? ['VOLUMEMODE'] : [])],
  cells: (c, wide, _o, now) => {
    const bound = (c.spec?.volumeName ?? '') !== '';
    return [
      c.metadata?.name ?? '',
      claimPhase(c),
      c.spec?.volumeName ?? '',
      bound ? (c.status?.capacity?.['storage'] ?? '') : '',
      bound ? accessModesText(c.status?.accessModes) : '',
      claimClass(c),
      c.spec?.volumeAttributesClassName ?? '<unset>',
      timestampSince(c.metadata?.creationTimestamp || undefined, now),
      ...(wide ? [c.spec?.volumeMode ?? '<unset>'] : []),
    ];
  },
};

/**
 * claimUpdateProblems is the API server's ValidatePersistentVolumeClaimUpdate for a bound claim:
 * the spec may change only in resources.requests and volumeAttributesClassName, and the storage
 * request may not shrink. Messages as the API server words them (`PersistentVolumeClaim "data" is
 * invalid: ...`), several in one bracketed list as it joins them. The spec message's diff (Go's
 * cmp.Diff) is given as kubeplay's own lines, one per field that differs.
 */
export function claimUpdateProblems(stored: StoredObject, next: KubeObject): string[] {
  const oldSpec = (stored.spec ?? {}) as ClaimSpec;
  const newSpec = (next.spec ?? {}) as ClaimSpec;
  const errs: string[] = [];
  // The binder may set volumeName once; storage and volumeAttributesClassName may change on a bound claim.
  const oldStorage = oldSpec.resources?.requests?.['storage'];
  const withOld = (sp: ClaimSpec): Record<string, unknown> => ({
    ...sp,
    resources: { ...(sp.resources ?? {}), requests: { ...(sp.resources?.requests ?? {}), storage: oldStorage } },
    volumeAttributesClassName: oldSpec.volumeAttributesClassName,
  });
  const a = { ...withOld(oldSpec), volumeName: oldSpec.volumeName || newSpec.volumeName };
  const b = withOld(newSpec);
  if (canonicalJson(a) !== canonicalJson(b)) {
    const text = (o: Record<string, unknown>, k: string) => canonicalJson(o[k] ?? null);
    const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().filter((k) => text(a, k) !== text(b, k));
    const diff = fields.map((k) => `  spec.${k}: ${text(a, k)} -> ${text(b, k)}`);
    errs.push(`spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${diff.join('\n')}`);
  }
  const oldSize = parseQuantity(oldSpec.resources?.requests?.['storage']);
  const newSize = parseQuantity(newSpec.resources?.requests?.['storage']);
  if (oldSize && newSize && newSize.value < oldSize.value) errs.push('spec.resources.requests.storage: Forbidden: field can not be less than previous value');
  if (errs.length === 0) return [];
  const head = `PersistentVolumeClaim "${next.metadata.name}" is invalid: `;
  return [errs.length === 1 ? `${head}${errs[0]!}` : `${head}[${errs.join(', ')}]`];
}

/** PERSISTENT_VOLUME_CLAIM is the PersistentVolumeClaim kind's module. */
export const PERSISTENT_VOLUME_CLAIM: KindModule = {
  info: PERSISTENT_VOLUME_CLAIM_INFO,
  // Loaded when first asked for (see KindModule.validation), as is describe's layout.
  validation: () => (require('./validation') as typeof import('./validation')).PERSISTENT_VOLUME_CLAIM_VALIDATION,
  table: PERSISTENT_VOLUME_CLAIM_TABLE,
  carriedOut: 'store',
  toStored: claimObject,
  describe: (o, related) => (require('./describe') as typeof import('./describe')).describeClaim(o, related),
  updateProblems: claimUpdateProblems,
};
