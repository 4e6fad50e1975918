/**
 * The parity corpus (test/fixtures/parity): every one-field mutation must get the API server's
 * verdict, except the documented kubeplay-only refusals, whose every message says so; every
 * refusal is located. Pods are written as YAML (kubectl's scalar rules quote what must be quoted).
 */
import { stringify } from 'yaml';
import { parseDocuments } from '../../../src/load';
import { KUBECTL_YAML_TAGS } from '../../../src/domain/yaml-scalars';
import { validateManifests } from '../../../src/validate';
import { KUBEPLAY_RULE } from '../../../src/validate/rules/field-errors';
import { BASE, MESSAGES, ROWS, UNUSUAL, type Verdict } from '../../fixtures/parity/one-field-mutations';

function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  const steps = path.split(/(?<!\\)\./).map((s) => s.replace(/\\\./g, '.'));
  let cur: Record<string, unknown> | unknown[] = copy;
  for (const step of steps.slice(0, -1)) {
    const next = (cur)[step];
    if (next === undefined) (cur)[step] = {};
    cur = (cur)[step] as Record<string, unknown>;
  }
  const last = steps[steps.length - 1]!;
  if (value === undefined) delete (cur)[last];
  else (cur)[last] = value;
  return copy;
}

function verdictOf(pod: Record<string, unknown>): { verdict: Verdict; messages: string[] } {
  const text = stringify(pod, { customTags: KUBECTL_YAML_TAGS });
  const loaded = parseDocuments({ name: 'pod.yaml', bytes: Buffer.from(text) });
  const result = validateManifests(loaded.documents);
  const errors = [...loaded.issues, ...(result.ok ? [] : result.issues)].filter((i) => i.severity === 'error');
  for (const e of errors) expect(e.line).toBeGreaterThan(0);
  const messages = errors.map((e) => `${e.path}: ${e.message}`);
  if (errors.length === 0) return { verdict: 'accept', messages };
  return { verdict: errors.every((e) => e.message.includes(KUBEPLAY_RULE)) ? 'kubeplay-refuses' : 'refuse', messages };
}

const cases: Array<[string, unknown, Verdict]> = [];
for (const [path, accept, refuse, kubeplay = []] of ROWS) {
  for (const v of accept) cases.push([path, v, 'accept']);
  for (const v of refuse) cases.push([path, v, 'refuse']);
  for (const v of kubeplay) cases.push([path, v, 'kubeplay-refuses']);
}

test('the corpus holds at least 300 labelled one-field mutations', () => {
  expect(cases.length).toBeGreaterThanOrEqual(300);
  expect(verdictOf(BASE).verdict).toBe('accept');
});

test.each(cases.map(([p, v, want], i) => [i, p, JSON.stringify(v)?.slice(0, 80) ?? 'undefined', want, v] as const))(
  '#%d %s = %s: %s',
  (_i, path, _shown, want, value) => {
    const { verdict, messages } = verdictOf(setPath(BASE, path, value));
    expect({ verdict, messages }).toEqual({ verdict: want, messages: verdict === want ? messages : ['(see above)'] });
  },
);

test.each(UNUSUAL.map((u) => [u.path, u.value] as const))('valid but unusual: %s', (path, value) => {
  expect(verdictOf(setPath(BASE, path, value))).toEqual({ verdict: 'accept', messages: [] });
});

test.each(MESSAGES.map(([p, v, m], i) => [i, p, JSON.stringify(v).slice(0, 80), v, m] as const))('exact messages #%d %s = %s', (_i, path, _shown, value, messages) => {
  // The same messages; kubeplay orders them by line and column, the API server by its walk.
  expect([...verdictOf(setPath(BASE, path, value)).messages].sort()).toEqual([...messages].sort());
});
