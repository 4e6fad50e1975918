/**
 * mergeKubeconfig and kubeconfigPath: a user's kubeconfig keeps its other entries, unknown fields
 * and comments; real kubectl reads the result; a second run leaves the bytes alone; the path rule
 * is checked against where kubectl itself writes a new context.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { kubeconfigPath, mergeKubeconfig, type KubeconfigEntry } from '../../../src/serve/kubeconfig';
import { ensureCredentials } from '../../../src/serve/tls';
import { KUBECTLS, runKubectl } from './support-kubectl';
import { startTestServer } from './tls-test-server';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kubeplay-kubeconfig-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const TOKEN: KubeconfigEntry = { server: 'https://127.0.0.1:6443', caData: CA, token: 'tok-1', setCurrent: false };

const USERS_FILE = `# my clusters, do not lose this comment
apiVersion: v1
kind: Config
preferences:
  colors: true
clusters:
  - name: prod   # the one that matters
    cluster:
      server: https://prod.example:443
      certificate-authority: /etc/prod-ca.crt
      proxy-url: http://proxy:3128
  - name: kind-dev
    cluster:
      server: https://127.0.0.1:40000
      insecure-skip-tls-verify: true
users:
  - name: prod-admin
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1beta1
        command: aws
        args: [eks, get-token]
contexts:
  - name: prod
    context: {cluster: prod, user: prod-admin, namespace: payments}
current-context: prod
x-unknown-field:
  kept: yes
`;

describe('mergeKubeconfig', () => {
  test('a missing file: a new kubeconfig in kubectl layout, 0600, its folder made, kubeplay current', () => {
    const path = join(root, 'home', '.kube', 'config');
    const r = mergeKubeconfig(path, TOKEN);
    expect(r).toEqual({ path, changed: true, currentContext: 'kubeplay' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe(
      `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(CA)}
    server: https://127.0.0.1:6443
  name: kubeplay
contexts:
- context:
    cluster: kubeplay
    user: kubeplay
  name: kubeplay
current-context: kubeplay
kind: Config
preferences: {}
users:
- name: kubeplay
  user:
    token: tok-1
`,
    );
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  test("another user's file: every other entry, preference, unknown field and comment kept; current context kept", () => {
    const path = join(root, 'config');
    writeFileSync(path, USERS_FILE);
    const r = mergeKubeconfig(path, TOKEN);
    expect(r.currentContext).toBe('prod');
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('# my clusters, do not lose this comment');
    expect(text).toContain('# the one that matters');
    const before = parse(USERS_FILE);
    const after = parse(text);
    expect(after.clusters.slice(0, 2)).toEqual(before.clusters);
    expect(after.users.slice(0, 1)).toEqual(before.users);
    expect(after.contexts.slice(0, 1)).toEqual(before.contexts);
    expect(after.preferences).toEqual({ colors: true });
    expect(after['x-unknown-field']).toEqual({ kept: 'yes' });
    expect(after.clusters[2]).toEqual({ cluster: { 'certificate-authority-data': b64(CA), server: 'https://127.0.0.1:6443' }, name: 'kubeplay' });
    expect(after['current-context']).toBe('prod');
  });

  test('setCurrent makes kubeplay the current context', () => {
    const path = join(root, 'config');
    writeFileSync(path, USERS_FILE);
    expect(mergeKubeconfig(path, { ...TOKEN, setCurrent: true }).currentContext).toBe('kubeplay');
    expect(parse(readFileSync(path, 'utf8'))['current-context']).toBe('kubeplay');
  });

  test('a second run with the same entry changes nothing: same bytes, not even written', () => {
    const path = join(root, 'config');
    writeFileSync(path, USERS_FILE);
    mergeKubeconfig(path, TOKEN);
    const once = readFileSync(path);
    const mtime = statSync(path).mtimeMs;
    const r = mergeKubeconfig(path, TOKEN);
    expect(r.changed).toBe(false);
    expect(readFileSync(path).equals(once)).toBe(true);
    expect(statSync(path).mtimeMs).toBe(mtime);
    // The same from a new file.
    const fresh = join(root, 'fresh');
    mergeKubeconfig(fresh, TOKEN);
    const bytes = readFileSync(fresh);
    expect(mergeKubeconfig(fresh, TOKEN).changed).toBe(false);
    expect(readFileSync(fresh).equals(bytes)).toBe(true);
  });

  test("kubeplay's own entries are updated in place: new server and credentials, the user's namespace and extra fields kept, other ways to authenticate dropped", () => {
    const path = join(root, 'config');
    writeFileSync(
      path,
      `apiVersion: v1
kind: Config
clusters:
- name: kubeplay
  cluster:
    server: https://127.0.0.1:7000
    certificate-authority: /old/ca.crt
    tls-server-name: kubernetes
users:
- name: kubeplay
  user:
    token: old
    as: someone
contexts:
- name: kubeplay
  context:
    cluster: kubeplay
    user: kubeplay
    namespace: shop
current-context: kubeplay
`,
    );
    mergeKubeconfig(path, { server: 'https://127.0.0.1:6443', caData: CA, clientCert: 'CERT', clientKey: 'KEY', setCurrent: false });
    const after = parse(readFileSync(path, 'utf8'));
    expect(after.clusters).toEqual([{ name: 'kubeplay', cluster: { server: 'https://127.0.0.1:6443', 'tls-server-name': 'kubernetes', 'certificate-authority-data': b64(CA) } }]);
    expect(after.users).toEqual([{ name: 'kubeplay', user: { as: 'someone', 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') } }]);
    expect(after.contexts[0].context).toEqual({ cluster: 'kubeplay', user: 'kubeplay', namespace: 'shop' });
    mergeKubeconfig(path, { ...TOKEN, namespace: 'web' });
    const again = parse(readFileSync(path, 'utf8'));
    expect(again.users[0].user).toEqual({ as: 'someone', token: 'tok-1' });
    expect(again.contexts[0].context.namespace).toBe('web');
  });

  test('empty, null lists and a file of only comments are merged into', () => {
    for (const text of ['', '# nothing yet\n', 'clusters: null\nusers: null\ncontexts: null\ncurrent-context: ""\n', '{}\n']) {
      const path = join(root, 'config');
      writeFileSync(path, text);
      expect(mergeKubeconfig(path, TOKEN).currentContext).toBe('kubeplay');
      const after = parse(readFileSync(path, 'utf8'));
      expect(after.contexts).toEqual([{ context: { cluster: 'kubeplay', user: 'kubeplay' }, name: 'kubeplay' }]);
    }
  });

  test('a name other than kubeplay', () => {
    const path = join(root, 'config');
    mergeKubeconfig(path, { ...TOKEN, name: 'kp2', setCurrent: true });
    expect(parse(readFileSync(path, 'utf8')).contexts).toEqual([{ context: { cluster: 'kp2', user: 'kp2' }, name: 'kp2' }]);
  });

  test('a symlinked kubeconfig: the file it points to is written, the link kept', () => {
    const real = join(root, 'real-config');
    const link = join(root, 'config');
    writeFileSync(real, USERS_FILE);
    symlinkSync(real, link);
    expect(mergeKubeconfig(link, TOKEN).path).toBe(real);
    expect(statSync(link).isFile()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain('name: kubeplay');
  });

  test('refusals: invalid YAML, not a mapping, a list that is not a list, no credentials, a held lock', () => {
    const path = join(root, 'config');
    writeFileSync(path, 'clusters: [\n');
    expect(() => mergeKubeconfig(path, TOKEN)).toThrow(/cannot merge into the kubeconfig .*config: it is not valid YAML/);
    writeFileSync(path, '- a\n- b\n');
    expect(() => mergeKubeconfig(path, TOKEN)).toThrow(/it is not a mapping/);
    writeFileSync(path, 'clusters: {a: 1}\n');
    expect(() => mergeKubeconfig(path, TOKEN)).toThrow(/its clusters is not a list/);
    expect(() => mergeKubeconfig(path, { server: 's', caData: CA, setCurrent: false })).toThrow(/give a token, or a client certificate/);
    writeFileSync(path, USERS_FILE);
    writeFileSync(`${path}.lock`, '');
    expect(() => mergeKubeconfig(path, TOKEN)).toThrow(/config\.lock exists \(kubectl holds it while changing the file\)/);
    expect(readFileSync(path, 'utf8')).toBe(USERS_FILE);
  });

  test('a path that cannot be a file is an error that names it', () => {
    // A path under a regular file fails for root too (ENOTDIR), unlike a folder without write permission.
    const file = join(root, 'plain');
    writeFileSync(file, '');
    expect(() => mergeKubeconfig(join(file, '.kube', 'config'), TOKEN)).toThrow(/^cannot read the kubeconfig .*plain\/\.kube\/config: ENOTDIR/);
  });
});

describe('real kubectl reads what mergeKubeconfig wrote', () => {
  test('config view --raw and config get-contexts', async () => {
    const path = join(root, 'config');
    writeFileSync(path, USERS_FILE);
    mergeKubeconfig(path, { server: 'https://127.0.0.1:6443', caData: CA, clientCert: 'CERT', clientKey: 'KEY', setCurrent: true, namespace: 'shop' });
    const view = await runKubectl('kubectl', ['config', 'view', '--kubeconfig', path, '--raw', '-o', 'json']);
    expect(view.stderr).toBe('');
    const cfg = JSON.parse(view.stdout);
    expect(cfg['current-context']).toBe('kubeplay');
    expect(cfg.clusters.map((c: { name: string }) => c.name).sort()).toEqual(['kind-dev', 'kubeplay', 'prod']);
    expect(cfg.clusters.find((c: { name: string }) => c.name === 'kubeplay').cluster).toEqual({ server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64(CA) });
    expect(cfg.users.find((u: { name: string }) => u.name === 'kubeplay').user).toEqual({ 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') });
    expect(cfg.users.find((u: { name: string }) => u.name === 'prod-admin').user.exec.command).toBe('aws');

    const contexts = await runKubectl('kubectl', ['config', 'get-contexts', '--kubeconfig', path]);
    expect(contexts.stdout.split('\n').map((l) => l.trim().split(/\s+/))).toEqual([
      ['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE'],
      ['*', 'kubeplay', 'kubeplay', 'kubeplay', 'shop'],
      ['prod', 'prod', 'prod-admin', 'payments'],
      [''],
    ]);
  });
});

describe.each(KUBECTLS)('kubectl %s through a merged kubeconfig', (_label, kubectl) => {
  test('version -o json with the token, then with the client certificate, the other contexts untouched', async () => {
    const creds = ensureCredentials(join(root, 'serve'), { hosts: ['127.0.0.1'] });
    const server = await startTestServer(creds);
    try {
      const path = join(root, 'config');
      writeFileSync(path, USERS_FILE);
      mergeKubeconfig(path, { server: server.url, caData: creds.caCert, token: creds.token, setCurrent: true });
      const byToken = await runKubectl(kubectl, ['--kubeconfig', path, 'version', '-o', 'json']);
      expect([byToken.code, JSON.parse(byToken.stdout).serverVersion?.gitVersion]).toEqual([0, 'v1.32.0-kubeplay']);
      mergeKubeconfig(path, { server: server.url, caData: creds.caCert, clientCert: creds.clientCert, clientKey: creds.clientKey, setCurrent: true });
      const byCert = await runKubectl(kubectl, ['--kubeconfig', path, 'version', '-o', 'json']);
      expect(byCert.code).toBe(0);
      expect(server.seen.map((s) => s.user)).toEqual(expect.arrayContaining(['token', 'kubeplay-admin']));
      expect(parse(readFileSync(path, 'utf8')).contexts[0]).toEqual(parse(USERS_FILE).contexts[0]);
    } finally {
      await server.close();
    }
  });
});

/**
 * CLIENT_NODE: a script for `node --input-type=module` (the library is ESM only, jest runs
 * CommonJS): @kubernetes/client-node loads the kubeconfig and asks /version.
 */
