/**
 * Controllers: the hand-off shapes between the controllers (pure functions, one folder each under
 * src/controllers/) and the reconcile loop that runs them (src/commands/reconcile.ts). kubeplay has
 * no daemon: every command that changes objects runs the controllers those objects need before it
 * returns, until nothing is left to do or only time (a pod becoming ready) can move them on.
 *
 * A controller reads what Kubernetes' controller reads (its object, the stored objects of the
 * kinds it owns, the pods of its namespace as v1 Pods with honest readiness) and says what to do:
 * objects to store, statuses to write, pods to create or delete, events to record. It does not
 * touch Podman, the store or the clock: the loop observes, hands in `now` and a name source, and
 * carries the result out through the ordinary plan and executor. Types only.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeObject, ObjectKey, StoredObject } from '../domain/objects';

/** InvolvedObject is the object an event is about (core/v1 ObjectReference's fields). */
export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
}

/** ControllerEvent is one event a controller records, as core/v1 Event (type, reason, message, source component). */
export interface ControllerEvent {
  type: 'Normal' | 'Warning';
  /** `ScalingReplicaSet`, `SuccessfulCreate`, `SuccessfulDelete`, `Completed`, `BackoffLimitExceeded`, ... */
  reason: string;
  /** `Scaled up replica set web-7d4b9c8f6d from 0 to 3`: the upstream controller's words. */
  message: string;
  involved: InvolvedObject;
  /** The reporting component: `deployment-controller`, `replicaset-controller`, `statefulset-controller`, `daemonset-controller`, `job-controller`. */
  source: string;
}

/** PodDelete is one pod a controller removes. */
export interface PodDelete {
  namespace: string;
  /** The pod's Kubernetes name. */
  name: string;
  /** Why, for the plan's text: `scaled down`, `old revision`, `ttl after finished`. */
  reason: string;
}

/** NodeInfo is the one node kubeplay runs on: this machine (a DaemonSet's node, a pod's nodeName). */
export interface NodeInfo {
  /** The host name. */
  name: string;
  /** The labels a kubelet puts on its node: kubernetes.io/hostname, kubernetes.io/os, kubernetes.io/arch. */
  labels: Record<string, string>;
}

/** ControllerInput is what one controller run reads. */
export interface ControllerInput {
  /** The object reconciled (a Deployment), as stored: spec, metadata (uid, generation), last status. */
  owner: StoredObject;
  /**
   * The stored objects of the kinds the controller's spec `reads` (a Deployment's ReplicaSets, a
   * StatefulSet's claims), in the owner's namespace, whoever owns them: the controller adopts and
   * ignores by ownerReferences and selector as Kubernetes' controllers do.
   */
  objects: readonly StoredObject[];
  /**
   * The pods of the owner's namespace as v1 Pods (metadata from the pod's manifest: labels,
   * ownerReferences, creationTimestamp; status from Podman with readiness from the probes: phase,
   * conditions Ready with lastTransitionTime, containerStatuses), pods being deleted left out.
   */
  pods: readonly V1Pod[];
  now: Date;
  node: NodeInfo;
  /**
   * A source of the 5-character suffixes Kubernetes' generateName appends (`web-7d4b9c8f6d-x7k2p`),
   * from its alphabet (names.ts); tests pass a deterministic one.
   */
  suffix: () => string;
}

/** ControllerResult is what one controller run asks for. Empty lists and no `waitingFor`: the owner is settled. */
export interface ControllerResult {
  /**
   * Objects to create, or whose metadata and spec to update (a new ReplicaSet, a scaled one, a
   * StatefulSet's claim, the owner's annotations such as `deployment.kubernetes.io/revision`).
   * Complete objects: apiVersion, kind, metadata (name, namespace, labels, annotations,
   * ownerReferences), spec. An update carries the stored metadata it keeps.
   */
  put: KubeObject[];
  /** Status writes (the status subresource): the owner's, or an owned object's; the object as stored with its new `status`. */
  status: KubeObject[];
  /** Stored objects to remove (a ReplicaSet beyond revisionHistoryLimit). */
  remove: ObjectKey[];
  /**
   * Pods to create: complete v1 Pods (apiVersion v1, kind Pod, metadata name, namespace, labels,
   * annotations, ownerReferences with controller: true; spec from the template).
   */
  createPods: V1Pod[];
  /** Pods to delete. */
  deletePods: PodDelete[];
  events: ControllerEvent[];
  /**
   * Set when the owner is not settled and only time can move it: pods to become ready or
   * available, a pod to finish, minReadySeconds or activeDeadlineSeconds to pass. The loop waits
   * (until `until` when given, else it looks again shortly) while its command allows, then returns
   * and says what is still awaited; the next command that reconciles goes on from there.
   */
  waitingFor?: { reason: string; until?: Date };
}

/** Controller is one kind's reconcile: pure. */
export type Controller = (input: ControllerInput) => ControllerResult;

/** ControllerSpec is what a kind's module declares of its controller. */
export interface ControllerSpec {
  /** The reporting component, for events: `deployment-controller`. */
  name: string;
  /** The stored kinds (group-qualified, `ReplicaSet.apps`, `PersistentVolumeClaim`) handed in as `objects`. */
  reads: readonly string[];
  reconcile: Controller;
}

/** EMPTY_RESULT is a settled owner's result. */
export const EMPTY_RESULT: ControllerResult = Object.freeze({ put: [], status: [], remove: [], createPods: [], deletePods: [], events: [] });
