/**
 * wellBehaved is the property every fuzz case must keep: load, validate, translate and print run to
 * the end without throwing, and every rejection is located (file, line, column, field path) with a
 * message. Each case runs synchronously, so a hang shows as the test's (jest's) time-out.
 */
import type { Issue } from '../../../src/domain/types';
import { parseDocuments } from '../../../src/load';
import { validateManifests, type SecurityProfile, type ValidateMode } from '../../../src/validate';
import { toDesiredPod } from '../../../src/translate/pod';
import { withHash } from '../../../src/translate/hash';
import { formatErrors, formatWarnings } from '../../../src/print/issues';

export const FUZZ_FILE = 'fuzz.yaml';

/** Outcome is what one case came to, for the tests' tallies. */
export type Outcome = 'accepted' | 'rejected';

function lineCount(bytes: Buffer): number {
  let n = 1;
  for (const b of bytes) if (b === 0x0a || b === 0x0d) n++;
  return n;
}

function checkIssue(i: Issue, maxLine: number): void {
  const where = JSON.stringify(i);
  if (i.file !== FUZZ_FILE) throw new Error(`issue names the wrong file: ${where}`);
  if (!Number.isInteger(i.line) || i.line < 1 || i.line > maxLine) throw new Error(`issue has no line in the source: ${where}`);
  if (!Number.isInteger(i.column) || i.column < 1) throw new Error(`issue has no column: ${where}`);
  if (typeof i.path !== 'string') throw new Error(`issue has no field path: ${where}`);
  if (typeof i.message !== 'string' || i.message.trim() === '') throw new Error(`issue has no message: ${where}`);
  if (i.severity !== 'error' && i.severity !== 'warning') throw new Error(`issue has no severity: ${where}`);
  if (typeof i.rule !== 'string' || i.rule === '') throw new Error(`issue names no rule: ${where}`);
}

/** wellBehaved runs one input through the pipeline's pure stages and throws if the property fails. */
export function wellBehaved(bytes: Buffer, mode: ValidateMode = 'strict', profile: SecurityProfile = 'privileged'): Outcome {
  const loaded = parseDocuments({ name: FUZZ_FILE, bytes });
  const result = validateManifests(loaded.documents, mode, profile);
  const issues = [...loaded.issues, ...(result.ok ? result.warnings : result.issues)];
  const maxLine = lineCount(bytes);
  for (const i of issues) checkIssue(i, maxLine);
  // What the user would read: both printers must cope with any message.
  formatWarnings(issues);
  const rejected = loaded.issues.some((i) => i.severity === 'error') || !result.ok;
  if (rejected) {
    if (!issues.some((i) => i.severity === 'error')) throw new Error('input was rejected without a located error');
    formatErrors(issues, 'applied');
    return 'rejected';
  }
  // Accepted manifests go on to the translator and the hash: neither may throw on anything validation let through.
  for (const m of result.manifests) withHash(toDesiredPod(m));
  return 'accepted';
}
