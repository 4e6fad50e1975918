/**
 * Pods reading ConfigMaps and Secrets (issue 17), translated as the kubelet resolves them. The
 * manifests follow the Kubernetes tutorials "Configure a Pod to Use a ConfigMap" and "Distribute
 * Credentials Securely Using Secrets" (kubernetes.io/docs/tasks/configure-pod-container/), written
 * out here; the expected values are what those pages show the pods print.
 */
import type { V1Container, V1Pod, V1PodSpec } from '@kubernetes/client-node';
import type { PodManifest } from '../../../src/domain/types';
import { toDesiredPod } from '../../../src/translate/pod';
import { formatMap, secretEnvName, type PodSources, type SourceObject } from '../../../src/translate/pod-sources';
import { manifestHash, sourceBasis } from '../../../src/translate/hash';
import { referenceIssues } from '../../../src/plan/plan-references';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

function manifest(pod: V1Pod, namespace = 'default'): PodManifest {
  return { ref: { kind: 'Pod', namespace, name: pod.metadata?.name ?? '' }, apiVersion: 'v1', source: 'pod.yaml', documentIndex: 0, object: pod, locate: (p) => ({ line: p.length, column: 1 }) };
}

function pod(container: Partial<V1Container> = {}, spec: Partial<V1PodSpec> = {}, labels: Record<string, string> = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'dapi-test-pod', labels },
    spec: { containers: [{ name: 'test-container', image: 'registry.k8s.io/busybox', command: ['/bin/sh', '-c', 'env'], ...container }], restartPolicy: 'Never', ...spec },
  };
}

/** The tutorial's objects: ConfigMaps special-config and env-config, Secret test-secret (kubectl create secret generic ... --from-literal). */
const OBJECTS: Record<string, SourceObject> = {
  'ConfigMap/default/special-config': { data: { 'special.how': 'very', SPECIAL_LEVEL: 'very', SPECIAL_TYPE: 'charm' } },
  'ConfigMap/default/env-config': { data: { 'log_level': 'INFO', '1bad': 'x', 'has space': 'y' } },
  'ConfigMap/default/bin': { data: { a: 'text' }, binaryData: { blob: b64('\u0000\u0001binary') } },
  'Secret/default/test-secret': { data: { username: b64('my-app'), password: b64('39528$vdg7Jb') } },
};
const SOURCES: PodSources = (kind, ns, name) => OBJECTS[`${kind}/${ns}/${name}`];

