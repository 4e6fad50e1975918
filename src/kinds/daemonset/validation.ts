/**
 * The DaemonSet kind's validation, as the API server checks a create
 * (pkg/apis/apps/validation/validation.go ValidateDaemonSet): ValidateObjectMeta (a DNS-subdomain
 * name) and ValidateDaemonSetSpec on the defaulted object: the selector valid, not empty, matching
 * the template's labels (a missing one selects nothing, so it does not match: upstream has no
 * Required message for it); the template with every Pod rule, restartPolicy Always, no
 * activeDeadlineSeconds; minReadySeconds, templateGeneration and revisionHistoryLimit not
 * negative; the update strategy (ValidateDaemonSetUpdateStrategy, ValidateRollingUpdateDaemonSet:
 * numbers or percentages up to 100%, exactly one of maxUnavailable and maxSurge non-zero).
 * The template's nodeSelector is no warning here: the DaemonSet controller matches it against the
 * node's labels.
 */
import { DAEMONSET_INFO } from './info';
import type { KindValidation } from '../../validate/kind-validation';
import { validateKindSchema } from '../../validate/kind-schemas';
import type { DocumentRule, Finding, PodLike } from '../../validate/rules/rule';
import { asRecord } from '../../validate/rules/rule';
import { goQuote, goStringer, invalid, required } from '../../validate/rules/field-errors';
import { subdomainMetadataRule, uniqueObjectsRule } from '../object-meta-rules';
import {
  activeDeadlineForbidden,
  goIntOrString,
  intOrPercentValue,
  nonNegative,
  notMoreThan100Percent,
  positiveIntOrPercent,
  restartPolicyAlways,
  selectorFindings,
  templateNotCarriedOut,
  templateRules,
  withoutCoveredRequired,
  withSpecDefaults,
} from '../workload';

type Rec = Record<string, unknown>;

/** daemonSetDefaults is SetDefaults_DaemonSet (apps/v1): RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10. */
export function daemonSetDefaults(spec: Rec): Rec {
  const strategy = asRecord(spec['updateStrategy']) ?? {};
  const type = strategy['type'] || 'RollingUpdate';
  let updateStrategy: Rec = { ...strategy, type };
  if (type === 'RollingUpdate') {
    const ru = asRecord(strategy['rollingUpdate']) ?? {};
    updateStrategy = { ...updateStrategy, rollingUpdate: { ...ru, maxUnavailable: ru['maxUnavailable'] ?? 1, maxSurge: ru['maxSurge'] ?? 0 } };
  }
  return { revisionHistoryLimit: 10, ...Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== null && v !== undefined)), updateStrategy };
}

/** updateStrategyFindings is ValidateDaemonSetUpdateStrategy on the defaulted strategy. */
function updateStrategyFindings(spec: Rec): Finding[] {
  const at = ['spec', 'updateStrategy'];
  const s = asRecord(spec['updateStrategy']) ?? {};
  if (s['type'] === 'OnDelete') return [];
  if (s['type'] !== 'RollingUpdate') {
    const value = `apps.DaemonSetUpdateStrategy{Type:${goQuote(String(s['type']))}, RollingUpdate:(*apps.RollingUpdateDaemonSet)(${s['rollingUpdate'] ? '0x...' : 'nil'})}`;
    return [{ path: [...at, 'type'], reportPath: at, message: `Unsupported value: ${value}: supported values: "RollingUpdate", "OnDelete"` }];
  }
  const ru = asRecord(s['rollingUpdate']);
  if (!ru) return [required([...at, 'rollingUpdate'])];
  const mu = ru['maxUnavailable'];
  const ms = ru['maxSurge'];
  const p = (k: string) => [...at, 'rollingUpdate', k];
  const out = [...positiveIntOrPercent(mu, p('maxUnavailable')), ...positiveIntOrPercent(ms, p('maxSurge')), ...notMoreThan100Percent(mu, p('maxUnavailable')), ...notMoreThan100Percent(ms, p('maxSurge'))];
  const hasUnavailable = intOrPercentValue(mu) !== 0;
  const hasSurge = intOrPercentValue(ms) !== 0;
  if (hasUnavailable && hasSurge) out.push(invalid(p('maxSurge'), goStringer(goIntOrString(ms)), 'may not be set when maxUnavailable is non-zero'));
  else if (!hasUnavailable && !hasSurge) out.push(required(p('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
  return out;
}

/** daemonSetSpecRule is ValidateDaemonSetSpec (the template's Pod rules run separately, see templateRules). */
export const daemonSetSpecRule: DocumentRule = {
  name: 'daemonset-spec',
  check(raw) {
    const o = withSpecDefaults(raw, daemonSetDefaults);
    const spec = asRecord(o['spec']) ?? {};
    return [
      ...selectorFindings(o, { required: false, emptyWord: 'daemonset', emptySkipsMatch: false }),
      ...restartPolicyAlways(raw),
      ...activeDeadlineForbidden(raw, 'DaemonSet'),
      ...nonNegative(o, ['spec', 'minReadySeconds']),
      ...nonNegative(o, ['spec', 'templateGeneration']),
      ...updateStrategyFindings(spec),
      ...nonNegative(o, ['spec', 'revisionHistoryLimit']),
    ];
  },
};

/** DAEMONSET_VALIDATION is what the validate stage knows of DaemonSets. */
export const DAEMONSET_VALIDATION: KindValidation = {
  info: DAEMONSET_INFO,
  schema: (value) => withoutCoveredRequired(validateKindSchema('daemonset.apps-v1', value)),
  documentRules: (profile) => [subdomainMetadataRule, daemonSetSpecRule, ...templateRules(profile)],
  inputRules: [uniqueObjectsRule('daemonset')],
  withDefaults: (o: PodLike) => withSpecDefaults(o, daemonSetDefaults),
  // The DaemonSet controller carries a template's nodeSelector out: it decides whether this
  // machine (the one node, with its kubelet labels) runs the pod. A Pod's own nodeSelector is not.
  notCarriedOut: (o) => templateNotCarriedOut(o).filter((f) => !(f.path[2] === 'spec' && f.path[3] === 'nodeSelector')),
};
