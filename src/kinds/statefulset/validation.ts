/**
 * The StatefulSet kind's validation, as the API server checks a create
 * (pkg/apis/apps/validation/validation.go ValidateStatefulSet): ValidateObjectMeta with a DNS-label
 * name (ValidateStatefulSetName), ValidateStatefulSetSpec on the defaulted object
 * (podManagementPolicy OrderedReady or Parallel; updateStrategy RollingUpdate (partition not
 * negative) or OnDelete (no rollingUpdate); persistentVolumeClaimRetentionPolicy Retain or Delete;
 * replicas, minReadySeconds, ordinals.start not negative; the selector required, valid, not empty,
 * matching the template's labels; restartPolicy Always; no activeDeadlineSeconds).
 *
 * Upstream leaves the template's pod spec unchecked at create (a TODO in
 * ValidatePodTemplateSpecForStatefulSet) and refuses each pod when the controller makes it;
 * kubeplay checks the template with every Pod rule up front, with the claim templates' volumes
 * added as the controller adds them, so a mount of a claim template is found. Each claim template
 * is checked as its claims will be (a name; ValidatePersistentVolumeClaimSpec). Then kubeplay's own
 * rule: a hostPort with more than one replica.
 */
import { STATEFULSET_INFO } from './info';
import type { JsonPath } from '../../domain/types';
import type { KindValidation } from '../../validate/kind-validation';
import { validateKindSchema } from '../../validate/kind-schemas';
import type { DocumentRule, Finding, PodLike } from '../../validate/rules/rule';
import { asArray, asRecord } from '../../validate/rules/rule';
import { goQuote, invalid, notSupported, required } from '../../validate/rules/field-errors';
import { objectMetaFindings } from '../../validate/rules/metadata';
import { claimSpecFindings } from '../../validate/rules/volume-types';
import { isDNS1123Subdomain } from '../../validate/rules/k8s-names';
import { uniqueObjectsRule } from '../object-meta-rules';
import {
  activeDeadlineForbidden,
  hostPortReplicaFindings,
  nonNegative,
  replicasOf,
  restartPolicyAlways,
  selectorFindings,
  templateNotCarriedOut,
  templateRules,
  withoutCoveredRequired,
  nameOf,
  withSpecDefaults,
  type AddedVolume,
  type TemplateOptions,
} from '../workload';

type Rec = Record<string, unknown>;

/** statefulSetDefaults is SetDefaults_StatefulSet (apps/v1), with each claim template defaulted as a claim. */
export function statefulSetDefaults(spec: Rec): Rec {
  const strategy = asRecord(spec['updateStrategy']) ?? {};
  const type = strategy['type'] || 'RollingUpdate';
  const ru = asRecord(strategy['rollingUpdate']);
  const updateStrategy = type === 'RollingUpdate' ? { ...strategy, type, rollingUpdate: { ...(ru ?? {}), partition: typeof ru?.['partition'] === 'number' ? ru['partition'] : 0 } } : { ...strategy, type };
  const retention = asRecord(spec['persistentVolumeClaimRetentionPolicy']) ?? {};
  const out: Rec = {
    replicas: 1,
    revisionHistoryLimit: 10,
    ...Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== null && v !== undefined)),
    podManagementPolicy: spec['podManagementPolicy'] || 'OrderedReady',
    updateStrategy,
    persistentVolumeClaimRetentionPolicy: { ...retention, whenDeleted: retention['whenDeleted'] || 'Retain', whenScaled: retention['whenScaled'] || 'Retain' },
  };
  if (Array.isArray(spec['volumeClaimTemplates']))
    out['volumeClaimTemplates'] = asArray(spec['volumeClaimTemplates']).map((t) => {
      const r = asRecord(t);
      if (!r) return t;
      const cs = asRecord(r['spec']) ?? {};
      return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...r, spec: { ...cs, volumeMode: cs['volumeMode'] || 'Filesystem' }, status: { phase: 'Pending' } };
    });
  return out;
}

/** claimName is the claim a StatefulSet's pod gets for a claim template: `<template>-<statefulset>-<ordinal>`. */
export function claimName(template: string, statefulSet: string, ordinal: number): string {
  return `${template}-${statefulSet}-${ordinal}`;
}

/** STATEFULSET_TEMPLATE: each pod gets one persistentVolumeClaim volume per claim template (the first pod's, for the rules). */
export const STATEFULSET_TEMPLATE: TemplateOptions = {
  addedVolumes(o) {
    const name = nameOf(o);
    const out: AddedVolume[] = [];
    asArray(asRecord(o['spec'])?.['volumeClaimTemplates']).forEach((t, i) => {
      const claim = asRecord(asRecord(t)?.['metadata'])?.['name'];
      if (typeof claim === 'string' && claim !== '') out.push({ volume: { name: claim, persistentVolumeClaim: { claimName: claimName(claim, name, 0) } }, at: ['spec', 'volumeClaimTemplates', i, 'metadata', 'name'] });
    });
    return out;
  },
};

