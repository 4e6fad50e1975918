/**
 * Golden tests for --security-profile: each file in test/fixtures/security is loaded and validated
 * under every Pod Security Standards level, and what the user would see (warnings, then the located
 * errors and the summary, or VALID) is compared with its .expected.txt. UPDATE_GOLDEN=1 rewrites them.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAndValidate } from '../../src/commands/apply';
import { ManifestError } from '../../src/domain/errors';
import { formatErrors, formatWarnings } from '../../src/print/issues';
import { SECURITY_PROFILES, type SecurityProfile } from '../../src/validate';

const dir = 'test/fixtures/security';
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

async function render(file: string, profile: SecurityProfile): Promise<string> {
  try {
    const { warnings } = await loadAndValidate([file], false, 'strict', async () => Buffer.alloc(0), profile);
    return formatWarnings(warnings) + 'VALID\n';
  } catch (e) {
    if (!(e instanceof ManifestError)) throw e;
    return formatWarnings(e.issues) + formatErrors(e.issues, 'applied');
  }
}

test('the fixtures cover a refused, a baseline-only and a restricted pod', () => {
  expect(fixtures).toEqual(['hardened.yaml', 'host-access.yaml', 'plain.yaml']);
});

describe.each(fixtures)('%s', (name) => {
  test('under each profile, exactly as expected', async () => {
    const file = join(dir, name);
    let actual = '';
    for (const profile of SECURITY_PROFILES) actual += `== --security-profile=${profile}\n${await render(file, profile)}`;
    const expectedFile = file.replace(/\.yaml$/, '.expected.txt');
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(expectedFile, actual);
    if (!existsSync(expectedFile)) throw new Error(`missing ${expectedFile}: run with UPDATE_GOLDEN=1 and review it`);
    expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
  });
});
