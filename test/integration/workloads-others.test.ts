/**
 * StatefulSets, DaemonSets and Jobs through the real CLI against real Podman: a StatefulSet's
 * ordinals and claims (a pod deleted by hand comes back with its data; scale down keeps the
 * claims), rolling updates and undo of a StatefulSet and a DaemonSet, a Job of completions 3 and
 * parallelism 2 that completes and one with a failing command that stops at backoffLimit. Its own
 * service, prefix (namespaces start with it) and state directory.
 */
import { join } from 'node:path';
import { runCli, useIsolatedPodman } from './support';


const { prefix, tmp, file } = useIsolatedPodman();
const stateDir = join(tmp, 'state');
const ns = `${prefix}-w`;
/** cli runs kubeplay with this test's state directory (before `--`, so exec's command is left alone). */
const cli = (args: string[]) => {
  const dd = args.indexOf('--');
  return runCli(dd < 0 ? [...args, '--state-dir', stateDir] : [...args.slice(0, dd), '--state-dir', stateDir, ...args.slice(dd)]);
};
const SLEEPER = "trap 'exit 0' TERM; while true; do sleep 1; done";
const namespace = `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`;

function statefulSet(replicas: number, v: string): string {
  return `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: ${replicas}
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: c, image: localhost/busybox:stable, command: [sh, -c, "${SLEEPER}"], env: [{name: V, value: "${v}"}], volumeMounts: [{name: data, mountPath: /data}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Mi}}}
`;
}

function daemonSet(v: string): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: localhost/busybox:stable, command: [sh, -c, "${SLEEPER}"], env: [{name: V, value: "${v}"}]}]
`;
}

function job(name: string, command: string, extra: string): string {
  return `apiVersion: batch/v1
