/**
 * The loader's js-yaml fast path must be invisible: for any input, parseDocuments (fast path first)
 * and parseDocumentsCarefully (yaml only) give the same documents, values, issues and positions.
 * These tests run both over every fixture, over generated documents (realistic pods, every scalar
 * form of the core schema, flow and block styles) and over thousands of seeded random mutations of
 * them, which is how the guards in fast-yaml.ts were found. FUZZ_ITERATIONS=100000 FUZZ_SEED=n runs more.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocuments, parseDocumentsCarefully, type ParseResult } from '../../../src/load/parse-documents';
import { DEFAULT_LIMITS, type LoadLimits } from '../../../src/load/limits';
import { fastDocument } from '../../../src/load/fast-yaml';
import { splitDocuments } from '../../../src/load/split-documents';
import type { JsonPath } from '../../../src/domain/types';

 
const { podYaml } = require('../../../bench/load-validate.js') as { podYaml: (i: number) => string };

const ROOT = path.join(__dirname, '../../..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? filesUnder(full) : /\.(ya?ml|json)$/.test(name) ? [full] : [];
    });
}

/** paths lists every path into a value, so that every locator answer can be compared. */
function paths(value: unknown, base: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(base);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...base, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...base, k], out);
  return out;
}

/** outcome is everything a caller can observe of a parse, locator answers included. */
function outcome(r: ParseResult): unknown {
  return {
    issues: r.issues,
    documents: r.documents.map((d) => ({
      source: d.source,
      documentIndex: d.documentIndex,
      basePath: d.basePath,
      value: d.value,
      positions: paths(d.value)
        .slice(0, 400)
        .map((p) => [p, d.locate(p)]),
      missing: d.locate(['no-such-field', 3]),
    })),
  };
}

function both(text: string, limits?: Partial<LoadLimits>): { fast: unknown; careful: unknown } {
  const input = { name: 'in.yaml', bytes: Buffer.from(text) };
  return { fast: outcome(parseDocuments(input, limits)), careful: outcome(parseDocumentsCarefully(input, limits)) };
}

function expectSame(text: string, limits?: Partial<LoadLimits>): void {
  const { fast, careful } = both(text, limits);
  try {
    expect(fast).toStrictEqual(careful);
  } catch (e) {
    throw new Error(`fast and careful paths differ for ${JSON.stringify(text)}:\n${(e as Error).message}`);
  }
}

/** fastKinds says what the fast path makes of each document of a text. */
function fastKinds(text: string, limits: LoadLimits = DEFAULT_LIMITS): string[] | undefined {
  return splitDocuments(text, limits)?.map((s) => fastDocument(text, s, limits).kind);
}

const fixtureFiles = [...filesUnder(path.join(ROOT, 'test/fixtures')), ...filesUnder(path.join(ROOT, 'examples'))];

describe('fast path ≡ careful path: fixtures', () => {
  test('there are fixtures to compare', () => {
    expect(fixtureFiles.length).toBeGreaterThan(50);
  });

  test.each(fixtureFiles.map((f) => [path.relative(ROOT, f)]))('%s', (file) => {
    const bytes = readFileSync(path.join(ROOT, file));
    const fast = outcome(parseDocuments({ name: file, bytes }));
    const careful = outcome(parseDocumentsCarefully({ name: file, bytes }));
    expect(fast).toStrictEqual(careful);
  });
});

