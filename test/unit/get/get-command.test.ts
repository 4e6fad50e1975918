// get on the fake engine: options rules, selectors (label and field), names, -f, and how much
// Podman is asked (one filtered listing each for pods and containers; inspections only when needed).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../../src/domain/errors';
import { LABEL_LAST_APPLIED, LABEL_MANAGED_BY, MANAGED_BY_VALUE } from '../../../src/domain/labels';
import { matchesFields, parseFieldSelector, runGet, validateGetOptions, type GetOptions } from '../../../src/commands/get';
import { toGetOptions } from '../../../src/cli/commands/get';
import { parseOutput } from '../../../src/print/get/format';
import { desiredPod } from '../../fakes/builders';
import { FakeContainerEngine } from '../../fakes/fake-container-engine';

const now = new Date('2026-05-01T12:00:00Z');

function opts(over: Partial<GetOptions> = {}): GetOptions {
  return { resource: 'pods', names: [], files: [], recursive: false, output: 'table', showLabels: false, labelColumns: [], noHeaders: false, watch: false, watchIntervalSeconds: 1, namespace: 'default', allNamespaces: false, ...over };
}

async function engineWith(pods: Array<[string, Record<string, string>]>, unmanaged: Array<[string, Record<string, string>]> = []): Promise<FakeContainerEngine> {
  const e = new FakeContainerEngine();
  for (const [name, labels] of [...pods, ...unmanaged]) {
    const managed = pods.some(([n]) => n === name);
    const d = desiredPod(name);
    d.labels = managed ? { ...d.labels, ...labels } : { ...labels };
    // kubeplay copies the pod's labels onto its containers; other tools do not.
    d.containers = d.containers.map((c) => ({ ...c, labels: managed ? { ...d.labels } : {} }));
    await e.createPod(d);
    for (const c of d.containers) await e.createContainer(d, c);
    await e.startPod(name);
    // Podman copies a pod's labels onto its infra container.
    e.mutate(name, (p) => {
      p.createdAt = new Date('2026-05-01T11:00:00Z');
      p.containers[0]!.labels = { ...p.labels };
      for (const c of p.containers) c.startedAt = new Date('2026-05-01T11:00:01Z');
    });
  }
  e.log.length = 0;
  return e;
}

const deps = (e: FakeContainerEngine) => ({ engine: async () => e, readStdin: async () => Buffer.alloc(0), now: () => now });
const names = async (e: FakeContainerEngine, o: Partial<GetOptions>) => (await runGet(opts(o), deps(e))).pods.map((p) => p.metadata?.name).join(' ');

describe('label selectors: every operator over five labelled pods', () => {
  let e: FakeContainerEngine;
  beforeAll(async () => {
    e = await engineWith([
      ['p1', { app: 'front', tier: 'web' }],
      ['p2', { app: 'front', tier: 'edge', canary: 'true' }],
      ['p3', { app: 'back', tier: 'db' }],
      ['p4', { app: 'back' }],
      ['p5', { team: 'ops' }],
    ]);
  });
  test.each([
    ['app=front', 'p1 p2'],
    ['app==back', 'p3 p4'],
    ['app!=front', 'p3 p4 p5'],
    ['tier in (web,db)', 'p1 p3'],
    ['tier notin (web,db)', 'p2 p4 p5'],
    ['canary', 'p2'],
    ['!tier', 'p4 p5'],
    ['app=front,tier!=web', 'p2'],
    ['app in (front, back),!canary,tier', 'p1 p3'],
    ['app=nobody', ''],
  ])('-l %s', async (sel, want) => {
    expect(await names(e, { selector: sel })).toBe(want);
  });
  test('kubeplay\'s own labels are not the user\'s: !app.kubernetes.io/managed-by matches them all', async () => {
    expect(await names(e, { selector: `!${LABEL_MANAGED_BY}` })).toBe('p1 p2 p3 p4 p5');
  });
  test('a malformed selector is a usage error pointing at the offending part', async () => {
    await expect(runGet(opts({ selector: 'app in (a,' }), deps(e))).rejects.toThrow(/position 11/);
  });
});

