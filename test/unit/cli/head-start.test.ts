/** The head start: which raw arguments get one, and how its answers and lock reach the command. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planHeadStart, startHeadStart, type HeadStartDeps } from '../../../src/cli/head-start';
import type { EngineCall } from '../../../src/engine/container-engine';
import type { HeldLock } from '../../../src/engine/connection-lock';
import * as prefetch from '../../../src/engine/prefetched';
import { withPrefetched } from '../../../src/engine/prefetched';
import { FakeContainerEngine } from '../../fakes/fake-container-engine';

const BOTH = [{ method: 'listPods' }, { method: 'listContainers' }];
const byLabels = (labels: Record<string, string>) => [{ method: 'listContainers', filter: { labels } }];

describe('planHeadStart', () => {
  test.each([
    [['apply', '-f', 'pod.yaml'], { command: 'apply' }],
    [['apply', '-f', '-', '--prune', '-l', 'app=web'], { command: 'apply' }],
    [['get', 'pods'], { command: 'get', listings: BOTH }],
    [['get', 'po', '-o', 'wide'], { command: 'get', listings: BOTH }],
    [['get', 'pods', '-l', 'app=web'], { command: 'get', listings: byLabels({ app: 'web' }) }],
    [['get', 'pod', '--selector=app=web,tier!=db', '--show-labels', '-v'], { command: 'get', listings: byLabels({ app: 'web' }) }],
    [['get', 'pods', '-l', 'app in (a,b)'], { command: 'get', listings: BOTH }],
    [['get', 'pods', '-w', '-L', 'app', '--no-headers', '-l', 'a=1,b=2'], { command: 'get', listings: byLabels({ a: '1', b: '2' }) }],
  ])('%j gets %j', (args, plan) => {
    expect(planHeadStart(args)).toEqual(plan);
  });

  test.each([
    [[]],
    [['-v', 'apply', '-f', 'pod.yaml']], // a flag before the command: left to yargs
    [['apply', '--dry-run=client', '-f', 'pod.yaml']],
    [['apply', '--dry-run', 'server', '-f', 'pod.yaml']],
    [['apply', '--help']],
    [['delete', '-f', 'pod.yaml']],
    [['get', 'deployments']],
    [['get', 'pods', 'web']], // names
    [['get', 'pod/web']],
    [['get', 'pods', '-f', 'pod.yaml']],
    [['get', 'pods', '-l', 'a in (']], // a bad selector: the command reports it
    [['get', 'pods', '-l']],
    [['get', 'pods', '-l', 'a=1', '-l', 'b=2']],
    [['get', 'pods', '-lapp=web']], // forms yargs knows and this does not: no guess
    [['get', 'pods', '--frobnicate']],
    [['get', 'pods', '--', '-l', 'a=1']],
  ])('%j gets none', (args) => {
    expect(planHeadStart(args)).toBeUndefined();
  });
});

describe('startHeadStart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeplay-head-'));
  const there = join(dir, 'there.sock');
  writeFileSync(there, '');
  const missing = join(dir, 'missing.sock');

  function deps(engine: FakeContainerEngine, lock: HeldLock | undefined) {
    const made: string[] = [];
    const locked: string[] = [];
    const d: HeadStartDeps = {
      candidates: () => [missing, there],
      makeEngine: (socketPath, onCall) => {
        made.push(socketPath);
        const wrapped = new Proxy(engine, {
          get(target, prop, receiver) {
            const v: unknown = Reflect.get(target, prop, receiver);
            if (prop !== 'listPods' && prop !== 'listContainers') return v;
            return (...a: unknown[]) => {
              onCall({ method: 'GET', path: `/${String(prop)}`, status: 200, durationMs: 1 });
              return (v as (...x: unknown[]) => unknown).apply(target, a);
            };
          },
        });
        return wrapped;
      },
      tryLock: async (socketPath) => {
        locked.push(socketPath);
        return lock;
      },
      prefetch,
    };
    return { d, made, locked };
  }

  test('get: asks the first socket that exists at once; the command gets the answer once, and -v sees the call', async () => {
    const engine = new FakeContainerEngine();
    const { d, made, locked } = deps(engine, undefined);
    const head = startHeadStart({ command: 'get', listings: [{ method: 'listContainers', filter: { labels: { app: 'web' } } }] }, d)!;
    expect(head.socketPath).toBe(there);
    expect(made).toEqual([there]);
    expect(locked).toEqual([]);
    expect(await head.lock).toBeUndefined();
    const calls: EngineCall[] = [];
    head.reportCallsTo((c) => calls.push(c));
    expect(calls.map((c) => c.path)).toEqual(['/listContainers']);
    const cmd = withPrefetched(engine, await head.takeAnswers());
    expect(await head.takeAnswers()).toEqual([]);
    await cmd.listContainers({ labels: { app: 'web' } });
    expect(engine.log).toEqual(['listContainers {"labels":{"app":"web"}}']);
    await cmd.listContainers({ labels: { app: 'web' } }); // served once: the second goes to Podman
    await cmd.listContainers({ labels: { app: 'db' } });
    expect(engine.log).toHaveLength(3);
  });

  test('apply: lists the pods only once it holds the lock', async () => {
    const engine = new FakeContainerEngine();
    const lock: HeldLock = { release: async () => undefined };
    const { d, locked } = deps(engine, lock);
    const head = startHeadStart({ command: 'apply' }, d)!;
    expect(engine.log).toEqual([]); // not before the lock
    expect(await head.lock).toBe(lock);
    expect(locked).toEqual([there]);
    const answers = await head.takeAnswers();
    expect(answers.map((a) => a.method)).toEqual(['listPods']);
    expect(engine.log).toEqual(['listPods']);
  });

  test('apply: another kubeplay holds the lock, so nothing is listed', async () => {
    const engine = new FakeContainerEngine();
    const head = startHeadStart({ command: 'apply' }, deps(engine, undefined).d)!;
    expect(await head.lock).toBeUndefined();
    expect(await head.takeAnswers()).toEqual([]);
    expect(engine.log).toEqual([]);
  });

  test('no socket there, or a CONTAINER_HOST the command will refuse: no head start', () => {
    const engine = new FakeContainerEngine();
    const { d } = deps(engine, undefined);
    expect(startHeadStart({ command: 'apply' }, { ...d, candidates: () => [missing] })).toBeUndefined();
    expect(
      startHeadStart({ command: 'apply' }, {
        ...d,
        candidates: () => {
          throw new Error('CONTAINER_HOST=tcp://x is not supported');
        },
      }),
    ).toBeUndefined();
    expect(engine.log).toEqual([]);
  });
});