kind: Job
metadata: {name: ${name}, namespace: ${ns}}
spec:
${extra}  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: localhost/busybox:stable, command: [sh, -c, "${command}"]}]
`;
}

async function lines(args: string[]): Promise<string[]> {
  const r = await cli(args);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** revisionsOf: `pod-name=controller-revision-hash` of the pods whose name starts with `start`. */
async function revisionsOf(start: string): Promise<string[]> {
  return (await lines(['get', 'pods', '-n', ns, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.metadata.labels.controller-revision-hash}{"\\n"}{end}'])).filter((l) => l.startsWith(start));
}

test('a StatefulSet: ordinals, a claim per ordinal, a deleted pod back with its data, scale down keeping claims', async () => {
  const applied = await cli(['apply', '-f', file('sts.yaml', [namespace, statefulSet(2, '1')].join('---\n')), '--wait', '--timeout=90s']);
  expect(applied).toMatchObject({ code: 0 });
  expect(await lines(['get', 'pods', '-n', ns, '-o', 'name'])).toEqual(['pod/web-0', 'pod/web-1']);
  expect(await lines(['get', 'pvc', '-n', ns, '-o', 'name'])).toEqual(['persistentvolumeclaim/data-web-0', 'persistentvolumeclaim/data-web-1']);
  expect(await cli(['exec', '-n', ns, 'web-0', '--', 'sh', '-c', 'echo kept > /data/x'])).toMatchObject({ code: 0 });

  expect(await cli(['delete', 'pod', '-n', ns, 'web-0'])).toMatchObject({ code: 0 });
  const status = await cli(['rollout', 'status', 'sts/web', '-n', ns, '--timeout=90s']);
  expect(status).toMatchObject({ code: 0, stdout: 'partitioned roll out complete: 2 new pods have been updated...\n' });
  expect(await cli(['exec', '-n', ns, 'web-0', '--', 'cat', '/data/x'])).toMatchObject({ code: 0, stdout: 'kept\n' });
  expect((await cli(['exec', '-n', ns, 'web-1', '--', 'hostname'])).stdout).toBe('web-1\n');

  expect(await cli(['scale', 'sts/web', '--replicas=1', '-n', ns])).toMatchObject({ code: 0, stdout: 'statefulset.apps/web scaled\n' });
  expect(await lines(['get', 'pods', '-n', ns, '-o', 'name'])).toEqual(['pod/web-0']);
  expect(await lines(['get', 'pvc', '-n', ns, '-o', 'name'])).toEqual(['persistentvolumeclaim/data-web-0', 'persistentvolumeclaim/data-web-1']);
  const described = await cli(['describe', 'sts', 'web', '-n', ns]);
  expect(described.stdout).toContain('create Claim data-web-0 Pod web-0 in StatefulSet web success');
  expect(described.stdout).toContain('delete Pod web-1 in StatefulSet web successful');
}, 240_000);

test('rolling updates and undo of a StatefulSet and a DaemonSet', async () => {
  const v1 = file('v1.yaml', [namespace, statefulSet(3, '1'), daemonSet('1')].join('---\n'));
  expect(await cli(['apply', '-f', v1, '--wait', '--timeout=90s'])).toMatchObject({ code: 0 });
  const before = await revisionsOf('web-');
  const agentBefore = await revisionsOf('agent-');
  expect(before).toHaveLength(3);
  expect(agentBefore).toHaveLength(1);

  expect(await cli(['apply', '-f', file('v2.yaml', [namespace, statefulSet(3, '2'), daemonSet('2')].join('---\n'))])).toMatchObject({ code: 0 });
  expect(await cli(['rollout', 'status', 'sts/web', '-n', ns, '--timeout=90s'])).toMatchObject({ code: 0, stdout: 'partitioned roll out complete: 3 new pods have been updated...\n' });
  expect(await cli(['rollout', 'status', 'ds/agent', '-n', ns, '--timeout=90s'])).toMatchObject({ code: 0, stdout: 'daemon set "agent" successfully rolled out\n' });
  const after = await revisionsOf('web-');
  expect(new Set(after.map((l) => l.split('=')[1])).size).toBe(1);
  expect(after[0]!.split('=')[1]).not.toBe(before[0]!.split('=')[1]);
  expect((await revisionsOf('agent-'))[0]!.split('=')[1]).not.toBe(agentBefore[0]!.split('=')[1]);
  expect((await cli(['rollout', 'history', 'sts/web', '-n', ns])).stdout).toMatch(/REVISION {2}CHANGE-CAUSE\n1 +<none>\n2 +<none>\n/);

  expect(await cli(['rollout', 'undo', 'sts/web', '-n', ns])).toMatchObject({ code: 0, stdout: 'statefulset.apps/web rolled back\n' });
  expect(await cli(['rollout', 'undo', 'ds/agent', '-n', ns, '--to-revision=1'])).toMatchObject({ code: 0, stdout: 'daemonset.apps/agent rolled back\n' });
  expect(await cli(['rollout', 'status', 'sts/web', '-n', ns, '--timeout=90s'])).toMatchObject({ code: 0 });
  expect(await cli(['rollout', 'status', 'ds/agent', '-n', ns, '--timeout=90s'])).toMatchObject({ code: 0 });
  // The old templates' revisions are reused (renumbered 3): the pods carry their old hashes again.
  expect((await revisionsOf('web-')).map((l) => l.split('=')[1])).toEqual(before.map((l) => l.split('=')[1]));
  expect((await revisionsOf('agent-')).map((l) => l.split('=')[1])).toEqual(agentBefore.map((l) => l.split('=')[1]));
  expect((await cli(['rollout', 'history', 'sts/web', '-n', ns])).stdout).toMatch(/REVISION {2}CHANGE-CAUSE\n2 +<none>\n3 +<none>\n/);
}, 240_000);

test('a Job of completions 3, parallelism 2 completes; one failing stops at backoffLimit', async () => {
  const f = file('jobs.yaml', [namespace, job('ok', 'sleep 1', '  completions: 3\n  parallelism: 2\n'), job('bad', 'exit 3', '  backoffLimit: 1\n')].join('---\n'));
  expect(await cli(['apply', '-f', f])).toMatchObject({ code: 0 });
  expect(await cli(['wait', '--for=condition=complete', 'job/ok', '-n', ns, '--timeout=90s'])).toMatchObject({ code: 0, stdout: 'job.batch/ok condition met\n' });
  expect(await cli(['wait', '--for=condition=failed', 'job/bad', '-n', ns, '--timeout=90s'])).toMatchObject({ code: 0, stdout: 'job.batch/bad condition met\n' });
  const table = await lines(['get', 'jobs', '-n', ns]);
  expect(table[1]).toMatch(/^bad\s+Failed\s+0\/1\s/);
  expect(table[2]).toMatch(/^ok\s+Complete\s+3\/3\s/);
  const okPods = await lines(['get', 'pods', '-n', ns, '-l', 'job-name=ok', '-o', 'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}']);
  expect(okPods).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
  const badPods = await lines(['get', 'pods', '-n', ns, '-l', 'job-name=bad', '-o', 'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}']);
  expect(badPods).toEqual(['Failed', 'Failed']);
  const conditions = await lines(['get', 'job', 'bad', '-n', ns, '-o', 'jsonpath={range .status.conditions[*]}{.type}={.reason}{"\\n"}{end}']);
  expect(conditions).toEqual(['FailureTarget=BackoffLimitExceeded', 'Failed=BackoffLimitExceeded']);
  expect((await cli(['describe', 'job', 'bad', '-n', ns])).stdout).toMatch(/Warning\s+BackoffLimitExceeded\s+\S+\s+job-controller\s+Job has reached the specified backoff limit/);
  expect((await cli(['describe', 'job', 'ok', '-n', ns])).stdout).toMatch(/Normal\s+Completed\s+\S+\s+job-controller\s+Job completed/);
}, 240_000);
