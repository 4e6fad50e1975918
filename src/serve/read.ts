/**
 * read: GET of an object, a list, and a watch, from the store (pods' status is kept there by the
 * server's status loop, pod-status.ts), as JSON or as a Table.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredObject } from '../domain/objects';
import { byText } from '../domain/order';
import type { ChangeEvent } from '../store/object-store';
import type { ApiContext } from './context';
import type { ResourceRoute } from './routes';
import { objectMatcher } from './selectors';
import { failure, notFoundStatus, statusOf } from './status';
import { sendJson, sendStatus } from './http';
import { tableVersion, toTable, wantsTable, type IncludeObject } from './table';
import { involvedPod, podEvents } from './pod-events';

/** listOf is a resource's objects in a namespace (all when undefined), built-in ones included, sorted. */
export function listOf(ctx: ApiContext, route: ResourceRoute): { items: StoredObject[]; revision: number } {
  const r = route.resource;
  const ns = r.info.namespaced ? route.namespace : undefined;
  const listed = ctx.store.list({ kind: r.storeKind, ...(ns !== undefined ? { namespace: ns } : {}) });
  const have = new Set(listed.items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`));
  const builtIn = (r.module?.builtIn?.(ctx.now()) ?? []).filter((o) => !have.has(`${o.metadata.namespace ?? ''}/${o.metadata.name}`));
  const items = [...listed.items, ...builtIn].sort((a, b) => byText(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || byText(a.metadata.name, b.metadata.name));
  return { items, revision: listed.revision };
}

/** objectOf is one object (or a built-in one), undefined when there is none. */
export function objectOf(ctx: ApiContext, route: ResourceRoute, name: string): StoredObject | undefined {
  const r = route.resource;
  const key = { kind: r.storeKind, namespace: r.info.namespaced ? route.namespace ?? '' : '', name };
  return ctx.store.get(key) ?? r.module?.builtIn?.(ctx.now()).find((o) => o.metadata.name === name && (o.metadata.namespace ?? '') === key.namespace);
}

function includeOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** getObject answers GET of one object. */
export function getObject(ctx: ApiContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
  const r = route.resource;
  const o = objectOf(ctx, route, route.name!);
  if (o === undefined) return sendStatus(res, notFoundStatus(r.info.plural, r.info.group, route.name!));
  if (wantsTable(req.headers.accept) && r.table !== undefined) {
    return sendJson(res, 200, toTable(r.table, [o], { now: ctx.now(), node: ctx.node, include: includeOf(q), headers: true, version: tableVersion(req.headers.accept) }));
  }
  sendJson(res, 200, o);
}

/** listObjects answers GET of a list (or opens a watch with `watch=true`). */
export function listObjects(ctx: ApiContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
  const r = route.resource;
  let where: (o: StoredObject) => boolean;
  try {
    where = objectMatcher(r.storeKind, q.get('labelSelector') ?? undefined, q.get('fieldSelector') ?? undefined);
  } catch (e) {
    return sendStatus(res, statusOf(e));
  }
  for (const n of ['timeoutSeconds', 'limit']) {
    const v = q.get(n);
    if (v !== null && v !== '' && !/^-?\d+$/.test(v)) return sendStatus(res, failure(400, 'BadRequest', `invalid value for ${n}: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`));
  }
  const rv = q.get('resourceVersion');
  if (rv !== null && rv !== '' && !/^\d+$/.test(rv)) return sendStatus(res, failure(400, 'BadRequest', `invalid resource version: ${rv}`));
  if (q.get('watch') === 'true' || q.get('watch') === '1') return watchObjects(ctx, route, req, res, q, where);
  const { items, revision } = listOf(ctx, route);
  const selected = items.filter(where);
  // The kubelet's events about a pod are read from Podman, not stored (pod-events.ts).
  const asked = r.storeKind === 'Event' ? involvedPod(q.get('fieldSelector')) : undefined;
  if (asked !== undefined) {
    return void podEvents(ctx, asked.namespace ?? route.namespace ?? 'default', asked.name, asked.uid).then(
      (extra) => answerList(ctx, route, req, res, q, [...selected, ...extra].sort((a, b) => eventTime(a).localeCompare(eventTime(b))), revision),
      (e) => sendStatus(res, statusOf(e)),
    );
  }
  answerList(ctx, route, req, res, q, selected, revision);
}

function eventTime(o: StoredObject): string {
  const e = o as unknown as { lastTimestamp?: string; eventTime?: string };
  return e.lastTimestamp ?? e.eventTime ?? o.metadata.creationTimestamp ?? '';
}

function answerList(ctx: ApiContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams, selected: StoredObject[], revision: number): void {
  const r = route.resource;
  if (wantsTable(req.headers.accept) && r.table !== undefined) {
    return sendJson(res, 200, toTable(r.table, selected, { now: ctx.now(), node: ctx.node, include: includeOf(q), headers: true, resourceVersion: String(revision), version: tableVersion(req.headers.accept) }));
  }
  sendJson(res, 200, { kind: `${r.info.kind}List`, apiVersion: r.info.apiVersion, metadata: { resourceVersion: String(revision) }, items: selected });
}

/** BOOKMARK_EVERY_MS: how often a watch that asked for bookmarks gets one (the API server: about a minute). */
const BOOKMARK_EVERY_MS = 60_000;

/** watchObjects streams a watch: the initial ADDED events (no resourceVersion, or "0"), then the changes. */
function watchObjects(ctx: ApiContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams, where: (o: StoredObject) => boolean): void {
  const r = route.resource;
  const asTable = wantsTable(req.headers.accept) && r.table !== undefined;
  const version = tableVersion(req.headers.accept);
  const rvText = q.get('resourceVersion') ?? '';
  const name = route.name;
  const select = (o: StoredObject) => (name === undefined || o.metadata.name === name) && where(o);
  let first = true;
  const encode = (type: string, o: unknown): string => {
    if (asTable && type !== 'ERROR' && type !== 'BOOKMARK') {
      const t = toTable(r.table!, [o as StoredObject], { now: ctx.now(), node: ctx.node, include: includeOf(q), headers: first, version });
      first = false;
      return JSON.stringify({ type, object: t }) + '\n';
    }
    return JSON.stringify({ type, object: o }) + '\n';
  };
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let from: number;
  if (rvText === '' || rvText === '0') {
    const { items, revision } = listOf(ctx, route);
    for (const o of items.filter(select)) res.write(encode('ADDED', o));
    from = revision;
  } else {
    from = Number(rvText);
    if (!Number.isInteger(from) || from < 0) {
      res.end(encode('ERROR', failure(400, 'BadRequest', `invalid resource version: ${rvText}`)));
      return;
    }
  }
  let closed = false;
  const end = () => {
    if (closed) return;
    closed = true;
    close();
    clearInterval(bookmarks);
    clearTimeout(timeout);
    res.end();
  };
  const close = ctx.hub.add(
    { storeKind: r.storeKind, ...(r.info.namespaced && route.namespace !== undefined ? { namespace: route.namespace } : {}), where: select },
    from,
    (e: ChangeEvent) => {
      if (!closed) res.write(encode(e.type, e.object));
    },
    (e) => {
      if (closed) return;
      res.write(encode('ERROR', failure(410, 'Expired', e.message)));
      end();
    },
  );
  const bookmarks = setInterval(() => {
    if (q.get('allowWatchBookmarks') === 'true' && !closed) res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: r.info.kind, apiVersion: r.info.apiVersion, metadata: { resourceVersion: String(ctx.store.currentRevision()) } } }) + '\n');
  }, ctx.bookmarkMs ?? BOOKMARK_EVERY_MS);
  // timeoutSeconds, else the API server's default of 30-60 minutes.
  const seconds = Number(q.get('timeoutSeconds') ?? 1800 + Math.floor(Math.random() * 1800));
  const timeout = setTimeout(end, Math.max(1, seconds) * 1000);
  req.on('close', end);
  res.on('close', end);
}
