/**
 * observeGet: the observe stage of get, describe, logs and exec. It looks at Podman once and
 * returns the pods a query selects as v1 Pods (toV1Pod); it changes nothing.
 */
import { isSystemPod } from '../domain/network';
import type { V1Pod } from '@kubernetes/client-node';
import { LABEL_LAST_APPLIED, LABEL_MANAGED_BY, MANAGED_BY_VALUE } from '../domain/labels';
import { matchesSelector, pushDownLabels, type Selector } from '../domain/selector';
import { matchesFields, type FieldRequirement } from '../domain/field-selector';
import type { ContainerEngine, EngineContainer, EngineContainerDetail, EnginePod } from '../engine/container-engine';
import { isManaged, k8sNameOf, lastAppliedOf, toV1Pod, uidOf, userLabelsOf, type ContainerSnapshot, type PodSnapshot } from './to-v1-pod';
import { needsProbing, type Prober, type ProbedPod } from './probes/prober';
import type { ProbeEvent } from './probes/worker';
import { byText } from '../domain/order';
import { DEFAULT_NAMESPACE } from '../domain/kinds';
import { podIdentityOf, podmanPodName } from '../domain/pod-names';

/** GetResult is what get found: pods in output order, and the names asked for that do not exist. */
export interface GetResult {
  pods: V1Pod[];
  notFound: string[];
  /** Whether one pod was asked for by name: json/yaml then print the object rather than a List. */
  single: boolean;
  /** The kubelet events the prober recorded, by pod uid (describe shows them); absent without a prober. */
  probeEvents?: Record<string, ProbeEvent[]>;
}

/** GetQuery is a validated request: what to select and how much to observe. */
export interface GetQuery {
  names: string[];
  selector?: Selector;
  fields: FieldRequirement[];
  /** Inspect every container (IPs, full statuses) rather than only those that ever exited. */
  inspectAll: boolean;
  /** Inspect each running pod's infra container for its IP (the endpoints controller's view), besides what inspectAll says. */
  inspectIPs?: boolean;
  single: boolean;
  /** The namespace looked in; undefined with -A. */
  namespace?: string;
}

/** toSnapshot joins a listed pod, its listed containers and their inspections into a PodSnapshot. */
export function toSnapshot(pod: EnginePod, containers: readonly EngineContainer[], details: ReadonlyMap<string, EngineContainerDetail>): PodSnapshot {
  const infra = containers.find((c) => c.isInfra) ?? pod.containers.find((c) => c.isInfra);
  const apps = containers.filter((c) => !c.isInfra);
  const ip = [infra, ...apps].map((c) => (c ? details.get(c.id)?.ip ?? '' : '')).find((x) => x !== '') ?? '';
  const s: PodSnapshot = {
    id: pod.id,
    name: pod.name,
    podmanStatus: pod.status,
    labels: pod.labels,
    ip,
    containers: apps.map((c) => {
      const d = details.get(c.id);
      const cs: ContainerSnapshot = {
        id: c.id,
        podmanName: c.name,
        image: c.image,
        state: d?.state ?? c.state,
        exitCode: d?.exitCode ?? c.exitCode,
        // Not inspected means it never exited, so it never restarted.
        restartCount: d?.restartCount ?? 0,
        oomKilled: d?.oomKilled ?? false,
        restartPolicy: d?.restartPolicy ?? '',
        labels: c.labels,
      };
      const started = d?.startedAt ?? c.startedAt;
      if (started) cs.startedAt = started;
      const finished = d?.finishedAt ?? c.exitedAt;
      if (finished) cs.finishedAt = finished;
      return cs;
    }),
  };
  if (pod.createdAt) s.createdAt = pod.createdAt;
  if (infra?.startedAt) s.startedAt = infra.startedAt;
  return s;
}

/**
 * fromManagedContainers builds the pods from a label-filtered container listing alone, when that
 * is enough: every container found belongs to a pod whose infra container was found too and is
 * kubeplay's (Podman copies a pod's labels onto its infra container, kubeplay onto every
 * container, and the last-applied label gives the pod's metadata). Undefined when some pod is
 * not kubeplay's, so its labels and containers must come from Podman's pod listing.
 */
export function fromManagedContainers(containers: readonly EngineContainer[]): EnginePod[] | undefined {
  const infras = new Map(containers.filter((c) => c.isInfra && c.podName !== '').map((c) => [c.podName, c]));
  for (const c of containers) {
    const infra = infras.get(c.podName);
    if (c.podName === '') continue;
    if (infra === undefined || infra.labels[LABEL_MANAGED_BY] !== MANAGED_BY_VALUE || !infra.labels[LABEL_LAST_APPLIED]) return undefined;
  }
  return [...infras.values()].map((i) => {
    const pod: EnginePod = { id: i.podId ?? '', name: i.podName, status: '', labels: i.labels, containers: [] };
    // The infra container is made with the pod, a few milliseconds after it.
    if (i.createdAt) pod.createdAt = i.createdAt;
    return pod;
  });
}