const CLIENT_NODE = `
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
const kc = new KubeConfig();
kc.loadFromFile(process.argv[1]);
try {
  const v = await kc.makeApiClient(VersionApi).getCode();
  console.log(JSON.stringify({ gitVersion: v.gitVersion }));
} catch (e) {
  console.log(JSON.stringify({ error: String(e.code ?? e.message ?? e) }));
}`;

function clientNodeVersion(kubeconfigFile: string): Promise<{ gitVersion?: string; error?: string }> {
  return new Promise((resolve, reject) => {
    const child = require('node:child_process').execFile(
      process.execPath,
      ['--input-type=module', '-e', CLIENT_NODE, kubeconfigFile],
      { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8', env: { ...process.env, KUBECONFIG: '' } },
      (e: Error | null, stdout: string, stderr: string) => (e ? reject(new Error(`${e.message}\n${stderr}`)) : resolve(JSON.parse(stdout))),
    );
    child.stdin.end();
  });
}

test('@kubernetes/client-node, a second real client, reads the merged kubeconfig: token, client certificate, and a wrong CA refused', async () => {
  const creds = ensureCredentials(join(root, 'serve'), { hosts: ['127.0.0.1'] });
  const foreign = ensureCredentials(join(root, 'foreign'), { hosts: ['127.0.0.1'] });
  const server = await startTestServer(creds);
  try {
    const path = join(root, 'config');
    writeFileSync(path, USERS_FILE);
    mergeKubeconfig(path, { server: server.url, caData: creds.caCert, token: creds.token, setCurrent: true });
    expect(await clientNodeVersion(path)).toEqual({ gitVersion: 'v1.32.0-kubeplay' });
    mergeKubeconfig(path, { server: server.url, caData: creds.caCert, clientCert: creds.clientCert, clientKey: creds.clientKey, setCurrent: true });
    expect(await clientNodeVersion(path)).toEqual({ gitVersion: 'v1.32.0-kubeplay' });
    expect(server.seen.map((s) => s.user)).toEqual(['token', 'kubeplay-admin']);
    mergeKubeconfig(path, { server: server.url, caData: foreign.caCert, token: creds.token, setCurrent: true });
    expect(await clientNodeVersion(path)).toEqual({ error: 'SELF_SIGNED_CERT_IN_CHAIN' });
  } finally {
    await server.close();
  }
});

describe('kubeconfigPath', () => {
  const home = '/home/me';
  test('the flag first, then $KUBECONFIG, then ~/.kube/config', () => {
    expect(kubeconfigPath({ KUBECONFIG: '/a' }, '/f')).toBe('/f');
    expect(kubeconfigPath({ KUBECONFIG: '/a' })).toBe('/a');
    expect(kubeconfigPath({ HOME: home })).toBe('/home/me/.kube/config');
    expect(kubeconfigPath({ KUBECONFIG: '', HOME: '/elsewhere' }, undefined, { home })).toBe('/home/me/.kube/config');
    expect(kubeconfigPath({ HOME: home }, '')).toBe('/home/me/.kube/config');
  });
  test('of a list: the first file that exists, else the last', () => {
    const exists = (p: string) => p === '/b' || p === '/c';
    expect(kubeconfigPath({ KUBECONFIG: '/a:/b:/c' }, undefined, { exists })).toBe('/b');
    expect(kubeconfigPath({ KUBECONFIG: '/a:/x:/y' }, undefined, { exists })).toBe('/y');
    expect(kubeconfigPath({ KUBECONFIG: '/a::/a' }, undefined, { exists })).toBe('/a');
  });

  // kubectl's own choice, asked of kubectl: `config set-context` makes a new context in the file
  // GetDefaultFilename names; kubeconfigPath must name the same file.
  test.each([
    ['none of three exists', [] as string[]],
    ['the second exists', ['b']],
    ['the second and third exist', ['b', 'c']],
  ])('the file kubectl writes a new context into: %s', async (_case, existing) => {
    const files = ['a', 'b', 'c'].map((n) => join(root, n));
    for (const n of existing) writeFileSync(join(root, n), 'apiVersion: v1\nkind: Config\n');
    const env = { KUBECONFIG: files.join(':') };
    const ours = kubeconfigPath(env);
    const r = await new Promise<number>((resolve) => {
      const child = require('node:child_process').execFile('kubectl', ['config', 'set-context', 'probe', '--cluster=x'], { env: { ...process.env, ...env } }, (e: { code?: number } | null) => resolve(e?.code ?? 0));
      child.stdin.end();
    });
    expect(r).toBe(0);
    const written = files.filter((f) => existsSync(f) && readFileSync(f, 'utf8').includes('probe'));
    expect(written).toEqual([ours]);
  });
});
