/**
 * Label selectors in kubectl's grammar, parsed and matched by kubeplay itself:
 *   k=v  k==v  k!=v (true when k is absent)  k in (a,b)  k notin (a,b) (true when absent)
 *   k (exists)  !k (absent); requirements joined by `,` are ANDed.
 * Pure; a malformed selector throws UsageError pointing at the offending part.
 */
import { UsageError } from './errors';

/** Requirement is one term of a selector. */
export type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'absent' };

/** Selector is a parsed label selector: every requirement must hold. */
export interface Selector {
  text: string;
  requirements: Requirement[];
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** parseSelector parses kubectl's label selector syntax; '' selects everything. */
export function parseSelector(text: string): Selector {
  const requirements: Requirement[] = [];
  let i = 0;
  const fail = (at: number, what: string): never => {
    throw new UsageError(
      `invalid label selector "${text}": ${what} at position ${at + 1}:\n  ${text}\n  ${' '.repeat(at)}^\nuse key=value, key!=value, key in (a,b), key notin (a,b), key or !key, joined by commas`,
    );
  };
  const skipSpace = () => {
    while (i < text.length && text[i] === ' ') i++;
  };
  const readWord = (): string => {
    const start = i;
    while (i < text.length && !' ,=!()'.includes(text[i] ?? '')) i++;
    return text.slice(start, i);
  };
  const checkKey = (key: string, at: number) => {
    if (!KEY.test(key) || key.length > 316) fail(at, key === '' ? 'expected a label key' : `"${key}" is not a valid label key`);
  };
  const checkValue = (value: string, at: number) => {
    if (!VALUE.test(value) || value.length > 63) fail(at, `"${value}" is not a valid label value`);
  };
  skipSpace();
  if (i >= text.length) return { text, requirements };
  for (;;) {
    skipSpace();
    const termStart = i;
    if (text[i] === '!') {
      i++;
      skipSpace();
      const at = i;
      const key = readWord();
      checkKey(key, at);
      requirements.push({ key, op: 'absent' });
    } else {
      const key = readWord();
      checkKey(key, termStart);
      skipSpace();
      if (text.startsWith('==', i) || text[i] === '=' || text.startsWith('!=', i)) {
        const op = text.startsWith('!=', i) ? 'neq' : 'eq';
        i += text.startsWith('==', i) || op === 'neq' ? 2 : 1;
        skipSpace();
        const at = i;
        const value = readWord();
        checkValue(value, at);
        requirements.push({ key, op, value });
      } else if (/^(in|notin)\s*\(/.test(text.slice(i))) {
        const op = text.startsWith('notin', i) ? 'notin' : 'in';
        i += op.length;
        skipSpace();
        i++; // (
        const values: string[] = [];
        for (;;) {
          skipSpace();
          const at = i;
          const value = readWord();
          checkValue(value, at);
          values.push(value);
          skipSpace();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ')') {
            i++;
            break;
          }
          fail(i, `expected "," or ")" in the ${op} list`);
        }
        requirements.push({ key, op, values });
      } else if (i >= text.length || text[i] === ',') {
        requirements.push({ key, op: 'exists' });
      } else {
        fail(i, `unexpected "${text.slice(i, i + 1)}" after key "${key}"`);
      }
    }
    skipSpace();
    if (i >= text.length) break;
    if (text[i] !== ',') fail(i, `expected "," between requirements`);
    i++;
    skipSpace();
    if (i >= text.length) fail(i, 'expected a requirement after ","');
  }
  return { text, requirements };
}

/** matchesSelector tells whether a set of labels satisfies every requirement. */
export function matchesSelector(sel: Selector, labels: Readonly<Record<string, string>>): boolean {
  return sel.requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'eq':
        return has && v === r.value;
      case 'neq':
        return !has || v !== r.value;
      case 'in':
        return has && r.values.includes(v ?? '');
      case 'notin':
        return !has || !r.values.includes(v ?? '');
      case 'exists':
        return has;
      case 'absent':
        return !has;
    }
  });
}

/** pushDownLabels picks the selector's key=value terms: Podman can filter on those, the rest is matched by kubeplay. */
export function pushDownLabels(sel: Selector | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const r of sel?.requirements ?? []) if (r.op === 'eq') out[r.key] = r.value;
  return Object.keys(out).length > 0 ? out : undefined;
}
