/**
 * The prober's decisions on plain data (observe/probes/worker.ts), as the kubelet's probe workers
 * (pkg/kubelet/prober/worker.go) make them: initial results, thresholds counted across runs (and so
 * across commands), startup before liveness and readiness, periods and initial delays, the kill of
 * a container whose liveness probe fails, and the kubelet's words.
 */
import type { V1Probe } from '@kubernetes/client-node';
import {
  dueProbes,
  freshRecord,
  recordKilled,
  recordOutcomes,
  settingsOf,
  viewOf,
  type ObservedContainer,
  type PodRecord,
  type ProbeKind,
  type ProbeOutcome,
} from '../../../src/observe/probes/worker';

const T0 = new Date('2026-12-07T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const ok: ProbeOutcome = { result: 'success', output: '' };
const notFound: ProbeOutcome = { result: 'failure', output: 'HTTP probe failed with statuscode: 404' };

function web(probes: Partial<Record<ProbeKind, V1Probe>>, startedAt = T0, id = 'c1'): ObservedContainer {
  return { name: 'web', id, running: true, startedAt, probes };
}

/** step observes at time s, runs what is due with the given outcome, and returns the record and what ran. */
function step(prev: PodRecord | undefined, c: ObservedContainer, s: number, outcome: (k: ProbeKind) => ProbeOutcome, restartPolicy = 'Always') {
  const rec = freshRecord(prev, 'pod1', [c], at(s));
  const due = dueProbes(rec, [c], at(s));
  const kills = recordOutcomes(rec, [c], due.map((d) => ({ due: d, outcome: outcome(d.kind) })), restartPolicy, at(s));
  return { rec, ran: due.map((d) => d.kind), kills };
}

test('settingsOf applies the API server defaults: period 10, timeout 1, success 1, failure 3', () => {
  expect(settingsOf({ exec: { command: ['x'] } })).toEqual({ initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
  expect(settingsOf({ periodSeconds: 2, failureThreshold: 1, successThreshold: 2, initialDelaySeconds: 5, timeoutSeconds: 3 })).toEqual({
    initialDelaySeconds: 5, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 2, failureThreshold: 1,
  });
});

test('readiness starts as Failure: not ready until a probe passes, then ready from that run', () => {
  const c = web({ readiness: { httpGet: { port: 80 }, periodSeconds: 5 } });
  const fresh = freshRecord(undefined, 'pod1', [c], at(0));
  expect(viewOf(fresh, c)).toMatchObject({ ready: false, started: true });
  const one = step(undefined, c, 1, () => notFound);
  expect(one.ran).toEqual(['readiness']);
  expect(viewOf(one.rec, c).ready).toBe(false);
  expect(one.rec.events).toEqual([
    { container: 'web', type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 404', count: 1, first: at(1).toISOString(), last: at(1).toISOString() },
  ]);
  // Not due again before periodSeconds: a command 2 s later runs nothing.
  expect(step(one.rec, c, 3, () => ok).ran).toEqual([]);
  const two = step(one.rec, c, 6, () => ok);
  expect(two.ran).toEqual(['readiness']);
  expect(viewOf(two.rec, c)).toEqual({ ready: true, started: true, restarts: 0, readyChangedAt: at(6) });
});

test('failureThreshold consecutive failures, counted across commands, make a ready container unready; a success between resets the count', () => {
  const c = web({ readiness: { exec: { command: ['cat', '/ready'] }, periodSeconds: 1, failureThreshold: 3 } });
  const fail: ProbeOutcome = { result: 'failure', output: "cat: can't open '/ready': No such file or directory\n" };
  let r = step(undefined, c, 1, () => ok).rec;
  expect(viewOf(r, c).ready).toBe(true);
  r = step(r, c, 2, () => fail).rec;
  r = step(r, c, 3, () => fail).rec;
  expect(viewOf(r, c).ready).toBe(true);
  r = step(r, c, 4, () => ok).rec;
  r = step(r, c, 5, () => fail).rec;
  r = step(r, c, 6, () => fail).rec;
  expect(viewOf(r, c).ready).toBe(true);
  r = step(r, c, 7, () => fail).rec;
  expect(viewOf(r, c)).toMatchObject({ ready: false, readyChangedAt: at(7) });
  expect(r.events).toHaveLength(1);
  expect(r.events[0]).toMatchObject({ message: "Readiness probe failed: cat: can't open '/ready': No such file or directory\n", count: 5, last: at(7).toISOString() });
});

test('successThreshold consecutive successes are needed to become ready again', () => {
  const c = web({ readiness: { tcpSocket: { port: 80 }, periodSeconds: 1, successThreshold: 2, failureThreshold: 1 } });
  let r = step(undefined, c, 1, () => ok).rec;
  expect(viewOf(r, c).ready).toBe(false);
  r = step(r, c, 2, () => ok).rec;
  expect(viewOf(r, c).ready).toBe(true);
  r = step(r, c, 3, () => notFound).rec;
  expect(viewOf(r, c).ready).toBe(false);
  r = step(r, c, 4, () => ok).rec;
  expect(viewOf(r, c).ready).toBe(false);
  r = step(r, c, 5, () => ok).rec;
  expect(viewOf(r, c)).toMatchObject({ ready: true, readyChangedAt: at(5) });
});

test('no probe runs before initialDelaySeconds since the container started; readiness stays Failure meanwhile', () => {
  const c = web({ readiness: { exec: { command: ['true'] }, initialDelaySeconds: 10 } });
  const early = step(undefined, c, 9, () => ok);
  expect(early.ran).toEqual([]);
  expect(viewOf(early.rec, c).ready).toBe(false);
  expect(step(early.rec, c, 10, () => ok).ran).toEqual(['readiness']);
});

test('a startupProbe holds liveness and readiness back until it passes, and is not run after', () => {
  const c = web({
    startup: { exec: { command: ['test', '-f', '/started'] }, periodSeconds: 1, failureThreshold: 30 },
    liveness: { exec: { command: ['true'] }, periodSeconds: 1 },
    readiness: { exec: { command: ['true'] }, periodSeconds: 1 },
  });
  const first = step(undefined, c, 1, (k) => (k === 'startup' ? { result: 'failure', output: '' } : ok));
  expect(first.ran).toEqual(['startup']);
  expect(viewOf(first.rec, c)).toMatchObject({ ready: false, started: false });
  expect(first.rec.events[0]?.message).toBe('Startup probe failed: ');
  const second = step(first.rec, c, 2, () => ok);
  expect(second.ran).toEqual(['startup']);
  expect(viewOf(second.rec, c)).toMatchObject({ ready: false, started: true });
  const third = step(second.rec, c, 3, () => ok);
  expect(third.ran).toEqual(['liveness', 'readiness']);
  expect(viewOf(third.rec, c)).toMatchObject({ ready: true, started: true });
});

test('liveness: failureThreshold failures kill the container, in the kubelet words, and the probe waits for the new run', () => {
  const c = web({ liveness: { exec: { command: ['cat', '/healthy'] }, periodSeconds: 1, failureThreshold: 2 } });
  const fail: ProbeOutcome = { result: 'failure', output: "cat: can't open '/healthy': No such file or directory" };
  let s = step(undefined, c, 1, () => fail);
  expect(s.kills).toEqual([]);
  expect(viewOf(s.rec, c).ready).toBe(true); // liveness does not decide readiness
  s = step(s.rec, c, 2, () => fail);
  expect(s.kills).toEqual([{ container: 'web', kind: 'liveness', restart: true }]);
  expect(s.rec.events.map((e) => [e.type, e.reason, e.message, e.count])).toEqual([
    ['Warning', 'Unhealthy', "Liveness probe failed: cat: can't open '/healthy': No such file or directory", 2],
    ['Normal', 'Killing', 'Container web failed liveness probe, will be restarted', 1],
  ]);
  recordKilled(s.rec, s.kills[0]!, at(2));
  expect(viewOf(s.rec, c)).toMatchObject({ ready: false, started: false, restarts: 1 });
  // On hold until the container runs again: the same run is not probed.
  expect(dueProbes(freshRecord(s.rec, 'pod1', [c], at(5)), [c], at(5))).toEqual([]);
  // The new run (a new start time) is counted afresh; the restart is kept.
  const again = web(c.probes, at(3));
  const next = step(s.rec, again, 4, () => ok);
  expect(next.ran).toEqual(['liveness']);
  expect(viewOf(next.rec, again)).toMatchObject({ ready: true, started: true, restarts: 1 });
});

test('with restartPolicy Never a failed liveness probe kills the container and does not restart it', () => {
  const c = web({ liveness: { tcpSocket: { port: 80 }, periodSeconds: 1, failureThreshold: 1 } });
  const s = step(undefined, c, 1, () => ({ result: 'failure', output: 'dial tcp 10.88.0.5:80: connect: connection refused' }), 'Never');
  expect(s.kills).toEqual([{ container: 'web', kind: 'liveness', restart: false }]);
  expect(s.rec.events.map((e) => e.message)).toEqual(['Liveness probe failed: dial tcp 10.88.0.5:80: connect: connection refused', 'Container web failed liveness probe']);
  recordKilled(s.rec, s.kills[0]!, at(1));
  expect(s.rec.containers['web']?.restarts).toBe(0);
});

test('a startupProbe that fails failureThreshold times kills the container too', () => {
  const c = web({ startup: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 1 } });
  const s = step(undefined, c, 1, () => ({ result: 'failure', output: '' }));
  expect(s.kills).toEqual([{ container: 'web', kind: 'startup', restart: true }]);
  expect(s.rec.events.at(-1)?.message).toBe('Container web failed startup probe, will be restarted');
});

test('a container made again (a new id) starts with no restarts; one Podman restarted keeps kubeplay restarts but counts afresh', () => {
  const c = web({ readiness: { exec: { command: ['true'] }, periodSeconds: 1 } });
  const r = step(undefined, c, 1, () => ok).rec;
  r.containers['web']!.restarts = 2;
  const restarted = freshRecord(r, 'pod1', [web(c.probes, at(5))], at(6));
  expect(restarted.containers['web']).toMatchObject({ restarts: 2, ready: false, readyChangedAt: at(5).toISOString() });
  const remade = freshRecord(r, 'pod1', [web(c.probes, at(5), 'c2')], at(6));
  expect(remade.containers['web']).toMatchObject({ restarts: 0, ready: false });
});

test('a container without probes in a probed pod is ready since it started; a stopped one is not ready', () => {
  const side: ObservedContainer = { name: 'side', id: 'c9', running: true, startedAt: at(-30), probes: {} };
  const rec = freshRecord(undefined, 'pod1', [side], at(1));
  expect(viewOf(rec, side)).toEqual({ ready: true, started: true, restarts: 0, readyChangedAt: at(-30) });
  const stopped = { ...side, running: false };
  expect(viewOf(freshRecord(rec, 'pod1', [stopped], at(2)), stopped)).toMatchObject({ ready: false });
});

test('with no record, a container with a readiness or startup probe shows neither ready nor started', () => {
  expect(viewOf(undefined, web({ readiness: { exec: { command: ['true'] } } }))).toEqual({ ready: false, started: true, restarts: 0 });
  expect(viewOf(undefined, web({ startup: { exec: { command: ['true'] } } }))).toEqual({ ready: false, started: false, restarts: 0 });
  expect(viewOf(undefined, web({ liveness: { exec: { command: ['true'] } } }))).toEqual({ ready: true, started: true, restarts: 0 });
});

test('after a liveness kill the new run is probed a period after the last run, not at once (the worker outlives the restart)', () => {
  const probes = { liveness: { exec: { command: ['false'] }, periodSeconds: 60, failureThreshold: 1 } };
  const s = step(undefined, web(probes), 1, () => ({ result: 'failure', output: '' }));
  recordKilled(s.rec, s.kills[0]!, at(1));
  const again = web(probes, at(2));
  expect(step(s.rec, again, 3, () => ok).ran).toEqual([]);
  expect(step(s.rec, again, 61, () => ok).ran).toEqual(['liveness']);
});