test('key=value terms go to Podman as label filters; pods without a last-applied label need the pod listing too', async () => {
  const e = await engineWith([['a', { app: 'x' }], ['b', { app: 'y' }]]);
  const r = await runGet(opts({ selector: 'app=x,tier notin (db)' }), deps(e));
  expect(r.pods.map((p) => p.metadata?.name)).toEqual(['a']);
  expect(e.log).toEqual(['listContainers {"labels":{"app":"x"}}', 'listPods']);
});

test('kubeplay\'s pods are described by the filtered container listing alone; no inspection for pods that never exited', async () => {
  const applied = (name: string, labels: Record<string, string>) =>
    JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'app', image: 'busybox' }] } });
  const e = await engineWith([
    ['a', { app: 'x', tier: 'web', [LABEL_LAST_APPLIED]: applied('a', { app: 'x', tier: 'web' }) }],
    ['b', { app: 'x', tier: 'db', [LABEL_LAST_APPLIED]: applied('b', { app: 'x', tier: 'db' }) }],
    ['c', { app: 'y', [LABEL_LAST_APPLIED]: applied('c', { app: 'y' }) }],
  ]);
  const r = await runGet(opts({ selector: 'app=x,tier notin (db)' }), deps(e));
  expect(r.pods.map((p) => p.metadata?.name)).toEqual(['a']);
  expect(r.pods[0]?.metadata?.labels).toEqual({ app: 'x', tier: 'web' });
  expect(r.pods[0]?.status?.containerStatuses?.map((c) => [c.name, c.ready])).toEqual([['app', true]]);
  expect(r.pods[0]?.metadata?.creationTimestamp).toBeUndefined();
  expect(e.log).toEqual(['listContainers {"labels":{"app":"x"}}']);
});

test('containers of pods made by other tools lack the labels: fetched by id in a second listing', async () => {
  const e = await engineWith([], [['other', { app: 'x' }]]);
  const r = await runGet(opts({ selector: 'app=x' }), deps(e));
  expect(r.pods[0]?.status?.containerStatuses?.map((c) => c.name)).toEqual(['other-app']);
  expect(e.log[2]).toMatch(/^listContainers \{"ids":\[/);
});

test('a container that exited is inspected for its restart count', async () => {
  const e = await engineWith([['crashy', { app: 'x' }]]);
  e.mutate('crashy', (p) => {
    const c = p.containers[1]!;
    c.state = 'exited';
    c.exitCode = 1;
    c.exitedAt = new Date('2026-05-01T11:59:00Z');
    e.details.set(c.id, { restartCount: 4, finishedAt: new Date('2026-05-01T11:59:00Z') });
  });
  const r = await runGet(opts(), deps(e));
  expect(e.log).toContain('inspectContainers 1');
  const { podRow } = await import('../../../src/print/get/pod-row');
  expect(podRow(r.pods[0]!, now)).toMatchObject({ ready: '0/1', status: 'CrashLoopBackOff', restarts: '4 (60s ago)', age: '60m' });
});

test('json inspects every container (for the IP)', async () => {
  const e = await engineWith([['a', {}]]);
  for (const p of e.pods.values()) e.details.set(p.containers[0]!.id, { ip: '10.88.0.9' });
  const r = await runGet(opts({ output: 'json' }), deps(e));
  expect(e.log).toContain('inspectContainers 2');
  expect(r.pods[0]?.status?.podIP).toBe('10.88.0.9');
});

test('names: output in the order asked, missing ones reported; one name asks for the object', async () => {
  const e = await engineWith([['a', {}], ['b', {}]]);
  const r = await runGet(opts({ names: ['b', 'nope', 'a'] }), deps(e));
  expect(r.pods.map((p) => p.metadata?.name)).toEqual(['b', 'a']);
  expect(r.notFound).toEqual(['nope']);
  expect(r.single).toBe(false);
  expect((await runGet(opts({ names: ['a'] }), deps(e))).single).toBe(true);
});

test('-f: the pods the file names, the rest of each manifest ignored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeplay-get-'));
  const f = join(dir, 'pods.yaml');
  writeFileSync(f, 'apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec: {bogus: 1}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: zz}\n');
  const e = await engineWith([['a', {}], ['b', {}]]);
  const r = await runGet(opts({ resource: '', files: [f] }), deps(e));
  expect(r.pods.map((p) => p.metadata?.name)).toEqual(['b']);
  expect(r.notFound).toEqual(['zz']);
  writeFileSync(f, 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: s}\n');
  await expect(runGet(opts({ resource: '', files: [f] }), deps(e))).rejects.toThrow('kind "Ingress" is not something kubeplay gets');
});

