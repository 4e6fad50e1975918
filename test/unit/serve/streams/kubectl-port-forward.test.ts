/**
 * Real kubectl port-forward against acceptPortForward: the test-only API server hands the upgrade
 * over, and the session pipes each forwarded connection to a local echo TCP server (standing for
 * the pod's port). kubectl 1.27 speaks SPDY; 1.32 and 1.33 tunnel SPDY in a WebSocket, and go
 * back to plain SPDY with KUBECTL_PORT_FORWARD_WEBSOCKETS=false. Several connections run at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { acceptPortForward, type ForwardedConnection } from '../../../../src/serve/streams';
import { kubectlBinary, startFakeApiServer, type FakeApiServer } from './fake-api-server';

let api: FakeApiServer;
let echo: Server;
let echoPort: number;
const echoSockets = new Set<import('node:net').Socket>();
const sessions: { transport: string; connections: { port: number; requestId: string }[] }[] = [];
/** failPort: connections to this remote port are refused with an error, as a pod's closed port would be. */
const FAIL_PORT = 81;

beforeAll(async () => {
  echo = createServer((socket) => {
    echoSockets.add(socket);
    socket.on('close', () => echoSockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as AddressInfo).port;
  api = await startFakeApiServer((req, socket, head) => {
    const session = acceptPortForward(req, socket, head);
    if (!session) return;
    const record = { transport: session.transport, connections: [] as { port: number; requestId: string }[] };
    sessions.push(record);
    session.on('connection', (c: ForwardedConnection) => {
      record.connections.push({ port: c.port, requestId: c.requestId });
      if (c.port === FAIL_PORT) return c.close(`failed to connect to localhost:${c.port} inside namespace "web": connection refused`);
      const upstream = connect(echoPort, '127.0.0.1');
      c.data.pipe(upstream);
      upstream.pipe(c.data);
      upstream.on('error', (e) => c.close(e.message));
      c.data.on('close', () => upstream.destroy());
    });
  });
});
afterAll(async () => {
  await api.close();
  for (const s of echoSockets) s.destroy();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});
beforeEach(() => {
  sessions.length = 0;
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** startForward runs kubectl port-forward and resolves once it says it is forwarding. */
function startForward(minor: string, mapping: string, env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlBinary(minor), ['--kubeconfig', api.kubeconfig, 'port-forward', 'pod/web', mapping], { env: { ...process.env, ...env } });
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('Forwarding from 127.0.0.1')) resolve({ child, output: () => out });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`kubectl port-forward exited ${String(code)}: ${out}`)));
  });
}

/** roundTrip connects to the local port, sends `text`, half-closes and resolves with all it got back. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString()));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
    socket.on('connect', () => {
      // Written in pieces, so that each forwarded connection carries several data frames.
      socket.write(text.slice(0, 5));
      setTimeout(() => socket.end(text.slice(5)), 20);
    });
  });
}

const CASES = [
  { label: '1.27', minor: '1.27', env: {}, transport: 'spdy' },
  { label: '1.30', minor: '1.30', env: {}, transport: 'spdy' },
  { label: '1.31', minor: '1.31', env: {}, transport: 'websocket' },
  { label: '1.32', minor: '', env: {}, transport: 'websocket' },
  { label: '1.33', minor: '1.33', env: {}, transport: 'websocket' },
  { label: '1.32 KUBECTL_PORT_FORWARD_WEBSOCKETS=false', minor: '', env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }, transport: 'spdy' },
];

describe.each(CASES)('kubectl $label port-forward', ({ minor, env, transport }) => {
  test(`pod/web LOCAL:80 carries 8 parallel connections to the pod's port and back (${transport})`, async () => {
    const local = await freePort();
    const { child } = await startForward(minor, `${local}:80`, env);
    try {
      const texts = Array.from({ length: 8 }, (_, i) => `connection ${i} `.repeat(200 + i * 500));
      const answers = await Promise.all(texts.map((t) => roundTrip(local, t)));
      expect(answers).toEqual(texts);
      expect(sessions).toHaveLength(1);
      expect(sessions[0]!.transport).toBe(transport);
      expect(sessions[0]!.connections).toHaveLength(8);
      expect(new Set(sessions[0]!.connections.map((c) => c.requestId)).size).toBe(8);
      expect(sessions[0]!.connections.every((c) => c.port === 80)).toBe(true);
      // The session outlives its connections: one more after all of them ended.
      expect(await roundTrip(local, 'once more')).toBe('once more');
    } finally {
      child.kill('SIGTERM');
    }
  });

  test(`a connection the pod refuses: kubectl prints the error stream's text (${transport})`, async () => {
    const local = await freePort();
    const { child, output } = await startForward(minor, `${local}:${FAIL_PORT}`, env);
    try {
      await roundTrip(local, 'nobody listens').catch(() => '');
      await new Promise((r) => setTimeout(r, 300));
      // kubectl 1.31+ logs it through klog's structured form, its quotes escaped.
      expect(output().replace(/\\/g, '')).toContain(`an error occurred forwarding ${local} -> ${FAIL_PORT}: failed to connect to localhost:${FAIL_PORT} inside namespace "web": connection refused`);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