/** statefulSetMetadataRule: ValidateObjectMeta with a DNS-label name (ValidateStatefulSetName). */
export const statefulSetMetadataRule: DocumentRule = {
  name: 'metadata',
  check: (o) => objectMetaFindings(asRecord(o['metadata']), { name: 'label', namespaced: true, noun: 'statefulset' }),
};

/** claimTemplateFindings: each claim template has a name whose claims are valid names, and a valid claim spec. */
function claimTemplateFindings(o: PodLike): Finding[] {
  const out: Finding[] = [];
  const name = nameOf(o);
  asArray(asRecord(o['spec'])?.['volumeClaimTemplates']).forEach((t, i) => {
    const at: JsonPath = ['spec', 'volumeClaimTemplates', i];
    const r = asRecord(t) ?? {};
    const claim = asRecord(r['metadata'])?.['name'];
    if (typeof claim !== 'string' || claim === '') out.push(required([...at, 'metadata', 'name'], 'name or generateName is required'));
    else for (const e of isDNS1123Subdomain(claimName(claim, name, 0))) out.push(invalid([...at, 'metadata', 'name'], claimName(claim, name, 0), e));
    out.push(...claimSpecFindings(asRecord(r['spec']) ?? {}, [...at, 'spec']));
  });
  return out;
}

/** statefulSetSpecRule is ValidateStatefulSetSpec (the template's Pod rules run separately, see templateRules). */
export const statefulSetSpecRule: DocumentRule = {
  name: 'statefulset-spec',
  check(raw) {
    const o = withSpecDefaults(raw, statefulSetDefaults);
    const spec = asRecord(o['spec']) ?? {};
    const out: Finding[] = [];
    const pmp = spec['podManagementPolicy'];
    if (pmp !== 'OrderedReady' && pmp !== 'Parallel') out.push(invalid(['spec', 'podManagementPolicy'], String(pmp), "must be 'OrderedReady' or 'Parallel'"));
    const us = asRecord(spec['updateStrategy']) ?? {};
    const ru = asRecord(us['rollingUpdate']);
    if (us['type'] === 'OnDelete') {
      if (ru) out.push({ path: ['spec', 'updateStrategy', 'rollingUpdate'], message: `Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:${typeof ru['partition'] === 'number' ? ru['partition'] : 0}, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'` });
    } else if (us['type'] === 'RollingUpdate') {
      out.push(...nonNegative(o, ['spec', 'updateStrategy', 'rollingUpdate', 'partition']));
    } else {
      out.push({ path: ['spec', 'updateStrategy', 'type'], reportPath: ['spec', 'updateStrategy'], message: `Invalid value: apps.StatefulSetUpdateStrategy{Type:${goQuote(String(us['type']))}, RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'` });
    }
    const retention = asRecord(spec['persistentVolumeClaimRetentionPolicy']) ?? {};
    for (const k of ['whenDeleted', 'whenScaled'])
      if (retention[k] !== 'Retain' && retention[k] !== 'Delete') out.push(notSupported(['spec', 'persistentVolumeClaimRetentionPolicy', k], retention[k], ['Retain', 'Delete']));
    out.push(...nonNegative(o, ['spec', 'replicas']), ...nonNegative(o, ['spec', 'minReadySeconds']));
    const start = asRecord(spec['ordinals'])?.['start'];
    if (typeof start === 'number' && start < 0) out.push(invalid(['spec', 'ordinals', 'start'], start, 'must be greater than or equal to 0'));
    out.push(...selectorFindings(o, { required: true, emptyWord: 'statefulset', unparsable: '', emptySkipsMatch: true }));
    out.push(...restartPolicyAlways(raw), ...activeDeadlineForbidden(raw, 'StatefulSet'));
    out.push(...claimTemplateFindings(raw));
    out.push(...hostPortReplicaFindings(raw, replicasOf(raw), 'StatefulSet'));
    return out;
  },
};

/** STATEFULSET_VALIDATION is what the validate stage knows of StatefulSets. */
export const STATEFULSET_VALIDATION: KindValidation = {
  info: STATEFULSET_INFO,
  schema: (value) => withoutCoveredRequired(validateKindSchema('statefulset.apps-v1', value)),
  documentRules: (profile) => [statefulSetMetadataRule, statefulSetSpecRule, ...templateRules(profile, STATEFULSET_TEMPLATE)],
  inputRules: [uniqueObjectsRule('statefulset')],
  withDefaults: (o: PodLike) => withSpecDefaults(o, statefulSetDefaults),
  notCarriedOut: (o) => templateNotCarriedOut(o, STATEFULSET_TEMPLATE),
};
