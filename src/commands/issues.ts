/** sortIssues orders issues by the input's file order, then line, column and message. */
import type { Issue } from '../domain/types';
import { byText } from '../domain/order';

/** sortIssues returns the issues sorted: files in the order given (others after, by name), then position. */
export function sortIssues(issues: readonly Issue[], files: readonly string[]): Issue[] {
  const rank = (f: string) => {
    const i = files.findIndex((x) => f === x || f.startsWith(x.endsWith('/') ? x : `${x}/`));
    return i === -1 ? files.length : i;
  };
  return [...issues].sort(
    (a, b) =>
      rank(a.file) - rank(b.file) ||
      byText(a.file, b.file) ||
      a.documentIndex - b.documentIndex ||
      a.line - b.line ||
      a.column - b.column ||
      byText(a.message, b.message),
  );
}
