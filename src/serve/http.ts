/**
 * http: reading request bodies and writing answers, as the API server does (JSON bodies with a
 * trailing newline, Status objects for failures, `Warning` headers, a 3 MiB body limit).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { Status } from './status';
import { failure } from './status';

/** MAX_BODY_BYTES is the API server's limit of a request body (3 MiB; larger is 413). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** RequestFailure is a request answered with a Status before it reached a handler's work. */
export class RequestFailure extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
}

/** readBody reads a request's body up to the limit; a slow client is cut off after `idleMs` of silence. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES, idleMs = 30_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new RequestFailure(failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`)));
      req.resume();
      return;
    }
    const timer = setTimeout(() => {
      reject(new RequestFailure(failure(408, 'Timeout', 'the request body was not sent in time')));
      req.destroy();
    }, idleMs);
    req.on('data', (c: Buffer) => {
      timer.refresh();
      size += c.length;
      if (size > limit) {
        clearTimeout(timer);
        reject(new RequestFailure(failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`)));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** mediaTypeOf is a Content-Type without its parameters, lower case. */
export function mediaTypeOf(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

/** parseBody decodes a JSON or YAML body into a value; what cannot be decoded is a 400, in the decoder's words. */
export function parseBody(body: Buffer, mediaType: string): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw new RequestFailure(failure(400, 'BadRequest', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf'));
  try {
    if (mediaType.endsWith('yaml')) return parseYaml(text, { uniqueKeys: true, version: '1.1' }) as unknown;
    return JSON.parse(text) as unknown;
  } catch (e) {
    const what = mediaType.endsWith('yaml') ? 'yaml' : 'json';
    throw new RequestFailure(failure(400, 'BadRequest', `error decoding ${what}: ${(e as Error).message.split('\n')[0]}`));
  }
}

/** asObject checks that a decoded body is an object (a map). */
export function asObject(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new RequestFailure(failure(400, 'BadRequest', `the body of the request must be an object, got ${Array.isArray(v) ? 'an array' : typeof v}`));
  return v as Record<string, unknown>;
}

/** sendJson answers with a JSON value. */
export function sendJson(res: ServerResponse, code: number, value: unknown, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(value) + '\n';
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** sendStatus answers with a Status at its code. */
export function sendStatus(res: ServerResponse, status: Status, headers: Record<string, string | string[]> = {}): void {
  sendJson(res, status.code, status, headers);
}

/** warningHeaders are the `Warning: 299 - "text"` headers kubectl prints as `Warning: text`. */
export function warningHeaders(warnings: readonly string[]): Record<string, string[]> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]+/g, ' '))}`) };
}
