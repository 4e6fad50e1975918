/**
 * Real kubectl (every version installed, 1.27 to 1.33) against a
 * test-only plain-HTTP server that serves discovery and OpenAPI from src/serve, plus just what the
 * commands ask on the way: one stored Pod to GET and PATCH (client-side apply), and a POST that
 * answers the object back. What is checked is kubectl's own output and the requests it makes:
 * api-resources (the rows a cluster prints for these kinds), api-versions, explain (v3 for 1.29+,
 * v2 protobuf for 1.27/1.28), version's skew warning, and that apply/create leave validation to the
 * server (`fieldValidation=Strict`) after reading the documents. No Podman needed.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Discovery } from '../../../src/serve/discovery';
import { OpenApi } from '../../../src/serve/openapi';

/** Every kubectl installed here: 1.32 is the machine's own, 1.27 the oldest, 1.33 the newest. */
const VERSIONS = ['1.27', '1.28', '1.29', '1.30', '1.31', '1.32', '1.33'] as const;
const minor = (v: string): number => Number(v.split('.')[1]);
const kubectlPath = (v: string): string => `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`;

const LAST_APPLIED = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { annotations: {}, name: 'web', namespace: 'default' }, spec: { containers: [{ image: 'localhost/busybox:old', name: 'c' }] } });
const STORED_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: '6b0a3c1e-0000-4000-8000-000000000001', resourceVersion: '5', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${LAST_APPLIED}\n` } },
  spec: { containers: [{ name: 'c', image: 'localhost/busybox:old' }] },
};

interface Seen {
  method: string;
  url: string;
  accept: string;
  contentType: string;
  body: string;
}

let server: http.Server;
let dir: string;
let kubeconfig: string;
const seen: Seen[] = [];

beforeAll(async () => {
  const discovery = new Discovery({ kubeplayVersion: '0.1.0', platform: 'linux/amd64', runtimeVersion: `node ${process.version}` });
  const openapi = new OpenApi(discovery.resources);
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? '', url, accept: req.headers.accept ?? '', contentType: req.headers['content-type'] ?? '', body });
      const doc =
        req.method === 'GET'
          ? (discovery.respond({ path: url, accept: req.headers.accept, ifNoneMatch: req.headers['if-none-match'] }) ??
            openapi.respond({ path: url, accept: req.headers.accept, ifNoneMatch: req.headers['if-none-match'] }))
          : undefined;
      if (doc) {
        res.writeHead(doc.status, { 'content-type': doc.contentType, ...(doc.etag ? { etag: doc.etag } : {}) });
        res.end(doc.body);
        return;
      }
      const path = url.split('?')[0];
      const send = (status: number, o: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(o));
      };
      if (path === '/api/v1/namespaces/default/pods/web' && (req.method === 'GET' || req.method === 'PATCH')) return send(200, STORED_POD);
      if (path === '/api/v1/namespaces/default/pods' && req.method === 'POST') return send(201, JSON.parse(body) as unknown);
      // An empty list for a served collection, so `get` can run through the kinds it maps.
      const collection = /^\/(?:api|apis\/[^/]+)\/v1\/namespaces\/default\/([a-z]+)$/.exec(path ?? '');
      const listed = collection && discovery.resources.find((r) => r.info.plural === collection[1]);
      if (listed && req.method === 'GET') return send(200, { kind: `${listed.info.kind}List`, apiVersion: listed.info.apiVersion, metadata: { resourceVersion: '7' }, items: [] });
      send(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  dir = mkdtempSync(join(tmpdir(), 'kubeplay-kubectl-discovery-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: stub, cluster: {server: "http://127.0.0.1:' + port + '"}}]',
      'users: [{name: stub, user: {token: test}}]',
      'contexts: [{name: stub, context: {cluster: stub, user: stub, namespace: default}}]',
      'current-context: stub',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'web.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: c\n    image: localhost/busybox:stable\n');
  writeFileSync(join(dir, 'fresh.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: fresh\nspec:\n  containers:\n  - name: c\n    image: localhost/busybox:stable\n    unknownField: 1\n');
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  requests: Seen[];
}

let runs = 0;
/** kubectl runs one command with a fresh discovery cache, returning its output and the requests it made. */
function kubectl(version: string, args: readonly string[]): Promise<Run> {
  const cache = join(dir, `cache-${runs++}`);
  const from = seen.length;
  return new Promise((resolve) => {
    execFile(kubectlPath(version), ['--kubeconfig', kubeconfig, '--cache-dir', cache, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr, requests: seen.slice(from) });
    });
  });
}

const rows = (table: string): string[] => table.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));

test('kubectl 1.27 to 1.33 are installed', () => {
  for (const v of VERSIONS) expect([v, existsSync(kubectlPath(v))]).toEqual([v, true]);
});

describe.each(VERSIONS)('kubectl %s', (v) => {
  test('api-resources prints the rows a cluster prints for these kinds', async () => {
    const r = await kubectl(v, ['api-resources']);
    expect(r.stderr).toBe('');
    // A real cluster's rows for these kinds (short names, API versions, scope), in discovery order;
    // a row with no short name has one field fewer once the spaces are squeezed.
    expect(rows(r.stdout)).toEqual([
      'NAME SHORTNAMES APIVERSION NAMESPACED KIND',
      'configmaps cm v1 true ConfigMap',
      'endpoints ep v1 true Endpoints',
      'events ev v1 true Event',
      'namespaces ns v1 false Namespace',
      'persistentvolumeclaims pvc v1 true PersistentVolumeClaim',
      'persistentvolumes pv v1 false PersistentVolume',
      'pods po v1 true Pod',
      'replicationcontrollers rc v1 true ReplicationController',
      'secrets v1 true Secret',
      'services svc v1 true Service',
      'controllerrevisions apps/v1 true ControllerRevision',
      'daemonsets ds apps/v1 true DaemonSet',
      'deployments deploy apps/v1 true Deployment',
      'replicasets rs apps/v1 true ReplicaSet',
      'statefulsets sts apps/v1 true StatefulSet',
      'cronjobs cj batch/v1 true CronJob',
      'jobs batch/v1 true Job',
      'endpointslices discovery.k8s.io/v1 true EndpointSlice',
      'ingresses ing networking.k8s.io/v1 true Ingress',
    ]);
    // client-go asks for aggregated discovery v2 from 1.30, v2beta1 before.
    const aggregated = minor(v) < 30 ? 'v=v2beta1' : 'v=v2;';
    expect(r.requests.filter((q) => q.url.startsWith('/api?') || q.url.startsWith('/apis?')).map((q) => q.accept.split(',')[0]!.includes(aggregated))).toEqual([true, true]);
    const wide = await kubectl(v, ['api-resources', '-o', 'wide', '--api-group=']);
    expect(rows(wide.stdout).find((l) => l.startsWith('namespaces '))).toBe('namespaces ns v1 false Namespace create,delete,get,list,patch,update,watch');
    expect(rows(wide.stdout).find((l) => l.startsWith('pods '))).toBe('pods po v1 true Pod create,delete,deletecollection,get,list,patch,update,watch all');
  });

  test('get all lists the category all in discovery order; short names map', async () => {
    const r = await kubectl(v, ['get', 'all']);
    expect([r.code, r.stderr]).toEqual([0, 'No resources found in default namespace.\n']);
    const lists = r.requests.filter((q) => q.url.startsWith('/api/v1/namespaces') || q.url.startsWith('/apis/')).map((q) => q.url.split('?')[0]);
    expect(lists).toEqual(
      ['/api/v1/namespaces/default/pods', '/api/v1/namespaces/default/services']
        .concat(['daemonsets', 'deployments', 'replicasets', 'statefulsets'].map((p) => `/apis/apps/v1/namespaces/default/${p}`))
        .concat(['/apis/batch/v1/namespaces/default/jobs']),
    );
    const short = await kubectl(v, ['get', 'ev,cm,deploy,sts,ep']);
    expect(short.requests.filter((q) => q.url.includes('/namespaces/default/')).map((q) => q.url.split('?')[0])).toEqual([
      '/api/v1/namespaces/default/events',
      '/api/v1/namespaces/default/configmaps',
      '/apis/apps/v1/namespaces/default/deployments',
      '/apis/apps/v1/namespaces/default/statefulsets',
      '/api/v1/namespaces/default/endpoints',
    ]);
  });

  test('api-versions', async () => {
    const r = await kubectl(v, ['api-versions']);
    expect(r.stdout.trim().split('\n')).toEqual(['apps/v1', 'batch/v1', 'discovery.k8s.io/v1', 'networking.k8s.io/v1', 'v1']);
  });

  test('explain pods.spec.containers', async () => {
    const r = await kubectl(v, ['explain', 'pods.spec.containers']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^KIND: +Pod\nVERSION: +v1\n\nFIELD: +containers <\[\]Container>\n/);
    expect(r.stdout).toContain('List of containers belonging to the pod.');
    expect(r.stdout).toMatch(/\n {2}image\t<string>\n/);
    expect(r.stdout).toMatch(/\n {2}ports\t<\[\]ContainerPort>\n/);
    expect(r.stdout).toMatch(/\n {2}name\t<string> -required-\n/);
    // 1.27 and 1.28 read OpenAPI v2 (protobuf) for explain, 1.29+ v3.
    const used = r.requests.map((q) => q.url.split('?')[0]);
    expect(used).toContain(minor(v) < 29 ? '/openapi/v2' : '/openapi/v3/api/v1');
  });

  test('explain deployment --recursive', async () => {
    const r = await kubectl(v, ['explain', 'deployment', '--recursive']);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['GROUP:      apps', 'KIND:       Deployment', 'VERSION:    v1']);
    expect(lines).toContain('  spec\t<DeploymentSpec>');
    expect(lines).toContain('    template\t<PodTemplateSpec> -required-');
    expect(lines).toContain('        containers\t<[]Container> -required-');
    expect(r.stdout).toMatch(/\n {4}strategy\t<DeploymentStrategy>\n {6}rollingUpdate\t<RollingUpdateDeployment>\n {8}maxSurge\t<IntOrString>\n/);
  });

  test('version -o json (a skew warning for a client more than one minor from 1.32)', async () => {
    const r = await kubectl(v, ['version', '-o', 'json']);
    const out = JSON.parse(r.stdout) as { serverVersion: Record<string, string> };
    expect(out.serverVersion).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0+kubeplay.0.1.0', platform: 'linux/amd64' });
    if (minor(v) < 31) expect(r.stderr).toContain(`WARNING: version difference between client (${v}) and server (1.32) exceeds the supported minor version skew of +/-1`);
    else expect(r.stderr).toBe('');
  });

  test('apply --dry-run=server reads discovery and OpenAPI, then leaves validation to the server', async () => {
    const r = await kubectl(v, ['apply', '--dry-run=server', '-f', join(dir, 'fresh.yaml')]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe('pod/fresh created (server dry run)\n');
    const post = r.requests.find((q) => q.method === 'POST')!;
    expect(post.url).toBe('/api/v1/namespaces/default/pods?dryRun=All&fieldManager=kubectl-client-side-apply&fieldValidation=Strict');
    // The unknown field goes to the server as written: kubectl did not validate it on its side.
    expect(JSON.parse(post.body)).toMatchObject({ spec: { containers: [{ unknownField: 1 }] } });
    const before = r.requests.slice(0, r.requests.indexOf(post)).map((q) => `${q.method} ${q.url.split('?')[0]}`);
    expect(before).toContain('GET /openapi/v3/api/v1');
    if (minor(v) < 29) expect(before).toContain('GET /openapi/v2');
    expect(r.requests.every((q) => !q.url.startsWith('/swagger'))).toBe(true);
  });

  test('apply (client side) of a changed image: a strategic merge patch by container name', async () => {
    const r = await kubectl(v, ['apply', '-f', join(dir, 'web.yaml')]);
    expect([r.code, r.stderr, r.stdout]).toEqual([0, '', 'pod/web configured\n']);
    const patch = r.requests.find((q) => q.method === 'PATCH')!;
    expect(patch.contentType).toBe('application/strategic-merge-patch+json');
    expect(patch.url).toBe('/api/v1/namespaces/default/pods/web?fieldManager=kubectl-client-side-apply&fieldValidation=Strict');
    expect((JSON.parse(patch.body) as { spec: unknown }).spec).toEqual({ '$setElementOrder/containers': [{ name: 'c' }], containers: [{ image: 'localhost/busybox:stable', name: 'c' }] });
  });

  test('create -f and --validate=false', async () => {
    const r = await kubectl(v, ['create', '-f', join(dir, 'fresh.yaml')]);
    expect([r.code, r.stderr, r.stdout]).toEqual([0, '', 'pod/fresh created\n']);
    expect(r.requests.find((q) => q.method === 'POST')!.url).toBe('/api/v1/namespaces/default/pods?fieldManager=kubectl-create&fieldValidation=Strict');
    const loose = await kubectl(v, ['create', '--validate=false', '-f', join(dir, 'fresh.yaml')]);
    expect(loose.requests.find((q) => q.method === 'POST')!.url).toBe('/api/v1/namespaces/default/pods?fieldManager=kubectl-create&fieldValidation=Ignore');
  });
});
