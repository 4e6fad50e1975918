/**
 * The probe handlers (observe/probes/handlers.ts) against servers in this process: the kubelet's
 * success rules and its words for what failed (pkg/probe/http, tcp, grpc), and the gRPC health
 * protocol's framing.
 */
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  dialError,
  goDuration,
  grpcHealthRequest,
  grpcHealthStatus,
  grpcProbe,
  httpProbe,
  KUBE_PROBE_USER_AGENT,
  probeUrl,
  tcpProbe,
} from '../../../src/observe/probes/handlers';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of closers) await c();
});

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('httpGet', () => {
  let port = 0;
  const seen: http.IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    port = await listen(
      http.createServer((req, res) => {
        seen.push(req.headers);
        const code = { '/ok': 200, '/moved': 302, '/missing': 404, '/broken': 500 }[req.url ?? ''] ?? 200;
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3000);
        res.writeHead(code).end('body');
      }),
    );
  });

  test('200 to 399 pass (a redirect is not followed); 404 and 500 fail in the kubelet words', async () => {
    const url = (p: string) => new URL(`http://127.0.0.1:${port}${p}`);
    expect(await httpProbe(url('/ok'), [], 1)).toEqual({ result: 'success', output: '' });
    expect(await httpProbe(url('/moved'), [], 1)).toEqual({ result: 'success', output: '' });
    expect(await httpProbe(url('/missing'), [], 1)).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 404' });
    expect(await httpProbe(url('/broken'), [], 1)).toEqual({ result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
  });

  test("the kubelet's User-Agent and Accept, replaced by the probe's headers (Host too)", async () => {
    seen.length = 0;
    await httpProbe(new URL(`http://127.0.0.1:${port}/ok`), [], 1);
    await httpProbe(new URL(`http://127.0.0.1:${port}/ok`), [{ name: 'accept', value: 'text/plain' }, { name: 'Host', value: 'example.test' }, { name: 'X-Probe', value: '1' }], 1);
    expect(seen[0]).toMatchObject({ 'user-agent': KUBE_PROBE_USER_AGENT, accept: '*/*', host: `127.0.0.1:${port}` });
    expect(seen[1]).toMatchObject({ 'user-agent': KUBE_PROBE_USER_AGENT, accept: 'text/plain', host: 'example.test', 'x-probe': '1' });
  });

  test("a time-out and a refused connection, in Go's words", async () => {
    const slow = new URL(`http://127.0.0.1:${port}/slow`);
    expect(await httpProbe(slow, [], 1)).toEqual({ result: 'failure', output: `Get "${slow.href}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    const dead = await deadPort();
    const url = new URL(`http://127.0.0.1:${dead}/healthz`);
    expect(await httpProbe(url, [], 1)).toEqual({ result: 'failure', output: `Get "http://127.0.0.1:${dead}/healthz": dial tcp 127.0.0.1:${dead}: connect: connection refused` });
  });

  test('probeUrl: the pod IP unless host is given, named ports, a path without its slash', () => {
    const ports = [{ name: 'http', containerPort: 8080 }];
    expect(probeUrl({ port: 'http', path: 'healthz' }, '10.88.0.5', ports).href).toBe('http://10.88.0.5:8080/healthz');
    expect(probeUrl({ port: 80, host: 'fd00::1', scheme: 'HTTPS' }, '10.88.0.5', []).href).toBe('https://[fd00::1]:80/');
  });
});

describe('tcpSocket', () => {
  test('an open port passes; a closed one fails as Go says it', async () => {
    const port = await listen(net.createServer((s) => s.end()));
    expect(await tcpProbe('127.0.0.1', port, 1)).toEqual({ result: 'success', output: '' });
    const dead = await deadPort();
    expect(await tcpProbe('127.0.0.1', dead, 1)).toEqual({ result: 'failure', output: `dial tcp 127.0.0.1:${dead}: connect: connection refused` });
  });

  test("dialError's words", () => {
    expect(dialError('10.88.0.5:80', 'timeout')).toBe('dial tcp 10.88.0.5:80: i/o timeout');
    expect(dialError('[fd00::1]:80', Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }))).toBe('dial tcp [fd00::1]:80: connect: no route to host');
  });
});

describe('grpc', () => {
  test('the request and response framing of grpc.health.v1', () => {
    expect([...grpcHealthRequest('')]).toEqual([0, 0, 0, 0, 0]);
    expect([...grpcHealthRequest('db')]).toEqual([0, 0, 0, 0, 4, 0x0a, 2, 0x64, 0x62]);
    expect(grpcHealthStatus(Buffer.from([0, 0, 0, 0, 2, 0x08, 1]))).toBe(1);
    expect(grpcHealthStatus(Buffer.from([0, 0, 0, 0, 0]))).toBe(0);
    expect(goDuration(1)).toBe('1s');
    expect(goDuration(90)).toBe('1m30s');
  });

  test('SERVING passes; NOT_SERVING, Unimplemented and a refused connection fail in the kubelet words', async () => {
    const status: Record<string, number> = { '': 1, db: 2 };
    const server = http2.createServer();
    server.on('stream', (stream, headers) => {
      if (headers[':path'] !== '/grpc.health.v1.Health/Check') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '12', 'grpc-message': 'unknown service' }));
        return void stream.end();
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const body = Buffer.concat(chunks);
        const service = body.length > 7 ? body.subarray(7).toString() : '';
        if (service === 'none') {
          stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
          stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '12', 'grpc-message': 'unknown service grpc.health.v1.Health' }));
          return void stream.end();
        }
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, status[service] ?? 3]));
      });
    });
    const port = await listen(server);
    expect(await grpcProbe('127.0.0.1', port, '', 1)).toEqual({ result: 'success', output: 'service healthy' });
    expect(await grpcProbe('127.0.0.1', port, 'db', 1)).toEqual({ result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    expect(await grpcProbe('127.0.0.1', port, 'none', 1)).toEqual({
      result: 'failure',
      output: 'error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service grpc.health.v1.Health',
    });
    const dead = await deadPort();
    expect(await grpcProbe('127.0.0.1', dead, '', 1)).toEqual({
      result: 'failure',
      output: `error: failed to connect service at "127.0.0.1:${dead}": dial tcp 127.0.0.1:${dead}: connect: connection refused`,
    });
  });
});
