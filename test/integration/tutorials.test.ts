/**
 * Issue 19's "done when": the classic multi-tier manifests of public Kubernetes tutorials apply
 * unchanged and answer. test/fixtures/tutorials/ holds two, copied as kubernetes.io publishes them:
 *
 * - "Connect a Frontend to a Backend Using Services": an nginx front end proxying to the `hello`
 *   Service in front of three hello-go-gke replicas (the API), the front published by a LoadBalancer
 *   Service on port 80;
 * - "Deploying PHP Guestbook application with Redis": a front end writing to the `redis-leader`
 *   Service (the database) and reading from `redis-follower`, which the tutorial reaches with
 *   `kubectl port-forward svc/frontend`.
 *
 * Their images are the stand-ins scripts/setup.sh builds under the manifests' names (no registry is
 * reachable): each listens on the original's port and talks to the next tier by its Service name, so
 * an answer at the front shows every tier was reached. Each tutorial is applied with `-n` into a
 * namespace of this run's prefix (the manifests set none), waited for as a user would (`apply
 * --wait`), asked from the host, then deleted with `delete -f`, which must leave no pod and no proxy.
 * Its own service, prefix and state directory.
 */
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { freePortBase, listPods, podman, podmanExec, runCli, startCli, useIsolatedPodman, waitUntil, type RunningCli } from './support';

const iso = useIsolatedPodman();
const { prefix, tmp, file } = iso;
const stateDir = join(tmp, 'state');
const cli = (args: string[]) => runCli([...args, '--state-dir', stateDir], { timeoutMs: 180_000 });

const FRONTEND_BACKEND = 'test/fixtures/tutorials/frontend-backend';
const GUESTBOOK = 'test/fixtures/tutorials/guestbook';

/** The images the manifests name: stand-ins built by scripts/setup.sh. */
const IMAGES = [
  'gcr.io/google-samples/hello-go-gke:1.0',
  'gcr.io/google-samples/hello-frontend:1.0',
  'docker.io/redis:6.0.5',
  'us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower:v2',
  'us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5',
];

const namespaceYaml = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

/** ours lists the Podman pods of a namespace: its workloads' (`<ns>_<pod>`) and its Services' proxies (`<network>_<ns>_<svc>`). */
async function ours(ns: string): Promise<string[]> {
  return (await listPods()).map((p) => p.Name).filter((n) => n.startsWith(`${ns}_`) || n.includes(`_${ns}_`)).sort();
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.text() };
}

/** hold listens on 0.0.0.0:port, as a web server already running on the host would. */
function hold(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer((c) => c.end());
    s.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`port ${port} is already in use on this host (${e.code ?? e.message}); the frontend-backend tutorial's LoadBalancer publishes on it, so free it to run this test`)),
    );
    s.listen(port, '0.0.0.0', () => resolve(s));
  });
}
const release = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));

beforeAll(async () => {
  const missing: string[] = [];
  for (const image of IMAGES) if ((await podman(['image', 'exists', image])).code !== 0) missing.push(image);
  if (missing.length > 0) throw new Error(`the tutorials' stand-in images ${missing.join(', ')} are missing; run bash scripts/setup.sh (it builds them, no registry needed)`);
});

// If an apply ever put the tutorials' objects elsewhere than the namespace asked for, they are in
// this state directory's default namespace: take them away with the rest.
iso.onCleanup('delete the tutorials from the default namespace of this state directory', async () => {
  for (const dir of [FRONTEND_BACKEND, GUESTBOOK]) await cli(['delete', '-f', dir, '--ignore-not-found']);
});

