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
