/**
 * 50 pods applied with the default concurrency bound: no API error from overload, and the same
 * end state as a sequential run (--concurrency=1), compared as Podman describes both.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { podmanState, resultLines, runCli, sleeperPods, useIsolatedPodman } from './support';

const { prefix, tmp: dir } = useIsolatedPodman();

/** normalised is podmanState without ids and with the run's tag replaced, so two runs compare. */
async function normalised(tag: string): Promise<string> {
  const state = await podmanState({ prefix: `${prefix}-${tag}` });
  return state
    .split('\n')
    .map((l) => l.split(`${prefix}-${tag}`).join('RUN').replace(/ [0-9a-f]{12}( |$)/g, ' ID$1'))
    // Infra containers are named after their pod's id.
    .map((l) => l.replace(/^container [0-9a-f]{12}-infra /, 'container ID-infra '))
    .sort()
    .join('\n');
}

test('50 pods with the concurrency bound end as a sequential run does, with no API error', async () => {
  const runs: Record<string, string> = {};
  for (const [tag, flags] of [['bounded', []], ['serial', ['--concurrency=1']]] as const) {
    const { yaml, names } = sleeperPods(`${prefix}-${tag}`, 50, { containers: 2 });
    const file = join(dir, `${tag}.yaml`);
    writeFileSync(file, yaml);
    const r = await runCli(['apply', '-f', file, ...flags], { timeoutMs: 300_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Object.values(resultLines(r.stdout))).toEqual(names.map(() => 'created'));
    runs[tag] = await normalised(tag);
  }
  expect(runs['bounded']!.split('\n').filter((l) => l.startsWith('pod '))).toHaveLength(50);
  expect(runs['bounded']).toBe(runs['serial']);
}, 600_000);
