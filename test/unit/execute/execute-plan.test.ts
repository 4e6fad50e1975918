import { executePlan, runBounded } from '../../../src/execute/execute-plan';
import { planChanges } from '../../../src/plan/plan-changes';
import { observeState } from '../../../src/observe/observe-state';
import type { DesiredPod } from '../../../src/domain/types';
import { FakeContainerEngine } from '../../fakes/fake-container-engine';
import { container, desiredPod } from '../../fakes/builders';

const free = { portFree: async () => true, statPath: async () => 'missing' as const };
const opts = { force: false, previousOf: (): DesiredPod | undefined => undefined };

async function apply(engine: FakeContainerEngine, pods: ReturnType<typeof desiredPod>[], previousOf = opts.previousOf) {
  const observed = await observeState(engine, pods, free);
  const plan = planChanges(pods, observed, { ...opts, previousOf });
  return executePlan(engine, plan, { concurrency: 1 });
}

describe('executePlan on the fake engine', () => {
  test('apply twice: the second run lists pods once and touches nothing', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable']);
    const pods = [desiredPod('a'), desiredPod('b')];
    const first = await apply(engine, pods);
    expect(first.results.map((r) => `${r.action.kind} ${r.outcome}`)).toEqual(['create done', 'create done']);
    engine.log.length = 0;
    const second = await apply(engine, pods);
    expect(second.results.map((r) => r.action.kind)).toEqual(['unchanged', 'unchanged']);
    expect(engine.log).toEqual(['listPods']);
  });

  test('a failed start removes the half-made pod and the others still apply', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable']);
    engine.failOn.set('startPod b', 'container b-app failed to start');
    const report = await apply(engine, [desiredPod('a'), desiredPod('b'), desiredPod('c')]);
    expect(report.results.map((r) => `${r.action.ref} ${r.outcome} ${r.rollback ?? ''}`.trim())).toEqual(['pod/a done', 'pod/b failed removed', 'pod/c done']);
    expect([...engine.pods.keys()].sort()).toEqual(['a', 'c']);
  });

  test('a failed replacement puts the previous version back', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable']);
    const v1 = desiredPod('web');
    await apply(engine, [v1]);
    const v2 = desiredPod('web', { containers: [container('web', 'app', { command: ['v2'] })] });
    engine.failOn.set('createContainer web-app', 'boom');
    let calls = 0;
    // Fail only the first createContainer (the new version); the restore's must succeed.
    const original = engine.createContainer.bind(engine);
    engine.createContainer = async (p, c) => {
      if (calls++ === 0) throw new Error('container web-app: bad command');
      engine.failOn.clear();
      return original(p, c);
    };
    const report = await apply(engine, [v2], () => v1);
    expect(report.results[0]).toMatchObject({ outcome: 'failed', rollback: 'restored' });
    expect(engine.pods.get('web')?.labels).toEqual(v1.labels);
    expect(engine.pods.get('web')?.status).toBe('Running');
  });

  test('a failed pull fails only the pods that need the image', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable']);
    engine.failOn.set('pullImage nosuch:1', 'image nosuch:1 not found');
    const bad = desiredPod('bad', { containers: [container('bad', 'x', { image: 'nosuch:1' })] });
    const report = await apply(engine, [desiredPod('good'), bad]);
    expect(report.results.map((r) => `${r.action.ref} ${r.outcome} ${r.error ?? ''}`.trim())).toEqual(['pod/good done', 'pod/bad failed cannot pull image nosuch:1: image nosuch:1 not found']);
    expect(engine.log).not.toContain('createPod bad');
  });

  test('runBounded keeps input order and the bound', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await runBounded([5, 1, 3, 2, 4], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
  });
});
