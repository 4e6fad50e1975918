/**
 * ConfigMaps and Secrets (issue 17, the store side) through the real CLI against real Podman: a
 * file holding a Secret, a ConfigMap and a pod before their Namespace applies in one go (namespace,
 * ConfigMaps, Secrets, pods), re-applies unchanged, updates configured; get and describe show
 * kubectl's columns and layouts, a Secret's values never (nor with -v); an immutable ConfigMap's
 * change is refused with nothing changed; --prune removes a ConfigMap dropped from the file;
 * `get all` shows no ConfigMaps; delete by name and by -f. Its own service, prefix and state directory.
 */
import { join } from 'node:path';
import { listPods, runCli, useIsolatedPodman } from './support';

const { prefix, tmp, file } = useIsolatedPodman();
const stateDir = join(tmp, 'state');
const ns = `${prefix}-cs`;
const cli = (args: string[]) => runCli([...args, '--state-dir', stateDir]);

const SECRET_VALUE = 'hunter2-very-secret';
const DATA_VALUE = 'c3VwZXItcGFzcw=='; // super-pass

const namespace = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`;
const configMap = (name: string, data: string, extra = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels: {app: ${prefix}}\n${extra}data:\n${data}`;
const secret = `apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: ${ns}
  labels: {app: ${prefix}}
data:
  password: ${DATA_VALUE}
stringData:
  username: ${SECRET_VALUE}
`;
const pod = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: ${ns}
  labels: {app: ${prefix}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: app, image: localhost/busybox:stable, command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]}
