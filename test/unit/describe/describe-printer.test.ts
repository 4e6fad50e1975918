/**
 * describe's printer and its event mapping on plain data: kubectl describe's layout (tabwriter
 * alignment, states, last state, ports, env, mounts, volumes, conditions, Events with repeats),
 * compared with golden files. UPDATE_GOLDEN=1 rewrites them; review the diff before committing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { eventsOfPod, toDescribeEvents, withExitCodesFromEvents, type ProbeFailure } from '../../../src/commands/describe';
import type { EngineEvent } from '../../../src/engine/container-engine';
import { formatDescribe, rfc1123z } from '../../../src/print/describe';
import { alignTabs } from '../../../src/print/tabwriter';

const now = new Date('2026-11-21T08:00:00Z');
const at = (s: number) => new Date(now.getTime() - s * 1000);
const uid = '548378d2-8b01-2e1c-f6fa-7ae9b2e58a00';
const podId = '548378d28b012e1cf6fa7ae9b2e58a0041e6f39f2e4b63f3d953883616786c92';

function golden(name: string, actual: string): void {
  const file = join(__dirname, `${name}.expected.txt`);
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, actual);
  expect(existsSync(file) ? readFileSync(file, 'utf8') : '(missing golden file: run with UPDATE_GOLDEN=1)').toBe(actual);
}

let seq = 0;
function ev(action: string, container: string, secondsAgo: number, extra: Partial<EngineEvent> = {}): EngineEvent {
  const time = at(secondsAgo);
  return {
    time,
    timeNano: BigInt(time.getTime()) * 1_000_000n + BigInt(seq++),
    type: 'container',
    action,
    id: `id-${container}`,
    name: `web-${container}`,
    podId: action === 'died' ? '' : podId,
    labels: { 'kubeplay.io/container': container, 'kubeplay.io/pod': 'web' },
    ...extra,
  };
}

const healthy: V1Pod = {
  metadata: { name: 'web', namespace: 'default', uid, creationTimestamp: at(300), labels: { app: 'web', tier: 'front' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}\n', team: 'a' } },
  spec: {
    containers: [
      {
        name: 'httpd',
        image: 'localhost/busybox:stable',
        command: ['httpd', '-f', '-p', '8080'],
        ports: [{ containerPort: 8080, hostPort: 18080 }],
        env: [{ name: 'MODE', value: 'prod' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        resources: { limits: { memory: '64Mi', cpu: '500m' }, requests: { cpu: '100m' } },
        livenessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 5 },
        volumeMounts: [{ name: 'cache', mountPath: '/cache' }, { name: 'conf', mountPath: '/etc/app', readOnly: true, subPath: 'app' }],
      },
    ],
    volumes: [
      { name: 'cache', emptyDir: {} },
      { name: 'conf', hostPath: { path: '/srv/conf', type: 'Directory' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
    ],
  },
  status: {
    phase: 'Running',
    podIP: '10.88.0.7',
    podIPs: [{ ip: '10.88.0.7' }],
    startTime: at(299),
    conditions: [
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'True' },
      { type: 'ContainersReady', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ],
    containerStatuses: [{ name: 'httpd', image: 'localhost/busybox:stable', imageID: '', containerID: 'podman://id-httpd', ready: true, restartCount: 0, state: { running: { startedAt: at(299) } } }],
  },
};

const crashing: V1Pod = {
  metadata: { name: 'web', namespace: 'default', uid, creationTimestamp: at(120) },
  spec: {
    initContainers: [{ name: 'setup', image: 'localhost/busybox:stable', command: ['sh', '-c', 'echo init'] }],
    containers: [
      { name: 'app', image: 'localhost/busybox:stable', command: ['sh', '-c'], args: ['exit 3'] },
      { name: 'side', image: 'localhost/busybox:stable', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP', hostPort: 5353 }] },
    ],
  },
  status: {
    phase: 'Running',
    startTime: at(120),
    conditions: [
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'False' },
      { type: 'ContainersReady', status: 'False' },
      { type: 'PodScheduled', status: 'True' },
    ],
    initContainerStatuses: [{ name: 'setup', image: 'localhost/busybox:stable', imageID: '', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    containerStatuses: [
      {
        name: 'app',
        image: 'localhost/busybox:stable',
        imageID: '',
        containerID: 'podman://id-app',
        ready: false,
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off restarting failed container app in pod web' } },
        // Podman 4.3 reports exit code 0 while a restarted container runs again; the events correct it.
        lastState: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: at(5) } },
      },
      { name: 'side', image: 'localhost/busybox:stable', imageID: '', containerID: 'podman://id-side', ready: true, restartCount: 0, state: { running: { startedAt: at(118) } } },
    ],
  },
};

const probeFailures: ProbeFailure[] = [
  { container: 'side', time: at(33), exitCode: 1, output: 'wget: can\'t connect to remote host: Connection refused\n' },
  { container: 'side', time: at(3), exitCode: 1, output: 'wget: can\'t connect to remote host: Connection refused\n' },
];

const crashEvents: EngineEvent[] = [
  ev('create', 'setup', 120),
  ev('create', 'app', 120),
  ev('create', 'side', 120),
  ev('init', 'setup', 119),
  ev('start', 'setup', 119),
  ev('died', 'setup', 119, { exitCode: 0 }),
  ev('remove', 'setup', 119),
  ev('start', 'side', 118),
  ev('start', 'app', 118),
  ...[60, 30, 5].flatMap((s) => [ev('died', 'app', s, { exitCode: 3 }), ev('restart', 'app', s - 0.1), ev('start', 'app', s - 0.2)]),
  // Podman 4.3 stamps these with the status from before the check: not used, the health log is.
  ev('health_status', 'side', 4, { healthStatus: 'healthy' }),
  ev('health_status', 'side', 3, { healthStatus: 'unhealthy' }),
  // Another pod's container, same name prefix: never this pod's.
  ev('start', 'other', 2, { id: 'id-other', podId: 'ffff' }),
  // The pod's infra container: no container of the Pod.
  ev('start', 'infra', 119, { id: 'id-infra', name: `${podId.slice(0, 12)}-infra`, labels: {} }),
];

describe('describe printer', () => {
  test('a healthy pod: labels, annotations without last-applied, ports, command, env, limits, probe, mounts, volumes, no events', () => {
    golden('healthy', formatDescribe([{ pod: healthy, events: [] }], { now, node: 'host1' }));
  });

  test('a pod reading ConfigMaps and Secrets: Environment Variables from, keyed variables with Optional, the four volume types', () => {
    const c = healthy.spec!.containers[0]!;
    const pod: V1Pod = {
      ...healthy,
      spec: {
        ...healthy.spec!,
        containers: [
          {
            ...c,
            envFrom: [{ configMapRef: { name: 'special-config' } }, { secretRef: { name: 'creds', optional: true }, prefix: 'S_' }],
            env: [
              { name: 'SPECIAL_LEVEL_KEY', valueFrom: { configMapKeyRef: { name: 'special-config', key: 'special.how' } } },
              { name: 'SECRET_USERNAME', valueFrom: { secretKeyRef: { name: 'test-secret', key: 'username', optional: true } } },
            ],
          },
        ],
        volumes: [
          { name: 'config-volume', configMap: { name: 'special-config' } },
          { name: 'secret-volume', secret: { secretName: 'test-secret', optional: true } },
          { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
          { name: 'all-in-one', projected: { sources: [{ secret: { name: 'mysecret' } }, { downwardAPI: { items: [] } }, { configMap: { name: 'myconfigmap', optional: false } }] } },
        ],
      },
    };
    golden('sources', formatDescribe([{ pod, events: [] }], { now, node: 'host1' }));
  });

  test('a crash-looping pod with an init container: last state with the exit code from the events, restart count, events newest last', () => {
    const events = eventsOfPod(crashEvents, uid);
    expect(events.some((e) => e.id === 'id-other' || e.id === 'id-infra')).toBe(false);
    expect(events.filter((e) => e.action === 'died').length).toBe(4);
    const pod = withExitCodesFromEvents(crashing, events);
    golden('crashing', formatDescribe([{ pod, events: toDescribeEvents(events, { name: 'web', namespace: 'default', uid }, probeFailures) }], { now, node: 'host1' }));
  });

  test('events are aggregated: count, first and last time, ordered by last', () => {
    const rows = toDescribeEvents(eventsOfPod(crashEvents, uid), { name: 'web', namespace: 'default', uid }, probeFailures);
    expect(rows.map((r) => `${r.type} ${r.reason} x${r.count}`)).toEqual([
      'Normal Created x1',
      'Normal Created x1',
      'Normal Created x1',
      'Normal Started x1',
      'Normal Completed x1',
      'Normal Started x1',
      'Warning Failed x3',
      'Warning BackOff x3',
      'Normal Started x4',
      'Warning Unhealthy x2',
    ]);
    const app = rows.find((r) => r.reason === 'Failed')!;
    expect([app.first, app.last]).toEqual([at(60), at(5)]);
    const last = rows[rows.length - 1]!;
    expect([last.reason, last.message, last.first, last.last]).toEqual(['Unhealthy', 'Liveness probe failed: wget: can\'t connect to remote host: Connection refused', at(33), at(3)]);
  });

  test('several pods are separated by a blank line', () => {
    const out = formatDescribe([{ pod: healthy, events: [] }, { pod: { ...healthy, metadata: { ...healthy.metadata, name: 'two' } }, events: [] }], { now, node: 'h' });
    expect(out).toMatch(/Events:\s+<none>\n\nName:\s+two\n/);
  });

  test('rfc1123z is Go\'s RFC1123Z in UTC', () => {
    expect(rfc1123z(new Date('2026-01-02T03:04:05Z'))).toBe('Fri, 02 Jan 2026 03:04:05 +0000');
  });
});

describe('alignTabs (Go tabwriter, padding 2)', () => {
  test('a column is aligned over consecutive lines that have it; a line without a tab ends the run', () => {
    expect(alignTabs('Name:\tweb\nNamespace:\tdefault\nIPs:\n  IP:\t1.2.3.4\nEvents:\t<none>')).toBe(
      // `IPs:` has no cell, so `  IP:` starts a new run, which `Events:` joins.
      'Name:       web\nNamespace:  default\nIPs:\n  IP:    1.2.3.4\nEvents:  <none>',
    );
  });
  test('nested columns align within their block', () => {
    expect(alignTabs('  Type\tReason\tAge\n  Normal\tStarted\t1s\n  Warning\tBackOff\t2s (x3 over 9s)')).toBe(
      '  Type     Reason   Age\n  Normal   Started  1s\n  Warning  BackOff  2s (x3 over 9s)',
    );
  });
});
