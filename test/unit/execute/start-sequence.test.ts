// The start protocol on the fake engine: the calls it makes, in order, and how it ends.
import { startSequenceOf } from '../../../src/domain/convergence';
import type { DesiredPod } from '../../../src/domain/types';
import { continueStartSequence, runStartSequence } from '../../../src/execute/start-sequence';
import { container, desiredPod } from '../../fakes/builders';
import { FakeContainerEngine } from '../../fakes/fake-container-engine';

async function made(pod: DesiredPod): Promise<FakeContainerEngine> {
  const engine = new FakeContainerEngine(['img:1']);
  await engine.createPod(pod);
  for (const c of [...pod.initContainers, ...pod.containers]) await engine.createContainer(pod, c);
  engine.log.length = 0;
  return engine;
}

const pod = desiredPod('p', {
  initContainers: [container('p', 'setup', { initKind: 'once', restartPolicy: 'no' }), container('p', 'proxy', { initKind: 'sidecar', restartPolicy: 'always' })],
  containers: [container('p', 'app')],
});

describe('runStartSequence', () => {
  test('init to exit 0, then the sidecar (started is enough), then the app', async () => {
    const engine = await made(pod);
    engine.exitCodes.set('p-setup', 0);
    expect(await runStartSequence(engine, startSequenceOf(pod))).toEqual({ done: true });
    expect(engine.log).toEqual(['startContainer p-setup', 'awaitContainerExit p-setup', 'startContainer p-proxy', 'startContainer p-app']);
  });

  test('an init container still running at the deadline: nothing after it starts, the background resumes there', async () => {
    const engine = await made(pod);
    expect(await runStartSequence(engine, startSequenceOf(pod))).toEqual({ done: false, resumeAt: 0 });
    expect(engine.log).toEqual(['startContainer p-setup', 'awaitContainerExit p-setup']);
  });

  test('a failed init container fails the start, named, and nothing after it starts', async () => {
    const engine = await made(pod);
    engine.exitCodes.set('p-setup', 3);
    await expect(runStartSequence(engine, startSequenceOf(pod))).rejects.toThrow('init container p-setup exited with code 3');
    expect(engine.log).not.toContain('startContainer p-app');
  });
});

describe('continueStartSequence', () => {
  test('finishes from where apply left off, by container id', async () => {
    const engine = await made(pod);
    engine.exitCodes.set('p-setup', 0);
    await engine.startContainer('p-setup');
    engine.log.length = 0;
    expect(await continueStartSequence(engine, startSequenceOf(pod), 0, async () => undefined)).toBe('done');
    expect(engine.log.filter((l) => l.startsWith('start'))).toHaveLength(2);
    expect(engine.pods.get('p')!.containers.find((c) => c.name === 'p-app')!.state).toBe('running');
  });

  test('restartPolicy Never: a failed init container leaves the pod failed', async () => {
    const never = desiredPod('p', { initContainers: pod.initContainers, containers: [container('p', 'app', { restartPolicy: 'no' })] });
    const engine = await made(never);
    engine.exitCodes.set('p-setup', 1);
    await engine.startContainer('p-setup');
    expect(await continueStartSequence(engine, startSequenceOf(never), 0, async () => undefined)).toBe('failed');
  });

  test('restartPolicy Always: a failed init container is restarted after the back-off until it succeeds', async () => {
    const engine = await made(pod);
    engine.exitCodes.set('p-setup', 1);
    await engine.startContainer('p-setup');
    const slept: number[] = [];
    const done = continueStartSequence(engine, startSequenceOf(pod), 0, async (ms) => {
      slept.push(ms);
      if (slept.length === 2) engine.exitCodes.set('p-setup', 0);
    });
    expect(await done).toBe('done');
    expect(slept).toEqual([10_000, 20_000]);
  });

  test('a pod removed meanwhile: nothing to do', async () => {
    const engine = await made(pod);
    await engine.removePod('p', { force: true });
    expect(await continueStartSequence(engine, startSequenceOf(pod), 0, async () => undefined)).toBe('gone');
  });
});
