/**
 * The ReplicaSet kind's validation, as the API server checks a create
 * (pkg/apis/apps/validation/validation.go ValidateReplicaSet): ValidateObjectMeta (a DNS-subdomain
 * name) and ValidateReplicaSetSpec (replicas and minReadySeconds not negative; the selector
 * required, valid, not empty (upstream words it `empty selector is invalid for deployment`, for a
 * ReplicaSet too) and matching the template's labels; the template with every Pod rule,
 * restartPolicy Always, no activeDeadlineSeconds). Then kubeplay's own rule: a hostPort with more
 * than one replica.
 */
import { REPLICASET_INFO } from './info';
import type { KindValidation } from '../../validate/kind-validation';
import { validateKindSchema } from '../../validate/kind-schemas';
import type { DocumentRule, PodLike } from '../../validate/rules/rule';
import { subdomainMetadataRule, uniqueObjectsRule } from '../object-meta-rules';
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
  withSpecDefaults,
} from '../workload';

/** replicaSetDefaults is SetDefaults_ReplicaSet (apps/v1): replicas 1. */
export function replicaSetDefaults(spec: Record<string, unknown>): Record<string, unknown> {
  return { ...spec, replicas: typeof spec['replicas'] === 'number' ? spec['replicas'] : 1 };
}

/** replicaSetSpecRule is ValidateReplicaSetSpec (the template's Pod rules run separately, see templateRules). */
export const replicaSetSpecRule: DocumentRule = {
  name: 'replicaset-spec',
  check(raw) {
    return [
      ...nonNegative(raw, ['spec', 'replicas']),
      ...nonNegative(raw, ['spec', 'minReadySeconds']),
      ...selectorFindings(raw, { required: true, emptyWord: 'deployment', unparsable: 'invalid label selector', emptySkipsMatch: true }),
      ...restartPolicyAlways(raw),
      ...activeDeadlineForbidden(raw, 'ReplicaSet'),
      ...hostPortReplicaFindings(raw, replicasOf(raw), 'ReplicaSet'),
    ];
  },
};

/** REPLICASET_VALIDATION is what the validate stage knows of ReplicaSets. */
export const REPLICASET_VALIDATION: KindValidation = {
  info: REPLICASET_INFO,
  schema: (value) => withoutCoveredRequired(validateKindSchema('replicaset.apps-v1', value)),
  documentRules: (profile) => [subdomainMetadataRule, replicaSetSpecRule, ...templateRules(profile)],
  inputRules: [uniqueObjectsRule('replicaset')],
  withDefaults: (o: PodLike) => withSpecDefaults(o, replicaSetDefaults),
  notCarriedOut: (o) => templateNotCarriedOut(o),
};
