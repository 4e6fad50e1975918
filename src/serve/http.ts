/**
 * http: reading request bodies and writing answers, as the API server does (JSON bodies with a
 * trailing newline, Status objects for failures, `Warning` headers, a 3 MiB body limit).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { Status } from './status';
import { failure } from './status';
import { decodeKubeProtobuf, isKubeProtobuf } from './protobuf';

/** MAX_BODY_BYTES is the API server's limit of a request body (3 MiB; larger is 413). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** RequestFailure is a request answered with a Status before it reached a handler's work. */
export class RequestFailure extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
}

/** BODY_DEADLINE_MS bounds the reading of a whole body: the API server's request timeout (`--request-timeout`, 1 minute). */
export const BODY_DEADLINE_MS = 60_000;

/**
 * readBody reads a request's body up to the limit. A client silent for `idleMs`, or still sending
 * after `deadlineMs` (a byte a second keeps a connection from ever being idle), is answered 408
 * and its connection closed, so it holds nothing of the server's.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES, idleMs = 30_000, deadlineMs = BODY_DEADLINE_MS): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new RequestFailure(failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`)));
      req.resume();
      return;
    }
    const cut = (message: string) => () => {
      done();
      reject(new RequestFailure(failure(408, 'Timeout', message)));
      req.destroy();
    };
    const idle = setTimeout(cut('the request body was not sent in time'), idleMs);
    const deadline = setTimeout(cut(`the request body was not sent in time: it took more than ${Math.round(deadlineMs / 1000)}s`), deadlineMs);
    const done = () => {
      clearTimeout(idle);
      clearTimeout(deadline);
    };
    req.on('data', (c: Buffer) => {
      idle.refresh();
      size += c.length;
      if (size > limit) {
        done();
        reject(new RequestFailure(failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`)));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      done();
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      done();
      reject(e);
    });
  });
}

/** mediaTypeOf is a Content-Type without its parameters, lower case. */
export function mediaTypeOf(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

/**
 * MAX_BODY_DEPTH is how deep a body's objects and arrays may nest. The API server's decoder stops at
 * 10000 (Go's encoding/json: "exceeded max depth"); kubeplay stops at 1000 because the handlers walk
 * objects recursively on JavaScript's stack (JSON.stringify itself fails at about 4000 levels), and
 * no object of a served kind nests more than a few dozen levels.
 */
export const MAX_BODY_DEPTH = 1000;

/** parseBody decodes a JSON or YAML body into a value; what cannot be decoded is a 400, in the decoder's words. */
export function parseBody(body: Buffer, mediaType: string): unknown {
  // kubectl's typed clients (create namespace, configmap, secret, ...) send protobuf, and do not fall back to JSON.
  if (mediaType === 'application/vnd.kubernetes.protobuf') {
    try {
      const o = isKubeProtobuf(body) ? decodeKubeProtobuf(body) : undefined;
      if (o !== undefined) return o;
    } catch (e) {
      throw new RequestFailure(failure(400, 'BadRequest', `error decoding protobuf: ${(e as Error).message}`));
    }
  }
  if (mediaType !== 'application/json' && mediaType !== 'application/yaml' && !mediaType.endsWith('+json') && !mediaType.endsWith('+yaml')) {
    throw new RequestFailure(failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (and protobuf for Namespaces, ConfigMaps and Secrets)`));
  }
  const text = body.toString('utf8');
  if (text.trim() === '') throw new RequestFailure(failure(400, 'BadRequest', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml'));
  const yaml = mediaType.endsWith('yaml');
  const what = yaml ? 'yaml' : 'json';
  const tooDeep = (c: string) => new RequestFailure(failure(400, 'BadRequest', `error decoding ${what}: invalid character '${c}' exceeded max depth (kubeplay serve reads bodies nested at most ${MAX_BODY_DEPTH} levels)`));
  // The YAML parser recurses per flow level: a body of `[[[[...` is refused before it is parsed.
  const flow = yaml ? flowDepth(text) : undefined;
  if (flow !== undefined && flow.depth > MAX_BODY_DEPTH) throw tooDeep(flow.at);
  let value: unknown;
  try {
    value = yaml ? (parseYaml(text, { uniqueKeys: true, version: '1.1' }) as unknown) : (JSON.parse(text) as unknown);
  } catch (e) {
    throw new RequestFailure(failure(400, 'BadRequest', `error decoding ${what}: ${(e as Error).message.split('\n')[0]}`));
  }
  const deepest = depthOf(value);
  if (deepest.depth > MAX_BODY_DEPTH) throw tooDeep(deepest.at);
  return value;
}

/** depthOf is how deep a decoded value nests (a scalar 0, `{}` 1), and the bracket that went deepest; walked without recursion. */
export function depthOf(value: unknown): { depth: number; at: string } {
  let depth = 0;
  let at = '{';
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > depth) {
      depth = d;
      at = Array.isArray(v) ? '[' : '{';
    }
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return { depth, at };
}

/**
 * flowDepth is how deep a YAML text's flow collections (`[...]`, `{...}`) nest, counted over the
 * text with quoted scalars and comments skipped: an upper bound a parse would reach through them.
 */
export function flowDepth(text: string): { depth: number; at: string } {
  let depth = 0;
  let max = 0;
  let at = '{';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === "'") {
      for (i++; i < text.length; i++) {
        if (text[i] === "'") {
          if (text[i + 1] !== "'") break;
          i++;
        }
      }
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      depth++;
      if (depth > max) {
        max = depth;
        at = c;
      }
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return { depth: max, at };
}

/**
 * asObject checks that a decoded body is an object (a map) whose apiVersion and kind, when given,
 * are strings: the API server reads them first (its "couldn't get version/kind" error) and refuses
 * a body it cannot, before anything else.
 */
export function asObject(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new RequestFailure(failure(400, 'BadRequest', `the body of the request must be an object, got ${Array.isArray(v) ? 'an array' : typeof v}`));
  const o = v as Record<string, unknown>;
  for (const field of ['apiVersion', 'kind']) {
    const given = o[field];
    if (given !== undefined && given !== null && typeof given !== 'string') {
      throw new RequestFailure(failure(400, 'BadRequest', `couldn't get version/kind; json parse error: json: cannot unmarshal ${goJsonType(given)} into Go struct field .${field} of type string`));
    }
  }
  return o;
}

/** goJsonType is how Go's encoding/json names a JSON value's type in its errors. */
function goJsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
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

/** Bodies read before a request waits for its turn to write (server.ts), so a slow client holds up no one else. */
const BODIES = new WeakMap<IncomingMessage, Buffer>();

/** readBodyFirst reads a request's body now and keeps it for bodyOf. */
export async function readBodyFirst(req: IncomingMessage): Promise<void> {
  BODIES.set(req, await readBody(req));
}

/** bodyOf is a request's body: the one read first, else read now. */
export function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const b = BODIES.get(req);
  return b !== undefined ? Promise.resolve(b) : readBody(req);
}
