/**
 * Hostile input against the real CLI and a real Podman: every load and validation limit refuses its
 * file with a located, exact message, exits 1, and creates nothing, even for the valid pod passed
 * in the same command (`-f bad -f ok`): input is checked whole before anything runs.
 */
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { podmanState, runCli, useIsolatedPodman } from './support';

const { prefix, tmp, file } = useIsolatedPodman();

const pod = (name: string, metadataExtra = '', containerExtra = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${prefix}-${name}\n${metadataExtra}spec:\n  containers:\n    - name: app\n      image: localhost/busybox:stable\n${containerExtra}`;

const SUMMARY = (n: number) =>
  `error: ${n} problem${n === 1 ? '' : 's'} in 1 document of 1 file; nothing was applied. Fix the fields named above and run the command again.\n`;

/** refused applies `-f bad -f ok` and checks the exact stderr, exit 1, no output and nothing made. */
async function refused(bad: string, expectedLines: string[]): Promise<void> {
  const ok = file(`ok-${Math.random().toString(36).slice(2)}.yaml`, pod('ok'));
  const r = await runCli(['apply', '-f', bad, '-f', ok]);
  expect(r.stderr).toBe(expectedLines.map((l) => `${l}\n`).join('') + SUMMARY(expectedLines.length));
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(await podmanState({ prefix })).toBe('');
}

describe('load limits', () => {
  test('a file over 16 MiB is refused by its size, unread', async () => {
    const big = join(tmp, 'big.yaml');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 16 * 1024 * 1024 + 1); // sparse: no 16 MiB written to disk
    closeSync(fd);
    await refused(big, [`${big}:1:1: too large: the input is over the limit of 16 MiB (16777217 bytes); split it into smaller files`]);
  });

  test('more than 100,000 documents in one file', async () => {
    const f = file('docs.yaml', '---\n'.repeat(100_001));
    await refused(f, [`${f}:100001:1: too many documents: more than 100000 in one file; split it into several files`]);
  });

  test('nesting deeper than 64 levels', async () => {
    const f = file('deep.yaml', pod('deep', '', `      args: ${'['.repeat(70)}${']'.repeat(70)}\n`));
    await refused(f, [
      `${f}:9:73: nesting too deep: maps and lists are nested more than 64 levels here; a Kubernetes object never needs that many (the rest of the file was not read)`,
    ]);
  });

  test('alias expansion: a billion-laughs tree is stopped at 100 alias uses', async () => {
    let laughs = '  annotations:\n    a0: &a0 "lol"\n';
    for (let i = 1; i <= 9; i++) laughs += `    a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const f = file('laughs.yaml', pod('laughs', laughs));
    await refused(f, [
      `${f}:9:19: metadata.annotations.a3[1]: too many aliases: expanding *a2 here goes over the limit of 100 alias uses (the pattern of a "billion laughs" attack); write the values out instead of aliasing them`,
    ]);
  });
});

describe('metadata limits', () => {
  test('label value over 63 characters, label name over 63, label prefix over 253 (the API server reports them at metadata.labels, located at the key)', async () => {
    const v = 'v'.repeat(64);
    const k = 'k'.repeat(64);
    const p = `${'p'.repeat(254)}/name`;
    const f = file('labels.yaml', pod('labels', `  labels:\n    app: ${v}\n    ${k}: x\n    ${p}: x\n`));
    await refused(f, [
      `${f}:6:5: metadata.labels: Invalid value: "${v}": must be no more than 63 characters`,
      `${f}:7:5: metadata.labels: Invalid value: "${k}": name part must be no more than 63 characters`,
      `${f}:8:5: metadata.labels: Invalid value: "${p}": prefix part must be no more than 253 characters`,
    ]);
  });

  test('annotations over 256 KiB in total, counted in bytes', async () => {
    // 2 keys of 1 byte and 2 × 65,536 three-byte characters: 393,218 bytes, though only 131,074 characters.
    const f = file('notes.yaml', pod('notes', `  annotations:\n    a: "${'€'.repeat(65536)}"\n    b: "${'€'.repeat(65536)}"\n`));
    await refused(f, [`${f}:5:3: metadata.annotations: Too long: may not be more than 262144 bytes`]);
  });
});
