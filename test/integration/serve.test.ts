/**
 * kubeplay serve driven by the real kubectl (and @kubernetes/client-node) against real Podman:
 * authentication, discovery, apply (client side, then changed and unchanged), get's tables and
 * output formats, selectors, watch, logs, scale, rollout, delete, errors in the API server's
 * words, `kubeplay` and `kubectl` mixed on the same objects, a pod removed behind the server's
 * back replaced, and the server restarted with nothing lost. Everything is named with this run's
 * prefix, on the file's private Podman service, state directory and kubeconfig.
 */
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { TEST_IMAGE, bearerToken, httpGet, kubectl, kubectlBinary, podman, runCli, runProcess, startServe, useIsolatedPodman, waitUntil, type Served } from './support';

const { prefix, tmp, file, onCleanup } = useIsolatedPodman();
const stateDir = join(tmp, 'state');
const kubeconfig = join(tmp, 'kubeconfig');
const front = `${prefix}-front`;
const solo = `${prefix}-solo`;
let served: Served;

const app = (replicas: number, image = TEST_IMAGE) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${front}, labels: {app: ${front}}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${front}}}
  template:
    metadata: {labels: {app: ${front}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ${image}
        command: [sh, -c, "trap 'exit 0' TERM; echo started; while true; do sleep 1; done"]
---
apiVersion: v1
kind: Service
metadata: {name: ${front}}
spec:
  selector: {app: ${front}}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ${front}-config}
data: {greeting: hello}
`;

const soloPod = `apiVersion: v1
kind: Pod
metadata: {name: ${solo}, labels: {app: ${solo}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ${TEST_IMAGE}
    command: [sh, -c, "trap 'exit 0' TERM; for i in 1 2 3; do echo line-$i; done; while true; do sleep 1; done"]
`;

const k = (args: string[], opts: Parameters<typeof kubectl>[2] = {}) => kubectl(served, args, opts);
const ok = async (args: string[], opts: Parameters<typeof kubectl>[2] = {}) => {
  const r = await k(args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${String(r.code)}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
};
const runningPods = async (selector: string) => (await ok(['get', 'pods', '-l', selector, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.phase}{"\\n"}{end}'])).split('\n').filter((l) => l.endsWith('=Running'));

/** spawnKubectl starts a kubectl that runs until killed (port-forward). */
function spawnKubectl(args: string[], version?: string): { out: () => string; kill: () => void } {
  const child = spawn(kubectlBinary(version), args, { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  return { out: () => out, kill: () => child.kill('SIGINT') };
}

beforeAll(async () => {
  served = await startServe(stateDir, kubeconfig);
  onCleanup('stop kubeplay serve', () => served.stop());
});

test('a request without credentials gets 401 and nothing else', async () => {
  const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'))![1]!, 'base64').toString();
  const ask = (headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.get(`${served.url}/api/v1/namespaces/default/pods`, { ca, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
  const none = await ask({});
  expect(none.status).toBe(401);
  expect(JSON.parse(none.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
  expect((await ask({ Authorization: 'Bearer wrong' })).status).toBe(401);
  expect((await ask({ Authorization: `Bearer ${bearerToken(kubeconfig)}` })).status).toBe(200);
});

test('kubectl apply creates the objects, and the controllers make the pods', async () => {
  const out = await ok(['apply', '-f', file('app.yaml', app(2))]);
  expect(out).toBe(`deployment.apps/${front} created\nservice/${front} created\nconfigmap/${front}-config created\n`);
  await waitUntil('two running replicas', async () => (await runningPods(`app=${front}`)).length === 2);
  const table = await ok(['get', 'pods', '-l', `app=${front}`]);
  expect(table.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
  expect(table).toMatch(new RegExp(`${front}-[a-z0-9]+-[a-z0-9]{5}\\s+1/1\\s+Running\\s+0\\s+\\d+s`));
  const deploy = await ok(['get', 'deploy', front]);
  expect(deploy).toMatch(new RegExp(`^NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\n${front}\\s+2/2\\s+2\\s+2\\s+\\d+s\\n$`));
  const svc = await ok(['get', 'svc', front, '-o', 'wide']);
  expect(svc).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR\n/);
});

test('an unchanged apply is unchanged, and a changed one configures (a strategic merge patch)', async () => {
  expect(await ok(['apply', '-f', file('app.yaml', app(2))])).toBe(`deployment.apps/${front} unchanged\nservice/${front} unchanged\nconfigmap/${front}-config unchanged\n`);
  expect(await ok(['apply', '-f', file('app3.yaml', app(3))])).toContain(`deployment.apps/${front} configured`);
  await waitUntil('three running replicas', async () => (await runningPods(`app=${front}`)).length === 3);
});

test('get prints yaml, json, name, jsonpath, custom columns, -A, label and field selectors', async () => {
  const y = await ok(['get', 'configmap', `${front}-config`, '-o', 'yaml']);
  expect(y).toContain('greeting: hello');
  expect(y).toMatch(/resourceVersion: "\d+"/);
  expect(y).toMatch(/uid: [0-9a-f-]{36}/);
  const j = JSON.parse(await ok(['get', 'deploy', front, '-o', 'json'])) as { spec: { replicas: number }; metadata: { generation: number } };
  expect(j.spec.replicas).toBe(3);
  expect(await ok(['get', 'svc', front, '-o', 'name'])).toBe(`service/${front}\n`);
  expect(await ok(['get', 'cm', `${front}-config`, '-o', 'jsonpath={.data.greeting}'])).toBe('hello');
  const cc = await ok(['get', 'pods', '-l', `app=${front}`, '-o', 'custom-columns=NAME:.metadata.name,PHASE:.status.phase', '--no-headers']);
  expect(cc.trim().split('\n')).toHaveLength(3);
  const all = await ok(['get', 'pods', '-A', '-l', `app=${front}`]);
  expect(all.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY/);
  expect((await ok(['get', 'pods', '-l', `app=${front}`, '--field-selector', 'status.phase=Running', '-o', 'name'])).trim().split('\n')).toHaveLength(3);
  expect(await ok(['get', 'pods', '--field-selector', 'status.phase=Failed', '-l', `app=${front}`])).toBe('');
});

test('kubectl get -w sees a pod come, run and go', async () => {
  const watch = spawnKubectl(['get', 'pods', '-l', `app=${solo}`, '-w', '--output-watch-events']);
  try {
    await waitUntil('the watch to start', async () => watch.out().includes('No resources found') || watch.out() === '', 5000);
    await new Promise((r) => setTimeout(r, 1000));
    await ok(['apply', '-f', file('solo.yaml', soloPod)]);
    await waitUntil('the solo pod to run', async () => (await runningPods(`app=${solo}`)).length === 1);
    const deleted = Date.now();
    await ok(['delete', 'pod', solo]);
    await waitUntil('the watch to see the deletion', async () => new RegExp(`DELETED\\s+${solo}`).test(watch.out()), 30_000);
    expect(Date.now() - deleted).toBeLessThan(30_000);
  } finally {
    watch.kill();
  }
  expect(watch.out()).toMatch(new RegExp(`ADDED\\s+${solo}\\s+0/1`));
  expect(watch.out()).toMatch(new RegExp(`MODIFIED\\s+${solo}\\s+1/1\\s+Running`));
});

test('logs: the whole log, --tail and -f', async () => {
  await ok(['apply', '-f', file('solo.yaml', soloPod)]);
  await waitUntil('the solo pod to run', async () => (await runningPods(`app=${solo}`)).length === 1);
  await waitUntil('three lines of log', async () => (await k(['logs', solo])).stdout === 'line-1\nline-2\nline-3\n');
  expect(await ok(['logs', solo, '--tail=1'])).toBe('line-3\n');
  expect(await ok(['logs', solo, '-c', 'main', '--tail=2'])).toBe('line-2\nline-3\n');
  const f = await k(['logs', '-f', solo, '--request-timeout=3s'], { timeoutMs: 20_000 });
  expect(f.stdout).toContain('line-3\n');
});

test('logs --since and -p, as the kubelet answers them', async () => {
  expect(await ok(['logs', solo, '--since=1h'])).toBe('line-1\nline-2\nline-3\n');
  const previous = await k(['logs', '-p', solo]);
  expect(previous.code).toBe(1);
  expect(previous.stderr).toContain(`previous terminated container "main" in pod "${solo}" not found`);
});

test('exec -it gets a terminal of the client\'s size (script(1) gives kubectl one)', async () => {
  const r = await runProcess('script', ['-qec', `stty rows 33 cols 101; kubectl exec -it ${solo} -- sh -c 'stty size; exit 4'`, '/dev/null'], { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: tmp } });
  expect(r.stdout).toContain('33 101');
  expect(r.code).toBe(4);
});

test('kubectl create namespace|configmap|secret (protobuf bodies); other generators are a 415', async () => {
  const ns = `${prefix}-pb`;
  expect(await ok(['create', 'namespace', ns])).toBe(`namespace/${ns} created\n`);
  expect(await ok(['create', 'configmap', 'settings', '-n', ns, '--from-literal=a=1', '--from-literal=b=two'])).toBe('configmap/settings created\n');
  expect(await ok(['create', 'secret', 'generic', 'creds', '-n', ns, '--from-literal=user=admin'])).toBe('secret/creds created\n');
  expect(await ok(['get', 'cm', 'settings', '-n', ns, '-o', 'jsonpath={.data.a}/{.data.b}'])).toBe('1/two');
  expect(Buffer.from(await ok(['get', 'secret', 'creds', '-n', ns, '-o', 'jsonpath={.data.user}']), 'base64').toString()).toBe('admin');
  const deploy = await k(['create', 'deployment', `${prefix}-gen`, `--image=${TEST_IMAGE}`]);
  expect(deploy.code).toBe(1);
  expect(deploy.stderr).toContain('the body of the request was in an unknown format');
  expect(await ok(['delete', 'namespace', ns])).toBe(`namespace "${ns}" deleted\n`);
});

test('a write from a stale resourceVersion is 409 Conflict', async () => {
  const name = `${prefix}-stale`;
  await ok(['create', 'configmap', name, '--from-literal=a=1']);
  const old = JSON.parse(await ok(['get', 'cm', name, '-o', 'json'])) as { data: Record<string, string> };
  await ok(['label', 'cm', name, 'moved=on']);
  old.data = { a: '2' };
  const r = await k(['replace', '-f', file('stale.json', JSON.stringify(old))]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`Error from server (Conflict): error when replacing "${join(tmp, 'stale.json')}": Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`);
  expect(await ok(['get', 'cm', name, '-o', 'jsonpath={.data.a}'])).toBe('1');
  await ok(['delete', 'cm', name]);
});

test('exec runs a command in the pod: output, stdin, the exit code (WebSocket for 1.32, SPDY for 1.27)', async () => {
  const r = await k(['exec', solo, '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  expect(r.code).toBe(3);
  expect(r.stdout).toBe('out\n');
  expect(r.stderr).toBe('err\ncommand terminated with exit code 3\n');
  expect(await ok(['exec', '-i', solo, '--', 'tr', 'a-z', 'A-Z'], { stdin: 'hello\n' })).toBe('HELLO\n');
  expect(await ok(['exec', solo, '-c', 'main', '--', 'echo', 'from-1.27'], { version: '1.27' })).toBe('from-1.27\n');
  const missing = await k(['exec', 'nope', '--', 'true']);
  expect(missing.stderr).toContain('pods "nope" not found');
});

test('port-forward reaches a port of the pod', async () => {
  const web = `${prefix}-httpd`;
  await ok(['apply', '-f', file('httpd.yaml', `apiVersion: v1
kind: Pod
metadata: {name: ${web}, labels: {app: ${web}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: ${TEST_IMAGE}
    command: [sh, -c, "mkdir -p /www && echo forwarded > /www/index.html && exec httpd -f -p 8080 -h /www"]
`)]);
  await waitUntil('the httpd pod to run', async () => (await runningPods(`app=${web}`)).length === 1);
  for (const version of [undefined, '1.27']) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const pf = spawnKubectl(['port-forward', `pod/${web}`, `${port}:8080`], version);
    try {
      await waitUntil('port-forward to listen', async () => pf.out().includes(`Forwarding from 127.0.0.1:${port} -> 8080`), 20_000);
      const bodies = (await Promise.all([1, 2, 3].map(() => httpGet(`http://127.0.0.1:${port}/`)))).map((r) => r.body);
      expect(bodies).toEqual(['forwarded\n', 'forwarded\n', 'forwarded\n']);
    } finally {
      pf.kill();
    }
  }
  await ok(['delete', 'pod', web]);
});

test('describe shows the pod and the kubelet\'s events', async () => {
  const d = await ok(['describe', 'pod', solo]);
  expect(d).toMatch(new RegExp(`^Name:\\s+${solo}\\n`));
  expect(d).toMatch(/Status:\s+Running/);
  expect(d).toMatch(/Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n/);
  expect(d).toMatch(/Normal\s+Started\s+\S+\s+\S+\s+Started container main/);
  expect(await ok(['describe', 'deploy', front])).toMatch(/Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable/);
});

test('version, api-resources, api-versions and explain come from the server', async () => {
  const v = JSON.parse(await ok(['version', '-o', 'json'])) as { serverVersion: { major: string; minor: string; gitVersion: string } };
  expect(v.serverVersion.major).toBe('1');
  expect(v.serverVersion.gitVersion).toMatch(/^v1\.\d+\.\d+/);
  const resources = await ok(['api-resources']);
  expect(resources.split('\n')[0]).toMatch(/^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
  expect(resources).toMatch(/\npods\s+po\s+v1\s+true\s+Pod\n/);
  expect(resources).toMatch(/\ndeployments\s+deploy\s+apps\/v1\s+true\s+Deployment\n/);
  expect(await ok(['api-versions'])).toContain('apps/v1\n');
  const explain = await ok(['explain', 'pods.spec.containers.image']);
  expect(explain).toContain('FIELD: image <string>');
});

test('--dry-run=server changes nothing, diff shows a change, wait waits', async () => {
  const out = await ok(['apply', '--dry-run=server', '-f', file('app5.yaml', app(5))]);
  expect(out).toContain(`deployment.apps/${front} configured (server dry run)`);
  expect(await ok(['get', 'deploy', front, '-o', 'jsonpath={.spec.replicas}'])).toBe('3');
  const diff = await k(['diff', '-f', file('app5.yaml', app(5))]);
  expect(diff.code).toBe(1);
  expect(diff.stdout).toMatch(/-\s+replicas: 3\n\+\s+replicas: 5/);
  expect(await ok(['wait', '--for=condition=Ready', `pod/${solo}`, '--timeout=30s'])).toBe(`pod/${solo} condition met\n`);
});

test('apply --server-side: field managers, a conflict in the API server\'s words, --force-conflicts', async () => {
  const cm = `${prefix}-ssa`;
  const manifest = (a: string) => file('ssa.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${cm}}\ndata: {a: "${a}", b: "2"}\n`);
  expect(await ok(['apply', '--server-side', '-f', manifest('1')])).toBe(`configmap/${cm} serverside-applied\n`);
  const managed = JSON.parse(await ok(['get', 'cm', cm, '-o', 'json', '--show-managed-fields'])) as { metadata: { managedFields: Array<{ manager: string; operation: string; fieldsV1: Record<string, unknown> }> } };
  expect(managed.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } } })]);
  const conflict = await k(['apply', '--server-side', '--field-manager=other', '-f', manifest('9')]);
  expect(conflict.code).toBe(1);
  expect(conflict.stderr).toContain('error: Apply failed with 1 conflict: conflict with "kubectl": .data.a');
  expect(await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', manifest('9')])).toBe(`configmap/${cm} serverside-applied\n`);
  expect(await ok(['get', 'cm', cm, '-o', 'jsonpath={.data.a}'])).toBe('9');
  await ok(['delete', 'cm', cm]);
});

