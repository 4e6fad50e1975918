/**
 * WebSocket (RFC 6455), the server's side, on node:crypto and a socket only: the opening
 * handshake (Sec-WebSocket-Accept, the sub-protocol chosen from the client's list), frames in
 * both directions (the client's masked, ours not), messages made of fragments, ping answered by
 * pong, and the closing handshake with its codes. kubectl's exec (v5.channel.k8s.io) and its
 * port-forward tunnel (SPDY/3.1+portforward.k8s.io) ride on it. The `ws` package is not allowed
 * in src/ (house rules); the tests use it as an independent peer.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { answerStatus, headerList, type StreamSocket } from './http-answer';

/** WS_GUID is the key suffix RFC 6455 §1.3 hashes into Sec-WebSocket-Accept. */
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Opcodes of RFC 6455 §5.2. */
export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** CLOSE_CODE: the close codes of RFC 6455 §7.4.1 this side sends. */
export const CLOSE_CODE = { normal: 1000, goingAway: 1001, protocolError: 1002, unsupported: 1003, invalidData: 1007, tooBig: 1009, internal: 1011 } as const;

/** MAX_MESSAGE is the largest message (all its fragments) accepted: a larger one closes with 1009. */
export const MAX_MESSAGE = 32 * 1024 * 1024;

/** acceptKey computes Sec-WebSocket-Accept from the client's Sec-WebSocket-Key (RFC 6455 §4.2.2). */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

/** isWebSocketRequest tells a WebSocket upgrade (Upgrade: websocket, Connection: upgrade) as wsstream.IsWebSocketRequest does. */
export function isWebSocketRequest(req: IncomingMessage): boolean {
  const upgrade = headerList(req, 'upgrade').map((v) => v.toLowerCase());
  const connection = headerList(req, 'connection').map((v) => v.toLowerCase());
  return upgrade.includes('websocket') && connection.includes('upgrade');
}

/** offeredProtocols lists the client's Sec-WebSocket-Protocol values in its order. */
export function offeredProtocols(req: IncomingMessage): string[] {
  return headerList(req, 'sec-websocket-protocol');
}

/**
 * handshakeProblem says why a WebSocket upgrade request cannot be accepted (RFC 6455 §4.2.1), or
 * undefined when it can.
 */
export function handshakeProblem(req: IncomingMessage): string | undefined {
  if (req.method !== 'GET') return `the WebSocket upgrade must be a GET request, not ${req.method ?? ''}`;
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16) return 'the Sec-WebSocket-Key header is missing or not 16 bytes in base64';
  const version = req.headers['sec-websocket-version'];
  if (version !== '13') return `unsupported Sec-WebSocket-Version ${String(version)}: only 13 is spoken`;
  return undefined;
}

/**
 * upgradeWebSocket answers the upgrade with 101 and the chosen sub-protocol (the first the client
 * offers that `supported` holds; with none offered, ''), and returns the connection; or answers 400
 * (a bad handshake) or 403 (no common sub-protocol, as golang.org/x/net/websocket answers a failed
 * handshake) with a metav1.Status and returns undefined.
 */
