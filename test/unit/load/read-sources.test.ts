import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../../src/domain/errors';
import { readSources, readStream, type ReadSourcesOptions } from '../../../src/load/read-sources';

const TREE = path.join(__dirname, '../../fixtures/load/tree');
const MAX = 16 * 1024 * 1024;

/** StdinSpy stands in for process.stdin: it records how often and with what limit it was read. */
class StdinSpy {
  calls: number[] = [];
  constructor(private readonly content: string) {}
  read = async (maxBytes: number): Promise<Buffer> => {
    this.calls.push(maxBytes);
    return Buffer.from(this.content);
  };
}

function options(over: Partial<ReadSourcesOptions> = {}): ReadSourcesOptions {
  return { recursive: false, readStdin: new StdinSpy('').read, maxBytes: MAX, ...over };
}

/** relative strips the fixture root, so the expected order reads plainly. */
function relative(names: string[]): string[] {
  return names.map((n) => path.relative(TREE, n));
}

describe('readSources', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'kubeplay-load-test-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  test('a directory gives its .yaml, .yml and .json files, sorted by name, without subdirectories', async () => {
    const sources = await readSources([TREE], options());
    // notes.txt and UPPER.YAML are skipped: kubectl matches the extensions exactly.
    expect(relative(sources.map((s) => s.name))).toEqual(['a.yml', 'b.yaml', 'c.json', 'zeta.yaml']);
    expect(sources[2]!.bytes.toString()).toBe('{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "c-json"}}\n');
  });

  test('-R descends depth-first where each subdirectory sorts, as kubectl walks', async () => {
    const sources = await readSources([TREE], options({ recursive: true }));
    expect(relative(sources.map((s) => s.name))).toEqual([
      'a.yml',
      'b.yaml',
      'c.json',
      'sub/a.yaml',
      'sub/deeper/x.yaml',
      'sub/z.yaml',
      'zeta.yaml',
    ]);
  });

  test('a file is read whatever its extension; repeated -f keep their order, stdin included', async () => {
    const stdin = new StdinSpy('kind: Pod\n');
    const sources = await readSources([path.join(TREE, 'zeta.yaml'), '-', path.join(TREE, 'notes.txt')], options({ readStdin: stdin.read }));
    expect(sources.map((s) => path.basename(s.name))).toEqual(['zeta.yaml', '-', 'notes.txt']);
    expect(sources[1]).toEqual({ name: '-', bytes: Buffer.from('kind: Pod\n') });
    expect(stdin.calls).toEqual([MAX]);
  });

  test('a missing path is a UsageError in kubectl words', async () => {
    await expect(readSources(['no/such/file.yaml'], options())).rejects.toThrow(new UsageError('the path "no/such/file.yaml" does not exist'));
    await expect(readSources([path.join(TREE, 'a.yml', 'below')], options())).rejects.toBeInstanceOf(UsageError);
  });

  test('a second "-" is a UsageError before anything is read', async () => {
    const stdin = new StdinSpy('a: 1\n');
    await expect(readSources(['-', path.join(TREE, 'b.yaml'), '-'], options({ readStdin: stdin.read }))).rejects.toThrow(
      new UsageError('stdin ("-f -") can be read only once; pass "-" a single time'),
    );
    expect(stdin.calls).toEqual([]);
  });

  test('a device or pipe named with -f is read as a stream (no size to stat)', async () => {
    expect(await readSources(['/dev/null'], options())).toEqual([{ name: '/dev/null', bytes: Buffer.alloc(0) }]);
  });

  test('a directory without manifests gives an empty list', async () => {
    const empty = path.join(scratch, 'empty');
    await mkdir(empty);
    await writeFile(path.join(empty, 'README.md'), '# not a manifest\n');
    expect(await readSources([empty], options({ recursive: true }))).toEqual([]);
    expect(await readSources([], options())).toEqual([]);
  });

  test('a file over the limit is not read: its size is reported instead', async () => {
    const big = path.join(scratch, 'big.yaml');
    await writeFile(big, 'x'.repeat(100));
    expect(await readSources([big], options({ maxBytes: 99 }))).toEqual([{ name: big, bytes: Buffer.alloc(0), size: 100 }]);
    expect(await readSources([big], options({ maxBytes: 100 }))).toEqual([{ name: big, bytes: Buffer.from('x'.repeat(100)) }]);
  });

  test('a symlink to a file counts in a directory; a symlink to a directory is not followed', async () => {
    const dir = path.join(scratch, 'links');
    await mkdir(dir);
    await symlink(path.join(TREE, 'b.yaml'), path.join(dir, 'linked.yaml'));
    await symlink(path.join(TREE, 'sub'), path.join(dir, 'loop.yaml'));
    await symlink(path.join(scratch, 'nowhere.yaml'), path.join(dir, 'z-broken.yaml'));
    await expect(readSources([dir], options({ recursive: true }))).rejects.toThrow(
      new UsageError(`the path "${path.join(dir, 'z-broken.yaml')}" does not exist`),
    );
    await rm(path.join(dir, 'z-broken.yaml'));
    const sources = await readSources([dir], options({ recursive: true }));
    expect(sources.map((s) => path.basename(s.name))).toEqual(['linked.yaml']);
  });
});

describe('readStream', () => {
  test('stops pulling after maxBytes + 1 bytes and returns at most that many', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      for (;;) {
        pulled++;
        yield Buffer.alloc(10, 0x61);
      }
    }
    const bytes = await readStream(endless(), 25);
    expect(bytes.length).toBe(26);
    expect(pulled).toBe(3);
  });

  test('returns everything when under the limit, strings included', async () => {
    async function* parts(): AsyncGenerator<Buffer | string> {
      yield 'a: ';
      yield Buffer.from('1\n');
    }
    expect((await readStream(parts(), 100)).toString()).toBe('a: 1\n');
  });
});
