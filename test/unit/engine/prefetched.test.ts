/** Prefetched listings: withPrefetchedPods (apply's pod listing, asked for at once) and withPrefetched (the head start's answers). */
import { prefetchContainers, prefetchPods, withPrefetched, withPrefetchedPods } from '../../../src/engine/prefetched';
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
    expect(await wrapped.lookupImage('localhost/busybox:stable')).toMatchObject({ names: ['localhost/busybox:stable'] });
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

describe('withPrefetched', () => {
  test('an answer serves only the call with its method and arguments, once; labels in any order match', async () => {
    const engine = new FakeContainerEngine();
    const answers = [prefetchContainers(engine, { labels: { a: '1', b: '2' } }), prefetchPods(engine)];
    engine.log.length = 0;
    const wrapped = withPrefetched(engine, answers);
    await wrapped.listContainers({ labels: { b: '2', a: '1' } });
    await wrapped.listPods({});
    expect(engine.log).toEqual([]);
    await wrapped.listContainers({ labels: { a: '1', b: '2' } });
    await wrapped.listContainers({ labels: { a: '1' } });
    await wrapped.listContainers();
    await wrapped.listPods();
    expect(engine.log).toEqual(['listContainers {"labels":{"a":"1","b":"2"}}', 'listContainers {"labels":{"a":"1"}}', 'listContainers', 'listPods']);
  });

  test('a failed answer is asked again of the engine', async () => {
    const engine = new FakeContainerEngine();
    engine.failOn.set('listPods', 'Podman went away');
    const answers = [prefetchPods(engine)];
    engine.failOn.clear();
    await expect(withPrefetched(engine, answers).listPods()).resolves.toEqual([]);
    expect(engine.log).toEqual(['listPods', 'listPods']);
  });
});
