import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDocuments, type ParseResult } from '../../../src/load/parse-documents';
import type { Issue } from '../../../src/domain/types';

const FIXTURES = path.join(__dirname, '../../fixtures/load');

/** parseFixture parses a file of test/fixtures/load under its bare name. */
function parseFixture(name: string): ParseResult {
  return parseDocuments({ name, bytes: readFileSync(path.join(FIXTURES, name)) });
}

function parseText(text: string, name = 'inline.yaml'): ParseResult {
  return parseDocuments({ name, bytes: Buffer.from(text) });
}

/** brief renders an issue as one line, so a test states position, path and message at once. */
function brief(i: Issue): string {
  return `${i.severity} ${i.file}#${i.documentIndex} ${i.line}:${i.column} [${i.path}] ${i.message}`;
}

function names(r: ParseResult): string[] {
  return r.documents.map((d) => `${d.documentIndex}:${String((d.value['metadata'] as { name?: string } | undefined)?.name)}`);
}

describe('parseDocuments: documents', () => {
  test('multi-document YAML: empty and comment-only documents are skipped but keep their index', () => {
    const r = parseFixture('multi.yaml');
    expect(r.issues).toEqual([]);
    expect(names(r)).toEqual(['0:one', '3:two', '4:three']);
    expect(r.documents.map((d) => d.source)).toEqual(['multi.yaml', 'multi.yaml', 'multi.yaml']);
    expect(r.documents[1]!.locate(['metadata', 'name'])).toEqual({ line: 13, column: 3 });
  });

  test('an empty file and a comment-only file give nothing and no issue', () => {
    expect(parseText('')).toEqual({ documents: [], issues: [] });
    expect(parseText('# nothing here\n---\n...\n')).toEqual({ documents: [], issues: [] });
    expect(parseText('~\n')).toEqual({ documents: [], issues: [] });
  });

  test('kind: List is unrolled; each item keeps its basePath and a non-map item is an issue at it', () => {
    const r = parseFixture('list.yaml');
    expect(r.documents.map((d) => d.basePath)).toEqual([
      ['items', 0],
      ['items', 1],
    ]);
    expect(r.documents.map((d) => d.documentIndex)).toEqual([0, 0]);
    expect(r.documents[1]!.value).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'second' },
      spec: { containers: [{ name: 'web', image: 'localhost/busybox:stable' }] },
    });
    expect(r.issues.map(brief)).toEqual([
      'error list.yaml#0 16:5 [items[2]] expected a Kubernetes object (a map with apiVersion and kind) in items[2], got a string',
    ]);
    // Paths are relative to the item; the locator adds the basePath.
    const second = r.documents[1]!;
    expect(second.locate([])).toEqual({ line: 8, column: 5 });
    expect(second.locate(['metadata', 'name'])).toEqual({ line: 11, column: 7 });
    expect(second.locate(['spec', 'containers', 0, 'image'])).toEqual({ line: 15, column: 11 });
    expect(r.documents[0]!.locate(['kind'])).toEqual({ line: 5, column: 5 });
  });

  test('nested Lists are flattened, an empty List gives nothing, a List with bad items is an issue', () => {
    const nested = parseText(
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - {apiVersion: v1, kind: Pod, metadata: {name: inner}}\n',
    );
    expect(nested.issues).toEqual([]);
    expect(nested.documents.map((d) => d.basePath)).toEqual([['items', 0, 'items', 0]]);
    expect(nested.documents[0]!.locate(['metadata', 'name'])).toEqual({ line: 7, column: 44 });
    expect(parseText('apiVersion: v1\nkind: List\nitems: []\n')).toEqual({ documents: [], issues: [] });
    expect(parseText('apiVersion: v1\nkind: List\nitems: {a: 1}\n').issues.map(brief)).toEqual([
      "error inline.yaml#0 3:1 [items] a List's items must be a list, got a Object",
    ]);
  });

  test('a JSON file goes through the same path, with positions', () => {
    const r = parseFixture('pod.json');
    expect(r.issues).toEqual([]);
    expect(r.documents).toHaveLength(1);
    const d = r.documents[0]!;
    expect(d.value['metadata']).toEqual({ name: 'from-json', labels: { app: 'web' } });
    expect(d.locate(['metadata', 'labels', 'app'])).toEqual({ line: 4, column: 48 });
    expect(d.locate(['spec', 'containers', 1, 'args', 1])).toEqual({ line: 8, column: 76 });
  });

  test('a UTF-8 byte order mark is accepted and does not shift columns', () => {
    const r = parseFixture('bom.yaml');
    expect(r.issues).toEqual([]);
    expect(r.documents[0]!.value['apiVersion']).toBe('v1');
    expect(r.documents[0]!.locate(['apiVersion'])).toEqual({ line: 1, column: 1 });
    expect(r.documents[0]!.locate(['metadata', 'name'])).toEqual({ line: 4, column: 3 });
  });

  test('CRLF line ends count as one line break', () => {
    const r = parseFixture('crlf.yaml');
    expect(r.documents[0]!.value['metadata']).toEqual({ name: 'crlf', bogus: 1 });
    expect(r.documents[0]!.locate(['metadata', 'bogus'])).toEqual({ line: 5, column: 3 });
  });

  test('merge keys (<<) work as in kubectl, and the locator finds merged fields at their source', () => {
    const r = parseFixture('merge-keys.yaml');
    expect(r.issues).toEqual([]);
    const containers = (r.documents[0]!.value['spec'] as { containers: unknown[] }).containers;
    expect(containers).toEqual([
      { name: 'a', image: 'localhost/busybox:stable', imagePullPolicy: 'Never' },
      { name: 'b', image: 'localhost/busybox:stable', imagePullPolicy: 'Never' },
    ]);
    expect(r.documents[0]!.locate(['spec', 'containers', 1, 'name'])).toEqual({ line: 12, column: 7 });
    expect(r.documents[0]!.locate(['spec', 'containers', 1, 'image'])).toEqual({ line: 9, column: 7 });
  });
});

