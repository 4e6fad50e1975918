/**
 * A SPDY/3 client of the tests' own, to drive the server's side without kubectl: its own zlib
 * contexts (node:zlib streams primed with the dictionary), frames built with the exported helpers.
 */
import type { Socket } from 'node:net';
import * as zlib from 'node:zlib';
import { controlFrame, decodeHeaderBlock, encodeHeaderBlock, FRAME, parseFrames, type SpdyFrame } from '../../../../src/serve/streams/spdy';
import { SPDY3_DICTIONARY } from '../../../../src/serve/streams/spdy-dictionary';

/** isControl picks control frames of `type` (and of stream `id` when given). */
export const isControl = (type: number, id?: number) => (f: SpdyFrame) => f.type === 'control' && f.frameType === type && (id === undefined || f.body.readUInt32BE(0) === id);

/** TestClient is a SPDY client of the test's own: one deflate and one inflate context over a TCP socket. */
export class TestClient {
  private readonly deflate = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY });
  private readonly inflate = zlib.createInflate({ dictionary: SPDY3_DICTIONARY });
  private buffer: Buffer = Buffer.alloc(0);
  readonly frames: SpdyFrame[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      const parsed = parseFrames(Buffer.concat([this.buffer, d]));
      this.buffer = parsed.rest;
      this.frames.push(...parsed.frames);
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  private zlib(z: zlib.Deflate | zlib.Inflate, chunk: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      z.write(chunk);
      z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        const out: Buffer[] = [];
        let c: Buffer | null;
        while ((c = z.read() as Buffer | null) !== null) out.push(c);
        resolve(Buffer.concat(out));
      });
    });
  }

  async synStream(id: number, headers: Record<string, string[]>, flags = 0): Promise<void> {
    const block = await this.zlib(this.deflate, encodeHeaderBlock(new Map(Object.entries(headers))));
    const body = Buffer.alloc(10);
    body.writeUInt32BE(id, 0);
    this.socket.write(controlFrame(FRAME.synStream, flags, Buffer.concat([body, block])));
  }

  async replyHeaders(frame: SpdyFrame): Promise<Map<string, string[]>> {
    if (frame.type !== 'control') throw new Error('not a control frame');
    return decodeHeaderBlock(await this.zlib(this.inflate, frame.body.subarray(4)));
  }

  /** until waits for a frame matching `pick` and returns it. */
  async until(pick: (f: SpdyFrame) => boolean): Promise<SpdyFrame> {
    for (;;) {
      const found = this.frames.find(pick);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

