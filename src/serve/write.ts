/**
 * write: POST (create), PUT (update) and PATCH of an object, carried out by the same pipeline as
 * `kubeplay apply` (validate → observe → plan → execute → record → reconcile), with the API
 * server's rules around it: the namespace of the URL, generateName, AlreadyExists on create,
 * NotFound on update, a stale resourceVersion's Conflict, dryRun=All, fieldValidation, and the
 * client's own last-applied annotation kept as it sent it. The status and scale subresources.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyManifests, validateLoaded } from '../commands/apply';
import { failuresOf } from '../print/apply';
import { LABEL_LAST_APPLIED } from '../domain/labels';
import { groupKindOf, type StoredObject } from '../domain/objects';
import { alreadyExists, modified } from '../store/api-status';
import { formatIssue } from '../print/issues';
import type { ValidateMode } from '../validate';
import type { ApiContext } from './context';
import type { ResourceRoute } from './routes';
import { objectOf } from './read';
import { asObject, mediaTypeOf, parseBody, bodyOf, RequestFailure, sendJson, sendStatus, warningHeaders } from './http';
import { failure, methodNotSupported, notFoundStatus, statusOf, type Status } from './status';
import { SCALABLE } from './api-resources';
import { randomSuffix } from '../controllers/names';
import { serverSideApply, updateManagedFields, type ManagedFieldsEntry } from './patch/server-side-apply';
import type { JsonObject } from './patch/go-format';
import { parse as parseYaml } from 'yaml';

/** SERVER_FIELDS are the metadata fields the server sets: what a client sends of them is not written. */
const SERVER_FIELDS = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/** managerOf is a write's field manager: fieldManager, else the client's name from its User-Agent, as the API server takes it. */
export function managerOf(q: URLSearchParams, userAgent: string | undefined): string {
  const given = q.get('fieldManager');
  if (given !== null && given !== '') return given;
  const agent = (userAgent ?? '').split('/')[0]!.trim();
  return agent !== '' ? agent.slice(0, 128) : 'unknown';
}

/**
 * optionsProblem is the API server's refusal of a write's query options (CreateOptions,
 * UpdateOptions, PatchOptions validation: dryRun, fieldValidation, force, fieldManager), 422.
 */
export function optionsProblem(q: URLSearchParams, options: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions', apply = false): Status | undefined {
  const invalid = (message: string) => failure(422, 'Invalid', `${options}.meta.k8s.io "" is invalid: ${message}`, { kind: options, group: 'meta.k8s.io', causes: [{ reason: 'FieldValueInvalid', message, field: message.split(':')[0]! }] });
  const dry = q.getAll('dryRun');
  if (dry.some((d) => d !== 'All')) return invalid(`dryRun: Unsupported value: []string{${dry.map((d) => JSON.stringify(d)).join(', ')}}: supported values: "All"`);
  const fv = q.get('fieldValidation');
  if (fv !== null && !['', 'Ignore', 'Strict', 'Warn'].includes(fv)) return invalid(`fieldValidation: Unsupported value: ${JSON.stringify(fv)}: supported values: "", "Ignore", "Strict", "Warn"`);
  if (options === 'PatchOptions' && !apply && q.has('force')) return invalid('force: Forbidden: may not be specified for non-apply patch');
  if (apply && (q.get('fieldManager') ?? '') === '') return invalid('fieldManager: Required value: is required for apply patch');
  return undefined;
}

function fieldValidationOf(q: URLSearchParams): ValidateMode {
  const v = q.get('fieldValidation');
  if (v === 'Ignore') return 'ignore';
  if (v === 'Strict') return 'strict';
  return 'warn';
}

/** dryRunOf: whether the write is a dry run (its values were checked by optionsProblem). */
function dryRunOf(q: URLSearchParams): boolean {
  return q.getAll('dryRun').length > 0;
}

type Mode = 'create' | 'update';

