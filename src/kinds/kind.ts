/**
 * KindModule: everything kubeplay knows of one kind, gathered in the kind's folder (src/kinds/<kind>/)
 * and listed once in registry.ts. The pipeline stages stay generic: each defines the facet it
 * needs (validate: KindValidation; print: TableSpec) and is handed the kind's facet by the
 * commands, which ask the registry. Kinds sit above the stages: a kind's folder imports stages'
 * types and rules, never the other way round.
 */
import type { KindInfo } from '../domain/kinds';
import type { KubeObject, StoredObject } from '../domain/objects';
import type { ValidManifest } from '../domain/types';
import type { KindValidation } from '../validate/kind-validation';
import type { TableSpec } from '../print/get/format';
import type { ControllerSpec } from '../controllers/controller';

/**
 * How kubeplay carries out a kind:
 * - `podman-pods`: as Podman pods (translate/, the pod planner, Podman's state is observed);
 * - `store`: kept as objects in the store only, with nothing in Podman (a Namespace).
 */
export type CarriedOut = 'podman-pods' | 'store';

/** DescribeRelated is what a kind's describe may read besides its object: the time, and other stored objects. */
export interface DescribeRelated {
  now: Date;
  /** The stored objects of a kind (`Pod`), in one namespace or all. */
  list(kind: string, namespace?: string): StoredObject[];
}

/** KindModule is one kind; see the module comment. */
export interface KindModule {
  info: KindInfo;
  /**
   * The kind's validation, loaded at the first call: get, describe and delete never validate, and
   * the rules of every kind cost ~30 ms of start-up to load.
   */
  validation: () => KindValidation;
  /** get's table (columns and cells), NAMESPACE/-L/LABELS added by the printer. */
  table: TableSpec<never>;
  carriedOut: CarriedOut;
  /** For a `store` kind: the object stored for a valid manifest (the fields the API server sets on create). */
  toStored?: (m: ValidManifest) => KubeObject;
  /** Objects that exist without being applied (the `default` namespace), as a list shows them. */
  builtIn?: (now: Date) => StoredObject[];
  /** describe's layout for a `store` kind; `related` reads other stored objects (the pods using a claim). */
  describe?: (o: StoredObject, related: DescribeRelated) => string;
  /**
   * What forbids updating the stored object to `next` (an immutable ConfigMap's data, a bound
   * claim's spec), in the API server's words (`ConfigMap "x" is invalid: data: Forbidden: field is
   * immutable when `immutable` is set`); empty when the update is allowed. Apply reports each as a
   * conflict before any change.
   */
  updateProblems?: (stored: StoredObject, next: KubeObject) => string[];
  /** Why an object may not be deleted (the `default` namespace), in the API server's words; undefined when it may. */
  undeletable?: (name: string) => string | undefined;
  /**
   * For a workload kind (kept in the store, carried out by a controller: Deployment, ReplicaSet,
   * StatefulSet, DaemonSet, Job): its controller, which the reconcile loop runs after every
   * command that changes such objects or their pods (src/controllers/controller.ts).
   */
  controller?: ControllerSpec;
  /**
   * What the API server sets on an object once it has a uid (a Job's generated selector and
   * controller-uid labels); the reconcile loop stores it before the kind's controller runs.
   */
  completeStored?: (o: StoredObject) => KubeObject;
  /** For a workload kind: what `kubeplay rollout` reads and writes of it (src/controllers/<kind>/rollout.ts). */
  rollout?: RolloutFacet;
}

/** RolloutStatus is kubectl rollout status's view of an object: its message, whether it is done, and why it failed. */
export interface RolloutStatus {
  done: boolean;
  message: string;
  /** Set when the rollout cannot finish (ProgressDeadlineExceeded): kubectl rollout status fails with it. */
  error?: string;
}

/** UndoResult is what kubectl rollout undo does: a template to write (and the object's annotations, when kubectl's patch sets them), or why nothing is done. */
export type UndoResult = { template: unknown; annotations?: Record<string, string> } | { skipped: string } | { error: string };

/**
 * RolloutFacet: a workload kind's rollout, pure. `owned` are the stored objects its controller
 * reads (a Deployment's ReplicaSets, a StatefulSet's ControllerRevisions) in its namespace.
 */
export interface RolloutFacet {
  status(o: StoredObject, owned: readonly StoredObject[]): RolloutStatus;
  /** kubectl rollout history's text (the REVISION CHANGE-CAUSE table, or one revision's template with --revision). */
  history(o: StoredObject, owned: readonly StoredObject[], revision?: number): string;
  /** kubectl rollout undo's target (`toRevision` 0: the previous revision). */
  undo(o: StoredObject, owned: readonly StoredObject[], toRevision: number): UndoResult;
  /** Whether the kind can be paused (Deployments only). */
  pausable: boolean;
}