describe('Connect a Frontend to a Backend Using Services (kubernetes.io)', () => {
  const ns = `${prefix}-hello`;
  const lines = ['service/hello created', 'service/frontend created', 'deployment.apps/backend created', 'deployment.apps/frontend created', ''];

  test('with port 80 held on the host, the unchanged manifests are refused before any change: the LoadBalancer publishes on its port', async () => {
    expect(await cli(['apply', '-f', file('ns-hello.yaml', namespaceYaml(ns))])).toMatchObject({ code: 0, stdout: `namespace/${ns} created\n` });
    const holder = await hold(80);
    try {
      const r = await cli(['apply', '-f', FRONTEND_BACKEND, '-n', ns]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('service/frontend: port 80/TCP would be published on the host, but it is already in use by');
      expect(r.stdout).toBe('');
      expect(await ours(ns)).toEqual([]);
    } finally {
      await release(holder);
    }
  });

  test('apply -f applies the four files unchanged into the namespace and --wait returns when every Deployment is available', async () => {
    // As `kubectl apply -n`: the manifests name no namespace, so their objects go to the one -n names.
    const r = await cli(['apply', '-f', FRONTEND_BACKEND, '-n', ns, '--wait', '--timeout', '150s']);
    expect(r.stdout).toBe(lines.join('\n'));
    expect(r.code).toBe(0);
    // The objects are where -n put them (the manifests name no namespace).
    const deploys = await cli(['get', 'deployments', '-n', ns, '-o', 'jsonpath={.items[*].metadata.name}']);
    expect(deploys.stdout.trim().split(' ').sort()).toEqual(['backend', 'frontend']);
    const ready = await cli(['get', 'deployments', '-n', ns, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.availableReplicas} {end}']);
    expect(ready.stdout.trim().split(' ').sort()).toEqual(['backend=3', 'frontend=1']);
  });

  test('get svc shows the LoadBalancer with the host as EXTERNAL-IP; the front answers on port 80 and on its nodePort with the backend\'s greeting', async () => {
    const svc = await cli(['get', 'svc', '-n', ns]);
    expect(svc.code).toBe(0);
    const m = /\nfrontend\s+LoadBalancer\s+\d+\.\d+\.\d+\.\d+\s+(\S+)\s+80:(\d+)\/TCP\s/.exec(svc.stdout);
    expect(m).not.toBeNull();
    expect(m![1]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(svc.stdout).toMatch(/\nhello\s+ClusterIP\s+\d+\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s/);
    const nodePort = Number(m![2]);
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    // As the tutorial's `curl http://${EXTERNAL_IP}`: the frontend holds no greeting of its own; it
    // proxies to `hello` by name, so this body is the backend's (a 502 if it were not reached).
    for (const url of ['http://127.0.0.1/', `http://127.0.0.1:${nodePort}/`, `http://${m![1]}/`]) {
      expect(await get(url)).toEqual({ status: 200, body: '{"message":"Hello"}\n' });
    }
    // The backend Service spreads across the three replicas: each one's endpoint is listed.
    const ep = await cli(['get', 'endpoints', 'hello', '-n', ns, '-o', 'jsonpath={.subsets[*].addresses[*].ip}']);
    expect(ep.stdout.trim().split(' ')).toHaveLength(3);
  });

  test('delete -f removes everything it applied: no pods, no proxies, port 80 closed', async () => {
    const d = await cli(['delete', '-f', FRONTEND_BACKEND, '-n', ns]);
    expect(d.code).toBe(0);
    expect(d.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'deployment.apps "backend" deleted',
      'deployment.apps "frontend" deleted',
      'service "frontend" deleted',
      'service "hello" deleted',
    ]);
    await waitUntil(`no pods left in ${ns}`, async () => (await ours(ns)).length === 0, 30_000);
    await expect(get('http://127.0.0.1/')).rejects.toThrow();
  });
});

describe('Deploying PHP Guestbook application with Redis (kubernetes.io)', () => {
  const ns = `${prefix}-guestbook`;
  let forward: RunningCli | undefined;
  let port = 0;

  afterAll(async () => {
    forward?.kill('SIGINT');
    await forward?.done;
  });

  test('apply -f applies the six files unchanged into the namespace and --wait returns when every Deployment is available', async () => {
    expect(await cli(['apply', '-f', file('ns-guestbook.yaml', namespaceYaml(ns))])).toMatchObject({ code: 0 });
    const r = await cli(['apply', '-f', GUESTBOOK, '-n', ns, '--wait', '--timeout', '150s']);
    expect(r.stdout).toBe(
      [
        'service/frontend created',
        'service/redis-follower created',
        'service/redis-leader created',
        'deployment.apps/frontend created',
        'deployment.apps/redis-follower created',
        'deployment.apps/redis-leader created',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
    const ready = await cli(['get', 'deployments', '-n', ns, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.availableReplicas} {end}']);
    expect(ready.stdout.trim().split(' ').sort()).toEqual(['frontend=3', 'redis-follower=2', 'redis-leader=1']);
    // redis-leader and redis-follower both select `app: redis`; each Deployment keeps its own pods.
    const leaders = await cli(['get', 'pods', '-n', ns, '-l', 'role=leader', '-o', 'name']);
    expect(leaders.stdout.trim().split('\n')).toHaveLength(1);
  });

  test('the front end, reached as the tutorial does (port-forward svc/frontend), shows the guestbook', async () => {
    port = await freePortBase(1);
    forward = startCli(['port-forward', 'svc/frontend', `${port}:80`, '-n', ns, '--state-dir', stateDir]);
    await waitUntil('port-forward to listen', async () => forward!.stdout().includes(`Forwarding from 127.0.0.1:${port} -> 80`), 20_000);
    const page = await get(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Guestbook</title>');
  });

  test('an entry written through the front end goes to redis-leader and is read back through redis-follower', async () => {
    const base = `http://127.0.0.1:${port}/guestbook.php`;
    expect(await get(`${base}?cmd=get&key=messages`)).toEqual({ status: 200, body: '{"data": ""}\n' });
    // A value with a space and a glob character, URL-encoded as the guestbook's page sends it.
    const entry = `,hello * from ${prefix}`;
    expect(await get(`${base}?cmd=set&key=messages&value=${encodeURIComponent(entry)}`)).toEqual({ status: 200, body: '{"message": "Updated"}\n' });
    expect(await get(`${base}?cmd=get&key=messages`)).toEqual({ status: 200, body: `{"data": "${entry}"}\n` });
    // The write is the leader's: asked directly inside its pod, it has the entry.
    const leader = (await ours(ns)).find((n) => n.startsWith(`${ns}_redis-leader-`))!;
    expect((await podmanExec(`${leader}-leader`, ['redis-cli', 'GET', 'messages'])).stdout).toBe(`${entry}\n`);
    // And a follower is a read-only replica, as in the tutorial: writes to it are refused.
    const front = (await ours(ns)).find((n) => n.startsWith(`${ns}_frontend-`))!;
    const refused = await podmanExec(`${front}-php-redis`, ['redis-cli', '-h', 'redis-follower', 'SET', 'x', 'y']);
    expect(refused.stdout).toBe("(error) READONLY You can't write against a read only replica.\n");
  });

  test('delete -f removes everything it applied: no pods, no proxies', async () => {
    forward?.kill('SIGINT');
    await forward?.done;
    forward = undefined;
    const d = await cli(['delete', '-f', GUESTBOOK, '-n', ns]);
    expect(d.code).toBe(0);
    expect(d.stdout.split('\n').filter(Boolean)).toHaveLength(6);
    await waitUntil(`no pods left in ${ns}`, async () => (await ours(ns)).length === 0, 30_000);
    expect((await cli(['get', 'endpoints', '-n', ns])).stdout).toBe('');
  });
});
