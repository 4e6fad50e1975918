/**
 * kubectl's JSONPath templates (`-o jsonpath='{.items[*].metadata.name}'`), the common subset:
 * literal text; `{.a.b}`, `{.a['b.c']}`, `{.a[0]}`, `{.a[-1]}`, `{.a[1:3]}`, `{.a[*]}`, `{..name}`
 * (recursive descent), filters `{.a[?(@.b=="x")]}` (==, !=, <, >, <=, >=, or just `@.b` for
 * presence), `{range .items[*]}…{end}`, and string literals `{"\n"}`. As in kubectl's get, a
 * missing key prints nothing; several results of one expression are joined by a space.
 * Pure; a malformed template throws UsageError naming the offending part.
 */
import { UsageError } from '../../domain/errors';

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'recursive'; /** a field name, or `*` for every value */ name: string }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; end?: number }
  | { kind: 'filter'; path: Step[]; op?: string; value?: unknown };

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'expr'; steps: Step[] }
  | { kind: 'range'; steps: Step[]; body: Node[] };

function bad(template: string, what: string): never {
  throw new UsageError(`error parsing jsonpath ${template}: ${what}; e.g. -o jsonpath='{.items[*].metadata.name}'`);
}

/** parsePath parses `.a.b[0]['c']..d[*]` into steps. */
function parsePath(src: string, template: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const s = src.trim();
  if (s === '' || s === '@' || s === '$') return steps;
  if (s[0] === '$' || s[0] === '@') i = 1;
  while (i < s.length) {
    if (s.startsWith('..', i)) {
      i += 2;
      const m = /^(\*|[A-Za-z0-9_-]+)/.exec(s.slice(i));
      if (!m) bad(template, `expected a name after ".." in "${src}"`);
      steps.push({ kind: 'recursive', name: m[1]! });
      i += m[1]!.length;
    } else if (s[i] === '.') {
      i++;
      if (s[i] === '*') {
        steps.push({ kind: 'wildcard' });
        i++;
        continue;
      }
      const m = /^[A-Za-z0-9_-]+/.exec(s.slice(i));
      if (!m) {
        if (i >= s.length) break; // a trailing dot, as in `{.}`
        bad(template, `unexpected "${s[i]}" in "${src}"`);
      }
      steps.push({ kind: 'field', name: m[0] });
      i += m[0].length;
    } else if (s[i] === '[') {
      const close = matchingBracket(s, i);
      if (close < 0) bad(template, `unclosed "[" in "${src}"`);
      steps.push(parseBracket(s.slice(i + 1, close).trim(), template));
      i = close + 1;
    } else {
      bad(template, `unexpected "${s[i]}" in "${src}"`);
    }
  }
  return steps;
}

function matchingBracket(s: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') depth++;
    else if (ch === ']' && --depth === 0) return i;
  }
  return -1;
}

