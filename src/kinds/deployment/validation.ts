/**
 * The Deployment kind's validation, as the API server checks a create
 * (pkg/apis/apps/validation/validation.go ValidateDeployment): ValidateObjectMeta (a DNS-subdomain
 * name), ValidateDeploymentSpec (replicas, the selector: required, valid, not empty, matching the
 * template's labels; the template with every Pod rule (ValidatePodTemplateSpecForReplicaSet),
 * restartPolicy Always, no activeDeadlineSeconds; the strategy (ValidateDeploymentStrategy,
 * ValidateRollingUpdateDeployment: numbers or percentages, not both 0, maxUnavailable at most
 * 100%); minReadySeconds, revisionHistoryLimit, progressDeadlineSeconds above minReadySeconds),
 * checked on the object with the API server's defaults applied (a strategy left out is
 * RollingUpdate 25%/25%). Then kubeplay's own rule: a hostPort with more than one replica.
 */
import { DEPLOYMENT_INFO } from './info';
import type { KindValidation } from '../../validate/kind-validation';
import { validateKindSchema } from '../../validate/kind-schemas';
import type { DocumentRule, Finding, PodLike } from '../../validate/rules/rule';
import { asRecord } from '../../validate/rules/rule';
import { forbidden, goQuote, goStringer, invalid, required } from '../../validate/rules/field-errors';
import { subdomainMetadataRule, uniqueObjectsRule } from '../object-meta-rules';
import {
  activeDeadlineForbidden,
  goIntOrString,
  hostPortReplicaFindings,
  intOrPercentValue,
  nonNegative,
  notMoreThan100Percent,
  positiveIntOrPercent,
  replicasOf,
  restartPolicyAlways,
  selectorFindings,
  templateNotCarriedOut,
  templateRules,
  withoutCoveredRequired,
  withSpecDefaults,
} from '../workload';

type Rec = Record<string, unknown>;

/** deploymentDefaults is SetDefaults_Deployment (apps/v1): replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600. */
export function deploymentDefaults(spec: Rec): Rec {
  const strategy = asRecord(spec['strategy']) ?? {};
  const type = strategy['type'] ?? 'RollingUpdate';
  let rollingUpdate = strategy['rollingUpdate'];
  if (type === 'RollingUpdate') {
    const ru = asRecord(rollingUpdate) ?? {};
    rollingUpdate = { maxUnavailable: ru['maxUnavailable'] ?? '25%', maxSurge: ru['maxSurge'] ?? '25%' };
  }
  return {
    replicas: 1,
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    ...withoutNulls(spec),
    strategy: { ...strategy, type, ...(rollingUpdate !== undefined && rollingUpdate !== null ? { rollingUpdate } : {}) },
  };
}

/** withoutNulls drops fields given as null (unset, for the API server). */
export function withoutNulls(r: Rec): Rec {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null && v !== undefined));
}

/** strategyFindings is ValidateDeploymentStrategy on the defaulted strategy. */
function strategyFindings(spec: Rec): Finding[] {
  const strategy = asRecord(spec['strategy']) ?? {};
  const at = ['spec', 'strategy'];
  const ru = asRecord(strategy['rollingUpdate']);
  switch (strategy['type']) {
    case 'Recreate':
      return ru ? [forbidden([...at, 'rollingUpdate'], "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      if (!ru) return [required([...at, 'rollingUpdate'], 'this should be defaulted and never be nil')];
      const out: Finding[] = [];
      const mu = ru['maxUnavailable'];
      const ms = ru['maxSurge'];
      out.push(...positiveIntOrPercent(mu, [...at, 'rollingUpdate', 'maxUnavailable']), ...positiveIntOrPercent(ms, [...at, 'rollingUpdate', 'maxSurge']));
      if (intOrPercentValue(mu) === 0 && intOrPercentValue(ms) === 0)
        out.push(invalid([...at, 'rollingUpdate', 'maxUnavailable'], goStringer(goIntOrString(mu)), 'may not be 0 when `maxSurge` is 0'));
      out.push(...notMoreThan100Percent(mu, [...at, 'rollingUpdate', 'maxUnavailable']));
      return out;
    }
    default: {
      // field.NotSupported(spec.strategy, strategy, ...) prints the whole struct (%#v); a given
      // rollingUpdate is a pointer whose address the API server prints and kubeplay cannot know.
      const value = `apps.DeploymentStrategy{Type:${goQuote(String(strategy['type']))}, RollingUpdate:(*apps.RollingUpdateDeployment)(${ru ? '0x...' : 'nil'})}`;
      return [{ path: [...at, 'type'], reportPath: at, message: `Unsupported value: ${value}: supported values: "Recreate", "RollingUpdate"` }];
    }
  }
}

/** deploymentSpecRule is ValidateDeploymentSpec (the template's Pod rules run separately, see templateRules). */
export const deploymentSpecRule: DocumentRule = {
  name: 'deployment-spec',
  check(raw) {
    const o = withSpecDefaults(raw, deploymentDefaults);
    const spec = asRecord(o['spec']) ?? {};
    const out: Finding[] = [...nonNegative(o, ['spec', 'replicas'])];
    out.push(...selectorFindings(o, { required: true, emptyWord: 'deployment', unparsable: 'invalid label selector', emptySkipsMatch: true }));
    out.push(...restartPolicyAlways(raw), ...activeDeadlineForbidden(raw, 'ReplicaSet'));
    out.push(...strategyFindings(spec));
    out.push(...nonNegative(o, ['spec', 'minReadySeconds']), ...nonNegative(o, ['spec', 'revisionHistoryLimit']));
    const pds = spec['progressDeadlineSeconds'];
    const mrs = typeof spec['minReadySeconds'] === 'number' ? spec['minReadySeconds'] : 0;
    if (typeof pds === 'number') {
      out.push(...nonNegative(o, ['spec', 'progressDeadlineSeconds']));
      if (pds <= mrs) out.push(invalid(['spec', 'progressDeadlineSeconds'], pds, 'must be greater than minReadySeconds'));
    }
    out.push(...hostPortReplicaFindings(raw, replicasOf(raw), 'Deployment'));
    return out;
  },
};

/** DEPLOYMENT_VALIDATION is what the validate stage knows of Deployments. */
export const DEPLOYMENT_VALIDATION: KindValidation = {
  info: DEPLOYMENT_INFO,
  schema: (value) => withoutCoveredRequired(validateKindSchema('deployment.apps-v1', value)),
  documentRules: (profile) => [subdomainMetadataRule, deploymentSpecRule, ...templateRules(profile)],
  inputRules: [uniqueObjectsRule('deployment')],
  withDefaults: (o: PodLike) => withSpecDefaults(o, deploymentDefaults),
  notCarriedOut: (o) => templateNotCarriedOut(o),
};
