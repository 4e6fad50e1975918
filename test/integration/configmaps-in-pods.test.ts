/**
 * Pods reading ConfigMaps and Secrets (issue 17), through the real CLI against real Podman: one
 * file holding a pod before the ConfigMap, Secret and PersistentVolumeClaim it uses (apply sorts
 * them); env from configMapKeyRef, secretKeyRef and envFrom; configMap, secret and projected volumes
 * in the kubelet's `..data` layout with the modes asked for and a subPath of one key; no Secret
 * value in `podman inspect`, labels, or -v output; a ConfigMap change seen in the mounted files
 * within the apply while the pod and its variables stay as they were; a reference to nothing
 * refused before any change, located; delete removes the pod's Podman secrets and files.
 * Its own service, prefix (every name starts with it) and state directory.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { podman, podmanExec, runCli, useIsolatedPodman } from './support';

const { prefix, tmp, file, onCleanup } = useIsolatedPodman();
const stateDir = join(tmp, 'state');
const cli = (args: string[]) => runCli([...args, '--state-dir', stateDir]);

const web = `${prefix}-web`;
const cfg = `${prefix}-cfg`;
const creds = `${prefix}-creds`;
const tls = `${prefix}-tls`;
const data = `${prefix}-data`;
// Values that must never show where a Secret's values must not: distinctive, so a search is exact.
const PASSWORD = 'pw-7c1e5Zq9-never-shown';
const TOKEN = 'tok-88aa31-never-shown';
const KEY = 'key-41b7e0-only-in-a-file';
const b64 = (s: string) => Buffer.from(s).toString('base64');

onCleanup('remove the Podman secrets of the prefix', async () => {
  const names = (await podman(['secret', 'ls', '--format', '{{.Name}}'])).stdout.split('\n').filter((n) => n.startsWith(`kubeplay_${prefix}`));
  if (names.length > 0) await podman(['secret', 'rm', ...names]);
});

function configMap(level: string, extra = '  1extra.txt: "x"\n'): string {
  return `apiVersion: v1
kind: ConfigMap
metadata: {name: ${cfg}}
data:
  LEVEL: "${level}"
  app.conf: |
    level=${level}
${extra}`;
}
const secret = `apiVersion: v1
kind: Secret
metadata: {name: ${creds}}
type: Opaque
data:
  password: ${b64(PASSWORD)}
stringData:
  token: ${TOKEN}
---
apiVersion: v1
kind: Secret
metadata: {name: ${tls}}
type: kubernetes.io/tls
data:
  tls.crt: ${b64('cert')}
  tls.key: ${b64(KEY)}
`;
const claim = `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${data}}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 10Mi}}
`;
const pod = `apiVersion: v1
kind: Pod
metadata: {name: ${web}, labels: {app: ${prefix}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: localhost/busybox:stable
    command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]
    env:
    - name: LEVEL
      valueFrom: {configMapKeyRef: {name: ${cfg}, key: LEVEL}}
    - name: DB_PASSWORD
      valueFrom: {secretKeyRef: {name: ${creds}, key: password}}
    envFrom:
    - prefix: S_
      secretRef: {name: ${creds}}
    - configMapRef: {name: ${cfg}}
    volumeMounts:
    - {name: config, mountPath: /etc/app}
    - {name: secret, mountPath: /etc/secret}
    - {name: all, mountPath: /etc/all}
    - {name: config, mountPath: /etc/one.conf, subPath: app.conf}
    - {name: data, mountPath: /data}
    - {name: tls, mountPath: /etc/tls}
  volumes:
  - name: config
    configMap: {name: ${cfg}, defaultMode: 0440}
  - name: secret
    secret: {secretName: ${creds}, items: [{key: password, path: db/password, mode: 0400}]}
  - name: tls
    secret: {secretName: ${tls}}
  - name: all
    projected:
      sources:
      - configMap: {name: ${cfg}, items: [{key: LEVEL, path: level}]}
      - downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
  - name: data
    persistentVolumeClaim: {claimName: ${data}}
`;
const app = `${web}-app`;
const sh = (script: string) => podmanExec(app, ['sh', '-c', script]);

test('a pod before the ConfigMap, Secret and claim it uses, in one file: sorted, created, and reading them', async () => {
  const f = file('app.yaml', [pod, configMap('1'), secret, claim].join('---\n'));
  const r = await cli(['apply', '-f', f]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`configmap/${cfg} created\nsecret/${creds} created\nsecret/${tls} created\npersistentvolumeclaim/${data} created\npod/${web} created\n`);
  // envFrom of the ConfigMap: `1extra.txt` is not a variable name, skipped with the kubelet's event.
  expect(r.stderr).toContain(`Keys [1extra.txt] from the EnvFrom configMap default/${cfg} were skipped since they are considered invalid environment variable names.`);
  if (await podmanShowsSecretEnv()) expect(r.stderr).toContain('containers/podman#23788');

  // describe: what the pod reads, in kubectl's layout, and the kubelet's event about the skipped key.
  const d = await cli(['describe', 'pod', web]);
  expect(d.stdout).toMatch(new RegExp(`Environment Variables from:\\n +${creds} +Secret with prefix 'S_' +Optional: false\\n +${cfg} +ConfigMap +Optional: false\\n`));
  expect(d.stdout).toMatch(new RegExp(`DB_PASSWORD: +<set to the key 'password' in secret '${creds}'> +Optional: false`));
  expect(d.stdout).toMatch(new RegExp(`Type: +ConfigMap \\(a volume populated by a ConfigMap\\)\\n +Name: +${cfg}\\n`));
  expect(d.stdout).toMatch(new RegExp(`Warning +InvalidEnvironmentVariableNames +\\S+ +kubelet +Keys \\[1extra.txt\\] from the EnvFrom configMap default/${cfg} were skipped`));
  expect(d.stdout).not.toContain(PASSWORD);
  // describe -f: every object of the file, each in its kind's layout, a Secret by sizes only.
  const df = await cli(['describe', '-f', f]);
  expect(df.code).toBe(0);
  for (const name of [web, cfg, creds, tls, data]) expect(df.stdout).toMatch(new RegExp(`^Name: +${name}$`, 'm'));
  expect(df.stdout).toMatch(/^password: +\d+ bytes$/m);
  for (const v of [PASSWORD, TOKEN, KEY]) expect(df.stdout).not.toContain(v);
  // get -f: every object of the file, whatever its kind, in the file's order.
  expect(await cli(['get', '-f', f, '-o', 'name'])).toMatchObject({ code: 0, stdout: `pod/${web}\nconfigmap/${cfg}\nsecret/${creds}\nsecret/${tls}\npersistentvolumeclaim/${data}\n` });
  // kubectl's comma list of types: each kind's names qualified.
  expect(await cli(['get', 'configmap,secret', '-o', 'name'])).toMatchObject({ code: 0, stdout: `configmap/${cfg}\nsecret/${creds}\nsecret/${tls}\n` });
  expect((await cli(['get', 'cm,secrets,pvc'])).stdout).toMatch(new RegExp(`^NAME +DATA +AGE\nconfigmap/${cfg} +3 +\\d+s\n\nNAME +TYPE +DATA +AGE\nsecret/${creds} +Opaque +2 +\\d+s\nsecret/${tls} +kubernetes.io/tls +2 +\\d+s\n\nNAME +STATUS +VOLUME`));
  const env = await sh('echo "$LEVEL|$DB_PASSWORD|$S_token|$S_password"');
  expect(env.stdout).toBe(`1|${PASSWORD}|${TOKEN}|${PASSWORD}\n`);
  expect((await sh('cat /etc/tls/tls.key')).stdout).toBe(KEY);

  // The kubelet's layout: ..data -> a timestamped directory, one link per key, the modes asked for.
  const ls = await sh('cd /etc/app && ls -a | sort && readlink ..data && readlink app.conf && stat -L -c %a app.conf LEVEL');
  const lines = ls.stdout.trim().split('\n');
  expect(lines.slice(0, 6)).toEqual(['.', '..', expect.stringMatching(/^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d{9}$/), '..data', '1extra.txt', 'LEVEL']);
  expect(lines.slice(6)).toEqual(['app.conf', expect.stringMatching(/^\.\.\d{4}_/), '..data/app.conf', '440', '440']);
  expect((await sh('cat /etc/app/app.conf /etc/one.conf /etc/all/level; echo; cat /etc/all/labels')).stdout).toBe(`level=1\nlevel=1\n1\napp="${prefix}"`);
  expect((await sh('stat -L -c %a /etc/secret/db/password && cat /etc/secret/db/password')).stdout).toBe(`400\n${PASSWORD}`);
  // The mounts are read-only, as the kubelet makes them.
  expect((await sh('echo x > /etc/app/new 2>&1; echo $?')).stdout.trim()).not.toBe('0');
});

/** Podman before 5.3 shows a started container's secret-fed variables in inspect (containers/podman#23788; docs/security.md). */
async function podmanShowsSecretEnv(): Promise<boolean> {
  const [major = 0, minor = 0] = (await podman(['version', '--format', '{{.Client.Version}}'])).stdout.trim().split('.').map(Number);
  return major < 5 || (major === 5 && minor < 3);
}

