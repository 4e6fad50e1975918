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
import { Duplex, Writable } from 'node:stream';
import { answerStatus, type StreamSocket } from './http-answer';
import { upgradeSpdy, STREAM_CREATION_TIMEOUT_MS } from './exec';
import { SpdySession, type SpdyStream } from './spdy';
import { isWebSocketRequest, offeredProtocols, upgradeWebSocket, type WebSocketConnection } from './websocket';

/** PORT_FORWARD_PROTOCOL is the port-forward protocol's name (portforward.k8s.io, its only version). */
export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

/** TUNNEL_PROTOCOL is the WebSocket sub-protocol of SPDY tunnelled in a WebSocket (constants.WebsocketsSPDYTunnelingPrefix + the protocol). */
export const TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

/**
 * LEGACY_PROTOCOLS: the kubelet's own WebSocket port-forward (portforward/websocket.go), which
 * @kubernetes/client-node speaks: '' and `v4.channel.k8s.io` binary, `v4.base64.channel.k8s.io` text.
 */
export const LEGACY_PROTOCOLS = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io', ''];

/** PortForwardOptions: the request's `ports` query (needed by the legacy WebSocket protocol only) and a test's shorter timeout. */
export interface PortForwardOptions {
  ports?: number[];
  streamCreationTimeoutMs?: number;
}

/** ForwardingSession is either kind of port-forward session: both emit 'connection' (ForwardedConnection), have `transport`, `closed` and close(). */
export type ForwardingSession = PortForwardSession | LegacyPortForwardSession;

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
export function acceptPortForward(req: IncomingMessage, socket: StreamSocket, head: Buffer, opts: PortForwardOptions = {}): ForwardingSession | undefined {
  if (isWebSocketRequest(req)) {
    const legacy = offeredProtocols(req).some((p) => LEGACY_PROTOCOLS.includes(p)) || offeredProtocols(req).length === 0;
    if (legacy && !offeredProtocols(req).includes(TUNNEL_PROTOCOL)) {
      const ports = opts.ports ?? [];
      const bad = ports.find((p) => !(Number.isInteger(p) && p >= 1 && p <= 65535));
      if (ports.length === 0 || bad !== undefined) {
        answerStatus(socket, 400, 'BadRequest', ports.length === 0 ? 'at least one port must be specified' : `invalid port: ${bad}`);
        return undefined;
      }
    }
    const ws = upgradeWebSocket(req, socket, head, [TUNNEL_PROTOCOL, ...LEGACY_PROTOCOLS]);
    if (!ws) return undefined;
    if (ws.protocol !== TUNNEL_PROTOCOL) return new LegacyPortForwardSession(ws, opts.ports ?? []);
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

/**
 * LegacyPortForwardSession is the kubelet's WebSocket port-forward (what @kubernetes/client-node
 * speaks): one WebSocket forwards one connection to each port of the `ports` query. Port i has
 * channel 2i for data (both ways) and 2i+1 for errors (server to client); each channel's first
 * message is the port as two bytes, little-endian. The client cannot end its data (no close
 * signal before v5): its data ends when the WebSocket closes. The WebSocket is closed once every
 * port's connection is done, as the kubelet closes it. 'connection' is emitted for each port, right
 * away (use on('connection') before the next tick, as for PortForwardSession).
 */
export class LegacyPortForwardSession extends EventEmitter {
  readonly transport = 'websocket-channels' as const;
  readonly closed: Promise<void>;

  constructor(
    private readonly ws: WebSocketConnection,
    ports: readonly number[],
  ) {
    super();
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    const base64 = ws.protocol.includes('base64');
    const send = (channel: number, data: Buffer): boolean =>
      base64 ? ws.send(String.fromCharCode(48 + channel) + data.toString('base64'), false) : ws.send(Buffer.concat([Buffer.from([channel]), data]));
    let open = ports.length;
    const done = (): void => {
      if (--open === 0) ws.close(1000);
    };
    const connections = ports.map((port, i) => {
      const portBytes = Buffer.alloc(2);
      portBytes.writeUInt16LE(port);
      send(2 * i, portBytes);
      send(2 * i + 1, portBytes);
      return channelConnection(ws, port, String(i), (d) => send(2 * i, d), (d) => send(2 * i + 1, d), done);
    });
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (data.length === 0) return;
      let channel = data[0]!;
      let body = data.subarray(1);
      if (base64) {
        if (binary) return;
        channel -= 48;
        body = Buffer.from(body.toString(), 'base64');
      }
      // Only the data channels carry the client's bytes; what it sends on an error channel is dropped, as the kubelet drops it.
      if (channel % 2 === 0) connections[channel / 2]?.incoming(body);
    });
    ws.once('close', () => connections.forEach((c) => c.incoming(null)));
    setImmediate(() => connections.forEach((c) => this.emit('connection', c.connection)));
  }

  /** close ends the session at once (WebSocket close 1000). */
  close(): void {
    this.ws.close(1000);
  }
}

function channelConnection(
  ws: WebSocketConnection,
  port: number,
  requestId: string,
  sendData: (d: Buffer) => boolean,
  sendError: (d: Buffer) => boolean,
  done: () => void,
): { connection: ForwardedConnection; incoming: (d: Buffer | null) => void } {
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    done();
  };
  const data = new Duplex({
    read(): void {
      ws.socket.resume();
    },
    write(chunk: Buffer, _enc, callback): void {
      if (!ws.isOpen) return callback();
      if (sendData(chunk)) callback();
      else ws.socket.once('drain', () => callback());
    },
    final(callback): void {
      finish();
      callback();
    },
  });
  data.on('error', () => undefined);
  const error = new Writable({
    write(chunk: Buffer, _enc, callback): void {
      if (ws.isOpen) sendError(chunk);
      callback();
    },
  });
  return {
    connection: {
      port,
      requestId,
      data,
      error,
      close(message?: string): void {
        if (message !== undefined) error.write(message);
        error.end();
        data.end();
      },
      reset(): void {
        data.destroy();
        finish();
      },
    },
    incoming(d: Buffer | null): void {
      if (d === null) {
        data.push(null);
        return;
      }
      if (!data.push(d)) ws.socket.pause();
    },
  };
}
