/**
 * FileProbeRecords (store/probe-record-files.ts): one JSON file per pod id, replaced whole by
 * rename; updates of one pod by two callers at once run one after the other, so neither loses the
 * other's counts; records of pods that are gone are swept; only Podman pod ids name files.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileProbeRecords } from '../../../src/store/probe-record-files';

const dir = mkdtempSync(join(tmpdir(), 'kubeplay-probe-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

test('update keeps what the change returns; read gives it back; nothing returned keeps nothing', async () => {
  const records = new FileProbeRecords(join(dir, 'one'));
  expect(await records.read(A)).toBeUndefined();
  expect(await records.update(A, async (prev) => ({ n: prev === undefined ? 1 : 0 }))).toEqual({ n: 1 });
  expect(await records.read(A)).toEqual({ n: 1 });
  await records.update(A, async () => undefined);
  expect(await records.read(A)).toEqual({ n: 1 });
  // No temporary file is left beside it.
  expect(readdirSync(join(dir, 'one'))).toEqual([`${A}.json`]);
});

test('two updates of one pod at once run one after the other (counts are not lost); two pods run side by side', async () => {
  const records = new FileProbeRecords(join(dir, 'two'));
  // Two separate objects, as two processes would hold: the lock is the kernel's, not this object's.
  const other = new FileProbeRecords(join(dir, 'two'));
  const slowIncrement = (r: FileProbeRecords) =>
    r.update(A, async (prev) => {
      const n = (prev as { n?: number } | undefined)?.n ?? 0;
      await new Promise((res) => setTimeout(res, 50));
      return { n: n + 1 };
    });
  await Promise.all([slowIncrement(records), slowIncrement(other), slowIncrement(records), other.update(B, async () => ({ n: 7 }))]);
  expect(await records.read(A)).toEqual({ n: 3 });
  expect(await records.read(B)).toEqual({ n: 7 });
});

test('a damaged record reads as none; a change that throws releases the lock', async () => {
  const records = new FileProbeRecords(join(dir, 'three'));
  await records.update(A, async () => ({ n: 1 }));
  writeFileSync(join(dir, 'three', `${A}.json`), '{"n": 1');
  expect(await records.read(A)).toBeUndefined();
  await expect(records.update(A, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
  expect(await records.update(A, async () => ({ n: 2 }))).toEqual({ n: 2 });
});

test('sweep removes the records of pods not listed, and only records', async () => {
  const records = new FileProbeRecords(join(dir, 'four'));
  await records.update(A, async () => ({}));
  await records.update(B, async () => ({}));
  writeFileSync(join(dir, 'four', 'notes.txt'), 'keep');
  expect(await records.sweep(new Set([A]))).toBe(1);
  expect(readdirSync(join(dir, 'four')).sort()).toEqual([`${A}.json`, 'notes.txt']);
  expect(await new FileProbeRecords(join(dir, 'missing')).sweep(new Set())).toBe(0);
});

test('only a Podman pod id names a file', async () => {
  const records = new FileProbeRecords(join(dir, 'five'));
  await expect(records.read('../../etc/passwd')).rejects.toThrow('not a Podman pod id');
});
