/**
 * Concurrency: kubeplay runs at the same time on one Podman service. apply and delete take the
 * connection's lock (src/engine/connection-lock.ts), so two applies of one file make each pod
 * once, the second finding them unchanged; a lock whose holder is SIGKILLed is free at once.
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

function pods(tag: string, count: number, containers = 1): { file: string; names: string[] } {
  const { yaml, names } = sleeperPods(`${prefix}-${tag}`, count, { containers });
  const file = join(dir, `${tag}.yaml`);
  writeFileSync(file, yaml);
  return { file, names };
}

test('two applies of the same file at once: both exit 0, each pod created exactly once, no error', async () => {
  const { file, names } = pods('twin', 5);
  const [a, b] = await Promise.all([runCli(['apply', '-f', file]), runCli(['apply', '-f', file])]);
  for (const r of [a, b]) {
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('error');
  }
  const va = resultLines(a.stdout);
  const vb = resultLines(b.stdout);
  // One run made them all; the other waited, then found them unchanged.
  for (const n of names) expect([va[n], vb[n]].sort()).toEqual(['created', 'unchanged']);
  expect(`${a.stderr}${b.stderr}`).toMatch(/^waiting for another kubeplay \(pid \d+\) to finish with .*podman\.sock\.\.\.$/m);
  expect(Object.keys(await podSummary(`${prefix}-twin`)).sort()).toEqual(names);
});

test('apply of one file while delete of another and get run: each gives its correct result', async () => {
  const old = pods('old', 4);
  const fresh = pods('new', 4);
  expect((await runCli(['apply', '-f', old.file])).code).toBe(0);
  const [apply, del, get] = await Promise.all([
    runCli(['apply', '-f', fresh.file]),
    runCli(['delete', '-f', old.file]),
    runCli(['get', 'pods', '-l', `run in (${prefix}-old,${prefix}-new)`, '-o', 'name']),
  ]);
  expect(apply.code).toBe(0);
  expect(Object.values(resultLines(apply.stdout))).toEqual(fresh.names.map(() => 'created'));
  expect(del.code).toBe(0);
  expect(del.stdout).toBe(old.names.map((n) => `pod "${n}" deleted\n`).join(''));
  // get does not wait for the lock: it sees some moment of the changes, and only pods that exist then.
  expect(get.code).toBe(0);
  expect(get.stderr).toBe('');
  for (const line of get.stdout.trim().split('\n').filter((l) => l !== '')) {
    expect([...old.names, ...fresh.names].map((n) => `pod/${n}`)).toContain(line);
  }
  expect(Object.keys(await podSummary(`${prefix}-old`))).toEqual([]);
  expect(Object.keys(await podSummary(`${prefix}-new`)).sort()).toEqual(fresh.names);
  const after = await runCli(['get', 'pods', '-l', `run in (${prefix}-old,${prefix}-new)`, '-o', 'name']);
  expect(after.stdout).toBe(fresh.names.map((n) => `pod/${n}\n`).join(''));
});

test('the holder is SIGKILLed: the waiter gets the lock and converges', async () => {
  const { file, names } = pods('holder', 10, 3);
  const holder = startCli(['apply', '-f', file, '--concurrency=1']);
  await waitUntil('the holder to make a pod', async () => Object.keys(await podSummary(`${prefix}-holder`)).length >= 1);
  const waiter = startCli(['apply', '-f', file]);
  await waitUntil('the waiter to wait for the holder', async () => waiter.stderr().includes(`waiting for another kubeplay (pid ${holder.pid})`));
  holder.kill('SIGKILL');
  expect((await holder.done).signal).toBe('SIGKILL');
  const r = await waiter.done;
  expect(r.code).toBe(0);
  const verbs = resultLines(r.stdout);
  expect(Object.keys(verbs).sort()).toEqual(names);
  expect(Object.values(verbs).every((v) => v === 'created' || v === 'unchanged')).toBe(true);
  expect(Object.values(await podSummary(`${prefix}-holder`)).every((s) => s === 'Running')).toBe(true);
  expect(await containersNotRunning(`${prefix}-holder`)).toEqual([]);
});

test('a waiter interrupted by SIGINT gives up waiting: exit 130, nothing changed by it; the holder finishes', async () => {
  const { file, names } = pods('patient', 6, 3);
  const holder = startCli(['apply', '-f', file, '--concurrency=1']);
  await waitUntil('the holder to make a pod', async () => Object.keys(await podSummary(`${prefix}-patient`)).length >= 1);
  const other = pods('impatient', 2);
  const waiter = startCli(['apply', '-f', other.file]);
  await waitUntil('the waiter to wait for the holder', async () => waiter.stderr().includes(`waiting for another kubeplay (pid ${holder.pid})`));
  waiter.kill('SIGINT');
  const w = await waiter.done;
  expect(w.code).toBe(130);
  expect(w.stdout).toBe('');
  expect(w.stderr).toContain('error: interrupted by SIGINT');
  const h = await holder.done;
  expect(h.code).toBe(0);
  expect(Object.keys(resultLines(h.stdout)).sort()).toEqual(names);
  expect(await podSummary(`${prefix}-impatient`)).toEqual({});
});