describe('parseDocuments: locators', () => {
  const doc = parseFixture('locate.yaml').documents[0]!;

  test('a map key resolves to the key itself, not its value', () => {
    expect(doc.locate(['metadata', 'name'])).toEqual({ line: 4, column: 3 });
    expect(doc.locate(['spec', 'containers', 0, 'image'])).toEqual({ line: 9, column: 7 });
    expect(doc.locate(['metadata', 'labels', 'tier'])).toEqual({ line: 5, column: 22 });
  });

  test('a list index resolves to the item', () => {
    expect(doc.locate(['spec', 'containers', 1])).toEqual({ line: 12, column: 9 });
    expect(doc.locate(['spec', 'containers', 0, 'ports', 0, 'containerPort'])).toEqual({ line: 11, column: 11 });
  });

  test('a path that does not exist resolves to its nearest existing ancestor', () => {
    expect(doc.locate(['spec', 'containers', 1, 'resources', 'limits'])).toEqual({ line: 12, column: 9 });
    expect(doc.locate(['spec', 'containers', 7])).toEqual({ line: 7, column: 3 });
    expect(doc.locate(['metadata', 'name', 'deeper'])).toEqual({ line: 4, column: 3 });
    expect(doc.locate(['spec', 'volumes', 0])).toEqual({ line: 14, column: 3 });
    expect(doc.locate(['nope'])).toEqual({ line: 1, column: 1 });
    expect(doc.locate([])).toEqual({ line: 1, column: 1 });
  });

  test('locators are independent per document and work after other documents were parsed', () => {
    const r = parseText('a: 1\n---\nb:\n  c: 2\n---\nd: 3\n');
    expect(r.documents.map((d) => d.locate([Object.keys(d.value)[0]!]))).toEqual([
      { line: 1, column: 1 },
      { line: 3, column: 1 },
      { line: 6, column: 1 },
    ]);
    expect(r.documents[1]!.locate(['b', 'c'])).toEqual({ line: 4, column: 3 });
  });
});