test("no Secret value in podman inspect (but a started container's env on Podman < 5.3), in the pod's labels or in -v output", async () => {
  const inspect = await podman(['inspect', app]);
  expect(inspect.code).toBe(0);
  const [container] = JSON.parse(inspect.stdout) as Array<{ Config: { Env: string[] } }>;
  const env = container!.Config.Env;
  // A value only mounted as a file is nowhere, and no value is anywhere but in Config.Env.
  expect(inspect.stdout).not.toContain(KEY);
  const rest = JSON.stringify({ ...container, Config: { ...container!.Config, Env: [] } });
  for (const v of [PASSWORD, TOKEN, b64(PASSWORD)]) expect(rest).not.toContain(v);
  if (!(await podmanShowsSecretEnv())) expect(env.join('\n')).not.toContain(PASSWORD);
  const podInspect = await podman(['pod', 'inspect', web]);
  expect(podInspect.stdout).not.toContain(PASSWORD);
  const f = file('app.yaml', [pod, configMap('1'), secret, claim].join('---\n'));
  const verbose = await cli(['apply', '-f', f, '-vv', '--dry-run=server']);
  expect(verbose.code).toBe(0);
  for (const out of [verbose.stdout, verbose.stderr]) {
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain(TOKEN);
  }
  const again = await cli(['apply', '-f', f, '-vv']);
  expect(again.stdout).toBe(`configmap/${cfg} unchanged\nsecret/${creds} unchanged\nsecret/${tls} unchanged\npersistentvolumeclaim/${data} unchanged\npod/${web} unchanged\n`);
  expect(again.stderr).not.toContain(PASSWORD);
  expect(again.stderr).not.toContain(TOKEN);
});

