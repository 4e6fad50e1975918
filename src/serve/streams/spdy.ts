/**
 * SPDY/3.1, the server's side, on node:zlib (draft-mbelshe-httpbis-spdy-00; the subset
 * github.com/moby/spdystream speaks, which is what kubectl's exec, attach and port-forward use):
 * the frames (SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE,
 * data), header blocks compressed with one zlib context per direction primed with the SPDY/3
 * dictionary, and streams as Node Duplexes.
 *
 * Flow control is what spdystream does: none on the wire. spdystream never sends WINDOW_UPDATE
 * and ignores the ones it gets, so honouring SPDY's 64 KiB windows would stall every stream after
 * 64 KiB; instead a stream whose reader is slow pauses the socket (the peer then waits on TCP, as
 * spdystream's unbuffered data channel makes it), and writes wait for the socket's 'drain'.
 */
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import * as zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary';

/** FRAME: the control frame types of SPDY/3 (§2.6). */
export const FRAME = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;

/** FLAG_FIN ends a stream's side (data and SYN frames); FLAG_UNIDIRECTIONAL marks a SYN_STREAM the receiver may not answer on. */
export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STATUS: RST_STREAM status codes (§2.6.3). */
export const RST_STATUS = { protocolError: 1, invalidStream: 2, refusedStream: 3, unsupportedVersion: 4, cancel: 5, internalError: 6 } as const;

/** MAX_DATA_FRAME is the largest data frame this side writes (frames may be up to 2^24-1 bytes; smaller ones interleave streams). */
export const MAX_DATA_FRAME = 32 * 1024;

/** MAX_FRAME is the largest frame accepted from the peer before the session is dropped. */
export const MAX_FRAME = 16 * 1024 * 1024;

/**
 * MAX_HEADER_BLOCK bounds a control frame (its compressed header block: kubectl's are a few dozen
 * bytes) and MAX_HEADERS what a block may inflate to; past either the session is dropped, so a
 * zlib bomb cannot grow without end.
 */
export const MAX_HEADER_BLOCK = 64 * 1024;
export const MAX_HEADERS = 1024 * 1024;

/** SpdyHeaders maps lower-case header names to their values (SPDY joins repeated values with NUL). */
export type SpdyHeaders = Map<string, string[]>;

/** SpdyFrame is one frame as read, its header block still compressed. */
export type SpdyFrame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'control'; frameType: number; version: number; flags: number; body: Buffer };

/** parseFrames cuts whole frames off `buffer` and returns them with the bytes left over. */
export function parseFrames(buffer: Buffer): { frames: SpdyFrame[]; rest: Buffer } {
  const frames: SpdyFrame[] = [];
  let offset = 0;
  while (buffer.length - offset >= 8) {
    const length = buffer.readUIntBE(offset + 5, 3);
    if (length > MAX_FRAME) throw new Error(`SPDY frame of ${length} bytes is larger than the ${MAX_FRAME} accepted`);
    if (buffer.length - offset < 8 + length) break;
    const flags = buffer[offset + 4]!;
    const body = buffer.subarray(offset + 8, offset + 8 + length);
    if ((buffer[offset]! & 0x80) !== 0) {
      if (length > MAX_HEADER_BLOCK) throw new Error(`SPDY control frame of ${length} bytes is larger than the ${MAX_HEADER_BLOCK} accepted`);
      frames.push({ type: 'control', version: buffer.readUInt16BE(offset) & 0x7fff, frameType: buffer.readUInt16BE(offset + 2), flags, body });
    } else {
      frames.push({ type: 'data', streamId: buffer.readUInt32BE(offset) & 0x7fffffff, flags, data: body });
    }
    offset += 8 + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/** controlFrame builds a SPDY/3 control frame. */
export function controlFrame(type: number, flags: number, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(0x8000 | 3, 0);
  header.writeUInt16BE(type, 2);
  header.writeUInt32BE(body.length, 4);
  header[4] = flags;
  return Buffer.concat([header, body]);
}

/** dataFrame builds a data frame on `streamId`. */
export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(streamId & 0x7fffffff, 0);
  header.writeUInt32BE(data.length, 4);
  header[4] = flags;
  return Buffer.concat([header, data]);
}

/** encodeHeaderBlock writes the uncompressed name/value block of SPDY/3 (32-bit counts and lengths, names lower-cased). */
export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [u32(headers.size)];
  for (const [name, values] of headers) {
    const n = Buffer.from(name.toLowerCase());
    const v = Buffer.from(values.join('\0'));
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** decodeHeaderBlock reads an uncompressed name/value block; names are lower-cased, NUL-joined values split. */
export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = new Map();
  let offset = 0;
  const take = (n: number): Buffer => {
    if (offset + n > block.length) throw new Error('SPDY header block is shorter than its lengths say');
    const b = block.subarray(offset, offset + n);
    offset += n;
    return b;
  };
  const count = take(4).readUInt32BE(0);
  for (let i = 0; i < count; i++) {
    const name = take(take(4).readUInt32BE(0)).toString().toLowerCase();
    const value = take(take(4).readUInt32BE(0)).toString();
    headers.set(name, [...(headers.get(name) ?? []), ...value.split('\0')]);
  }
  return headers;
}

/** drained resolves at the socket's next 'drain' or when it closes, leaving no listener behind. */
function drained(socket: Duplex): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/**
 * ZlibContext runs one zlib stream across many header blocks, each ended with Z_SYNC_FLUSH, as
 * SPDY wants: one context per direction for the whole session.
 */
export class ZlibContext {
  private readonly z: zlib.Inflate | zlib.Deflate;
  constructor(kind: 'inflate' | 'deflate') {
    this.z = kind === 'inflate' ? zlib.createInflate({ dictionary: SPDY3_DICTIONARY }) : zlib.createDeflate({ dictionary: SPDY3_DICTIONARY, level: 9 });
    this.z.on('error', () => undefined);
  }

  /** process feeds a block through and returns what it yields up to the sync flush. */
  process(chunk: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.z.once('error', onError);
      this.z.write(chunk);
      this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.z.removeListener('error', onError);
        const out: Buffer[] = [];
        let c: Buffer | null;
        let size = 0;
        while ((c = this.z.read() as Buffer | null) !== null) {
          out.push(c);
          size += c.length;
        }
        if (size > MAX_HEADERS) reject(new Error(`a SPDY header block inflates to more than ${MAX_HEADERS} bytes`));
        else resolve(Buffer.concat(out));
      });
    });
  }

  close(): void {
    this.z.destroy();
  }
}

