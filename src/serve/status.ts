/**
 * status: every failure of a request as the API server answers it, a metav1.Status with its
 * reason and code (apimachinery's errors package: NewNotFound, NewAlreadyExists, NewConflict,
 * NewInvalid, NewBadRequest, NewMethodNotSupported, NewInternalError, NewUnauthorized, ...).
 */
import { BadRequestError, ConflictError, EngineError, EngineUnavailableError, ManifestError, NotFoundError, PatchError, StatusError, UsageError } from '../domain/errors';
import type { Issue } from '../domain/types';

/** StatusCause is one cause of a Status (domain/errors.ts): the field and what is wrong with it. */
export type { StatusCause } from '../domain/errors';
import type { StatusCause } from '../domain/errors';

/** Status is metav1.Status. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[] };
  code: number;
}

/** Target names what a request was about, for the Status's details and the Invalid message. */
export interface Target {
  /** The Kind (`Pod`) for an Invalid message; the resource (`pods`) goes in details.kind as the API server does. */
  kind?: string;
  resource?: string;
  group?: string;
  name?: string;
}

/** failure builds a Failure Status. */
export function failure(code: number, reason: string, message: string, details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details !== undefined ? { details } : {}), code };
}

/** success is the Status of a delete answered without the object. */
export function success(details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details !== undefined ? { details } : {}), code: 200 };
}

function details(t: Target): Status['details'] {
  return { ...(t.name !== undefined ? { name: t.name } : {}), ...(t.group !== undefined && t.group !== '' ? { group: t.group } : {}), ...(t.resource !== undefined ? { kind: t.resource } : {}) };
}

/** invalid is NewInvalid: `Kind "name" is invalid: [field: message, ...]`, one cause per problem. */
export function invalid(t: Target, issues: readonly Pick<Issue, 'path' | 'message'>[]): Status {
  const errors = issues.map((i) => (i.path !== '' ? `${i.path}: ${i.message}` : i.message));
  const message = `${t.kind ?? 'Object'} "${t.name ?? ''}" is invalid: ${errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`}`;
  const causes = issues.map((i) => ({ reason: causeReason(i.message), message: i.message, ...(i.path !== '' ? { field: i.path } : {}) }));
  return failure(422, 'Invalid', message, { ...details({ ...t, ...(t.kind !== undefined ? { resource: t.kind } : {}) }), causes });
}

/** causeReason is field.ErrorType's cause reason for a message (`Required value` → FieldValueRequired). */
function causeReason(message: string): string {
  if (message.startsWith('Required value')) return 'FieldValueRequired';
  if (message.startsWith('Duplicate value')) return 'FieldValueDuplicate';
  if (message.startsWith('Unsupported value')) return 'FieldValueNotSupported';
  if (message.startsWith('Forbidden')) return 'FieldValueForbidden';
  if (message.startsWith('Too long') || message.startsWith('Too many')) return 'FieldValueTooLong';
  if (message.startsWith('Not found')) return 'FieldValueNotFound';
  if (message.startsWith('unknown field')) return 'FieldValueInvalid';
  return 'FieldValueInvalid';
}

/** statusOf answers an error thrown while serving a request. */
export function statusOf(e: unknown, t: Target = {}): Status {
  if (e instanceof StatusError) return failure(e.code, e.reason, e.message, details(t));
  if (e instanceof PatchError) return failure(e.code, e.reason, e.message, { ...details(t), ...(e.causes.length > 0 ? { causes: [...e.causes] } : {}) });
  if (e instanceof ManifestError) {
    const errors = e.issues.filter((i) => i.severity === 'error');
    // Problems of the body as a whole (not an object, no kind) are a bad request, as the decoder's.
    if (errors.length > 0 && errors.every((i) => i.rule === 'load')) return failure(400, 'BadRequest', errors.map((i) => i.message).join('; '));
    return invalid(t, errors.length > 0 ? errors : e.issues);
  }
  if (e instanceof NotFoundError) return failure(404, 'NotFound', e.message, details(t));
  if (e instanceof ConflictError) {
    // An update the API server would refuse as invalid (an immutable field) is Invalid; the rest are conflicts.
    const missing = e.conflicts.map((c) => /namespaces "([^"]+)" not found/.exec(c)).find((m) => m !== null);
    if (missing) return failure(404, 'NotFound', `namespaces "${missing[1]!}" not found`, { name: missing[1]!, kind: 'namespaces' });
    const invalidOne = e.conflicts.find((c) => / is invalid: /.test(c));
    if (invalidOne !== undefined) return failure(422, 'Invalid', invalidOne.replace(/^[a-z.]+\/[^:]+: /, ''), details(t));
    return failure(409, 'Conflict', e.message, details(t));
  }
  if (e instanceof UsageError || e instanceof BadRequestError) return failure(400, 'BadRequest', e.message);
  if (e instanceof EngineUnavailableError) return failure(503, 'ServiceUnavailable', `Podman is not answering: ${e.message}`);
  if (e instanceof EngineError) return failure(500, 'InternalError', `Internal error occurred: ${e.message}`);
  return failure(500, 'InternalError', `Internal error occurred: ${(e as Error)?.message ?? String(e)}`);
}

/** notFoundStatus is NewNotFound: `pods "web" not found`. */
export function notFoundStatus(resource: string, group: string, name: string): Status {
  return failure(404, 'NotFound', `${group === '' ? resource : `${resource}.${group}`} "${name}" not found`, details({ resource, group, name }));
}

/** methodNotSupported is NewMethodNotSupported: `the server does not allow this method on the requested resource`. */
export function methodNotSupported(resource: string, verb: string): Status {
  return failure(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${resource}"`, { kind: resource });
}
