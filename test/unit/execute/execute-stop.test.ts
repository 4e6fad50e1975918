/**
 * The executor under faults: Podman going away half-way, and the user interrupting. In both it
 * starts no new action; an interrupted action rolls back, a cut-off one is left for the next apply.
 */
import { executePlan } from '../../../src/execute/execute-plan';
import { planChanges } from '../../../src/plan/plan-changes';
import { observeState } from '../../../src/observe/observe-state';
import { EngineUnavailableError } from '../../../src/domain/errors';
import type { DesiredPod } from '../../../src/domain/types';
import { FakeContainerEngine } from '../../fakes/fake-container-engine';
import { desiredPod } from '../../fakes/builders';

const free = { portFree: async () => true, statPath: async () => 'missing' as const };
const opts = { force: false, previousOf: (): DesiredPod | undefined => undefined };
const pods = ['a', 'b', 'c', 'd'].map((n) => desiredPod(n));

async function planFor(engine: FakeContainerEngine, desired: DesiredPod[]) {
  return planChanges(desired, await observeState(engine, desired, free), opts);
}

function summary(results: Awaited<ReturnType<typeof executePlan>>['results']): string[] {
  return results.map((r) => `${r.action.ref} ${r.outcome}${r.started === false ? ' not-started' : ''}${r.rollback ? ` ${r.rollback}` : ''}`);
}

describe('executePlan when Podman goes away', () => {
  test('the pod cut off is left for the next apply, the rest are not started, and the next apply converges', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable']);
    const original = engine.createContainer.bind(engine);
    engine.createContainer = async (p, c) => {
      if (p.name === 'b') throw new EngineUnavailableError('cannot create container b-app: the connection to Podman was lost (ECONNRESET)', 'createContainer');
      return original(p, c);
    };
    const report = await executePlan(engine, await planFor(engine, pods), { concurrency: 1 });
    expect(report.stopped).toBe('engine-unavailable');
    expect(summary(report.results)).toEqual(['pod/a done', 'pod/b failed left', 'pod/c failed not-started', 'pod/d failed not-started']);
    expect(report.results[2]!.error).toBe('not started: the connection to Podman was lost while other pods were worked on; apply again once Podman answers');
    // No rollback call was tried against the dead service.
    expect(engine.log.filter((l) => l === 'removePod b')).toEqual([]);

    engine.createContainer = original;
    const again = await planFor(engine, pods);
    expect(again.actions.map((a) => `${a.kind} ${a.ref}`)).toEqual(['unchanged pod/a', 'create pod/b', 'create pod/c', 'create pod/d']);
    const second = await executePlan(engine, again, { concurrency: 1 });
    expect(second.stopped).toBeUndefined();
    expect(summary(second.results)).toEqual(['pod/a done', 'pod/b done', 'pod/c done', 'pod/d done']);
    expect([...engine.pods.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('executePlan when interrupted', () => {
  test('the pod in flight stops at its next step and is removed; no new pod starts', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable']);
    const interrupt = new AbortController();
    const original = engine.createPod.bind(engine);
    engine.createPod = async (p) => {
      const id = await original(p);
      if (p.name === 'b') interrupt.abort(); // the user presses Ctrl-C while b is being made
      return id;
    };
    const report = await executePlan(engine, await planFor(engine, pods), { concurrency: 1, signal: interrupt.signal });
    expect(report.stopped).toBe('interrupted');
    expect(summary(report.results)).toEqual(['pod/a done', 'pod/b failed removed', 'pod/c failed not-started', 'pod/d failed not-started']);
    expect(report.results[1]!.error).toBe('stopped half-way: kubeplay was interrupted');
    expect([...engine.pods.keys()]).toEqual(['a']);
  });

  test('an interrupted replacement puts the previous version back', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable']);
    const v1 = desiredPod('web');
    await executePlan(engine, await planFor(engine, [v1]), { concurrency: 1 });
    const v2 = desiredPod('web', { labels: { ...v1.labels, tier: 'v2' } });
    const interrupt = new AbortController();
    const original = engine.createPod.bind(engine);
    engine.createPod = async (p) => {
      if (p.labels['tier'] === 'v2') interrupt.abort();
      return original(p);
    };
    const plan = planChanges([v2], await observeState(engine, [v2], free), { ...opts, previousOf: () => v1 });
    const report = await executePlan(engine, plan, { concurrency: 1, signal: interrupt.signal });
    expect(summary(report.results)).toEqual(['pod/web failed restored']);
    expect(engine.pods.get('web')?.labels).toEqual(v1.labels);
    expect(engine.pods.get('web')?.status).toBe('Running');
  });

  test('interrupted while the old version is being stopped for its replacement: the previous version is put back', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable']);
    const v1 = desiredPod('web');
    await executePlan(engine, await planFor(engine, [v1]), { concurrency: 1 });
    const v2 = desiredPod('web', { labels: { ...v1.labels, tier: 'v2' } });
    const plan = planChanges([v2], await observeState(engine, [v2], free), { ...opts, previousOf: () => v1 });
    const interrupt = new AbortController();
    // Ctrl-C while kubeplay waits for the old version's containers to exit.
    const original = engine.listPods.bind(engine);
    engine.listPods = async (labels) => {
      if (engine.log.includes('killPod web')) interrupt.abort();
      return original(labels);
    };
    const report = await executePlan(engine, plan, { concurrency: 1, signal: interrupt.signal });
    expect(report.stopped).toBe('interrupted');
    expect(summary(report.results)).toEqual(['pod/web failed restored']);
    expect(report.results[0]!.error).toBe('stopped half-way: kubeplay was interrupted');
    expect(engine.pods.get('web')?.labels).toEqual(v1.labels);
    expect(engine.pods.get('web')?.status).toBe('Running');
  });

  test('interrupted before the execute stage: nothing starts, unchanged pods are still reported', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable']);
    await executePlan(engine, await planFor(engine, [pods[0]!]), { concurrency: 1 });
    const interrupt = new AbortController();
    interrupt.abort();
    engine.log.length = 0;
    const report = await executePlan(engine, await planFor(engine, pods), { concurrency: 2, signal: interrupt.signal });
    expect(summary(report.results)).toEqual(['pod/a done', 'pod/b failed not-started', 'pod/c failed not-started', 'pod/d failed not-started']);
    expect(engine.log.filter((l) => !l.startsWith('listPods') && !l.startsWith('lookupImage') && !l.startsWith('listContainers'))).toEqual([]);
  });
});
