import type { V1Container, V1Pod, V1PodSpec } from '@kubernetes/client-node';
import type { DesiredContainer, DesiredPod, PodManifest } from '../../../src/domain/types';
import { defaultPullPolicy, expandReferences, toDesiredPod } from '../../../src/translate/pod';

/** manifest wraps a Pod object as the validator would hand it over. */
function manifest(pod: V1Pod, namespace = 'default'): PodManifest {
  return {
    ref: { kind: 'Pod', namespace, name: pod.metadata?.name ?? '' },
    apiVersion: 'v1',
    source: 'test.yaml',
    documentIndex: 0,
    object: pod,
    locate: () => undefined,
  };
}

/** podWith is a Pod named `web` with one busybox container `app`, changed by the given spec parts. */
function podWith(container: Partial<V1Container> = {}, spec: Partial<V1PodSpec> = {}, meta: V1Pod['metadata'] = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', ...meta },
    spec: { containers: [{ name: 'app', image: 'localhost/busybox:stable', ...container }], ...spec },
  };
}

function translate(pod: V1Pod): DesiredPod {
  return toDesiredPod(manifest(pod));
}

function app(pod: V1Pod): DesiredContainer {
  const c = translate(pod).containers[0];
  if (!c) throw new Error('no container');
  return c;
}

describe('toDesiredPod: the pod', () => {
  test('a minimal pod, every default spelled out', () => {
    const pod = podWith();
    expect(translate(pod)).toEqual({
      ref: { kind: 'Pod', namespace: 'default', name: 'web' },
      name: 'web',
      hostname: 'web',
      labels: {
        'app.kubernetes.io/managed-by': 'kubeplay',
        'kubeplay.io/kind': 'Pod',
        'kubeplay.io/namespace': 'default',
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(pod),
      },
      ports: [],
      volumes: [],
      initContainers: [],
      containers: [
        {
          name: 'web-app',
          manifestName: 'app',
          image: 'localhost/busybox:stable',
          pullPolicy: 'IfNotPresent',
          env: {},
          tty: false,
          stdin: false,
          mounts: [],
          labels: {
            'app.kubernetes.io/managed-by': 'kubeplay',
            'kubeplay.io/pod': 'web',
            'kubeplay.io/container': 'app',
          },
          annotations: {},
          restartPolicy: 'always',
          stopTimeoutSeconds: 30,
          privileged: false,
          capAdd: [],
          capDrop: [],
          readOnlyRootFilesystem: false,
          noNewPrivileges: false,
        },
      ],
    });
  });

  test('user labels go on the pod and its containers; kubeplay keys win over user ones', () => {
    const pod = podWith({}, {}, { labels: { app: 'web', 'app.kubernetes.io/managed-by': 'helm' } });
    const d = translate(pod);
    expect(d.labels).toMatchObject({ app: 'web', 'app.kubernetes.io/managed-by': 'kubeplay' });
    expect(d.containers[0]?.labels).toMatchObject({ app: 'web', 'app.kubernetes.io/managed-by': 'kubeplay' });
  });

  test('the namespace label comes from the ref', () => {
    const pod = podWith({}, {}, { namespace: 'team-a' });
    expect(toDesiredPod(manifest(pod, 'team-a')).labels['kubeplay.io/namespace']).toBe('team-a');
  });

  test('last-applied is the compact JSON of the object as given, and no manifest hash is set', () => {
    const pod = podWith({}, {}, { annotations: { note: 'x' } });
    const labels = translate(pod).labels;
    expect(labels['kubectl.kubernetes.io/last-applied-configuration']).toBe(JSON.stringify(pod));
    expect(labels).not.toHaveProperty(['kubeplay.io/manifest-hash']);
  });

  test('annotations are copied onto every container', () => {
    const pod = podWith({}, {}, { annotations: { 'example.com/owner': 'me' } });
    expect(app(pod).annotations).toEqual({ 'example.com/owner': 'me' });
  });

  const hostnames: Array<[string, Partial<V1PodSpec>, string, string]> = [
    ['defaults to the pod name', {}, 'web', 'web'],
    ['spec.hostname wins', { hostname: 'box' }, 'web', 'box'],
    // The kubelet cuts pod names to 63 bytes and drops a trailing '-' or '.'.
    ['a long pod name is cut to 63 bytes', {}, `${'a'.repeat(62)}-b`, 'a'.repeat(62)],
  ];
  test.each(hostnames)('hostname %s', (_name, spec, podName, want) => {
    expect(translate(podWith({}, spec, { name: podName })).hostname).toBe(want);
  });
});

