/**
 * Mutations for the fuzz tests, as plain data so fast-check can print and shrink them: on the value
 * (wrong types, deleted, added and renamed fields), on the text (YAML syntax, anchors and aliases,
 * duplicated keys, deep nesting, indentation) and on the bytes (bit flips, NUL, invalid UTF-8).
 */
import fc from 'fast-check';
import { oddString, oddValue } from './pod-arbitrary';

type Path = Array<string | number>;

/** ValueMutation changes one node of a document, chosen by `at` among all its nodes. */
export type ValueMutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: unknown }
  | { kind: 'rename'; at: number; key: string }
  | { kind: 'repeat'; at: number; times: number };

export const valueMutation: fc.Arbitrary<ValueMutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: oddValue }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: oddString, value: oddValue }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), key: oddString }),
  // At most 2 copies: three repeats compound, and a 27-fold document is slow to parse, not more telling.
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), times: fc.integer({ min: 1, max: 2 }) }),
);

function nodes(value: unknown, base: Path = [], out: Path[] = []): Path[] {
  out.push(base);
  if (Array.isArray(value)) value.forEach((v, i) => nodes(v, [...base, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) nodes(v, [...base, k], out);
  return out;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> | undefined {
  let node = root;
  for (const step of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[step];
  return node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>) : undefined;
}

/** applyValueMutation returns a mutated deep copy of doc. */
export function applyValueMutation(doc: unknown, m: ValueMutation): unknown {
  const root = structuredClone<unknown>(doc);
  const all = nodes(root);
  const path = all[m.at % all.length] ?? [];
  if (path.length === 0) return m.kind === 'replace' ? m.value : root;
  const parent = parentOf(root, path);
  const last = path[path.length - 1] as string | number;
  if (!parent) return root;
  const here = parent[last];
  switch (m.kind) {
    case 'replace':
      parent[last] = m.value;
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case 'add':
      if (here !== null && typeof here === 'object' && !Array.isArray(here)) (here as Record<string, unknown>)[m.key] = m.value;
      else if (Array.isArray(here)) here.push(m.value);
      else parent[last] = { [m.key]: m.value };
      break;
    case 'rename':
      if (!Array.isArray(parent)) {
        delete parent[last];
        parent[m.key] = here;
      }
      break;
    case 'repeat':
      if (Array.isArray(parent)) for (let i = 0; i < m.times; i++) parent.push(structuredClone(here));
      else parent[last] = Array.from({ length: m.times + 1 }, () => structuredClone(here));
      break;
  }
  return root;
}

/** TextMutation edits the manifest text; positions are taken modulo the text's length or line count. */
export type TextMutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicateLine'; line: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'indent'; line: number; by: number }
  | { kind: 'anchorAlias'; line: number; aliasLine: number; name: string }
  | { kind: 'nest'; line: number; depth: number; flow: boolean }
  | { kind: 'laughs'; levels: number; width: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'crlf' };

/** YAML_BITS are the fragments that change how YAML reads a line. */
const YAML_BITS = [
  ':', ': ', '- ', '? ', '#', ' #', '&x ', '*x', '!', '!!str ', '!!int ', '!!map ', '!!binary ', '!<tag:x> ', '|', '>-',
  '"', "'", '[', ']', '{', '}', ',', '\t', '\n', '\r', '\r\n', '---\n', '...\n', '%YAML 1.1\n', '%TAG ! tag:x:\n', '<<: *x\n',
  '\ufeff', '\u2028', '\\', '@', '`', '%', '  ', '\n  ', 'key: value\n', 'kind: Pod\n', 'apiVersion: v1\n', '~',
];

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...YAML_BITS), oddString) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('duplicateLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('anchorAlias' as const), line: fc.nat(), aliasLine: fc.nat(), name: fc.constantFrom('a', 'x', 'b1') }),
  fc.record({ kind: fc.constant('nest' as const), line: fc.nat(), depth: fc.integer({ min: 1, max: 300 }), flow: fc.boolean() }),
  fc.record({ kind: fc.constant('laughs' as const), levels: fc.integer({ min: 1, max: 9 }), width: fc.integer({ min: 1, max: 10 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.constant({ kind: 'crlf' as const }),
);

/** applyTextMutation returns the edited text. */
export function applyTextMutation(text: string, m: TextMutation): string {
  const lines = text.split('\n');
  const lineAt = (n: number) => n % Math.max(lines.length, 1);
  switch (m.kind) {
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'delete': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case 'duplicateLine': {
      const i = lineAt(m.line);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 'swapLines': {
      const a = lineAt(m.a);
      const b = lineAt(m.b);
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      return lines.join('\n');
    }
    case 'indent': {
      const i = lineAt(m.line);
      const l = lines[i] ?? '';
      lines[i] = m.by >= 0 ? ' '.repeat(m.by) + l : l.replace(new RegExp(`^ {0,${-m.by}}`), '');
      return lines.join('\n');
    }
    case 'anchorAlias': {
      // An anchor on one value and an alias in place of another (possibly before it, or inside it).
      const a = lineAt(m.line);
      const b = lineAt(m.aliasLine);
      lines[a] = (lines[a] ?? '').replace(/(:\s|-\s)/, `$1&${m.name} `);
      lines[b] = (lines[b] ?? '').replace(/(:\s|-\s)(.*)$/, `$1*${m.name}`);
      return lines.join('\n');
    }
    case 'nest': {
      const i = lineAt(m.line);
      const l = lines[i] ?? '';
      const open = m.flow ? '['.repeat(m.depth) + '1' + ']'.repeat(m.depth) : '{a: '.repeat(m.depth) + '1' + '}'.repeat(m.depth);
      lines[i] = /:\s*$/.test(l) ? `${l} ${open}` : l.replace(/(:\s).*$/, `$1${open}`);
      return lines.join('\n');
    }
    case 'laughs': {
      // The billion-laughs shape: each level's list repeats the previous level's alias.
      const out = ['x0: &l0 "lol"'];
      for (let i = 1; i <= m.levels; i++) out.push(`x${i}: &l${i} [${Array.from({ length: m.width }, () => `*l${i - 1}`).join(', ')}]`);
      return `${text}\n${out.join('\n')}\n`;
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'crlf':
      return text.replace(/\n/g, '\r\n');
  }
}

/** ByteMutation edits the encoded source. */
export type ByteMutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insertBytes'; at: number; bytes: readonly number[] }
  | { kind: 'cut'; at: number };

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('insertBytes' as const),
    at: fc.nat(),
    bytes: fc.oneof(
      fc.constantFrom([0], [0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xff, 0xfe], [0xfe, 0xff], [0xef, 0xbb, 0xbf], [0x1b, 0x5b, 0x32, 0x4a]),
      fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 }),
    ),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
);

/** applyByteMutation returns edited bytes. */
export function applyByteMutation(bytes: Buffer, m: ByteMutation): Buffer {
  const at = m.at % (bytes.length + 1);
  switch (m.kind) {
    case 'flip': {
      if (bytes.length === 0) return bytes;
      const out = Buffer.from(bytes);
      const i = m.at % bytes.length;
      out[i] = (out[i] ?? 0) ^ (1 << m.bit);
      return out;
    }
    case 'insertBytes':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
    case 'cut':
      return bytes.subarray(0, at);
  }
}
