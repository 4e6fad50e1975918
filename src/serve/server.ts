/**
 * server: the HTTPS listener of `kubeplay serve`. Every request is authenticated (the bearer token,
 * or a client certificate the server's CA signed) before anything else: 401 and nothing more
 * otherwise. Then: discovery and OpenAPI documents, health, and the resources, each verb to its
 * handler; writes are carried out one at a time. Upgrades (exec, port-forward) go to `upgrades`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { ApiContext } from './context';
import { parseResourcePath, type ResourceRoute } from './routes';
import { getObject, listObjects } from './read';
import { createObject, patchObject, scaleOf, updateObject } from './write';
import { deleteCollection, deleteObject } from './remove';
import { podLog } from './pod-log';
import { readBodyFirst, RequestFailure, sendJson, sendStatus } from './http';
import { failure, methodNotSupported, notFoundStatus, statusOf } from './status';

/** DocumentAnswer is a discovery or OpenAPI document. */
export interface DocumentAnswer {
  status: number;
  contentType: string;
  body: Buffer | string;
  headers?: Record<string, string>;
}

/** Documents answers /version, /api, /apis, /openapi/...; undefined for a path it does not serve. */
export type Documents = (path: string, accept: string | undefined, ifNoneMatch?: string) => DocumentAnswer | undefined;

