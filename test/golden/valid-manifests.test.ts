/**
 * Real-world manifests (kubernetes.io's pod examples, podman's kube play tests, and this project's
 * examples/) must load, validate and translate. Fields kubeplay does not carry out are warnings,
 * and the warning text is compared with a golden file, so none is ever silently dropped.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadAndValidate, podManifestsOf } from '../../src/commands/apply';
import { formatWarnings } from '../../src/print/issues';
import { toDesiredPod } from '../../src/translate/pod';

const sets = ['test/fixtures/valid', 'examples'];
const files = sets.flatMap((d) => readdirSync(d).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().map((f) => join(d, f)));

describe.each(files)('%s', (file) => {
  test('validates and translates; warnings match the golden file', async () => {
    const { manifests, warnings } = await loadAndValidate([file], false, 'strict', async () => Buffer.alloc(0));
    expect(manifests.length).toBeGreaterThan(0);
    for (const m of podManifestsOf(manifests)) expect(() => toDesiredPod(m)).not.toThrow();
    const actual = formatWarnings(warnings);
    const golden = file.replace(/\.(ya?ml|json)$/, '.warnings.txt').replace(/^examples\//, 'test/fixtures/examples-warnings/');
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(golden, actual);
    expect(existsSync(golden) ? readFileSync(golden, 'utf8') : '(missing golden file: run with UPDATE_GOLDEN=1)').toBe(actual);
  });
});