test('apply --prune with kubectl\'s default list removes what the files no longer hold', async () => {
  const cm = (n: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${prefix}-p${n}, labels: {set: ${prefix}}}\ndata: {num: "${n}"}\n`;
  await ok(['apply', '-f', file('prune.yaml', `${cm(1)}---\n${cm(2)}`)]);
  const r = await k(['apply', '--prune', '-l', `set=${prefix}`, '-f', file('prune1.yaml', cm(1))]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`configmap/${prefix}-p1 unchanged\nconfigmap/${prefix}-p2 pruned\n`);
  expect(await ok(['get', 'cm', '-l', `set=${prefix}`, '-o', 'name'])).toBe(`configmap/${prefix}-p1\n`);
  await ok(['delete', 'cm', `${prefix}-p1`]);
});

test('errors are the API server\'s: not found, invalid, already exists', async () => {
  const nf = await k(['get', 'pod', 'nope']);
  expect(nf.code).toBe(1);
  expect(nf.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  const bad = await k(['apply', '-f', file('bad.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: ${prefix}-bad}\nspec:\n  containers:\n  - name: c\n`)]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain(`Pod "${prefix}-bad" is invalid: spec.containers[0].image: Required value`);
  const dup = await k(['create', '-f', file('solo.yaml', soloPod)]);
  expect(dup.code).toBe(1);
  expect(dup.stderr).toContain(`Error from server (AlreadyExists): error when creating "${join(tmp, 'solo.yaml')}": pods "${solo}" already exists`);
});

