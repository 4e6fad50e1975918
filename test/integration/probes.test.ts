/**
 * Readiness that tells the truth (issue 18) through the real CLI against real Podman: kubeplay's
 * prober runs readiness, liveness and startup probes whenever get or describe looks at pods, from the
 * host to the pod's IP (httpGet, tcpSocket) or through Podman's exec (exec), so they work in an image
 * with no curl, wget or nc: this file builds one whose PATH finds only httpd (busybox linked as
 * httpd) and busybox itself, and no sh (Debian's busybox sh runs every applet, wget and nc
 * included, so an image with sh would have them). Exec probes name `busybox sh`. Its own service,
 * prefix, image and state directory.
 */
import { join } from 'node:path';
import { mkdirSync, copyFileSync, symlinkSync } from 'node:fs';
import { podman, podmanExec, podmanOk, runCli, runProcess, useIsolatedPodman, waitUntil } from './support';

const { prefix, tmp, file, onCleanup } = useIsolatedPodman();
const stateDir = join(tmp, 'state');
const image = `localhost/${prefix}-bare:1`;
const cli = (args: string[]) => runCli([...args, '--state-dir', stateDir]);

beforeAll(async () => {
  // A root with busybox linked as httpd only: no sh, curl, wget or nc on PATH.
  const root = join(tmp, 'root');
  for (const d of ['bin', 'tmp', 'www']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
  symlinkSync('busybox', join(root, 'bin', 'httpd'));
  const r = await runProcess('bash', ['-c', `tar -C ${root} -c . | podman import --change 'ENV=PATH=/bin' --change 'CMD=["httpd","-f","-h","/www"]' - ${image}`]);
  if (r.code !== 0) throw new Error(`building ${image} failed: ${r.stderr}`);
  onCleanup(`remove image ${image}`, () => podman(['rmi', '-f', image]));
});

const httpd = (port: number) => `[httpd, -f, -p, "${port}", -h, /www]`;

function pod(name: string, containers: string, restartPolicy = 'Always'): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${prefix}-${name}
spec:
  restartPolicy: ${restartPolicy}
  terminationGracePeriodSeconds: 1
  containers:
${containers}`;
}

/** row is the pod's line of `get pods`: NAME READY STATUS RESTARTS AGE, split. */
async function row(name: string): Promise<string[]> {
  const r = await cli(['get', 'pod', `${prefix}-${name}`]);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  return (r.stdout.split('\n')[1] ?? '').split(/\s{2,}/);
}

test('the image has no sh, curl, wget or nc', async () => {
  for (const tool of ['sh', 'curl', 'wget', 'nc']) {
    const r = await podman(['run', '--rm', image, tool]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('executable file not found in $PATH');
  }
});

test('httpGet readiness: 404 is 0/1 READY with the kubelet event; once the file is there a later get shows 1/1', async () => {
  const f = file('web.yaml', pod('web', `  - name: web
    image: ${image}
    command: ${httpd(8080)}
    ports: [{containerPort: 8080, name: http}]
    readinessProbe:
      httpGet: {path: /ready.html, port: http}
      periodSeconds: 1
      failureThreshold: 1
`));
  expect(await cli(['apply', '-f', f])).toMatchObject({ code: 0, stdout: `pod/${prefix}-web created\n` });
  const first = await row('web');
  expect(first.slice(1, 4)).toEqual(['0/1', 'Running', '0']);
  // The pod is Running but not Ready: conditions and container status say so.
  const json = JSON.parse((await cli(['get', 'pod', `${prefix}-web`, '-o', 'json'])).stdout) as {
    status: { conditions: Array<{ type: string; status: string }>; containerStatuses: Array<{ ready: boolean; started: boolean }> };
  };
  expect(json.status.conditions.filter((c) => c.type === 'Ready' || c.type === 'ContainersReady').map((c) => c.status)).toEqual(['False', 'False']);
  expect(json.status.containerStatuses[0]).toMatchObject({ ready: false, started: true });
  const d = await cli(['describe', 'pod', `${prefix}-web`]);
  expect(d.stdout).toMatch(/Readiness:\s+http-get http:\/\/:http\/ready.html delay=0s timeout=1s period=1s #success=1 #failure=1/);
  expect(d.stdout).toMatch(/Warning\s+Unhealthy\s+.*kubelet\s+Readiness probe failed: HTTP probe failed with statuscode: 404/);
  expect(d.stdout).toMatch(/ {2}Ready {13}False/);

  expect((await podmanExec(`${prefix}-web-web`, ['busybox', 'sh', '-c', 'echo ok > /www/ready.html'])).code).toBe(0);
  const ready = await waitUntil('the pod to be 1/1', async () => {
    const r = await row('web');
    return r[1] === '1/1' ? r : undefined;
  }, 15_000);
  expect(ready.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
  const after = JSON.parse((await cli(['get', 'pod', `${prefix}-web`, '-o', 'json'])).stdout) as { status: { conditions: Array<{ type: string; status: string; lastTransitionTime?: string }> } };
  const readyCond = after.status.conditions.find((c) => c.type === 'Ready');
  expect(readyCond?.status).toBe('True');
  // When it became ready: after the file was written, not when the container started.
  expect(Date.now() - Date.parse(readyCond?.lastTransitionTime ?? '')).toBeLessThan(15_000);
});

test('tcpSocket readiness: a listening port is ready, a closed one is not (1/2)', async () => {
  const f = file('tcp.yaml', pod('tcp', `  - name: open
    image: ${image}
    command: ${httpd(8081)}
    readinessProbe: {tcpSocket: {port: 8081}, periodSeconds: 1}
  - name: closed
    image: ${image}
    command: ${httpd(8082)}
    readinessProbe: {tcpSocket: {port: 9999}, periodSeconds: 1}
`));
  expect((await cli(['apply', '-f', f])).code).toBe(0);
  expect((await row('tcp'))[1]).toBe('1/2');
  const d = await cli(['describe', 'pod', `${prefix}-tcp`]);
  expect(d.stdout).toMatch(/Readiness probe failed: dial tcp 10\.[0-9.]+:9999: connect: connection refused/);
});

test('exec readiness runs through Podman exec: not ready until the command succeeds', async () => {
  const f = file('exec.yaml', pod('exec', `  - name: app
    image: ${image}
    command: ${httpd(8085)}
    readinessProbe:
      exec: {command: [busybox, sh, -c, "test -f /tmp/ready || { echo not yet; exit 1; }"]}
      periodSeconds: 1
`));
  expect((await cli(['apply', '-f', f])).code).toBe(0);
  expect((await row('exec'))[1]).toBe('0/1');
  expect((await cli(['describe', 'pod', `${prefix}-exec`])).stdout).toMatch(/Readiness probe failed: not yet/);
  expect((await podmanExec(`${prefix}-exec-app`, ['busybox', 'sh', '-c', ': > /tmp/ready'])).code).toBe(0);
  await waitUntil('the exec-probed pod to be 1/1', async () => (await row('exec'))[1] === '1/1', 15_000);
});

test('a liveness failure restarts the container: RESTARTS 1 and the Killing event', async () => {
  const f = file('live.yaml', pod('live', `  - name: app
    image: ${image}
    command: ${httpd(8083)}
    livenessProbe:
      httpGet: {path: /alive.html, port: 8083}
      periodSeconds: 1
      failureThreshold: 1
`));
  expect((await cli(['apply', '-f', f])).code).toBe(0);
  // The first look runs the probe, which fails: the container is killed and started again.
  const before = await podmanOk(['inspect', `${prefix}-live-app`, '--format', '{{.State.StartedAt}}']);
  await cli(['get', 'pod', `${prefix}-live`]);
  const restarted = await podmanOk(['inspect', `${prefix}-live-app`, '--format', '{{.State.StartedAt}} {{.State.Status}}']);
  expect(restarted).not.toBe(before);
  expect(restarted.trim()).toMatch(/ running$/);
  // Stop it failing, so that the count settles at 1.
  expect((await podmanExec(`${prefix}-live-app`, ['busybox', 'sh', '-c', 'echo ok > /www/alive.html'])).code).toBe(0);
  const r = await row('live');
  expect(r.slice(1, 4)).toEqual(['1/1', 'Running', expect.stringMatching(/^1 \(\d+s ago\)$/)]);
  const d = await cli(['describe', 'pod', `${prefix}-live`]);
  expect(d.stdout).toMatch(/Restart Count:\s+1\n/);
  expect(d.stdout).toMatch(/Warning\s+Unhealthy\s+.*kubelet\s+Liveness probe failed: HTTP probe failed with statuscode: 404/);
  expect(d.stdout).toMatch(/Normal\s+Killing\s+.*kubelet\s+Container app failed liveness probe, will be restarted/);
});

test('a startupProbe holds readiness back: started false and 0/1 until it passes', async () => {
  const f = file('slow.yaml', pod('slow', `  - name: app
    image: ${image}
    command: ${httpd(8084)}
    startupProbe: {httpGet: {path: /started.html, port: 8084}, periodSeconds: 1, failureThreshold: 100}
    readinessProbe: {tcpSocket: {port: 8084}, periodSeconds: 1}
`));
  expect((await cli(['apply', '-f', f])).code).toBe(0);
  const json = JSON.parse((await cli(['get', 'pod', `${prefix}-slow`, '-o', 'json'])).stdout) as { status: { containerStatuses: Array<{ ready: boolean; started: boolean }> } };
  expect(json.status.containerStatuses[0]).toMatchObject({ ready: false, started: false });
  expect((await podmanExec(`${prefix}-slow-app`, ['busybox', 'sh', '-c', 'echo ok > /www/started.html'])).code).toBe(0);
  await waitUntil('the startup-probed pod to be 1/1', async () => (await row('slow'))[1] === '1/1', 15_000);
});

test('two commands probing one pod at once: the probe runs once (the second waits, then finds it not due) and the record stays whole', async () => {
  const f = file('busy.yaml', pod('busy', `  - name: app
    image: ${image}
    command: ${httpd(8086)}
    readinessProbe: {httpGet: {path: /nope.html, port: 8086}, periodSeconds: 60}
`));
  expect((await cli(['apply', '-f', f])).code).toBe(0);
  const both = await Promise.all([cli(['get', 'pod', `${prefix}-busy`]), cli(['get', 'pod', `${prefix}-busy`]), cli(['describe', 'pod', `${prefix}-busy`])]);
  for (const r of both) expect(r).toMatchObject({ code: 0, stderr: '' });
  const d = await cli(['describe', 'pod', `${prefix}-busy`]);
  // One run in all: no "(x2 over ...)".
  expect(d.stdout).toMatch(/Warning\s+Unhealthy\s+\d+s\s+kubelet\s+Readiness probe failed: HTTP probe failed with statuscode: 404\n/);
});

test('the records of a deleted pod are swept by the next get of every pod', async () => {
  const { readdirSync } = await import('node:fs');
  const before = readdirSync(join(stateDir, 'probes')).length;
  expect(before).toBeGreaterThan(0);
  expect((await cli(['delete', 'pod', `${prefix}-tcp`])).code).toBe(0);
  await cli(['get', 'pods']);
  expect(readdirSync(join(stateDir, 'probes')).length).toBe(before - 1);
});
