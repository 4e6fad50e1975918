/**
 * describe's layout for a Deployment, as kubectl's DeploymentDescriber prints it: name, namespace,
 * creation time, labels, annotations, selector, the replica counts, the strategy, the pod
 * template, conditions, the old and new ReplicaSets it controls (stored, found by ownerReferences;
 * the new one is the one whose template is the Deployment's, pod-template-hash aside, as
 * deploymentutil.FindNewReplicaSet picks it), and the events recorded about it.
 */
import type { StoredObject } from '../../domain/objects';
import { byText } from '../../domain/order';
import { rfc1123z } from '../../print/describe';
import type { DescribeRelated } from '../kind';
import { conditionLines, eventLines, finishDescribe, isControlledByUid, metadataLines, num, sameJson, selectorText, templateLines } from '../workload';

interface DeploymentSpecView {
  replicas?: number;
  selector?: unknown;
  minReadySeconds?: number;
  strategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
  template?: { metadata?: { labels?: Record<string, string> } };
}

/** POD_TEMPLATE_HASH is the label the Deployment controller adds to its ReplicaSets' templates. */
const POD_TEMPLATE_HASH = 'pod-template-hash';

/** withoutHash is a template without the pod-template-hash label (EqualIgnoreHash). */
function withoutHash(template: unknown): unknown {
  const t = (template ?? {}) as { metadata?: { labels?: Record<string, string> } };
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  return { ...t, metadata: { ...(t.metadata ?? {}), labels } };
}

/** replicaSetsOf splits the stored ReplicaSets the Deployment controls into the new one and the old ones, by name. */
export function replicaSetsOf(d: StoredObject, related: DescribeRelated): { newRS: StoredObject | undefined; oldRSs: StoredObject[] } {
  const owned = related
    .list('ReplicaSet.apps', d.metadata.namespace ?? '')
    .filter((rs) => isControlledByUid(rs, d.metadata.uid))
    .sort((a, b) => byText(a.metadata.creationTimestamp, b.metadata.creationTimestamp) || byText(a.metadata.name, b.metadata.name));
  const template = withoutHash((d.spec as DeploymentSpecView | undefined)?.template);
  const newRS = owned.find((rs) => sameJson(withoutHash((rs.spec as DeploymentSpecView | undefined)?.template), template));
  return { newRS, oldRSs: owned.filter((rs) => rs !== newRS).sort((a, b) => byText(a.metadata.name, b.metadata.name)) };
}

/** replicaSetsText is printReplicaSetsByLabels: `web-7d4b9c8f6d (3/3 replicas created)`, joined by ", "; `<none>` when none. */
function replicaSetsText(rss: readonly StoredObject[]): string {
  const list = rss.map((rs) => `${rs.metadata.name} (${num((rs.status as { replicas?: number } | undefined)?.replicas)}/${num((rs.spec as { replicas?: number } | undefined)?.replicas)} replicas created)`).join(', ');
  return list === '' ? '<none>' : list;
}

/** describeDeployment is kubectl's DeploymentDescriber; see the module comment. */
export function describeDeployment(o: StoredObject, related: DescribeRelated): string {
  const spec = (o.spec ?? {}) as DeploymentSpecView;
  const st = (o.status ?? {}) as { updatedReplicas?: number; replicas?: number; availableReplicas?: number; unavailableReplicas?: number; conditions?: unknown };
  const ru = spec.strategy?.rollingUpdate;
  const { newRS, oldRSs } = replicaSetsOf(o, related);
  const lines = [
    `Name:\t${o.metadata.name}`,
    `Namespace:\t${o.metadata.namespace ?? ''}`,
    `CreationTimestamp:\t${rfc1123z(new Date(o.metadata.creationTimestamp))}`,
    ...metadataLines(o.metadata),
    `Selector:\t${selectorText(spec.selector)}`,
    `Replicas:\t${num(spec.replicas)} desired | ${num(st.updatedReplicas)} updated | ${num(st.replicas)} total | ${num(st.availableReplicas)} available | ${num(st.unavailableReplicas)} unavailable`,
    `StrategyType:\t${spec.strategy?.type ?? ''}`,
    `MinReadySeconds:\t${num(spec.minReadySeconds)}`,
    ...(ru ? [`RollingUpdateStrategy:\t${String(ru.maxUnavailable ?? 0)} max unavailable, ${String(ru.maxSurge ?? 0)} max surge`] : []),
    ...templateLines(o),
    ...conditionLines(st.conditions),
    ...(newRS !== undefined || oldRSs.length > 0 ? [`OldReplicaSets:\t${replicaSetsText(oldRSs)}`, `NewReplicaSet:\t${replicaSetsText(newRS ? [newRS] : [])}`] : []),
    ...eventLines(o, related),
  ];
  return finishDescribe(lines);
}
