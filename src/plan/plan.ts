/**
 * Plan: what apply (or delete) will do, as pure data with a stable text form (compose's
 * Plan.String()). The executor carries out each action's steps in order and, when one fails, its
 * rollback steps; it decides nothing.
 */
import type { DesiredPod, StartSequence } from '../domain/types';

export type { StartItem, StartSequence } from '../domain/types';
import { shortImageId } from '../domain/image-ref';

/** ActionKind is what happens to one object. */
export type ActionKind = 'create' | 'recreate' | 'unchanged' | 'prune' | 'delete' | 'blocked';

/** Step is one engine operation. */
export type Step =
  | { op: 'pullImage'; image: string }
  | { op: 'removePod'; name: string; timeoutSeconds: number }
  | { op: 'removeVolume'; name: string }
  /**
   * Removes a container by name, even one Podman knows only in its storage (the debris of a
   * container creation cut off half-way, which blocks the name); one that is gone is fine.
   */
  | { op: 'removeContainer'; name: string }
  | { op: 'createVolume'; name: string; labels: Record<string, string>; tmpfs: boolean }
  | { op: 'ensureVolume'; name: string; labels: Record<string, string> }
  | { op: 'createPod'; pod: DesiredPod }
  | { op: 'createContainer'; pod: DesiredPod; container: DesiredPod['containers'][number] }
  | { op: 'startPod'; name: string }
  /**
   * Starts a pod with init containers as the kubelet does, one container at a time (see
   * StartSequence): never Podman's pod start, which waits for each init container to exit while it
   * holds the pod's lock, so that an init container that never ends hangs every call on the pod.
   */
  | { op: 'startInOrder'; sequence: StartSequence }
  | { op: 'ensureHostPath'; path: string; kind: 'directory' | 'file' }
  /** Sends a signal to every container of the pod; a pod gone or with nothing running is fine. */
  | { op: 'signalPod'; name: string; signal: string }
  /**
   * Stops some containers of a pod at once (its app containers, before its sidecars): SIGTERM,
   * SIGKILL after timeoutSeconds, and Podman does not restart them; one gone or stopped is fine.
   */
  | { op: 'stopContainers'; pod: string; names: string[]; timeoutSeconds: number }
  /** Waits until no app container of the pod runs, or timeoutSeconds pass (a grace period). */
  | { op: 'awaitPodExit'; name: string; timeoutSeconds: number }
  /**
   * SIGKILLs what still runs in the pod and waits until Podman has cleaned up every container of
   * it (unmounts, network teardown), at most cleanupSeconds; a pod that is gone is done.
   */
  | { op: 'killPod'; name: string; cleanupSeconds: number }
  /**
   * Splits the plan in phases: no step after a barrier starts before every action has finished
   * its steps before it (or failed). Delete kills every pod and waits for Podman's cleanup before
   * removing any: on this kind of host, removing a pod while others are still being cleaned up
   * stalls ~3 s in cgroup removal.
   */
  | { op: 'barrier'; label: string };

/**
 * ImageDecision is what apply does about one image, decided once for every container that uses it
 * (so an image is pulled at most once per apply), from the containers' imagePullPolicy and what
 * Podman has locally:
 * - `use-local`: the local image `localId` is used as it is (IfNotPresent or Never and present, or
 *   any policy for an image no registry serves: `localhost/...`, or a short name Podman resolves to one);
 * - `pull`: pulled before any pod is made; when the pull fails, the pods needing it fail (IfNotPresent
 *   and missing, or Always and none local);
 * - `pull-or-local`: pulled (Always); when the pull fails the local image `localId` is used, with one warning;
 * - `missing`: not present and no registry serves it (`localhost/...`): the pods needing it fail, nothing is pulled;
 * - `refuse`: not present and a container's imagePullPolicy is Never: the run stops before any change
 *   (each such pod is also a conflict).
 */
export interface ImageDecision {
  /** The image, canonical (`myapp` reads `myapp:latest`; see domain/image-ref.ts). */
  image: string;
  decision: 'use-local' | 'pull' | 'pull-or-local' | 'missing' | 'refuse';
  /** The local image's ID, when one is present. */
  localId?: string;
  /** Why, in words: the policy that decided it (`IfNotPresent`, `Always`, `Never`), or what the name says. */
  reason: string;
}

/** Action is the plan for one object: its kind, why, and the steps that carry it out. */
export interface Action {
  kind: ActionKind;
  /** `pod/NAME`. */
  ref: string;
  name: string;
  /** Why this action: `not found in Podman`, `spec changed (v1-… → v1-…)`, … */
  cause: string;
  /**
   * Images (canonical) this action needs pulled first: pulls run once each, before any action, and
   * the action fails when a pull it needs fails with no local image to fall back on.
   */
  needsImages: string[];
  steps: Step[];
  /** Steps that undo a failed action: remove the half-made pod, and put back the previous version. */
  rollback: Step[];
}

