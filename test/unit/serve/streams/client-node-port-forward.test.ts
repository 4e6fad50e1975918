/**
 * @kubernetes/client-node's PortForward, a second real client, against acceptPortForward: it
 * speaks the kubelet's own WebSocket port-forward (v4.channel.k8s.io: channel 0 data, channel 1
 * errors, each opened by the port in two bytes). The package is ESM-only, so it runs in a child
 * `node` process; the session pipes the connection to a local echo server.
 */
import { spawn } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { acceptPortForward, type ForwardedConnection } from '../../../../src/serve/streams';
import { startFakeApiServer, type FakeApiServer } from './fake-api-server';

let api: FakeApiServer;
let echo: Server;
const echoSockets = new Set<Socket>();
const seen: { transport: string; port: number }[] = [];

beforeAll(async () => {
  echo = createServer((socket) => {
    echoSockets.add(socket);
    socket.on('close', () => echoSockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const echoPort = (echo.address() as AddressInfo).port;
  api = await startFakeApiServer((req, socket, head, url) => {
    const session = acceptPortForward(req, socket, head, { ports: url.searchParams.getAll('ports').map(Number) });
    if (!session) return;
    session.on('connection', (c: ForwardedConnection) => {
      seen.push({ transport: session.transport, port: c.port });
      if (c.port === 81) return c.close('connection refused');
      const upstream = connect(echoPort, '127.0.0.1');
      c.data.pipe(upstream);
      upstream.pipe(c.data);
      c.data.on('close', () => upstream.destroy());
    });
  });
});
afterAll(async () => {
  await api.close();
  for (const s of echoSockets) s.destroy();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

const SCRIPT = `
import { KubeConfig, PortForward } from '@kubernetes/client-node';
import { PassThrough } from 'node:stream';
const kc = new KubeConfig();
kc.loadFromFile(process.env.KUBECONFIG_FILE);
const out = new PassThrough();
const err = new PassThrough();
const input = new PassThrough();
let got = '';
let errText = '';
out.on('data', (d) => (got += d));
err.on('data', (d) => (errText += d));
const ws = await new PortForward(kc, false).portForward('default', 'web', [Number(process.env.TARGET)], out, err, input);
input.write('hello through the legacy channels');
setTimeout(() => {
  console.log(JSON.stringify({ got, errText, protocol: ws.protocol }));
  ws.close();
  process.exit(0);
}, 700);
`;

function runClient(target: number): Promise<{ got: string; errText: string; protocol: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      cwd: join(__dirname, '..', '..', '..', '..'),
      env: { ...process.env, KUBECONFIG_FILE: api.kubeconfig, TARGET: String(target) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`client-node script failed: ${stdout}${stderr}`));
      }
    });
  });
}

test('client-node PortForward: bytes to port 80 come back through v4.channel.k8s.io', async () => {
  const r = await runClient(80);
  expect(r).toEqual({ got: 'hello through the legacy channels', errText: '', protocol: 'v4.channel.k8s.io' });
  expect(seen).toContainEqual({ transport: 'websocket-channels', port: 80 });
});

test("client-node PortForward: a refused port's message arrives on the error channel", async () => {
  const r = await runClient(81);
  expect(r.errText).toBe('connection refused');
  expect(r.got).toBe('');
});
