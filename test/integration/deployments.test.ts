/**
 * Deployments through the real CLI against real Podman (issue 18's tests): a Deployment of 3
 * replicas comes up with Kubernetes' names and owners; survives a pod removed behind kubeplay's
 * back (the next apply makes it again) and one deleted with `delete pod` (made again before
 * delete returns); rolls to a new image with maxUnavailable 0, never fewer than 3 pods running
 * during the rollout (watched from outside, with podman); is undone; scaled to 0 and back; a
 * template whose readiness probe fails holds the rollout (rollout status times out) until the
 * probe passes; logs, exec and wait name the Deployment; deleting it takes its ReplicaSets and
 * pods. Its own service, prefix (the namespace starts with it) and state directory.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listPods, podman, podmanOk, runCli, useIsolatedPodman, waitUntil } from './support';

const { prefix, tmp, file } = useIsolatedPodman();
const stateDir = join(tmp, 'state');
const ns = `${prefix}-d`;
const V2 = `localhost/busybox:${prefix}-v2`;
const cli = (args: string[]) => {
  const dd = args.indexOf('--');
  return runCli(dd < 0 ? [...args, '-n', ns, '--state-dir', stateDir] : [...args.slice(0, dd), '-n', ns, '--state-dir', stateDir, ...args.slice(dd)]);
};
const SERVE = "mkdir -p /www && echo $HOSTNAME > /www/index.html && trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait";

function deployment(image: string, extra = ''): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: web
        image: ${image}
        command: [sh, -c, "${SERVE}"]
${extra}`;
}

/** pods: the Podman pods of the namespace, by Kubernetes name, with their status. */
async function pods(): Promise<Array<{ name: string; status: string }>> {
  return (await listPods()).filter((p) => p.Name.startsWith(`${ns}_`)).map((p) => ({ name: p.Name.slice(ns.length + 1), status: p.Status }));
}

async function imagesOfPods(): Promise<string[]> {
  const all = JSON.parse((await podmanOk(['ps', '-a', '--pod', '--format', 'json'])) || '[]') as Array<{ Image: string; IsInfra: boolean; PodName: string }>;
  return [...new Set(all.filter((c) => c.PodName.startsWith(`${ns}_`) && !c.IsInfra).map((c) => c.Image))].sort();
}

beforeAll(async () => {
  await podmanOk(['tag', 'localhost/busybox:stable', V2]);
});
afterAll(async () => {
  await podman(['rmi', V2]);
});

test('a Deployment of 3 replicas comes up: a ReplicaSet named by its template hash, pods named after it, owned, ready', async () => {
  const r = await cli(['apply', '-f', file('web.yaml', deployment('localhost/busybox:stable'))]);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout).toBe(`namespace/${ns} created\ndeployment.apps/web created\n`);
  const running = await pods();
  expect(running).toHaveLength(3);
  for (const p of running) expect(p.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  const get = await cli(['get', 'deploy', 'web']);
  expect(get.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+3\/3\s+3\s+3\s+\d+s\n$/);
  const rs = await cli(['get', 'rs', '-o', 'name']);
  const rsName = running[0]!.name.replace(/-[^-]+$/, '');
  expect(rs.stdout).toBe(`replicaset.apps/${rsName}\n`);
  const pod = JSON.parse((await cli(['get', 'pod', running[0]!.name, '-o', 'json'])).stdout) as { metadata: { ownerReferences: Array<{ kind: string; name: string; controller: boolean }>; labels: Record<string, string> } };
  expect(pod.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReplicaSet', name: rsName, controller: true })]);
  expect(pod.metadata.labels['pod-template-hash']).toBe(rsName.slice('web-'.length));
  const again = await cli(['apply', '-f', file('web.yaml', deployment('localhost/busybox:stable'))]);
  expect(again.stdout).toBe(`namespace/${ns} unchanged\ndeployment.apps/web unchanged\n`);
  expect((await pods()).map((p) => p.name).sort()).toEqual(running.map((p) => p.name).sort());
  expect((await cli(['wait', '--for=condition=Available', 'deployment/web', '--timeout=20s'])).stdout).toBe('deployment.apps/web condition met\n');
});

test('a pod removed behind kubeplay\'s back is made again by the next apply; one deleted with delete pod, before delete returns', async () => {
  const before = await pods();
  await podmanOk(['pod', 'rm', '-f', `${ns}_${before[0]!.name}`]);
  expect(await pods()).toHaveLength(2);
  const r = await cli(['apply', '-f', file('web.yaml', deployment('localhost/busybox:stable'))]);
  expect(r.stdout).toContain('deployment.apps/web unchanged');
  const after = await pods();
  expect(after).toHaveLength(3);
  expect(after.map((p) => p.name)).not.toContain(before[0]!.name);

  const d = await cli(['delete', 'pod', after[1]!.name]);
  expect(d).toMatchObject({ code: 0, stdout: `pod "${after[1]!.name}" deleted\n` });
  const replaced = await pods();
  expect(replaced).toHaveLength(3);
  expect(replaced.map((p) => p.name)).not.toContain(after[1]!.name);
});

test('logs, exec and get all name the Deployment', async () => {
  const exec = await cli(['exec', 'deploy/web', '--', 'cat', '/www/index.html']);
  expect(exec.code).toBe(0);
  expect(exec.stderr).toMatch(/^Found 3 pods, using pod\/web-/);
  expect(exec.stdout.trim()).toMatch(/^web-/);
  const all = await cli(['get', 'all']);
  expect(all.stdout).toMatch(/\ndeployment\.apps\/web\s+3\/3\s+3\s+3\s+\d+s\n/);
  expect(all.stdout).toMatch(/\nreplicaset\.apps\/web-\S+\s+3\s+3\s+3\s+\d+s\n/);
});

test('a rollout to a new image with maxUnavailable 0 never has fewer than 3 pods running; history, undo, status', async () => {
  let fewest = Infinity;
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const running = (await pods()).filter((p) => p.status === 'Running').length;
      fewest = Math.min(fewest, running);
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  const r = await cli(['apply', '-f', file('web2.yaml', deployment(V2))]);
  watching = false;
  await watcher;
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout).toContain('deployment.apps/web configured');
  expect(fewest).toBeGreaterThanOrEqual(3);
  expect(await pods()).toHaveLength(3);
  expect(await imagesOfPods()).toEqual([V2]);
  expect((await cli(['rollout', 'status', 'deployment/web'])).stdout).toBe('deployment "web" successfully rolled out\n');
  const history = await cli(['rollout', 'history', 'deployment/web']);
  expect(history.stdout).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
  expect((await cli(['get', 'rs'])).stdout.split('\n').filter((l) => /^web-/.test(l)).map((l) => l.split(/\s+/).slice(1, 4).join(' ')).sort()).toEqual(['0 0 0', '3 3 3']);

  const undo = await cli(['rollout', 'undo', 'deployment/web']);
  expect(undo).toMatchObject({ code: 0, stdout: 'deployment.apps/web rolled back\n' });
  expect(await imagesOfPods()).toEqual(['localhost/busybox:stable']);
  expect(await pods()).toHaveLength(3);
});

