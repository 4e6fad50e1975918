/**
 * The Job kind's validation, as the API server checks a create (pkg/apis/batch/validation
 * ValidateJob, on the defaulted object with the generated selector): ValidateObjectMeta (a
 * DNS-subdomain name); the generated labels (a template label job-name that is not the Job's name
 * is refused, ValidateHasLabel; a selector given without manualSelector must select the generated
 * labels, `selector` not auto-generated); validateJobSpec (parallelism, completions,
 * activeDeadlineSeconds, backoffLimit, ttlSecondsAfterFinished, backoffLimitPerIndex and
 * maxFailedIndexes not negative; completionMode NonIndexed or Indexed, an Indexed Job's completions
 * and parallelism; the template with every Pod rule; restartPolicy OnFailure or Never, required
 * since the Pod default Always is not allowed); with manualSelector, the selector required, valid
 * and matching the template's labels. The job-name labels are on the template the Pod rules see, as
 * the API server validates it (a name too long for a label value is refused there).
 */
import { JOB_INFO } from './info';
import { textOf } from '../../domain/text';
import type { KindValidation } from '../../validate/kind-validation';
import { validateKindSchema } from '../../validate/kind-schemas';
import type { DocumentRule, Finding, PodLike } from '../../validate/rules/rule';
import { asRecord } from '../../validate/rules/rule';
import { goQuote, goStringer, invalid, notSupported, required } from '../../validate/rules/field-errors';
import { isDNS1123Label } from '../../validate/rules/k8s-names';
import { mapKey } from '../../validate/field-path';
import { subdomainMetadataRule, uniqueObjectsRule } from '../object-meta-rules';
import { goLabelSelector, goMap, nonNegative, selectorFindings, selectorMatches, templateNotCarriedOut, templateRules, withoutCoveredRequired, nameOf, withSpecDefaults, valueAt } from '../workload';
import { CONTROLLER_UID_LABELS, JOB_NAME_LABELS, SELECTOR_LABEL, withNameLabels } from './generated';

type Rec = Record<string, unknown>;

/** MAX_PARALLELISM_FOR_INDEXED_JOB is maxParallelismForIndexedJob. */
const MAX_PARALLELISM_FOR_INDEXED_JOB = 100000;

/** jobDefaults is SetDefaults_Job (batch/v1): completions and parallelism 1, backoffLimit 6, completionMode NonIndexed, suspend false, manualSelector false, podReplacementPolicy. */
export function jobDefaults(spec: Rec): Rec {
  const out: Rec = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== null && v !== undefined));
  if (out['completions'] === undefined && out['parallelism'] === undefined) out['completions'] = 1;
  out['parallelism'] ??= 1;
  out['backoffLimit'] ??= out['backoffLimitPerIndex'] !== undefined ? 2147483647 : 6;
  out['completionMode'] ??= 'NonIndexed';
  out['suspend'] ??= false;
  out['manualSelector'] ??= false;
  out['podReplacementPolicy'] ??= out['podFailurePolicy'] !== undefined ? 'Failed' : 'TerminatingOrFailed';
  return out;
}

/** jobWithDefaults is the Job as validation sees it: defaulted, with the job-name labels generateSelector adds. */
export function jobWithDefaults(o: PodLike): PodLike {
  const name = nameOf(o);
  return withSpecDefaults(o, (spec) => withNameLabels(jobDefaults(spec), name));
}

/** withJobNameLabels is the Job with only the job-name labels generateSelector adds (a manual selector's Job as it is). */
function withJobNameLabels(o: PodLike): PodLike {
  const spec = asRecord(o['spec']);
  if (!spec) return o;
  return { ...o, spec: withNameLabels(spec, nameOf(o)) };
}

/** generatedLabelFindings is validateGeneratedSelector's label part, for the labels known before the uid. */
function generatedLabelFindings(o: PodLike): Finding[] {
  const out: Finding[] = [];
  const name = nameOf(o);
  const labels = asRecord(valueAt(o, ['spec', 'template', 'metadata', 'labels'])) ?? {};
  for (const k of JOB_NAME_LABELS)
    if (k in labels && labels[k] !== name)
      out.push({ ...invalid(['spec', 'template', 'metadata', 'labels', k], goStringer(goMap(labels)), `must be '${name}'`), reportPath: ['spec', 'template', 'metadata', 'labels', mapKey(k)] });
  for (const k of CONTROLLER_UID_LABELS)
    if (k in labels)
      out.push({
        ...invalid(['spec', 'template', 'metadata', 'labels', k], goStringer(goMap(labels)), "must be '<the Job's uid>'"),
        reportPath: ['spec', 'template', 'metadata', 'labels', mapKey(k)],
        message: `Invalid value: ${goMap(labels)}: must be the Job's uid, which the API server gives it on create; remove the label ${k}`,
      });
  const sel = asRecord(valueAt(o, ['spec', 'selector']));
  if (sel) {
    const expected: Record<string, string> = { ...Object.fromEntries(JOB_NAME_LABELS.map((k) => [k, name])), ...Object.fromEntries(CONTROLLER_UID_LABELS.map((k) => [k, '<uid>'])) };
    const rest = { ...sel, matchLabels: Object.fromEntries(Object.entries(asRecord(sel['matchLabels']) ?? {}).filter(([k]) => !CONTROLLER_UID_LABELS.includes(k as never))) };
    if (!selectorMatches(rest, expected)) {
      const shown = { ...sel, matchLabels: { ...(asRecord(sel['matchLabels']) ?? {}), [SELECTOR_LABEL]: '<uid>' } };
      out.push(invalid(['spec', 'selector'], goStringer(goLabelSelector(shown)), '`selector` not auto-generated'));
    }
  }
  return out;
}

