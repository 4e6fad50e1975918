/**
 * reconcile: the controllers without a daemon. Every command that changes objects (apply, delete,
 * scale, rollout, ...) calls it before it returns, and the commands that wait (rollout status,
 * wait, apply --wait) call it while they wait. One round:
 *
 *   observe   the workload objects and what they own in the store, the pods in Podman as v1 Pods
 *             (the view get has, readiness included)
 *   run       each kind's controller, a pure function (src/controllers/), in registry order; and
 *             the garbage collector's part (what a removed owner leaves behind)
 *   plan      the store writes (plan/plan-controllers.ts), the pods to delete (planDeletes) and to
 *             create (translate/ and planChanges, as apply makes a pod)
 *   execute   through the ordinary executor; the store brought in step (record-state.ts)
 *
 * Rounds go on until no controller asks for anything. When what is left can only be moved on by
 * time (a pod becoming ready, minReadySeconds), it looks again each second while `waitSeconds`
 * allow, then returns and says what is awaited: the next command that reconciles goes on from
 * there, as a cluster's controllers would have.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ContainerEngine } from '../engine/container-engine';
import type { ObjectStore } from '../store/object-store';
import { groupKindOf, objectKeyOf, type KubeObject, type StoredObject } from '../domain/objects';
import { withoutVersion } from '../controllers/meta-time';
import type { PodManifest } from '../domain/types';
import type { ControllerResult, NodeInfo } from '../controllers/controller';
import { randomSuffix } from '../controllers/names';
import { isPodTerminating } from '../controllers/pod-status';
import { catalog, KINDS, kindOf } from '../kinds/registry';
import type { KindModule } from '../kinds/kind';
import { groupKindText, refWord } from '../domain/kinds';
import { LABEL_LAST_APPLIED, LABEL_OWNER } from '../domain/labels';
import { canonicalJson } from '../domain/canonical-json';
import { claimVolumeName, podmanPodName } from '../domain/pod-names';
import { validateManifests } from '../validate';
import { toDesiredPod, type TranslateOptions } from '../translate/pod';
import { sourceBasis, withHash } from '../translate/hash';
import { sourcesOf } from '../translate/pod-sources';
import { observeSources } from '../observe/observe-objects';
import { observeState, toObservedPod, type HostProbe } from '../observe/observe-state';
import { observeGet } from '../observe/observe-pods';
import type { Prober } from '../observe/probes/prober';
import { planChanges } from '../plan/plan-changes';
import { planDeletes } from '../plan/plan-deletes';
import { referenceIssues } from '../plan/plan-references';
import { expiredEvents, garbage, planControllerObjects, type StoredView } from '../plan/plan-controllers';
import type { Action, Plan } from '../plan/plan';
import { executePlan } from '../execute/execute-plan';
import type { ExecutionReport, HostFs } from '../execute/execute-plan';
import { storeWriter } from './store-writer';
import { podNetworkOf, syncNetwork, type NetworkDeps, type NetworkSync } from './network';
import { orphanedEndpoints } from '../controllers/endpoints/endpoints';
import { recordApply, recordDelete } from './record-state';
import { previousFromLabel } from './pod-manifests';

/** ReconcileDeps are what the loop needs from outside. */
export interface ReconcileDeps {
  engine: ContainerEngine;
  store: ObjectStore;
  probe: HostProbe;
  hostFs: HostFs;
  /** Where pods' configMap/secret volume files are kept (`<state dir>/pods`). */
  filesRoot?: string;
  node: NodeInfo;
  now?: () => Date;
  /** generateName's suffixes (random unless given). */
  suffix?: () => string;
  sleep?: (ms: number) => Promise<void>;
  concurrency?: number;
  signal?: AbortSignal;
  /** Runs the pods' due probes as pods are observed (docs/probes.md); without it, a container with a readiness probe is never ready. */
  prober?: Prober;
  /** Observes every pod as a v1 Pod (get's view, readiness included); default: observeGet over all namespaces. */
  observePods?: () => Promise<V1Pod[]>;
  /** kubeplay's network: pods join it, and the Services' proxies and DNS follow the endpoints (docs/networking.md). */
  network?: NetworkDeps;
}

