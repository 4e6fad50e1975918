/**
 * The DaemonSet controller, one sync pass as upstream's (pkg/controller/daemon daemon_controller.go
 * manage/syncNodes/updateDaemonSetStatus, update.go rollingUpdate/constructHistory/cleanupHistory,
 * util/daemonset_util.go) for kubeplay's one node: a pod `<ds>-<suffix>` on this machine when the
 * template's nodeSelector and required node affinity match its labels, none otherwise; a changed
 * template rolls it (maxSurge 0: the old pod goes, then the new comes; maxSurge 1: the new comes,
 * the old goes once the new is available), or waits for a deletion (OnDelete). Pure.
 */
import type { V1LabelSelector, V1Pod, V1PodSpec, V1PodTemplateSpec, V1Toleration } from '@kubernetes/client-node';
import type { StoredObject } from '../../domain/objects';
import type { ControllerInput, ControllerResult, NodeInfo } from '../controller';
import { podFitsNode } from '../match-selector';
import { templateHash } from '../names';
import { availableAt, isPodAvailable, isPodReady } from '../pod-status';
import { CONTROLLER_REVISION_HASH, ownedRevisions, revisionsBeyondLimit, syncRevision, templatePatch } from '../revisions';
import { controlledPods, creationTime, ownerEvent, podFromTemplate, podName, withStatus } from '../workload-pods';

/** DAEMONSET_SOURCE is the reporting component of the DaemonSet controller's events. */
export const DAEMONSET_SOURCE = 'daemonset-controller';
/** TEMPLATE_GENERATION_LABEL is extensions.DaemonSetTemplateGenerationKey: the set's generation a pod was made at. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/** DaemonSetSpec is what the controller reads of an apps/v1 DaemonSet's spec (API defaults assumed where absent). */
export interface DaemonSetSpec {
  selector?: V1LabelSelector;
  template?: V1PodTemplateSpec;
  updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

/** DaemonSetStatus is apps/v1 DaemonSetStatus as the controller writes it. */
export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
}

/** scaledValue is intstr.GetScaledValueFromIntOrPercent: a number, or a percentage of `total` rounded up or down. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return /^\d+$/.test(v) ? Number(v) : fallback;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** The tolerations AddOrUpdateDaemonPodTolerations gives every daemon pod, so node conditions never evict it. */
function daemonTolerations(spec: V1PodSpec): V1Toleration[] {
  const wanted: V1Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec.hostNetwork === true) wanted.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const have = [...(spec.tolerations ?? [])];
  for (const t of wanted) {
    const i = have.findIndex((h) => h.key === t.key && h.effect === t.effect);
    if (i >= 0) have[i] = t;
    else have.push(t);
  }
  return have;
}

/**
 * newDaemonPod is the pod for the node: the template labelled with the revision's hash and the
 * set's generation, pinned to the node by required node affinity on metadata.name (replacing the
 * template's required terms, as ReplaceDaemonSetPodNodeNameNodeAffinity does), the daemon
 * tolerations, and bound to the node (spec.nodeName, as the scheduler would bind it).
 */
function newDaemonPod(ds: StoredObject, template: V1PodTemplateSpec | undefined, hash: string, node: NodeInfo, suffix: string): V1Pod {
  const pod = podFromTemplate(template, ds, `${ds.metadata.name}-${suffix}`, {
    labels: { [CONTROLLER_REVISION_HASH]: hash, [TEMPLATE_GENERATION_LABEL]: String(ds.metadata.generation) },
  });
  const spec = pod.spec!;
  const nodeAffinity = { ...(spec.affinity?.nodeAffinity ?? {}) };
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node.name] }] }] };
  spec.affinity = { ...(spec.affinity ?? {}), nodeAffinity };
  spec.tolerations = daemonTolerations(spec);
  spec.nodeName = node.name;
  return pod;
}