describe('toDesiredPod: containers and init containers', () => {
  test('containers are named <pod>-<container>, in order', () => {
    const pod = podWith({}, {
      containers: [
        { name: 'b', image: 'img:1' },
        { name: 'a', image: 'img:1' },
      ],
    });
    expect(translate(pod).containers.map((c) => [c.name, c.manifestName])).toEqual([
      ['web-b', 'b'],
      ['web-a', 'a'],
    ]);
  });

  test('init containers run once, are never restarted, keep their order', () => {
    const pod = podWith({}, {
      restartPolicy: 'Always',
      initContainers: [
        { name: 'migrate', image: 'img:1' },
        { name: 'seed', image: 'img:1' },
        // A native sidecar (Kubernetes 1.29+): restarted whenever it exits, probed like an app container.
        { name: 'proxy', image: 'img:1', restartPolicy: 'Always', livenessProbe: { exec: { command: ['true'] } } },
      ],
    });
    const d = translate(pod);
    expect(d.initContainers.map((c) => [c.name, c.initKind, c.restartPolicy, c.healthcheck !== undefined])).toEqual([
      ['web-migrate', 'once', 'no', false],
      ['web-seed', 'once', 'no', false],
      ['web-proxy', 'sidecar', 'always', true],
    ]);
    expect(d.containers[0]?.initKind).toBeUndefined();
    expect(d.initContainers[0]?.labels['kubeplay.io/container']).toBe('migrate');
  });

  test('an init container gets no healthcheck', () => {
    const pod = podWith({}, { initContainers: [{ name: 'i', image: 'img:1', livenessProbe: { exec: { command: ['true'] } } }] });
    expect(translate(pod).initContainers[0]?.healthcheck).toBeUndefined();
  });
});

describe('toDesiredPod: image pull policy', () => {
  const cases: Array<[string, string | undefined, string]> = [
    ['nginx', undefined, 'Always'],
    ['nginx:latest', undefined, 'Always'],
    ['nginx:1.25', undefined, 'IfNotPresent'],
    ['localhost:5000/nginx', undefined, 'Always'], // the colon belongs to the registry, not a tag
    ['localhost:5000/nginx:1.25', undefined, 'IfNotPresent'],
    ['nginx@sha256:0123abcd', undefined, 'IfNotPresent'],
    ['nginx:latest@sha256:0123abcd', undefined, 'IfNotPresent'],
    ['nginx:latest', 'Never', 'Never'],
    ['nginx:1.25', 'Always', 'Always'],
    ['nginx', 'IfNotPresent', 'IfNotPresent'],
  ];
  test.each(cases)('%s with %p → %s', (image, given, want) => {
    const c: Partial<V1Container> = { image };
    if (given) c.imagePullPolicy = given;
    expect(app(podWith(c)).pullPolicy).toBe(want);
  });

  test('defaultPullPolicy alone', () => {
    expect(defaultPullPolicy('a/b/c')).toBe('Always');
    expect(defaultPullPolicy('a/b/c:v2')).toBe('IfNotPresent');
  });
});

describe('toDesiredPod: command, args, workingDir, tty, stdin', () => {
  const cases: Array<[string, Partial<V1Container>, Partial<DesiredContainer>]> = [
    ['command → entrypoint', { command: ['sh', '-c'] }, { entrypoint: ['sh', '-c'] }],
    ['args → command', { args: ['echo', 'hi'] }, { command: ['echo', 'hi'] }],
    ['both', { command: ['sh'], args: ['-c', 'true'] }, { entrypoint: ['sh'], command: ['-c', 'true'] }],
    ['workingDir', { workingDir: '/srv' }, { workingDir: '/srv' }],
    ['tty and stdin', { tty: true, stdin: true }, { tty: true, stdin: true }],
  ];
  test.each(cases)('%s', (_name, c, want) => {
    expect(app(podWith(c))).toMatchObject(want);
  });

  const absent: Array<[string, Partial<V1Container>]> = [
    ['neither', {}],
    ['empty lists mean the image default, as in Kubernetes', { command: [], args: [] }],
  ];
  test.each(absent)('%s: entrypoint and command stay absent', (_name, c) => {
    const d = app(podWith(c));
    expect(d).not.toHaveProperty('entrypoint');
    expect(d).not.toHaveProperty('command');
    expect(d).not.toHaveProperty('workingDir');
  });
});

