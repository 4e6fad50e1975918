/**
 * Table tests for the libpod body translators. The expected bodies use Podman 4.3's JSON field
 * names (pkg/specgen); the integration test checks that Podman honours them.
 */
import { InternalError } from '../../../src/domain/errors';
import type { DesiredContainer, DesiredPod } from '../../../src/domain/types';
import {
  quantityToBytes,
  subPathSource,
  subPathsOf,
  toContainerCreateBody,
  toPodCreateBody,
  toVolumeCreateBody,
} from '../../../src/engine/to-create-body';
import { container as buildContainer } from '../../fakes/builders';

/** container is the shared builder's `app` container of pod `web` (named web-app). */
function container(over: Partial<DesiredContainer> = {}): DesiredContainer {
  return buildContainer('web', 'app', over);
}

function pod(over: Partial<DesiredPod> = {}): DesiredPod {
  return {
    ref: { kind: 'Pod', namespace: 'default', name: 'web' },
    name: 'web',
    hostname: 'web',
    labels: {},
    ports: [],
    volumes: [],
    initContainers: [],
    containers: [container()],
    ...over,
  };
}

// The part of every container body that does not vary in the cases below.
const BASE = { name: 'web-app', pod: 'web', image: 'localhost/busybox:stable', restart_policy: 'always', stop_timeout: 30 };

