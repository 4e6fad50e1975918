/**
 * port-forward against real Podman, through the real CLI: a pod running busybox httpd, forwarded
 * from a free local port; 20 parallel HTTP requests all answered, one `Handling connection` line
 * each; SIGINT ends it with exit 0; a local port in use gives kubectl's two errors and exit 1; a
 * connection the pod refuses prints kubectl's error line and forwarding goes on; a Deployment's
 * pod by a container port name; a pod that is not running and one that does not exist, in
 * kubectl's words. The Service path (svc/NAME) runs against a Service object put in the store
 * directly, as the Service kind stores it. Everything is named with this run's prefix, on a
 * private Podman service and state directory.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';
import { SqliteObjectStore } from '../../src/store/sqlite-object-store';
import { TEST_IMAGE, freePortBase, runCli, startCli, useIsolatedPodman, waitUntil, type RunningCli } from './support';

const { prefix, tmp, file } = useIsolatedPodman();
const stateDir = join(tmp, 'state');
const web = `${prefix}-web`;
const dep = `${prefix}-dep`;
const done = `${prefix}-done`;
const cli = (args: string[]) => runCli([...args, '--state-dir', stateDir]);
const forward = (args: string[]) => startCli(['port-forward', ...args, '--state-dir', stateDir]);
let base = 0;

const serve = (text: string) => `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p 80 -h /www`;

beforeAll(async () => {
  base = await freePortBase(10);
  const manifest = `apiVersion: v1
kind: Pod
metadata: {name: ${web}, labels: {app: ${web}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: ${TEST_IMAGE}
    command: [sh, -c, "${serve('hello')}"]
    ports: [{name: http, containerPort: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: ${done}}
spec:
  restartPolicy: Never
  containers:
  - {name: job, image: ${TEST_IMAGE}, command: [sh, -c, "true"]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${dep}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${dep}}}
  template:
    metadata: {labels: {app: ${dep}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ${TEST_IMAGE}
        command: [sh, -c, "${serve('from-deployment')}"]
        ports: [{name: web-port, containerPort: 80}]
`;
  const r = await cli(['apply', '-f', file('app.yaml', manifest)]);
  if (r.code !== 0) throw new Error(`apply failed: ${r.stderr}`);
  await waitUntil('the completed pod', async () => (await cli(['get', 'pod', done, '-o', 'jsonpath={.status.phase}'])).stdout === 'Succeeded');
});

/** get makes one HTTP GET on its own connection. */
function get(port: number, host = '127.0.0.1'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out')));
  });
}

/** listening waits for kubectl's Forwarding line(s) and returns the local port of the first. */
async function listening(pf: RunningCli): Promise<number> {
  const line = await waitUntil('the Forwarding line', async () => {
    if (pf.stdout() === '' && /error/.test(pf.stderr())) throw new Error(`port-forward failed: ${pf.stderr()}`);
    return /^Forwarding from 127\.0\.0\.1:(\d+) -> \d+$/m.exec(pf.stdout()) ?? undefined;
  }, 60_000);
  return Number(line[1]);
}

async function interrupt(pf: RunningCli): Promise<{ code: number | null; stdout: string; stderr: string }> {
  pf.kill('SIGINT');
  return pf.done;
}

test('pod/NAME LOCAL:80: 20 parallel requests all answered, a Handling line each, SIGINT exits 0', async () => {
  const pf = forward([`pod/${web}`, `${base}:80`]);
  expect(await listening(pf)).toBe(base);
  const answers = await Promise.all(Array.from({ length: 20 }, () => get(base)));
  expect(answers).toEqual(Array.from({ length: 20 }, () => ({ status: 200, body: 'hello\n' })));
  // Through ::1 as well, where the machine has it, as kubectl's localhost does.
  if (pf.stdout().includes(`Forwarding from [::1]:${base} -> 80`)) expect(await get(base, '::1')).toEqual({ status: 200, body: 'hello\n' });
  const r = await interrupt(pf);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  expect(lines[0]).toBe(`Forwarding from 127.0.0.1:${base} -> 80`);
  expect(lines.filter((l) => l === `Handling connection for ${base}`).length).toBeGreaterThanOrEqual(20);
  // The listener is gone with the process.
  await expect(get(base)).rejects.toThrow(/ECONNREFUSED/);
});

test('a local port in use on 127.0.0.1 and ::1: kubectl\'s errors, exit 1', async () => {
  const port = base + 1;
  const holders: net.Server[] = [];
  for (const host of ['127.0.0.1', '::1']) {
    const s = net.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false));
      s.listen({ host, port, ipv6Only: host === '::1' }, () => resolve(true));
    });
    if (ok) holders.push(s);
  }
  try {
    const r = await runCli(['port-forward', web, `${port}:80`, '--state-dir', stateDir]);
    expect(r.code).toBe(1);
    const v6 = holders.length === 2 ? ` unable to create listener: Error listen tcp6 [::1]:${port}: bind: address already in use` : '';
    const want = `Unable to listen on port ${port}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:${port}: bind: address already in use${v6}`;
    expect(r.stderr.startsWith(want)).toBe(true);
    expect(r.stderr.endsWith(`error: unable to listen on any of the requested ports: [{${port} 80}]\n`)).toBe(true);
    expect(r.stdout).toBe('');
  } finally {
    for (const s of holders) await new Promise((resolve) => s.close(resolve));
  }
});

