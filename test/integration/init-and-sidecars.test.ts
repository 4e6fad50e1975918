/**
 * Pods as people write them (issue 14, parts 2 and 3), against real Podman through the real CLI:
 * an init container that never ends must not hang Podman or kubeplay, a long init container is
 * finished in the background after apply returns, and native sidecars (init containers with
 * restartPolicy Always) run beside the app, restart when they exit, count in READY and stop after
 * the app containers. Private service, own name prefix, removes only what it made.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { podman, podmanOk, podmanExec, runCli, useIsolatedPodman, waitUntil } from './support';

const { prefix, tmp, file } = useIsolatedPodman();

// A container that stops at once on SIGTERM (sleep as PID 1 ignores it).
const loop = "trap 'exit 0' TERM; while true; do sleep 1 & wait $!; done";

/** getRow runs `kubeplay get pod NAME` and returns its row's cells, and how long the command took. */
async function getRow(name: string): Promise<{ cells: string[]; ms: number }> {
  const t0 = Date.now();
  const r = await runCli(['get', 'pod', name], { timeoutMs: 30_000 });
  const ms = Date.now() - t0;
  expect(r.stderr).toBe('');
  const line = r.stdout.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
  return { cells: line.trim().split(/\s+/), ms };
}

describe('init containers started in order, one at a time', () => {
  test('an init container that never ends: apply returns, the pod shows Init:0/1, get and podman pod ps still answer, re-apply is unchanged; once it ends the app starts', async () => {
    const name = `${prefix}-waits`;
    const f = file('waits.yaml', `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
  - name: wait
    image: localhost/busybox:stable
    # Waits until the test says so: an init container that, for all apply knows, never ends.
    command: [sh, -c, "trap 'exit 1' TERM; until [ -f /tmp/go ]; do sleep 0.2; done"]
  containers:
  - name: app
    image: localhost/busybox:stable
    command: [sh, -c, "echo app-started; ${loop}"]
`);
    const r = await runCli(['apply', '-f', f], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`pod/${name} created\n`);
    expect(r.code).toBe(0);

    // While the init container runs, Podman's pod lock is free: listings answer (kubeplay's and podman's).
    const row = await getRow(name);
    expect(row.cells.slice(1, 3)).toEqual(['0/1', 'Init:0/1']);
    const t0 = Date.now();
    const ps = await podman(['pod', 'ps', '--filter', `name=${name}`, '--format', '{{.Name}}'], { timeoutMs: 10_000 });
    const psMs = Date.now() - t0;
    expect(ps.code).toBe(0);
    expect(ps.stdout.trim()).toBe(name);
    // Logged, not asserted (noisy machines): the issue asks for well under a second.
    console.log(`kubeplay get pod took ${row.ms} ms, podman pod ps ${psMs} ms while the init container ran`);

    // A background kubeplay is waiting for the init container, so the pod is not remade.
    expect((await runCli(['apply', '-f', f])).stdout).toBe(`pod/${name} unchanged\n`);

    // The init container ends: the background kubeplay starts the app container.
    await podmanOk(['exec', `${name}-wait`, 'touch', '/tmp/go']);
    const running = await waitUntil('the app container to run', async () => {
      const rr = await getRow(name);
      return rr.cells[2] === 'Running' ? rr : undefined;
    });
    expect(running.cells.slice(1, 3)).toEqual(['1/1', 'Running']);
    expect((await podmanOk(['logs', `${name}-app`])).trim()).toBe('app-started');
    expect((await runCli(['apply', '-f', f])).stdout).toBe(`pod/${name} unchanged\n`);
    const del = await runCli(['delete', '-f', f]);
    expect(del.code).toBe(0);
  });

  test('an init container that fails while apply waits for it fails the pod, names it and leaves nothing', async () => {
    const name = `${prefix}-fails`;
    const f = file('fails.yaml', `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  initContainers:
  - {name: setup, image: localhost/busybox:stable, command: [sh, -c, "exit 3"]}
  containers:
  - {name: app, image: localhost/busybox:stable, command: [sh, -c, "${loop}"]}
`);
    const r = await runCli(['apply', '-f', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`init container ${name}-setup exited with code 3`);
    expect((await podman(['pod', 'exists', name])).code).toBe(1);
  });
});

describe('native sidecars (init containers with restartPolicy Always)', () => {
  test('a sidecar serves the app over localhost, counts in READY, is restarted when it exits, and stops after the app', async () => {
    const name = `${prefix}-side`;
    const order = join(tmp, 'order');
    writeFileSync(order, '');
    const f = file('side.yaml', `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 10
  volumes:
  - {name: out, hostPath: {path: ${tmp}, type: Directory}}
  initContainers:
  - name: proxy
    image: localhost/busybox:stable
    restartPolicy: Always
    # Serves a page on localhost:8099; on SIGTERM writes that it stopped.
    command: [sh, -c, "mkdir -p /www; echo from-sidecar > /www/index.html; httpd -f -p 8099 -h /www & trap 'echo sidecar >> /out/order; exit 0' TERM; while true; do sleep 1 & wait $!; done"]
    volumeMounts: [{name: out, mountPath: /out}]
  - name: flaky
    image: localhost/busybox:stable
    restartPolicy: Always
    # A sidecar that exits after a while: Podman restarts it.
    command: [sh, -c, "echo flaky-run; sleep 2; exit 1"]
  containers:
  - name: app
    image: localhost/busybox:stable
    # Fetches the sidecar's page over the pod's shared localhost; on SIGTERM takes a second, then writes that it stopped.
    command: [sh, -c, "until wget -q -O /tmp/page http://localhost:8099/; do sleep 0.2; done; cat /tmp/page; trap 'sleep 1; echo app >> /out/order; exit 0' TERM; while true; do sleep 1 & wait $!; done"]
    volumeMounts: [{name: out, mountPath: /out}]
`);
    const r = await runCli(['apply', '-f', f]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`pod/${name} created\n`);

    const logs = await waitUntil('the app to fetch the sidecar page', async () => {
      const l = await runCli(['logs', name, '-c', 'app']);
      return l.stdout.includes('from-sidecar') ? l.stdout : undefined;
    });
    expect(logs.trim()).toBe('from-sidecar');

    // READY counts the sidecars (3 = app + 2 sidecars, as kubectl 1.29+ counts them).
    const row = await getRow(name);
    expect(row.cells[1]?.split('/')[1]).toBe('3');
    // Init:CrashLoopBackOff once the flaky sidecar has exited and waits to restart: kubectl's printPod
    // shows a restartable init container that is not started that way.
    expect(row.cells[2]).toMatch(/^(Running|CrashLoopBackOff|Init:CrashLoopBackOff)$/);

    // The flaky sidecar exited and Podman started it again.
    const restarts = await waitUntil('the flaky sidecar to restart', async () => {
      const n = Number((await podmanOk(['inspect', `${name}-flaky`, '--format', '{{.RestartCount}}'])).trim());
      return n >= 1 ? n : undefined;
    });
    expect(restarts).toBeGreaterThanOrEqual(1);
    expect((await podmanExec(`${name}-app`, ['true'])).code).toBe(0);
    expect((await runCli(['apply', '-f', f])).stdout).toBe(`pod/${name} unchanged\n`);

    // Deleting stops the app first; the sidecar gets SIGTERM only once the app has exited.
    const del = await runCli(['delete', '-f', f, '-v']);
    expect(del.code).toBe(0);
    expect(readFileSync(order, 'utf8')).toBe('app\nsidecar\n');
  });

  test('a sidecar with a startupProbe holds back the app container until the probe passes', async () => {
    const name = `${prefix}-probed`;
    const f = file('probed.yaml', `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - {name: shared, emptyDir: {}}
  initContainers:
  - name: warmup
    image: localhost/busybox:stable
    restartPolicy: Always
    # Ready only after two seconds.
    command: [sh, -c, "sleep 2; touch /shared/ready; ${loop}"]
    startupProbe: {exec: {command: [test, -f, /shared/ready]}, periodSeconds: 1, failureThreshold: 30}
    volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
  - name: app
    image: localhost/busybox:stable
    command: [sh, -c, "if [ -f /shared/ready ]; then echo sidecar-was-ready; else echo too-early; fi; ${loop}"]
    volumeMounts: [{name: shared, mountPath: /shared}]
`);
    const dry = await runCli(['apply', '-f', f, '--dry-run=client', '-vv']);
    expect(dry.stderr).toContain(`${name}-warmup (started, startupProbe passed), ${name}-app (started)`);
    const r = await runCli(['apply', '-f', f]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`pod/${name} created\n`);
    const logs = await waitUntil('the app to start', async () => {
      const l = await runCli(['logs', name, '-c', 'app']);
      return l.stdout.trim() !== '' ? l.stdout.trim() : undefined;
    });
    expect(logs).toBe('sidecar-was-ready');
  });
});