/** ReconcileOptions say how long to wait and when to stop early. */
export interface ReconcileOptions {
  /** Seconds to keep looking while only time can move things on; 0: do what can be done now and return. */
  waitSeconds: number;
  /** Stop as soon as this holds after a round (wait --for, rollout status): read from the store. */
  until?: (store: ObjectStore) => boolean;
  /** Wait only for the owners this selects (apply --wait: the applied workloads); others may stay unsettled. */
  awaited?: (w: Waiting) => boolean;
}

/** Waiting is one owner not settled when the loop returned, and why. */
export interface Waiting {
  /** `deployment.apps/web`. */
  ref: string;
  namespace: string;
  reason: string;
}

/** ReconcileReport is what the loop did. */
export interface ReconcileReport {
  rounds: number;
  /** Every action carried out (each `partOf` its owner). */
  actions: Action[];
  executions: ExecutionReport[];
  /** Failures, `replicaset.apps/web-x: Error creating: ...`: what kubectl users read as FailedCreate events. */
  failures: string[];
  waiting: Waiting[];
  /** Whether `until` held when the loop returned. */
  reached: boolean;
  /** What was done to the network after the rounds (proxies, DNS zone). */
  network?: NetworkSync;
}

/** MAX_ROUNDS bounds one call: a controller that never settles is a bug, not a reason to spin. */
const MAX_ROUNDS = 500;

/** WORKLOAD_KINDS are the kinds that have a controller, in registry order. */
export function workloadKinds(): KindModule[] {
  // `in`, not the getter: a kind's controller is loaded at its first use (kinds/<kind>/index.ts).
  return KINDS.filter((k) => 'controller' in k);
}

/**
 * hasWorkloads: whether the store holds any object a controller reconciles, or anything a
 * controller made (a pod, a ReplicaSet, a claim with owner references) that the garbage collector
 * may still have to take. Cheap: store reads only.
 */
export function hasWorkloads(store: ObjectStore): boolean {
  const kinds = workloadKinds();
  if (kinds.some((k) => store.list({ kind: groupKindText(k.info) }).items.length > 0)) return true;
  const owned = (o: StoredObject) => Array.isArray(o.metadata['ownerReferences']);
  if (DEPENDENT_KINDS.some((kind) => store.list({ kind, where: owned }).items.length > 0)) return true;
  // A deleted Service's Endpoints, for the endpoints controller's part of the loop to remove.
  const endpoints = store.list({ kind: 'Endpoints' }).items;
  return endpoints.length > 0 && orphanedEndpoints(store.list({ kind: 'Service' }).items, endpoints).length > 0;
}

/**
 * DEPENDENT_KINDS: pods and the stored kinds the controllers read (their `reads`), written out so
 * that a command finding no workload never loads a controller (a unit test keeps it complete).
 */
export const DEPENDENT_KINDS: readonly string[] = ['Pod', 'ReplicaSet.apps', 'ControllerRevision.apps', 'PersistentVolumeClaim', 'Endpoints', 'EndpointSlice.discovery.k8s.io'];

/** podManifestOf makes a controller's pod a valid Pod manifest (the API server's defaults applied), as if applied from `source`. */
function podManifestOf(pod: V1Pod, source: string): PodManifest | string {
  const check = validateManifests([{ source, documentIndex: 0, basePath: [], value: pod as Record<string, unknown>, locate: () => undefined }], 'ignore');
  if (!check.ok) return check.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  const m = check.manifests[0];
  return m && m.ref.kind === 'Pod' ? (m) : 'not a Pod';
}

