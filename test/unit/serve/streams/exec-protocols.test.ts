/**
 * acceptExec's channel protocols that kubectl does not exercise (it asks only for v5 over
 * WebSocket and v4 over SPDY): v4, base64, v1 over WebSocket with the `ws` package as client, the
 * error channel's exact bytes, and the refusals. Real kubectl covers v5 and SPDY v4
 * (kubectl-exec.test.ts).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { acceptExec, type ExecOptions, type ExecSession } from '../../../../src/serve/streams';
import { execStatusJson } from '../../../../src/serve/streams/status';

/** WsClient is the part of a `ws` client the tests use (the package has no types here). */
type WsClient = import('node:events').EventEmitter & {
  protocol: string;
  send(data: Buffer | string, opts?: { fin?: boolean }): void;
  close(code?: number, reason?: string): void;
  ping(data?: Buffer): void;
};
const WebSocket = require('ws') as new (url: string, protocols: string[]) => WsClient;

let server: Server;
let port: number;
let opts: ExecOptions = { stdin: true, stdout: true, stderr: true, tty: false };
let onSession: (s: ExecSession) => void = () => undefined;

beforeAll(async () => {
  server = createServer((_req, res) => res.end());
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void acceptExec(req, socket, head, { ...opts, streamCreationTimeoutMs: 300 }).then((s) => s && onSession(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** session opens a WebSocket with `protocol` and collects every message until the server closes. */
function session(protocol: string, send: (ws: WsClient) => void): Promise<{ messages: { data: string; binary: boolean }[]; code: number; protocol: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/exec`, [protocol]);
    const messages: { data: string; binary: boolean }[] = [];
    ws.on('message', (d: Buffer, binary: boolean) => messages.push({ data: binary ? `[${d[0]}]${d.subarray(1).toString()}` : d.toString(), binary }));
    ws.on('open', () => send(ws));
    ws.on('close', (code: number) => resolve({ messages, code, protocol: ws.protocol }));
    ws.on('error', reject);
  });
}

/** upperEcho: stdin upper-cased to stdout until stdin ends, then exit 2. */
function upperEcho(s: ExecSession): void {
  s.stdin!.on('data', (d: Buffer) => s.stdout!.write(d.toString().toUpperCase()));
  s.stdin!.on('end', () => s.finish({ exitCode: 2 }));
}

const EXIT_2 =
  '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [tr a-z A-Z], exit code 2","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"2"}]}}';

test('v5.channel.k8s.io: the empty stdout message first, stdin closed by [255, 0], the Status on channel 3, a clean close', async () => {
  opts = { stdin: true, stdout: true, stderr: true, tty: false, command: ['tr', 'a-z', 'A-Z'] };
  onSession = upperEcho;
  const r = await session('v5.channel.k8s.io', (ws) => {
    ws.send(Buffer.from([0, ...Buffer.from('abc')]));
    ws.send(Buffer.from([255, 0]));
  });
  expect(r.protocol).toBe('v5.channel.k8s.io');
  expect(r.messages).toEqual([
    { data: '[1]', binary: true },
    { data: '[1]ABC', binary: true },
    { data: `[3]${EXIT_2}`, binary: true },
  ]);
  expect(r.code).toBe(1000);
});

test('v4.channel.k8s.io: byte 255 is no close signal there; the lead finishes on its own', async () => {
  opts = { stdin: true, stdout: true, stderr: false, tty: false, command: ['true'] };
  onSession = (s) => {
    s.stdin!.once('data', () => s.finish({ exitCode: 0 }));
  };
  const r = await session('v4.channel.k8s.io', (ws) => ws.send(Buffer.from([0, 120])));
  expect(r.messages).toEqual([
    { data: '[1]', binary: true },
    { data: '[3]{"metadata":{},"status":"Success"}', binary: true },
  ]);
});

test('v4.base64.channel.k8s.io: text frames, a channel digit then base64, both ways', async () => {
  opts = { stdin: true, stdout: true, stderr: true, tty: false, command: ['tr', 'a-z', 'A-Z'] };
  onSession = (s) => {
    s.stdin!.once('data', (d: Buffer) => {
      s.stdout!.write(d.toString().toUpperCase());
      s.stderr!.write('done');
      s.finish({ exitCode: 2 });
    });
  };
  const r = await session('v4.base64.channel.k8s.io', (ws) => ws.send('0' + Buffer.from('hi there').toString('base64')));
  expect(r.messages).toEqual([
    { data: '1', binary: false },
    { data: '1' + Buffer.from('HI THERE').toString('base64'), binary: false },
    { data: '2' + Buffer.from('done').toString('base64'), binary: false },
    { data: '3' + Buffer.from(EXIT_2).toString('base64'), binary: false },
  ]);
});

test("channel.k8s.io (v1): the error channel carries the failure's message only, and nothing on success", async () => {
  opts = { stdin: false, stdout: false, stderr: true, tty: false, command: ['false'] };
  onSession = (s) => s.finish({ exitCode: 1 });
  const failed = await session('channel.k8s.io', () => undefined);
  expect(failed.messages).toEqual([
    { data: '[2]', binary: true },
    { data: '[3]command terminated with non-zero exit code: error executing command [false], exit code 1', binary: true },
  ]);
  onSession = (s) => s.finish({ exitCode: 0 });
  const ok = await session('channel.k8s.io', () => undefined);
  expect(ok.messages).toEqual([{ data: '[2]', binary: true }]);
});

test('tty: resizes on channel 4 arrive in order, stderr is not served (the terminal merges it)', async () => {
  opts = { stdin: true, stdout: true, stderr: true, tty: true, command: ['sh'] };
  const sizes: string[] = [];
  onSession = (s) => {
    expect(s.stderr).toBeUndefined();
    s.resizes.on('resize', (z: { width: number; height: number }) => {
      sizes.push(`${z.width}x${z.height}`);
      if (sizes.length === 2) s.finish({ exitCode: 0 });
    });
  };
  await session('v5.channel.k8s.io', (ws) => {
    ws.send(Buffer.from([4, ...Buffer.from('{"Width":80,"Height":24}')]));
    ws.send(Buffer.from([4, ...Buffer.from('{"Width":100,"Height":30}')]));
  });
  expect(sizes).toEqual(['80x24', '100x30']);
});

test('the error Status of an error that kept the command from running: the InternalError the kubelet writes', () => {
  expect(execStatusJson({ error: 'container not found ("main")' })).toBe(
    '{"metadata":{},"status":"Failure","message":"Internal error occurred: error executing command in container: container not found (\\"main\\")","reason":"InternalError","details":{"causes":[{"message":"error executing command in container: container not found (\\"main\\")"}]},"code":500}',
  );
  expect(execStatusJson({ exitCode: 0 })).toBe('{"metadata":{},"status":"Success"}');
});

/** raw writes a hand-made request and resolves with all the server answers until it closes. */
function raw(text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = new Socket();
    let out = '';
    s.on('data', (d: Buffer) => (out += d.toString('latin1')));
    s.on('close', () => resolve(out));
    s.connect(port, '127.0.0.1', () => s.write(text));
    setTimeout(() => s.destroy(), 3000).unref();
  });
}

test('SPDY: no common X-Stream-Protocol-Version is refused with 403 in the kubelet words, naming what it accepts', async () => {
  const out = await raw('POST /exec HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v9.channel.k8s.io\r\nContent-Length: 0\r\n\r\n');
  expect(out).toMatch(/^HTTP\/1.1 403 Forbidden\r\n/);
  expect(out).toContain('X-Accepted-Stream-Protocol-Versions: v4.channel.k8s.io\r\n');
  expect(out).toContain(
    'unable to upgrade: unable to negotiate protocol: client supports [v9.channel.k8s.io], server accepts [v4.channel.k8s.io v3.channel.k8s.io v2.channel.k8s.io channel.k8s.io]\n',
  );
});

test('SPDY: the 101 answer names the version chosen, the first of the client\'s the server accepts', async () => {
  opts = { stdin: false, stdout: true, stderr: false, tty: false };
  const out = await raw('POST /exec HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v5.channel.k8s.io\r\nX-Stream-Protocol-Version: v3.channel.k8s.io\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\nContent-Length: 0\r\n\r\n');
  // The client opens no stream: after the stream creation timeout (300 ms here) the server lets go.
  expect(out).toMatch(/^HTTP\/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY\/3.1\r\nX-Stream-Protocol-Version: v3.channel.k8s.io\r\n\r\n/);
});

test('a request that is no upgrade gets 400 with a Status', async () => {
  const out = await raw('POST /exec HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 0\r\n\r\n');
  expect(out).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
  expect(out).toContain('{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Upgrade request required","reason":"BadRequest","code":400}');
});