test('field selectors', async () => {
  const e = await engineWith([['a', {}], ['b', {}]]);
  e.mutate('b', (p) => {
    for (const c of p.containers) c.state = 'created';
  });
  expect(await names(e, { fieldSelector: 'metadata.name=a' })).toBe('a');
  expect(await names(e, { fieldSelector: 'status.phase=Running' })).toBe('a');
  expect(await names(e, { fieldSelector: 'status.phase!=Running,metadata.name==b' })).toBe('b');
  expect(() => parseFieldSelector('spec.containers=x')).toThrow('field label not supported: spec.containers');
  expect(() => parseFieldSelector('metadata.name')).toThrow(UsageError);
  expect(matchesFields(parseFieldSelector('spec.restartPolicy=Always'), { spec: { containers: [] } })).toBe(true);
});

test.each<[string, Partial<GetOptions>, string | undefined]>([
  ['pods', {}, undefined],
  ['an alias', { resource: 'po' }, undefined],
  ['no resource', { resource: '' }, 'you must specify the type of resource'],
  ['another resource', { resource: 'cronjobs' }, 'doesn\'t have a resource type "cronjobs"'],
  ['names and -l', { names: ['a'], selector: 'x=y' }, 'name cannot be provided when a selector is specified'],
  ['-f and names', { files: ['x.yaml'], names: ['a'] }, '-f and resource names cannot be used together'],
  ['bad selector', { selector: 'a=(b' }, 'invalid label selector'],
  ['bad field selector', { fieldSelector: 'foo=bar' }, 'field label not supported: foo'],
])('validateGetOptions: %s', (_w, over, err) => {
  if (err === undefined) expect(() => validateGetOptions(opts(over))).not.toThrow();
  else expect(() => validateGetOptions(opts(over))).toThrow(err);
});

test('toGetOptions: TYPE/NAME arguments, -L lists, -o', () => {
  const po = (v: string | undefined) => {
    const p = parseOutput(v);
    return p.jsonpath !== undefined ? { output: p.format, jsonpath: p.jsonpath } : { output: p.format };
  };
  const o = toGetOptions({ resource: 'pod/web', names: ['pods/db'], 'label-columns': ['app,tier', 'x'], output: 'wide' }, po);
  expect(o).toMatchObject({ resource: 'pods', names: ['web', 'db'], labelColumns: ['app', 'tier', 'x'], output: 'wide' });
  expect(() => toGetOptions({ resource: 'pods', names: ['pod/web'] }, po)).toThrow(UsageError);
  expect(toGetOptions({ resource: 'po', names: ['a', 'b'], selector: 'x' }, po)).toMatchObject({ resource: 'po', names: ['a', 'b'], selector: 'x' });
});

test('MANAGED_BY_VALUE is what the fake pods carry', () => {
  expect(MANAGED_BY_VALUE).toBe('kubeplay');
});

test('watchGet: the first observation, then an event when a row changes, appears or goes away, until aborted', async () => {
  const { watchGet } = await import('../../../src/commands/get');
  const { podRow } = await import('../../../src/print/get/pod-row');
  const e = await engineWith([['a', {}]]);
  const controller = new AbortController();
  const events: string[] = [];
  let initial = '';
  const key = (p: import('@kubernetes/client-node').V1Pod) => podRow(p, now).status;
  const done = watchGet(opts({ watchIntervalSeconds: 0.01 }), deps(e), key, (r) => (initial = r.pods.map((p) => p.metadata?.name).join()), (ev) => {
    events.push(`${ev.type} ${ev.pod.metadata?.name} ${podRow(ev.pod, now).status}`);
  }, controller.signal);
  const until = async (n: number) => {
    while (events.length < n) await new Promise((r) => setTimeout(r, 5));
  };
  await new Promise((r) => setTimeout(r, 30));
  expect(events).toEqual([]); // nothing changed, nothing printed
  e.mutate('a', (p) => {
    p.containers[1]!.state = 'exited';
  });
  await until(1);
  await e.removePod('a', { force: true });
  await until(2);
  controller.abort();
  await done;
  expect(initial).toBe('a');
  expect(events).toEqual(['MODIFIED a Completed', 'DELETED a Completed']);
});
