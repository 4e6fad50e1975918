/**
 * kubeplay's few typed errors. cli/main.ts is the one place that maps them to exit codes.
 * Messages say what happened, why, and what to do, with no `Error:` prefix.
 */
import type { Issue } from './types';

/** UsageError is a bad command line: wrong flags or arguments. Exit 1 (kubectl's code). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** ManifestError carries every problem found while loading and validating the input. Exit 1. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(readonly issues: readonly Issue[], message?: string) {
    super(message ?? `${issues.length} problem(s) in the input`);
  }
}

/** EngineError is a failure talking to Podman: the operation, and the HTTP status if any. Exit 1. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    message: string,
    readonly operation: string,
    readonly status?: number,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/**
 * ImagePullError is an EngineError where a registry refused or could not serve a pull; `answer` is
 * the registry's (or Podman's) own words, for a warning that goes on with a local image instead.
 */
export class ImagePullError extends EngineError {
  constructor(
    message: string,
    readonly image: string,
    readonly answer: string,
    status?: number,
  ) {
    super(message, 'pullImage', status);
  }
}

/** ConflictError is a check that failed before any change (host ports, unmanaged pods). Exit 1. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(readonly conflicts: readonly string[]) {
    super(conflicts.join('\n'));
  }
}

/** PartialFailureError reports an apply or delete where some objects failed. Exit 1. */
export class PartialFailureError extends Error {
  override readonly name = 'PartialFailureError';
  constructor(readonly failures: ReadonlyArray<{ ref: string; message: string }>) {
    super(failures.map((f) => `${f.ref}: ${f.message}`).join('\n'));
  }
}

/** InternalError is a bug in kubeplay. Exit 2. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
}

/** NotFoundItem is one object that is not there; `context` precedes kubectl's words (`error when deleting "f.yaml": `). */
export interface NotFoundItem {
  name: string;
  context?: string;
  /** The resource, when it is not the error's own (`namespaces` among pods). */
  resource?: string;
}

/**
 * NotFoundError names objects that do not exist, printed in kubectl's words, one line each:
 * `Error from server (NotFound): pods "web" not found`. Exit 1.
 */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(readonly items: readonly NotFoundItem[], readonly resource = 'pods') {
    super(items.map((i) => `${i.context ?? ''}${i.resource ?? resource} "${i.name}" not found`).join('\n'));
  }

  /** lines are the messages as printed, each ending in a newline. */
  lines(): string {
    return this.items.map((i) => `Error from server (NotFound): ${i.context ?? ''}${i.resource ?? this.resource} "${i.name}" not found\n`).join('');
  }
}

/**
 * BadRequestError is a request about an object that the object's state cannot serve, in the
 * words kubectl prints after `Error from server (BadRequest): ` (a container waiting to start,
 * no previous run to show). Exit 1.
 */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}

/** ObjectError is a request kubectl refuses itself, printed as `error: MESSAGE` (a container that is not in the pod). Exit 1. */
export class ObjectError extends Error {
  override readonly name = 'ObjectError';
}

/**
 * ReportedError ends a command whose outcome is already on the screen (the remote command's own
 * output, say) with an exit status and no further message.
 */
export class ReportedError extends Error {
  override readonly name = 'ReportedError';
  constructor(readonly exitCode = 1) {
    super(`exit status ${exitCode}`);
  }
}

/**
 * EngineUnavailableError is an EngineError where Podman could not be reached at all, or the
 * connection dropped in the middle of a call (the API service died or was restarted). Exit 1.
 * The executor stops starting new work on it: every later call would fail the same way.
 */
export class EngineUnavailableError extends EngineError {}

/**
 * EngineTimeoutError is a call Podman did not answer within its deadline (a service stuck on a
 * lock, say). It is an EngineUnavailableError: the executor starts nothing more, and the next
 * apply finishes the job. Exit 1.
 */
export class EngineTimeoutError extends EngineUnavailableError {}

/**
 * InterruptedError reports a run stopped by a signal (SIGINT, SIGTERM), with what it left undone.
 * Exit 128 + the signal's number (130 for SIGINT), the shell's convention that kubectl follows.
 */
export class InterruptedError extends Error {
  constructor(
    readonly signal: string,
    readonly failures: ReadonlyArray<{ ref: string; message: string }>,
  ) {
    super(`interrupted by ${signal}`);
  }
}

/** StatusReason is the API server's reason for a refused request (metav1.StatusReason), the ones the object store gives. */
export type StatusReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Expired' | 'BadRequest';

/**
 * StatusError is a request the object store refused the way the API server refuses it: its
 * reason, HTTP code (404, 409, 410, 400) and message in the API server's words
 * (`Operation cannot be fulfilled on pods "web": the object has been modified; ...`). A
 * Kubernetes API answers it as a metav1.Status; kubectl prints `Error from server (REASON): MESSAGE`.
 * Exit 1.
 */
export class StatusError extends Error {
  override readonly name = 'StatusError';
  constructor(
    readonly reason: StatusReason,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** StatusCause is one cause a metav1.Status carries in its details (`reason` is the cause's type, `field` its path). */
export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

/**
 * PatchError is a patch the API server refuses, as it refuses it: the HTTP code (400 a patch it cannot
 * read, 409 an apply's conflicts, 422 a JSON patch that does not apply, 500 a strategic merge patch
 * error the server gives no code), the metav1.Status reason (`BadRequest`, `Invalid`, `Conflict`, or
 * '' where the server has none), the message and the causes, in the API server's words
 * (src/serve/patch/). kubectl prints `Error from server (REASON): MESSAGE`. Exit 1.
 */
export class PatchError extends Error {
  override readonly name = 'PatchError';
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly causes: readonly StatusCause[] = [],
  ) {
    super(message);
  }
}

/**
 * StoreError is kubeplay's object store failing to open, read or write its database (locked
 * too long by another process, unreadable, written by a newer kubeplay); `file` is the database.
 * Exit 1.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    readonly file: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}
