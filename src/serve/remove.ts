/**
 * remove: DELETE of an object or a collection, carried out by `kubeplay delete`'s pipeline
 * (commands/delete.ts): grace periods, propagationPolicy as --cascade, dryRun=All, preconditions.
 * The answer is the object as it was (200), as the API server answers a delete it finished.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runDelete, type Cascade, type DeleteOptions } from '../commands/delete';
import { resourceText } from '../domain/kinds';
import { preconditionFailed } from '../store/api-status';
import type { ApiContext } from './context';
import type { ResourceRoute } from './routes';
import { listOf, objectOf } from './read';
import { objectMatcher } from './selectors';
import { bodyOf, mediaTypeOf, parseBody, RequestFailure, sendJson, sendStatus } from './http';
import { failure, methodNotSupported, notFoundStatus, statusOf, success } from './status';

interface DeleteBody {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  dryRun?: string[];
  preconditions?: { uid?: string; resourceVersion?: string };
}

async function deleteBody(req: IncomingMessage, q: URLSearchParams): Promise<DeleteBody> {
  const raw = await bodyOf(req);
  const body = raw.length > 0 && raw.toString('utf8').trim() !== '' ? ((parseBody(raw, mediaTypeOf(req)) ?? {}) as DeleteBody) : {};
  if (q.has('gracePeriodSeconds')) body.gracePeriodSeconds = Number(q.get('gracePeriodSeconds'));
  if (q.has('propagationPolicy')) body.propagationPolicy = q.get('propagationPolicy')!;
  if (q.has('dryRun')) body.dryRun = q.getAll('dryRun');
  // A negative grace period is the API server's 1 s (rest.BeforeDelete).
  if (body.gracePeriodSeconds !== undefined && (!Number.isFinite(body.gracePeriodSeconds) || body.gracePeriodSeconds < 0)) body.gracePeriodSeconds = 1;
  const invalid = (message: string) => new RequestFailure(failure(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: ${message}`, { kind: 'DeleteOptions', group: 'meta.k8s.io' }));
  if (body.propagationPolicy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(body.propagationPolicy)) {
    throw invalid(`propagationPolicy: Unsupported value: ${JSON.stringify(body.propagationPolicy)}: supported values: "Foreground", "Background", "Orphan", "nil"`);
  }
  if ((body.dryRun ?? []).some((d) => d !== 'All')) throw invalid(`dryRun: Unsupported value: []string{${(body.dryRun ?? []).map((d) => JSON.stringify(d)).join(', ')}}: supported values: "All"`);
  return body;
}

function cascadeOf(b: DeleteBody): Cascade | undefined {
  if (b.propagationPolicy === 'Foreground') return 'foreground';
  if (b.propagationPolicy === 'Orphan' || b.orphanDependents === true) return 'orphan';
  if (b.propagationPolicy === 'Background') return 'background';
  return undefined;
}

function optionsOf(route: ResourceRoute, b: DeleteBody, args: string[], selector?: string): DeleteOptions {
  const grace = b.gracePeriodSeconds;
  const cascade = cascadeOf(b);
  return {
    args,
    files: [],
    recursive: false,
    all: selector === undefined && args.length === 1,
    ...(selector !== undefined ? { selector } : {}),
    ignoreNotFound: false,
    includeUnmanaged: false,
    gracePeriod: grace === undefined ? -1 : grace,
    now: false,
    // A grace period of 0 is the API's immediate delete (kubectl --force --grace-period=0 sends it).
    force: grace === 0,
    dryRun: (b.dryRun ?? []).includes('All') ? 'server' : 'none',
    wait: true,
    output: '',
    ...(route.namespace !== undefined ? { namespace: route.namespace } : {}),
    ...(cascade !== undefined ? { cascade } : {}),
  };
}

/** deleteObject answers DELETE of one object. */
export async function deleteObject(ctx: ApiContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const r = route.resource;
  if (r.module === undefined) return sendStatus(res, methodNotSupported(r.info.plural, 'delete'));
  const b = await deleteBody(req, q);
  const o = objectOf(ctx, route, route.name!);
  if (o === undefined) return sendStatus(res, notFoundStatus(r.info.plural, r.info.group, route.name!));
  const key = { kind: r.storeKind, namespace: o.metadata.namespace ?? '', name: o.metadata.name };
  if (b.preconditions?.uid !== undefined && b.preconditions.uid !== o.metadata.uid) return sendStatus(res, statusOf(preconditionFailed(key, 'UID', b.preconditions.uid, o.metadata.uid ?? '')));
  if (b.preconditions?.resourceVersion !== undefined && b.preconditions.resourceVersion !== o.metadata.resourceVersion) {
    return sendStatus(res, statusOf(preconditionFailed(key, 'ResourceVersion', b.preconditions.resourceVersion, o.metadata.resourceVersion ?? '')));
  }
  const report = await runDelete(optionsOf(route, b, [resourceText(r.info), route.name!]), ctx.delete);
  const forbidden = report.plan.forbidden[0];
  if (forbidden !== undefined) return sendStatus(res, failure(403, 'Forbidden', forbidden.message, { name: route.name!, kind: r.info.plural }));
  const failed = (report.execution?.results ?? []).find((x) => x.outcome === 'failed');
  if (failed !== undefined) return sendStatus(res, failure(500, 'InternalError', `Internal error occurred: ${failed.action.ref}: ${failed.error ?? 'failed'}`));
  ctx.changed();
  sendJson(res, 200, o);
}

/** deleteCollection answers DELETE of a collection (labelSelector, or everything in the namespace). */
export async function deleteCollection(ctx: ApiContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const r = route.resource;
  if (r.module === undefined) return sendStatus(res, methodNotSupported(r.info.plural, 'deletecollection'));
  const b = await deleteBody(req, q);
  const where = objectMatcher(r.storeKind, q.get('labelSelector') ?? undefined, q.get('fieldSelector') ?? undefined);
  const doomed = listOf(ctx, route).items.filter(where);
  if (doomed.length > 0) {
    const report = await runDelete(optionsOf(route, b, [resourceText(r.info), ...doomed.map((o) => o.metadata.name)]), { ...ctx.delete });
    const failed = (report.execution?.results ?? []).find((x) => x.outcome === 'failed');
    if (failed !== undefined) return sendStatus(res, failure(500, 'InternalError', `Internal error occurred: ${failed.action.ref}: ${failed.error ?? 'failed'}`));
    ctx.changed();
  }
  if (doomed.length === 0) return sendJson(res, 200, success());
  sendJson(res, 200, { kind: `${r.info.kind}List`, apiVersion: r.info.apiVersion, metadata: {}, items: doomed });
}