/** Conflict is a problem found while planning that stops the whole run before any change. */
export interface Conflict {
  ref: string;
  message: string;
}

/** Plan is the planner's output. */
export interface Plan {
  /** What is done about each image the pods to make use, sorted by image; pulls run before any action. */
  images: ImageDecision[];
  actions: Action[];
  conflicts: Conflict[];
}

/** PLAN_TEXT_VERSION names the text format below; bump it when the format changes. */
export const PLAN_TEXT_VERSION = 2;

/**
 * formatPlan renders a plan as stable text, one line per item:
 *
 *   image     IMAGE  DECISION        (see formatImageDecision)
 *   KIND      pod/NAME  CAUSE           (KIND padded to 9: create, recreate, unchanged, prune, delete, blocked)
 *   conflict  pod/NAME  MESSAGE
 *
 * Image decisions come first (sorted by image), then actions in input order, then conflicts. With
 * `steps`, each action's steps follow it indented by four spaces (`    createPod web`).
 * Version 2 replaced version 1's `pull      IMAGE` lines with the `image` lines.
 */
export function formatPlan(plan: Plan, opts: { steps?: boolean } = {}): string {
  const lines: string[] = [];
  for (const d of plan.images) lines.push(`${'image'.padEnd(9)} ${d.image}  ${formatImageDecision(d)}`);
  for (const a of plan.actions) {
    lines.push(`${a.kind.padEnd(9)} ${a.ref}  ${a.cause}`);
    if (opts.steps) for (const s of a.steps) lines.push(`    ${formatStep(s)}`);
  }
  for (const c of plan.conflicts) lines.push(`${'conflict'.padEnd(9)} ${c.ref}  ${c.message}`);
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

/**
 * formatImageDecision renders what is done about an image, with the local image's short ID (as
 * `podman images` shows it) and the reason in parentheses:
 *
 *   use local ID (REASON)
 *   pull (REASON, not present)
 *   pull, falling back to local ID (REASON)
 *   missing (REASON)
 *   refuse (REASON, not present)
 */
export function formatImageDecision(d: ImageDecision): string {
  const id = d.localId !== undefined ? shortImageId(d.localId) : '?';
  switch (d.decision) {
    case 'use-local':
      return `use local ${id} (${d.reason})`;
    case 'pull':
      return `pull (${d.reason}, not present)`;
    case 'pull-or-local':
      return `pull, falling back to local ${id} (${d.reason})`;
    case 'missing':
      return `missing (${d.reason})`;
    case 'refuse':
      return `refuse (${d.reason}, not present)`;
  }
}

/** formatStep renders one step as `op target`. */
export function formatStep(s: Step): string {
  switch (s.op) {
    case 'pullImage':
      return `pullImage ${s.image}`;
    case 'removePod':
      return `removePod ${s.name} (timeout ${s.timeoutSeconds}s)`;
    case 'removeVolume':
    case 'removeContainer':
    case 'ensureVolume':
      return `${s.op} ${s.name}`;
    case 'createVolume':
      return `createVolume ${s.name}${s.tmpfs ? ' (tmpfs)' : ''}`;
    case 'createPod':
      return `createPod ${s.pod.name}`;
    case 'createContainer':
      return `createContainer ${s.container.name}`;
    case 'startPod':
      return `startPod ${s.name}`;
    case 'startInOrder':
      return formatStartSequence(s.sequence);
    case 'ensureHostPath':
      return `ensureHostPath ${s.path} (${s.kind})`;
    case 'signalPod':
      return `signalPod ${s.name} ${s.signal}`;
    case 'stopContainers':
      return `stopContainers ${s.names.join(', ')} (SIGKILL after ${s.timeoutSeconds}s)`;
    case 'awaitPodExit':
      return `awaitPodExit ${s.name} (up to ${s.timeoutSeconds}s)`;
    case 'killPod':
      return `killPod ${s.name} (and await its cleanup, up to ${s.cleanupSeconds}s)`;
    case 'barrier':
      return `barrier: ${s.label}`;
  }
}

/** formatStartSequence renders a start sequence: `startInOrder POD (…): a (exit 0), b (started), …`. */
export function formatStartSequence(q: StartSequence): string {
  const items = q.items.map((i) => `${i.name} (${i.until === 'exit' ? 'exit 0' : i.startupProbe ? 'started, startupProbe passed' : 'started'})`).join(', ');
  const failed = q.restartFailed ? 'a failed init container restarted' : 'a failed init container fails the pod';
  return `startInOrder ${q.pod} (here up to ${q.waitSeconds}s, then in the background; ${failed}): ${items}`;
}
