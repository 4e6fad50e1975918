/**
 * kubectl port-forward's streams, as the kubelet serves them
 * (pkg/kubelet/cri/streaming/portforward/httpstream.go) behind the API server:
 *
 * - SPDY/3.1 with `X-Stream-Protocol-Version: portforward.k8s.io` (kubectl before 1.31, and
 *   1.31+ when the WebSocket upgrade fails or KUBECTL_PORT_FORWARD_WEBSOCKETS=false). For each
 *   local connection kubectl opens two streams with headers `streamType` (error, data), `port` and
 *   `requestID`; the pair is one forwarded connection. A client too old to send requestID gets
 *   the kubelet's fallback: the error stream's id, or the data stream's id minus 2.
 * - The same SPDY inside a WebSocket (kubectl 1.31+): sub-protocol `SPDY/3.1+portforward.k8s.io`,
 *   the SPDY bytes carried in binary messages cut anywhere (the API server's tunneling handler,
 *   client-go's TunnelingConnection).
 *
 * The lead pipes each connection's `data` to the pod's port and back. When it ends `data`, the
 * error stream is closed too (the kubelet closes both when its copy returns); close(message)
 * writes a failure first (kubectl prints `an error occurred forwarding L -> R: MESSAGE` and
 * drops the whole session, as against a real cluster); reset() aborts both streams.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { Duplex, type Writable } from 'node:stream';
import { answerStatus, type StreamSocket } from './http-answer';
import { upgradeSpdy, STREAM_CREATION_TIMEOUT_MS } from './exec';
import { SpdySession, type SpdyStream } from './spdy';
import { isWebSocketRequest, upgradeWebSocket, type WebSocketConnection } from './websocket';

/** PORT_FORWARD_PROTOCOL is the port-forward protocol's name (portforward.k8s.io, its only version). */
export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

/** TUNNEL_PROTOCOL is the WebSocket sub-protocol of SPDY tunnelled in a WebSocket (constants.WebsocketsSPDYTunnelingPrefix + the protocol). */
export const TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

/** ForwardedConnection is one connection kubectl forwards: its remote port and request id, its data and error streams. */
export interface ForwardedConnection {
  port: number;
  requestId: string;
  /** data is the connection's bytes: readable from kubectl's local client, writable to it; end() closes kubectl's side. */
  data: Duplex;
  /** error is the error stream: text written there is the failure kubectl prints. */
  error: Writable;
  /** close ends both streams, writing `message` on the error stream first when given. */
  close(message?: string): void;
  /** reset aborts both streams (RST_STREAM CANCEL). */
  reset(): void;
}

/**
 * PortForwardSession is an accepted port-forward: 'connection' (ForwardedConnection) for each
 * connection kubectl opens; `closed` resolves when kubectl is gone; close() ends the session.
 */
export class PortForwardSession extends EventEmitter {
  /** closed resolves once the connection to kubectl is gone. */
  readonly closed: Promise<void>;
  private readonly pending = new Map<string, { data?: SpdyStream; error?: SpdyStream; timer: NodeJS.Timeout }>();

  constructor(
    readonly transport: 'websocket' | 'spdy',
    readonly spdy: SpdySession,
    private readonly streamCreationTimeoutMs = STREAM_CREATION_TIMEOUT_MS,
  ) {
    super();
    this.closed = new Promise((resolve) => spdy.once('close', () => resolve()));
    spdy.once('close', () => {
      for (const p of this.pending.values()) clearTimeout(p.timer);
      this.pending.clear();
    });
    spdy.on('stream', (stream: SpdyStream) => this.onStream(stream));
  }

  /** close ends the session: GOAWAY, then the connection once its streams are done. */
  close(): void {
    this.spdy.goAway();
  }

  private onStream(stream: SpdyStream): void {
    const type = stream.header('streamType') ?? '';
    if (type !== 'data' && type !== 'error') return stream.reset();
    const portText = stream.header('port') ?? '';
    const port = /^\d+$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) return stream.reset();
    const requestId = stream.header('requestID') ?? String(type === 'error' ? stream.id : stream.id - 2);
    let pair = this.pending.get(requestId);
    if (!pair) {
      const timer = setTimeout(() => {
        // The kubelet's words when a pair stays half-made.
        const p = this.pending.get(requestId);
        this.pending.delete(requestId);
        p?.error?.end(`(conn=${this.transport}, request=${requestId}) timed out waiting for streams`);
        p?.data?.reset();
      }, this.streamCreationTimeoutMs);
      timer.unref();
      pair = { timer };
      this.pending.set(requestId, pair);
    }
    if (pair[type]) return stream.reset();
    pair[type] = stream;
    if (!pair.data || !pair.error) return;
    clearTimeout(pair.timer);
    this.pending.delete(requestId);
    this.emit('connection', forwardedConnection(port, requestId, pair.data, pair.error));
  }
}

function forwardedConnection(port: number, requestId: string, data: SpdyStream, error: SpdyStream): ForwardedConnection {
  // kubectl half-closes its error stream at once (it never writes there): nothing to read on it.
  error.resume();
  data.once('finish', () => {
    if (!error.writableEnded) error.end();
  });
  return {
    port,
    requestId,
    data,
    error,
    close(message?: string): void {
      if (message !== undefined && !error.writableEnded) error.write(message);
      if (!error.writableEnded) error.end();
      if (!data.writableEnded) data.end();
    },
    reset(): void {
      data.reset();
      error.reset();
    },
  };
}

/**
 * acceptPortForward negotiates a port-forward upgrade: the WebSocket tunnel (kubectl 1.31+) or
 * SPDY; or answers the refusal itself (400 no upgrade, 403 no common protocol) and returns undefined.
 */
export function acceptPortForward(req: IncomingMessage, socket: StreamSocket, head: Buffer, opts: { streamCreationTimeoutMs?: number } = {}): PortForwardSession | undefined {
  if (isWebSocketRequest(req)) {
    const ws = upgradeWebSocket(req, socket, head, [TUNNEL_PROTOCOL]);
    if (!ws) return undefined;
    return new PortForwardSession('websocket', new SpdySession(new WebSocketTunnel(ws)), opts.streamCreationTimeoutMs);
  }
  if (req.headers.upgrade === undefined) {
    answerStatus(socket, 400, 'BadRequest', 'Upgrade request required');
    return undefined;
  }
  const upgraded = upgradeSpdy(req, socket, head, [PORT_FORWARD_PROTOCOL]);
  if (!upgraded) return undefined;
  return new PortForwardSession('spdy', upgraded.session, opts.streamCreationTimeoutMs);
}

/**
 * WebSocketTunnel is a WebSocket seen as a byte stream (client-go's TunnelingConnection): each
 * binary message's bytes are read in order, each write is sent as one binary message, end() closes
 * the WebSocket normally.
 */
export class WebSocketTunnel extends Duplex {
  constructor(private readonly ws: WebSocketConnection) {
    super({ allowHalfOpen: false });
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (!binary) {
        ws.close(1003, 'the tunnel carries binary messages only');
        return;
      }
      if (!this.push(data)) ws.socket.pause();
    });
    ws.once('close', () => {
      this.push(null);
      this.destroy();
    });
  }

  override _read(): void {
    this.ws.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.ws.isOpen) return callback(new Error('the WebSocket is closed'));
    if (this.ws.send(chunk)) callback();
    else this.ws.socket.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.ws.close(1000);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.ws.close(1000);
    callback(error);
  }
}
