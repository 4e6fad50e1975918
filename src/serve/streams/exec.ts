/**
 * kubectl exec's (and attach's) streams, as the kubelet serves them
 * (pkg/kubelet/cri/streaming/remotecommand: websocket.go, httpstream.go, exec.go) and as the
 * API server's stream translator adds v5:
 *
 * - WebSocket, sub-protocols `v5.channel.k8s.io` (kubectl 1.30+; byte 255 then a channel closes
 *   that channel: `[255, 0]` is the end of stdin), `v4.channel.k8s.io`, `v3.`, `v2.`,
 *   `channel.k8s.io`, and the base64 text variants `v4.base64.channel.k8s.io`,
 *   `base64.channel.k8s.io`. A message is one channel byte (0 stdin, 1 stdout, 2 stderr, 3 error,
 *   4 resize) and the data. Right after the handshake an empty message goes on the lowest channel
 *   the server writes (stdout, else stderr, else error), as the kubelet sends it.
 * - SPDY/3.1 with `X-Stream-Protocol-Version` `v4.channel.k8s.io` .. `channel.k8s.io` (kubectl
 *   up to 1.29, and 1.30+ when the WebSocket upgrade fails or KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false):
 *   the client opens one stream per channel, named by its `streamType` header.
 *
 * finish() writes the error channel's Status (status.ts) after stdout and stderr are flushed and
 * closes: the WebSocket with 1000, each SPDY stream with FIN and the connection with GOAWAY.
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Writable, type Readable } from 'node:stream';
import { answerStatus, answerText, headerList, type StreamSocket } from './http-answer';
import { ResizeQueue, type TerminalSize } from './resize';
import { SpdySession, type SpdyStream } from './spdy';
import { channelVersion, execStatusPayload, type ExecStatus } from './status';
import { isWebSocketRequest, upgradeWebSocket, type WebSocketConnection } from './websocket';

/** EXEC_WEBSOCKET_PROTOCOLS: the WebSocket sub-protocols served for exec and attach, preferred first. */
export const EXEC_WEBSOCKET_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v4.base64.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
  'base64.channel.k8s.io',
  '',
] as const;

/** EXEC_SPDY_PROTOCOLS: the X-Stream-Protocol-Version values served over SPDY, as the kubelet serves them. */
export const EXEC_SPDY_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'] as const;

/** WEBSOCKET_SETTLE_MS is how long a WebSocket session holds its first output (see acceptWebSocketExec). */
export const WEBSOCKET_SETTLE_MS = 50;

/** STREAM_CREATION_TIMEOUT_MS is how long the SPDY client has to open its streams (the kubelet's default, 30 s). */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;

/** Channel numbers of the channel protocols. */
export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** ExecOptions are the request's stream flags (the query's stdin, stdout, stderr, tty) and its command, for the exit message. */
export interface ExecOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  command?: readonly string[];
  /** streamCreationTimeoutMs overrides STREAM_CREATION_TIMEOUT_MS (tests). */
  streamCreationTimeoutMs?: number;
}

/**
 * ExecSession is an accepted exec or attach: the streams the request asked for (stdin ends when
 * the client closes it), the terminal resizes, and finish() (once; later calls do nothing).
 * `closed` resolves when the client is gone (or finish closed the connection); the lead stops the
 * command's I/O then: a client that vanishes leaves the SPDY streams destroyed, not ended.
 */
export interface ExecSession {
  transport: 'websocket' | 'spdy';
  /** protocol is the negotiated channel protocol, e.g. `v5.channel.k8s.io`. */
  protocol: string;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  resizes: ResizeQueue & EventEmitter & AsyncIterable<TerminalSize>;
  closed: Promise<void>;
  /** finish flushes stdout and stderr, writes the Status for `status` on the error channel and closes. */
  finish(status: ExecStatus): void;
}

/**
 * acceptExec negotiates an exec (or attach) upgrade, WebSocket or SPDY, and resolves to its
 * session; or answers the refusal itself (400 for a request that is no upgrade or a bad one, 403
 * when no protocol is common, as the kubelet answers) and resolves to undefined. Over SPDY it
 * resolves once the client opened the streams it needs (undefined if it does not within 30 s).
 */