describe('toDesiredPod: env', () => {
  test('values, in order', () => {
    const c = app(podWith({ env: [{ name: 'A', value: '1' }, { name: 'B', value: '' }, { name: 'C' }] }));
    expect(c.env).toEqual({ A: '1', B: '', C: '' });
  });

  test('fieldRef: name, namespace, a label, an annotation; a missing key is empty', () => {
    const pod = podWith(
      {
        env: [
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace', apiVersion: 'v1' } } },
          { name: 'TIER', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
          { name: 'OWNER', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['example.com/owner']" } } },
          { name: 'NONE', valueFrom: { fieldRef: { fieldPath: "metadata.labels['nope']" } } },
        ],
      },
      {},
      { namespace: 'team-a', labels: { tier: 'front' }, annotations: { 'example.com/owner': 'ann' } },
    );
    expect(toDesiredPod(manifest(pod, 'team-a')).containers[0]?.env).toEqual({
      POD: 'web',
      NS: 'team-a',
      TIER: 'front',
      OWNER: 'ann',
      NONE: '',
    });
  });

  test('sources kubeplay does not carry out leave the variable unset', () => {
    const c = app(
      podWith({
        env: [
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
          { name: 'CM', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } },
          { name: 'OK', value: 'yes' },
        ],
      }),
    );
    expect(c.env).toEqual({ OK: 'yes' });
  });

  test('a later duplicate wins', () => {
    expect(app(podWith({ env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] })).env).toEqual({ A: '2' });
  });
});

describe('toDesiredPod: $(VAR) expansion', () => {
  test('env values see only the variables defined before them, fieldRef ones included', () => {
    const c = app(
      podWith({
        env: [
          { name: 'LATER_REF', value: '$(HOST)' },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'HOST', value: '$(POD).local' },
          { name: 'URL', value: 'http://$(HOST):$(PORT)/' },
          { name: 'PORT', value: '80' },
        ],
      }),
    );
    expect(c.env).toEqual({
      LATER_REF: '$(HOST)',
      POD: 'web',
      HOST: 'web.local',
      URL: 'http://web.local:$(PORT)/',
      PORT: '80',
    });
  });

  test('command and args see every variable', () => {
    const c = app(
      podWith({
        command: ['echo', '$(GREETING)'],
        args: ['$(NAME)', '$$(NAME)', '$(UNKNOWN)', 'cost: $5'],
        env: [
          { name: 'GREETING', value: 'hello' },
          { name: 'NAME', value: 'world' },
        ],
      }),
    );
    expect(c.entrypoint).toEqual(['echo', 'hello']);
    expect(c.command).toEqual(['world', '$(NAME)', '$(UNKNOWN)', 'cost: $5']);
  });

  // Cases from Kubernetes' expansion rules (third_party/forked/golang/expansion).
  const vars = { VAR_A: 'A', VAR_B: 'B', EMPTY: '' };
  const cases: Array<[string, string]> = [
    ['$(VAR_A)', 'A'],
    ['___$(VAR_A)___', '___A___'],
    ['$(VAR_A)-$(VAR_B)', 'A-B'],
    ['$(EMPTY)x', 'x'],
    ['$(UNKNOWN)', '$(UNKNOWN)'],
    ['$$(VAR_A)', '$(VAR_A)'],
    ['$$$(VAR_A)', '$A'],
    ['$$$$(VAR_A)', '$$(VAR_A)'],
    ['$$', '$'],
    ['$', '$'],
    ['a$', 'a$'],
    ['$x', '$x'],
    ['$(VAR_A', '$(VAR_A'],
    ['$(', '$('],
    ['$()', '$()'],
    ['$(VAR_A)$(VAR_A', 'A$(VAR_A'],
    ['${VAR_A}', '${VAR_A}'],
  ];
  test.each(cases)('%p → %p', (input, want) => {
    expect(expandReferences(input, vars)).toBe(want);
  });

  test('names are looked up as own keys only', () => {
    expect(expandReferences('$(toString)', {})).toBe('$(toString)');
  });
});

