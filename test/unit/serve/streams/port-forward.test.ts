/**
 * acceptPortForward's pairing of streams, driven by the tests' own SPDY client (kubectl always
 * sends good pairs: kubectl-port-forward.test.ts): the kubelet's fallback for clients without
 * requestID, ports refused, a half-made pair timed out, and how a connection's streams end.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { acceptPortForward, type ForwardedConnection, type ForwardingSession } from '../../../../src/serve/streams';
import { dataFrame, FLAG_FIN, FRAME, RST_STATUS, type SpdyFrame } from '../../../../src/serve/streams/spdy';
import { isControl, TestClient } from './spdy-test-client';

let server: Server;
let port: number;
let sessions: ForwardingSession[] = [];
let connections: ForwardedConnection[] = [];

beforeAll(async () => {
  server = createServer((_req, res) => res.end());
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const s = acceptPortForward(req, socket, head, { streamCreationTimeoutMs: 300 });
    if (!s) return;
    sessions.push(s);
    s.on('connection', (c: ForwardedConnection) => connections.push(c));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let client: TestClient;
beforeEach(async () => {
  sessions = [];
  connections = [];
  const socket = new Socket();
  socket.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('POST /portforward HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\nContent-Length: 0\r\n\r\n');
  // The 101 answer is read off before the SPDY frames.
  const [answer] = (await once(socket, 'data')) as [Buffer];
  expect(answer.toString()).toBe('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n');
  client = new TestClient(socket);
});
afterEach(() => client.socket.destroy());

const finOn = (id: number) => (f: SpdyFrame) => f.type === 'data' && f.streamId === id && (f.flags & FLAG_FIN) !== 0;
const textOn = (id: number): string =>
  client.frames
    .filter((f) => f.type === 'data' && f.streamId === id)
    .map((f) => (f.type === 'data' ? f.data.toString() : ''))
    .join('');

test('streams are paired by requestID, whatever their order, into one connection per pair', async () => {
  await client.synStream(1, { streamtype: ['error'], port: ['80'], requestid: ['0'] });
  await client.synStream(3, { streamtype: ['error'], port: ['443'], requestid: ['1'] });
  await client.synStream(5, { streamtype: ['data'], port: ['443'], requestid: ['1'] });
  await client.synStream(7, { streamtype: ['data'], port: ['80'], requestid: ['0'] });
  await client.until(isControl(FRAME.synReply, 7));
  expect(connections.map((c) => [c.port, c.requestId])).toEqual([
    [443, '1'],
    [80, '0'],
  ]);
});

test("without requestID (an old client) the kubelet's fallback pairs error N with data N+2", async () => {
  await client.synStream(1, { streamtype: ['error'], port: ['80'] });
  await client.synStream(3, { streamtype: ['data'], port: ['80'] });
  await client.until(isControl(FRAME.synReply, 3));
  expect(connections.map((c) => [c.port, c.requestId])).toEqual([[80, '1']]);
});

test.each([['0'], ['65536'], ['http'], ['']])('port %j is refused: the stream is reset', async (p) => {
  await client.synStream(1, { streamtype: ['data'], port: p === '' ? [] : [p], requestid: ['0'] });
  const rst = await client.until(isControl(FRAME.rstStream, 1));
  expect(rst.type === 'control' && rst.body.readUInt32BE(4)).toBe(RST_STATUS.cancel);
});

test('a pair left half-made is ended with the kubelet words on its error stream', async () => {
  await client.synStream(1, { streamtype: ['error'], port: ['80'], requestid: ['4'] });
  await client.until(finOn(1));
  expect(textOn(1)).toBe('(conn=spdy, request=4) timed out waiting for streams');
  expect(connections).toHaveLength(0);
});

test('data both ways; when the lead ends data, the error stream is ended too (FIN on both, nothing on error)', async () => {
  await client.synStream(1, { streamtype: ['error'], port: ['80'], requestid: ['0'] });
  await client.synStream(3, { streamtype: ['data'], port: ['80'], requestid: ['0'] });
  await client.until(isControl(FRAME.synReply, 3));
  const c = connections[0]!;
  client.socket.write(dataFrame(3, FLAG_FIN, Buffer.from('GET / HTTP/1.0\r\n\r\n')));
  let got = '';
  c.data.on('data', (d: Buffer) => (got += d.toString()));
  await once(c.data, 'end');
  expect(got).toBe('GET / HTTP/1.0\r\n\r\n');
  c.data.end('HTTP/1.0 200 OK\r\n\r\n');
  await client.until(finOn(3));
  await client.until(finOn(1));
  expect(textOn(3)).toBe('HTTP/1.0 200 OK\r\n\r\n');
  expect(textOn(1)).toBe('');
});

test('close(message) writes the failure on the error stream and ends both', async () => {
  await client.synStream(1, { streamtype: ['error'], port: ['81'], requestid: ['0'] });
  await client.synStream(3, { streamtype: ['data'], port: ['81'], requestid: ['0'] });
  await client.until(isControl(FRAME.synReply, 3));
  connections[0]!.close('connection refused');
  await client.until(finOn(1));
  await client.until(finOn(3));
  expect(textOn(1)).toBe('connection refused');
});

test('reset() aborts both streams with RST_STREAM', async () => {
  await client.synStream(1, { streamtype: ['error'], port: ['80'], requestid: ['0'] });
  await client.synStream(3, { streamtype: ['data'], port: ['80'], requestid: ['0'] });
  await client.until(isControl(FRAME.synReply, 3));
  connections[0]!.reset();
  await client.until(isControl(FRAME.rstStream, 1));
  await client.until(isControl(FRAME.rstStream, 3));
});
