/** The executor's pulls: each image once, a local fallback with one warning, and failures that stay with their pods. */
import { executePlan } from '../../../src/execute/execute-plan';
import type { PullEvent } from '../../../src/execute/execute-plan';
import { planChanges } from '../../../src/plan/plan-changes';
import { observeState } from '../../../src/observe/observe-state';
import type { DesiredPod } from '../../../src/domain/types';
import { FakeContainerEngine } from '../../fakes/fake-container-engine';
import { container, desiredPod } from '../../fakes/builders';

const free = { portFree: async () => true, statPath: async () => 'missing' as const };
const opts = { force: false, previousOf: (): DesiredPod | undefined => undefined };

async function apply(engine: FakeContainerEngine, pods: DesiredPod[], onPull?: (e: PullEvent) => void) {
  const plan = planChanges(pods, await observeState(engine, pods, free), opts);
  return executePlan(engine, plan, { concurrency: 4, ...(onPull ? { onPull } : {}) });
}

const always = (pod: string, image: string) => desiredPod(pod, { containers: [container(pod, 'app', { image, pullPolicy: 'Always' })] });

describe('executePlan: image pulls', () => {
  test('an Always image used by three pods, two spellings: pulled once', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable', 'quay.io/org/app:latest']);
    const report = await apply(engine, [always('a', 'quay.io/org/app'), always('b', 'quay.io/org/app:latest'), always('c', 'quay.io/org/app')]);
    expect(report.results.map((r) => r.outcome)).toEqual(['done', 'done', 'done']);
    expect(engine.log.filter((l) => l.startsWith('pullImage'))).toEqual(['pullImage quay.io/org/app:latest']);
    expect(engine.log.filter((l) => l.startsWith('lookupImage'))).toEqual(['lookupImage quay.io/org/app:latest']);
    expect(report.warnings).toBeUndefined();
  });

  test('an Always pull that fails with a local image: the local one is used, with one warning naming image, answer and ID', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable']);
    const local = engine.addImage('quay.io/org/app:latest');
    engine.failOn.set('pullImage quay.io/org/app:latest', 'pinging container registry quay.io: no such host');
    const report = await apply(engine, [always('a', 'quay.io/org/app'), always('b', 'quay.io/org/app:latest')]);
    expect(report.results.map((r) => r.outcome)).toEqual(['done', 'done']);
    expect(report.warnings).toEqual([
      `image quay.io/org/app:latest (imagePullPolicy Always) could not be pulled: pinging container registry quay.io: no such host; using the local image ${local.id.slice(0, 12)} instead`,
    ]);
  });

  test('a failed pull with no local image fails the pods needing it; the others still apply', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable']);
    engine.failOn.set('pullImage quay.io/org/gone:1', 'manifest unknown');
    const gone = desiredPod('gone', { containers: [container('gone', 'app', { image: 'quay.io/org/gone:1' })] });
    const report = await apply(engine, [desiredPod('ok'), gone]);
    expect(report.results.map((r) => `${r.action.ref} ${r.outcome} ${r.error ?? ''}`.trim())).toEqual([
      'pod/ok done',
      'pod/gone failed cannot pull image quay.io/org/gone:1: manifest unknown',
    ]);
    expect(engine.log).not.toContain('createPod gone');
    expect(report.warnings).toBeUndefined();
  });

  test('a locally built image (localhost/, or its short name) is never pulled, whatever the policy', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable', 'localhost/myapp:latest']);
    const report = await apply(engine, [always('a', 'myapp'), always('b', 'myapp:latest'), always('c', 'localhost/myapp')]);
    expect(report.results.map((r) => r.outcome)).toEqual(['done', 'done', 'done']);
    expect(engine.log.filter((l) => l.startsWith('pullImage'))).toEqual([]);
  });

  test('each step of a pull is told to onPull, then how it ended', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable']);
    const events: string[] = [];
    await apply(engine, [always('a', 'quay.io/org/app:1')], (e) => events.push(`${e.image} ${e.layers} ${e.message}`));
    expect(events).toEqual([
      'quay.io/org/app:1 0 pulling',
      'quay.io/org/app:1 0 Trying to pull quay.io/org/app:1...',
      'quay.io/org/app:1 1 Copying blob sha256:0123456789ab',
      'quay.io/org/app:1 1 pulled',
    ]);
  });
});