describe('toDesiredPod: ports', () => {
  test('only ports with a hostPort are published, from every container, protocol lower-cased', () => {
    const pod = podWith({}, {
      containers: [
        {
          name: 'a',
          image: 'img:1',
          ports: [
            { containerPort: 80, hostPort: 8080 },
            { containerPort: 81 },
            { containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' },
          ],
        },
        { name: 'b', image: 'img:1', ports: [{ containerPort: 9000, hostPort: 9000, protocol: 'SCTP' }] },
      ],
    });
    expect(translate(pod).ports).toEqual([
      { hostIP: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostIP: '127.0.0.1', hostPort: 5353, containerPort: 53, protocol: 'udp' },
      { hostIP: '', hostPort: 9000, containerPort: 9000, protocol: 'sctp' },
    ]);
  });

  test('hostPort 0 means none', () => {
    expect(translate(podWith({ ports: [{ containerPort: 80, hostPort: 0 }] })).ports).toEqual([]);
  });
});

describe('toDesiredPod: volumes and mounts', () => {
  const spec: Partial<V1PodSpec> = {
    volumes: [
      { name: 'cache', emptyDir: {} },
      { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'host', hostPath: { path: '/srv/data', type: 'DirectoryOrCreate' } },
      { name: 'plain', hostPath: { path: '/etc/hosts' } },
      { name: 'db', persistentVolumeClaim: { claimName: 'db-data' } },
      { name: 'ro', persistentVolumeClaim: { claimName: 'assets', readOnly: true } },
      { name: 'cfg', configMap: { name: 'cfg' } },
    ],
  };

  test('each kind becomes its DesiredVolume', () => {
    expect(translate(podWith({}, spec)).volumes).toEqual([
      { kind: 'emptyDir', name: 'cache', podmanVolume: 'web_cache', medium: '' },
      { kind: 'emptyDir', name: 'shm', podmanVolume: 'web_shm', medium: 'Memory', sizeLimit: '64Mi' },
      { kind: 'hostPath', name: 'host', path: '/srv/data', type: 'DirectoryOrCreate' },
      { kind: 'hostPath', name: 'plain', path: '/etc/hosts', type: '' },
      { kind: 'pvc', name: 'db', podmanVolume: 'db-data', readOnly: false },
      { kind: 'pvc', name: 'ro', podmanVolume: 'assets', readOnly: true },
      // No ConfigMap `cfg` was handed in: the volume is made, empty (an optional one; a required one is refused earlier).
      { kind: 'projected', name: 'cfg', dir: '/var/lib/kubeplay/pods/web/volumes/cfg', files: [] },
    ]);
  });

  test('a sizeLimit given as a bare YAML number becomes text', () => {
    const pod = podWith({}, { volumes: [{ name: 'v', emptyDir: { sizeLimit: 1000 as unknown as string } }] });
    expect(translate(pod).volumes[0]).toMatchObject({ sizeLimit: '1000' });
  });

  test('mounts: named volumes by their Podman name, hostPath as binds joined with subPath', () => {
    const pod = podWith(
      {
        volumeMounts: [
          { name: 'cache', mountPath: '/cache' },
          { name: 'shm', mountPath: '/dev/shm', subPath: 'part', readOnly: true },
          { name: 'host', mountPath: '/data' },
          { name: 'host', mountPath: '/logs', subPath: 'logs/app', readOnly: true },
          { name: 'db', mountPath: '/var/lib/db' },
          { name: 'ro', mountPath: '/assets' },
          { name: 'cfg', mountPath: '/etc/cfg' },
        ],
      },
      spec,
    );
    expect(app(pod).mounts).toEqual([
      { kind: 'volume', volume: 'web_cache', destination: '/cache', readOnly: false },
      { kind: 'volume', volume: 'web_shm', destination: '/dev/shm', readOnly: true, subPath: 'part' },
      { kind: 'bind', source: '/srv/data', destination: '/data', readOnly: false },
      // `within`: the adapter makes the subPath inside the hostPath without following links.
      { kind: 'bind', source: '/srv/data/logs/app', destination: '/logs', readOnly: true, within: '/srv/data' },
      { kind: 'volume', volume: 'db-data', destination: '/var/lib/db', readOnly: false },
      // A claim that is read-only in the pod is read-only in every mount.
      { kind: 'volume', volume: 'assets', destination: '/assets', readOnly: true },
      // The kubelet mounts a configMap volume read-only.
      { kind: 'bind', source: '/var/lib/kubeplay/pods/web/volumes/cfg', destination: '/etc/cfg', readOnly: true },
    ]);
  });
});

describe('toDesiredPod: restart policy and grace period', () => {
  const cases: Array<[string | undefined, DesiredContainer['restartPolicy']]> = [
    [undefined, 'always'],
    ['Always', 'always'],
    ['OnFailure', 'on-failure'],
    ['Never', 'no'],
  ];
  test.each(cases)('%p → %p', (policy, want) => {
    const spec: Partial<V1PodSpec> = policy ? { restartPolicy: policy } : {};
    expect(app(podWith({}, spec)).restartPolicy).toBe(want);
  });

  test.each<[number | undefined, number]>([
    [undefined, 30],
    [0, 0],
    [5, 5],
  ])('terminationGracePeriodSeconds %p → stopTimeoutSeconds %p on every container', (grace, want) => {
    const spec: Partial<V1PodSpec> = grace === undefined ? {} : { terminationGracePeriodSeconds: grace };
    spec.initContainers = [{ name: 'i', image: 'img:1' }];
    const d = translate(podWith({}, spec));
    expect([d.initContainers[0]?.stopTimeoutSeconds, d.containers[0]?.stopTimeoutSeconds]).toEqual([want, want]);
  });
});

describe('toDesiredPod: resources', () => {
  const cases: Array<[string, Record<string, string | number>, Partial<DesiredContainer>]> = [
    ['memory in Mi', { memory: '128Mi' }, { memoryLimitBytes: 134_217_728 }],
    ['memory in G', { memory: '1.1G' }, { memoryLimitBytes: 1_100_000_000 }],
    ['fractional bytes round up', { memory: '1500m' }, { memoryLimitBytes: 2 }],
    ['memory as a bare number', { memory: 1048576 }, { memoryLimitBytes: 1_048_576 }],
    ['one cpu', { cpu: '1' }, { cpuPeriod: 100_000, cpuQuota: 100_000 }],
    ['millicores', { cpu: '250m' }, { cpuPeriod: 100_000, cpuQuota: 25_000 }],
    ['a decimal cpu', { cpu: '0.1' }, { cpuPeriod: 100_000, cpuQuota: 10_000 }],
    ['cpu as a bare number', { cpu: 2 }, { cpuPeriod: 100_000, cpuQuota: 200_000 }],
    // The kernel refuses a quota under 1 ms, so the kubelet and kubeplay raise it to 1000 µs.
    ['tiny cpu is raised to the kernel minimum', { cpu: '1m' }, { cpuPeriod: 100_000, cpuQuota: 1_000 }],
  ];
  test.each(cases)('%s', (_name, limits, want) => {
    expect(app(podWith({ resources: { limits: limits as Record<string, string> } }))).toMatchObject(want);
  });

  test('no limits, zero limits and requests leave the container unlimited', () => {
    for (const resources of [{}, { limits: { cpu: '0', memory: '0' } }, { requests: { cpu: '1', memory: '1Gi' } }]) {
      const c = app(podWith({ resources }));
      expect(c).not.toHaveProperty('memoryLimitBytes');
      expect(c).not.toHaveProperty('cpuQuota');
      expect(c).not.toHaveProperty('cpuPeriod');
    }
  });
});

describe('toDesiredPod: security context', () => {
  const cases: Array<[string, Partial<V1PodSpec>, Partial<V1Container>, Partial<DesiredContainer>]> = [
    ['pod runAsUser', { securityContext: { runAsUser: 1000 } }, {}, { user: '1000' }],
    ['pod user and group', { securityContext: { runAsUser: 1000, runAsGroup: 2000 } }, {}, { user: '1000:2000' }],
    [
      'container overrides pod',
      { securityContext: { runAsUser: 1000, runAsGroup: 2000 } },
      { securityContext: { runAsUser: 0 } },
      { user: '0:2000' },
    ],
    ['container only', {}, { securityContext: { runAsUser: 33, runAsGroup: 33 } }, { user: '33:33' }],
    // As podman kube play: without a user, the group is applied to root.
    ['group without user', { securityContext: { runAsGroup: 5 } }, {}, { user: '0:5' }],
    ['privileged', {}, { securityContext: { privileged: true } }, { privileged: true }],
    [
      'capabilities are upper-cased and CAP_-prefixed; ALL stays ALL',
      {},
      { securityContext: { capabilities: { add: ['net_admin', 'CAP_SYS_TIME'], drop: ['ALL', 'all'] } } },
      { capAdd: ['CAP_NET_ADMIN', 'CAP_SYS_TIME'], capDrop: ['ALL', 'ALL'] },
    ],
    ['read-only root', {}, { securityContext: { readOnlyRootFilesystem: true } }, { readOnlyRootFilesystem: true }],
    ['allowPrivilegeEscalation false', {}, { securityContext: { allowPrivilegeEscalation: false } }, { noNewPrivileges: true }],
    ['allowPrivilegeEscalation true', {}, { securityContext: { allowPrivilegeEscalation: true } }, { noNewPrivileges: false }],
  ];
  test.each(cases)('%s', (_name, spec, c, want) => {
    expect(app(podWith(c, spec))).toMatchObject(want);
  });

  test('no user when neither level sets one', () => {
    expect(app(podWith())).not.toHaveProperty('user');
  });
});

describe('toDesiredPod: liveness probes', () => {
  test('exec', () => {
    const c = app(podWith({ livenessProbe: { exec: { command: ['cat', '/ok'] }, periodSeconds: 5 } }));
    expect(c.healthcheck).toEqual({ test: ['CMD', 'cat', '/ok'], intervalSeconds: 5, timeoutSeconds: 1, startPeriodSeconds: 0, retries: 3 });
  });

  test('httpGet by the name of a container port', () => {
    const c = app(podWith({ ports: [{ name: 'http', containerPort: 8080 }], livenessProbe: { httpGet: { port: 'http', path: '/healthz' } } }));
    expect(c.healthcheck?.test[0]).toBe('CMD-SHELL');
    expect(c.healthcheck?.test[1]).toContain('http://localhost:8080/healthz');
  });

  test('tcpSocket', () => {
    const c = app(podWith({ livenessProbe: { tcpSocket: { port: 6379 }, initialDelaySeconds: 3, failureThreshold: 1 } }));
    expect(c.healthcheck).toMatchObject({ startPeriodSeconds: 3, retries: 1 });
    expect(c.healthcheck?.test[1]).toContain('localhost 6379');
  });

  test('readiness and startup probes give no healthcheck: kubeplay\'s prober runs them; they are kept as written, so the hash covers them', () => {
    const readiness = { exec: { command: ['true'] } };
    const startup = { tcpSocket: { port: 80 } };
    const c = app(podWith({ readinessProbe: readiness, startupProbe: startup }));
    expect(c).not.toHaveProperty('healthcheck');
    expect(c.probes).toEqual({ readiness, startup });
  });

  test('a grpc liveness probe gives no healthcheck, and is kept for the hash', () => {
    const c = app(podWith({ livenessProbe: { grpc: { port: 9000 } } }));
    expect(c).not.toHaveProperty('healthcheck');
    expect(c.probes).toEqual({ liveness: { grpc: { port: 9000 } } });
  });

  test('no probe, or only a liveness probe Podman can hold: nothing kept, so such pods hash as before', () => {
    expect(app(podWith({}))).not.toHaveProperty('probes');
    expect(app(podWith({ livenessProbe: { exec: { command: ['true'] } } }))).not.toHaveProperty('probes');
  });
});

describe('toDesiredPod is pure', () => {
  test('it does not change its input and gives the same result twice', () => {
    const pod = podWith({ env: [{ name: 'A', value: '$(B)' }] }, { volumes: [{ name: 'v', emptyDir: {} }] });
    const before = JSON.stringify(pod);
    const first = translate(pod);
    expect(JSON.stringify(pod)).toBe(before);
    expect(translate(pod)).toEqual(first);
  });
});
