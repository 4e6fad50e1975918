/**
 * Real kubectl (1.27, 1.32, 1.33: Go's TLS and x509 from Go 1.20 to 1.24) against a test-only HTTPS
 * server using ensureCredentials' certificates: `kubectl version -o json` succeeds with the token
 * and with the client certificate, fails with Go's x509 error when the kubeconfig names another
 * CA, and gets 401 without credentials.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCredentials, type ServingCredentials } from '../../../src/serve/tls';
import { startTestServer, type TestServer } from './tls-test-server';
import { KUBECTLS, runKubectl } from './support-kubectl';

let root: string;
let creds: ServingCredentials;
let foreign: ServingCredentials;
let server: TestServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kubeplay-tls-kubectl-'));
  creds = ensureCredentials(join(root, 'serve'), { hosts: ['127.0.0.1'] });
  foreign = ensureCredentials(join(root, 'foreign'), { hosts: ['127.0.0.1'] });
  server = await startTestServer(creds);
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const b64 = (t: string): string => Buffer.from(t).toString('base64');

/** kubeconfig: a file with one context; user fields as given. */
function kubeconfig(name: string, ca: string, user: Record<string, string>): string {
  const path = join(root, name);
  const userLines = Object.entries(user).map(([k, v]) => `    ${k}: ${v}\n`).join('');
  writeFileSync(
    path,
    'apiVersion: v1\nkind: Config\n' +
      `clusters:\n- name: kubeplay\n  cluster:\n    server: ${server.url}\n    certificate-authority-data: ${b64(ca)}\n` +
      `users:\n- name: kubeplay\n  user:\n${userLines || '    {}\n'}` +
      'contexts:\n- name: kubeplay\n  context:\n    cluster: kubeplay\n    user: kubeplay\ncurrent-context: kubeplay\n',
  );
  return path;
}

describe.each(KUBECTLS)('kubectl %s', (_label, kubectl) => {
  test('version -o json with the token', async () => {
    const k = kubeconfig('token', creds.caCert, { token: creds.token });
    const before = server.seen.length;
    const r = await runKubectl(kubectl, ['--kubeconfig', k, 'version', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).serverVersion.gitVersion).toBe('v1.32.0-kubeplay');
    expect(server.seen.slice(before).map((s) => [s.path.split('?')[0], s.user])).toContainEqual(['/version', 'token']);
  });

  test('version -o json with the client certificate', async () => {
    const k = kubeconfig('cert', creds.caCert, { 'client-certificate-data': b64(creds.clientCert), 'client-key-data': b64(creds.clientKey) });
    const before = server.seen.length;
    const r = await runKubectl(kubectl, ['--kubeconfig', k, 'version', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).serverVersion.gitVersion).toBe('v1.32.0-kubeplay');
    expect(server.seen.slice(before).map((s) => s.user)).toEqual(server.seen.slice(before).map(() => 'kubeplay-admin'));
  });

  test("another CA in the kubeconfig: Go's x509 error, no request reaches the server", async () => {
    const k = kubeconfig('wrong-ca', foreign.caCert, { token: creds.token });
    const before = server.seen.length;
    const r = await runKubectl(kubectl, ['--kubeconfig', k, 'version', '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('x509: certificate signed by unknown authority');
    expect(server.seen.length).toBe(before);
  });

  // A kubeconfig user with nothing in it makes kubectl prompt on the terminal for a user name and
  // password; a basic-auth user is the nearest to "no credentials" kubectl sends unprompted
  // (kubeplay accepts no basic auth, as kube-apiserver has not since 1.19).
  test('no credentials kubeplay knows, a wrong token, another CA\'s client certificate: 401', async () => {
    for (const user of [{ username: 'nobody', password: 'none' }, { token: foreign.token }, { 'client-certificate-data': b64(foreign.clientCert), 'client-key-data': b64(foreign.clientKey) }]) {
      const k = kubeconfig('none', creds.caCert, user);
      const r = await runKubectl(kubectl, ['--kubeconfig', k, 'version', '-o', 'json']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)/);
    }
  });
});
