/**
 * A real TLS handshake over ensureCredentials' files: Node's https client trusting only the CA
 * reaches a server using serverTlsOptions, by IP and by name; a client certificate the CA signed is
 * read as its user; one another CA signed, or none, is nobody.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { bearerTokenMatches, ensureCredentials, serverTlsOptions, verifyClientCertificate, type ServingCredentials } from '../../../src/serve/tls';

let root: string;
let creds: ServingCredentials;
let foreign: ServingCredentials;
let server: Server;
let port: number;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kubeplay-tls-'));
  creds = ensureCredentials(join(root, 'serve'), { hosts: ['127.0.0.1'] });
  foreign = ensureCredentials(join(root, 'foreign'), { hosts: ['127.0.0.1'] });
  server = createServer(serverTlsOptions(creds), (req, res) => {
    const socket = req.socket as TLSSocket;
    const user = verifyClientCertificate(socket.getPeerCertificate(), creds.caCert);
    res.end(JSON.stringify({ user: user ?? null, authorized: socket.authorized, token: bearerTokenMatches(req.headers.authorization, creds.token) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

function get(opts: { ca?: string; cert?: string; key?: string; host?: string; servername?: string; headers?: Record<string, string> }): Promise<{ body?: unknown; error?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const req = request(
      { host: opts.host ?? '127.0.0.1', port, path: '/', ca: opts.ca, cert: opts.cert, key: opts.key, servername: opts.servername, headers: opts.headers, agent: false },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ body: JSON.parse(text) }));
      },
    );
    req.on('error', (error) => resolve({ error }));
    req.end();
  });
}

test('the CA as the only trust: reached by IP 127.0.0.1, and as localhost and kubernetes.default.svc', async () => {
  expect(await get({ ca: creds.caCert })).toEqual({ body: { user: null, authorized: false, token: false } });
  expect((await get({ ca: creds.caCert, host: 'localhost' })).body).toBeDefined();
  expect((await get({ ca: creds.caCert, servername: 'kubernetes.default.svc' })).body).toBeDefined();
});

test('the token in an Authorization header', async () => {
  expect((await get({ ca: creds.caCert, headers: { Authorization: `Bearer ${creds.token}` } })).body).toMatchObject({ token: true });
  expect((await get({ ca: creds.caCert, headers: { Authorization: `Bearer ${foreign.token}` } })).body).toMatchObject({ token: false });
});

test('the client certificate names kubeplay-admin in system:masters', async () => {
  const r = await get({ ca: creds.caCert, cert: creds.clientCert, key: creds.clientKey });
  expect(r.body).toEqual({ user: { name: 'kubeplay-admin', groups: ['system:masters'] }, authorized: true, token: false });
});

test("another CA's client certificate is nobody, though the handshake completes", async () => {
  const r = await get({ ca: creds.caCert, cert: foreign.clientCert, key: foreign.clientKey });
  expect(r.body).toEqual({ user: null, authorized: false, token: false });
});

test('a client trusting another CA, or only the system store, refuses the server', async () => {
  // The server sends the CA after its certificate (OpenSSL completes the chain from the `ca` it was
  // given for clients), so the client finds a self-signed certificate it does not trust.
  expect((await get({ ca: foreign.caCert })).error?.code).toBe('SELF_SIGNED_CERT_IN_CHAIN');
  expect((await get({})).error?.code).toBe('SELF_SIGNED_CERT_IN_CHAIN');
});

test('a name the serving certificate does not hold is refused', async () => {
  expect((await get({ ca: creds.caCert, servername: 'elsewhere.example' })).error?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
});

describe('verifyClientCertificate on its own', () => {
  const peer = (pem: string) => ({ raw: new X509Certificate(pem).raw }) as unknown as import('node:tls').PeerCertificate;
  test('no certificate: the empty object getPeerCertificate gives, or undefined', () => {
    expect(verifyClientCertificate(undefined, creds.caCert)).toBeUndefined();
    expect(verifyClientCertificate({} as import('node:tls').PeerCertificate, creds.caCert)).toBeUndefined();
  });
  test('a certificate outside its validity is nobody', () => {
    expect(verifyClientCertificate(peer(creds.clientCert), creds.caCert)).toEqual({ name: 'kubeplay-admin', groups: ['system:masters'] });
    expect(verifyClientCertificate(peer(creds.clientCert), creds.caCert, new Date(Date.now() + 400 * 86400000))).toBeUndefined();
  });
  test('a certificate for serving, not for clients, is nobody', () => {
    expect(verifyClientCertificate(peer(creds.cert), creds.caCert)).toBeUndefined();
  });
});

describe('bearerTokenMatches', () => {
  test.each([
    ['Bearer T0k', true],
    ['bearer T0k', true],
    ['Bearer  T0k ', true],
    ['Bearer T0kx', false],
    ['Bearer', false],
    ['Basic T0k', false],
    ['T0k', false],
    [undefined, false],
  ])('%j', (header, want) => expect(bearerTokenMatches(header, 'T0k')).toBe(want));
});
