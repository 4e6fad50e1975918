/**
 * The workload kinds as kinds (issue 18, the store side) through the real CLI against real Podman:
 * Deployment, ReplicaSet, StatefulSet, DaemonSet and Job apply in kind order (after the pods' own
 * kinds), re-apply unchanged; get shows kubectl's columns (`get all` too, with group-qualified
 * names), -o json the API server's defaults; describe shows kubectl's layout; a manifest the API
 * server would refuse is refused before any change, located; an update the API server forbids
 * (a Deployment's selector, a StatefulSet's spec) is refused with nothing changed; delete by name
 * and by -f. The objects ask for no pods (replicas 0, a DaemonSet for no node, a suspended Job), so
 * the test holds with or without the controllers that carry them out. Its own service, prefix and
 * state directory.
 */
import { join } from 'node:path';
import { runCli, useIsolatedPodman } from './support';

const { prefix, tmp, file } = useIsolatedPodman();
const stateDir = join(tmp, 'state');
const ns = `${prefix}-wk`;
const cli = (args: string[]) => runCli([...args, '--state-dir', stateDir]);

const namespace = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`;
const podTemplate = (labels: string, extra = '') => `  template:
    metadata:
      labels: {${labels}}
    spec:
${extra}      containers:
      - name: app
        image: localhost/busybox:stable
        command: [sh, -c, "sleep 3600"]
`;
const deployment = (selector = 'app: web') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
  labels: {app: web}
spec:
  replicas: 0
  selector:
    matchLabels: {${selector}}
${podTemplate(selector)}`;
const replicaSet = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: front
  namespace: ${ns}
spec:
  replicas: 0
  selector:
    matchLabels: {tier: front}
${podTemplate('tier: front')}`;
const statefulSet = (policy = 'OrderedReady') => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: ${ns}
spec:
  replicas: 0
  podManagementPolicy: ${policy}
  selector:
    matchLabels: {app: db}
${podTemplate('app: db')}`;
const daemonSet = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: ${ns}
spec:
  selector:
    matchLabels: {app: agent}
${podTemplate('app: agent', `      nodeSelector: {${prefix}/no-such-node: "true"}\n`)}`;
const job = `apiVersion: batch/v1
kind: Job
metadata:
  name: once
  namespace: ${ns}
spec:
  suspend: true
  completions: 3
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: app
        image: localhost/busybox:stable
        command: [sh, -c, "echo done"]
`;
const all = (d = deployment(), s = statefulSet()) => [job, daemonSet, s, replicaSet, d, namespace].join('---\n');

test('the five kinds apply after their namespace in kind order, then unchanged', async () => {
  const f = file('wk.yaml', all());
  const first = await cli(['apply', '-f', f]);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout).toBe(
    `namespace/${ns} created\ndeployment.apps/web created\nreplicaset.apps/front created\nstatefulset.apps/db created\ndaemonset.apps/agent created\njob.batch/once created\n`,
  );
  const again = await cli(['apply', '-f', f]);
  expect(again).toMatchObject({ code: 0, stderr: '' });
  expect(again.stdout).toBe(`namespace/${ns} unchanged\ndeployment.apps/web unchanged\nreplicaset.apps/front unchanged\nstatefulset.apps/db unchanged\ndaemonset.apps/agent unchanged\njob.batch/once unchanged\n`);
});

test("get shows kubectl's columns for each kind, and get all names them with their group", async () => {
  expect((await cli(['get', 'deploy', '-n', ns])).stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+0\/0\s+0\s+0\s+\d+s\n$/);
  expect((await cli(['get', 'deploy', '-n', ns, '-o', 'wide'])).stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\nweb\s+0\/0\s+0\s+0\s+\d+s\s+app\s+localhost\/busybox:stable\s+app=web\n$/);
  expect((await cli(['get', 'rs', '-n', ns])).stdout).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nfront\s+0\s+0\s+0\s+\d+s\nweb-\w+\s+0\s+0\s+0\s+\d+s\n$/);
  expect((await cli(['get', 'sts', '-n', ns])).stdout).toMatch(/^NAME\s+READY\s+AGE\ndb\s+0\/0\s+\d+s\n$/);
  expect((await cli(['get', 'ds', '-n', ns])).stdout).toMatch(new RegExp(`^NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+NODE SELECTOR\\s+AGE\\nagent\\s+0\\s+0\\s+0\\s+0\\s+0\\s+${prefix}/no-such-node=true\\s+\\d+s\\n$`));
  // The Job's controller records the Suspended condition as soon as the Job is stored.
  expect((await cli(['get', 'jobs', '-n', ns])).stdout).toMatch(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\nonce\s+Suspended\s+0\/3\s+\S*\s+\d+s\n$/);
  const everything = await cli(['get', 'all', '-n', ns]);
  expect(everything).toMatchObject({ code: 0, stderr: '' });
  for (const ref of ['deployment.apps/web', 'replicaset.apps/front', 'statefulset.apps/db', 'daemonset.apps/agent', 'job.batch/once']) expect(everything.stdout).toMatch(new RegExp(`^${ref.replace('.', '\\.')}\\s`, 'm'));
  expect((await cli(['get', 'deployments.apps', 'web', '-n', ns, '-o', 'name'])).stdout).toBe('deployment.apps/web\n');
  expect(await cli(['get', 'deploy', 'nope', '-n', ns])).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n' });
});

test("-o json: the object as the API server stores it, with its defaults", async () => {
  const d = JSON.parse((await cli(['get', 'deploy', 'web', '-n', ns, '-o', 'json'])).stdout) as { spec: Record<string, unknown>; metadata: { uid?: string } };
  expect(d.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  expect(d.spec).toMatchObject({ replicas: 0, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } });
  expect((d.spec['template'] as { spec: Record<string, unknown> }).spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 });
  const s = JSON.parse((await cli(['get', 'sts', 'db', '-n', ns, '-o', 'json'])).stdout) as { spec: Record<string, unknown> };
  expect(s.spec).toMatchObject({ podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' } });
  const j = JSON.parse((await cli(['get', 'job', 'once', '-n', ns, '-o', 'json'])).stdout) as { spec: Record<string, unknown> };
  expect(j.spec).toMatchObject({ completions: 3, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: true });
  expect((j.spec['template'] as { metadata: { labels: Record<string, string> } }).metadata.labels).toMatchObject({ 'job-name': 'once', 'batch.kubernetes.io/job-name': 'once' });
});

test("describe shows kubectl's layout", async () => {
  const d = await cli(['describe', 'deploy', 'web', '-n', ns]);
  expect(d).toMatchObject({ code: 0, stderr: '' });
  expect(d.stdout).toMatch(/^Name:\s+web\nNamespace:\s+\S+\nCreationTimestamp:\s+\w{3}, \d\d \w{3} \d{4} [\d:]{8} \+0000\nLabels:\s+app=web\nAnnotations:\s+deployment\.kubernetes\.io\/revision: 1\nSelector:\s+app=web\nReplicas:\s+0 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable\nStrategyType:\s+RollingUpdate\nMinReadySeconds:\s+0\nRollingUpdateStrategy:\s+25% max unavailable, 25% max surge\nPod Template:\n {2}Labels:\s+app=web\n {2}Containers:\n {3}app:\n {4}Image:\s+localhost\/busybox:stable\n/);
  const s = await cli(['describe', 'sts', 'db', '-n', ns]);
  expect(s.stdout).toMatch(/\nReplicas:\s+0 desired \| 0 total\nUpdate Strategy:\s+RollingUpdate\n {2}Partition:\s+0\nPods Status:\s+0 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed\n/);
  expect(s.stdout).toMatch(/\nVolume Claims:\s+<none>\n/);
  expect((await cli(['describe', 'job', 'once', '-n', ns])).stdout).toMatch(/\nParallelism:\s+1\nCompletions:\s+3\nCompletion Mode:\s+NonIndexed\nSuspend:\s+true\nBackoff Limit:\s+6\n/);
  expect((await cli(['describe', 'ds', 'agent', '-n', ns])).stdout).toMatch(new RegExp(`\\nNode-Selector:\\s+${prefix}/no-such-node=true\\n`));
});

test('a manifest the API server would refuse is refused before any change, located', async () => {
  const bad = file('bad.yaml', `apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
  namespace: ${ns}
