import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import {
  allowedProperties,
  toSchemaErrors,
  validatePodSchema,
  type AjvValidateFunction,
  type SchemaError,
} from '../../../src/validate/pod-schema';

// The build script is plain CommonJS (it runs after tsc, outside the TypeScript build).
const { buildValidators } = require('../../../scripts/build-validators.js') as {
  buildValidators: (outDir?: string, only?: string[]) => string[];
};

/** pod builds a minimal valid Pod and lets each test change one thing. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests mutate any field of a pod freely
function pod(mutate: (p: any) => void = () => {}): Record<string, unknown> {
  const p = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web' },
    spec: { containers: [{ name: 'app', image: 'localhost/busybox:stable' }] },
  };
  mutate(p);
  return p;
}

const richPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    namespace: 'shop',
    labels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' },
    annotations: { 'example.com/note': 'hello' },
    generateName: null, // kubectl treats null as absent
  },
  spec: {
    restartPolicy: 'Always',
    hostname: 'web-0',
    dnsPolicy: 'ClusterFirst',
    terminationGracePeriodSeconds: 5,
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    hostAliases: [{ ip: '127.0.0.1', hostnames: ['db.local'] }],
    securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, sysctls: [{ name: 'net.ipv4.ping_group_range', value: '0 1' }] },
    tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
        },
      },
    },
    initContainers: [{ name: 'init', image: 'localhost/busybox:stable', command: ['sh', '-c', 'echo hi > /www/index.html'], volumeMounts: [{ name: 'www', mountPath: '/www' }] }],
    containers: [
      {
        name: 'httpd',
        image: 'localhost/busybox:stable',
        imagePullPolicy: 'Never',
        command: ['httpd'],
        args: ['-f', '-p', '8080', '-h', '/www'],
        workingDir: '/',
        ports: [{ name: 'http', containerPort: 8080, hostPort: 18080, protocol: 'TCP' }],
        env: [
          { name: 'MODE', value: 'prod' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'CFG', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k', optional: true } } },
        ],
        envFrom: [{ secretRef: { name: 'creds' }, prefix: 'S_' }],
        resources: { requests: { cpu: 0.25, memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi', 'ephemeral-storage': '1G' } },
        volumeMounts: [{ name: 'www', mountPath: '/www', readOnly: true }],
        livenessProbe: { httpGet: { path: '/', port: 'http' }, initialDelaySeconds: 1, periodSeconds: 5 },
        readinessProbe: { tcpSocket: { port: 8080 }, failureThreshold: 3 },
        startupProbe: { exec: { command: ['true'] } },
        lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 1'] } }, postStart: { sleep: { seconds: 1 } } },
        securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true },
        stdin: false,
        tty: false,
      },
      {
        name: 'sidecar',
        image: 'localhost/busybox:stable',
        command: ['sh', '-c', 'while true; do wget -q -O- localhost:8080; sleep 5; done'],
        resources: { limits: { memory: 33554432 } },
      },
    ],
    volumes: [
      { name: 'www', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
      { name: 'host', hostPath: { path: '/tmp', type: 'Directory' } },
      { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'a', path: 'a.txt', mode: 0o644 }], defaultMode: 420 } },
      { name: 'sec', secret: { secretName: 'creds', optional: true } },
      { name: 'proj', projected: { sources: [{ downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }] } },
    ],
  },
  status: { phase: 'Running', podIP: '10.88.0.5', conditions: [{ type: 'Ready', status: 'True' }] },
};

function only(errors: SchemaError[]): SchemaError {
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe('validatePodSchema', () => {
  it('accepts a minimal pod and a rich pod using many fields', () => {
    expect(validatePodSchema(pod())).toEqual([]);
    expect(validatePodSchema(richPod)).toEqual([]);
  });

  it('reports a misspelt field at the object holding it, with the key', () => {
    const e = only(validatePodSchema(pod((p) => (p.spec.containers[0].imagePullPolcy = 'Never'))));
    expect(e).toEqual({
      path: ['spec', 'containers', 0],
      keyword: 'additionalProperties',
      message: 'unknown field "imagePullPolcy"',
      params: { additionalProperty: 'imagePullPolcy' },
    });
  });

  it('reports a missing container name as a required field of the container', () => {
    const e = only(validatePodSchema(pod((p) => delete p.spec.containers[0].name)));
    expect(e.path).toEqual(['spec', 'containers', 0]);
    expect(e.keyword).toBe('required');
    expect(e.params['missingProperty']).toBe('name');
    expect(e.message).toBe('required field "name" is missing');
  });

  it('reports wrong types once, in plain words, without mentioning null', () => {
    const e = only(validatePodSchema(pod((p) => (p.spec.containers[0].ports = [{ containerPort: 'abc' }]))));
    expect(e.path).toEqual(['spec', 'containers', 0, 'ports', 0, 'containerPort']);
    expect(e.message).toBe('expected integer, got string "abc"');

    // An optional object field is a null-able union; a scalar there is still one message.
    expect(only(validatePodSchema(pod((p) => (p.spec.securityContext = 'root')))).message).toBe('expected object, got string "root"');
    expect(only(validatePodSchema(pod((p) => (p.spec.containers = {})))).message).toBe('expected array, got object');
    expect(only(validatePodSchema(pod((p) => (p.spec.hostNetwork = 'yes')))).message).toBe('expected boolean, got string "yes"');
    expect(only(validatePodSchema(pod((p) => (p.spec.activeDeadlineSeconds = 1.5)))).message).toBe('expected integer, got number 1.5');
  });

  it('accepts null for optional fields but not for required ones', () => {
    expect(validatePodSchema(pod((p) => Object.assign(p.spec, { hostNetwork: null, volumes: null, securityContext: null })))).toEqual([]);
    const e = only(validatePodSchema(pod((p) => (p.spec.containers = null))));
    expect(e.path).toEqual(['spec', 'containers']);
    expect(e.message).toBe('expected array, got null');
  });

  it('checks apiVersion and kind as constants and requires them', () => {
    expect(only(validatePodSchema(pod((p) => (p.apiVersion = 'apps/v1')))).message).toBe('must be "v1", got string "apps/v1"');
    const missing = validatePodSchema(pod((p) => delete p.kind));
    expect(missing.map((e) => e.message)).toEqual(['required field "kind" is missing']);
  });

  it('bounds int32 fields', () => {
    const e = only(validatePodSchema(pod((p) => (p.spec.containers[0].ports = [{ containerPort: 2 ** 31 }]))));
    expect(e.keyword).toBe('maximum');
    expect(e.message).toBe('must be at most 2147483647, got integer 2147483648');
  });

  it('accepts int-or-string ports and rejects other types', () => {
    const probe = (port: unknown) => pod((p) => (p.spec.containers[0].livenessProbe = { httpGet: { port } }));
    expect(validatePodSchema(probe('http'))).toEqual([]);
    expect(validatePodSchema(probe(8080))).toEqual([]);
    const e = only(validatePodSchema(probe(true)));
    expect(e.path).toEqual(['spec', 'containers', 0, 'livenessProbe', 'httpGet', 'port']);
    expect(e.message).toBe('expected integer or string, got boolean true');
  });

  it('checks quantities: strings in Kubernetes quantity syntax or numbers', () => {
    const limits = (memory: unknown) => pod((p) => (p.spec.containers[0].resources = { limits: { memory } }));
    expect(validatePodSchema(limits('1Gi'))).toEqual([]);
    expect(validatePodSchema(limits(0.5))).toEqual([]);
    expect(only(validatePodSchema(limits('1gb'))).message).toBe('expected a quantity such as "500m", "128Mi", "1Gi" or 2, got string "1gb"');
    expect(only(validatePodSchema(limits(true))).message).toBe('expected string or number, got boolean true');
  });

  it('unescapes JSON Pointer segments in paths', () => {
    const errors = validatePodSchema(pod((p) => (p.metadata.labels = { 'app.kubernetes.io/name': 5, 'a~b': false })));
    expect(errors.map((e) => e.path)).toEqual([
      ['metadata', 'labels', 'app.kubernetes.io/name'],
      ['metadata', 'labels', 'a~b'],
    ]);
    expect(errors[0]!.message).toBe('expected string, got integer 5');
  });

  it('reports every problem in the document', () => {
    const errors = validatePodSchema(
      pod((p) => {
        p.spec.containers[0].imagePullPolcy = 'Never';
        p.spec.containers.push({ image: 'x', tty: 'no' });
        p.metadata.nmae = 'web';
      }),
    );
    expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`).sort()).toEqual([
      'metadata: unknown field "nmae"',
      'spec.containers.0: unknown field "imagePullPolcy"',
      'spec.containers.1.tty: expected boolean, got string "no"',
      'spec.containers.1: required field "name" is missing',
    ]);
  });

  it('rejects things that are not objects at all', () => {
    expect(only(validatePodSchema('pod')).message).toBe('expected object, got string "pod"');
    expect(only(validatePodSchema([])).path).toEqual([]);
  });
});

describe('toSchemaErrors', () => {
  it('collapses a null-able anyOf type failure into one message', () => {
    // Schemas written as anyOf [null, X] make ajv say "must be null", "must be object" and
    // "must match a schema in anyOf"; a user needs only the last, in words.
    const validate = new Ajv({ allErrors: true, strict: false }).compile({
      type: 'object',
      properties: {
        a: { anyOf: [{ type: 'null' }, { type: 'object', properties: { b: { type: 'integer' } } }] },
      },
    });
    validate({ a: 'x' });
    expect(toSchemaErrors(validate.errors ?? [], { a: 'x' })).toEqual([
      { path: ['a'], keyword: 'type', message: 'expected object, got string "x"', params: { type: 'null,object' } },
    ]);
    // When the object branch fails inside, the inner error is what matters.
    validate({ a: { b: 'y' } });
    expect(toSchemaErrors(validate.errors ?? [], { a: { b: 'y' } }).map((e) => e.message)).toEqual(['expected integer, got string "y"']);
  });
});

describe('allowedProperties', () => {
  it('lists the fields of a container, through arrays and refs', () => {
    const names = allowedProperties(['spec', 'containers', 0]);
    expect(names).toContain('imagePullPolicy');
    expect(names).toContain('name');
    expect(names).not.toContain('imagePullPolcy');
  });

  it('lists top-level and nested fields', () => {
    expect(allowedProperties([])).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(allowedProperties(['spec', 'volumes', 3, 'emptyDir'])).toEqual(['medium', 'sizeLimit']);
  });

  it('is undefined for maps, scalars and unknown paths', () => {
    expect(allowedProperties(['metadata', 'labels'])).toBeUndefined();
    expect(allowedProperties(['metadata', 'name'])).toBeUndefined();
    expect(allowedProperties(['spec', 'nope'])).toBeUndefined();
  });
});

describe('standalone validator', () => {
  it('agrees with the runtime-compiled schema', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-validator-'));
    try {
      const [file] = buildValidators(dir, ['pod.v1']);
      const standalone = require(file!) as AjvValidateFunction;
      const docs: unknown[] = [
        pod(),
        richPod,
        pod((p) => (p.spec.containers[0].imagePullPolcy = 'Never')),
        pod((p) => delete p.spec.containers[0].name),
        pod((p) => (p.spec.containers[0].resources = { limits: { memory: '1gb', cpu: false } })),
        pod((p) => Object.assign(p, { apiVersion: 'v2', spec: { containers: [{ name: 1, ports: [{ containerPort: 'x' }] }] } })),
        42,
      ];
      for (const doc of docs) {
        const ok = standalone(doc);
        const viaStandalone = ok ? [] : toSchemaErrors(standalone.errors ?? [], doc);
        expect(viaStandalone).toEqual(validatePodSchema(doc));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