test('scale to 0 and back', async () => {
  expect((await cli(['scale', 'deployment/web', '--replicas=0'])).stdout).toBe('deployment.apps/web scaled\n');
  expect(await pods()).toEqual([]);
  expect((await cli(['get', 'deploy', 'web'])).stdout).toMatch(/\nweb\s+0\/0\s+0\s+0\s+/);
  expect((await cli(['scale', 'deploy', 'web', '--replicas=3'])).stdout).toBe('deployment.apps/web scaled\n');
  expect(await pods()).toHaveLength(3);
  expect((await cli(['get', 'deploy', 'web'])).stdout).toMatch(/\nweb\s+3\/3\s+3\s+3\s+/);
});

test('a readiness probe that fails holds the rollout: the new pod is not ready, the old ones keep serving, status times out until it passes', async () => {
  // The probe reads a flag on the host, shared by every new pod: the test raises it once.
  const flag = join(tmp, 'flag');
  const probe = `        readinessProbe: {exec: {command: [cat, /flag/ready]}, periodSeconds: 1}
        volumeMounts: [{name: flag, mountPath: /flag}]
      volumes: [{name: flag, hostPath: {path: ${flag}, type: DirectoryOrCreate}}]
`;
  const r = await cli(['apply', '-f', file('web3.yaml', deployment('localhost/busybox:stable', probe))]);
  expect(r.code).toBe(0);
  expect(r).toMatchObject({ stderr: '', stdout: 'namespace/' + ns + ' unchanged\ndeployment.apps/web configured\n' });
  expect(await pods()).toHaveLength(4);
  const get = await cli(['get', 'deploy', 'web']);
  expect(get.stdout).toMatch(/\nweb\s+3\/3\s+1\s+3\s+/);
  const status = await cli(['rollout', 'status', 'deployment/web', '--timeout=3s']);
  expect(status.code).toBe(1);
  expect(status.stdout).toContain('Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...');
  expect(status.stderr).toBe('error: timed out waiting for the condition\n');
  expect(await pods()).toHaveLength(4);

  writeFileSync(join(flag, 'ready'), 'yes\n');
  const done = await cli(['rollout', 'status', 'deployment/web', '--timeout=90s']);
  expect(done.code).toBe(0);
  expect(done.stdout.trim().split('\n').pop()).toBe('deployment "web" successfully rolled out');
  expect(await pods()).toHaveLength(3);
}, 150_000);

test('apply --wait returns when a Job is complete, and fails naming a Job that failed', async () => {
  const job = (name: string, command: string) => `apiVersion: batch/v1
kind: Job
metadata: {name: ${name}, namespace: ${ns}}
spec:
  completions: 2
  parallelism: 2
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: localhost/busybox:stable, command: [sh, -c, "${command}"]}]
`;
  const ok = await cli(['apply', '--wait', '--timeout=60s', '-f', file('ok.yaml', job('ok', 'sleep 2; echo done'))]);
  expect(ok).toMatchObject({ code: 0, stdout: 'job.batch/ok created\n', stderr: '' });
  expect((await cli(['get', 'job', 'ok'])).stdout).toMatch(/\nok\s+Complete\s+2\/2\s+/);
  const bad = await cli(['apply', '--wait', '--timeout=60s', '-f', file('bad.yaml', job('bad', 'exit 3'))]);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toBe('job.batch/bad created\n');
  expect(bad.stderr).toMatch(/^error: job\.batch\/bad failed: BackoffLimitExceeded: Job has reached the specified backoff limit\n$/);
  expect((await cli(['delete', 'job', 'ok', 'bad'])).code).toBe(0);
}, 120_000);

test('deleting the Deployment takes its ReplicaSets and pods', async () => {
  const d = await cli(['delete', 'deployment', 'web']);
  expect(d).toMatchObject({ code: 0, stdout: 'deployment.apps "web" deleted\n' });
  await waitUntil('pods gone', async () => (await pods()).length === 0, 30_000);
  expect((await cli(['get', 'rs'])).stderr).toBe(`No resources found in ${ns} namespace.\n`);
});