spec:
  replicas: 2
  selector:
    matchLabels: {app: bad}
${podTemplate('app: other').replace('command: [sh, -c, "sleep 3600"]', 'ports: [{containerPort: 80, hostPort: 18080}]')}`);
  const r = await cli(['apply', '-f', bad]);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(
    `${bad}:12:7: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: \`selector\` does not match template \`labels\`\n` +
      `${bad}:17:37: spec.template.spec.containers[0].ports[0].hostPort: hostPort 18080 in a Deployment of 2 replicas: only one pod can bind a host port on one machine, so the other 1 could never start; set replicas to 1, or remove hostPort and reach the pods another way (kubeplay's rule, not the API server's)\n` +
      'error: 2 problems in 1 document of 1 file; nothing was applied. Fix the fields named above and run the command again.\n',
  );
  expect(await cli(['get', 'deploy', 'bad', '-n', ns])).toMatchObject({ code: 1 });
});

test("an update the API server forbids is refused in its words, with nothing changed", async () => {
  const f = file('changed.yaml', all(deployment('app: web2'), statefulSet('Parallel')));
  const r = await cli(['apply', '-f', f]);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(
    'deployment.apps/web: Deployment "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable\n',
  );
  expect(r.stderr).toContain(
    "statefulset.apps/db: StatefulSet \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden\n",
  );
  expect((await cli(['get', 'deploy', 'web', '-n', ns, '-o', 'jsonpath={.spec.selector.matchLabels.app}'])).stdout).toBe('web');
  expect((await cli(['get', 'sts', 'db', '-n', ns, '-o', 'jsonpath={.spec.podManagementPolicy}'])).stdout).toBe('OrderedReady');
});

test('delete by name and by -f', async () => {
  expect(await cli(['delete', 'deploy', 'web', '-n', ns])).toMatchObject({ code: 0, stdout: 'deployment.apps "web" deleted\n' });
  expect(await cli(['delete', 'deploy', 'web', '-n', ns])).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): deployments.apps "web" not found\n' });
  const rest = file('rest.yaml', [replicaSet, statefulSet(), daemonSet, job].join('---\n'));
  const d = await cli(['delete', '-f', rest]);
  expect(d).toMatchObject({ code: 0 });
  expect(d.stdout).toBe('replicaset.apps "front" deleted\nstatefulset.apps "db" deleted\ndaemonset.apps "agent" deleted\njob.batch "once" deleted\n');
  expect(await cli(['get', 'all', '-n', ns])).toMatchObject({ code: 0, stdout: '' });
  await cli(['delete', 'ns', ns]);
});
