/**
 * A Podman that stops answering (issue 14, part 3): every call kubeplay makes has a deadline, and
 * SIGTERM ends kubeplay within seconds even when Podman does not answer its rollback. The stuck
 * Podman is a proxy in front of this file's private service that stops forwarding at a chosen
 * call (support/freezing-proxy.ts); the service itself stays healthy, so the next apply through it
 * must converge. Own prefix and service; removes only what it made.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containersNotRunning, runCli, sleeperPods, startCli, startFreezingProxy, useIsolatedPodman, type FreezingProxy } from './support';

const iso = useIsolatedPodman();
const { prefix, tmp } = iso;

const proxies: FreezingProxy[] = [];
iso.onCleanup('close the freezing proxies', () => Promise.all(proxies.map((p) => p.close())));

// kubeplay's network and DNS server are made once, first, so that each freeze lands among the test's own pods.
beforeAll(async () => {
  const f = join(tmp, 'warm.yaml');
  writeFileSync(f, `apiVersion: v1\nkind: Pod\nmetadata: {name: ${prefix}-warm}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - {name: c, image: localhost/busybox:stable, command: [sleep, '3600']}\n`);
  const r = await runCli(['apply', '-f', f]);
  if (r.code !== 0) throw new Error(`warming the network failed: ${r.stderr}`);
  await runCli(['delete', '-f', f]);
});

async function proxy(freezeOn?: RegExp): Promise<FreezingProxy> {
  const p = await startFreezingProxy(iso.service.socketPath, freezeOn);
  proxies.push(p);
  return p;
}

test('a call Podman does not answer fails at its deadline, naming the call; kubeplay stops and the next apply converges', async () => {
  const { yaml, names } = sleeperPods(`${prefix}-dl`, 3);
  const f = join(tmp, 'deadline.yaml');
  writeFileSync(f, yaml);
  // Podman stops answering when the first container is created (one pod at a time).
  const stuck = await proxy(new RegExp(`POST \\S*/containers/create`));
  const r = await runCli(['apply', '-f', f, '--request-timeout=2s', '--concurrency=1'], { containerHost: stuck.containerHost, timeoutMs: 90_000 });
  expect(await stuck.frozen).toMatch(/containers\/create/);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('Podman did not answer POST /v4.0.0/libpod/containers/create within 2 s');
  // What the pod's state was: how far it got, since Podman can no longer be asked.
  expect(r.stderr).toMatch(new RegExp(`pod/${names[0]} had done: .*createPod ${names[0]}; stuck at: createContainer ${names[0]}-c0`));
  // Nothing more was started after the stuck call: the later pods are named not started.
  expect(r.stderr).toMatch(new RegExp(`error: pod/${names[2]}: not started`));

  // Podman itself is fine: the next apply through it converges.
  const again = await runCli(['apply', '-f', f]);
  expect(again.stderr).toBe('');
  expect(again.code).toBe(0);
  expect(await containersNotRunning(`${prefix}-dl`)).toEqual([]);
});

test('--request-timeout is checked like kubectl checks it', async () => {
  const r = await runCli(['get', 'pods', '--request-timeout=soon']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('invalid --request-timeout value "soon"');
});

test('SIGTERM ends kubeplay within seconds while Podman does not answer, naming the pod it could not roll back', async () => {
  const { yaml, names } = sleeperPods(`${prefix}-sig`, 2);
  const f = join(tmp, 'signal.yaml');
  writeFileSync(f, yaml);
  const stuck = await proxy(new RegExp(`POST \\S*/containers/create`));
  // No --request-timeout: the stuck call would wait its whole default deadline (60 s).
  const cli = startCli(['apply', '-f', f, '--concurrency=1', '-v'], { containerHost: stuck.containerHost, timeoutMs: 60_000 });
  await stuck.frozen;
  cli.kill('SIGTERM');
  const r = await cli.done;
  expect(r.code).toBe(143);
  expect(r.stderr).toMatch(/Podman did not let the rollback finish within 5 s of SIGTERM; exiting/);
  expect(r.stderr).toMatch(new RegExp(`Not rolled back: pod/${names[0]} \\(at: `));

  const again = await runCli(['apply', '-f', f]);
  expect(again.code).toBe(0);
  expect(await containersNotRunning(`${prefix}-sig`)).toEqual([]);
});

test('logs: Podman that does not answer the log request fails at the deadline instead of hanging', async () => {
  const { yaml, names } = sleeperPods(`${prefix}-logs`, 1);
  const f = join(tmp, 'logs.yaml');
  writeFileSync(f, yaml);
  expect((await runCli(['apply', '-f', f])).code).toBe(0);
  const stuck = await proxy(/GET \S*\/logs/);
  const r = await runCli(['logs', names[0]!, '--request-timeout=2s'], { containerHost: stuck.containerHost, timeoutMs: 60_000 });
  expect(await stuck.frozen).toMatch(/\/logs/);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/Podman did not answer within 2 s/);
});