describe('fast path ≡ careful path: generated documents', () => {
  test('realistic pods, one per document and 200 in one source, take the fast path', () => {
    const many = Array.from({ length: 200 }, (_, i) => podYaml(i)).join('');
    expect(fastKinds(many)).toEqual(Array.from({ length: 200 }, () => 'value'));
    expectSame(many);
    for (let i = 0; i < 20; i++) expectSame(podYaml(i * 37));
  });

  // Every plain-scalar form the YAML 1.2 core schema resolves, the ones it leaves as strings though
  // YAML 1.1 (and js-yaml's default schema) would not, and the same in quotes.
  const scalars = [
    '~', 'null', 'Null', 'NULL', 'nULL', '', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE',
    'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', '0', '-0', '+0', '00', '0644', '08', '0o17', '0o8', '0O17', '0x1F',
    '0X1F', '0x', '-0x1F', '0b101', '1_000', '1,000', '+12', '-12', '12345678901234567890123', '1.5', '-1.5', '1.',
    '.5', '+.5', '-.5', '.', '1.0', '1.50', '1e3', '1E3', '1.0e+3', '-1.5e-3', '.5e1', '1e', 'e3', '.inf', '-.inf',
    '+.inf', '.Inf', '.INF', '.nan', '.NaN', '.NAN', '-.nan', 'inf', 'nan', 'NaN', 'Infinity', '2001-12-14',
    '2001-12-14t21:59:43.10-05:00', '1:20', '190:20:30', '12:30:45.5', '=', '<<', '!', 'a#b', 'a #b', '*', '&',
    '-', '--', '---x', '?x', ':x', 'x:', 'x:y', '0.1.2', '1.2.3.4', 'v1', '@x', '`x', '%x', '|x', '>x', '[x', '{x',
    'é', '日本', '😀', 'a\\nb', '"', "'",
  ];
  const asPlain = (s: string): string => s;
  const asDouble = (s: string): string => JSON.stringify(s);
  const asSingle = (s: string): string => `'${s.replace(/'/g, "''")}'`;

  test.each(scalars.map((s) => [s]))('scalar %j as a value, a key, a list item, plain and quoted', (s) => {
    for (const form of [asPlain, asDouble, asSingle]) {
      const v = form(s);
      expectSame(`apiVersion: v1\nkind: Pod\nv: ${v}\n`);
      expectSame(`apiVersion: v1\nkind: Pod\nm:\n  ${v}: 1\n`);
      expectSame(`apiVersion: v1\nkind: Pod\nl:\n  - ${v}\n  - [${v}]\n  - {k: ${v}}\n`);
      expectSame(`{"apiVersion": "v1", "kind": "Pod", "v": ${v}, "l": [${v}, ${v}]}\n`);
    }
  });

  test('block scalars, multi-line plain and quoted scalars, escapes, comments, empty values, flow styles', () => {
    const docs = [
      'a: |\n  x\n   y\n\n  z\nb: 1\n',
      'a: |-\n  x\n\n\nb: 1\n',
      'a: |+\n  x\n\n\nb: 1\n',
      'a: >\n  folded\n  text\n\n  para\n   more\nb: 1\n',
      'a: >2-\n    indented\n  x\n',
      'a: |1\n  two\n',
      'a: plain\n  multi\n  line\nb: "dq\n  multi\\\n  line\\ttab"\nc: \'sq\n\n  multi\'\n',
      'a: "\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\e\\0\\a\\b\\t\\v\\f\\r\\/\\ \\""\n',
      'a: "\\q"\n',
      '# c\na: 1 # c\nb: # c\n  - 1 # c\n# c\n',
      'a:\nb: ~\nc: []\nd: {}\ne: [[], {}]\nf: [a, b, ]\ng: {a, b: }\n',
      'a: [1, [2, [3, {b: [4]}]], "x", \'y\']\nb: {c: {d: {e: f}}}\n',
      'a: [\n  1,\n  2]\nb: {\n  c: d}\n',
      'a: [\n  1\n]\n',
      'a:\n  - {\n    b: c\n    }\n',
      'list:\n- a\n- b:\n    c\n-   - d\n    - e\n',
      '- a\n- b\n',
      'just a string\n',
      '42\n',
      'a: b: c\n',
      'a: "x"#c\n',
      "a: 'x'#c\n",
      'a: [x]#c\n',
      'a: [x] #c\n',
      'a: {b: c}: d\n',
      '[a, b]: 1\n',
      '? a\n: 1\n',
      '? [a]\n: 1\n',
      '~: 1\n',
      'null: 1\nNull: 2\n',
      ': 1\n',
      'a:\n  : 1\n',
      '{~: 1}\n',
      '{: 1}\n',
      'a: ! 1\nb: ! [1]\nc: !foo x\nd: !!str 1\ne: !!int "1"\n',
      'a: &x 1\nb: *x\n',
      'a: &x {k: v}\nb: *x\n',
      'a: *x\n',
      'base: &b {k: v}\nm:\n  <<: *b\n  j: w\n',
      'm:\n  "<<": 1\n',
      'a: 1\na: 2\n',
      '1: a\n"1": b\n',
      'a:\n\tb: 1\n',
      'a: b\t# tab before a comment\n',
      'a:\t1\n',
      'a: "tab\tinside"\n',
      `${'k'.repeat(1100)}: 1\n`,
      `a: ${'v'.repeat(1100)}\n`,
      `"${'k'.repeat(1030)}": 1\n`,
      'a: b\r\nc:\r\n  - d\r\n',
      'a: b\rc: d\n',
      'a: "\ufeff"\n',
      '\ufeffa: 1\n',
      'a: 1\n...\n---\nb: 2\n',
      '%YAML 1.2\n---\na: 1\n',
      '--- {a: 1}\n--- [b]\n--- |\n  c\n---\n--- # comment\nd: 1\n',
      '---\ta: 1\n',
      '# only a comment\n',
      '\n\n# c\n\n---\na: 1\n',
      '---\n---\n---\n',
      'a: 1\n---\n',
      'a: [1, 2\n---\nb: 1\n',
      'a: "unterminated\n---\nb: 1\n',
      'a: \x07bell\n',
      'a: \u0085nel\u2028ls\n',
      '__proto__: {polluted: true}\nconstructor: 1\ntoString: 2\nhasOwnProperty: 3\n',
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- x\n- [y]\n',
      'apiVersion: v1\nkind: List\nitems: {a: 1}\n',
      'apiVersion: v1\nkind: List\n',
      `a: ${'['.repeat(63)}${']'.repeat(63)}\n`,
      `a: ${'['.repeat(64)}${']'.repeat(64)}\n`,
      `a: ${'['.repeat(63)}1${']'.repeat(63)}\n`,
      `a: ${'['.repeat(64)}1${']'.repeat(64)}\n`,
      // Found by the random mutations below: js-yaml accepts these and yaml does not, or reads them differently.
      'a:\n  b:\n  - \n- c\n',
      'a:\n  - # c\n- c\n',
      'a:\n  - - \n- c\n',
      'spec:\n  containers:\n  - args: ["-c", "echo Hello \n  from the container"]\n',
      'spec:\n  args: [a,\nb]\n',
      'v: {:}\n',
      'v: [:{"b": 80}]\n',
      'v: [: x]\n',
      '---# comment: 1\na: 2\n',
      '--- name: liveness\n    image: busybox\n',
      'v: !\n',
      'm: {"k":! }\n',
      'm: ["k":! ]\n',
      '{"a": {"b":, [1]}}\n',
      'a: {b: 1, {c: d}}\n',
    ];
    for (const d of docs) {
      expectSame(d);
      expectSame(`apiVersion: v1\nkind: Pod\n---\n${d}---\n${podYaml(1)}`);
    }
  });

  test('limits give the same messages on both paths', () => {
    const three = 'a: 1\n---\nb: 2\n---\nc: 3\n';
    expectSame(three, { maxDocuments: 2 });
    expectSame(three, { maxDocuments: 3 });
    expectSame(`a: 1\n---\n${'- x\n'.repeat(400)}`, { maxDocumentTokens: 500 });
    expectSame(`a: 1\n---\n${'- x\n'.repeat(100)}`, { maxDocumentTokens: 500 });
    expectSame(`a: &a [1]\nb: [*a, *a, *a]\n`, { maxAliasCount: 2 });
    expectSame(`a: ${'['.repeat(10)}${']'.repeat(10)}\n`, { maxDepth: 5 });
    expectSame(`a: ${'['.repeat(4)}${']'.repeat(4)}\n`, { maxDepth: 5 });
  });

  test('what the fast path takes and what it leaves to yaml', () => {
    expect(fastKinds(podYaml(3))).toEqual(['value']);
    expect(fastKinds('a: 1\n---\nb: &x 1\nc: *x\n---\nd: "x && y"\n')).toEqual(['value', 'careful', 'value']);
    expect(fastKinds('a: 1\n---\nb: [1\n')).toEqual(['value', 'error']);
    expect(fastKinds('m:\n  <<: {a: 1}\n')).toEqual(['careful']);
    expect(fastKinds('~: 1\n')).toEqual(['careful']);
    expect(fastKinds('a: "x"#c\n')).toEqual(['careful']);
    expect(fastKinds('a: [\n  1\n]\n')).toEqual(['careful']);
    expect(fastKinds('a: 1\n...\n')).toBeUndefined();
    expect(fastKinds('%YAML 1.2\n---\na: 1\n')).toBeUndefined();
    expect(fastKinds('a: 1\n---\nb: 2\n', { ...DEFAULT_LIMITS, maxDocuments: 1 })).toBeUndefined();
    expect(fastKinds('# c\n---\na: 1\n---\n')).toEqual(['value', 'value']);
  });

  // Anchors and aliases are found through js-yaml's public listener state (where each node opens),
  // not its anchor map: every place a property can stand, after blanks, comments and `!`.
  test('anchors and aliases anywhere send their document to yaml; a `&` that cannot be one does not', () => {
    const anchored = [
      'a: &x 1\n',
      '&x a: 1\n',
      '&x\na: 1\n',
      'm:\n  &x k: v\n',
      'm: &x\n  # c\n  k: v\n',
      'm:\n  # c\n  &x\n  k: v\n',
      'l:\n  - &x a\n  - b\n',
      'l: [a, &x b]\n',
      'l: [&x [a]]\n',
      'f: {a: &x b}\n',
      'f: {&x a: b}\n',
      'f: {"a":! &x b}\n',
      'f: {"a":&x b}\n',
      'f: {"a": &x}\n',
      'a: &x |\n  text\n',
      "a: &x 'q'\n",
      'a: &&& 1\n',
    ];
    for (const d of anchored) {
      expect([d, fastKinds(d)]).toEqual([d, ['careful']]);
      expectSame(d);
    }
    const plain = ['c: ["sh", "-c", "serve & wait"]\n', 'c: "a && b"\n', 'u: http://x/?a=1&b=2\n', 'a: "&x"\n', "a: '*x'\n", 'a: b&x\n'];
    for (const d of plain) {
      expect([d, fastKinds(d)]).toEqual([d, ['value']]);
      expectSame(d);
    }
    expect(splitDocuments('# c\n---\na: 1\n---\n', DEFAULT_LIMITS)?.map((s) => [s.start, s.end, s.index])).toEqual([
      [0, 13, 0],
      [13, 17, 1],
    ]);
  });
});

