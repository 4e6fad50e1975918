/**
 * The PersistentVolumeClaim kind's validation, as the API server's ValidatePersistentVolumeClaim
 * checks a create (pkg/apis/core/validation/validation.go): ValidateObjectMeta (the name a DNS
 * subdomain, ValidatePersistentVolumeName; the namespace a DNS label; labels and annotations) and
 * ValidatePersistentVolumeClaimSpec (validate/rules/volume-types.ts claimSpecFindings, shared with
 * an ephemeral volume's claim template). Then kubeplay's own limits, each saying why:
 * - `volumeMode: Block` is refused: a claim is a Podman named volume, which is a directory; there
 *   is no raw block device to hand a container;
 * - `dataSource` / `dataSourceRef` are refused: kubeplay would make an empty volume where the user
 *   expects a copy of other data, and silent data loss is worse than a refusal;
 * - `selector` is a warning: it picks among PersistentVolumes, and there are none to pick from (each
 *   claim gets its own volume), so ignoring it changes nothing the user can see.
 */
import { PERSISTENT_VOLUME_CLAIM_INFO } from './info';
import type { KindValidation } from '../../validate/kind-validation';
import { validateKindSchema } from '../../validate/kind-schemas';
import type { DocumentRule, Finding, InputRule, PodLike } from '../../validate/rules/rule';
import { asRecord } from '../../validate/rules/rule';
import { kubeplayOnly, required } from '../../validate/rules/field-errors';
import { subdomainMetadataRule, uniqueObjectsRule } from '../object-meta-rules';
import { claimSpecFindings } from '../../validate/rules/volume-types';

/** claimMetadataRule: the name (a DNS subdomain), the namespace (a DNS label), labels and annotations, as for every store kind. */
export const claimMetadataRule: DocumentRule = subdomainMetadataRule;

/** BLOCK_REFUSED says why a raw block claim cannot be carried out, and what to do. */
export const BLOCK_REFUSED =
  'volumeMode Block is not supported: a claim is a Podman named volume, which is a directory, and there is no raw block device to give a container; use volumeMode: Filesystem (the default) and mount the claim with volumeMounts';

/** claimSpecRule: ValidatePersistentVolumeClaimSpec, then what kubeplay cannot carry out. */
export const claimSpecRule: DocumentRule = {
  name: 'claim-spec',
  check(pvc) {
    const spec = asRecord(pvc['spec']);
    if (!spec) return [required(['spec', 'accessModes'], 'at least 1 access mode is required'), { ...required(['spec', 'resources', 'requests', 'storage']), reportPath: ['spec', 'resources', { key: 'storage' }] }];
    const out = claimSpecFindings(spec, ['spec']);
    if (spec['volumeMode'] === 'Block') out.push(kubeplayOnly(['spec', 'volumeMode'], BLOCK_REFUSED));
    for (const field of ['dataSource', 'dataSourceRef'])
      if (spec[field] !== undefined && spec[field] !== null)
        out.push(
          kubeplayOnly(
            ['spec', field],
            `${field} is not supported: kubeplay would make an empty volume where a copy of the source's data is expected; remove ${field} and copy the data into the claim's volume yourself`,
          ),
        );
    return out;
  },
};

/** notCarriedOut: a selector picks among PersistentVolumes, and kubeplay has none to pick from. */
function claimNotCarriedOut(pvc: PodLike): Finding[] {
  const spec = asRecord(pvc['spec']);
  if (spec?.['selector'] === undefined || spec['selector'] === null) return [];
  return [
    {
      path: ['spec', 'selector'],
      severity: 'warning',
      message: 'not carried out by kubeplay on Podman, so it is ignored (a selector picks among PersistentVolumes; kubeplay gives each claim its own Podman volume, so there is nothing to pick)',
    },
  ];
}

/** uniqueClaimsRule: the same claim (namespace and name) twice in the input. */
export const uniqueClaimsRule: InputRule = uniqueObjectsRule('persistentvolumeclaim');

/** withClaimDefaults is the API server's defaulting: volumeMode Filesystem when absent (SetDefaults_PersistentVolumeClaimSpec). */
function withClaimDefaults(pvc: Record<string, unknown>): Record<string, unknown> {
  const spec = asRecord(pvc['spec']);
  if (!spec || (spec['volumeMode'] !== undefined && spec['volumeMode'] !== null)) return pvc;
  return { ...pvc, spec: { ...spec, volumeMode: 'Filesystem' } };
}

/** PERSISTENT_VOLUME_CLAIM_VALIDATION is what the validate stage knows of PersistentVolumeClaims. */
export const PERSISTENT_VOLUME_CLAIM_VALIDATION: KindValidation = {
  info: PERSISTENT_VOLUME_CLAIM_INFO,
  schema: (value) => validateKindSchema('persistentvolumeclaim.v1', value),
  documentRules: () => [claimMetadataRule, claimSpecRule],
  inputRules: [uniqueClaimsRule],
  withDefaults: withClaimDefaults,
  notCarriedOut: claimNotCarriedOut,
};