export function acceptExec(req: IncomingMessage, socket: StreamSocket, head: Buffer, opts: ExecOptions): Promise<ExecSession | undefined> {
  if (isWebSocketRequest(req)) return Promise.resolve(acceptWebSocketExec(req, socket, head, opts));
  if (isSpdyRequest(req)) return acceptSpdyExec(req, socket, head, opts);
  answerStatus(socket, 400, 'BadRequest', 'Upgrade request required');
  return Promise.resolve(undefined);
}

/** acceptAttach is acceptExec: attach speaks the same protocols and channels. */
export const acceptAttach = acceptExec;

/** isSpdyRequest tells an upgrade to SPDY/3.1 (Connection: upgrade, Upgrade: SPDY/3.1). */
export function isSpdyRequest(req: IncomingMessage): boolean {
  const connection = headerList(req, 'connection').map((v) => v.toLowerCase());
  const upgrade = headerList(req, 'upgrade').map((v) => v.toLowerCase());
  return connection.includes('upgrade') && upgrade.includes('spdy/3.1');
}

/**
 * upgradeSpdy negotiates X-Stream-Protocol-Version as httpstream.Handshake does (the first of the
 * client's versions the server accepts; none sent means the old protocol, '') and answers 101 with
 * the SPDY/3.1 upgrade; or answers 400 (no SPDY upgrade headers) or 403 (no common version, with
 * X-Accepted-Stream-Protocol-Versions), in the kubelet's words, and returns undefined.
 */
export function upgradeSpdy(req: IncomingMessage, socket: StreamSocket, head: Buffer, accepted: readonly string[]): { session: SpdySession; protocol: string } | undefined {
  if (!isSpdyRequest(req)) {
    answerText(socket, 400, 'unable to upgrade: missing upgrade headers in request');
    return undefined;
  }
  const offered = headerList(req, 'x-stream-protocol-version');
  let protocol = '';
  if (offered.length > 0) {
    const chosen = offered.find((p) => accepted.includes(p));
    if (chosen === undefined) {
      answerText(
        socket,
        403,
        `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${accepted.join(' ')}]`,
        accepted.map((p) => `X-Accepted-Stream-Protocol-Versions: ${p}`),
      );
      return undefined;
    }
    protocol = chosen;
  }
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1'];
  if (protocol !== '') lines.push(`X-Stream-Protocol-Version: ${protocol}`);
  socket.write(lines.join('\r\n') + '\r\n\r\n');
  return { session: new SpdySession(socket, head), protocol };
}

function acceptWebSocketExec(req: IncomingMessage, socket: StreamSocket, head: Buffer, opts: ExecOptions): ExecSession | undefined {
  const ws = upgradeWebSocket(req, socket, head, EXEC_WEBSOCKET_PROTOCOLS);
  if (!ws) return undefined;
  const protocol = ws.protocol;
  const version = channelVersion(protocol);
  const base64 = protocol.includes('base64');
  const send = (channel: number, data: Buffer): boolean =>
    base64 ? ws.send(String.fromCharCode(48 + channel) + data.toString('base64'), false) : ws.send(Buffer.concat([Buffer.from([channel]), data]));
  const resizes = new ResizeQueue();
  const stdin = opts.stdin ? new PassThrough() : undefined;
  // kubectl 1.30's WebSocket client reads before it has made its streams and drops what comes
  // then ("Unknown stream id 2, discarding message": client-go's race, fixed in 1.31 by waiting for
  // the streams). Holding the session's first bytes a moment keeps a fast command's output and
  // exit status from being lost; the kubelet's own start-up time hides the race behind a cluster.
  const settled = new Promise<void>((resolve) => setTimeout(resolve, WEBSOCKET_SETTLE_MS).unref());
  const channelWriter = (channel: number): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, callback): void {
        void settled.then(() => {
          if (!ws.isOpen) return callback();
          if (send(channel, chunk)) callback();
          else ws.socket.once('drain', () => callback());
        });
      },
    });
  const stdout = opts.stdout ? channelWriter(CHANNEL.stdout) : undefined;
  const stderr = opts.stderr && !opts.tty ? channelWriter(CHANNEL.stderr) : undefined;
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  let finishing = false;
  for (const w of [stdout, stderr]) w?.on('error', () => undefined);
  ws.on('close', () => {
    stdin?.end();
    resizes.end();
    stdout?.destroy();
    stderr?.destroy();
  });
  ws.on('message', (data: Buffer, binary: boolean) => {
    if (data.length === 0) return;
    if (version >= 5 && data[0] === CHANNEL.close) {
      if (data.length === 2 && data[1] === CHANNEL.stdin) stdin?.end();
      if (data.length === 2 && data[1] === CHANNEL.resize) resizes.end();
      return;
    }
    let channel = data[0]!;
    let body = data.subarray(1);
    if (base64) {
      if (binary) return;
      channel -= 48;
      body = Buffer.from(body.toString(), 'base64');
    }
    if (channel === CHANNEL.stdin && stdin && !stdin.writableEnded) stdin.write(body);
    else if (channel === CHANNEL.resize && opts.tty) resizes.push(body);
  });
  // The kubelet's "connection is established" signal: an empty message on the lowest channel it writes.
  send(opts.stdout ? CHANNEL.stdout : opts.stderr ? CHANNEL.stderr : CHANNEL.error, Buffer.alloc(0));
  return {
    transport: 'websocket',
    protocol,
    ...(stdin ? { stdin } : {}),
    ...(stdout ? { stdout } : {}),
    ...(stderr ? { stderr } : {}),
    resizes,
    closed,
    finish(status: ExecStatus): void {
      if (finishing) return;
      finishing = true;
      void Promise.all([settled, flushed([stdout, stderr])]).then(() => {
        const payload = execStatusPayload(version, status, opts.command);
        if (payload.length > 0) send(CHANNEL.error, payload);
        closeWebSocket(ws);
      });
    },
  };
}

