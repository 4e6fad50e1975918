/** The two steps delete adds to the executor: signalPod and awaitPodExit, on the fake engine. */
import { runStep } from '../../../src/execute/execute-plan';
import { EngineError } from '../../../src/domain/errors';
import type { EnginePod } from '../../../src/engine/container-engine';
import { FakeContainerEngine } from '../../fakes/fake-container-engine';

function runningPod(name: string): EnginePod {
  const c = (n: string, isInfra: boolean) => ({ id: n, name: n, podName: name, isInfra, image: 'x', state: 'running' as const, exitCode: 0, restartCount: 0, labels: {}, ports: [] });
  return { id: name, name, status: 'Running', labels: {}, containers: [c(`${name}-infra`, true), c(`${name}-app`, false)] };
}

/** KillRefused answers a signal as Podman does when nothing in the pod runs (409). */
class KillRefused extends FakeContainerEngine {
  override async killPod(name: string): Promise<void> {
    throw new EngineError(`cannot send SIGTERM to pod ${name}: no running containers`, 'killPod', 409);
  }
}

describe('signalPod and awaitPodExit', () => {
  test('signalPod: a pod with nothing left running (409) is not an error; other failures are', async () => {
    await expect(runStep(new KillRefused(), { op: 'signalPod', name: 'a', signal: 'SIGTERM' })).resolves.toBeUndefined();
    const engine = new FakeContainerEngine();
    engine.failOn.set('killPod a', 'boom');
    await expect(runStep(engine, { op: 'signalPod', name: 'a', signal: 'SIGTERM' })).rejects.toThrow('boom');
  });

  test('awaitPodExit returns once the app containers are gone, though the infra container still runs', async () => {
    const engine = new FakeContainerEngine();
    engine.pods.set('a', runningPod('a'));
    setTimeout(() => engine.mutate('a', (p) => (p.containers[1]!.state = 'exited')), 300);
    const t0 = Date.now();
    // An hour's grace: returning at all (before the test's time-out) shows the exit was seen.
    await runStep(engine, { op: 'awaitPodExit', name: 'a', timeoutSeconds: 3600 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  }, 30_000);

  test('awaitPodExit gives up after the grace period; a pod that is gone is done at once', async () => {
    const engine = new FakeContainerEngine();
    engine.pods.set('stubborn', runningPod('stubborn'));
    const t0 = Date.now();
    await runStep(engine, { op: 'awaitPodExit', name: 'stubborn', timeoutSeconds: 0.5 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(450);
    // A pod that is gone does not wait out its hour (the test's time-out would catch it).
    await runStep(engine, { op: 'awaitPodExit', name: 'gone', timeoutSeconds: 3600 });
  }, 30_000);

  test('concurrent waits share one listing per poll', async () => {
    const engine = new FakeContainerEngine();
    for (const n of ['a', 'b', 'c', 'd']) engine.pods.set(n, runningPod(n));
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => runStep(engine, { op: 'awaitPodExit', name, timeoutSeconds: 0.6 })));
    // About 0.6 s / 200 ms polls: a handful of listings, not four times as many.
    expect(engine.log.filter((l) => l === 'listPods').length).toBeLessThanOrEqual(6);
  });
});
