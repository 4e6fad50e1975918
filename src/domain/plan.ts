/**
 * The plan, the hand-off from the plan stage to the execute stage: what apply (or delete) will do,
 * as pure data. Its text form (formatPlan) is in src/plan/plan.ts; the planners are in src/plan/,
 * the executor in src/execute/. Types only.
 */
import type { DesiredPod, ProjectedFile, StartSequence } from './types';
import type { KubeObject, ObjectKey } from './objects';
import type { ProxyRules } from './network';

/** ActionKind is what happens to one object. */
/**
 * ActionKind is what happens to one object: a pod is created, recreated (its spec changed: Podman
 * cannot change a pod in place), unchanged, pruned, deleted or blocked; an object kept in the store
 * only (a Namespace) is created, configured (updated in place), unchanged, pruned or deleted.
 */
export type ActionKind = 'create' | 'recreate' | 'configure' | 'unchanged' | 'prune' | 'delete' | 'blocked';

/** Step is one engine operation. */
export type Step =
  | { op: 'pullImage'; image: string }
  | { op: 'removePod'; name: string; timeoutSeconds: number }
  /**
   * Removes a named volume; one already gone is fine. Forced (taken from stopped containers that
   * still use it) unless `unlessInUse`: a claim's volume is never taken from a container, Podman's
   * refusal fails the step instead.
   */
  | { op: 'removeVolume'; name: string; unlessInUse?: boolean }
  /**
   * Removes a container by name, even one Podman knows only in its storage (the debris of a
   * container creation cut off half-way, which blocks the name); one that is gone is fine.
   */
  | { op: 'removeContainer'; name: string }
  | { op: 'createVolume'; name: string; labels: Record<string, string>; tmpfs: boolean }
  /** Creates a named volume unless it exists (one made meanwhile by a concurrent step is fine). */
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
  | { op: 'barrier'; label: string }
  /** Stores an object of a kind kept in the store only (a Namespace): created, or updated when it exists. */
  | { op: 'putObject'; object: KubeObject }
  /** Writes an object's status (the status subresource) as a controller computed it; the stored metadata and spec are kept. */
  | { op: 'putStatus'; object: KubeObject }
  /** Removes an object from the store; one already gone is fine. */
  | { op: 'removeObject'; key: ObjectKey }
  /** Creates a Podman secret holding one value (base64); the plan text never shows the value. */
  | { op: 'createSecret'; name: string; data: string; labels: Record<string, string> }
  /** Removes a Podman secret; one already gone is fine. */
  | { op: 'removeSecret'; name: string }
  /**
   * Writes a projected volume's files into dir in the kubelet's layout (AtomicWriter): the files in
   * a new timestamped directory, the `..data` symlink swapped to it at once, one `key -> ..data/key`
   * link per top-level entry, keys no longer there removed; nothing written when the content and
   * modes are already those. The plan text shows paths, modes and sizes, never content.
   */
  | { op: 'projectFiles'; dir: string; files: ProjectedFile[] }
  /** Removes a pod's projected volumes' directory (and everything in it); one already gone is fine. */
  | { op: 'removeFiles'; dir: string }
  /**
   * Makes kubeplay's Podman network (a bridge with DNS on, pods leased from `leaseRange`) unless a
   * network of that name exists; one made meanwhile by another command is fine.
   */
  | { op: 'ensureNetwork'; name: string; subnet: string; leaseRange: string; labels: Record<string, string> }
  /**
   * Loads a Service's packet rules into its running proxy pod's network namespace (through the
   * ProxyRuleWriter port), replacing the previous ones at once, and records `hash` for the pod.
   */
  | { op: 'programProxy'; pod: string; rules: ProxyRules; hash: string }
  /** Forgets what was loaded into a removed proxy pod. */
  | { op: 'forgetProxy'; pod: string };

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
  /** `pod/NAME`, `namespace/NAME`: the kind's singular and the object's Kubernetes name, as kubectl prints it. */
  ref: string;
  /** The Podman pod's name for a pod (`web`, `shop_web`: domain/pod-names.ts); the object's name otherwise. */
  name: string;
  /** Why this action: `not found in Podman`, `spec changed (v1-… → v1-…)`, … */
  cause: string;
  /**
   * Images (canonical) this action needs pulled first: pulls run once each, before any action, and
   * the action fails when a pull it needs fails with no local image to fall back on.
   */
  needsImages: string[];
  steps: Step[];
  /**
   * The ref of the action this one is part of (a pod deleted with its namespace): reported with
   * it, as kubectl reports `namespace "shop" deleted` alone; failures are still reported.
   */
  partOf?: string;
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
