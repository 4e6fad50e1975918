/**
 * The prober (observe/probes/prober.ts) with hand-written fakes for its ports: the records kept
 * between two commands (two probe() calls), what runs where (the pod's IP, the container's id), the
 * kill and start of a container whose liveness probe fails, and restartPolicy Never.
 */
import type { V1PodSpec, V1Probe } from '@kubernetes/client-node';
import type { ProbeRecords } from '../../../src/store/probe-records';
import type { ProbeHandlers, ProbeTarget } from '../../../src/observe/probes/handlers';
import { Prober, needsProbing, type ProbedPod } from '../../../src/observe/probes/prober';
import type { ProbeOutcome } from '../../../src/observe/probes/worker';

class MemoryRecords implements ProbeRecords {
  readonly kept = new Map<string, unknown>();
  async update<T>(podId: string, change: (previous: unknown) => Promise<T | undefined>): Promise<T | undefined> {
    const next = await change(structuredClone(this.kept.get(podId)));
    if (next !== undefined) this.kept.set(podId, structuredClone(next));
    return next;
  }
  async read(podId: string): Promise<unknown> {
    return this.kept.get(podId);
  }
  async sweep(live: ReadonlySet<string>): Promise<number> {
    let n = 0;
    for (const id of [...this.kept.keys()]) if (!live.has(id) && this.kept.delete(id)) n++;
    return n;
  }
}

class ScriptedHandlers implements ProbeHandlers {
  readonly runs: Array<{ probe: V1Probe; target: ProbeTarget; timeout: number }> = [];
  constructor(public answer: (probe: V1Probe) => ProbeOutcome) {}
  async run(probe: V1Probe, target: ProbeTarget, timeout: number): Promise<ProbeOutcome> {
    this.runs.push({ probe, target, timeout });
    return this.answer(probe);
  }
}

class SpyEngine {
  readonly calls: string[] = [];
  async stopContainer(name: string, t: number): Promise<void> {
    this.calls.push(`stop ${name} ${t}`);
  }
  async startContainer(name: string): Promise<void> {
    this.calls.push(`start ${name}`);
  }
}

const POD = 'f'.repeat(64);
const started = new Date('2026-12-07T10:00:00Z');

function pod(spec: V1PodSpec): ProbedPod {
  return { podId: POD, ip: '10.88.0.7', spec, containers: spec.containers.map((c, i) => ({ name: c.name, id: `id${i}`, running: true, startedAt: started })) };
}

test('readiness counted across two commands; network probes go to the pod IP with the named port, exec to the container id', async () => {
  let clock = new Date(started.getTime() + 1000);
  const records = new MemoryRecords();
  const handlers = new ScriptedHandlers(() => ({ result: 'failure', output: 'HTTP probe failed with statuscode: 404' }));
  const make = () => new Prober({ records, handlers, engine: new SpyEngine(), now: () => clock });
  const spec: V1PodSpec = {
    containers: [
      { name: 'web', ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { httpGet: { port: 'http', path: '/ready' }, periodSeconds: 1, timeoutSeconds: 2 } },
      { name: 'side', readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1 } },
    ],
  };
  const first = await make().probe([pod(spec)]);
  expect(first.get(POD)?.views['web']).toMatchObject({ ready: false, started: true });
  expect(handlers.runs.map((r) => [r.target.podIp, r.target.container, r.target.ports.length, r.timeout])).toEqual([
    ['10.88.0.7', 'id0', 1, 2],
    ['10.88.0.7', 'id1', 0, 1],
  ]);
  // A second command, two seconds later: the probes are due again; now they pass.
  clock = new Date(clock.getTime() + 2000);
  handlers.answer = () => ({ result: 'success', output: '' });
  const second = await make().probe([pod(spec)]);
  expect(second.get(POD)?.views['web']).toEqual({ ready: true, started: true, restarts: 0, readyChangedAt: clock });
  expect(second.get(POD)?.events.map((e) => [e.container, e.reason, e.message, e.count])).toEqual([
    ['web', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', 1],
    ['side', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', 1],
  ]);
  // A third command at once: nothing is due, nothing runs, the pod stays ready.
  const runs = handlers.runs.length;
  expect((await make().probe([pod(spec)])).get(POD)?.views['web']?.ready).toBe(true);
  expect(handlers.runs.length).toBe(runs);
});

test('a liveness failure stops the container with the grace period and starts it again; restartPolicy Never only stops it', async () => {
  const clock = new Date(started.getTime() + 1000);
  const failing = () => ({ result: 'failure' as const, output: 'dial tcp 10.88.0.7:6379: connect: connection refused' });
  const liveness: V1Probe = { tcpSocket: { port: 6379 }, failureThreshold: 1 };
  for (const [policy, want] of [
    ['Always', ['stop id0 5', 'start id0']],
    ['Never', ['stop id0 5']],
  ] as const) {
    const engine = new SpyEngine();
    const prober = new Prober({ records: new MemoryRecords(), handlers: new ScriptedHandlers(failing), engine, now: () => clock });
    const r = await prober.probe([pod({ restartPolicy: policy, terminationGracePeriodSeconds: 5, containers: [{ name: 'db', livenessProbe: liveness }] })]);
    expect(engine.calls).toEqual(want);
    expect(r.get(POD)?.views['db']).toMatchObject({ ready: false, started: false, restarts: policy === 'Never' ? 0 : 1 });
    expect(r.get(POD)?.events.at(-1)?.message).toBe(policy === 'Never' ? 'Container db failed liveness probe' : 'Container db failed liveness probe, will be restarted');
  }
});

test('a pod without probes is not probed and keeps no record; needsProbing sees sidecars', async () => {
  const records = new MemoryRecords();
  const prober = new Prober({ records, handlers: new ScriptedHandlers(() => ({ result: 'success', output: '' })), engine: new SpyEngine(), now: () => started });
  expect((await prober.probe([pod({ containers: [{ name: 'a' }] })])).size).toBe(0);
  expect(records.kept.size).toBe(0);
  expect(needsProbing({ containers: [{ name: 'a' }] })).toBe(false);
  expect(needsProbing({ containers: [{ name: 'a' }], initContainers: [{ name: 's', restartPolicy: 'Always', readinessProbe: { exec: { command: ['x'] } } }] })).toBe(true);
});

test('a network probe of a pod with no IP fails as errored, without a connection', async () => {
  const handlers = new ScriptedHandlers(() => ({ result: 'success', output: '' }));
  const prober = new Prober({ records: new MemoryRecords(), handlers, engine: new SpyEngine(), now: () => new Date(started.getTime() + 1000) });
  const p = { ...pod({ containers: [{ name: 'a', readinessProbe: { tcpSocket: { port: 1 } } }] }), ip: '' };
  const r = await prober.probe([p]);
  expect(handlers.runs).toEqual([]);
  expect(r.get(POD)?.events[0]?.message).toBe('Readiness probe errored: the pod has no IP address to probe (is it running?)');
});
