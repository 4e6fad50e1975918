import { formatIssue, formatWarnings } from '../../../src/print/issues';
import type { Issue } from '../../../src/domain/types';

const issue = (over: Partial<Issue>): Issue => ({ severity: 'warning', rule: 'r', file: 'pod.yaml', documentIndex: 0, line: 3, column: 5, path: 'spec', message: 'm', ...over });

describe('formatIssue', () => {
  test('an issue of a document is located: file:line:column: path: message', () => {
    expect(formatIssue(issue({}))).toBe('pod.yaml:3:5: spec: m');
  });
  test('an issue of no document (a claim --prune keeps Terminating) is its message alone', () => {
    expect(formatIssue(issue({ file: '', line: 0, column: 0, path: '', message: 'persistentvolumeclaim "data" is in use' }))).toBe('persistentvolumeclaim "data" is in use');
    expect(formatWarnings([issue({ file: '', line: 0, column: 0, path: '', message: 'x' })])).toContain('Warning: x');
  });
});