describe('parseDocuments: hostile input', () => {
  // No time bound is asserted (these machines are noisy): the test's own time-out catches a hang.
  test('billion laughs is refused at the alias that crosses the budget, without memory growth', () => {
    const before = process.memoryUsage().heapUsed;
    const r = parseFixture('billion-laughs.yaml');
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
    expect(r.documents).toEqual([]);
    expect(r.issues.map(brief)).toEqual([
      'error billion-laughs.yaml#0 9:16 [metadata.annotations.d[1]] too many aliases: expanding *c here goes over the limit of 100 alias uses (the pattern of a "billion laughs" attack); write the values out instead of aliasing them',
    ]);
  });

  test('more aliases than maxAliasCount in one document is refused (yaml resolves them quadratically)', () => {
    const text = 'a: &a x\n' + Array.from({ length: 5 }, (_, i) => `k${i}: *a\n`).join('');
    expect(parseText(text).issues).toEqual([]);
    expect(parseDocuments({ name: 'x', bytes: Buffer.from(text) }, { maxAliasCount: 4 }).issues.map(brief)).toEqual([
      'error x#0 6:5 [k4] too many aliases: more than 4 in one document; write the values out instead',
    ]);
  });

  test('an alias inside its own anchor (a cycle) and an undefined alias are refused', () => {
    expect(parseText('a: &x\n  b: [*x]\n').issues.map(brief)).toEqual([
      'error inline.yaml#0 2:7 [a.b[0]] alias *x is inside the node it refers to, which would make an endless value; remove the alias',
    ]);
    expect(parseText('a: 1\nb: *nope\n').issues.map(brief)).toEqual([
      'error inline.yaml#0 2:4 [b] alias *nope has no anchor &nope before it; define the anchor first',
    ]);
  });

  test('an oversize input is refused before decoding', () => {
    expect(parseDocuments({ name: 'big.yaml', bytes: Buffer.alloc(0), size: 20_000_000 }).issues.map(brief)).toEqual([
      'error big.yaml#0 1:1 [] too large: the input is over the limit of 16 MiB (20000000 bytes); split it into smaller files',
    ]);
    expect(parseDocuments({ name: '-', bytes: Buffer.from('a: 1\n') }, { maxBytes: 4 }).issues.map(brief)).toEqual([
      'error -#0 1:1 [] too large: the input is over the limit of 4 bytes; split it into smaller files',
    ]);
  });

  test('a binary file (a NUL byte) is refused at the NUL', () => {
    expect(parseFixture('binary.yaml').issues.map(brief)).toEqual([
      'error binary.yaml#0 4:12 [] binary file: it contains a NUL byte, so it is not YAML or JSON text; pass a manifest file',
    ]);
  });

  test('UTF-16 is named as such', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: 1\n', 'utf16le')]);
    expect(parseDocuments({ name: 'u16.yaml', bytes }).issues.map(brief)).toEqual([
      'error u16.yaml#0 1:1 [] the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8',
    ]);
  });

  test('invalid UTF-8 is refused at the first bad byte', () => {
    expect(parseFixture('latin1.yaml').issues.map(brief)).toEqual([
      'error latin1.yaml#0 4:12 [] invalid UTF-8: byte 0xe9 does not form a valid character; manifests must be UTF-8 text, so convert the file to UTF-8',
    ]);
    // Columns count characters: the two-byte é before the bad byte is one column.
    const bytes = Buffer.concat([Buffer.from('a: 1\nb: é'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\n')]);
    expect(parseDocuments({ name: 's', bytes }).issues.map(brief)).toEqual([
      'error s#0 2:5 [] invalid UTF-8: byte 0xed does not form a valid character; manifests must be UTF-8 text, so convert the file to UTF-8',
    ]);
    const truncated = Buffer.concat([Buffer.from('x: '), Buffer.from([0xe2, 0x82])]);
    expect(parseDocuments({ name: 't', bytes: truncated }).issues.map((i) => `${i.line}:${i.column}`)).toEqual(['1:4']);
  });

  test('a list document and a scalar document are refused; good documents beside them still load', () => {
    expect(parseFixture('list-document.yaml').issues.map(brief)).toEqual([
      'error list-document.yaml#0 2:1 [] expected a Kubernetes object (a map with apiVersion and kind), got a list',
    ]);
    const scalar = parseFixture('scalar-document.yaml');
    expect(names(scalar)).toEqual(['0:ok']);
    expect(scalar.issues.map(brief)).toEqual([
      'error scalar-document.yaml#1 6:1 [] expected a Kubernetes object (a map with apiVersion and kind), got a string',
    ]);
    expect(parseText('42\n').issues.map((i) => i.message)).toEqual([
      'expected a Kubernetes object (a map with apiVersion and kind), got a number',
    ]);
  });

  test('duplicate keys are reported at the second key, each one, with the line of the first', () => {
    const r = parseFixture('duplicate-keys.yaml');
    expect(r.documents).toEqual([]);
    expect(r.issues.map(brief)).toEqual([
      'error duplicate-keys.yaml#0 7:3 [metadata.name] duplicate key "name" (already defined on line 4); kubectl would silently keep the last one, which is almost always a mistake; remove one of them (kubeplay\'s rule, not the API server\'s)',
      'error duplicate-keys.yaml#0 12:7 [spec.containers[0].image] duplicate key "image" (already defined on line 11); kubectl would silently keep the last one, which is almost always a mistake; remove one of them (kubeplay\'s rule, not the API server\'s)',
    ]);
  });

  test('duplicate keys in a large map are found too (a Set, not pairwise)', () => {
    const keys = Array.from({ length: 20 }, (_, i) => `  k${i}: v\n`).join('');
    const r = parseText(`labels:\n${keys}  k3: again\n`);
    expect(r.issues.map(brief)).toEqual([
      'error inline.yaml#0 22:3 [labels.k3] duplicate key "k3" (already defined on line 5); kubectl would silently keep the last one, which is almost always a mistake; remove one of them (kubeplay\'s rule, not the API server\'s)',
    ]);
    // 1 and "1" become the same JSON key, so they collide as well.
    expect(parseText('1: a\n"1": b\n').issues.map((i) => i.message)).toEqual([
      'duplicate key "1" (already defined on line 1); kubectl would silently keep the last one, which is almost always a mistake; remove one of them (kubeplay\'s rule, not the API server\'s)',
    ]);
  });

  test('a collection used as a map key is refused', () => {
    expect(parseText('? [a, b]\n: 1\n').issues.map(brief)).toEqual([
      'error inline.yaml#0 1:3 [] a map key must be a plain value, got a list; use a string key',
    ]);
  });

  // Found by fuzzing: yaml turned the bytes into a string key and printed a process warning.
  test('a !!binary map key is refused, and no process warning is printed', () => {
    const warnings: unknown[] = [];
    const emitWarning = process.emitWarning;
    process.emitWarning = ((w: unknown) => void warnings.push(w));
    try {
      expect(parseText('a:\n  !!binary aGVsbG8=: 1\n').issues.map(brief)).toEqual([
        'error inline.yaml#0 2:12 [a] a map key must be a plain value, got binary data (!!binary); use a string key',
      ]);
    } finally {
      process.emitWarning = emitWarning;
    }
    expect(warnings).toEqual([]);
  });

  test('tabs used as indentation are a syntax error at the tab', () => {
    expect(parseFixture('tabs.yaml').issues.map(brief)).toEqual([
      'error tabs.yaml#0 5:1 [] invalid YAML: a tab is used for indentation; YAML allows only spaces there, so indent with spaces',
    ]);
  });

  test('syntax errors carry the line and column yaml found them at', () => {
    expect(parseFixture('syntax.yaml').issues.map(brief)).toEqual([
      'error syntax.yaml#0 6:1 [] invalid YAML: a double-quoted string is never closed; add the closing "',
    ]);
    expect(parseText('a: b: c\n').issues.map(brief)).toEqual([
      'error inline.yaml#0 1:4 [] invalid YAML: nested mappings are not allowed in compact mappings',
    ]);
    expect(parseText('metadata: {name: a\nspec: 1\n').issues.map(brief)).toEqual([
      'error inline.yaml#0 2:1 [] invalid YAML: flow map in block collection must be sufficiently indented and end with a }',
    ]);
  });

  test('YAML warnings become warning issues and the document still loads', () => {
    const r = parseText('apiVersion: v1\nkind: Pod\nmetadata: {name: !custom x}\n');
    expect(r.documents).toHaveLength(1);
    expect(r.issues.map(brief)).toEqual(['warning inline.yaml#0 3:18 [] YAML warning: unresolved tag: !custom; it is ignored']);
  });

  test('100,000 nested [ do not overflow the stack: refused at the 65th level', () => {
    const r = parseText('['.repeat(100_000) + ']'.repeat(100_000));
    expect(r.issues.map(brief)).toEqual([
      'error inline.yaml#0 1:65 [] nesting too deep: maps and lists are nested more than 64 levels here; a Kubernetes object never needs that many (the rest of the file was not read)',
    ]);
  });

  test('deep block nesting and deep maps are refused at the level that crosses the limit', () => {
    expect(parseText('- '.repeat(100_000) + 'x\n').issues.map((i) => `${i.line}:${i.column}`)).toEqual(['1:129']);
    const maps = Array.from({ length: 70 }, (_, i) => `${' '.repeat(i)}k${i}:\n`).join('');
    expect(parseText(maps).issues.map((i) => `${i.line}:${i.column}`)).toEqual(['65:65']);
    const ok = Array.from({ length: 64 }, (_, i) => `${' '.repeat(i)}k${i}:\n`).join('');
    expect(parseText(ok).issues).toEqual([]);
  });

  test('documents before a too-deep one are kept, with its index', () => {
    const r = parseText(`a: 1\n---\nb: 2\n---\nc: ${'['.repeat(70)}\n`);
    expect(r.documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.issues.map((i) => `${i.documentIndex} ${i.line}:${i.column}`)).toEqual(['2 5:67']);
  });

  test('nesting made deep through an alias is refused at the alias', () => {
    const deep = `${'['.repeat(40)}1${']'.repeat(40)}`;
    const r = parseText(`a: &a ${deep}\nb: [[[[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n`);
    expect(r.issues.map(brief)).toEqual([
      'error inline.yaml#0 2:32 [b[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]] nesting too deep: with *a expanded, maps and lists nest more than 64 levels',
    ]);
  });

  test('more documents than maxDocuments is refused at the first one over', () => {
    const r = parseDocuments({ name: 'many.yaml', bytes: Buffer.from('a: 1\n---\nb: 2\n---\nc: 3\n') }, { maxDocuments: 2 });
    expect(r.documents.map((d) => d.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.issues.map(brief)).toEqual([
      'error many.yaml#2 4:1 [] too many documents: more than 2 in one file; split it into several files',
    ]);
  });

  test('a document with more tokens than maxDocumentTokens is refused at its start; earlier ones stay', () => {
    const r = parseDocuments({ name: 'x', bytes: Buffer.from('a: 1\n---\n' + '-\n'.repeat(1000)) }, { maxDocumentTokens: 500 });
    expect(r.documents.map((d) => d.value)).toEqual([{ a: 1 }]);
    expect(r.issues.map(brief)).toEqual([
      'error x#1 2:1 [] document too large: more than 500 YAML tokens in one document; split it into several documents (the rest of the file was not read)',
    ]);
  });

  test('a garbage file produces at most 100 issues plus a count of the rest', () => {
    const r = parseText(Array.from({ length: 300 }, () => 'a: *x\n---\n').join(''));
    expect(r.issues).toHaveLength(101);
    expect(r.issues[100]!.message).toBe('200 more problem(s) in this file not shown; fix the ones above first');
  });

  test('__proto__ as a key stays plain data', () => {
    const r = parseText('apiVersion: v1\nkind: Pod\nmetadata:\n  __proto__: {polluted: true}\n');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(r.documents[0]!.value['metadata'] as object)).toEqual(['__proto__']);
  });
});

describe('parseDocuments: scale', () => {
  test('1,000 two-container pods load in linear time with lazy locators', () => {
    const pod = (i: number): string =>
      `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-${i}\n  labels: {app: web}\nspec:\n  containers:\n` +
      `    - name: a\n      image: localhost/busybox:stable\n      ports:\n        - containerPort: 80\n` +
      `    - name: b\n      image: localhost/busybox:stable\n      command: [sleep, "1000"]\n`;
    const text = Array.from({ length: 1000 }, (_, i) => pod(i)).join('');
    // About 0.3 s on an idle 2-core machine; quadratic behaviour would hit the test's time-out.
    const r = parseText(text);
    expect(r.issues).toEqual([]);
    expect(r.documents).toHaveLength(1000);
    expect(r.documents[999]!.locate(['spec', 'containers', 1, 'command', 1])).toEqual({ line: 15_000, column: 24 });
  });
});
