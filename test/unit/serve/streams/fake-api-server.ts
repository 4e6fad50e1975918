/**
 * A test-only Kubernetes API server, plain HTTP on 127.0.0.1, answering only what kubectl asks on
 * its way to exec and port-forward (discovery, the GET of a Running pod) and handing the upgrade
 * of `.../pods/NAME/exec|attach|portforward` to the test. Real kubectl is driven against it
 * through a kubeconfig with `server: http://127.0.0.1:PORT`. It is no model of the lead's server.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;

export interface FakeApiServer {
  port: number;
  kubeconfig: string;
  /** requests lists `METHOD path` of every request, upgrades included. */
  requests: string[];
  close(): Promise<void>;
}

/** KUBECTL_DIR holds the other installed kubectl minors (kubectl.1.27 .. kubectl.1.33). */
const KUBECTL_DIR = '/usr/lib/google-cloud-sdk/bin';

/** kubectlBinary is the path of kubectl `minor` ('1.27' .. '1.33'), or plain `kubectl` (1.32) for ''. */
export function kubectlBinary(minor: string): string {
  return minor === '' ? 'kubectl' : join(KUBECTL_DIR, `kubectl.${minor}`);
}

function pod(name: string): object {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name, namespace: 'default', uid: '9d5c1e8e-3c5e-4d7b-9a0e-000000000001', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'main', image: 'localhost/busybox:stable', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIP: '10.88.0.2', containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'localhost/busybox:stable', imageID: '', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }] },
  };
}

const RESOURCES = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'] },
    { name: 'pods/attach', singularName: '', namespaced: true, kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  ],
};

/**
 * startFakeApiServer listens on a free port and writes a kubeconfig for it: plain HTTP, or HTTPS
 * with `https` (a self-signed certificate made by the openssl command, trusted by
 * insecure-skip-tls-verify; the upgrade's socket is then a tls.TLSSocket).
 */
export async function startFakeApiServer(onUpgrade: UpgradeHandler, opts: { https?: boolean } = {}): Promise<FakeApiServer> {
  const requests: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'kubeplay-streams-'));
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const json = (code: number, body: object): void => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const podMatch = /^\/api\/v1\/namespaces\/default\/pods\/([^/]+)$/.exec(url.pathname);
    if (url.pathname === '/api') return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
    if (url.pathname === '/apis') return json(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    if (url.pathname === '/api/v1') return json(200, RESOURCES);
    if (url.pathname === '/version') return json(200, { major: '1', minor: '32', gitVersion: 'v1.32.0' });
    if (podMatch && req.method === 'GET') return json(200, pod(podMatch[1]!));
    json(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `the server could not find the requested resource`, reason: 'NotFound', code: 404 });
  };
  let server: Server;
  if (opts.https) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, handler);
  } else {
    server = createServer(handler);
  }
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    requests.push(`${req.method} ${req.url} (upgrade ${String(req.headers.upgrade)})`);
    onUpgrade(req, socket, head, new URL(req.url ?? '/', 'http://127.0.0.1'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: fake',
      '  cluster:',
      `    server: ${opts.https ? 'https' : 'http'}://127.0.0.1:${port}`,
      '    insecure-skip-tls-verify: true',
      'contexts:',
      '- name: fake',
      '  context: {cluster: fake, user: fake, namespace: default}',
      'current-context: fake',
      'users:',
      '- name: fake',
      '  user: {token: fake-token}',
      '',
    ].join('\n'),
  );
  return {
    port,
    kubeconfig,
    requests,
    close: async () => {
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** runKubectl runs kubectl `minor` with `args` against the kubeconfig, feeding `stdin`, and waits for it. */
export function runKubectl(minor: string, kubeconfig: string, args: string[], opts: { stdin?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = spawn(kubectlBinary(minor), ['--kubeconfig', kubeconfig, ...args], { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
  });
}
