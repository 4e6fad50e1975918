/**
 * Pass: one Deployment sync's working state. Upstream's controller updates objects through the
 * API server as it goes and reads its own writes back; here the pass keeps working copies of the
 * Deployment's status and annotations and of every ReplicaSet it touches, and at the end turns
 * them into one ControllerResult (each changed object put once, the status written only when it
 * changed).
 */
import type { ControllerEvent, ControllerInput, ControllerResult } from '../controller';
import type { KubeObject, ObjectKey } from '../../domain/objects';
import { canonicalJson } from '../../domain/canonical-json';
import { metaTime, withoutVersion } from '../meta-time';
import { involvedOf } from '../replicaset/replicaset-controller';
import { maxSurge, replicasAnnotationsNeedUpdate, rsReplicas, setReplicasAnnotations, type Deployment, type DeploymentStatus, REVISION_ANNOTATION } from './deployment-util';

/** DEPLOYMENT_SOURCE is the reporting component of the Deployment controller's events. */
export const DEPLOYMENT_SOURCE = 'deployment-controller';

/** RsEntry is one ReplicaSet the pass knows: its working copy and whether it is to be put. */
export interface RsEntry {
  rs: KubeObject;
  dirty: boolean;
  created: boolean;
}

/** Pass is the working state of one sync; see the module comment. */
export class Pass {
  readonly d: Deployment;
  readonly input: ControllerInput;
  /** now as metav1.Time. */
  readonly now: string;
  /** The working status: the stored one, changed as upstream changes `d.Status` during a sync. */
  status: DeploymentStatus;
  /** The ReplicaSets the Deployment controls (after adoption), by name. */
  readonly owned = new Map<string, RsEntry>();
  /** Other ReplicaSets put (released ones). */
  readonly others: RsEntry[] = [];
  readonly events: ControllerEvent[] = [];
  readonly remove: ObjectKey[] = [];
  annotationsChanged = false;

  constructor(d: Deployment, input: ControllerInput) {
    this.d = d;
    this.input = input;
    this.now = metaTime(input.now);
    this.status = structuredClone((d.object.status ?? {}) as DeploymentStatus);
  }

  /** replicaSets is every ReplicaSet the Deployment controls, as working copies. */
  replicaSets(): KubeObject[] {
    return [...this.owned.values()].map((e) => e.rs);
  }

  entryOf(rs: KubeObject): RsEntry | undefined {
    return this.owned.get(rs.metadata.name);
  }

  /** touch marks a ReplicaSet's working copy to be put. */
  touch(rs: KubeObject): void {
    const e = this.entryOf(rs);
    if (e !== undefined) e.dirty = true;
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push({ type, reason, message, involved: involvedOf(this.d.object), source: DEPLOYMENT_SOURCE });
  }

  /** setDeploymentRevision is SetDeploymentRevision: the Deployment's revision annotation; true when it changed. */
  setDeploymentRevision(revision: string): boolean {
    if (this.d.annotations[REVISION_ANNOTATION] === revision) return false;
    this.d.annotations[REVISION_ANNOTATION] = revision;
    this.annotationsChanged = true;
    return true;
  }

  /**
   * scaleReplicaSet is scaleReplicaSet: the new size and the replicas annotations, and the event
   * `Scaled up replica set web-7d4b9c8f6d from 0 to 3` when the size changed; true when it did.
   */
  scaleReplicaSet(rs: KubeObject, newScale: number, operation: string): boolean {
    const old = rsReplicas(rs);
    const max = this.d.replicas + maxSurge(this.d);
    const sizeNeedsUpdate = old !== newScale;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, this.d.replicas, max)) return false;
    rs.spec = { ...((rs.spec ?? {}) as Record<string, unknown>), replicas: newScale };
    setReplicasAnnotations(rs, this.d.replicas, max);
    this.touch(rs);
    if (sizeNeedsUpdate) this.event('Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata.name} from ${old} to ${newScale}`);
    return sizeNeedsUpdate;
  }

  /** scaleReplicaSetAndRecordEvent: scale when the size differs, `up` or `down`. */
  scaleAndRecord(rs: KubeObject, newScale: number): boolean {
    const old = rsReplicas(rs);
    if (old === newScale) return false;
    return this.scaleReplicaSet(rs, newScale, old < newScale ? 'up' : 'down');
  }

  /** result turns the pass into the controller's result. */
  result(waitingFor?: ControllerResult['waitingFor']): ControllerResult {
    const put: KubeObject[] = [];
    for (const e of [...this.owned.values(), ...this.others]) if (e.dirty || e.created) put.push(withoutVersion(e.rs));
    const stored = this.d.object;
    const metadata = { ...stored.metadata, annotations: { ...this.d.annotations } };
    if (this.annotationsChanged) put.push(withoutVersion({ ...stored, metadata }));
    const status = orderedStatus(this.status);
    const statusWrites: KubeObject[] = canonicalJson(status) === canonicalJson(stored.status ?? {}) ? [] : [withoutVersion({ ...stored, metadata, status })];
    const out: ControllerResult = { put, status: statusWrites, remove: [...this.remove], createPods: [], deletePods: [], events: [...this.events] };
    if (waitingFor !== undefined) out.waitingFor = waitingFor;
    return out;
  }
}

/** orderedStatus lays the status out in apps/v1's field order, zero counts left out (Go's omitempty). */
export function orderedStatus(s: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  const put = (k: 'observedGeneration' | 'replicas' | 'updatedReplicas' | 'readyReplicas' | 'availableReplicas' | 'unavailableReplicas') => {
    const v = s[k];
    if (v !== undefined && v !== 0) out[k] = v;
  };
  put('observedGeneration');
  put('replicas');
  put('updatedReplicas');
  put('readyReplicas');
  put('availableReplicas');
  put('unavailableReplicas');
  if (s.conditions !== undefined && s.conditions.length > 0) out.conditions = s.conditions;
  if (s.collisionCount !== undefined) out.collisionCount = s.collisionCount;
  return out;
}