test('a changed ConfigMap: the mounted files follow within the apply, a removed key disappears, the pod and its variables stay', async () => {
  const before = (await podman(['inspect', '--format', '{{.Id}}', app])).stdout.trim();
  const r = await cli(['apply', '-f', file('cfg2.yaml', configMap('2', ''))]);
  expect(r).toMatchObject({ code: 0, stdout: `configmap/${cfg} configured\n`, stderr: '' });
  expect((await sh('cat /etc/app/app.conf /etc/all/level; echo; ls /etc/app; echo "LEVEL=$LEVEL"')).stdout).toBe('level=2\n2\nLEVEL\napp.conf\nLEVEL=1\n');
  // A subPath mount is fixed at the container's start, as in Kubernetes.
  expect((await sh('cat /etc/one.conf')).stdout).toBe('level=1\n');
  expect((await podman(['inspect', '--format', '{{.Id}}', app])).stdout.trim()).toBe(before);
});

test('a reference to a ConfigMap or key that exists nowhere is refused before any change, located', async () => {
  const other = pod.replace(`name: ${web}`, `name: ${prefix}-other`).replace(`key: LEVEL}`, 'key: NOPE}').replace(`secretName: ${creds}`, `secretName: ${prefix}-nothing`);
  const f = file('bad.yaml', other);
  const r = await cli(['apply', '-f', f]);
  expect(r.code).not.toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`${f}:12:`);
  expect(r.stderr).toContain(`spec.containers[0].env[0].valueFrom.configMapKeyRef.key: couldn't find key NOPE in ConfigMap default/${cfg}`);
  expect(r.stderr).toContain(`spec.volumes[1].secret.secretName: secret "${prefix}-nothing" not found`);
  expect((await podman(['pod', 'exists', `${prefix}-other`])).code).toBe(1);
});

