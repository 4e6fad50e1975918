/**
 * The same real kubectl over HTTPS (the upgrade's socket a tls.TLSSocket, as under the lead's
 * server) and with a large payload: 4 MiB through `kubectl exec -i ... -- cat` (upper-cased back),
 * and 2 MiB each way through a port-forward, with SPDY (1.27, and 1.32 with websockets off) and
 * WebSocket (1.32). This is where flow control and backpressure show: SPDY's 64 KiB windows are
 * not used (spdystream never updates them) and nothing may be lost or reordered.
 */
import { spawn } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { acceptExec, acceptPortForward, type ForwardedConnection } from '../../../../src/serve/streams';
import { kubectlBinary, runKubectl, startFakeApiServer, type FakeApiServer } from './fake-api-server';

let api: FakeApiServer;
let echo: Server;
const echoSockets = new Set<Socket>();

beforeAll(async () => {
  echo = createServer((socket) => {
    echoSockets.add(socket);
    socket.on('close', () => echoSockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const echoPort = (echo.address() as AddressInfo).port;
  api = await startFakeApiServer(
    (req, socket, head, url) => {
      if (url.pathname.endsWith('/portforward')) {
        const session = acceptPortForward(req, socket, head);
        session?.on('connection', (c: ForwardedConnection) => {
          const upstream = connect(echoPort, '127.0.0.1');
          c.data.pipe(upstream);
          upstream.pipe(c.data);
          c.data.on('close', () => upstream.destroy());
        });
        return;
      }
      const q = url.searchParams;
      void acceptExec(req, socket, head, { stdin: q.get('stdin') === 'true', stdout: true, stderr: true, tty: false, command: q.getAll('command') }).then((s) => {
        if (!s) return;
        let n = 0;
        s.stdin!.on('data', (d: Buffer) => {
          n += d.length;
          if (!s.stdout!.write(d.toString('latin1').toUpperCase(), 'latin1')) s.stdin!.pause();
        });
        s.stdout!.on('drain', () => s.stdin!.resume());
        s.stdin!.on('end', () => {
          s.stderr!.write(`${n} bytes\n`);
          s.finish({ exitCode: 0 });
        });
      });
    },
    { https: true },
  );
});
afterAll(async () => {
  await api.close();
  for (const s of echoSockets) s.destroy();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

const SIZE = 4 * 1024 * 1024;
const input = Array.from({ length: SIZE / 64 }, (_, i) => `line ${String(i).padStart(10, '0')} of the big stdin, abcdefghijklmnopq`.padEnd(63, '.') + '\n').join('');

describe.each([
  { label: '1.27 (SPDY)', minor: '1.27', env: {} },
  { label: '1.32 (WebSocket)', minor: '', env: {} },
  { label: '1.32 (SPDY)', minor: '', env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false', KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' } },
])('kubectl $label over HTTPS', ({ minor, env }) => {
  test('exec -i -- cat: 4 MiB of stdin comes back whole and in order', async () => {
    const r = await runKubectl(minor, api.kubeconfig, ['exec', '-i', 'web', '--', 'cat'], { env, stdin: input, timeoutMs: 60000 });
    expect(r.stderr).toBe(`${SIZE} bytes\n`);
    expect(r.stdout.length).toBe(SIZE);
    expect(r.stdout === input.toUpperCase()).toBe(true);
    expect(r.code).toBe(0);
  });

  test('port-forward: 2 MiB each way through 3 parallel connections', async () => {
    const local = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const child = spawn(kubectlBinary(minor), ['--kubeconfig', api.kubeconfig, 'port-forward', 'pod/web', `${local}:80`], { env: { ...process.env, ...env } });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Forwarding from 127.0.0.1')) resolve();
        });
        child.on('exit', () => reject(new Error(out)));
      });
      const payload = Buffer.from(input.slice(0, 2 * 1024 * 1024));
      const one = (): Promise<Buffer> =>
        new Promise((resolve, reject) => {
          const socket = connect(local, '127.0.0.1');
          const chunks: Buffer[] = [];
          socket.on('data', (d: Buffer) => chunks.push(d));
          socket.on('end', () => resolve(Buffer.concat(chunks)));
          socket.on('error', reject);
          socket.on('connect', () => socket.end(payload));
        });
      const answers = await Promise.all([one(), one(), one()]);
      for (const a of answers) expect(Buffer.compare(a, payload)).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