// ------------------------------------------------------------------------------------------------
// Seeded random mutations
// ------------------------------------------------------------------------------------------------

/** mulberry32: a small seeded generator, so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces that matter to YAML parsers, spliced into valid documents. */
const PIECES = [
  ' ', '  ', '\n', '\n  ', '\n- ', ':', ': ', ' :', '-', '- ', '---', '\n---\n', '...', '#', ' #', '"', "'", '[', ']', '{',
  '}', ',', ', ', '?', '? ', '!', '! ', '!!str ', '&a ', '*a', '&', '*', '|', '|-', '>', '>+', '\\', '\\n', '\t', '~',
  'null', 'true', '0x1F', '0o7', '1e3', '.inf', '<<', '<<: ', '%', '@', '`', '\r', '\r\n', '\u00e9', '\u2028', '0', '1_0',
];

function mutate(text: string, rnd: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(rnd() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (out.length + 1));
    const r = rnd();
    const piece = PIECES[Math.floor(rnd() * PIECES.length)]!;
    if (r < 0.5) out = out.slice(0, at) + piece + out.slice(at);
    else if (r < 0.8) out = out.slice(0, at) + piece + out.slice(at + 1 + Math.floor(rnd() * 3));
    else out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rnd() * 4));
  }
  return out;
}