describe('env from ConfigMaps and Secrets', () => {
  test('configMapKeyRef: the value is set in the container (the tutorial prints SPECIAL_LEVEL_KEY=very)', () => {
    const p = toDesiredPod(manifest(pod({ env: [{ name: 'SPECIAL_LEVEL_KEY', valueFrom: { configMapKeyRef: { name: 'special-config', key: 'special.how' } } }] })), { sources: SOURCES });
    expect(p.containers[0]?.env).toEqual({ SPECIAL_LEVEL_KEY: 'very' });
    expect(p.secrets).toBeUndefined();
  });

  test('envFrom configMapRef: every valid key, with its prefix; invalid names skipped with the kubelet event', () => {
    const warnings: string[] = [];
    const p = toDesiredPod(manifest(pod({ envFrom: [{ configMapRef: { name: 'env-config' }, prefix: 'CFG_' }, { configMapRef: { name: 'special-config' } }] })), {
      sources: SOURCES,
      warn: (_path, m) => warnings.push(m),
    });
    expect(p.containers[0]?.env).toEqual({ CFG_log_level: 'INFO', 'CFG_1bad': 'x', 'special.how': 'very', SPECIAL_LEVEL: 'very', SPECIAL_TYPE: 'charm' });
    expect(warnings).toEqual([
      'InvalidEnvironmentVariableNames: Keys [CFG_has space] from the EnvFrom configMap default/env-config were skipped since they are considered invalid environment variable names.',
    ]);
  });

  test('without a prefix a key starting with a digit is skipped too', () => {
    const warnings: string[] = [];
    toDesiredPod(manifest(pod({ envFrom: [{ configMapRef: { name: 'env-config' } }] })), { sources: SOURCES, warn: (_p, m) => warnings.push(m) });
    expect(warnings[0]).toContain('Keys [1bad, has space] from the EnvFrom configMap default/env-config');
  });

  test('env overrides envFrom, and $(VAR) expands against both', () => {
    const p = toDesiredPod(
      manifest(pod({ envFrom: [{ configMapRef: { name: 'special-config' } }], env: [{ name: 'SPECIAL_TYPE', value: 'x-$(SPECIAL_LEVEL)' }], args: ['$(SPECIAL_TYPE)'] })),
      { sources: SOURCES },
    );
    expect(p.containers[0]?.env['SPECIAL_TYPE']).toBe('x-very');
    expect(p.containers[0]?.command).toEqual(['x-very']);
  });

  test('a Secret-fed variable is a Podman secret, never in env (the tutorial prints SECRET_USERNAME=my-app)', () => {
    const p = toDesiredPod(
      manifest(pod({
        env: [
          { name: 'SECRET_USERNAME', valueFrom: { secretKeyRef: { name: 'test-secret', key: 'username' } } },
          { name: 'PLAIN', value: 'p' },
          { name: 'DSN', value: 'user=$(SECRET_USERNAME)' },
        ],
      })),
      { sources: SOURCES },
    );
    const c = p.containers[0]!;
    expect(c.env).toEqual({ PLAIN: 'p' });
    expect(c.secretEnv).toEqual({ SECRET_USERNAME: 'kubeplay_dapi-test-pod_test-container_0', DSN: 'kubeplay_dapi-test-pod_test-container_1' });
    expect(p.secrets?.map((s) => [s.name, unb64(s.data)])).toEqual([
      ['kubeplay_dapi-test-pod_test-container_0', 'my-app'],
      ['kubeplay_dapi-test-pod_test-container_1', 'user=my-app'],
    ]);
    expect(p.labels['kubeplay.io/secrets']).toBe('kubeplay_dapi-test-pod_test-container_0,kubeplay_dapi-test-pod_test-container_1');
    expect(JSON.stringify(c)).not.toContain('my-app');
  });

  test('envFrom secretRef: every key through Podman secrets', () => {
    const p = toDesiredPod(manifest(pod({ envFrom: [{ secretRef: { name: 'test-secret' }, prefix: 'S_' }] })), { sources: SOURCES });
    expect(Object.keys(p.containers[0]!.secretEnv ?? {})).toEqual(['S_username', 'S_password']);
    expect(p.containers[0]!.env).toEqual({});
  });

  test('a command expanding a Secret-fed variable is warned about', () => {
    const warnings: string[] = [];
    toDesiredPod(manifest(pod({ env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'test-secret', key: 'password' } } }], args: ['--pw=$(PW)'] })), { sources: SOURCES, warn: (_p, m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringContaining('expand $(PW), whose value comes from a Secret')]);
  });

  test('optional references to missing objects or keys leave the variable unset', () => {
    const p = toDesiredPod(
      manifest(pod({
        env: [
          { name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
          { name: 'B', valueFrom: { secretKeyRef: { name: 'test-secret', key: 'nope', optional: true } } },
        ],
        envFrom: [{ configMapRef: { name: 'nope', optional: true } }],
      })),
      { sources: SOURCES },
    );
    expect(p.containers[0]?.env).toEqual({});
    expect(p.secrets).toBeUndefined();
  });

  test('secretEnvName stays within Podman 253 characters', () => {
    const long = 'p'.repeat(250);
    expect(secretEnvName('web', 'app', 2)).toBe('kubeplay_web_app_2');
    expect(secretEnvName(long, 'app', 0)).toMatch(/^kubeplay_[0-9a-f]{32}_0$/);
  });
});