/** ownerKeyText is the LABEL_OWNER value of a controller's pods: `ReplicaSet.apps/default/web-7d4b9c8f6d`. */
export function ownerKeyText(o: StoredObject): string {
  return `${groupKindOf(o.apiVersion, o.kind)}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/**
 * reconcile runs rounds until settled, or until only time can move things and `waitSeconds` are
 * spent. Pods it deletes stop in the background of the call, as a kubelet stops them after the API
 * server marks them Terminating: later rounds count them as terminating (not active), so a rollout
 * goes on while old pods wait out their grace period; the call returns once every one is gone.
 */
export async function reconcile(deps: ReconcileDeps, opts: ReconcileOptions): Promise<ReconcileReport> {
  const stopping: Stopping = { keys: new Set(), done: [] };
  let report: ReconcileReport;
  try {
    report = await rounds(deps, opts, stopping);
  } finally {
    await Promise.all(stopping.done);
  }
  if (deps.network !== undefined && !deps.signal?.aborted) {
    try {
      report.network = await syncNetwork(deps.engine, deps.store, deps.network, deps.hostFs, { podsNeedNetwork: false, ...(deps.concurrency ? { concurrency: deps.concurrency } : {}) });
    } catch (e) {
      report.network = { actions: [], failures: [`network: ${(e as Error).message}`] };
    }
    report.failures.push(...report.network.failures);
  }
  return report;
}

/** Stopping: the pods this call is deleting in the background (`namespace/name`), and their deletions. */
interface Stopping {
  keys: Set<string>;
  done: Array<Promise<void>>;
}

async function rounds(deps: ReconcileDeps, opts: ReconcileOptions, stopping: Stopping): Promise<ReconcileReport> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const suffix = deps.suffix ?? (() => randomSuffix());
  // get's table view: the listings, with only the containers that exited or are probed inspected.
  // The controllers read phases, readiness, start times, restarts and exit codes, which that view
  // has; inspecting every container (infra included) for IPs cost ~0.5 s a round at 50 pods.
  // With Services stored, each running pod's infra container is inspected too: the endpoints controller needs pod IPs.
  const observePods =
    deps.observePods ??
    (async () => (await observeGet({ names: [], fields: [], inspectAll: false, inspectIPs: deps.store.list({ kind: 'Service' }).items.length > 0, single: false }, deps.engine, now, deps.prober)).pods);
  const report: ReconcileReport = { rounds: 0, actions: [], executions: [], failures: [], waiting: [], reached: false };
  const kinds = workloadKinds();
  const deadline = now().getTime() + opts.waitSeconds * 1000;
  // Owners whose pods could not be made in this call: not tried again until the next command.
  const failedOwners = new Set<string>();
  let eventSeq = 0;
  const nameEvent = (involved: string) => `${involved}.${(BigInt(now().getTime()) * 1_000_000n + BigInt(eventSeq++)).toString(16)}`;
  const { store } = deps;
  const topts: TranslateOptions = {
    ...(deps.filesRoot !== undefined ? { filesRoot: deps.filesRoot } : {}),
    ...(deps.network !== undefined ? { network: await podNetworkOf(deps.engine, deps.network, store) } : {}),
  };

  while (report.rounds < MAX_ROUNDS) {
    if (deps.signal?.aborted) break;
    if (!hasWorkloads(store)) {
      report.reached = opts.until?.(store) ?? true;
      report.waiting = [];
      return report;
    }
    report.rounds++;
    const at = now();
    const owners = kinds.map((k) => ({ k, items: store.list({ kind: groupKindText(k.info) }).items }));
    // A pod's record in the store says who owns it (delete --cascade=orphan drops the reference there).
    const storedPods = new Map(store.list({ kind: 'Pod' }).items.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
    const pods = (await observePods())
      .filter((p) => !isPodTerminating(p) && !stopping.keys.has(`${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`))
      .map((p) => {
        const rec = storedPods.get(`${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`);
        if (rec === undefined || rec.metadata['ownerReferences'] !== undefined || p.metadata?.ownerReferences === undefined) return p;
        const { ownerReferences: _orphaned, ...meta } = p.metadata;
        return { ...p, metadata: meta };
      });

    const results: Array<{ ownerRef: string; owner: StoredObject; result: ControllerResult }> = [];
    for (const { k, items } of owners) {
      const spec = k.controller!;
      for (const stored of items) {
        const completed = k.completeStored?.(stored);
        const owner = completed !== undefined && canonicalJson(completed) !== canonicalJson(stored) ? { ...stored, ...completed, metadata: { ...stored.metadata, ...completed.metadata } } : stored;
        const ns = owner.metadata.namespace ?? '';
        const objects = spec.reads.flatMap((kind) => store.list({ kind, namespace: ns }).items);
        const raw = spec.reconcile({ owner, objects, pods: pods.filter((p) => (p.metadata?.namespace ?? '') === ns), now: at, node: deps.node, suffix });
        const result = { ...raw, put: [...(owner !== stored ? [withoutVersion(owner)] : []), ...raw.put.map((o) => storedFormOf(store, o))] };
        results.push({ ownerRef: `${refWord(k.info)}/${owner.metadata.name}`, owner, result });
      }
    }

    // The garbage collector: what names a controller that is no longer stored goes.
    const uids = new Set(owners.flatMap((o) => o.items.map((i) => i.metadata.uid)));
    const ownedKinds = [...new Set(kinds.flatMap((k) => k.controller!.reads))];
    const dependents = ownedKinds.flatMap((kind) => store.list({ kind }).items);
    // Only what this store's controllers made: Podman's pods are machine-wide, and a kubeplay with
    // another state directory (another store) must never take pods whose owners it does not know.
    const gc = garbage(dependents, pods.filter((p) => storedPods.has(`${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`)), uids);
    // Endpoints have no owner reference: the endpoints controller removes those whose Service is gone.
    for (const key of orphanedEndpoints(store.list({ kind: 'Service' }).items, store.list({ kind: 'Endpoints' }).items)) {
      const o = store.get(key);
      if (o !== undefined) gc.objects.push(o);
    }

    const view: StoredView = {
      get: (kind, namespace, name) => store.get({ kind, namespace, name }),
      events: (namespace) => store.list({ kind: 'Event', namespace }).items,
    };
    const objectActions = [
      ...planControllerObjects(results, view, at, nameEvent),
      ...gc.objects.filter((o) => !claimInUse(o, pods, gc.pods.length > 0)).map((o): Action => ({
        kind: 'delete',
        ref: `${o.kind.toLowerCase()}/${o.metadata.name}`,
        name: o.metadata.name,
        cause: 'its owner is gone (garbage collector)',
        needsImages: [],
        rollback: [],
        steps: [
          // A claim goes with its volume (a StatefulSet's claims under whenDeleted: Delete), once no pod mounts it.
          ...(o.kind === 'PersistentVolumeClaim' ? [{ op: 'removeVolume' as const, name: claimVolumeName(o.metadata.namespace ?? '', o.metadata.name), unlessInUse: true }] : []),
          { op: 'removeObject' as const, key: objectKeyOf(o) },
        ],
      })),
      ...(report.rounds === 1 ? expiredEvents(store.list({ kind: 'Event' }).items, at) : []),
    ];
    const deletes = [
      ...results.flatMap((r) => r.result.deletePods.map((d) => ({ ...d, ownerRef: r.ownerRef }))),
      ...gc.pods.map((p) => ({ namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '', reason: 'its owner is gone', ownerRef: 'garbage-collector' })),
    ];
    // An owner the garbage collector takes this round (a ReplicaSet whose Deployment went with its
    // namespace) makes no pods: they would only be deleted again with it.
    const doomed = new Set(gc.objects.map((o) => o.metadata.uid));
    const creates = results.filter((r) => !failedOwners.has(r.ownerRef) && !doomed.has(r.owner.metadata.uid)).flatMap((r) => r.result.createPods.map((pod) => ({ pod, r })));

    if (objectActions.length === 0 && deletes.length === 0 && creates.length === 0) {
      report.waiting = results.filter((r) => r.result.waitingFor).map((r) => ({ ref: r.ownerRef, namespace: r.owner.metadata.namespace ?? '', reason: r.result.waitingFor!.reason }));
      if (opts.until?.(store)) {
        report.reached = true;
        return report;
      }
      const awaited = opts.awaited ? report.waiting.filter(opts.awaited) : report.waiting;
      if (awaited.length === 0 || at.getTime() >= deadline) return report;
      const untils = results.map((r) => r.result.waitingFor?.until?.getTime()).filter((t): t is number => t !== undefined);
      const next = Math.min(at.getTime() + 1000, ...untils, deadline);
      await sleep(Math.max(50, next - at.getTime()));
      continue;
    }

    const run = async (plan: Plan): Promise<ExecutionReport> => {
      const execution = await executePlan(deps.engine, plan, {
        concurrency: deps.concurrency ?? 4,
        objects: storeWriter(store),
        hostFs: deps.hostFs,
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      report.executions.push(execution);
      report.actions.push(...plan.actions);
      for (const r of execution.results) if (r.outcome === 'failed') report.failures.push(`${r.action.partOf ?? r.action.ref}: ${r.error ?? 'failed'}`);
      return execution;
    };

    if (objectActions.length > 0) {
      await run({ images: [], conflicts: [], actions: objectActions });
      // Endpoints that changed reach the proxies and the DNS zone before the next round.
      if (deps.network !== undefined && objectActions.some((a) => a.ref.startsWith('endpoints/'))) {
        const net = await syncNetwork(deps.engine, store, deps.network, deps.hostFs, { podsNeedNetwork: false, ...(deps.concurrency ? { concurrency: deps.concurrency } : {}) });
        report.failures.push(...net.failures);
      }
    }

    if (deletes.length > 0) {
      const observed = (await deps.engine.listPods()).map(toObservedPod);
      const deleting = async (some: typeof deletes): Promise<void> => {
        if (some.length === 0) return;
        const plan = planDeletes({ by: 'names', targets: some.map((d) => ({ name: d.name, namespace: d.namespace })) }, observed, {
          gracePeriod: -1,
          includeUnmanaged: false,
          previousOf: (p) => previousFromLabel(p, topts),
          ...topts,
        });
        const partOf = new Map(some.map((d) => [podmanPodName(d.namespace, d.name), d.ownerRef]));
        const actions = plan.actions.map((a) => ({ ...a, partOf: partOf.get(a.name) ?? a.partOf ?? 'garbage-collector' }));
        recordDelete(store, actions, await run({ ...plan, actions }));
      };
      // A ReplicaSet's or Job's pod (no identity to keep) stops in the background of the call, within
      // its grace period, while the rounds go on; a StatefulSet's or DaemonSet's is gone before the
      // next round, as their controllers wait for it, and so is one whose owner is gone (its claims
      // are taken only once it is).
      const background = deletes.filter((d) => /^(replicaset\.apps|job\.batch)\//.test(d.ownerRef));
      for (const d of background) stopping.keys.add(`${d.namespace}/${d.name}`);
      stopping.done.push(deleting(background));
      await deleting(deletes.filter((d) => !background.includes(d)));
    }

    if (creates.length > 0) await createPods(deps, creates, topts, run, failedOwners, report);
    if (opts.until?.(store)) {
      report.reached = true;
      return report;
    }
  }
  return report;
}

/**
 * storedFormOf: a claim a controller makes (a StatefulSet's volumeClaimTemplates) is stored as the
 * API server and kubeplay's claim binder store one applied by hand (bound, its volume named), through
 * the PersistentVolumeClaim kind's own stored form; other objects are stored as the controller gives them.
 */
function storedFormOf(store: ObjectStore, o: KubeObject): KubeObject {
  if (o.kind !== 'PersistentVolumeClaim' || o.apiVersion !== 'v1') return o;
  if (store.get(objectKeyOf(o)) !== undefined) return o;
  const kind = kindOf('PersistentVolumeClaim');
  const check = validateManifests([{ source: `claim ${o.metadata.name}`, documentIndex: 0, basePath: [], value: o, locate: () => undefined }], 'ignore', 'privileged', catalog());
  const m = check.ok ? check.manifests[0] : undefined;
  if (m === undefined || kind?.toStored === undefined) return o;
  const stored = kind.toStored(m);
  // The claim was not applied by anyone: no last-applied annotation, and the controller's owner references kept.
  const { [LABEL_LAST_APPLIED]: _applied, ...annotations } = stored.metadata.annotations ?? {};
  const { annotations: _all, ...meta } = stored.metadata;
  return { ...stored, metadata: { ...meta, ...(Object.keys(annotations).length > 0 ? { annotations } : {}), ...(o.metadata['ownerReferences'] !== undefined ? { ownerReferences: o.metadata['ownerReferences'] } : {}) } };
}

/** claimInUse: a claim the garbage collector would take is left for a later round while pods go or a pod mounts it. */
function claimInUse(o: StoredObject, pods: readonly V1Pod[], podsGoing: boolean): boolean {
  if (o.kind !== 'PersistentVolumeClaim') return false;
  if (podsGoing) return true;
  const ns = o.metadata.namespace ?? '';
  return pods.some((p) => (p.metadata?.namespace ?? '') === ns && (p.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === o.metadata.name));
}

/**
 * createPods makes the pods the controllers asked for, as apply makes a pod: a valid manifest,
 * translated with the ConfigMaps and Secrets it reads, planned against Podman (images, host
 * ports), carried out, recorded. A pod that cannot be made marks its owner failed for this call.
 */
async function createPods(
  deps: ReconcileDeps,
  creates: ReadonlyArray<{ pod: V1Pod; r: { ownerRef: string; owner: StoredObject } }>,
  topts: TranslateOptions,
  run: (plan: Plan) => Promise<ExecutionReport>,
  failedOwners: Set<string>,
  report: ReconcileReport,
): Promise<void> {
  const manifests: Array<{ m: PodManifest; ownerRef: string; owner: StoredObject }> = [];
  for (const { pod, r } of creates) {
    const m = podManifestOf(pod, r.ownerRef);
    if (typeof m === 'string') {
      report.failures.push(`${r.ownerRef}: Error creating: pod ${pod.metadata?.name ?? ''} is invalid: ${m}`);
      failedOwners.add(r.ownerRef);
    } else manifests.push({ m, ownerRef: r.ownerRef, owner: r.owner });
  }
  if (manifests.length === 0) return;
  if (deps.network !== undefined) {
    // The network and its DNS server before the pods that join it.
    const base = await syncNetwork(deps.engine, deps.store, deps.network, deps.hostFs, { podsNeedNetwork: true, only: 'base', ...(topts.network ? { layout: topts.network.layout } : {}) });
    if (base.failures.length > 0) {
      for (const x of manifests) {
        report.failures.push(`${x.ownerRef}: Error creating: kubeplay's network is not ready: ${base.failures.join('; ')}`);
        failedOwners.add(x.ownerRef);
      }
      return;
    }
  }
  const sources = sourcesOf([], observeSources(deps.store));
  const missing = referenceIssues(manifests.map((x) => x.m), sources);
  const broken = new Set(missing.map((i) => i.file));
  for (const i of missing) report.failures.push(`${i.file}: Error creating: ${i.message}`);
  for (const f of broken) failedOwners.add(f);
  const ok = manifests.filter((x) => !broken.has(x.ownerRef));
  const desired = ok.map((x) => {
    const d = toDesiredPod(x.m, { ...topts, sources });
    return withHash({ ...d, labels: { ...d.labels, [LABEL_OWNER]: ownerKeyText(x.owner) } }, sourceBasis(x.m.object));
  });
  const observed = await observeState(deps.engine, desired, deps.probe);
  const planned = planChanges(desired, observed, { force: false, previousOf: (p) => previousFromLabel(p, topts), ...topts });
  const ownerOfPod = new Map(ok.map((x) => [`pod/${x.m.ref.name}`, x.ownerRef]));
  const refused = new Set<string>();
  for (const c of planned.conflicts) {
    const owner = ownerOfPod.get(c.ref) ?? c.ref;
    report.failures.push(`${owner}: Error creating: ${c.message}`);
    failedOwners.add(owner);
    refused.add(c.ref);
  }
  const actions = planned.actions.filter((a) => !refused.has(a.ref) && a.kind !== 'unchanged').map((a) => ({ ...a, partOf: ownerOfPod.get(a.ref) ?? a.ref }));
  if (actions.length === 0) return;
  const execution = await run({ images: planned.images, conflicts: [], actions });
  for (const r of execution.results) if (r.outcome === 'failed' && r.action.partOf) failedOwners.add(r.action.partOf);
  recordApply(deps.store, ok.map((x) => x.m), actions, execution, observed.pods);
}
