/**
 * Golden tests for bad input: every file in test/fixtures/invalid is loaded and validated, and the
 * exact text the user would see (FILE:LINE:COL: PATH: message, then the summary) is compared with
 * its .expected.txt. UPDATE_GOLDEN=1 rewrites the expected files; review the diff before committing.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadAndValidate } from '../../src/commands/apply';
import { ManifestError } from '../../src/domain/errors';
import { formatErrors, formatWarnings } from '../../src/print/issues';

const dir = 'test/fixtures/invalid';
const fixtures = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

async function render(file: string): Promise<string> {
  try {
    await loadAndValidate([file], false, 'strict', async () => Buffer.alloc(0));
    return 'VALID\n';
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    return formatWarnings(e.issues) + formatErrors(e.issues, 'applied');
  }
}

test('there are at least 25 invalid fixtures', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(25);
});

describe.each(fixtures)('%s', (name) => {
  test('is refused with located, exact messages', async () => {
    const file = join(dir, name);
    const actual = await render(file);
    const expectedFile = file.replace(/\.(ya?ml|json)$/, '.expected.txt');
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(expectedFile, actual);
    if (!existsSync(expectedFile)) throw new Error(`missing ${expectedFile}: run with UPDATE_GOLDEN=1 and review it`);
    expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
    expect(actual).not.toBe('VALID\n');
    expect(actual).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: `, 'm'));
  });
});