function parseBracket(inner: string, template: string): Step {
  if (inner === '*') return { kind: 'wildcard' };
  const quoted = /^(['"])(.*)\1$/.exec(inner);
  if (quoted) return { kind: 'field', name: quoted[2]! };
  if (/^-?\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
  const slice = /^(-?\d+)?:(-?\d+)?$/.exec(inner);
  if (slice) {
    return { kind: 'slice', ...(slice[1] !== undefined ? { start: Number(slice[1]) } : {}), ...(slice[2] !== undefined ? { end: Number(slice[2]) } : {}) };
  }
  const filter = /^\?\((.*)\)$/.exec(inner);
  if (filter) {
    const body = filter[1]!.trim();
    const cmp = /^(@[^=!<>\s]*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(body);
    if (cmp) return { kind: 'filter', path: parsePath(cmp[1]!, template), op: cmp[2]!, value: literal(cmp[3]!.trim(), template) };
    if (body.startsWith('@')) return { kind: 'filter', path: parsePath(body, template) };
    bad(template, `unsupported filter "${inner}"`);
  }
  bad(template, `unsupported subscript "[${inner}]"`);
}

function literal(text: string, template: string): unknown {
  const q = /^(['"])(.*)\1$/.exec(text);
  if (q) return q[2];
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  bad(template, `unsupported value ${text} in a filter`);
}

/** parseTemplate parses a whole template into literal text, expressions and ranges. */
function parseTemplate(template: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ nodes: Node[]; steps?: Step[] }> = [{ nodes: root }];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    const top = stack[stack.length - 1]!;
    if (open < 0) {
      top.nodes.push({ kind: 'text', text: template.slice(i) });
      break;
    }
    if (open > i) top.nodes.push({ kind: 'text', text: template.slice(i, open) });
    const close = findClose(template, open + 1);
    if (close < 0) bad(template, `unclosed action at position ${open + 1}`);
    const body = template.slice(open + 1, close).trim();
    i = close + 1;
    if (body.startsWith('range ')) {
      const node: Node = { kind: 'range', steps: parsePath(body.slice(6), template), body: [] };
      top.nodes.push(node);
      stack.push({ nodes: node.body });
    } else if (body === 'end') {
      if (stack.length === 1) bad(template, 'an {end} with no {range}');
      stack.pop();
    } else if (/^(['"]).*\1$/s.test(body)) {
      top.nodes.push({ kind: 'text', text: unescape(body.slice(1, -1)) });
    } else {
      top.nodes.push({ kind: 'expr', steps: parsePath(body, template) });
    }
  }
  if (stack.length > 1) bad(template, 'a {range} with no {end}');
  return root;
}

function findClose(t: string, from: number): number {
  let quote = '';
  for (let i = from; i < t.length; i++) {
    const ch = t[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '}') return i;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

/** isList narrows to a list of unknown values (Array.isArray narrows to any[]). */
function isList(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function apply(steps: Step[], values: unknown[]): unknown[] {
  let cur = values;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      switch (step.kind) {
        case 'field':
          if (isObject(v) && step.name in v) next.push(v[step.name]);
          break;
        case 'wildcard':
          if (isList(v)) next.push(...v);
          else if (isObject(v)) next.push(...Object.keys(v).sort().map((k) => v[k]));
          break;
        case 'recursive':
          collect(v, step.name, next);
          break;
        case 'index':
          if (Array.isArray(v)) {
            const at = step.index < 0 ? v.length + step.index : step.index;
            if (at >= 0 && at < v.length) next.push(v[at]);
          }
          break;
        case 'slice':
          if (isList(v)) next.push(...v.slice(step.start ?? 0, step.end ?? v.length));
          break;
        case 'filter':
          if (isList(v)) next.push(...v.filter((item) => test(step, item)));
          break;
      }
    }
    cur = next;
  }
  return cur;
}

function collect(v: unknown, name: string, out: unknown[]): void {
  if (Array.isArray(v)) {
    for (const x of v) collect(x, name, out);
  } else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (name === '*' || k === name) out.push(v[k]);
      collect(v[k], name, out);
    }
  }
}

function test(step: Extract<Step, { kind: 'filter' }>, item: unknown): boolean {
  const found = apply(step.path, [item]);
  if (step.op === undefined) return found.length > 0;
  const a = found[0];
  const b = step.value;
  switch (step.op) {
    case '==':
      return found.length > 0 && a === b;
    case '!=':
      return found.length > 0 && a !== b;
    case '<':
      return typeof a === typeof b && (a as number) < (b as number);
    case '>':
      return typeof a === typeof b && (a as number) > (b as number);
    case '<=':
      return typeof a === typeof b && (a as number) <= (b as number);
    case '>=':
      return typeof a === typeof b && (a as number) >= (b as number);
    default:
      return false;
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  return JSON.stringify(v);
}

function render(nodes: Node[], data: unknown): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'expr') out += apply(n.steps, [data]).map(show).join(' ');
    else {
      const items = apply(n.steps, [data]).flatMap((v): unknown[] => (isList(v) ? v : [v]));
      for (const item of items) out += render(n.body, item);
    }
  }
  return out;
}

/** compileJsonPath checks a template once and returns the function that renders it over plain JSON data. */
export function compileJsonPath(template: string): (data: unknown) => string {
  const nodes = parseTemplate(template);
  return (data) => render(nodes, data);
}
