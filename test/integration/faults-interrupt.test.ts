/**
 * Fault: kubeplay itself is interrupted in the middle of an apply. SIGINT: it starts no new pod,
 * removes the one it was half-way through, prints what was done and exits 130. SIGKILL: nothing
 * can clean up, and the next apply converges with no pod left in Created state.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  containersNotRunning,
  podSummary,
  resultLines,
  runCli,
  sleeperPods,
  startCli,
  useIsolatedPodman,
  waitUntil,
} from './support';

const { prefix, tmp: dir } = useIsolatedPodman();

function tenPods(tag: string): { file: string; names: string[] } {
  const { yaml, names } = sleeperPods(`${prefix}-${tag}`, 10, { containers: 3 });
  const file = join(dir, `${tag}.yaml`);
  writeFileSync(file, yaml);
  return { file, names };
}

test('SIGINT: no new pod starts, the half-made one is removed, what was done is printed, exit 130; the next apply converges', async () => {
  const { file, names } = tenPods('int');
  const run = startCli(['apply', '-f', file, '--concurrency=1']);
  await waitUntil('two pods to exist', async () => Object.keys(await podSummary(`${prefix}-int`)).length >= 2);
  run.kill('SIGINT');
  const r = await run.done;

  expect(r.code).toBe(130);
  const done = resultLines(r.stdout);
  expect(Object.values(done).every((v) => v === 'created')).toBe(true);
  expect(r.stderr).toContain('interrupted by SIGINT');
  for (const n of names.filter((x) => done[x] === undefined)) expect(r.stderr).toMatch(new RegExp(`^error: pod/${n}: (not started|stopped half-way)`, 'm'));
  // Nothing half-made is left: exactly the pods reported created exist, all running.
  const pods = await podSummary(`${prefix}-int`);
  expect(Object.keys(pods).sort()).toEqual(Object.keys(done).sort());
  expect(await containersNotRunning(`${prefix}-int`)).toEqual([]);

  const again = await runCli(['apply', '-f', file]);
  expect(again.code).toBe(0);
  const verbs = resultLines(again.stdout);
  for (const n of names) expect(verbs[n]).toBe(done[n] === 'created' ? 'unchanged' : 'created');
});

test('SIGKILL: the next apply converges, and no pod is left in Created state', async () => {
  const { file, names } = tenPods('kill');
  const run = startCli(['apply', '-f', file, '--concurrency=1']);
  await waitUntil('two pods to exist', async () => Object.keys(await podSummary(`${prefix}-kill`)).length >= 2);
  run.kill('SIGKILL');
  const r = await run.done;
  expect(r.signal).toBe('SIGKILL');

  const again = await runCli(['apply', '-f', file]);
  expect(again.stderr).toBe('');
  expect(again.code).toBe(0);
  const verbs = resultLines(again.stdout);
  expect(Object.keys(verbs).sort()).toEqual(names);
  expect(Object.values(verbs).every((v) => v === 'created' || v === 'unchanged')).toBe(true);
  const pods = await podSummary(`${prefix}-kill`);
  expect(Object.keys(pods).sort()).toEqual(names);
  expect(Object.values(pods).every((s) => s === 'Running')).toBe(true);
  expect(await containersNotRunning(`${prefix}-kill`)).toEqual([]);
});
