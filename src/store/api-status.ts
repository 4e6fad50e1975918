/**
 * The store's refusals, each a StatusError in the API server's words (apimachinery's
 * `errors.NewNotFound`, `NewAlreadyExists`, `NewConflict`, `NewResourceExpired`, `NewBadRequest`).
 */
import { StatusError } from '../domain/errors';
import { resourceOf } from './object-rules';
import type { ObjectKey } from './object-store';

const named = (key: ObjectKey): string => `${resourceOf(key.kind)} "${key.name}"`;

/** notFound: `pods "web" not found` (404). */
export const notFound = (key: ObjectKey): StatusError => new StatusError('NotFound', 404, `${named(key)} not found`);

/** alreadyExists: `pods "web" already exists` (409). */
export const alreadyExists = (key: ObjectKey): StatusError => new StatusError('AlreadyExists', 409, `${named(key)} already exists`);

/** modified: the optimistic-concurrency conflict of an update made from a stale read (409). */
export const modified = (key: ObjectKey): StatusError =>
  new StatusError(
    'Conflict',
    409,
    `Operation cannot be fulfilled on ${named(key)}: the object has been modified; please apply your changes to the latest version and try again`,
  );

/** preconditionFailed: a uid or resourceVersion precondition that no longer holds (409). */
export const preconditionFailed = (key: ObjectKey, field: 'UID' | 'ResourceVersion', wanted: string, actual: string): StatusError =>
  new StatusError(
    'Conflict',
    409,
    `Operation cannot be fulfilled on ${named(key)}: Precondition failed: ${field} in precondition: ${wanted}, ${field} in object meta: ${actual}`,
  );

/**
 * tooOld: a change feed read from a revision the log was compacted past (410 Gone). The reader
 * must list again and follow the changes from the list's revision, as an informer does.
 */
export const tooOld = (revision: number, compacted: number): StatusError =>
  new StatusError('Expired', 410, `too old resource version: ${revision} (${compacted})`);

/** versionOnCreate: an object to create that already carries a resourceVersion (400). */
export const versionOnCreate = (): StatusError => new StatusError('BadRequest', 400, 'resourceVersion should not be set on objects to be created');
