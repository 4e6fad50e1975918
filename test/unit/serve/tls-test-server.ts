/**
 * A test-only HTTPS server over kubeplay's credentials that answers just what `kubectl version`
 * asks: GET /version with a version JSON to a request that carries the token or a client
 * certificate the CA signed, 401 with the API server's Status to one that carries neither, 404 to
 * anything else. It records each request's path and the user it authenticated.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { bearerTokenMatches, serverTlsOptions, verifyClientCertificate, type ServingCredentials } from '../../../src/serve/tls';

export interface SeenRequest {
  method: string;
  path: string;
  user: string | undefined;
}

export interface TestServer {
  server: Server;
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kubeplay',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

export async function startTestServer(creds: ServingCredentials): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server = createServer(serverTlsOptions(creds), (req, res) => {
    const socket = req.socket as TLSSocket;
    const byCert = verifyClientCertificate(socket.getPeerCertificate(), creds.caCert)?.name;
    const user = byCert ?? (bearerTokenMatches(req.headers.authorization, creds.token) ? 'token' : undefined);
    seen.push({ method: req.method ?? '', path: req.url ?? '', user });
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (user === undefined) return send(401, UNAUTHORIZED);
    if ((req.url ?? '').split('?')[0] === '/version') return send(200, VERSION);
    return send(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    url: `https://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