/** reconcileDaemonSet is one DaemonSet sync pass on kubeplay's node. */
export function reconcileDaemonSet(input: ControllerInput): ControllerResult {
  const ds = input.owner;
  const spec = (ds.spec ?? {}) as DaemonSetSpec;
  const prior = (ds.status ?? {}) as Partial<DaemonSetStatus>;
  const result: ControllerResult = { put: [], status: [], remove: [], createPods: [], deletePods: [], events: [] };
  if (ds.metadata['deletionTimestamp'] !== undefined) return result;
  const ns = ds.metadata.namespace ?? 'default';
  const now = input.now;
  const minReady = spec.minReadySeconds ?? 0;

  // The revision of the template (constructHistory): its hash labels the pods made from it.
  const owned = ownedRevisions(input.objects, ds);
  const sync = syncRevision({
    owner: ds,
    revisions: owned,
    taken: input.objects.filter((o) => o.kind === 'ControllerRevision'),
    data: templatePatch(spec.template),
    templateLabels: spec.template?.metadata?.labels,
    hash: (cc) => templateHash(spec.template, cc),
    collisionCount: prior.collisionCount ?? 0,
  });
  if (sync.put) result.put.push(sync.put);
  const hash = sync.hash;

  const create = () => {
    const pod = newDaemonPod(ds, spec.template, hash, input.node, input.suffix());
    result.createPods.push(pod);
    result.events.push(ownerEvent(ds, DAEMONSET_SOURCE, 'Normal', 'SuccessfulCreate', `Created pod: ${podName(pod)}`));
  };
  const deleted = new Set<string>();
  const remove = (p: V1Pod, why: string) => {
    deleted.add(podName(p));
    result.deletePods.push({ namespace: ns, name: podName(p), reason: why });
    result.events.push(ownerEvent(ds, DAEMONSET_SOURCE, 'Normal', 'SuccessfulDelete', `Deleted pod: ${podName(p)}`));
  };

  const pods = controlledPods(input.pods, ds).sort((a, b) => creationTime(a) - creationTime(b) || podName(a).localeCompare(podName(b)));
  const shouldRun = podFitsNode(spec.template?.spec, input.node);
  const rolling = (spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const maxSurge = rolling ? scaledValue(spec.updateStrategy?.rollingUpdate?.maxSurge, 1, true, 0) : 0;
  const maxUnavailable = rolling ? scaledValue(spec.updateStrategy?.rollingUpdate?.maxUnavailable, 1, true, 1) : 0;
  const isNew = (p: V1Pod) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH] === hash;
  const available = (p: V1Pod) => isPodAvailable(p, minReady, now);

  // manage: one daemon pod on a node that should run it, none on one that should not.
  if (shouldRun) {
    const running: V1Pod[] = [];
    for (const p of pods) {
      if (p.status?.phase === 'Failed') {
        result.events.push(ownerEvent(ds, DAEMONSET_SOURCE, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${ns}/${podName(p)} on node ${input.node.name}, will try to kill it`));
        remove(p, 'pod failed');
      } else if (p.status?.phase === 'Succeeded') {
        remove(p, 'pod succeeded');
      } else {
        running.push(p);
      }
    }
    if (maxSurge === 0) {
      if (running.length === 0) create();
      else for (const extra of running.slice(1)) remove(extra, 'more than one daemon pod on the node');
    } else if (running.length === 0) {
      create();
    } else if (running.length > 1) {
      // With surge, two pods may share the node: the oldest new one and, while that one is not yet available, the oldest old one.
      const oldestNew = running.find(isNew);
      const oldestOld = running.find((p) => !isNew(p));
      for (const p of running) if (p !== oldestNew && p !== oldestOld) remove(p, 'more than one daemon pod on the node');
      if (oldestNew && oldestOld && (!isPodReady(oldestOld) || available(oldestNew))) remove(oldestOld, 'old revision');
    }
  } else {
    for (const p of pods) remove(p, 'node does not match the template');
  }

  // rollingUpdate, once manage has nothing to do (upstream waits for manage's expectations).
  if (rolling && shouldRun && result.createPods.length + result.deletePods.length === 0) {
    const live = pods.filter((p) => !deleted.has(podName(p)));
    const news = live.filter(isNew);
    const olds = live.filter((p) => !isNew(p));
    if (news.length <= 1 && olds.length === 1) {
      const oldPod = olds[0]!;
      const newPod = news[0];
      if (maxSurge === 0) {
        if (!available(oldPod) || maxUnavailable > 0) remove(oldPod, 'old revision');
      } else if (newPod === undefined) {
        create();
      } else if (available(newPod)) {
        remove(oldPod, 'old revision');
      }
    }
  }

  // Status from the node's pods as observed (updateDaemonSetStatus), less the ones deleted now.
  const onNode = pods.filter((p) => !deleted.has(podName(p)));
  const first = onNode[0];
  const desired = shouldRun ? 1 : 0;
  const scheduled = shouldRun && first !== undefined ? 1 : 0;
  const ready = scheduled && first && isPodReady(first) ? 1 : 0;
  const numberAvailable = ready && first && available(first) ? 1 : 0;
  const updated = scheduled && first && (isNew(first) || first.metadata?.labels?.[TEMPLATE_GENERATION_LABEL] === String(ds.metadata.generation)) ? 1 : 0;
  const status: Record<string, unknown> = {
    currentNumberScheduled: scheduled,
    numberMisscheduled: !shouldRun && first !== undefined ? 1 : 0,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: ds.metadata.generation,
  };
  if (updated > 0) status['updatedNumberScheduled'] = updated;
  if (numberAvailable > 0) status['numberAvailable'] = numberAvailable;
  if (desired - numberAvailable > 0) status['numberUnavailable'] = desired - numberAvailable;
  if (sync.collisionCount > 0 || prior.collisionCount !== undefined) status['collisionCount'] = sync.collisionCount;
  const write = withStatus(ds, status);
  if (write) result.status.push(write);

  // cleanupHistory: revisions no pod carries, beyond revisionHistoryLimit, oldest first.
  const liveHashes = new Set([hash, ...pods.map((p) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH] ?? '')]);
  result.remove.push(...revisionsBeyondLimit(owned, (r) => liveHashes.has(r.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? ''), spec.revisionHistoryLimit ?? 10));

  if (result.createPods.length + result.deletePods.length === 0 && shouldRun) {
    const waiting = [...onNode.filter(isNew), ...onNode.filter((p) => !isNew(p))].find((p) => !available(p));
    if (waiting !== undefined) {
      const until = isPodReady(waiting) ? availableAt(waiting, minReady) : undefined;
      const reason = isPodReady(waiting) ? `pod ${podName(waiting)} to be available` : `pod ${podName(waiting)} to be ready`;
      result.waitingFor = until === undefined ? { reason } : { reason, until };
    }
  }
  return result;
}