/**
 * writeObject carries out a create or an update of `body` at `route` and answers with the object
 * as stored (201 for a create, 200 for an update).
 */
export async function writeObject(
  ctx: ApiContext,
  route: ResourceRoute,
  body: Record<string, unknown>,
  mode: Mode,
  q: URLSearchParams,
  res: ServerResponse,
  expectedVersion?: string,
  how: { managedFields?: ManagedFieldsEntry[]; manager?: string } = {},
): Promise<void> {
  const r = route.resource;
  if (r.module === undefined) return sendStatus(res, methodNotSupported(r.info.plural, mode));
  const kindText = typeof body['kind'] === 'string' ? body['kind'] : r.info.kind;
  const apiVersion = typeof body['apiVersion'] === 'string' ? body['apiVersion'] : r.info.apiVersion;
  if (typeof body['apiVersion'] !== 'string' && body['apiVersion'] !== undefined) return sendStatus(res, failure(400, 'BadRequest', `couldn't get version/kind; json parse error: json: cannot unmarshal ${typeof body['apiVersion']} into Go struct field .apiVersion of type string`));
  if (apiVersion !== r.info.apiVersion) {
    return sendStatus(res, failure(400, 'BadRequest', `the API version in the data (${apiVersion}) does not match the expected API version (${r.info.apiVersion})`));
  }
  if (groupKindOf(apiVersion, kindText) !== r.storeKind) {
    return sendStatus(res, failure(400, 'BadRequest', `the kind in the data (${kindText}) does not match the expected kind (${r.info.kind})`));
  }
  const meta = { ...((body['metadata'] ?? {}) as Record<string, unknown>) };
  if (r.info.namespaced) {
    const given = typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : undefined;
    if (given !== undefined && route.namespace !== undefined && given !== route.namespace) {
      return sendStatus(res, failure(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'));
    }
    meta['namespace'] = route.namespace ?? given ?? 'default';
  } else delete meta['namespace'];
  if (mode === 'create' && (meta['name'] === undefined || meta['name'] === '') && typeof meta['generateName'] === 'string' && meta['generateName'] !== '') {
    meta['name'] = `${meta['generateName']}${randomSuffix()}`;
  }
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  if (name === '') return sendStatus(res, failure(422, 'Invalid', `${r.info.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, { kind: r.info.kind, causes: [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }] }));
  // The namespace is looked for before the object is validated, as the API server does.
  if (r.info.namespaced && mode === 'create' && meta['namespace'] !== 'default' && ctx.store.get({ kind: 'Namespace', namespace: '', name: String(meta['namespace']) }) === undefined) {
    return sendStatus(res, failure(404, 'NotFound', `namespaces "${String(meta['namespace'])}" not found`, { name: String(meta['namespace']), kind: 'namespaces' }));
  }
  if (mode === 'update' && route.name !== undefined && name !== route.name) {
    return sendStatus(res, failure(400, 'BadRequest', `the name of the object (${name}) does not match the name on the URL (${route.name})`));
  }
  const key = { kind: r.storeKind, namespace: r.info.namespaced ? String(meta['namespace']) : '', name };
  const current = ctx.store.get(key);
  if (mode === 'create' && current !== undefined) return sendStatus(res, statusOf(alreadyExists(key), { resource: r.info.plural, group: r.info.group, name }));
  if (mode === 'update' && current === undefined) return sendStatus(res, notFoundStatus(r.info.plural, r.info.group, name));
  const asked = expectedVersion ?? (typeof meta['resourceVersion'] === 'string' && meta['resourceVersion'] !== '' ? meta['resourceVersion'] : undefined);
  if (mode === 'update' && asked !== undefined && asked !== current!.metadata.resourceVersion) {
    return sendStatus(res, statusOf(modified(key), { resource: r.info.plural, group: r.info.group, name }));
  }
  if (mode === 'create' && typeof meta['resourceVersion'] === 'string' && meta['resourceVersion'] !== '') {
    return sendStatus(res, failure(400, 'BadRequest', 'resourceVersion should not be set on objects to be created'));
  }
  for (const f of SERVER_FIELDS) delete meta[f];
  // Who wrote which fields: the apply's own record, or this write as an Update of its manager.
  const managedFields =
    how.managedFields ??
    updateManagedFields({
      old: current as unknown as JsonObject | undefined,
      new: { ...body, metadata: { ...meta } } as JsonObject,
      manager: how.manager ?? managerOf(q, undefined),
      kind: r.storeKind,
      now: ctx.now(),
    });
  if (managedFields.length > 0) meta['managedFields'] = managedFields;
  // Annotations that are not a map are left as sent, for validation to refuse.
  const given = meta['annotations'];
  let lastApplied: string | undefined;
  if (given !== null && typeof given === 'object' && !Array.isArray(given)) {
    const annotations = { ...(given as Record<string, string>) };
    lastApplied = annotations[LABEL_LAST_APPLIED];
    delete annotations[LABEL_LAST_APPLIED];
    if (Object.keys(annotations).length > 0) meta['annotations'] = annotations;
    else delete meta['annotations'];
  }
  const { status: _status, ...rest } = body;
  const value: Record<string, unknown> = { ...rest, apiVersion, kind: kindText, metadata: meta };
  const dryRun = dryRunOf(q);
  const mode2 = fieldValidationOf(q);
  const source = `${r.info.plural}/${name}`;
  const target = { resource: r.info.plural, group: r.info.group, name, kind: r.info.kind };
  let loaded: ReturnType<typeof validateLoaded>;
  let report: Awaited<ReturnType<typeof applyManifests>>;
  try {
    loaded = validateLoaded({ documents: [{ source, documentIndex: 0, basePath: [], value, locate: () => undefined }], issues: [] }, [source], mode2);
    for (const m of loaded.manifests) m.lastApplied = lastApplied ?? null;
    report = await applyManifests(loaded, { files: [source], recursive: false, dryRun: dryRun ? 'server' : 'none', validate: mode2, force: false, prune: false, concurrency: 8, replace: true }, ctx.apply);
  } catch (e) {
    return sendStatus(res, statusOf(e, target));
  }
  const warnings = [...loaded.warnings.map((i) => formatIssue({ ...i, file: '' })), ...(report.execution?.warnings ?? []), ...(report.network?.failures ?? [])];
  const failed = failuresOf(report);
  if (failed.length > 0) return sendStatus(res, failure(500, 'InternalError', `Internal error occurred: ${failed.map((f) => `${f.ref}: ${f.message}`).join('; ')}`), warningHeaders(warnings));
  ctx.changed();
  const code = mode === 'create' ? 201 : 200;
  if (dryRun) {
    const m = loaded.manifests[0]!;
    return sendJson(res, code, { ...m.object, metadata: { ...(m.object['metadata'] as object), ...(current ? { uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp, resourceVersion: current.metadata.resourceVersion } : {}) } }, warningHeaders(warnings));
  }
  const stored = ctx.store.get(key);
  sendJson(res, code, stored ?? value, warningHeaders(warnings));
}

/** createObject answers POST on a collection. */
export async function createObject(ctx: ApiContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const problem = optionsProblem(q, 'CreateOptions');
  if (problem !== undefined) return sendStatus(res, problem);
  const body = asObject(parseBody(await bodyOf(req), mediaTypeOf(req)));
  await writeObject(ctx, route, body, 'create', q, res, undefined, { manager: managerOf(q, req.headers['user-agent']) });
}

/** updateObject answers PUT of an object, its status, or its scale. */
export async function updateObject(ctx: ApiContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const problem = optionsProblem(q, 'UpdateOptions');
  if (problem !== undefined) return sendStatus(res, problem);
  const body = asObject(parseBody(await bodyOf(req), mediaTypeOf(req)));
  if (route.subresource === 'status') return writeStatus(ctx, route, body, res);
  if (route.subresource === 'scale') return writeScale(ctx, route, body, q, res);
  if (route.subresource !== undefined) return sendStatus(res, methodNotSupported(`${route.resource.info.plural}/${route.subresource}`, 'update'));
  await writeObject(ctx, route, body, 'update', q, res, undefined, { manager: managerOf(q, req.headers['user-agent']) });
}

/** PATCH_TYPES are the media types PATCH accepts; others get 415. */
const PATCH_TYPES = ['application/strategic-merge-patch+json', 'application/merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml'];

/** patchObject answers PATCH of an object, its status, or its scale. */
export async function patchObject(ctx: ApiContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const r = route.resource;
  const type = mediaTypeOf(req);
  const problem = optionsProblem(q, 'PatchOptions', type === 'application/apply-patch+yaml');
  if (problem !== undefined) return sendStatus(res, problem);
  if (type === 'application/apply-patch+yaml' && route.subresource === undefined) return applyPatch(ctx, route, req, res, q);
  if (!PATCH_TYPES.includes(type)) {
    return sendStatus(res, failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`));
  }
  const patch = parseBody(await bodyOf(req), 'application/json');
  const current = route.subresource === 'scale' ? scaleOf(ctx, route) : objectOf(ctx, route, route.name!);
  if (current === undefined) return sendStatus(res, notFoundStatus(r.info.plural, r.info.group, route.name!));
  let patched: Record<string, unknown>;
  try {
    patched =
      type === 'application/json-patch+json'
        ? ctx.patchers.json(current, patch)
        : type === 'application/merge-patch+json'
          ? ctx.patchers.merge(current, patch)
          : ctx.patchers.strategic(current, patch, route.subresource === 'scale' ? 'Scale.autoscaling' : r.storeKind);
  } catch (e) {
    if (e instanceof RequestFailure) throw e;
    return sendStatus(res, statusOf(e, { resource: r.info.plural, group: r.info.group, name: route.name!, kind: r.info.kind }));
  }
  if (route.subresource === 'status') return writeStatus(ctx, route, patched, res);
  if (route.subresource === 'scale') return writeScale(ctx, route, patched, q, res);
  // A patch that sets a resourceVersion makes it a precondition; otherwise the patch applies to the object read.
  const pv = ((patched['metadata'] ?? {}) as { resourceVersion?: string }).resourceVersion;
  await writeObject(ctx, route, patched, 'update', q, res, pv !== undefined && pv !== (current as StoredObject).metadata.resourceVersion ? pv : undefined, { manager: managerOf(q, req.headers['user-agent']) });
}

/**
 * applyPatch is server-side apply (`kubectl apply --server-side`): the applied configuration merged
 * into the live object by the kind's list keys, fields owned per manager, conflicts refused unless
 * forced; an object that does not exist is created.
 */
async function applyPatch(ctx: ApiContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const r = route.resource;
  const manager = q.get('fieldManager');
  if (manager === null || manager === '') return sendStatus(res, failure(400, 'BadRequest', 'PATCH with apply requires a fieldManager: fieldManager is required for apply requests'));
  let applied: unknown;
  try {
    applied = parseYaml((await bodyOf(req)).toString('utf8'), { version: '1.1' }) as unknown;
  } catch (e) {
    return sendStatus(res, failure(400, 'BadRequest', `error decoding YAML: ${(e as Error).message.split('\n')[0]}`));
  }
  const body = asObject(applied);
  const meta = (body['metadata'] ?? {}) as { name?: string };
  if (meta.name !== undefined && meta.name !== route.name) {
    return sendStatus(res, failure(400, 'BadRequest', `the name of the object (${meta.name}) does not match the name on the URL (${route.name!})`));
  }
  const live = objectOf(ctx, route, route.name!);
  const result = serverSideApply({ live: live as unknown as JsonObject | undefined, applied: { ...body, metadata: { ...(body['metadata'] as object), name: route.name! } }, manager, force: q.get('force') === 'true', kind: r.storeKind, now: ctx.now() });
  if ('conflicts' in result) return sendStatus(res, statusOf(result.error, { resource: r.info.plural, group: r.info.group, name: route.name!, kind: r.info.kind }));
  await writeObject(ctx, route, result.object, live === undefined ? 'create' : 'update', q, res, undefined, { managedFields: result.managedFields });
}

/** writeStatus replaces an object's status (the status subresource): the store's own rules, no pipeline. */
function writeStatus(ctx: ApiContext, route: ResourceRoute, body: Record<string, unknown>, res: ServerResponse): void {
  const r = route.resource;
  const current = objectOf(ctx, route, route.name!);
  if (current === undefined) return sendStatus(res, notFoundStatus(r.info.plural, r.info.group, route.name!));
  const meta = (body['metadata'] ?? {}) as { resourceVersion?: string };
  try {
    const next = ctx.store.updateStatus({ ...current, status: body['status'], metadata: { ...current.metadata, ...(meta.resourceVersion !== undefined ? { resourceVersion: meta.resourceVersion } : {}) } });
    sendJson(res, 200, next);
  } catch (e) {
    sendStatus(res, statusOf(e, { resource: r.info.plural, group: r.info.group, name: route.name! }));
  }
}

/** scaleOf is an object's autoscaling/v1 Scale, undefined when there is no such object or it has none. */
export function scaleOf(ctx: ApiContext, route: ResourceRoute): Record<string, unknown> | undefined {
  if (!SCALABLE.has(route.resource.storeKind)) return undefined;
  const o = objectOf(ctx, route, route.name!);
  if (o === undefined) return undefined;
  const spec = (o.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const status = (o.status ?? {}) as { replicas?: number };
  const selector = Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const { name, namespace, uid, resourceVersion, creationTimestamp } = o.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, ...(selector !== '' ? { selector } : {}) },
  };
}