/** Plain scalars worth generating: core-schema forms, YAML 1.1 look-alikes, odd characters. */
const WORDS = [
  'web', 'a b', 'x-y_z.w', '80', '-1', '0o17', '0x1F', '1.5', '1e3', '.inf', '.nan', 'true', 'False', 'null', '~', 'yes',
  'off', '0644', '1_000', '2001-12-14', '12:30', 'é日😀', 'a#b', 'a:b', 'http://x/y?z=1&w=2', '$(VAR)', '${X}', '100Mi', '250m',
  '-', '.', 'a - b', 'x: y', 'q"q', "q'q", ' lead', 'trail ', 'line\nbreak', '', '#', '*x', '&x', '!x', '%x', '@x', '`x',
  '[x]', '{x}', 'a, b', '? x', '|', '>', 'multi\nline\ntext\n',
];

/** emitScalar writes a string in a random style that yaml and js-yaml must both read back. */
function emitScalar(s: string, rnd: () => number, indent: string, inFlow: boolean): string {
  const r = rnd();
  const plainOk = /^[A-Za-z0-9/$(][^#:\n]*[A-Za-z0-9)/]$/.test(s) || /^[A-Za-z0-9]$/.test(s);
  if (r < 0.35 && plainOk) return s;
  if (r < 0.55) return `'${s.replace(/'/g, "''")}'`;
  if (r < 0.65 && !inFlow && s.endsWith('\n') && !s.startsWith(' ')) {
    // A literal block scalar: its lines indented under the key, the final line break kept by `|`.
    return `|\n${s.slice(0, -1).split('\n').map((l) => (l === '' ? '' : `${indent}  ${l}`)).join('\n')}`;
  }
  return JSON.stringify(s);
}

/** emit writes a value as YAML with random block and flow styles, indentation and comments. */
function emit(v: unknown, rnd: () => number, indent: string, inFlow: boolean): string {
  if (v === null) return rnd() < 0.5 ? 'null' : '~';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return emitScalar(v, rnd, indent, inFlow);
  const flow = inFlow || rnd() < 0.3;
  if (Array.isArray(v)) {
    if (flow || v.length === 0) return `[${v.map((x) => emit(x, rnd, indent, true)).join(', ')}]`;
    const step = rnd() < 0.5 ? '' : '  ';
    return v
      .map((x) => {
        const inner = emit(x, rnd, `${indent}${step}  `, false);
        const nested = /^\n/.test(inner) ? inner.replace(/^\n\s*/, '') : inner;
        return `\n${indent}${step}- ${nested}${rnd() < 0.1 ? ' # note' : ''}`;
      })
      .join('');
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (flow || entries.length === 0) return `{${entries.map(([k, x]) => `${JSON.stringify(k)}: ${emit(x, rnd, indent, true)}`).join(', ')}}`;
  const step = rnd() < 0.7 ? '  ' : '    ';
  return entries
    .map(([k, x]) => {
      const key = /^[a-z][a-zA-Z0-9./-]*$/.test(k) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(k) ? k : JSON.stringify(k);
      const inner = emit(x, rnd, `${indent}${step}`, false);
      const sep = inner.startsWith('\n') || inner.startsWith('|') ? ':' : ': ';
      return `\n${indent}${key}${sep}${inner}`;
    })
    .join('');
}

function randomValue(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (depth > 4 || r < 0.45) {
    const w = WORDS[Math.floor(rnd() * WORDS.length)]!;
    const s = rnd();
    return s < 0.1 ? Math.floor(rnd() * 70000) - 100 : s < 0.15 ? rnd() < 0.5 : s < 0.18 ? null : s < 0.2 ? 1.25 : w;
  }
  if (r < 0.7) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rnd() * 5); i > 0; i--) o[rnd() < 0.8 ? `k${Math.floor(rnd() * 50)}` : WORDS[Math.floor(rnd() * WORDS.length)]!] = randomValue(rnd, depth + 1);
  return o;
}

describe('fast path ≡ careful path: random documents', () => {
  const iterations = Number(process.env['FUZZ_ITERATIONS'] ?? 3000) / 3;

  test(`${iterations} random documents in random styles; most take the fast path`, () => {
    const rnd = random(Number(process.env['FUZZ_SEED'] ?? 7));
    let fast = 0;
    for (let i = 0; i < iterations; i++) {
      const spec: Record<string, unknown> = {};
      for (let k = 0; k < 6; k++) spec[`f${k}`] = randomValue(rnd, 1);
      const value = { apiVersion: 'v1', kind: 'Pod', spec };
      const text = `${emit(value, rnd, '', false).replace(/^\n/, '')}\n`;
      expectSame(text);
      if (fastKinds(text)?.[0] === 'value') fast++;
    }
    expect(fast).toBeGreaterThan(iterations / 4);
  });
});

describe('fast path ≡ careful path: random mutations', () => {
  const seeds = [
    podYaml(0),
    podYaml(7),
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {app: web, "tier": \'db\'}\nspec:\n  containers:\n  - name: a\n    args: [sh, -c, "echo hi && sleep 1"]\n    env:\n    - {name: A, value: "1"}\n',
    '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"}, "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80}]}]}}\n',
    'a: |\n  line one\n  line two\nb: >-\n  folded\n  text\nc: "dq \\" x"\nd: \'sq \'\' x\'\ne:\n  - 1\n  - 1.5\n  - ~\n',
    ...fixtureFiles.filter((f) => f.includes('/valid/') || f.includes('/examples/')).map((f) => readFileSync(f, 'utf8')),
  ];
  const iterations = Number(process.env['FUZZ_ITERATIONS'] ?? 3000);
  const seed = Number(process.env['FUZZ_SEED'] ?? 20260301);

  test(`${iterations} mutated documents, alone and between good ones (seed ${seed})`, () => {
    const rnd = random(seed);
    for (let i = 0; i < iterations; i++) {
      const text = mutate(seeds[i % seeds.length]!, rnd);
      expectSame(text);
      if (i % 4 === 0) expectSame(`${podYaml(1)}${text}\n---\n${podYaml(2)}`);
    }
  });
});