test('a connection the pod refuses: kubectl\'s error line, and the next connection on another port still works', async () => {
  const refused = base + 2;
  const good = base + 3;
  const pf = forward([web, `${refused}:81`, `${good}:http`]);
  await listening(pf);
  await waitUntil('both ports', async () => pf.stdout().includes(`Forwarding from 127.0.0.1:${good} -> 80`));
  await expect(get(refused)).rejects.toThrow(/socket hang up|ECONNRESET/);
  await waitUntil('the error line', async () => pf.stderr().includes('an error occurred forwarding'));
  expect(pf.stderr()).toMatch(new RegExp(`^E\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{6} +\\d+ portforward\\.go:\\d+\\] "Unhandled Error" err="an error occurred forwarding ${refused} -> 81: error forwarding port 81 to pod [0-9a-f-]+, uid : failed to connect to [0-9.]+:81: dial tcp4 [0-9.]+:81: connect: connection refused"\\n$`));
  expect(await get(good)).toEqual({ status: 200, body: 'hello\n' });
  // Still running: the refused port is tried again, as kubectl keeps forwarding.
  await expect(get(refused)).rejects.toThrow();
  const r = await interrupt(pf);
  expect(r.code).toBe(0);
});

test('--address 127.0.0.1 deploy/NAME :PORT_NAME: a random local port to the Deployment\'s pod, by its container port name', async () => {
  // kubectl's order (the flag before the positionals) leaves the positionals alone.
  const pf = forward(['--address', '127.0.0.1', `deploy/${dep}`, ':web-port']);
  const port = await listening(pf);
  expect(port).toBeGreaterThan(0);
  expect(pf.stdout()).toBe(`Forwarding from 127.0.0.1:${port} -> 80\n`);
  expect(await get(port)).toEqual({ status: 200, body: 'from-deployment\n' });
  expect((await interrupt(pf)).code).toBe(0);
});

test('svc/NAME PORT_NAME: the Service\'s port translated to its selected pod\'s targetPort', async () => {
  // The Service kind is another part of this work; its stored object is what port-forward reads.
  const s = SqliteObjectStore.openStateDir(stateDir);
  try {
    s.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `${prefix}-svc`, namespace: 'default' },
      spec: { selector: { app: web }, ports: [{ name: 'front', port: 8080, targetPort: 'http', protocol: 'TCP' }] },
    });
    s.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: `${prefix}-bare`, namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
  } finally {
    s.close();
  }
  const pf = forward([`svc/${prefix}-svc`, `${base + 4}:front`]);
  expect(await listening(pf)).toBe(base + 4);
  expect(pf.stdout()).toContain(`Forwarding from 127.0.0.1:${base + 4} -> 80\n`);
  expect(await get(base + 4)).toEqual({ status: 200, body: 'hello\n' });
  expect((await interrupt(pf)).code).toBe(0);

  expect(await cli(['port-forward', `service/${prefix}-svc`, '9999'])).toMatchObject({ code: 1, stderr: `error: Service ${prefix}-svc does not have a service port 9999\n` });
  expect(await cli(['port-forward', `svc/${prefix}-bare`, '80'])).toMatchObject({ code: 1, stderr: `error: cannot attach to *v1.Service: invalid service '${prefix}-bare': Service is defined without a selector\n` });
  expect(await cli(['port-forward', `svc/${prefix}-none`, '80'])).toMatchObject({ code: 1, stderr: `Error from server (NotFound): services "${prefix}-none" not found\n` });
});

test('the pod is picked once: after it is deleted, each new connection fails with an error line and forwarding keeps running', async () => {
  const gone = `${prefix}-gone`;
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: ${gone}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: web, image: ${TEST_IMAGE}, command: [sh, -c, "mkdir -p /www && echo bye > /www/index.html && exec httpd -f -p 8765 -h /www"]}
`;
  const f = file('gone.yaml', pod);
  expect((await cli(['apply', '-f', f])).code).toBe(0);
  const pf = forward([gone, `${base + 5}:8765`]);
  try {
    await listening(pf);
    expect(await get(base + 5)).toEqual({ status: 200, body: 'bye\n' });
    expect((await cli(['delete', '-f', f])).code).toBe(0);
    // The pod's IP no longer answers: no route to host, or the 10 s dial deadline.
    await expect(get(base + 5)).rejects.toThrow();
    await waitUntil('the error line', async () => pf.stderr().includes(`an error occurred forwarding ${base + 5} -> 8765`), 30_000);
    expect(pf.stderr()).toMatch(/failed to connect to [0-9.]+:8765: dial tcp4 [0-9.]+:8765: (connect: no route to host|connect: connection refused|i\/o timeout)"\n$/);
  } finally {
    const r = await interrupt(pf);
    expect(r.code).toBe(0);
  }
});

test('kubectl\'s refusals: a pod not running, a pod that does not exist, a port name the pod lacks, no ports', async () => {
  expect(await cli(['port-forward', `pod/${done}`, '80'])).toMatchObject({ code: 1, stderr: 'error: unable to forward port because pod is not running. Current status=Succeeded\n' });
  expect(await cli(['port-forward', `${prefix}-nope`, '80'])).toMatchObject({ code: 1, stderr: `Error from server (NotFound): pods "${prefix}-nope" not found\n` });
  expect(await cli(['port-forward', web, 'https'])).toMatchObject({ code: 1, stderr: `error: Pod '${web}' does not have a named port 'https'\n` });
  const noPorts = await cli(['port-forward', web]);
  expect(noPorts.code).toBe(1);
  expect(noPorts.stderr).toMatch(/^error: TYPE\/NAME and list of ports are required for port-forward/);
});