/** Upgrades take an upgrade request for a pod's exec or port-forward once it is authenticated. */
export type Upgrades = (route: ResourceRoute, req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** ServerOptions are the listener's TLS material and who may call it. */
export interface ServerOptions {
  key: string;
  cert: string;
  /** The CA that signs client certificates (and the serving certificate). */
  ca: string;
  token: string;
  /** The user of a verified client certificate; undefined when it names none. */
  clientUser?: (socket: TLSSocket) => string | undefined;
}

/** authenticated tells whether a request carries the token or a client certificate the CA signed. */
export function authenticated(req: IncomingMessage, opts: Pick<ServerOptions, 'token' | 'clientUser'>): boolean {
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(auth);
  if (m) {
    const given = Buffer.from(m[1]!.trim());
    const want = Buffer.from(opts.token);
    return given.length === want.length && timingSafeEqual(given, want);
  }
  const socket = req.socket as TLSSocket;
  if (socket.authorized === true) return (opts.clientUser?.(socket) ?? socket.getPeerCertificate?.()?.subject?.CN) !== undefined;
  return false;
}

const UNAUTHORIZED = failure(401, 'Unauthorized', 'Unauthorized');

/** createApiServer builds the listener over the handlers; the caller listens. */
export function createApiServer(ctx: ApiContext, opts: ServerOptions, documents: Documents, upgrades?: Upgrades): Server {
  const writes = new Serial();
  const server = createHttpsServer({ key: opts.key, cert: opts.cert, ca: opts.ca, requestCert: true, rejectUnauthorized: false, maxHeaderSize: 64 * 1024 }, (req, res) => {
    void handle(ctx, opts, documents, writes, req, res);
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 0; // watches and logs stream for as long as the client reads
  server.keepAliveTimeout = 65_000;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    if (!authenticated(req, opts)) {
      socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify(UNAUTHORIZED)}\n`);
      return;
    }
    let route: ReturnType<typeof parseResourcePath>;
    try {
      route = parseResourcePath(new URL(req.url ?? '/', 'https://kubeplay').pathname);
    } catch {
      route = undefined;
    }
    if (upgrades === undefined || route === undefined || 'miss' in route || route.resource.storeKind !== 'Pod' || (route.subresource !== 'exec' && route.subresource !== 'portforward' && route.subresource !== 'attach')) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    upgrades(route, req, socket, head);
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  return server;
}

/** Serial runs one write at a time: the pipeline takes the connection lock, and the store's writes must see each other. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(f: () => Promise<T>): Promise<T> {
    const next = this.tail.then(f, f);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

async function handle(ctx: ApiContext, opts: ServerOptions, documents: Documents, writes: Serial, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  res.on('finish', () => ctx.log(`${req.method ?? ''} ${req.url ?? ''} ${res.statusCode} ${Math.round(performance.now() - started)}ms`));
  try {
    if (!authenticated(req, opts)) return sendStatus(res, UNAUTHORIZED);
    const url = new URL(req.url ?? '/', 'https://kubeplay');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    const route = parseResourcePath(path);
    if (route === undefined || 'miss' in route) {
      const doc = req.method === 'GET' ? documents(`${path}${url.search}`, req.headers.accept, req.headers['if-none-match']) : undefined;
      if (doc !== undefined) {
        res.writeHead(doc.status, { 'Content-Type': doc.contentType, 'Cache-Control': 'no-cache, private', ...(doc.headers ?? {}) });
        res.end(doc.body);
        return;
      }
      return sendStatus(res, failure(404, 'NotFound', 'the server could not find the requested resource'));
    }
    await dispatch(ctx, writes, route, req, res, url.searchParams);
  } catch (e) {
    if (e instanceof RequestFailure) return sendStatus(res, e.status);
    const s = statusOf(e);
    if (s.code >= 500) ctx.log(`${req.method ?? ''} ${req.url ?? ''}: ${(e as Error)?.stack ?? String(e)}`);
    sendStatus(res, s);
  }
}

async function dispatch(ctx: ApiContext, writes: Serial, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const r = route.resource;
  const target = { resource: r.info.plural, group: r.info.group, ...(route.name !== undefined ? { name: route.name } : {}), kind: r.info.kind };
  const sub = route.subresource;
  if (sub !== undefined && !r.subresources.includes(sub)) return sendStatus(res, notFoundStatus(`${r.info.plural}/${sub}`, r.info.group, route.name ?? ''));
  const guarded = async (f: () => Promise<void>) => {
    try {
      // The body is read before the request waits for its turn: a slow client holds up no other write.
      await readBodyFirst(req);
      await writes.run(f);
    } catch (e) {
      if (e instanceof RequestFailure) throw e;
      sendStatus(res, statusOf(e, target));
    }
  };
  switch (req.method) {
    case 'GET':
      if (route.name === undefined) return listObjects(ctx, route, req, res, q);
      if (sub === 'log') return podLog(ctx, route, req, res, q);
      if (sub === 'scale') {
        const s = scaleOf(ctx, route);
        return s === undefined ? sendStatus(res, notFoundStatus(r.info.plural, r.info.group, route.name)) : sendJson(res, 200, s);
      }
      if (sub === 'exec' || sub === 'portforward' || sub === 'attach') return sendStatus(res, failure(400, 'BadRequest', 'Upgrade request required'));
      return getObject(ctx, route, req, res, q);
    case 'POST':
      if (r.info.namespaced && route.namespace === undefined) return sendStatus(res, failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
      if (route.name !== undefined) {
        if (sub === 'exec' || sub === 'portforward' || sub === 'attach') return sendStatus(res, failure(400, 'BadRequest', 'Upgrade request required'));
        return sendStatus(res, methodNotSupported(r.info.plural, 'create'));
      }
      return guarded(() => createObject(ctx, route, req, res, q));
    case 'PUT':
      if (route.name === undefined) return sendStatus(res, methodNotSupported(r.info.plural, 'update'));
      return guarded(() => updateObject(ctx, route, req, res, q));
    case 'PATCH':
      if (route.name === undefined) return sendStatus(res, methodNotSupported(r.info.plural, 'patch'));
      return guarded(() => patchObject(ctx, route, req, res, q));
    case 'DELETE':
      if (route.name === undefined) return guarded(() => deleteCollection(ctx, route, req, res, q));
      if (sub !== undefined) return sendStatus(res, methodNotSupported(`${r.info.plural}/${sub}`, 'delete'));
      return guarded(() => deleteObject(ctx, route, req, res, q));
    default:
      return sendStatus(res, failure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
  }
}