/** jobSpecRule is ValidateJob's spec part (the template's Pod rules run separately, see templateRules). */
export const jobSpecRule: DocumentRule = {
  name: 'job-spec',
  check(raw) {
    const o = jobWithDefaults(raw);
    const spec = asRecord(o['spec']) ?? {};
    const out: Finding[] = [];
    const manual = spec['manualSelector'] === true;
    if (!manual) out.push(...generatedLabelFindings(o));
    for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) out.push(...nonNegative(o, ['spec', f]));
    if (spec['maxFailedIndexes'] !== undefined && spec['backoffLimitPerIndex'] === undefined) out.push(required(['spec', 'backoffLimitPerIndex'], 'when maxFailedIndexes is specified'));
    const mode = spec['completionMode'];
    if (mode !== 'NonIndexed' && mode !== 'Indexed') out.push(notSupported(['spec', 'completionMode'], mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (spec['completions'] === undefined) out.push(required(['spec', 'completions'], 'when completion mode is Indexed'));
      const p = spec['parallelism'];
      if (typeof p === 'number' && p > MAX_PARALLELISM_FOR_INDEXED_JOB) out.push(invalid(['spec', 'parallelism'], p, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`));
      const c = spec['completions'];
      const name = nameOf(o);
      if (typeof c === 'number' && c > 0 && isDNS1123Label(`${name}-${c - 1}`).length > 0)
        out.push(invalid(['metadata', 'name'], name, `will not able to create pod with invalid DNS label: ${name}-${c - 1}`));
    } else {
      for (const f of ['backoffLimitPerIndex', 'maxFailedIndexes']) {
        const v = spec[f];
        if (typeof v === 'number') out.push(invalid(['spec', f], v, 'requires indexed completion mode'));
      }
    }
    // The selector: generated (always there and matching) unless manualSelector is true.
    if (manual) out.push(...selectorFindings(o, { required: true, emptySkipsMatch: false }));
    // restartPolicy, before the Pod default (Always) would hide that none was given.
    const rp = valueAt(raw, ['spec', 'template', 'spec', 'restartPolicy']);
    const at = ['spec', 'template', 'spec', 'restartPolicy'];
    if (rp === undefined || rp === null || rp === '' || rp === 'Always') out.push({ ...required(at, 'valid values: "OnFailure", "Never"'), path: rp === undefined || rp === null ? ['spec', 'template', 'spec'] : at, reportPath: at });
    else if (rp !== 'OnFailure' && rp !== 'Never') out.push({ path: at, message: `Unsupported value: ${goQuote(textOf(rp))}: supported values: "OnFailure", "Never"` });
    else if (spec['podFailurePolicy'] !== undefined && rp !== 'Never') out.push(invalid(at, rp, 'only "Never" is supported when podFailurePolicy is specified'));
    return out;
  },
};

/** NOT_CARRIED_OUT are the Job fields kubeplay's Job controller does not carry out, and why. */
const NOT_CARRIED_OUT: ReadonlyArray<[field: string, why: string]> = [
  ['podFailurePolicy', "every failed pod counts against backoffLimit: kubeplay's Job controller does not match exit codes or pod conditions"],
  ['successPolicy', 'the Job succeeds when completions pods have succeeded'],
  ['managedBy', 'kubeplay runs its own Job controller; there is no other to hand the Job to'],
];

/** jobNotCarriedOut warns of the Job fields not carried out, then of the template's. */
function jobNotCarriedOut(o: PodLike): Finding[] {
  const spec = asRecord(o['spec']) ?? {};
  const own: Finding[] = NOT_CARRIED_OUT.filter(([f]) => spec[f] !== undefined && spec[f] !== null).map(([f, why]) => ({ path: ['spec', f], severity: 'warning', message: `not carried out by kubeplay on Podman, so it is ignored (${why})` }));
  return [...own, ...templateNotCarriedOut(o)];
}

/** JOB_VALIDATION is what the validate stage knows of Jobs. */
export const JOB_VALIDATION: KindValidation = {
  info: JOB_INFO,
  schema: (value) => withoutCoveredRequired(validateKindSchema('job.batch-v1', value)),
  documentRules: (profile) => {
    // The Pod rules see the template with the job-name labels, as the API server validates it.
    const rules = templateRules(profile).map((r): DocumentRule => ({ name: r.name, check: (o, doc) => r.check(withJobNameLabels(o), doc) }));
    return [subdomainMetadataRule, jobSpecRule, ...rules];
  },
  inputRules: [uniqueObjectsRule('job')],
  withDefaults: (o: PodLike) => withSpecDefaults(o, jobDefaults),
  notCarriedOut: jobNotCarriedOut,
};
