/** withPrefetchedPods: the pod listing is asked for at once and answers observeState's first call. */
import { withPrefetchedPods } from '../../../src/engine/prefetched-pods';
import { FakeContainerEngine } from '../../fakes/fake-container-engine';
import { desiredPod } from '../../fakes/builders';

describe('withPrefetchedPods', () => {
  test('lists once at once; the first unlabelled listPods gets that answer, later calls go to the engine', async () => {
    const engine = new FakeContainerEngine(['localhost/busybox:stable']);
    await engine.createPod(desiredPod('a'));
    engine.log.length = 0;
    const wrapped = withPrefetchedPods(engine);
    expect(engine.log).toEqual(['listPods']);
    expect((await wrapped.listPods()).map((p) => p.name)).toEqual(['a']);
    expect(engine.log).toEqual(['listPods']);
    await wrapped.listPods();
    await wrapped.listPods({ app: 'x' });
    expect(engine.log).toEqual(['listPods', 'listPods', 'listPods']);
    // Every other method is the engine's own.
    expect(await wrapped.imageExists('localhost/busybox:stable')).toBe(true);
  });

  test('a labelled first call does not take the unlabelled answer', async () => {
    const engine = new FakeContainerEngine();
    const wrapped = withPrefetchedPods(engine);
    await wrapped.listPods({ app: 'x' });
    expect(engine.log).toEqual(['listPods', 'listPods']);
  });

  test('a failed prefetch fails the first call only, and unobserved it is no unhandled rejection', async () => {
    const engine = new FakeContainerEngine();
    engine.failOn.set('listPods', 'Podman went away');
    const wrapped = withPrefetchedPods(engine);
    withPrefetchedPods(engine); // never observed
    await expect(wrapped.listPods()).rejects.toThrow('Podman went away');
    engine.failOn.clear();
    await expect(wrapped.listPods()).resolves.toEqual([]);
  });
});