test('kubectl scale and rollout status drive the Deployment', async () => {
  expect(await ok(['scale', `deploy/${front}`, '--replicas=1'])).toBe(`deployment.apps/${front} scaled\n`);
  await waitUntil('one replica', async () => (await ok(['get', 'pods', '-l', `app=${front}`, '-o', 'name'])).trim().split('\n').filter((l) => l !== '').length === 1);
  expect(await ok(['rollout', 'status', `deploy/${front}`, '--timeout=60s'])).toContain(`deployment "${front}" successfully rolled out`);
});

test('kubeplay and kubectl work on the same objects', async () => {
  const env = { KUBEPLAY_STATE_DIR: stateDir };
  await waitUntil('kubeplay get to show the Deployment as kubectl left it', async () => new RegExp(`${front}\\s+1/1`).test((await runCli(['get', 'deploy', front, '--state-dir', stateDir], { env })).stdout));
  const cm = `${prefix}-from-kubeplay`;
  const r = await runCli(['apply', '-f', file('cm.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${cm}}\ndata: {a: b}\n`), '--state-dir', stateDir], { env });
  expect(r.code).toBe(0);
  expect(await ok(['get', 'cm', cm, '-o', 'jsonpath={.data.a}'])).toBe('b');
});

test('a pod removed behind the server\'s back is replaced by its ReplicaSet', async () => {
  const [before] = (await ok(['get', 'pods', '-l', `app=${front}`, '-o', 'jsonpath={.items[0].metadata.name}'])).split('\n');
  await podman(['pod', 'rm', '-f', before!]);
  await waitUntil('a new replica', async () => {
    const pods = await runningPods(`app=${front}`);
    return pods.length === 1 && !pods[0]!.startsWith(`${before!}=`);
  });
});

test('label, annotate, rollout restart, history and undo, events', async () => {
  expect(await ok(['label', 'deploy', front, 'tier=web'])).toBe(`deployment.apps/${front} labeled\n`);
  expect(await ok(['annotate', 'deploy', front, 'note=hi'])).toBe(`deployment.apps/${front} annotated\n`);
  expect(await ok(['get', 'deploy', front, '-o', 'jsonpath={.metadata.labels.tier}/{.metadata.annotations.note}'])).toBe('web/hi');
  const rsNames = async () => (await ok(['get', 'rs', '-l', `app=${front}`, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.replicas}{"\\n"}{end}'])).trim().split('\n');
  const before = await rsNames();
  expect(await ok(['rollout', 'restart', `deploy/${front}`])).toBe(`deployment.apps/${front} restarted\n`);
  expect(await ok(['rollout', 'status', `deploy/${front}`, '--timeout=60s'])).toContain('successfully rolled out');
  expect((await rsNames()).length).toBe(before.length + 1);
  expect(await ok(['rollout', 'history', `deploy/${front}`])).toMatch(/REVISION\s+CHANGE-CAUSE\n/);
  expect(await ok(['rollout', 'undo', `deploy/${front}`])).toBe(`deployment.apps/${front} rolled back\n`);
  expect(await ok(['rollout', 'status', `deploy/${front}`, '--timeout=60s'])).toContain('successfully rolled out');
  // Back to the ReplicaSet of before the restart, not a new one.
  const after = await rsNames();
  expect(after.length).toBe(before.length + 1);
  expect(after.filter((l) => !l.endsWith('=0')).map((l) => l.split('=')[0])).toEqual(before.filter((l) => !l.endsWith('=0')).map((l) => l.split('=')[0]));
  const events = await ok(['get', 'events', '--field-selector', `involvedObject.name=${front}`]);
  expect(events.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
  expect(events).toMatch(new RegExp(`Normal\\s+ScalingReplicaSet\\s+deployment/${front}\\s+Scaled up replica set`));
});

test('delete --cascade=orphan keeps the ReplicaSet and its pods', async () => {
  const name = `${prefix}-orphan`;
  const manifest = app(1).replaceAll(front, name).split('---')[0]!;
  await ok(['apply', '-f', file('orphan.yaml', manifest)]);
  await waitUntil('its replica', async () => (await runningPods(`app=${name}`)).length === 1);
  expect(await ok(['delete', 'deploy', name, '--cascade=orphan'])).toBe(`deployment.apps "${name}" deleted\n`);
  await new Promise((r) => setTimeout(r, 3000));
  expect((await runningPods(`app=${name}`)).length).toBe(1);
  const rs = await ok(['get', 'rs', '-l', `app=${name}`, '-o', 'jsonpath={.items[0].metadata.ownerReferences}']);
  expect(rs).toBe('');
  await ok(['delete', 'rs', '-l', `app=${name}`]);
  await waitUntil('the orphan to go with its ReplicaSet', async () => (await ok(['get', 'pods', '-l', `app=${name}`, '-o', 'name'])) === '');
});

test('delete removes objects and their pods', async () => {
  expect(await ok(['delete', 'pod', solo])).toBe(`pod "${solo}" deleted\n`);
  expect(await ok(['delete', '-f', file('app3.yaml', app(3))])).toContain(`deployment.apps "${front}" deleted`);
  await waitUntil('the replicas to go', async () => (await ok(['get', 'pods', '-l', `app=${front}`, '-o', 'name'])) === '');
  expect((await podman(['pod', 'ps', '--filter', `name=${front}`, '--format', '{{.Name}}'])).stdout).toBe('');
});
