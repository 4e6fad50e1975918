/**
 * The SPDY/3.1 layer: the dictionary checked by length and Adler-32 (the DICTID every SPDY/3
 * peer's first header block carries), header blocks, frame cutting, and a SpdySession driven over
 * a real TCP connection by a hand-written client whose zlib contexts are its own.
 */
import { once } from 'node:events';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import {
  controlFrame,
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  FLAG_FIN,
  FRAME,
  MAX_DATA_FRAME,
  parseFrames,
  RST_STATUS,
  SpdySession,
  type SpdyStream,
} from '../../../../src/serve/streams/spdy';
import { SPDY3_DICTIONARY } from '../../../../src/serve/streams/spdy-dictionary';
import { isControl, TestClient } from './spdy-test-client';

function adler32(b: Buffer): number {
  let a = 1;
  let s = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

test('the SPDY/3 dictionary: 1423 bytes, Adler-32 0xe3c6a7c2, ending in ",enq=0."', () => {
  expect(SPDY3_DICTIONARY.length).toBe(1423);
  expect(adler32(SPDY3_DICTIONARY).toString(16)).toBe('e3c6a7c2');
  expect(SPDY3_DICTIONARY.subarray(0, 11)).toEqual(Buffer.from([0, 0, 0, 7, ...Buffer.from('options')]));
  expect(SPDY3_DICTIONARY.subarray(-7).toString()).toBe(',enq=0.');
});

test('a header block goes round: names lower-cased, repeated values joined by NUL and split again', () => {
  const block = encodeHeaderBlock(new Map([['streamType', ['error']], ['x-multi', ['a', 'b']]]));
  expect(block.subarray(0, 4).readUInt32BE(0)).toBe(2);
  expect(block.includes(Buffer.from('a\0b'))).toBe(true);
  expect([...decodeHeaderBlock(block)]).toEqual([
    ['streamtype', ['error']],
    ['x-multi', ['a', 'b']],
  ]);
});

test('a header block shorter than its lengths say is refused', () => {
  expect(() => decodeHeaderBlock(Buffer.from([0, 0, 0, 1, 0, 0, 0, 9, 65]))).toThrow('SPDY header block is shorter than its lengths say');
});

test('parseFrames cuts whole frames and keeps the rest', () => {
  const bytes = Buffer.concat([dataFrame(1, 0, Buffer.from('abc')), controlFrame(FRAME.ping, 0, Buffer.from([0, 0, 0, 1]))]);
  const head = parseFrames(bytes.subarray(0, 14));
  expect(head.frames).toEqual([{ type: 'data', streamId: 1, flags: 0, data: Buffer.from('abc') }]);
  expect(head.rest.length).toBe(3);
  const all = parseFrames(bytes);
  expect(all.frames[1]).toMatchObject({ type: 'control', version: 3, frameType: FRAME.ping });
  expect(all.rest.length).toBe(0);
});


describe('SpdySession over TCP', () => {
  let server: Server;
  let session: SpdySession;
  let client: TestClient;
  const streams: SpdyStream[] = [];

  beforeEach(async () => {
    streams.length = 0;
    const ready = new Promise<SpdySession>((resolve) => {
      server = createServer((socket) => {
        const s = new SpdySession(socket);
        s.on('stream', (st: SpdyStream) => streams.push(st));
        resolve(s);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = new Socket();
    socket.connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(socket, 'connect');
    client = new TestClient(socket);
    session = await ready;
  });
  afterEach(async () => {
    client.socket.destroy();
    session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('SYN_STREAM: the stream with its headers, answered by a SYN_REPLY whose block decodes (each block on the same zlib context)', async () => {
    await client.synStream(1, { streamtype: ['error'], port: ['80'], requestid: ['0'] });
    await client.synStream(3, { streamtype: ['data'], port: ['80'], requestid: ['0'] });
    const r1 = await client.until(isControl(FRAME.synReply, 1));
    const r3 = await client.until(isControl(FRAME.synReply, 3));
    expect([...(await client.replyHeaders(r1))]).toEqual([]);
    expect([...(await client.replyHeaders(r3))]).toEqual([]);
    expect(streams.map((s) => [s.id, s.header('streamType'), s.header('PORT')])).toEqual([
      [1, 'error', '80'],
      [3, 'data', '80'],
    ]);
  });

  test('data in, FIN ends the readable side; data out in frames of at most 32 KiB, end() sends FIN', async () => {
    await client.synStream(1, { streamtype: ['stdin'] });
    await client.until(isControl(FRAME.synReply, 1));
    client.socket.write(dataFrame(1, 0, Buffer.from('hel')));
    client.socket.write(dataFrame(1, FLAG_FIN, Buffer.from('lo')));
    const stream = streams[0]!;
    let got = '';
    stream.on('data', (d: Buffer) => (got += d.toString()));
    await once(stream, 'end');
    expect(got).toBe('hello');
    stream.end(Buffer.alloc(70_000, 1));
    const fin = await client.until((f) => f.type === 'data' && (f.flags & FLAG_FIN) !== 0);
    const data = client.frames.filter((f) => f.type === 'data');
    expect(data.map((f) => (f.type === 'data' ? f.data.length : -1))).toEqual([MAX_DATA_FRAME, MAX_DATA_FRAME, 70_000 - 2 * MAX_DATA_FRAME, 0]);
    expect(fin).toMatchObject({ streamId: 1 });
  });

  test("a client's PING (odd id) is echoed; one with an even id is not", async () => {
    client.socket.write(controlFrame(FRAME.ping, 0, Buffer.from([0, 0, 0, 2])));
    client.socket.write(controlFrame(FRAME.ping, 0, Buffer.from([0, 0, 0, 7])));
    await client.until(isControl(FRAME.ping, 7));
    expect(client.frames.filter(isControl(FRAME.ping)).map((f) => (f.type === 'control' ? f.body.readUInt32BE(0) : 0))).toEqual([7]);
  });

  test('a SYN_STREAM with an even id (a server id) is refused with RST_STREAM PROTOCOL_ERROR', async () => {
    await client.synStream(2, { streamtype: ['data'] });
    const rst = await client.until(isControl(FRAME.rstStream, 2));
    expect(rst.type === 'control' && rst.body.readUInt32BE(4)).toBe(RST_STATUS.protocolError);
    expect(streams).toHaveLength(0);
  });

  test("the client's RST_STREAM destroys the stream; reset() sends RST_STREAM CANCEL", async () => {
    await client.synStream(1, { streamtype: ['data'] });
    await client.synStream(3, { streamtype: ['data'] });
    await client.until(isControl(FRAME.synReply, 3));
    const body = Buffer.alloc(8);
    body.writeUInt32BE(1, 0);
    body.writeUInt32BE(RST_STATUS.cancel, 4);
    client.socket.write(controlFrame(FRAME.rstStream, 0, body));
    await once(streams[0]!, 'close');
    streams[1]!.reset();
    const rst = await client.until(isControl(FRAME.rstStream, 3));
    expect(rst.type === 'control' && rst.body.readUInt32BE(4)).toBe(RST_STATUS.cancel);
    expect(session.streamCount).toBe(0);
  });

  test('goAway() sends GOAWAY naming the last stream the client opened, then ends the connection', async () => {
    await client.synStream(5, { streamtype: ['error'] });
    await client.until(isControl(FRAME.synReply, 5));
    streams[0]!.destroy();
    session.goAway();
    const goAway = await client.until(isControl(FRAME.goAway));
    expect(goAway.type === 'control' && [goAway.body.readUInt32BE(0), goAway.body.readUInt32BE(4)]).toEqual([5, 0]);
    await once(client.socket, 'end');
  });

  test('the connection ending destroys its streams and closes the session', async () => {
    await client.synStream(1, { streamtype: ['stdout'] });
    await client.until(isControl(FRAME.synReply, 1));
    const closed = once(session, 'close');
    client.socket.end();
    await closed;
    expect(streams[0]!.destroyed).toBe(true);
  });
});
