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
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyStrategicMergePatch } from '../../../../src/serve/patch/strategic-merge';

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

/** serve answers kubectl; each PATCH goes through applyStrategicMergePatch. */
function serve(): Promise<{ server: Server; port: number; run: Run }> {
  const run: Run = { created: {}, patches: [], stored: {} };
  let stored: Obj | undefined;
  let version = 1;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const send = (code: number, obj: unknown): void => {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      const path = (req.url ?? '').split('?')[0];
      if (path === '/version') return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
      if (path === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
      if (path === '/apis') {
        const gv = { groupVersion: 'apps/v1', version: 'v1' };
        return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'apps', versions: [gv], preferredVersion: gv }] });
      }
      if (path === '/api/v1') return send(200, { kind: 'APIResourceList', groupVersion: 'v1', resources: [] });
      if (path === '/apis/apps/v1') {
        const r = { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['create', 'get', 'patch'] };
        return send(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1', resources: [r] });
      }
      if (path?.startsWith('/apis/apps/v1/namespaces/default/deployments')) {
        if (req.method === 'GET') {
          if (stored) return send(200, stored);
          const details = { name: 'web', group: 'apps', kind: 'deployments' };
          return send(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "web" not found', reason: 'NotFound', details, code: 404 });
        }
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
      }
      send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, run })));
}

function kubectlApply(kubectl: string, dir: string, file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(kubectl, ['--kubeconfig', join(dir, 'kubeconfig'), 'apply', '--validate=false', '-f', file], { env: { ...process.env, HOME: dir } }, (err, stdout, stderr) =>
      err ? reject(new Error(`${kubectl}: ${stderr}`)) : resolve(stdout),
    );
  });
}

async function runKubectl(kubectl: string): Promise<Run> {
  const { server, port, run } = await serve();
  const dir = mkdtempSync(join(tmpdir(), 'kubeplay-smp-'));
  try {
    writeFileSync(
      join(dir, 'kubeconfig'),
      `apiVersion: v1\nkind: Config\nclusters: [{name: t, cluster: {server: "http://127.0.0.1:${port}"}}]\nusers: [{name: t, user: {}}]\ncontexts: [{name: t, context: {cluster: t, user: t}}]\ncurrent-context: t\n`,
    );
    const outs: string[] = [];
    for (const [i, config] of CONFIGS.entries()) {
      writeFileSync(join(dir, `d${i}.yaml`), config);
      outs.push(await kubectlApply(kubectl, dir, join(dir, `d${i}.yaml`)));
    }
    expect(outs).toEqual(['deployment.apps/web created\n', 'deployment.apps/web configured\n', 'deployment.apps/web configured\n']);
    return run;
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
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

const KUBECTLS = ['kubectl', ...[27, 28, 29, 30, 31, 32, 33].map((m) => `/usr/lib/google-cloud-sdk/bin/kubectl.1.${m}`)].filter((k) =>
  k === 'kubectl' ? (process.env['PATH'] ?? '').split(':').some((d) => existsSync(join(d, 'kubectl'))) : existsSync(k),
);

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

  if (KUBECTLS.length === 0) test.skip('no kubectl on this machine: real kubectl not run', () => undefined);
  test.each(KUBECTLS)('real %s', async (kubectl) => {
    const run = await runKubectl(kubectl);
    checkFinal(run.stored);
    if (kubectl === 'kubectl' && process.env['UPDATE_GOLDEN'] === '1') {
      writeFileSync(FIXTURE, `${JSON.stringify({ kubectl: 'v1.32', created: run.created, patches: run.patches }, null, 2)}\n`);
    }
    if (kubectl === 'kubectl') expect(run.patches).toEqual((JSON.parse(readFileSync(FIXTURE, 'utf8')) as { patches: unknown[] }).patches);
  }, 60_000);
});
