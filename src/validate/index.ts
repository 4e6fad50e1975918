/**
 * validateManifests: the validate stage. A schema pass plus named rules; every problem in every
 * document is collected, located and returned, never thrown (changesets' validateConfig).
 */
import type { Issue, LoadedDocument, ValidManifest } from '../domain/types';
import { allowedProperties, validatePodSchema } from './pod-schema';
import type { SchemaError } from './pod-schema';
import { didYouMean } from './did-you-mean';
import { formatFieldPath } from './field-path';
import { checkKind } from './rules/kind';
import { containersRule } from './rules/containers';
import { metadataRule } from './rules/metadata';
import { sharedContainerPortsRule } from './rules/shared-container-ports';
import { uniqueHostPortsRule } from './rules/unique-host-ports';
import { uniqueNamesRule } from './rules/unique-names';
import { volumesRule } from './rules/volumes';
import { probeNamedPortsRule } from './rules/probe-named-ports';
import { handlersRule } from './rules/handlers';
import { envRule } from './rules/env';
import { resourcesRule } from './rules/resources';
import { securityContextRule } from './rules/security-context';
import { podSpecRule } from './rules/pod-spec';
import { schedulingRule } from './rules/scheduling';
import { volumeSourcesRule } from './rules/volume-sources';
import type { DocumentRule, Finding, InputRule, PodLike } from './rules/rule';
import { asRecord, toIssue } from './rules/rule';
import { unsupportedFields, unsupportedReason } from '../translate/supported-fields';
import { podSecurityRule, type SecurityProfile } from './security';
import { byText } from '../domain/order';
import { withApiDefaults } from './defaults';

export { SECURITY_PROFILES, type SecurityProfile } from './security';

/** ValidateMode is kubectl's --validate: strict rejects unknown fields, warn reports them, ignore drops them. */
export type ValidateMode = 'strict' | 'warn' | 'ignore';

/** ValidationResult is the validate stage's output: the manifests, or every problem found. */
export type ValidationResult =
  | { ok: true; manifests: ValidManifest[]; warnings: Issue[] }
  | { ok: false; issues: Issue[] };

/** DOCUMENT_RULES run on each Pod document. */
export const DOCUMENT_RULES: readonly DocumentRule[] = [
  metadataRule,
  containersRule,
  volumesRule,
  sharedContainerPortsRule,
  probeNamedPortsRule,
  handlersRule,
  envRule,
  resourcesRule,
  securityContextRule,
  podSpecRule,
  schedulingRule,
  volumeSourcesRule,
];
/** INPUT_RULES run once over all Pod documents of the input. */
export const INPUT_RULES: readonly InputRule[] = [uniqueNamesRule, uniqueHostPortsRule];

/**
 * validateManifests checks every loaded document and returns the valid manifests or all issues.
 * A security profile other than `privileged` also applies that Pod Security Standards level.
 */
export function validateManifests(
  docs: readonly LoadedDocument[],
  mode: ValidateMode = 'strict',
  profile: SecurityProfile = 'privileged',
): ValidationResult {
  const documentRules = withSecurity(profile);
  const issues: Issue[] = [];
  const pods: Array<{ pod: PodLike; doc: LoadedDocument }> = [];
  for (const doc of docs) {
    const kindProblems = checkKind(doc.value);
    if (kindProblems.length > 0) {
      issues.push(...kindProblems.map((f) => toIssue('kind', doc, f)));
      continue;
    }
    const before = issues.length;
    for (const f of schemaFindings(validatePodSchema(doc.value), mode)) issues.push(toIssue('schema', doc, f));
    for (const rule of documentRules) for (const f of rule.check(doc.value, doc)) issues.push(toIssue(rule.name, doc, f));
    if (issues.slice(before).every((i) => i.severity !== 'error')) {
      for (const path of unsupportedFields(doc.value))
        issues.push(
          toIssue('unsupported-field', doc, {
            path,
            severity: 'warning',
            message: `not carried out by kubeplay on Podman, so it is ignored${reasonOf(path)}`,
          }),
        );
    }
    pods.push({ pod: doc.value, doc });
  }
  for (const rule of INPUT_RULES) for (const f of rule.check(pods)) issues.push(toIssue(rule.name, f.doc, f));

  sortIssues(issues, docs);
  if (issues.some((i) => i.severity === 'error')) return { ok: false, issues };
  const manifests: ValidManifest[] = pods.map(({ pod, doc }) => {
    const meta = asRecord(pod['metadata']) ?? {};
    const ns = typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : 'default';
    return {
      ref: { kind: 'Pod', namespace: ns, name: String(meta['name']) },
      source: doc.source,
      documentIndex: doc.documentIndex,
      // The API server's defaults, so a defaulted and an explicit manifest translate and hash alike;
      // the user's own object stays available for the last-applied label, as kubectl records it.
      object: withApiDefaults(pod),
      original: pod,
      locate: doc.locate,
    };
  });
  return { ok: true, manifests, warnings: issues };
}

function withSecurity(profile: SecurityProfile): readonly DocumentRule[] {
  const security = podSecurityRule(profile);
  return security ? [...DOCUMENT_RULES, security] : DOCUMENT_RULES;
}

function reasonOf(path: readonly (string | number)[]): string {
  const r = unsupportedReason(path);
  return r ? ` (${r})` : '';
}

/** schemaFindings turns schema errors into findings; unknown fields follow the --validate mode. */
export function schemaFindings(errors: readonly SchemaError[], mode: ValidateMode): Finding[] {
  const out: Finding[] = [];
  for (const e of errors) {
    if (e.keyword === 'additionalProperties') {
      if (mode === 'ignore') continue;
      const key = String(e.params['additionalProperty']);
      const where = e.path.length === 0 ? 'at the top level' : `in ${formatFieldPath(e.path)}`;
      const suggestion = didYouMean(key, allowedProperties(e.path) ?? []);
      out.push({
        path: [...e.path, key],
        severity: mode === 'warn' ? 'warning' : 'error',
        message: `unknown field "${key}" ${where}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      });
    } else {
      out.push({ path: e.path, message: e.message });
    }
  }
  return out;
}

/** sortIssues orders issues by input file order, then line and column, then message. */
function sortIssues(issues: Issue[], docs: readonly LoadedDocument[]): void {
  const fileOrder = new Map<string, number>();
  for (const d of docs) if (!fileOrder.has(d.source)) fileOrder.set(d.source, fileOrder.size);
  issues.sort(
    (a, b) =>
      (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) ||
      a.line - b.line ||
      a.column - b.column ||
      byText(a.message, b.message),
  );
}
