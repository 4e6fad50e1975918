// Podman state → Kubernetes status → kubectl's READY, STATUS, RESTARTS: a table of plain
// snapshots with a fixed clock. Each row is a situation a kubectl user knows the words for.
import { LABEL_CONTAINER, LABEL_LAST_APPLIED, LABEL_MANAGED_BY } from '../../../src/domain/labels';
import { podRow } from '../../../src/print/get/pod-row';
import { toV1Pod, type ContainerSnapshot, type PodSnapshot } from '../../../src/observe/to-v1-pod';

const now = new Date('2026-05-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);

/** manifest: app containers, init containers (a name ending in `+` is a native sidecar, restartPolicy Always). */
function manifest(containers: string[], init: string[] = [], restartPolicy = 'Always') {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { app: 'x' } },
    spec: {
      restartPolicy,
      ...(init.length
        ? { initContainers: init.map((n) => (n.endsWith('+') ? { name: n.slice(0, -1), image: 'busybox', restartPolicy: 'Always' } : { name: n, image: 'busybox' })) }
        : {}),
      containers: containers.map((name) => ({ name, image: 'busybox' })),
    },
  };
}

// NEVER marks a container that never started.
const NEVER = null;

function ctr(name: string, over: Partial<Omit<ContainerSnapshot, 'startedAt'>> & { startedAt?: Date | null } = {}): ContainerSnapshot {
  const { startedAt, ...rest } = over;
  const c: ContainerSnapshot = {
    id: `id-${name}`,
    podmanName: `p-${name}`,
    image: 'busybox',
    state: 'running',
    exitCode: 0,
    restartCount: 0,
    startedAt: ago(300),
    oomKilled: false,
    restartPolicy: 'always',
    labels: { [LABEL_CONTAINER]: name },
    ...rest,
  };
  if (startedAt === null) delete c.startedAt;
  else if (startedAt !== undefined) c.startedAt = startedAt;
  return c;
}

function pod(m: object, containers: ContainerSnapshot[], over: Partial<PodSnapshot> = {}): PodSnapshot {
  return {
    id: 'a'.repeat(64),
    name: 'p',
    podmanStatus: 'Running',
    createdAt: ago(330),
    labels: { app: 'x', [LABEL_MANAGED_BY]: 'kubeplay', [LABEL_LAST_APPLIED]: JSON.stringify(m) },
    ip: '10.88.0.5',
    containers,
    ...over,
  };
}