test("delete -f removes the pod with its Podman secrets and its files; the claim's data stays only with the claim", async () => {
  const secretsBefore = (await podman(['secret', 'ls', '--format', '{{.Name}}'])).stdout.split('\n').filter((n) => n.startsWith(`kubeplay_${web}_`));
  expect(secretsBefore.sort()).toEqual([`kubeplay_${web}_app_0`, `kubeplay_${web}_app_1`, `kubeplay_${web}_app_2`]);
  expect(existsSync(join(stateDir, 'pods', web))).toBe(true);
  const r = await cli(['delete', '-f', file('pod.yaml', pod)]);
  expect(r).toMatchObject({ code: 0, stdout: `pod "${web}" deleted\n` });
  const secretsAfter = (await podman(['secret', 'ls', '--format', '{{.Name}}'])).stdout.split('\n').filter((n) => n.startsWith(`kubeplay_${web}_`));
  expect(secretsAfter).toEqual([]);
  expect(existsSync(join(stateDir, 'pods', web))).toBe(false);
  const all = await cli(['delete', '-f', file('rest.yaml', [configMap('2'), secret, claim].join('---\n'))]);
  expect(all).toMatchObject({ code: 0, stdout: `configmap "${cfg}" deleted\nsecret "${creds}" deleted\nsecret "${tls}" deleted\npersistentvolumeclaim "${data}" deleted\n` });
});

test("a namespace's delete takes its ConfigMaps and Secrets; --prune takes a claim (and its volume) only when --prune-allowlist names the kind", async () => {
  const ns = `${prefix}-ns`;
  const inNs = [`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`, configMap('1').replace(`name: ${cfg}}`, `name: ${cfg}, namespace: ${ns}}`), secret.split('---\n')[0]!.replace(`name: ${creds}}`, `name: ${creds}, namespace: ${ns}}`)].join('---\n');
  expect((await cli(['apply', '-f', file('ns.yaml', inNs)])).stdout).toBe(`namespace/${ns} created\nconfigmap/${cfg} created\nsecret/${creds} created\n`);
  expect(await cli(['delete', 'ns', ns])).toMatchObject({ code: 0, stdout: `namespace "${ns}" deleted\n` });
  expect(await cli(['get', 'cm', '-n', ns])).toMatchObject({ code: 0, stderr: `No resources found in ${ns} namespace.\n` });
  expect(await cli(['get', 'secrets', '-n', ns])).toMatchObject({ code: 0, stderr: `No resources found in ${ns} namespace.\n` });

  const kept = `${prefix}-kept`;
  const labelled = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, labels: {set: ${prefix}}}\ndata: {a: "1"}\n`;
  const loose = `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: ${prefix}-loose, labels: {set: ${prefix}}}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Mi}}}\n`;
  expect((await cli(['apply', '-f', file('set.yaml', [labelled(kept), labelled(`${prefix}-gone`), loose].join('---\n'))])).code).toBe(0);
  expect((await podman(['volume', 'exists', `${prefix}-loose`])).code).toBe(0);
  const pruned = await cli(['apply', '--prune', '-l', `set=${prefix}`, '-f', file('set2.yaml', labelled(kept))]);
  expect(pruned).toMatchObject({ code: 0, stdout: `configmap/${kept} unchanged\nconfigmap/${prefix}-gone pruned\n` });
  expect((await podman(['volume', 'exists', `${prefix}-loose`])).code).toBe(0);
  const allow = await cli(['apply', '--prune', '-l', `set=${prefix}`, '--prune-allowlist', 'core/v1/ConfigMap', '--prune-allowlist', 'core/v1/PersistentVolumeClaim', '-f', file('set2.yaml', labelled(kept))]);
  expect(allow).toMatchObject({ code: 0, stdout: `configmap/${kept} unchanged\npersistentvolumeclaim/${prefix}-loose pruned\n` });
  expect((await podman(['volume', 'exists', `${prefix}-loose`])).code).toBe(1);
  expect((await cli(['delete', 'cm', kept])).stdout).toBe(`configmap "${kept}" deleted\n`);
});
