/** makeSubPathWithin, on a scratch directory standing for a volume: links are never followed out. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSubPathWithin, SubPathError } from '../../../src/engine/subpath-within';

let base: string;
let volume: string;
let outside: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'kubeplay-subpath-'));
  volume = join(base, 'volume');
  outside = join(base, 'outside');
  mkdirSync(volume);
  mkdirSync(outside);
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

test('makes the missing directories inside the volume and returns the path to bind', async () => {
  expect(await makeSubPathWithin(volume, 'a/b/./c/')).toBe(join(volume, 'a/b/c'));
  expect(existsSync(join(volume, 'a/b/c'))).toBe(true);
  expect(await makeSubPathWithin(volume, 'a/b/c')).toBe(join(volume, 'a/b/c')); // existing: fine
});

test('a file as the last part is bound as it is', async () => {
  writeFileSync(join(volume, 'conf'), 'x');
  expect(await makeSubPathWithin(volume, 'conf')).toBe(join(volume, 'conf'));
});

test('a link in the volume is not followed, neither to make directories nor to mount', async () => {
  symlinkSync(outside, join(volume, 'escape'));
  symlinkSync('.', join(volume, 'here')); // even a link that stays inside
  await expect(makeSubPathWithin(volume, 'escape/made-outside')).rejects.toThrow(
    new SubPathError('"escape" is a symbolic link inside the volume; kubeplay does not follow links in a subPath, since one could lead out of the volume: remove the link or use a subPath that does not go through it'),
  );
  expect(existsSync(join(outside, 'made-outside'))).toBe(false);
  await expect(makeSubPathWithin(volume, 'escape')).rejects.toThrow(SubPathError);
  await expect(makeSubPathWithin(volume, 'here/x')).rejects.toThrow('"here" is a symbolic link');
});

test('a file in the middle, .. and absolute paths are refused', async () => {
  writeFileSync(join(volume, 'f'), 'x');
  await expect(makeSubPathWithin(volume, 'f/x')).rejects.toThrow('"f" is neither a directory nor, as the last part, a file');
  await expect(makeSubPathWithin(volume, '../outside')).rejects.toThrow(RangeError);
  await expect(makeSubPathWithin(volume, '/etc')).rejects.toThrow(RangeError);
});
