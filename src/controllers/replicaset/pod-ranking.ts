/**
 * Which pods a ReplicaSet deletes first when it has too many: upstream's getPodsToDelete over
 * ActivePodsWithRanks (pkg/controller/controller_utils.go), with the LogarithmicScaleDown and
 * PodDeletionCost features on, as in 1.32. Pure.
 *
 * The rank (the number of related pods on the same node) is the same for every pod on kubeplay's
 * one node, so that step never decides.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { isPodReady } from '../pod-status';
import { timeOf } from '../meta-time';

/** POD_DELETION_COST is the annotation that orders pods for deletion (lower cost goes first). */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function phaseOrdinal(pod: V1Pod): number {
  return PHASE_ORDINAL[pod.status?.phase ?? ''] ?? 3;
}

function deletionCost(pod: V1Pod): number {
  const v = pod.metadata?.annotations?.[POD_DELETION_COST];
  if (v === undefined || !/^[+-]?\d+$/.test(v.trim())) return 0;
  const n = Number(v.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function readySince(pod: V1Pod): Date | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  return timeOf(c?.lastTransitionTime);
}

/** maxRestarts: the highest restart count of the app containers, and of the sidecars (init containers with restartPolicy Always). */
function maxRestarts(pod: V1Pod): { regular: number; sidecar: number } {
  const regular = Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const sidecar = Math.max(0, ...(pod.status?.initContainerStatuses ?? []).filter((s) => sidecars.has(s.name)).map((s) => s.restartCount ?? 0));
  return { regular, sidecar };
}

/** logRank is the base-2 logarithm of how long ago `t` was, in nanoseconds as Go counts (-1 when not in the past). */
function logRank(t: Date, now: Date): number {
  const d = (now.getTime() - t.getTime()) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/** afterOrZero: t1 is after t2, a missing time counting as after any other. */
function afterOrZero(t1: Date | undefined, t2: Date | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1.getTime() > t2.getTime();
}

/** byTime orders two times as upstream: logarithmic buckets of their age, ties by uid. */
function byTime(ti: Date | undefined, tj: Date | undefined, pi: V1Pod, pj: V1Pod, now: Date): boolean {
  if (ti === undefined || tj === undefined) return afterOrZero(ti, tj);
  const diff = logRank(ti, now) - logRank(tj, now);
  if (diff === 0) return (pi.metadata?.uid ?? '') < (pj.metadata?.uid ?? '');
  return diff < 0;
}

/** deletesBefore is ActivePodsWithRanks.Less: true when pod i should be deleted before pod j. */
export function deletesBefore(pi: V1Pod, pj: V1Pod, now: Date): boolean {
  // 1. Unassigned < assigned.
  const ni = pi.spec?.nodeName ?? '';
  const nj = pj.spec?.nodeName ?? '';
  if (ni !== nj && (ni === '' || nj === '')) return ni === '';
  // 2. PodPending < PodUnknown < PodRunning.
  if (phaseOrdinal(pi) !== phaseOrdinal(pj)) return phaseOrdinal(pi) < phaseOrdinal(pj);
  // 3. Not ready < ready.
  if (isPodReady(pi) !== isPodReady(pj)) return !isPodReady(pi);
  // 4. Lower pod-deletion-cost < higher.
  if (deletionCost(pi) !== deletionCost(pj)) return deletionCost(pi) < deletionCost(pj);
  // 5. Doubled up < not doubled up: one node, every rank equal.
  // 6. Been ready for less time < more time.
  if (isPodReady(pi) && isPodReady(pj)) {
    const ri = readySince(pi);
    const rj = readySince(pj);
    if (ri?.getTime() !== rj?.getTime()) return byTime(ri, rj, pi, pj, now);
  }
  // 7. Higher restart counts < lower.
  const mi = maxRestarts(pi);
  const mj = maxRestarts(pj);
  if (mi.regular !== mj.regular) return mi.regular > mj.regular;
  if (mi.sidecar !== mj.sidecar) return mi.sidecar > mj.sidecar;
  // 8. Empty creation time < newer < older.
  const ci = timeOf(pi.metadata?.creationTimestamp);
  const cj = timeOf(pj.metadata?.creationTimestamp);
  if (ci?.getTime() !== cj?.getTime()) return byTime(ci, cj, pi, pj, now);
  return false;
}

/** podsToDelete is getPodsToDelete: the `count` pods to delete first, in that order. */
export function podsToDelete(pods: readonly V1Pod[], count: number, now: Date): V1Pod[] {
  const ranked = [...pods].sort((a, b) => (deletesBefore(a, b, now) ? -1 : deletesBefore(b, a, now) ? 1 : 0));
  return ranked.slice(0, Math.max(0, count));
}
