/**
 * Faults inside one pod: a host port taken between kubeplay's check and the pod's start, an image
 * that is missing and cannot be pulled, a replacement that fails to start, and a persistent
 * volume's data across delete and re-apply. Each against real Podman through the CLI.
 */
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import {
  freePortBase,
  httpGet,
  listVolumes,
  podSummary,
  podmanExec,
  podmanOk,
  podmanState,
  resultLines,
  runCli,
  sleeperPods,
  startCli,
  useIsolatedPodman,
} from './support';

const isolated = useIsolatedPodman();
const { prefix, tmp: dir } = isolated;
let base: number;

beforeAll(async () => {
  base = await freePortBase(10);
});

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/**
 * onPodCreate resolves when Podman's event stream (on this test's private service) reports the
 * pod's creation: the moment after kubeplay's port check and before the pod's start.
 */
function onPodCreate(name: string): { created: Promise<void>; close: () => void } {
  let req: http.ClientRequest | undefined;
  const created = new Promise<void>((resolve, reject) => {
    const filters = encodeURIComponent(JSON.stringify({ type: ['pod'], event: ['create'] }));
    req = http.get({ socketPath: isolated.service.socketPath, path: `/v4.0.0/libpod/events?stream=true&filters=${filters}` }, (res) => {
      let buf = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        for (const line of buf.split('\n')) if (line.includes(`"${name}"`)) resolve();
        buf = buf.slice(buf.lastIndexOf('\n') + 1);
      });
    });
    req.on('error', reject);
  });
  return { created, close: () => req?.destroy() };
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '0.0.0.0', () => resolve(srv));
  });
}

test('a hostPort taken after the check and before the start: the pod fails cleanly, is removed, and the message names the port', async () => {
  const port = base;
  // Twelve containers: the pod's creation takes long enough for the test to bind in between.
  const { yaml, names } = sleeperPods(`${prefix}-race`, 1, { containers: 12, hostPort: port });
  const f = file('race.yaml', yaml);
  const watch = onPodCreate(names[0]!);
  let srv: Server | undefined;
  try {
    const run = startCli(['apply', '-f', f]);
    await watch.created;
    srv = await listen(port);
    const r = await run.done;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error: pod/${names[0]}: pod ${names[0]} did not start: host port ${port}/TCP is already in use`);
    expect(r.stderr).toContain('what was made of it was removed');
    expect(await podmanState({ prefix: `${prefix}-race` })).toBe('');
  } finally {
    watch.close();
    srv?.close();
  }
  // Once the port is free again, the same file applies.
  expect((await runCli(['apply', '-f', f])).stdout).toBe(`pod/${names[0]} created\n`);
});

test('an image missing and not pullable: that pod is not created, the others apply, exit 1 naming the image and what to do', async () => {
  const missing = 'localhost/kubeplay-no-such-image:404';
  const { yaml, names } = sleeperPods(`${prefix}-img`, 3, { imageOf: (i) => (i === 1 ? missing : 'localhost/busybox:stable') });
  const r = await runCli(['apply', '-f', file('img.yaml', yaml)]);
  expect(r.code).toBe(1);
  expect(resultLines(r.stdout)).toEqual({ [names[0]!]: 'created', [names[2]!]: 'created' });
  expect(r.stderr).toContain(`error: pod/${names[1]}: cannot pull image ${missing}`);
  expect(r.stderr).toMatch(/load the image locally \(podman load \/ podman build\)/);
  const pods = await podSummary(`${prefix}-img`);
  expect(pods).toEqual({ [names[0]!]: 'Running', [names[2]!]: 'Running' });
});

test('a configured pod whose new container fails to start: the previous version is restored and runs again', async () => {
  const name = `${prefix}-cfg`;
  const port = base + 1;
  const pod = (command: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: localhost/busybox:stable
    command: [${command}, -c, "trap 'exit 0' TERM; echo v1 > /www/index.html; httpd -f -p 8080 -h /www & wait $!"]
    ports: [{containerPort: 8080, hostPort: ${port}}]
`;
  const v1 = file('cfg-v1.yaml', pod('sh'));
  expect((await runCli(['apply', '-f', v1])).stdout).toBe(`pod/${name} created\n`);
  const hashV1 = (await podmanOk(['pod', 'inspect', name, '--format', '{{index .Labels "kubeplay.io/manifest-hash"}}'])).trim();
  const r = await runCli(['apply', '-f', file('cfg-v2.yaml', pod('/no/such/command'))]);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(new RegExp(`^error: pod/${name}: pod ${name} did not start: .*no/such/command.*; the previous version was put back and runs again$`, 'm'));
  expect((await httpGet(`http://127.0.0.1:${port}/`)).body).toBe('v1\n');
  expect((await podmanOk(['pod', 'inspect', name, '--format', '{{index .Labels "kubeplay.io/manifest-hash"}}'])).trim()).toBe(hashV1);
  expect((await runCli(['apply', '-f', v1])).stdout).toBe(`pod/${name} unchanged\n`);
});

test("a persistentVolumeClaim's volume keeps its data across delete and re-apply", async () => {
  const name = `${prefix}-pvc`;
  const claim = `${prefix}-claim`;
  const f = file('pvc.yaml', `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: ${claim}}
  containers:
  - name: app
    image: localhost/busybox:stable
    command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]
    volumeMounts: [{name: data, mountPath: /data}]
`);
  // The claim in a file of its own, so that deleting the pod's file leaves it (and its data).
  expect((await runCli(['apply', '-f', file('pvc-claim.yaml', `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: ${claim}}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n`)])).code).toBe(0);
  expect((await runCli(['apply', '-f', f])).code).toBe(0);
  const token = `kept-${prefix}`;
  const w = await podmanExec(`${name}-app`, ['sh', '-c', `echo ${token} > /data/token.txt`]);
  expect(w.code).toBe(0);
  const del = await runCli(['delete', '-f', f]);
  expect(del.stdout).toBe(`pod "${name}" deleted\n`);
  expect(await podSummary(name)).toEqual({});
  expect(await listVolumes()).toContain(claim);
  expect((await runCli(['apply', '-f', f])).stdout).toBe(`pod/${name} created\n`);
  const read = await podmanExec(`${name}-app`, ['cat', '/data/token.txt']);
  expect(read.stdout).toBe(`${token}\n`);
});
