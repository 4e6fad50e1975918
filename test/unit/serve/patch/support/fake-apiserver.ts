/**
 * A test-only HTTP server that answers what real kubectl asks on its way to a Deployment (version,
 * legacy discovery, no OpenAPI) and hands the Deployment's own requests to the test; and the
 * kubectls found on this machine (`kubectl`, /usr/lib/google-cloud-sdk/bin/kubectl.1.27 ... 1.33).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** DeploymentHandler answers a request for deployments (`/apis/apps/v1/namespaces/default/deployments...`). */
export type DeploymentHandler = (req: IncomingMessage, body: string, send: (code: number, obj: unknown) => void) => void;

/** KUBECTLS are the kubectl binaries here. */
export const KUBECTLS = ['kubectl', ...[27, 28, 29, 30, 31, 32, 33].map((m) => `/usr/lib/google-cloud-sdk/bin/kubectl.1.${m}`)].filter((k) =>
  k === 'kubectl' ? (process.env['PATH'] ?? '').split(':').some((d) => existsSync(join(d, 'kubectl'))) : existsSync(k),
);

/** notFound is the Status the API server answers a missing Deployment with. */
export const notFound = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'deployments.apps "web" not found', reason: 'NotFound', details: { name: 'web', group: 'apps', kind: 'deployments' }, code: 404 };

function discovery(path: string): unknown {
  const gv = { groupVersion: 'apps/v1', version: 'v1' };
  const deployments = { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['create', 'get', 'patch'] };
  switch (path) {
    case '/version':
      return { major: '1', minor: '32', gitVersion: 'v1.32.0' };
    case '/api':
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
    case '/apis':
      return { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'apps', versions: [gv], preferredVersion: gv }] };
    case '/api/v1':
      return { kind: 'APIResourceList', groupVersion: 'v1', resources: [] };
    case '/apis/apps/v1':
      return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'apps/v1', resources: [deployments] };
    default:
      return undefined;
  }
}

/** FakeApiServer runs kubectl against the server in a scratch HOME; close() ends both. */
export interface FakeApiServer {
  kubectl(binary: string, args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  writeFile(name: string, text: string): string;
  close(): void;
}

export async function startFakeApiServer(handler: DeploymentHandler): Promise<FakeApiServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const send = (code: number, obj: unknown): void => {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      const path = (req.url ?? '').split('?')[0] ?? '';
      const d = discovery(path);
      if (d !== undefined) return send(200, d);
      if (path.startsWith('/apis/apps/v1/namespaces/default/deployments')) return handler(req, body, send);
      send(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  const dir = mkdtempSync(join(tmpdir(), 'kubeplay-patch-'));
  writeFileSync(
    join(dir, 'kubeconfig'),
    `apiVersion: v1\nkind: Config\nclusters: [{name: t, cluster: {server: "http://127.0.0.1:${port}"}}]\nusers: [{name: t, user: {}}]\ncontexts: [{name: t, context: {cluster: t, user: t}}]\ncurrent-context: t\n`,
  );
  return {
    kubectl: (binary, args) =>
      new Promise((resolve) => {
        execFile(binary, ['--kubeconfig', join(dir, 'kubeconfig'), ...args], { env: { ...process.env, HOME: dir } }, (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      }),
    writeFile: (name, text) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    },
    close: () => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
