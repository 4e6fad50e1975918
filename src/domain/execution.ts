/**
 * The execution report, the hand-off from the execute stage to the printers, and what the executor
 * asks of its caller (host files, a background start, progress). The executor is
 * src/execute/execute-plan.ts. Types only.
 */
import type { Action } from './plan';
import type { ProjectedFile, StartSequence } from './types';
import type { KubeObject, ObjectKey } from './objects';

/** ActionResult is how one action went. */
export interface ActionResult {
  action: Action;
  outcome: 'done' | 'failed';
  /** What went wrong, in words, when failed. */
  error?: string;
  /**
   * After a failure: whether the half-made pod was removed and the previous version put back, or
   * left as it was because Podman could not be reached (the next apply remakes it).
   */
  rollback?: 'removed' | 'restored' | 'rollback-failed' | 'left';
  /** False when the action was never started (the run was interrupted or lost Podman first). */
  started?: false;
}

/** StopReason is why the executor stopped starting new actions before the end of the plan. */
export type StopReason = 'interrupted' | 'engine-unavailable';

/** ExecutionReport is the execute stage's output, in plan order. */
export interface ExecutionReport {
  results: ActionResult[];
  /**
   * What the user should know although nothing failed, printed as kubectl prints warnings: an
   * Always pull that failed, and the local image used instead. Absent when there is none.
   */
  warnings?: string[];
  /** Set when the run stopped early: the actions not started are failed with started: false. */
  stopped?: StopReason;
}

/** ProgressEvent tells the CLI which step a pod is at, for live progress on a terminal. */
export interface ProgressEvent {
  ref: string;
  step: string;
}

/**
 * PullEvent tells the CLI how a pull goes: Podman's step (`pulling` first; `pulled`, `using local
 * ID` or `pull failed` last), and the layers begun so far.
 */
export interface PullEvent {
  image: string;
  message: string;
  layers: number;
}

/** HostFs makes the host paths that hostPath volumes of type DirectoryOrCreate/FileOrCreate need. */
export interface HostFs {
  ensureDirectory: (path: string) => Promise<void>;
  ensureFile: (path: string) => Promise<void>;
  /** Carries out a projectFiles step (see domain/plan.ts): the kubelet's atomic writer. */
  projectFiles: (dir: string, files: readonly ProjectedFile[]) => Promise<void>;
  /** Removes a directory and everything in it; one that is gone is fine. */
  removeFiles: (dir: string) => Promise<void>;
}

/**
 * StartInBackground hands the rest of a start sequence to a process that outlives this one (the
 * init container at resumeAt is running); it resolves once that process has taken over.
 */
export type StartInBackground = (sequence: StartSequence, resumeAt: number) => Promise<void>;

/**
 * ObjectWriter is the part of the object store the executor writes through, for the kinds kept in
 * the store only: put creates or updates an object, remove deletes one (gone already is fine).
 */
export interface ObjectWriter {
  put(object: KubeObject): void;
  /** putStatus replaces a stored object's status; one gone meanwhile is fine (its owner removed it). */
  putStatus(object: KubeObject): void;
  remove(key: ObjectKey): void;
}