describe('toPodCreateBody', () => {
  it.each<[string, Partial<DesiredPod>, object]>([
    ['minimal pod shares net, ipc and uts like Kubernetes', { hostname: '' }, { name: 'web', shared_namespaces: ['net', 'ipc', 'uts'] }],
    [
      'hostname and labels',
      { labels: { app: 'web', 'app.kubernetes.io/managed-by': 'kubeplay' } },
      {
        name: 'web',
        hostname: 'web',
        labels: { app: 'web', 'app.kubernetes.io/managed-by': 'kubeplay' },
        shared_namespaces: ['net', 'ipc', 'uts'],
      },
    ],
    [
      'ports: empty host IP is omitted, protocol kept',
      {
        ports: [
          { hostIP: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
          { hostIP: '127.0.0.1', hostPort: 5353, containerPort: 53, protocol: 'udp' },
        ],
      },
      {
        name: 'web',
        hostname: 'web',
        portmappings: [
          { host_port: 8080, container_port: 80, protocol: 'tcp' },
          { host_ip: '127.0.0.1', host_port: 5353, container_port: 53, protocol: 'udp' },
        ],
        shared_namespaces: ['net', 'ipc', 'uts'],
      },
    ],
  ])('%s', (_name, over, expected) => {
    expect(toPodCreateBody(pod(over))).toEqual(expected);
  });
});

describe('toContainerCreateBody', () => {
  it.each<[string, Partial<DesiredContainer>, object]>([
    ['no command: image ENTRYPOINT and CMD both apply', {}, BASE],
    // libpod appends the image CMD only when no entrypoint is given: K8s `command` alone runs as is.
    ['K8s command only: entrypoint, no command', { entrypoint: ['sleep', '1'] }, { ...BASE, entrypoint: ['sleep', '1'] }],
    ['K8s args only: command, image ENTRYPOINT kept', { command: ['-c', 'echo hi'] }, { ...BASE, command: ['-c', 'echo hi'] }],
    [
      'K8s command and args',
      { entrypoint: ['sh'], command: ['-c', 'echo hi'] },
      { ...BASE, entrypoint: ['sh'], command: ['-c', 'echo hi'] },
    ],
    ['empty lists count as absent, as in Kubernetes', { entrypoint: [], command: [] }, BASE],
    [
      'env, working dir, tty, stdin, labels, annotations',
      {
        env: { A: '1' },
        workingDir: '/srv',
        tty: true,
        stdin: true,
        labels: { 'kubeplay.io/pod': 'web' },
        annotations: { note: 'x' },
      },
      {
        ...BASE,
        env: { A: '1' },
        work_dir: '/srv',
        terminal: true,
        stdin: true,
        labels: { 'kubeplay.io/pod': 'web' },
        annotations: { note: 'x' },
      },
    ],
    [
      // The value is Podman's to fetch at start: only the secret's name is in the body.
      'secretEnv: variable -> Podman secret name, beside plain env',
      { env: { A: '1' }, secretEnv: { DB_PASSWORD: 'kubeplay_web_app_0' } },
      { ...BASE, env: { A: '1' }, secret_env: { DB_PASSWORD: 'kubeplay_web_app_0' } },
    ],
    ['an empty secretEnv is left out', { secretEnv: {} }, BASE],
    [
      'bind mounts are rbind, read-only adds ro',
      {
        mounts: [
          { kind: 'bind', source: '/etc/app', destination: '/config', readOnly: true },
          { kind: 'bind', source: '/var/data', destination: '/data', readOnly: false },
        ],
      },
      {
        ...BASE,
        mounts: [
          { destination: '/config', type: 'bind', source: '/etc/app', options: ['rbind', 'ro'] },
          { destination: '/data', type: 'bind', source: '/var/data', options: ['rbind'] },
        ],
      },
    ],
    [
      'named volumes, read-only adds ro',
      {
        mounts: [
          { kind: 'volume', volume: 'web-cache', destination: '/cache', readOnly: false },
          { kind: 'volume', volume: 'web-conf', destination: '/conf', readOnly: true },
        ],
      },
      {
        ...BASE,
        volumes: [
          { Name: 'web-cache', Dest: '/cache', Options: [] },
          { Name: 'web-conf', Dest: '/conf', Options: ['ro'] },
        ],
      },
    ],
    // kubeplay starts init containers itself, in order: none is Podman's init container.
    ['init container runs once', { initKind: 'once', restartPolicy: 'no' }, { ...BASE, restart_policy: 'no' }],
    ['restart on failure, stop timeout truncated to whole seconds', { restartPolicy: 'on-failure', stopTimeoutSeconds: 2.7 }, { ...BASE, restart_policy: 'on-failure', stop_timeout: 2 }],
    [
      'memory and CPU limits',
      { memoryLimitBytes: 64 * 2 ** 20, cpuQuota: 50000, cpuPeriod: 100000 },
      { ...BASE, resource_limits: { memory: { limit: 67108864 }, cpu: { quota: 50000, period: 100000 } } },
    ],
    ['memory limit alone', { memoryLimitBytes: 1000 }, { ...BASE, resource_limits: { memory: { limit: 1000 } } }],
    [
      'security settings',
      {
        user: '1000:1000',
        privileged: true,
        capAdd: ['NET_ADMIN'],
        capDrop: ['ALL'],
        readOnlyRootFilesystem: true,
        noNewPrivileges: true,
      },
      {
        ...BASE,
        user: '1000:1000',
        privileged: true,
        cap_add: ['NET_ADMIN'],
        cap_drop: ['ALL'],
        read_only_filesystem: true,
        no_new_privileges: true,
      },
    ],
    [
      'healthcheck durations in nanoseconds',
      { healthcheck: { test: ['CMD-SHELL', 'wget -q -O- localhost'], intervalSeconds: 10, timeoutSeconds: 1, startPeriodSeconds: 5, retries: 3 } },
      {
        ...BASE,
        healthconfig: {
          Test: ['CMD-SHELL', 'wget -q -O- localhost'],
          Interval: 10_000_000_000,
          Timeout: 1_000_000_000,
          StartPeriod: 5_000_000_000,
          Retries: 3,
        },
      },
    ],
  ])('%s', (_name, over, expected) => {
    const c = container(over);
    expect(toContainerCreateBody(pod({ containers: [c] }), c)).toEqual(expected);
  });

  it('binds <mountpoint>/<subPath> for a named volume mounted with subPath (Podman 4.3 has no volume subpath)', () => {
    const c = container({
      mounts: [
        { kind: 'volume', volume: 'web-data', destination: '/html', readOnly: true, subPath: 'site/html' },
        { kind: 'volume', volume: 'web-data', destination: '/all', readOnly: false, subPath: '.' },
      ],
    });
    expect(subPathsOf(c)).toEqual(['web-data']);
    expect(toContainerCreateBody(pod(), c, { volumeMountpoints: { 'web-data': '/var/lib/v/web-data/_data' } })).toEqual({
      ...BASE,
      mounts: [{ destination: '/html', type: 'bind', source: '/var/lib/v/web-data/_data/site/html', options: ['rbind', 'ro'] }],
      volumes: [{ Name: 'web-data', Dest: '/all', Options: [] }],
    });
  });

  it('refuses a subPath whose mountpoint the adapter did not resolve', () => {
    const c = container({ mounts: [{ kind: 'volume', volume: 'v', destination: '/d', readOnly: false, subPath: 'x' }] });
    expect(() => toContainerCreateBody(pod(), c)).toThrow(InternalError);
  });

  it('does not share its arrays with the input', () => {
    const c = container({ entrypoint: ['sleep', '1'], capAdd: ['CHOWN'] });
    const body = toContainerCreateBody(pod(), c);
    body.entrypoint?.push('x');
    body.cap_add?.push('x');
    expect(c.entrypoint).toEqual(['sleep', '1']);
    expect(c.capAdd).toEqual(['CHOWN']);
  });
});

describe('subPathSource', () => {
  it.each([
    ['a', '/m/a'],
    ['a/b/', '/m/a/b/'],
    ['a/../b', '/m/b'],
    ['./a', '/m/a'],
  ])('%s → %s', (sub, expected) => {
    expect(subPathSource('/m', sub)).toBe(expected);
  });

  it.each(['..', '../x', 'a/../../x', '/etc'])('refuses %s, which leaves the volume', (sub) => {
    expect(() => subPathSource('/m', sub)).toThrow(/leaves the volume/);
  });
});

describe('toVolumeCreateBody', () => {
  it.each<[string, Parameters<typeof toVolumeCreateBody>[2], object]>([
    ['plain directory', undefined, { Name: 'v', Label: { a: 'b' } }],
    ['tmpfs: false is a plain directory', { tmpfs: false }, { Name: 'v', Label: { a: 'b' } }],
    ['emptyDir medium Memory is a tmpfs', { tmpfs: true }, { Name: 'v', Label: { a: 'b' }, Options: { type: 'tmpfs', device: 'tmpfs' } }],
    [
      'tmpfs with a size limit',
      { tmpfs: true, sizeLimit: '64Mi' },
      { Name: 'v', Label: { a: 'b' }, Options: { type: 'tmpfs', device: 'tmpfs', o: 'size=67108864' } },
    ],
    ['size limit ignored for a plain directory', { sizeLimit: '1Gi' }, { Name: 'v', Label: { a: 'b' } }],
  ])('%s', (_name, opts, expected) => {
    expect(toVolumeCreateBody('v', { a: 'b' }, opts)).toEqual(expected);
  });
});

describe('quantityToBytes', () => {
  it.each<[string, number]>([
    ['500', 500],
    ['1k', 1000],
    ['64Mi', 67108864],
    ['1G', 1e9],
    ['1.5Gi', 1610612736],
    ['1e6', 1e6],
    ['0.5Ki', 512],
  ])('%s → %d', (q, bytes) => {
    expect(quantityToBytes(q)).toBe(bytes);
  });

  it.each(['', 'lots', '64MB', '-1Mi'])('refuses %j', (q) => {
    expect(() => quantityToBytes(q)).toThrow(/not a Kubernetes quantity/);
  });
});
