/** Printers for validation problems: `FILE:LINE:COL: PATH: message`, one per line. */
import type { Issue } from '../domain/types';

/** formatIssue renders one issue as `FILE:LINE:COL: PATH: message`. */
export function formatIssue(i: Issue): string {
  // An issue of no document (a claim --prune keeps Terminating) is its message alone.
  if (i.file === '') return `${i.path ? `${i.path}: ` : ''}${i.message}`;
  return `${i.file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
}

/** formatErrors renders every error, then a one-line summary of what was found and that nothing changed. */
export function formatErrors(issues: readonly Issue[], verb: string): string {
  const errors = issues.filter((i) => i.severity === 'error');
  const docs = new Set(errors.map((i) => `${i.file}#${i.documentIndex}`));
  const files = new Set(errors.map((i) => i.file));
  const lines = errors.map(formatIssue);
  lines.push(
    `error: ${errors.length} problem${errors.length === 1 ? '' : 's'} in ${docs.size} document${docs.size === 1 ? '' : 's'} of ${files.size} file${files.size === 1 ? '' : 's'}; nothing was ${verb}. Fix the fields named above and run the command again.`,
  );
  return lines.join('\n') + '\n';
}

/**
 * formatWarnings renders warnings as `Warning: FILE:LINE:COL: PATH: message`. A warning about a
 * field kubeplay does not carry out is printed once per field, with a count of its other places.
 */
export function formatWarnings(issues: readonly Issue[]): string {
  const warnings = issues.filter((i) => i.severity === 'warning');
  const groups = new Map<string, Issue[]>();
  for (const w of warnings) {
    // One line per field: the same field in other containers or pods is counted, not repeated.
    const key = w.rule === 'unsupported-field' ? `${w.rule}\0${w.path.replace(/\[\d+\]/g, '[]')}` : formatIssue(w);
    const list = groups.get(key) ?? [];
    list.push(w);
    groups.set(key, list);
  }
  const lines: string[] = [];
  for (const list of groups.values()) {
    const first = list[0] as Issue;
    const more = list.length > 1 ? ` (and ${list.length - 1} more place${list.length === 2 ? '' : 's'})` : '';
    lines.push(`Warning: ${formatIssue(first)}${more}`);
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