/** writeScale sets spec.replicas from a Scale, through the pipeline (the controllers then scale). */
async function writeScale(ctx: ApiContext, route: ResourceRoute, scale: Record<string, unknown>, q: URLSearchParams, res: ServerResponse): Promise<void> {
  const r = route.resource;
  const o = objectOf(ctx, route, route.name!);
  if (o === undefined || !SCALABLE.has(r.storeKind)) return sendStatus(res, notFoundStatus(r.info.plural, r.info.group, route.name!));
  const replicas = ((scale['spec'] ?? {}) as { replicas?: unknown }).replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    return sendStatus(res, failure(422, 'Invalid', `Scale.autoscaling "${route.name!}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`));
  }
  const rv = ((scale['metadata'] ?? {}) as { resourceVersion?: string }).resourceVersion;
  const body = { ...o, spec: { ...(o.spec as object), replicas } } as unknown as Record<string, unknown>;
  // Written through the pipeline; the answer is the Scale after it.
  const sink = captureResponse();
  await writeObject(ctx, route, body, 'update', q, sink.res, rv);
  if (sink.code >= 300) return sendJson(res, sink.code, sink.body);
  sendJson(res, 200, scaleOf(ctx, route));
}

/** captureResponse is a stand-in response that keeps what a handler answered. */
function captureResponse(): { res: ServerResponse; code: number; body: unknown } {
  const out = { code: 0, body: undefined as unknown, res: undefined as unknown as ServerResponse };
  out.res = {
    headersSent: false,
    writeHead(code: number) {
      out.code = code;
      return this;
    },
    end(text?: string) {
      out.body = text !== undefined ? (JSON.parse(text) as unknown) : undefined;
    },
  } as unknown as ServerResponse;
  return out;
}