describe('configMap, secret, downwardAPI and projected volumes', () => {
  const files = (volume: NonNullable<V1PodSpec['volumes']>, labels: Record<string, string> = {}) =>
    toDesiredPod(manifest(pod({}, { volumes: volume }, labels)), { sources: SOURCES, filesRoot: '/state/pods' }).volumes.map((v) =>
      v.kind === 'projected' ? { dir: v.dir, files: v.files.map((f) => [f.path, unb64(f.data), f.mode.toString(8)]) } : v,
    );

  test('every key a file with mode 0644 (the tutorial lists SPECIAL_LEVEL, SPECIAL_TYPE, special.how)', () => {
    expect(files([{ name: 'config-volume', configMap: { name: 'special-config' } }])).toEqual([
      {
        dir: '/state/pods/dapi-test-pod/volumes/config-volume',
        files: [
          ['SPECIAL_LEVEL', 'very', '644'],
          ['SPECIAL_TYPE', 'charm', '644'],
          ['special.how', 'very', '644'],
        ],
      },
    ]);
  });

  test('items pick keys and paths (the tutorial cats /etc/config/keys: very); defaultMode and per-item mode', () => {
    expect(files([{ name: 'c', configMap: { name: 'special-config', items: [{ key: 'SPECIAL_LEVEL', path: 'keys' }, { key: 'SPECIAL_TYPE', path: 'sub/type', mode: 0o400 }], defaultMode: 0o440 } }])[0]).toEqual({
      dir: '/state/pods/dapi-test-pod/volumes/c',
      files: [
        ['keys', 'very', '440'],
        ['sub/type', 'charm', '400'],
      ],
    });
  });

  test('binaryData becomes files too, byte for byte', () => {
    const p = toDesiredPod(manifest(pod({}, { volumes: [{ name: 'b', configMap: { name: 'bin' } }] })), { sources: SOURCES });
    const v = p.volumes[0];
    expect(v?.kind === 'projected' && v.files.map((f) => [f.path, Buffer.from(f.data, 'base64')])).toEqual([
      ['a', Buffer.from('text')],
      ['blob', Buffer.from('\u0000\u0001binary')],
    ]);
  });

  test('a secret volume: the decoded values', () => {
    expect(files([{ name: 's', secret: { secretName: 'test-secret' } }])[0]).toMatchObject({ files: [['password', '39528$vdg7Jb', '644'], ['username', 'my-app', '644']] });
  });

  test('downwardAPI: labels as the kubelet formats them, name and namespace', () => {
    expect(
      files([{ name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }], { zone: 'us-est-coast', cluster: 'test-cluster1', rack: 'rack-22' })[0],
    ).toEqual({
      dir: '/state/pods/dapi-test-pod/volumes/podinfo',
      files: [
        ['labels', 'cluster="test-cluster1"\nrack="rack-22"\nzone="us-est-coast"', '644'],
        ['name', 'dapi-test-pod', '644'],
      ],
    });
  });

  test('projected: sources merged in one directory with the volume defaultMode', () => {
    expect(
      files([
        {
          name: 'all-in-one',
          projected: {
            defaultMode: 0o444,
            sources: [
              { secret: { name: 'test-secret', items: [{ key: 'username', path: 'my-group/my-username' }] } },
              { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
              { configMap: { name: 'special-config', items: [{ key: 'SPECIAL_TYPE', path: 'my-group/my-config' }] } },
            ],
          },
        },
      ])[0],
    ).toEqual({
      dir: '/state/pods/dapi-test-pod/volumes/all-in-one',
      files: [
        ['labels', '', '444'],
        ['my-group/my-config', 'charm', '444'],
        ['my-group/my-username', 'my-app', '444'],
      ],
    });
  });

  test('formatMap quotes values as Go does', () => {
    expect(formatMap({ b: 'say "hi"', a: 'x' })).toBe('a="x"\nb="say \\"hi\\""');
  });
});

describe('the hash of a pod reading objects', () => {
  const m = manifest(pod({ env: [{ name: 'L', valueFrom: { configMapKeyRef: { name: 'special-config', key: 'SPECIAL_LEVEL' } } }] }, { volumes: [{ name: 'c', configMap: { name: 'special-config' } }] }));
  const changed: PodSources = (kind, ns, name) => (name === 'special-config' ? { data: { SPECIAL_LEVEL: 'less' } } : SOURCES(kind, ns, name));

  test("a changed ConfigMap does not change the hash (the pod is not recreated, as in Kubernetes)", () => {
    expect(manifestHash(toDesiredPod(m, { sources: SOURCES }), sourceBasis(m.object))).toBe(manifestHash(toDesiredPod(m, { sources: changed }), sourceBasis(m.object)));
  });

  test('a changed reference does', () => {
    const m2 = manifest(pod({ env: [{ name: 'L', valueFrom: { configMapKeyRef: { name: 'special-config', key: 'SPECIAL_TYPE' } } }] }, { volumes: [{ name: 'c', configMap: { name: 'special-config' } }] }));
    expect(manifestHash(toDesiredPod(m2, { sources: SOURCES }), sourceBasis(m2.object))).not.toBe(manifestHash(toDesiredPod(m, { sources: SOURCES }), sourceBasis(m.object)));
  });

  test('a pod that reads no object hashes as before (no churn on upgrade)', () => {
    const plain = manifest(pod({ env: [{ name: 'A', value: '1' }] }));
    expect(sourceBasis(plain.object)).toBeUndefined();
  });
});

describe('referenceIssues: what the kubelet would wait on forever, refused and located', () => {
  const issues = (p: V1Pod) => referenceIssues([manifest(p)], SOURCES).map((i) => `${i.path}: ${i.message}`);

  test('missing objects and keys, in the kubelet words', () => {
    expect(
      issues(
        pod(
          {
            env: [
              { name: 'A', valueFrom: { configMapKeyRef: { name: 'x', key: 'k' } } },
              { name: 'B', valueFrom: { configMapKeyRef: { name: 'special-config', key: 'nope' } } },
              { name: 'C', valueFrom: { secretKeyRef: { name: 'y', key: 'k' } } },
              { name: 'D', valueFrom: { secretKeyRef: { name: 'test-secret', key: 'nope' } } },
              // binaryData keys cannot feed env (the kubelet reads data only)
              { name: 'E', valueFrom: { configMapKeyRef: { name: 'bin', key: 'blob' } } },
            ],
            envFrom: [{ configMapRef: { name: 'z' } }, { secretRef: { name: 'w' } }],
          },
          {
            volumes: [
              { name: 'v1', configMap: { name: 'gone' } },
              { name: 'v2', secret: { secretName: 'gone' } },
              { name: 'v3', configMap: { name: 'special-config', items: [{ key: 'nope', path: 'p' }] } },
              { name: 'v4', projected: { sources: [{ secret: { name: 'test-secret', items: [{ key: 'nope', path: 'p' }] } }] } },
            ],
          },
        ),
      ),
    ).toEqual([
      'spec.containers[0].envFrom[0].configMapRef.name: configmap "z" not found',
      'spec.containers[0].envFrom[1].secretRef.name: secret "w" not found',
      'spec.containers[0].env[0].valueFrom.configMapKeyRef.name: configmap "x" not found',
      "spec.containers[0].env[1].valueFrom.configMapKeyRef.key: couldn't find key nope in ConfigMap default/special-config",
      'spec.containers[0].env[2].valueFrom.secretKeyRef.name: secret "y" not found',
      "spec.containers[0].env[3].valueFrom.secretKeyRef.key: couldn't find key nope in Secret default/test-secret",
      "spec.containers[0].env[4].valueFrom.configMapKeyRef.key: couldn't find key blob in ConfigMap default/bin",
      'spec.volumes[0].configMap.name: configmap "gone" not found',
      'spec.volumes[1].secret.secretName: secret "gone" not found',
      'spec.volumes[2].configMap.items[0].key: configmap references non-existent config key: nope',
      'spec.volumes[3].projected.sources[0].secret.items[0].key: references non-existent secret key: nope',
    ]);
  });

  test('optional references may be missing', () => {
    expect(
      issues(
        pod(
          { env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'x', key: 'k', optional: true } } }], envFrom: [{ secretRef: { name: 'w', optional: true } }] },
          { volumes: [{ name: 'v', configMap: { name: 'gone', optional: true } }] },
        ),
      ),
    ).toEqual([]);
  });

  test('an object of another namespace does not count', () => {
    const m = manifest(pod({ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'special-config', key: 'SPECIAL_LEVEL' } } }] }), 'shop');
    expect(referenceIssues([m], SOURCES).map((i) => i.message)).toEqual(['configmap "special-config" not found']);
  });
});
