/**
 * A validation rule checks the input and returns problems; it never throws and never stops early,
 * so one run reports every problem in every document (changesets' rules.ts, Kubernetes' validation).
 */
import type { Issue, JsonPath, LoadedDocument, Severity } from '../../domain/types';
import { formatFieldPath, type FieldPath } from '../field-path';

/** Finding is a problem a rule found, before it is located in its source. */
export interface Finding {
  /** Where the problem is: the issue is located (line, column) at this path. */
  path: JsonPath;
  /**
   * The field path printed, when the API server names another than the located one (a map, not its
   * key; a key of a map the path cannot tell is one: `resources[storage]`).
   */
  reportPath?: FieldPath;
  message: string;
  severity?: Severity;
}

/** DocumentRule checks one Pod document on its own. */
export interface DocumentRule {
  name: string;
  check(pod: PodLike, doc: LoadedDocument): Finding[];
}

/** InputRule checks the whole input at once (uniqueness across documents). */
export interface InputRule {
  name: string;
  check(docs: ReadonlyArray<{ pod: PodLike; doc: LoadedDocument }>): Array<Finding & { doc: LoadedDocument }>;
}

/**
 * PodLike is a Pod document that passed the schema's type checks, seen loosely: rules read it
 * defensively because they also run on documents whose other parts are invalid.
 */
export type PodLike = Record<string, unknown>;

/** toIssue locates a finding in its document. */
export function toIssue(rule: string, doc: LoadedDocument, f: Finding): Issue {
  const pos = doc.locate(f.path) ?? { line: 1, column: 1 };
  return {
    severity: f.severity ?? 'error',
    rule,
    file: doc.source,
    documentIndex: doc.documentIndex,
    line: pos.line,
    column: pos.column,
    path: formatFieldPath(f.reportPath ?? f.path),
    message: f.message,
  };
}

/** asRecord returns v when it is a plain object, else undefined. */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** asArray returns v when it is an array, else []. */
export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** ContainerGroup names the two lists of containers a Pod has. */
export type ContainerGroup = 'initContainers' | 'containers';

/** eachContainer visits every container of both groups with its path. */
export function eachContainer(
  pod: PodLike,
  visit: (c: Record<string, unknown>, path: JsonPath, group: ContainerGroup) => void,
): void {
  const spec = asRecord(pod['spec']);
  if (!spec) return;
  for (const group of ['initContainers', 'containers'] as const) {
    asArray(spec[group]).forEach((c, i) => {
      const rec = asRecord(c);
      if (rec) visit(rec, ['spec', group, i], group);
    });
  }
}