/**
 * SpdyStream is one stream the client opened: its SYN_STREAM headers, its data as a Duplex
 * (readable: what the client sends, ended by its FIN; writable: data frames, end() sends FIN).
 * reset() sends RST_STREAM and destroys it.
 */
export class SpdyStream extends Duplex {
  private remoteEnded = false;
  private localEnded = false;
  private wasReset = false;

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: SpdyHeaders,
  ) {
    super({ allowHalfOpen: true });
  }

  /** header gives a header's first value (names are case-insensitive). */
  header(name: string): string | undefined {
    return this.headers.get(name.toLowerCase())?.[0];
  }

  /** reset sends RST_STREAM with `status` (CANCEL unless given) and destroys the stream. */
  reset(status: number = RST_STATUS.cancel): void {
    if (this.wasReset || this.destroyed) return;
    this.wasReset = true;
    this.session.sendReset(this.id, status);
    this.destroy();
  }

  override _read(): void {
    this.session.resumeReading();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.wasReset) return callback(new Error(`SPDY stream ${this.id} was reset`));
    const frames: Buffer[] = [];
    for (let i = 0; i < chunk.length; i += MAX_DATA_FRAME) frames.push(dataFrame(this.id, 0, chunk.subarray(i, i + MAX_DATA_FRAME)));
    this.session.send(() => frames).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.wasReset) return callback();
    this.session.send(() => [dataFrame(this.id, FLAG_FIN, Buffer.alloc(0))]).then(
      () => {
        this.localEnded = true;
        this.maybeDone();
        callback();
      },
      callback,
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.session.forget(this.id);
    callback(error);
  }

  /** receive is the session handing over a data frame's payload (and FIN). */
  receive(data: Buffer, fin: boolean): void {
    if (this.remoteEnded || this.destroyed) return;
    if (data.length > 0 && !this.push(data)) this.session.pauseReading();
    if (fin) this.remoteFinished();
  }

  /** remoteFinished ends the readable side: the client sent FIN. */
  remoteFinished(): void {
    if (this.remoteEnded) return;
    this.remoteEnded = true;
    this.push(null);
    this.maybeDone();
  }

  /** remoteReset is the client's RST_STREAM. */
  remoteReset(): void {
    this.wasReset = true;
    this.destroy();
  }

  private maybeDone(): void {
    if (this.remoteEnded && this.localEnded) this.session.forget(this.id);
  }
}

/**
 * SpdySession is the server's side of a SPDY/3.1 connection over `socket` (after the 101
 * answer, or inside a WebSocket tunnel). Events: 'stream' (SpdyStream) for each SYN_STREAM,
 * after its SYN_REPLY is queued; 'goaway' when the client says it is done; 'close' once.
 */
export class SpdySession extends EventEmitter {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly inflate = new ZlibContext('inflate');
  private readonly deflate = new ZlibContext('deflate');
  private readonly streams = new Map<number, SpdyStream>();
  private lastClientStream = 0;
  private incoming: Promise<void> = Promise.resolve();
  private outgoing: Promise<void> = Promise.resolve();
  private paused = false;
  private closed = false;
  private goneAway = false;