export function upgradeWebSocket(req: IncomingMessage, socket: StreamSocket, head: Buffer, supported: readonly string[]): WebSocketConnection | undefined {
  const problem = handshakeProblem(req);
  if (problem !== undefined) {
    answerStatus(socket, 400, 'BadRequest', problem);
    return undefined;
  }
  const offered = offeredProtocols(req);
  const protocol = offered.length === 0 ? (supported.includes('') ? '' : undefined) : offered.find((p) => p !== '' && supported.includes(p));
  if (protocol === undefined) {
    answerStatus(socket, 403, 'Forbidden', `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${supported.filter((p) => p !== '').join(' ')}]`);
    return undefined;
  }
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptKey(String(req.headers['sec-websocket-key']))}`];
  if (protocol !== '') lines.push(`Sec-WebSocket-Protocol: ${protocol}`);
  socket.write(lines.join('\r\n') + '\r\n\r\n');
  return new WebSocketConnection(socket, protocol, head);
}

/** encodeFrame builds one server frame (unmasked, RFC 6455 §5.2): FIN set unless `fin` is false. */
export function encodeFrame(opcode: number, payload: Buffer, fin = true, mask?: Buffer): Buffer {
  const len = payload.length;
  const extra = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const header = Buffer.alloc(2 + extra + (mask ? 4 : 0));
  header[0] = (fin ? 0x80 : 0) | opcode;
  header[1] = (mask ? 0x80 : 0) | (extra === 0 ? len : extra === 2 ? 126 : 127);
  if (extra === 2) header.writeUInt16BE(len, 2);
  else if (extra === 8) header.writeBigUInt64BE(BigInt(len), 2);
  if (!mask) return Buffer.concat([header, payload]);
  mask.copy(header, 2 + extra);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
  return Buffer.concat([header, body]);
}

/** WebSocketFrame is one frame as read: its FIN bit, opcode and unmasked payload. */
export interface WebSocketFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/**
 * FrameReader cuts frames out of the bytes as they come, whatever their chunking. A client frame
 * must be masked (RFC 6455 §5.1) unless `requireMask` is false; a protocol fault is thrown as a
 * WebSocketProtocolError carrying the close code to send.
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  constructor(private readonly requireMask = true) {}

  /** push adds bytes and returns the complete frames they finish. */
  push(chunk: Buffer): WebSocketFrame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: WebSocketFrame[] = [];
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) break;
      const fin = (b[0]! & 0x80) !== 0;
      if ((b[0]! & 0x70) !== 0) throw new WebSocketProtocolError(CLOSE_CODE.protocolError, 'reserved bits set without an extension');
      const opcode = b[0]! & 0x0f;
      const masked = (b[1]! & 0x80) !== 0;
      let len = b[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) break;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) break;
        const big = b.readBigUInt64BE(2);
        if (big > BigInt(MAX_MESSAGE)) throw new WebSocketProtocolError(CLOSE_CODE.tooBig, 'frame too large');
        len = Number(big);
        offset = 10;
      }
      if (len > MAX_MESSAGE) throw new WebSocketProtocolError(CLOSE_CODE.tooBig, 'frame too large');
      if (opcode >= 8 && (len > 125 || !fin)) throw new WebSocketProtocolError(CLOSE_CODE.protocolError, 'control frame fragmented or longer than 125 bytes');
      if (![0, 1, 2, 8, 9, 10].includes(opcode)) throw new WebSocketProtocolError(CLOSE_CODE.protocolError, `unknown opcode ${opcode}`);
      if (this.requireMask && !masked) throw new WebSocketProtocolError(CLOSE_CODE.protocolError, 'client frame not masked');
      const maskLen = masked ? 4 : 0;
      if (b.length < offset + maskLen + len) break;
      const payload = Buffer.from(b.subarray(offset + maskLen, offset + maskLen + len));
      if (masked) {
        const mask = b.subarray(offset, offset + 4);
        for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      }
      frames.push({ fin, opcode, payload });
      this.buffer = b.subarray(offset + maskLen + len);
    }
    return frames;
  }
}

/** WebSocketProtocolError is a peer's fault in the framing, with the close code to answer it. */
export class WebSocketProtocolError extends Error {
  override readonly name = 'WebSocketProtocolError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * WebSocketConnection is an accepted WebSocket: 'message' (data: Buffer, binary: boolean) for each
 * whole message, 'close' (code, reason) once when the connection ends either way. send() writes a
 * message in one frame; close() starts the closing handshake and ends the socket when the peer
 * answers (or after `closeTimeoutMs`).
 */
export class WebSocketConnection extends EventEmitter {
  private readonly reader = new FrameReader();
  private fragments: Buffer[] = [];
  private fragmentBytes = 0;
  private fragmentOpcode = 0;
  private closeSent = false;
  private closed = false;
  /** closeTimeoutMs: how long close() waits for the peer's close frame before ending the socket. */
  closeTimeoutMs = 2000;

  constructor(
    readonly socket: Duplex,
    /** protocol is the negotiated sub-protocol ('' when none). */
    readonly protocol: string,
    head: Buffer = Buffer.alloc(0),
  ) {
    super();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.finish(1006, 'connection lost'));
    socket.on('error', () => this.finish(1006, 'connection lost'));
    socket.on('end', () => this.finish(1006, 'connection ended without a close frame'));
    if (head.length > 0) setImmediate(() => this.onData(head));
  }

  /** isOpen is true until a close frame was sent or the socket ended. */
  get isOpen(): boolean {
    return !this.closeSent && !this.closed;
  }

  /** send writes one message (binary unless `binary` is false); false when the socket asks to wait for 'drain'. */
  send(data: Buffer | string, binary = true): boolean {
    if (!this.isOpen) return true;
    return this.socket.write(encodeFrame(binary ? OPCODE.binary : OPCODE.text, typeof data === 'string' ? Buffer.from(data) : data));
  }

  /** close sends a close frame with `code` and `reason` (RFC 6455 §5.5.1) and ends the socket once answered. */
  close(code: number = CLOSE_CODE.normal, reason = ''): void {
    if (this.closed) return;
    if (!this.closeSent) {
      this.closeSent = true;
      const body = Buffer.alloc(2 + Buffer.byteLength(reason));
      body.writeUInt16BE(code, 0);
      body.write(reason, 2);
      this.socket.write(encodeFrame(OPCODE.close, body.subarray(0, 125)));
    }
    const timer = setTimeout(() => this.finish(code, reason), this.closeTimeoutMs);
    timer.unref();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let frames: WebSocketFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      const e = err as WebSocketProtocolError;
      this.close(e.code ?? CLOSE_CODE.protocolError, e.message);
      this.finish(e.code ?? CLOSE_CODE.protocolError, e.message);
      return;
    }
    for (const frame of frames) {
      if (this.closed) return;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: WebSocketFrame): void {
    switch (frame.opcode) {
      case OPCODE.ping:
        if (!this.closeSent) this.socket.write(encodeFrame(OPCODE.pong, frame.payload));
        return;
      case OPCODE.pong:
        return;
      case OPCODE.close: {
        const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
        const reason = frame.payload.subarray(2).toString();
        if (!this.closeSent) {
          this.closeSent = true;
          this.socket.write(encodeFrame(OPCODE.close, frame.payload.subarray(0, 2)));
        }
        this.finish(code, reason);
        return;
      }
      case OPCODE.continuation:
        if (this.fragments.length === 0) return this.fault('a continuation frame without a message to continue');
        break;
      default:
        if (this.fragments.length > 0) return this.fault('a new message began before the last one ended');
        this.fragmentOpcode = frame.opcode;
    }
    this.fragments.push(frame.payload);
    this.fragmentBytes += frame.payload.length;
    if (this.fragmentBytes > MAX_MESSAGE) return this.fault('message too large', CLOSE_CODE.tooBig);
    if (!frame.fin) return;
    const data = this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments);
    this.fragments = [];
    this.fragmentBytes = 0;
    if (!this.closeSent) this.emit('message', data, this.fragmentOpcode === OPCODE.binary);
  }

  private fault(message: string, code: number = CLOSE_CODE.protocolError): void {
    this.close(code, message);
    this.finish(code, message);
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 200).unref();
    this.emit('close', code, reason);
  }
}
