/**
 * IssueSink collects the issues of one source, each located (an offset or a position) and carrying
 * its path in kubectl's notation (formatPath), and caps their number so that a garbage file does
 * not print a million lines.
 */
import type { Issue, JsonPath, Position } from '../domain/types';
import { positionOf, type SourceText } from './source-text';

/** MAX_ISSUES_PER_SOURCE stops a garbage file from producing a million lines of output. */
const MAX_ISSUES_PER_SOURCE = 100;

/** IssueSink collects issues of one source and caps their number. */
export class IssueSink {
  readonly issues: Issue[] = [];
  /** Errors reported so far, including the ones dropped by the cap. */
  errorCount = 0;
  private dropped = 0;
  constructor(private readonly src: SourceText) {}

  add(
    documentIndex: number,
    where: number | Position,
    message: string,
    path: JsonPath = [],
    severity: Issue['severity'] = 'error',
  ): void {
    if (severity === 'error') this.errorCount++;
    if (this.issues.length >= MAX_ISSUES_PER_SOURCE) {
      this.dropped++;
      return;
    }
    const position = typeof where === 'number' ? positionOf(this.src, where) : where;
    this.issues.push({ severity, rule: 'load', file: this.src.file, documentIndex, path: formatPath(path), ...position, message });
  }

  finish(): Issue[] {
    const last = this.issues[this.issues.length - 1];
    if (this.dropped > 0 && last) {
      this.issues.push({
        ...last,
        severity: 'error',
        path: '',
        message: `${this.dropped} more problem(s) in this file not shown; fix the ones above first`,
      });
    }
    return this.issues;
  }
}

/** formatPath writes a path in kubectl's notation: `spec.containers[1].name`. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else out += out === '' ? step : `.${step}`;
  }
  return out;
}
