/**
 * validateManifests: the validate stage. A schema pass plus named rules; every problem in every
 * document is collected, located and returned, never thrown (changesets' validateConfig).
 */
import type { Issue, LoadedDocument, ValidManifest } from '../domain/types';
import { DEFAULT_NAMESPACE } from '../domain/kinds';
import type { SchemaError } from './pod-schema';
import { didYouMean } from './did-you-mean';
import { formatFieldPath } from './field-path';
import { checkKind } from './rules/kind';
import type { Finding, PodLike } from './rules/rule';
import { asRecord, toIssue } from './rules/rule';
import type { SecurityProfile } from './security';
import { byText } from '../domain/order';
import { catalogOf, type KindCatalog, type KindValidation } from './kind-validation';
import { POD_VALIDATION } from './pod-validation';

export { SECURITY_PROFILES, type SecurityProfile } from './security';
export { DOCUMENT_RULES, INPUT_RULES } from './pod-validation';
export type { KindCatalog, KindValidation } from './kind-validation';

/** ValidateMode is kubectl's --validate: strict rejects unknown fields, warn reports them, ignore drops them. */
export type ValidateMode = 'strict' | 'warn' | 'ignore';

/** ValidationResult is the validate stage's output: the manifests, or every problem found. */
export type ValidationResult =
  | { ok: true; manifests: ValidManifest[]; warnings: Issue[] }
  | { ok: false; issues: Issue[] };

/** POD_ONLY is the catalog of a caller that handles Pods alone (the registry passes every kind). */
export const POD_ONLY: KindCatalog = catalogOf([POD_VALIDATION]);

/**
 * validateManifests checks every loaded document against its kind (found in the catalog) and
 * returns the valid manifests or all issues. A security profile other than `privileged` also
 * applies that Pod Security Standards level to the kinds that run pods.
 */
export function validateManifests(
  docs: readonly LoadedDocument[],
  mode: ValidateMode = 'strict',
  profile: SecurityProfile = 'privileged',
  catalog: KindCatalog = POD_ONLY,
): ValidationResult {
  const issues: Issue[] = [];
  const accepted: Array<{ kind: KindValidation; pod: PodLike; doc: LoadedDocument }> = [];
  for (const doc of docs) {
    const found = checkKind(doc.value, catalog);
    if (!('kind' in found)) {
      issues.push(...found.problems.map((f) => toIssue('kind', doc, f)));
      continue;
    }
    const kind = found.kind;
    const before = issues.length;
    for (const f of schemaFindings(kind.schema(doc.value), mode, kind)) issues.push(toIssue('schema', doc, f));
    for (const rule of kind.documentRules(profile)) for (const f of rule.check(doc.value, doc)) issues.push(toIssue(rule.name, doc, f));
    if (kind.notCarriedOut && issues.slice(before).every((i) => i.severity !== 'error')) {
      for (const f of kind.notCarriedOut(doc.value)) issues.push(toIssue('unsupported-field', doc, f));
    }
    accepted.push({ kind, pod: doc.value, doc });
  }
  for (const kind of catalog.all()) {
    const mine = accepted.filter((a) => a.kind === kind);
    if (mine.length === 0) continue;
    for (const rule of kind.inputRules) for (const f of rule.check(mine)) issues.push(toIssue(rule.name, f.doc, f));
  }

  sortIssues(issues, docs);
  if (issues.some((i) => i.severity === 'error')) return { ok: false, issues };
  const manifests: ValidManifest[] = accepted.map(({ kind, pod, doc }) => {
    const meta = asRecord(pod['metadata']) ?? {};
    const given = typeof meta['namespace'] === 'string' ? meta['namespace'] : '';
    // A cluster-scoped object has no namespace: the API server clears one given
    // (EnsureObjectNamespaceMatchesRequestNamespace).
    const ns = kind.info.namespaced ? given || DEFAULT_NAMESPACE : '';
    return {
      ref: { kind: kind.info.kind, namespace: ns, name: String(meta['name']) },
      apiVersion: kind.info.apiVersion,
      source: doc.source,
      documentIndex: doc.documentIndex,
      // The API server's defaults, so a defaulted and an explicit manifest translate and hash alike;
      // the user's own object stays available for the last-applied label, as kubectl records it.
      object: kind.withDefaults(pod),
      original: pod,
      locate: doc.locate,
    };
  });
  return { ok: true, manifests, warnings: issues };
}

/** schemaFindings turns schema errors into findings; unknown fields follow the --validate mode. */
export function schemaFindings(errors: readonly SchemaError[], mode: ValidateMode, kind: KindValidation = POD_VALIDATION): Finding[] {
  const out: Finding[] = [];
  for (const e of errors) {
    if (e.keyword === 'additionalProperties') {
      if (mode === 'ignore') continue;
      const key = String(e.params['additionalProperty']);
      const where = e.path.length === 0 ? 'at the top level' : `in ${formatFieldPath(e.path)}`;
      const suggestion = didYouMean(key, kind.allowedProperties?.(e.path) ?? []);
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