`;
const settings = configMap('settings', '  mode: fast\n  retries: "3"\n');
const frozen = configMap('frozen', '  level: one\n', 'immutable: true\n');

test('a Secret, ConfigMaps and a pod before their Namespace: applied in kind order, then unchanged, then configured', async () => {
  const f = file('app.yaml', [secret, pod, settings, frozen, namespace].join('---\n'));
  const first = await cli(['apply', '-f', f]);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout).toBe(`namespace/${ns} created\nconfigmap/settings created\nconfigmap/frozen created\nsecret/creds created\npod/web created\n`);
  const again = await cli(['apply', '-f', f]);
  expect(again.stdout).toBe(`namespace/${ns} unchanged\nconfigmap/settings unchanged\nconfigmap/frozen unchanged\nsecret/creds unchanged\npod/web unchanged\n`);
  const changed = file('app2.yaml', [secret, pod, settings.replace('mode: fast', 'mode: slow'), frozen, namespace].join('---\n'));
  expect((await cli(['apply', '-f', changed])).stdout).toBe(`namespace/${ns} unchanged\nconfigmap/settings configured\nconfigmap/frozen unchanged\nsecret/creds unchanged\npod/web unchanged\n`);
});

test('get cm and get secret print kubectl\'s columns; -A adds NAMESPACE; missing names are NotFound', async () => {
  const cm = await cli(['get', 'cm', '-n', ns]);
  expect(cm).toMatchObject({ code: 0, stderr: '' });
  expect(cm.stdout).toMatch(/^NAME\s+DATA\s+AGE\nfrozen\s+1\s+\d+s\nsettings\s+2\s+\d+s\n$/);
  const s = await cli(['get', 'secrets', '-n', ns]);
  expect(s.stdout).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE\ncreds\s+Opaque\s+2\s+\d+s\n$/);
  const all = await cli(['get', 'configmaps', '-A', '-l', `app=${prefix}`]);
  expect(all.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+DATA\s+AGE$/);
  expect((await cli(['get', 'cm', 'settings', '-n', ns, '-o', 'name'])).stdout).toBe('configmap/settings\n');
  expect((await cli(['get', 'cm', 'settings', '-n', ns, '-o', 'jsonpath={.data.mode}'])).stdout).toBe('slow');
  expect(await cli(['get', 'cm'])).toMatchObject({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
  expect(await cli(['get', 'cm', 'nope', '-n', ns])).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): configmaps "nope" not found\n' });
});

test('-o yaml of the Secret: stringData merged into data in base64, type Opaque', async () => {
  const y = await cli(['get', 'secret', 'creds', '-n', ns, '-o', 'json']);
  const o = JSON.parse(y.stdout) as { data: Record<string, string>; type: string; stringData?: unknown };
  expect(o.data).toEqual({ password: DATA_VALUE, username: Buffer.from(SECRET_VALUE).toString('base64') });
  expect(o.type).toBe('Opaque');
  expect(o.stringData).toBeUndefined();
  expect((await cli(['get', 'secret', 'creds', '-n', ns, '-o', 'yaml'])).stdout).toContain(`username: ${Buffer.from(SECRET_VALUE).toString('base64')}`);
});

test('describe shows a Secret\'s sizes and never its values, also with -v; a ConfigMap\'s values as kubectl does', async () => {
  for (const args of [['describe', 'secret', 'creds', '-n', ns], ['describe', 'secret', 'creds', '-n', ns, '-v']]) {
    const d = await cli(args);
    expect(d.code).toBe(0);
    for (const text of [d.stdout, d.stderr]) {
      expect(text).not.toContain(SECRET_VALUE);
      expect(text).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
      expect(text).not.toContain('super-pass');
    }
    expect(d.stdout).toBe(`Name:         creds\nNamespace:    ${ns}\nLabels:       app=${prefix}\nAnnotations:  <none>\n\nType:  Opaque\n\nData\n====\npassword:  10 bytes\nusername:  ${SECRET_VALUE.length} bytes\n`);
  }
  const c = await cli(['describe', 'cm', 'settings', '-n', ns]);
  expect(c.stdout).toBe(
    `Name:         settings\nNamespace:    ${ns}\nLabels:       app=${prefix}\nAnnotations:  <none>\n\nData\n====\nmode:\n----\nslow\n\nretries:\n----\n3\n\n\nBinaryData\n====\n\nEvents:  <none>\n`,
  );
});

test('an immutable ConfigMap\'s change is refused before any change, in the API server\'s words', async () => {
  const before = (await cli(['get', 'cm', 'frozen', '-n', ns, '-o', 'json'])).stdout;
  const f = file('frozen.yaml', [settings.replace('mode: slow', 'mode: other'), frozen.replace('level: one', 'level: two')].join('---\n'));
  const r = await cli(['apply', '-f', f]);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain('error: configmap/frozen: ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
  expect(r.stdout).toBe('');
  expect((await cli(['get', 'cm', 'frozen', '-n', ns, '-o', 'json'])).stdout).toBe(before);
  expect((await cli(['get', 'cm', 'settings', '-n', ns, '-o', 'jsonpath={.data.mode}'])).stdout).toBe('slow');
});

test('a Secret whose data is not base64 is refused, located, in the API server\'s decoding words', async () => {
  const f = file('bad.yaml', secret.replace(DATA_VALUE, 'not*base64'));
  const r = await cli(['apply', '-f', f]);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain('data[password]: Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
  expect(r.stderr).toMatch(/bad\.yaml:8:3: /);
});

test('get all lists pods, kind-qualified, and no ConfigMaps or Secrets', async () => {
  const r = await cli(['get', 'all', '-n', ns]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\npod\/web\s+/);
  expect(r.stdout).not.toMatch(/configmap|secret/);
});

test('--prune removes a ConfigMap dropped from the file; delete -f and delete by name remove the rest', async () => {
  const f = file('pruned.yaml', [namespace, secret, pod, frozen].join('---\n'));
  const r = await cli(['apply', '--prune', '-l', `app=${prefix}`, '-f', f]);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout).toContain('configmap/settings pruned\n');
  expect(r.stdout).not.toContain('secret/creds pruned');
  expect(await cli(['get', 'cm', 'settings', '-n', ns])).toMatchObject({ code: 1 });

  expect(await cli(['delete', 'secret', 'creds', '-n', ns])).toMatchObject({ code: 0, stdout: 'secret "creds" deleted\n' });
  expect(await cli(['delete', 'secret', 'creds', '-n', ns])).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): secrets "creds" not found\n' });
  const d = await cli(['delete', '-f', file('rest.yaml', [frozen, pod].join('---\n'))]);
  expect(d).toMatchObject({ code: 0 });
  expect(d.stdout).toBe('configmap "frozen" deleted\npod "web" deleted\n');
  expect((await listPods()).map((p) => p.Name).filter((n) => n.startsWith(prefix))).toEqual([]);
  expect(await cli(['get', 'cm', '-n', ns])).toMatchObject({ stdout: '' });
  await cli(['delete', 'ns', ns]);
});