  constructor(
    readonly socket: Duplex,
    head: Buffer = Buffer.alloc(0),
  ) {
    super();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.shutdown());
    socket.on('close', () => this.shutdown());
    socket.on('error', () => this.shutdown());
    if (head.length > 0) this.onData(head);
  }

  /** streamCount is how many streams are open. */
  get streamCount(): number {
    return this.streams.size;
  }

  /**
   * send queues frames made by `make` behind every frame queued before (so a SYN_REPLY, whose
   * header block needs the deflate context, stays ahead of the stream's data), and resolves once the
   * socket took them (after 'drain' when it asked to wait).
   */
  send(make: () => Buffer[] | Promise<Buffer[]>): Promise<void> {
    const step = this.outgoing.then(async () => {
      if (this.closed) throw new Error('the SPDY connection is closed');
      for (const frame of await make()) {
        if (!this.socket.write(frame)) await drained(this.socket);
      }
    });
    this.outgoing = step.catch(() => undefined);
    return step;
  }

  /** sendReset writes RST_STREAM for `streamId`. */
  sendReset(streamId: number, status: number): void {
    const body = Buffer.alloc(8);
    body.writeUInt32BE(streamId & 0x7fffffff, 0);
    body.writeUInt32BE(status, 4);
    this.send(() => [controlFrame(FRAME.rstStream, 0, body)]).catch(() => undefined);
  }

  /** goAway sends GOAWAY (status OK) and ends the connection once every stream is done, or after `graceMs`. */
  goAway(graceMs = 2000): void {
    if (this.closed) return;
    const body = Buffer.alloc(8);
    body.writeUInt32BE(this.lastClientStream, 0);
    this.send(() => [controlFrame(FRAME.goAway, 0, body)]).catch(() => undefined);
    const end = (): void => {
      this.outgoing.then(() => this.socket.end(), () => this.socket.end()).catch(() => undefined);
      setTimeout(() => this.socket.destroy(), 2000).unref();
    };
    if (this.streams.size === 0) return end();
    const timer = setTimeout(end, graceMs);
    timer.unref();
    this.on('idle', () => {
      clearTimeout(timer);
      end();
    });
  }

  /** destroy drops the connection and every stream at once. */
  destroy(): void {
    this.socket.destroy();
    this.shutdown();
  }

  /** forget removes a stream that is done both ways, reset or destroyed. */
  forget(id: number): void {
    if (this.streams.delete(id) && this.streams.size === 0) this.emit('idle');
  }

  pauseReading(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let frames: SpdyFrame[];
    try {
      const parsed = parseFrames(this.buffer);
      frames = parsed.frames;
      this.buffer = parsed.rest;
    } catch {
      this.destroy();
      return;
    }
    for (const frame of frames) {
      // Frames are handled one after another: a header block waits on zlib, and a stream's data must not overtake its SYN_STREAM.
      this.incoming = this.incoming.then(() => this.handle(frame)).catch(() => this.destroy());
    }
  }

  private async handle(frame: SpdyFrame): Promise<void> {
    if (this.closed) return;
    if (frame.type === 'data') {
      this.streams.get(frame.streamId)?.receive(frame.data, (frame.flags & FLAG_FIN) !== 0);
      return;
    }
    if (frame.version !== 3) {
      this.sendReset(frame.body.length >= 4 ? frame.body.readUInt32BE(0) & 0x7fffffff : 0, RST_STATUS.unsupportedVersion);
      return;
    }
    const body = frame.body;
    switch (frame.frameType) {
      case FRAME.synStream: {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        const headers = decodeHeaderBlock(await this.inflate.process(body.subarray(10)));
        if (id % 2 !== 1 || id <= this.lastClientStream || this.goneAway) {
          this.sendReset(id, id % 2 !== 1 || id <= this.lastClientStream ? RST_STATUS.protocolError : RST_STATUS.refusedStream);
          return;
        }
        this.lastClientStream = id;
        const stream = new SpdyStream(this, id, headers);
        this.streams.set(id, stream);
        stream.on('error', () => undefined);
        this.send(async () => [controlFrame(FRAME.synReply, 0, Buffer.concat([u32(id), await this.deflate.process(encodeHeaderBlock(new Map()))]))]).catch(() => undefined);
        if ((frame.flags & FLAG_FIN) !== 0) stream.remoteFinished();
        this.emit('stream', stream);
        return;
      }
      case FRAME.synReply:
      case FRAME.headers: {
        await this.inflate.process(body.subarray(4));
        if ((frame.flags & FLAG_FIN) !== 0) this.streams.get(body.readUInt32BE(0) & 0x7fffffff)?.remoteFinished();
        return;
      }
      case FRAME.rstStream:
        this.streams.get(body.readUInt32BE(0) & 0x7fffffff)?.remoteReset();
        return;
      case FRAME.ping: {
        // A client's ping has an odd id: answer it with the same frame.
        if ((body.readUInt32BE(0) & 1) === 1) this.send(() => [controlFrame(FRAME.ping, 0, body)]).catch(() => undefined);
        return;
      }
      case FRAME.goAway:
        this.goneAway = true;
        this.emit('goaway');
        return;
      default:
        // SETTINGS, WINDOW_UPDATE and unknown frames: nothing to do (no flow control, as spdystream).
        return;
    }
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    // The peer is gone (or the connection broke): finish our side too, then let go of the socket.
    if (!this.socket.writableEnded) this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    for (const stream of [...this.streams.values()]) stream.destroy();
    this.streams.clear();
    this.inflate.close();
    this.deflate.close();
    this.emit('close');
  }
}
