import * as path from 'node:path';
import { UsageError } from '../../../src/domain/errors';
import { loadManifests, type LoadOptions } from '../../../src/load';

const FIXTURES = path.join(__dirname, '../../fixtures/load');
const at = (name: string): string => path.join(FIXTURES, name);

function options(stdin = '', over: Partial<LoadOptions> = {}): LoadOptions {
  return { recursive: false, readStdin: async () => Buffer.from(stdin), ...over };
}

describe('loadManifests', () => {
  test('combines every source in order, with each document named by its source', async () => {
    const stdin = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-stdin\n';
    const r = await loadManifests([at('multi.yaml'), '-', at('pod.json')], options(stdin));
    expect(r.issues).toEqual([]);
    expect(r.documents.map((d) => `${path.basename(d.source)}#${d.documentIndex} ${(d.value['metadata'] as { name: string }).name}`)).toEqual([
      'multi.yaml#0 one',
      'multi.yaml#3 two',
      'multi.yaml#4 three',
      '-#0 from-stdin',
      'pod.json#0 from-json',
    ]);
    expect(r.documents[3]!.locate(['metadata', 'name'])).toEqual({ line: 4, column: 3 });
  });

  test('collects the issues of every file and still returns the good documents', async () => {
    const r = await loadManifests([at('duplicate-keys.yaml'), at('scalar-document.yaml'), at('binary.yaml')], options());
    expect(r.documents.map((d) => (d.value['metadata'] as { name: string }).name)).toEqual(['ok']);
    expect(r.issues.map((i) => `${path.basename(i.file)}#${i.documentIndex} ${i.line}:${i.column}`)).toEqual([
      'duplicate-keys.yaml#0 7:3',
      'duplicate-keys.yaml#0 12:7',
      'scalar-document.yaml#1 6:1',
      'binary.yaml#0 4:12',
    ]);
  });

  test('a directory with -R loads every manifest below it', async () => {
    const r = await loadManifests([at('tree')], options('', { recursive: true }));
    expect(r.issues).toEqual([]);
    expect(r.documents.map((d) => (d.value['metadata'] as { name: string }).name)).toEqual([
      'a-yml',
      'b-yaml',
      'c-json',
      'sub-a-yaml',
      'sub-deeper-x-yaml',
      'sub-z-yaml',
      'zeta-yaml',
    ]);
  });

  test('limits apply to every source, stdin included', async () => {
    const r = await loadManifests(['-'], options('a: 1\n'.repeat(10), { limits: { maxBytes: 20 } }));
    expect(r.issues.map((i) => `${i.file} ${i.message}`)).toEqual([
      '- too large: the input is over the limit of 20 bytes; split it into smaller files',
    ]);
  });

  test('only a bad path throws, as a UsageError', async () => {
    await expect(loadManifests([at('pod.json'), at('missing.yaml')], options())).rejects.toThrow(
      new UsageError(`the path "${at('missing.yaml')}" does not exist`),
    );
  });
});