const cases: Array<[string, PodSnapshot, string]> = [
  ['a running pod', pod(manifest(['app']), [ctr('app')]), '1/1 Running 0 5m30s'],
  ['two running containers', pod(manifest(['a', 'b']), [ctr('a'), ctr('b')]), '2/2 Running 0 5m30s'],
  [
    'created, not started yet',
    pod(manifest(['app']), [ctr('app', { state: 'created', startedAt: NEVER })], { podmanStatus: 'Created' }),
    '0/1 ContainerCreating 0 5m30s',
  ],
  [
    'a container that exited 0 (restartPolicy Never)',
    pod(manifest(['job'], [], 'Never'), [ctr('job', { state: 'exited', restartPolicy: 'no', finishedAt: ago(200) })], { podmanStatus: 'Exited' }),
    '0/1 Completed 0 5m30s',
  ],
  [
    'a container that exited 2 (restartPolicy Never)',
    pod(manifest(['job'], [], 'Never'), [ctr('job', { state: 'exited', exitCode: 2, restartPolicy: 'no', finishedAt: ago(200) })]),
    '0/1 Error 0 5m30s',
  ],
  [
    'killed for memory',
    pod(manifest(['job'], [], 'Never'), [ctr('job', { state: 'exited', exitCode: 137, oomKilled: true, restartPolicy: 'no', finishedAt: ago(200) })]),
    '0/1 OOMKilled 0 5m30s',
  ],
  [
    'one container keeps crashing, the other runs (down between restarts)',
    pod(manifest(['web', 'crash']), [ctr('web'), ctr('crash', { state: 'exited', exitCode: 3, restartCount: 7, startedAt: ago(61), finishedAt: ago(60) })]),
    '1/2 CrashLoopBackOff 7 (60s ago) 5m30s',
  ],
  [
    'crashing, caught just after Podman restarted it',
    pod(manifest(['web', 'crash']), [ctr('web'), ctr('crash', { restartCount: 8, startedAt: ago(1), finishedAt: ago(1) })]),
    '1/2 CrashLoopBackOff 8 (1s ago) 5m30s',
  ],
  [
    'restarted once long ago, running fine since',
    pod(manifest(['app']), [ctr('app', { restartCount: 1, startedAt: ago(120), finishedAt: ago(121) })]),
    '1/1 Running 1 (2m1s ago) 5m30s',
  ],
  [
    'first of two init containers running',
    pod(manifest(['app'], ['one', 'two']), [ctr('one'), ctr('app', { state: 'created', startedAt: NEVER })]),
    '0/1 Init:0/2 0 5m30s',
  ],
  [
    'second init container running (the first was removed by Podman after it ran)',
    pod(manifest(['app'], ['one', 'two']), [ctr('two'), ctr('app', { state: 'created', startedAt: NEVER })]),
    '0/1 Init:1/2 0 5m30s',
  ],
  [
    'init container failed',
    pod(manifest(['app'], ['one']), [ctr('one', { state: 'exited', exitCode: 1, restartPolicy: 'no', finishedAt: ago(10) }), ctr('app', { state: 'created', startedAt: NEVER })]),
    '0/1 Init:Error 0 5m30s',
  ],
  // Native sidecars, as kubectl 1.29+ prints them (printers.go: restartable init containers).
  [
    'init done, sidecar running, app running: the sidecar counts in READY',
    pod(manifest(['app'], ['one', 'proxy+']), [ctr('one', { state: 'exited', restartPolicy: 'no', finishedAt: ago(200) }), ctr('proxy'), ctr('app')]),
    '2/2 Running 0 5m30s',
  ],
  [
    'sidecar started, the init container after it still running',
    pod(manifest(['app'], ['proxy+', 'two']), [ctr('proxy'), ctr('two'), ctr('app', { state: 'created', startedAt: NEVER })]),
    '1/2 Init:1/2 0 5m30s',
  ],
  [
    'sidecar restarted once long ago: its restarts show once the pod is initialized',
    pod(manifest(['app'], ['proxy+']), [ctr('proxy', { restartCount: 1, startedAt: ago(120), finishedAt: ago(121) }), ctr('app')]),
    '2/2 Running 1 (2m1s ago) 5m30s',
  ],
  [
    'init done, app not started yet: PodInitializing',
    pod(manifest(['app'], ['one']), [ctr('one', { state: 'exited', restartPolicy: 'no', finishedAt: ago(1) }), ctr('app', { state: 'created', startedAt: NEVER })]),
    '0/1 PodInitializing 0 5m30s',
  ],
  ['init containers done and gone, app running', pod(manifest(['app'], ['one', 'two']), [ctr('app')]), '1/1 Running 0 5m30s'],
  [
    'a container being stopped: Terminating',
    pod(manifest(['app']), [ctr('app', { state: 'stopping' })], { podmanStatus: 'Stopping' }),
    '0/1 Terminating 0 5m30s',
  ],
  [
    'one container completed while another runs: NotReady (kubectl\'s rule)',
    pod(manifest(['side', 'app'], [], 'OnFailure'), [ctr('side', { state: 'exited', restartPolicy: 'on-failure', finishedAt: ago(100) }), ctr('app')]),
    '1/2 NotReady 0 5m30s',
  ],
  [
    'a pod made by another tool: container names as Podman has them',
    pod({}, [ctr('x', { podmanName: 'sidecar', labels: {} })], { labels: { team: 'a' } }),
    '1/1 Running 0 5m30s',
  ],
  ['a pod with no containers at all', pod({}, [], { labels: {}, podmanStatus: 'Created' }), '0/0 Pending 0 5m30s'],
];

test.each(cases)('%s', (_what, snapshot, want) => {
  const r = podRow(toV1Pod(snapshot, now), now);
  expect([r.ready, r.status, r.restarts, r.age].join(' ')).toBe(want);
});

test('the v1 Pod: metadata and spec as applied, status from Podman', () => {
  const m = manifest(['web', 'crash']);
  const p = toV1Pod(pod(m, [ctr('web'), ctr('crash', { state: 'exited', exitCode: 3, restartCount: 2, startedAt: ago(5), finishedAt: ago(4) })]), now);
  expect(p.apiVersion).toBe('v1');
  expect(p.kind).toBe('Pod');
  expect(p.metadata?.name).toBe('p');
  expect(p.metadata?.namespace).toBe('default');
  expect(p.metadata?.labels).toEqual({ app: 'x' });
  expect(p.metadata?.annotations?.[LABEL_LAST_APPLIED]).toBe(`${JSON.stringify(m)}\n`);
  expect(p.metadata?.uid).toBe('aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa');
  expect(p.spec).toEqual(m.spec);
  expect(p.status?.phase).toBe('Running');
  expect(p.status?.podIP).toBe('10.88.0.5');
  expect(p.status?.containerStatuses?.map((c) => [c.name, c.ready, c.restartCount])).toEqual([
    ['web', true, 0],
    ['crash', false, 2],
  ]);
  expect(p.status?.containerStatuses?.[1]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
  expect(p.status?.containerStatuses?.[1]?.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
  expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
});

test('a pod made by another tool keeps all its Podman labels and gets a spec from its containers', () => {
  const p = toV1Pod(pod({}, [ctr('x', { podmanName: 'b-ctr', image: 'img:1', labels: {} }), ctr('y', { podmanName: 'a-ctr', labels: {} })], { labels: { team: 'a' } }), now);
  expect(p.metadata?.labels).toEqual({ team: 'a' });
  expect(p.metadata?.annotations).toBeUndefined();
  expect(p.spec?.containers.map((c) => `${c.name}=${c.image}`)).toEqual(['a-ctr=busybox', 'b-ctr=img:1']);
});
