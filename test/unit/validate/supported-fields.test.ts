import { genericPath, SUPPORTED_FIELDS, unsupportedFields, unsupportedReason } from '../../../src/validate/supported-fields';

/** pod is a Pod whose only container gets the given fields, plus the given spec fields. */
function pod(container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', ...metadata },
    spec: { containers: [{ name: 'app', image: 'img:1', ...container }], ...spec },
  };
}

describe('unsupportedFields', () => {
  test('a pod using every carried-out field reports nothing', () => {
    const full = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web',
        namespace: 'ns',
        labels: { app: 'web' },
        annotations: { a: 'b' },
        uid: 'u',
        resourceVersion: '1',
        creationTimestamp: '2024-01-01T00:00:00Z',
        managedFields: [{ manager: 'kubectl' }],
      },
      spec: {
        hostname: 'h',
        restartPolicy: 'OnFailure',
        terminationGracePeriodSeconds: 5,
        securityContext: { runAsUser: 1, runAsGroup: 2 },
        hostNetwork: false,
        enableServiceLinks: true,
        automountServiceAccountToken: false,
        initContainers: [{ name: 'init', image: 'img:1', command: ['true'], ports: [{ containerPort: 1 }] }],
        containers: [
          {
            name: 'app',
            image: 'img:1',
            imagePullPolicy: 'Never',
            command: ['sh'],
            args: ['-c', 'x'],
            workingDir: '/',
            tty: true,
            stdin: true,
            stdinOnce: false,
            env: [
              { name: 'A', value: 'x' },
              { name: 'B', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']", apiVersion: 'v1' } } },
            ],
            ports: [{ name: 'http', containerPort: 80, hostPort: 8080, hostIP: '127.0.0.1', protocol: 'TCP' }],
            volumeMounts: [{ name: 'v', mountPath: '/v', readOnly: true, subPath: 's' }],
            resources: { limits: { cpu: '1', memory: '1Gi' } },
            securityContext: {
              runAsUser: 1,
              runAsGroup: 2,
              privileged: false,
              capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
              readOnlyRootFilesystem: true,
              allowPrivilegeEscalation: false,
            },
            livenessProbe: {
              httpGet: { port: 'http', path: '/', host: 'localhost', scheme: 'HTTP', httpHeaders: [{ name: 'a', value: 'b' }] },
              initialDelaySeconds: 1,
              periodSeconds: 2,
              timeoutSeconds: 3,
              failureThreshold: 4,
              successThreshold: 1,
            },
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        volumes: [
          { name: 'v', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
          { name: 'e', emptyDir: {} },
          { name: 'h', hostPath: { path: '/srv', type: 'Directory' } },
          { name: 'p', persistentVolumeClaim: { claimName: 'c', readOnly: true } },
        ],
      },
      status: { phase: 'Running' },
    };
    expect(unsupportedFields(full)).toEqual([]);
  });

  // [case, pod, concrete paths reported]
  const cases: Array<[string, object, Array<(string | number)[]>]> = [
    // Issue 18: kubeplay's prober runs every probe of an app container, gRPC ones too.
    ['readinessProbe is carried out', pod({ readinessProbe: { exec: { command: ['true'] } } }), []],
    ['startupProbe is carried out', pod({ startupProbe: { tcpSocket: { port: 1 } } }), []],
    ['grpc liveness is carried out', pod({ livenessProbe: { grpc: { port: 1 } } }), []],
    ["a sidecar's grpc startupProbe is not (its start sequence runs exec, httpGet and tcpSocket)", pod({}, { initContainers: [{ name: 'i', image: 'x', restartPolicy: 'Always', startupProbe: { grpc: { port: 1 } } }] }), [['spec', 'initContainers', 0, 'startupProbe', 'grpc']]],
    ['lifecycle', pod({ lifecycle: { preStop: { exec: { command: ['x'] } } } }), [['spec', 'containers', 0, 'lifecycle']]],
    // Issue 17: ConfigMaps and Secrets are read, through env and envFrom.
    ['envFrom is carried out', pod({ envFrom: [{ configMapRef: { name: 'c' }, prefix: 'P_' }, { secretRef: { name: 's', optional: true } }] }), []],
    [
      'secretKeyRef and configMapKeyRef are carried out',
      pod({
        env: [
          { name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
          { name: 'B', valueFrom: { configMapKeyRef: { name: 'c', key: 'k', optional: true } } },
        ],
      }),
      [],
    ],
    [
      'fieldRef to a field kubeplay cannot give',
      pod({ env: [{ name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] }),
      [['spec', 'containers', 0, 'env', 0, 'valueFrom', 'fieldRef', 'fieldPath']],
    ],
    [
      'resourceFieldRef',
      pod({ env: [{ name: 'M', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } }] }),
      [['spec', 'containers', 0, 'env', 0, 'valueFrom', 'resourceFieldRef']],
    ],
    ['requests', pod({ resources: { requests: { cpu: '1' } } }), [['spec', 'containers', 0, 'resources', 'requests']]],
    [
      'a limit other than cpu and memory',
      pod({ resources: { limits: { cpu: '1', 'nvidia.com/gpu': 1 } } }),
      [['spec', 'containers', 0, 'resources', 'limits', 'nvidia.com/gpu']],
    ],
    [
      'container securityContext fields not carried out',
      pod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' }, privileged: true } }),
      [
        ['spec', 'containers', 0, 'securityContext', 'runAsNonRoot'],
        ['spec', 'containers', 0, 'securityContext', 'seccompProfile', 'type'],
        ['spec', 'containers', 0, 'securityContext', 'seccompProfile', 'localhostProfile'],
      ],
    ],
    // Podman applies its default seccomp profile to every container: RuntimeDefault is what it does.
    [
      'seccompProfile RuntimeDefault is carried out, on the pod and on a container',
      pod({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }, { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }),
      [],
    ],
    ['mountPropagation', pod({ volumeMounts: [{ name: 'v', mountPath: '/v', mountPropagation: 'HostToContainer' }] }), [['spec', 'containers', 0, 'volumeMounts', 0, 'mountPropagation']]],
    ['stdinOnce true', pod({ stdinOnce: true }), [['spec', 'containers', 0, 'stdinOnce']]],
    [
      'scheduling fields',
      pod({}, { nodeSelector: { disk: 'ssd' }, affinity: { nodeAffinity: {} }, tolerations: [{ key: 'k' }], nodeName: 'n1', priorityClassName: 'high' }),
      [['spec', 'nodeSelector'], ['spec', 'affinity'], ['spec', 'tolerations'], ['spec', 'nodeName'], ['spec', 'priorityClassName']],
    ],
    ['serviceAccountName', pod({}, { serviceAccountName: 'sa' }), [['spec', 'serviceAccountName']]],
    ['dnsPolicy and dnsConfig are carried out (kubeplay\'s network)', pod({}, { dnsPolicy: 'ClusterFirst', dnsConfig: { nameservers: ['1.1.1.1'] } }), []],
    ['hostNetwork true is carried out', pod({}, { hostNetwork: true }), []],
    ['imagePullSecrets', pod({}, { imagePullSecrets: [{ name: 'r' }] }), [['spec', 'imagePullSecrets']]],
    ['pod securityContext fsGroup', pod({}, { securityContext: { runAsUser: 1, fsGroup: 2 } }), [['spec', 'securityContext', 'fsGroup']]],
    [
      'configMap, secret, downwardAPI and projected volumes are made; other kinds, even empty ones, are not',
      pod({}, {
        volumes: [
          { name: 'ok', emptyDir: {} },
          { name: 'c', configMap: { name: 'c', items: [{ key: 'k', path: 'p', mode: 0o400 }], defaultMode: 0o440, optional: true } },
          { name: 's', secret: { secretName: 's' } },
          { name: 'p', projected: { defaultMode: 0o444, sources: [{ configMap: { name: 'c' } }, { secret: { name: 's' } }, { downwardAPI: { items: [{ path: 'l', fieldRef: { fieldPath: 'metadata.labels' } }] } }] } },
          { name: 'd', downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }, { path: 'ip', fieldRef: { fieldPath: 'status.podIP' } }] } },
          { name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
          { name: 'n', nfs: {} },
        ],
      }),
      [
        ['spec', 'volumes', 4, 'downwardAPI', 'items', 1, 'fieldRef', 'fieldPath'],
        ['spec', 'volumes', 5, 'projected', 'sources', 0, 'serviceAccountToken'],
        ['spec', 'volumes', 6, 'nfs'],
      ],
    ],
    ['HugePages emptyDir', pod({}, { volumes: [{ name: 'h', emptyDir: { medium: 'HugePages' } }] }), [['spec', 'volumes', 0, 'emptyDir', 'medium']]],
    ['ephemeralContainers', pod({}, { ephemeralContainers: [{ name: 'dbg', image: 'x' }] }), [['spec', 'ephemeralContainers']]],
    [
      // A native sidecar (restartPolicy Always) and its liveness probe are carried out; a hostPort on an init container is not.
      'init container: sidecar restartPolicy and liveness probe carried out, hostPort not',
      pod({}, {
        initContainers: [
          { name: 'i', image: 'x', restartPolicy: 'Always', ports: [{ containerPort: 1, hostPort: 1 }], livenessProbe: { exec: { command: ['x'] } } },
        ],
      }),
      [['spec', 'initContainers', 0, 'ports', 0, 'hostPort']],
    ],
    [
      'metadata that asks for behaviour',
      pod({}, {}, { generateName: 'web-', ownerReferences: [{ kind: 'ReplicaSet' }], finalizers: ['x'] }),
      [['metadata', 'generateName'], ['metadata', 'ownerReferences'], ['metadata', 'finalizers']],
    ],
    ['a field Kubernetes does not have is reported too', pod({ bogus: 1 }), [['spec', 'containers', 0, 'bogus']]],
    [
      'every container and every index',
      { spec: { containers: [{ name: 'a', lifecycle: {} as object, hostile: 1 }, { name: 'b', lifecycle: { preStop: {} } }] } },
      [
        ['spec', 'containers', 0, 'hostile'],
        ['spec', 'containers', 1, 'lifecycle'],
      ],
    ],
  ];
  test.each(cases)('%s', (_name, input, want) => {
    expect(unsupportedFields(input)).toEqual(want);
  });

  // Null and empty values ask for nothing, as in Kubernetes.
  const nothing: Array<[string, object]> = [
    ['null fields', pod({ readinessProbe: null }, { nodeSelector: null, tolerations: null })],
    ['empty lists and maps', pod({ envFrom: [], lifecycle: {} }, { tolerations: [], nodeSelector: {}, affinity: {} })],
    ['default-valued booleans', pod({ stdinOnce: false }, { hostPID: false, hostIPC: false, shareProcessNamespace: false, setHostnameAsFQDN: false })],
    ['empty objects on the way to carried-out fields', pod({ securityContext: {}, resources: {} }, { securityContext: {} })],
    ['an empty object', {}],
  ];
  test.each(nothing)('%s are not reported', (_name, input) => {
    expect(unsupportedFields(input)).toEqual([]);
  });
});

describe('genericPath', () => {
  test.each<[(string | number)[], string]>([
    [[], ''],
    [['spec', 'nodeSelector'], 'spec.nodeSelector'],
    [['spec', 'containers', 3, 'readinessProbe'], 'spec.containers[].readinessProbe'],
    [['spec', 'containers', 0, 'env', 2, 'valueFrom', 'secretKeyRef'], 'spec.containers[].env[].valueFrom.secretKeyRef'],
    [['spec', 'containers', 0, 'resources', 'limits', 'nvidia.com/gpu'], 'spec.containers[].resources.limits["nvidia.com/gpu"]'],
  ])('%p → %p', (path, want) => {
    expect(genericPath(path)).toBe(want);
  });

  test('different indexes give one generic path, so callers warn once', () => {
    const paths = unsupportedFields(pod({}, { containers: [{ name: 'a', lifecycle: { preStop: {} } }, { name: 'b', lifecycle: { preStop: {} } }] }));
    expect(new Set(paths.map(genericPath))).toEqual(new Set(['spec.containers[].lifecycle']));
  });
});

describe('unsupportedReason', () => {
  test.each<[(string | number)[] | string, RegExp]>([
    [['spec', 'nodeSelector'], /no scheduler/],
    ['spec.tolerations', /no scheduler/],
    [['spec', 'containers', 0, 'env', 0, 'valueFrom', 'resourceFieldRef'], /resource values/],
    [['spec', 'containers', 0, 'env', 0, 'valueFrom', 'fieldRef', 'fieldPath'], /only metadata\.name/],
    [['spec', 'volumes', 2, 'nfs'], /only emptyDir, hostPath, persistentVolumeClaim \(a named Podman volume\), configMap, secret, downwardAPI and projected/],
    [['spec', 'volumes', 0, 'projected', 'sources', 0, 'serviceAccountToken'], /need an API server/],
    ['spec.containers[].resources.limits["nvidia.com/gpu"]', /only cpu and memory/],
    [['spec', 'initContainers', 0, 'lifecycle'], /hooks are not run/],
  ])('%p', (path, want) => {
    expect(unsupportedReason(path)).toMatch(want);
  });

  test('no reason for a field the table does not know', () => {
    expect(unsupportedReason(['spec', 'containers', 0, 'bogus'])).toBeUndefined();
  });
});

describe('SUPPORTED_FIELDS', () => {
  test('is the readable list of generic paths', () => {
    expect(SUPPORTED_FIELDS).toContain('spec.containers[].image');
    expect(SUPPORTED_FIELDS).toContain('metadata.labels');
    expect(SUPPORTED_FIELDS).toContain('spec.volumes[].emptyDir.medium');
    expect(SUPPORTED_FIELDS).toContain('spec.containers[].readinessProbe');
    expect(SUPPORTED_FIELDS).not.toContain('spec.containers[].lifecycle');
    expect(SUPPORTED_FIELDS).not.toContain('spec.initContainers[].ports[].hostPort');
  });
});