/**
 * observeGet looks at Podman once and returns the pods the query selects, as v1 Pods.
 *
 * With a key=value term in the selector (`get pods -l app=web`), Podman filters the container
 * listing on it and that one call usually describes every selected pod (see
 * fromManagedContainers): Podman answers its pod listing and its container listing one after
 * the other, so skipping the pod listing halves the time spent waiting on Podman. Otherwise
 * pods and containers are listed; containers of pods other tools made may lack the pod's labels
 * and are fetched by id.
 */
export async function observeGet(q: GetQuery, engine: ContainerEngine, now: () => Date, prober?: Prober): Promise<GetResult> {
  const push = q.names.length === 0 ? pushDownLabels(q.selector) : undefined;
  let listed: EnginePod[] | undefined;
  let containers: EngineContainer[];
  if (push !== undefined) {
    containers = await engine.listContainers({ labels: push });
    listed = fromManagedContainers(containers);
  } else {
    containers = [];
  }
  if (listed === undefined) {
    [listed, containers] = await Promise.all([engine.listPods(push), push ? Promise.resolve(containers) : engine.listContainers()]);
  }
  // kubeplay's own pods (Services' proxies, the DNS server) are no user's pods.
  let pods = listed.filter((p) => !isSystemPod(p.labels));
  const ns = q.namespace;
  if (q.names.length > 0) {
    // Names are Kubernetes names in the namespace asked for (-A and names do not go together).
    const byName = new Map(pods.map((p) => [p.name, p]));
    pods = q.names.map((n) => byName.get(podmanPodName(ns ?? DEFAULT_NAMESPACE, n))).filter((p): p is EnginePod => p !== undefined);
  } else {
    const keyed = pods.map((p) => ({ p, id: podIdentityOf(p.name, p.labels) })).filter((x) => ns === undefined || x.id.namespace === ns);
    keyed.sort((a, b) => byText(a.id.namespace, b.id.namespace) || byText(a.id.name, b.id.name));
    pods = keyed.map((x) => x.p);
  }
  if (q.selector) {
    const sel = q.selector;
    pods = pods.filter((p) => matchesSelector(sel, userLabelsOf(p)));
  }
  const have = new Set(containers.map((c) => c.id));
  const missing = pods.flatMap((p) => p.containers.map((c) => c.id)).filter((id) => !have.has(id));
  if (missing.length > 0) containers = [...containers, ...(await engine.listContainers({ ids: missing }))];
  const byPod = new Map<string, EngineContainer[]>();
  for (const c of containers) {
    if (c.podName === '') continue;
    const list = byPod.get(c.podName) ?? [];
    list.push(c);
    byPod.set(c.podName, list);
  }
  // A pod whose probes run needs its IP and its containers' exact starts: its app containers are
  // inspected (they share the infra container's network, so they report the pod's IP).
  const probed = new Set(prober ? pods.filter((p) => isManaged(p) && needsProbing(lastAppliedOf(p)?.spec)).map((p) => p.name) : []);
  const toInspect = pods.flatMap((p) =>
    (byPod.get(p.name) ?? [])
      .filter((c) => q.inspectAll || (q.inspectIPs === true && c.isInfra && c.state === 'running') || (!c.isInfra && (probed.has(p.name) || c.exitedAt !== undefined)))
      .map((c) => c.id),
  );
  const details = new Map((toInspect.length > 0 ? await engine.inspectContainers(toInspect) : []).map((d) => [d.id, d]));
  const snapshots = pods.map((p) => toSnapshot(p, byPod.get(p.name) ?? [], details));
  let probeEvents: Record<string, ProbeEvent[]> | undefined;
  if (prober) {
    // Every pod was listed: records of pods that are gone can go.
    const sweeping = push === undefined && q.names.length === 0 ? prober.sweep(new Set(listed.map((p) => p.id))).catch(() => 0) : Promise.resolve(0);
    const results = await prober.probe(snapshots.filter((s) => probed.has(s.name)).map(probedPodOf));
    await sweeping;
    probeEvents = {};
    for (const s of snapshots) {
      const r = results.get(s.id);
      if (r === undefined) continue;
      s.probes = r.views;
      probeEvents[uidOf(s.id)] = r.events;
    }
  }
  const at = now();
  const v1 = snapshots.map((s) => toV1Pod(s, at)).filter((p) => matchesFields(q.fields, p));
  const found = new Set(pods.map((p) => p.name));
  return { pods: v1, notFound: q.names.filter((n) => !found.has(podmanPodName(ns ?? DEFAULT_NAMESPACE, n))), single: q.single, ...(probeEvents ? { probeEvents } : {}) };
}

/** probedPodOf is a snapshot as the prober needs it (its spec from the last-applied label). */
function probedPodOf(s: PodSnapshot): ProbedPod {
  const managed = isManaged(s);
  return {
    podId: s.id,
    ip: s.ip,
    spec: lastAppliedOf(s)?.spec ?? { containers: [] },
    containers: s.containers.map((c) => ({ name: k8sNameOf(c, s.name, managed), id: c.id, running: c.state === 'running', ...(c.startedAt ? { startedAt: c.startedAt } : {}) })),
  };
}

