/**
 * The WebSocket layer against RFC 6455's own example and against the `ws` package as an
 * independent client (allowed in tests only): handshake, sub-protocol choice, messages of every
 * length class, fragments, ping/pong, the closing handshake, and the refusals.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { acceptKey, encodeFrame, FrameReader, OPCODE, upgradeWebSocket, WebSocketProtocolError, type WebSocketConnection } from '../../../../src/serve/streams/websocket';

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
const accepted: WebSocketConnection[] = [];

beforeAll(async () => {
  server = createServer((_req, res) => res.end());
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const ws = upgradeWebSocket(req, socket, head, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    if (!ws) return;
    accepted.push(ws);
    // An echo: each message back as it came, binary or text.
    ws.on('message', (data: Buffer, binary: boolean) => ws.send(binary ? data : data.toString(), binary));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  accepted.length = 0;
});

function open(protocols: string[] = ['v5.channel.k8s.io']): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/x`, protocols);
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
    ws.on('unexpected-response', (_req: unknown, res: IncomingMessage) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => reject(new Error(`${res.statusCode}: ${body}`)));
    });
  });
}

function nextMessage(ws: WsClient): Promise<{ data: Buffer; binary: boolean }> {
  return new Promise((resolve) => ws.once('message', (data: Buffer, binary: boolean) => resolve({ data, binary })));
}

test('Sec-WebSocket-Accept of RFC 6455 §1.3 example', () => {
  expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('the first sub-protocol the client offers that the server speaks is chosen', async () => {
  const ws = await open(['v6.channel.k8s.io', 'v4.channel.k8s.io', 'v5.channel.k8s.io']);
  expect(ws.protocol).toBe('v4.channel.k8s.io');
  expect(accepted[0]!.protocol).toBe('v4.channel.k8s.io');
  ws.close();
});

test.each([0, 1, 125, 126, 65535, 65536, 200_000])('a binary message of %i bytes goes and comes back whole', async (n) => {
  const ws = await open();
  const data = Buffer.alloc(n, 7);
  if (n > 0) data[n - 1] = 9;
  const got = nextMessage(ws);
  ws.send(data);
  const { data: back, binary } = await got;
  expect(binary).toBe(true);
  expect(Buffer.compare(back, data)).toBe(0);
  ws.close();
});

test('a text message stays text', async () => {
  const ws = await open();
  const got = nextMessage(ws);
  ws.send('héllo');
  const m = await got;
  expect(m.binary).toBe(false);
  expect(m.data.toString()).toBe('héllo');
  ws.close();
});

test('a message in fragments arrives as one', async () => {
  const ws = await open();
  const got = nextMessage(ws);
  ws.send(Buffer.from('one '), { fin: false });
  ws.send(Buffer.from('two '), { fin: false });
  ws.send(Buffer.from('three'), { fin: true });
  expect((await got).data.toString()).toBe('one two three');
  ws.close();
});

test('a ping is answered with a pong carrying its payload', async () => {
  const ws = await open();
  const pong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
  ws.ping(Buffer.from('are you there'));
  expect((await pong).toString()).toBe('are you there');
  ws.close();
});

test("the client's close is answered with its code, and the server sees it", async () => {
  const ws = await open();
  const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
  const serverSaw = new Promise((resolve) => accepted[0]!.once('close', (code: number, reason: string) => resolve({ code, reason })));
  ws.close(1000, 'bye');
  expect(await closed).toBe(1000);
  expect(await serverSaw).toEqual({ code: 1000, reason: 'bye' });
});

test("the server's close(1000) ends the connection with a clean close", async () => {
  const ws = await open();
  const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
  accepted[0]!.close(1000);
  expect(await closed).toBe(1000);
});

test('no common sub-protocol: 403 with a Status', async () => {
  await expect(open(['v9.channel.k8s.io'])).rejects.toThrow(
    '403: {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"requested protocol(s) are not supported: [v9.channel.k8s.io]; supports [v5.channel.k8s.io v4.channel.k8s.io]","reason":"Forbidden","code":403}',
  );
});

/** rawRequest writes a hand-made upgrade request and resolves with everything the server sends until it closes. */
function rawRequest(text: string, after?: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const s = new Socket();
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('close', () => resolve(Buffer.concat(chunks)));
    s.connect(port, '127.0.0.1', () => {
      s.write(text);
      if (after) setTimeout(() => s.write(after), 50);
    });
    setTimeout(() => s.destroy(), 3000).unref();
  });
}

const GOOD_HEAD = 'GET /x HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n';

test('a missing Sec-WebSocket-Version is refused with 400 and a Status', async () => {
  const out = (await rawRequest(GOOD_HEAD + '\r\n')).toString();
  expect(out).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/);
  expect(out).toContain('"reason":"BadRequest"');
  expect(out).toContain('unsupported Sec-WebSocket-Version undefined: only 13 is spoken');
});

test('an unmasked client frame closes the connection with 1002', async () => {
  const out = await rawRequest(GOOD_HEAD + 'Sec-WebSocket-Version: 13\r\n\r\n', encodeFrame(OPCODE.binary, Buffer.from('x')));
  const text = out.toString('latin1');
  expect(text).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n');
  const frames = new FrameReader(false).push(out.subarray(text.indexOf('\r\n\r\n') + 4));
  expect(frames.map((f) => [f.opcode, f.payload.readUInt16BE(0)])).toEqual([[OPCODE.close, 1002]]);
});

describe('FrameReader', () => {
  const mask = Buffer.from([1, 2, 3, 4]);
  const stream = Buffer.concat([
    encodeFrame(OPCODE.binary, Buffer.from('first'), true, mask),
    encodeFrame(OPCODE.text, Buffer.alloc(300, 'a'), false, mask),
    encodeFrame(OPCODE.continuation, Buffer.from('end'), true, mask),
    encodeFrame(OPCODE.ping, Buffer.from('p'), true, mask),
  ]);
  const expected = [
    [true, OPCODE.binary, 'first'],
    [false, OPCODE.text, 'a'.repeat(300)],
    [true, OPCODE.continuation, 'end'],
    [true, OPCODE.ping, 'p'],
  ];

  test('whole stream in one chunk', () => {
    expect(new FrameReader().push(stream).map((f) => [f.fin, f.opcode, f.payload.toString()])).toEqual(expected);
  });

  test('one byte at a time', () => {
    const r = new FrameReader();
    const frames = [...stream].flatMap((b) => r.push(Buffer.from([b])));
    expect(frames.map((f) => [f.fin, f.opcode, f.payload.toString()])).toEqual(expected);
  });

  test('a fragmented control frame is a protocol error (1002)', () => {
    const bad = encodeFrame(OPCODE.ping, Buffer.from('p'), false, mask);
    expect(() => new FrameReader().push(bad)).toThrow(WebSocketProtocolError);
    try {
      new FrameReader().push(bad);
    } catch (e) {
      expect((e as WebSocketProtocolError).code).toBe(1002);
    }
  });
});
