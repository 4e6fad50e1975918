/**
 * What real kubectl's client-side apply sends, applied by applyStrategicMergePatch. A small HTTP
 * server (test-only) answers what `kubectl apply --validate=false` asks on the way (version,
 * discovery, GET, POST, PATCH; no OpenAPI, so kubectl takes the patch metadata from its compiled-in
 * types), defaults what it stores as the API server would for the fields here, and applies each PATCH
 * with applyStrategicMergePatch. Three applies of a Deployment: created; its containers reordered,
 * one removed, one added, env changed and the strategy moved to Recreate (kubectl sends
 * `$setElementOrder`, `$patch: delete` and `$retainKeys`); then a container's env and ports changed.
 * The patches kubectl 1.32 sent are kept in fixtures/kubectl-apply-patches.json (UPDATE_GOLDEN=1 to
 * record them again), so the apply is tested without kubectl too; every kubectl found
 * (`kubectl`, /usr/lib/google-cloud-sdk/bin/kubectl.1.27 ... 1.33) is run against the server.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyStrategicMergePatch } from '../../../../src/serve/patch/strategic-merge';
import { KUBECTLS, notFound, startFakeApiServer } from './support/fake-apiserver';

const FIXTURE = join(__dirname, 'fixtures', 'kubectl-apply-patches.json');

const CONFIGS = [
  `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1
        env: [{name: A, value: "1"}, {name: B, value: "2"}]
        ports: [{containerPort: 80}]
      - name: sidecar
        image: busybox
`,
  `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default, labels: {tier: front}}
spec:
  replicas: 3
  strategy: {type: Recreate}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: log
        image: busybox
        args: [tail, -f, /dev/null]
      - name: web
        image: nginx:2
        env: [{name: C, value: "3"}, {name: B, value: "22"}]
        ports: [{containerPort: 80}]
`,
  `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default, labels: {tier: front}}
spec:
  replicas: 3
  strategy: {type: Recreate}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: log
        image: busybox
        args: [tail, -f, /dev/null]
      - name: web
        image: nginx:2
        env: [{name: B, value: "22"}]
        ports: [{containerPort: 8080, name: alt}, {containerPort: 80}]
`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test walks the stored object freely
type Obj = Record<string, any>;

/** defaulted is what the API server stores for the fields these configs use (SetDefaults_Deployment, _Container, _ContainerPort). */
function defaulted(o: Obj): Obj {
  const spec = o.spec;
  spec.strategy ??= { type: 'RollingUpdate' };
  if (spec.strategy.type === 'RollingUpdate') spec.strategy.rollingUpdate ??= { maxSurge: '25%', maxUnavailable: '25%' };
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  const pod = spec.template.spec;
  pod.restartPolicy ??= 'Always';
  pod.dnsPolicy ??= 'ClusterFirst';
  for (const c of pod.containers) {
    c.imagePullPolicy ??= c.image.endsWith(':latest') || !c.image.includes(':') ? 'Always' : 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
    for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  }
  return o;
}

interface Run {
  created: Obj;
  patches: unknown[];
  stored: Obj;
}

/** runKubectl applies the three configurations with one kubectl; each PATCH goes through applyStrategicMergePatch. */
async function runKubectl(kubectl: string): Promise<Run> {
  const run: Run = { created: {}, patches: [], stored: {} };
  let stored: Obj | undefined;
  let version = 1;
  const server = await startFakeApiServer((req, body, send) => {
    if (req.method === 'GET') return stored ? send(200, stored) : send(404, notFound);
    if (req.method === 'POST') {
      run.created = JSON.parse(body) as Obj;
      stored = defaulted(JSON.parse(body) as Obj);
      stored.metadata.uid = 'e7a1';
      stored.metadata.resourceVersion = String(version++);
      run.stored = stored;
      return send(201, stored);
    }
    if (req.method === 'PATCH' && stored) {
      const patch = JSON.parse(body) as unknown;
      run.patches.push(patch);
      stored = defaulted(applyStrategicMergePatch(stored, patch, 'Deployment.apps'));
      stored.metadata.resourceVersion = String(version++);
      run.stored = stored;
      return send(200, stored);
    }
    send(405, { kind: 'Status', code: 405 });
  });
  try {
    const outs: string[] = [];
    for (const [i, config] of CONFIGS.entries()) {
      const r = await server.kubectl(kubectl, ['apply', '--validate=false', '-f', server.writeFile(`d${i}.yaml`, config)]);
      outs.push(r.stdout + r.stderr);
    }
    expect(outs).toEqual(['deployment.apps/web created\n', 'deployment.apps/web configured\n', 'deployment.apps/web configured\n']);
    return run;
  } finally {
    server.close();
  }
}

/** EXPECTED is the Deployment after the third apply, as the API server keeps it (but the annotation). */
const EXPECTED_SPEC = {
  replicas: 3,
  strategy: { type: 'Recreate' },
  selector: { matchLabels: { app: 'web' } },
  revisionHistoryLimit: 10,
  progressDeadlineSeconds: 600,
  template: {
    metadata: { labels: { app: 'web' } },
    spec: {
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      containers: [
        { name: 'log', image: 'busybox', args: ['tail', '-f', '/dev/null'], imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} },
        {
          name: 'web',
          image: 'nginx:2',
          env: [{ name: 'B', value: '22' }],
          ports: [
            { containerPort: 8080, name: 'alt', protocol: 'TCP' },
            { containerPort: 80, protocol: 'TCP' },
          ],
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          resources: {},
        },
      ],
    },
  },
};

function checkFinal(stored: Obj): void {
  expect(stored.spec).toEqual(EXPECTED_SPEC);
  expect(stored.metadata.labels).toEqual({ tier: 'front' });
  const lastApplied = JSON.parse(stored.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
  expect(lastApplied.spec.template.spec.containers.map((c: Obj) => c.name)).toEqual(['log', 'web']);
}

describe('kubectl apply (client side) through applyStrategicMergePatch', () => {
  test('the recorded patches of kubectl 1.32 give what the API server keeps', () => {
    const recorded = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { created: Obj; patches: unknown[] };
    let stored = defaulted(structuredClone(recorded.created));
    for (const p of recorded.patches) stored = defaulted(applyStrategicMergePatch(stored, p, 'Deployment.apps'));
    checkFinal(stored);
    // What kubectl sent: the directives the server must carry out.
    const second = JSON.stringify(recorded.patches[0]);
    for (const part of ['"$setElementOrder/containers":[{"name":"log"},{"name":"web"}]', '{"$patch":"delete","name":"sidecar"}', '"$retainKeys":["type"]', '{"$patch":"delete","name":"A"}'])
      expect(second).toContain(part);
  });

  // kubectl is on every machine these tests run on (README): without it this fails, never skips.
  if (KUBECTLS.length === 0) test('kubectl is installed', () => expect(KUBECTLS).not.toEqual([]));
  test.each(KUBECTLS)('real %s', async (kubectl) => {
    const run = await runKubectl(kubectl);
    checkFinal(run.stored);
    if (kubectl === 'kubectl' && process.env['UPDATE_GOLDEN'] === '1') {
      writeFileSync(FIXTURE, `${JSON.stringify({ kubectl: 'v1.32', created: run.created, patches: run.patches }, null, 2)}\n`);
    }
    if (kubectl === 'kubectl') expect(run.patches).toEqual((JSON.parse(readFileSync(FIXTURE, 'utf8')) as { patches: unknown[] }).patches);
  }, 60_000);
});
