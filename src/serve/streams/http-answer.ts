/**
 * What the stream protocols share before they own the socket: reading a request's repeated
 * headers, and answering a refused upgrade on the raw socket (an https server's 'upgrade' event
 * hands over the socket before any response object exists).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** StreamSocket is the socket of an upgrade: a net.Socket or tls.TLSSocket, or any Duplex in tests. */
export type StreamSocket = Duplex;

/**
 * headerList reads a header that may repeat or hold a comma-separated list (RFC 9110 §5.3) as its
 * values in order, trimmed, empty ones dropped.
 */
export function headerList(req: IncomingMessage, name: string): string[] {
  const raw: string[] = [];
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() === lower) raw.push(req.rawHeaders[i + 1]!);
  }
  return raw.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

const REASON_PHRASE: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };

/**
 * statusJson is a metav1.Status failure as the API server writes it (kind and apiVersion first,
 * then metadata, status, message, reason, code).
 */
export function statusJson(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

/** answerStatus writes an HTTP error response carrying a metav1.Status and ends the socket. */
export function answerStatus(socket: StreamSocket, code: number, reason: string, message: string, extraHeaders: string[] = []): void {
  answerRaw(socket, code, 'application/json', statusJson(code, reason, message), extraHeaders);
}

/** answerText writes an HTTP error response with a plain-text body (as Go's http.Error does) and ends the socket. */
export function answerText(socket: StreamSocket, code: number, text: string, extraHeaders: string[] = []): void {
  answerRaw(socket, code, 'text/plain; charset=utf-8', text + '\n', extraHeaders);
}

function answerRaw(socket: StreamSocket, code: number, type: string, body: string, extraHeaders: string[]): void {
  const head = [
    `HTTP/1.1 ${code} ${REASON_PHRASE[code] ?? 'Error'}`,
    `Content-Type: ${type}`,
    ...(type.startsWith('text/plain') ? ['X-Content-Type-Options: nosniff'] : []),
    ...extraHeaders,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  if (socket.writable) socket.end(head.join('\r\n') + '\r\n\r\n' + body);
  setTimeout(() => socket.destroy(), 1000).unref();
}