function closeWebSocket(ws: WebSocketConnection): void {
  ws.close(1000);
}

/** flushed ends the writers and resolves when each has handed its data on (or is gone). */
function flushed(writers: (Writable | undefined)[]): Promise<void> {
  return Promise.all(
    writers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (!w || w.writableFinished || w.destroyed) return resolve();
          w.once('finish', () => resolve());
          w.once('close', () => resolve());
          w.once('error', () => resolve());
          w.end();
        }),
    ),
  ).then(() => undefined);
}

function acceptSpdyExec(req: IncomingMessage, socket: StreamSocket, head: Buffer, opts: ExecOptions): Promise<ExecSession | undefined> {
  const upgraded = upgradeSpdy(req, socket, head, EXEC_SPDY_PROTOCOLS);
  if (!upgraded) return Promise.resolve(undefined);
  const { session, protocol } = upgraded;
  const version = channelVersion(protocol);
  const expected = new Set<string>(['error']);
  if (opts.stdin) expected.add('stdin');
  if (opts.stdout) expected.add('stdout');
  if (opts.stderr && !(opts.tty && version >= 2)) expected.add('stderr');
  if (opts.tty && version >= 3) expected.add('resize');
  const streams = new Map<string, SpdyStream>();
  const resizes = new ResizeQueue();
  let finishing = false;
  const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
  session.once('close', () => resizes.end());

  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      session.removeListener('stream', onStream);
      const error = streams.get('error');
      if (error) error.end(execStatusPayload(version, { error: 'timed out waiting for client to create streams' }, opts.command));
      session.goAway(500);
      resolve(undefined);
    }, opts.streamCreationTimeoutMs ?? STREAM_CREATION_TIMEOUT_MS);
    timer.unref();
    session.once('close', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    const onStream = (stream: SpdyStream): void => {
      const type = stream.header('streamType') ?? '';
      if (!expected.has(type) || streams.has(type)) {
        stream.reset();
        return;
      }
      streams.set(type, stream);
      if (type === 'resize') stream.on('data', (chunk: Buffer) => resizes.push(chunk));
      if (type === 'resize') stream.on('end', () => resizes.end());
      if (streams.size < expected.size) return;
      clearTimeout(timer);
      session.removeListener('stream', onStream);
      const stdin = streams.get('stdin');
      const stdout = streams.get('stdout');
      const stderr = streams.get('stderr');
      resolve({
        transport: 'spdy',
        protocol,
        ...(stdin ? { stdin } : {}),
        ...(stdout ? { stdout } : {}),
        ...(stderr ? { stderr } : {}),
        resizes,
        closed,
        finish(status: ExecStatus): void {
          if (finishing) return;
          finishing = true;
          void flushed([stdout, stderr]).then(async () => {
            const error = streams.get('error')!;
            const payload = execStatusPayload(version, status, opts.command);
            await flushed([error].map((e) => (e.write(payload), e)));
            await flushed([stdin, streams.get('resize')]);
            session.goAway();
          });
        },
      });
    };
    session.on('stream', onStream);
  });
}
