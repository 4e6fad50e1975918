/**
 * Recording the desired state: after apply or delete has carried out its plan, the object store
 * (src/store) is brought in step with what was done and with what Podman holds. Podman's labels stay
 * the source of ownership, so the store is never trusted blindly:
 * - a Pod applied (created, configured or unchanged) is stored as the Kubernetes object, with its
 *   spec as validated (defaults applied) and the user's manifest as the last-applied annotation;
 *   an unchanged object writes nothing;
 * - a managed Podman pod the store lacks (applied by a kubeplay before the store, or a store
 *   deleted by hand) is adopted from its last-applied label;
 * - a stored Pod that Podman no longer has and that the input does not name (removed with `podman
 *   pod rm`) is dropped: a bare pod that is gone stays gone, as in Kubernetes;
 * - a pod deleted or pruned is removed.
 */
import { annotationsWithLastApplied, withoutAnnotations } from '../domain/last-applied';
import type { V1Pod } from '@kubernetes/client-node';
import { isManaged } from '../domain/convergence';
import { LABEL_LAST_APPLIED, LABEL_OWNER } from '../domain/labels';
import { podIdentityOf, podmanPodName } from '../domain/pod-names';
import { DEFAULT_NAMESPACE } from '../domain/kinds';
import { namespaceNamed } from '../kinds/namespace';
import { parseLastApplied } from '../domain/last-applied';
import type { ObservedPod } from '../domain/state';
import type { PodManifest } from '../domain/types';
import type { Action } from '../plan/plan';
import type { ExecutionReport } from '../execute/execute-plan';
import type { KubeObject, ObjectKey, ObjectStore, StoredObject } from '../store/object-store';
import { canonicalJson } from '../translate/hash';

/** RecordedChanges counts what the store was told, for -v. */
export interface RecordedChanges {
  stored: number;
  adopted: number;
  dropped: number;
}

const POD = 'Pod';

/** podObject is the stored form of an applied Pod: the validated object, the user's manifest as last-applied. */
export function podObject(m: PodManifest): KubeObject {
  const original = m.original ?? m.object;
  const meta = m.object.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: POD,
    metadata: {
      ...withoutAnnotations(meta as Record<string, unknown>),
      name: m.ref.name,
      namespace: m.ref.namespace,
      ...annotationsWithLastApplied(meta.annotations, m, original),
    },
    spec: m.object.spec,
  };
}

/** adoptedObject rebuilds a Pod object from a managed Podman pod's last-applied label; undefined when it has none usable. */
function adoptedObject(p: ObservedPod): KubeObject | undefined {
  const raw = p.labels[LABEL_LAST_APPLIED];
  const pod: V1Pod | undefined = parseLastApplied(raw, p.name);
  if (pod === undefined || raw === undefined) return undefined;
  const meta = pod.metadata ?? {};
  const id = podIdentityOf(p.name, p.labels);
  return {
    apiVersion: 'v1',
    kind: POD,
    metadata: {
      ...(meta as Record<string, unknown>),
      name: id.name,
      namespace: id.namespace,
      annotations: { ...(meta.annotations ?? {}), [LABEL_LAST_APPLIED]: raw },
    },
    spec: pod.spec,
  };
}

function keyOf(o: KubeObject): ObjectKey {
  return { kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name };
}

/**
 * sameAsStored tells whether the stored object already says what `o` says (its spec, labels and
 * annotations), so that an unchanged apply costs one read of the store, not a write transaction
 * per pod.
 */
function sameAsStored(stored: StoredObject, o: KubeObject): boolean {
  const view = (x: KubeObject) => canonicalJson({ spec: x.spec ?? null, labels: x.metadata.labels ?? {}, annotations: x.metadata.annotations ?? {} });
  return view(stored) === view(o);
}

function doneActions(execution: ExecutionReport | undefined, actions: readonly Action[]): Action[] {
  if (execution === undefined) return [];
  return execution.results.filter((r) => r.outcome === 'done').map((r) => r.action).filter((a) => actions.includes(a));
}

/**
 * recordApply brings the store in step after an apply: see the module comment. `observed` is the
 * Podman pods apply planned against.
 */
export function recordApply(
  store: ObjectStore,
  manifests: readonly PodManifest[],
  actions: readonly Action[],
  execution: ExecutionReport | undefined,
  observed: readonly ObservedPod[],
): RecordedChanges {
  const out: RecordedChanges = { stored: 0, adopted: 0, dropped: 0 };
  const done = doneActions(execution, actions);
  // Actions and observed pods name Podman pods (`shop_web`); manifests and stored objects Kubernetes ones.
  const byName = new Map(manifests.map((m) => [podmanPodName(m.ref.namespace, m.ref.name), m]));
  const inInput = new Set(byName.keys());
  // One read of every stored Pod; writes only where something changed.
  const stored = new Map(store.list({ kind: POD }).items.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  const storedOf = (o: KubeObject) => stored.get(`${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  for (const a of done) {
    if (!a.ref.startsWith('pod/')) continue; // a store-only object: the executor wrote it
    if (a.kind === 'prune' || a.kind === 'delete') {
      out.dropped += dropPod(store, a.name);
      continue;
    }
    const m = byName.get(a.name);
    if (m === undefined) continue;
    const o = podObject(m);
    const before = storedOf(o);
    if (before !== undefined && sameAsStored(before, o)) continue;
    if (before === undefined) store.create(o);
    else store.update(o);
    out.stored++;
  }
  const inPodman = new Set(observed.map((p) => p.name));
  const podmanNameOf = (o: KubeObject) => podmanPodName(o.metadata.namespace ?? '', o.metadata.name);
  for (const p of observed) {
    // A controller's pod belongs to the store whose controller made it (its owner's uid is there): never adopted from labels.
    if (inInput.has(p.name) || !isManaged(p.labels) || p.labels[LABEL_OWNER] !== undefined) continue;
    if (done.some((a) => a.name === p.name && a.ref.startsWith('pod/') && (a.kind === 'prune' || a.kind === 'delete'))) continue;
    const o = adoptedObject(p);
    if (o === undefined || storedOf(o) !== undefined || store.get(keyOf(o)) !== undefined) continue;
    store.create(o);
    out.adopted++;
  }
  for (const o of stored.values()) {
    if (inPodman.has(podmanNameOf(o)) || inInput.has(podmanNameOf(o))) continue;
    if (store.get(keyOf(o)) === undefined) continue; // pruned or deleted above
    store.delete(keyOf(o));
    out.dropped++;
  }
  out.adopted += adoptNamespaces(store, observed);
  return out;
}

/**
 * adoptNamespaces stores the namespaces that managed Podman pods are in but the store lacks (a
 * store lost or deleted by hand): the pods' labels are the source of ownership, the store is rebuilt from them.
 */
function adoptNamespaces(store: ObjectStore, observed: readonly ObservedPod[]): number {
  let n = 0;
  // `default` always exists; storing it gives it a uid and a creation time, as a cluster's has.
  const names = new Set([DEFAULT_NAMESPACE, ...observed.filter((p) => isManaged(p.labels)).map((p) => podIdentityOf(p.name, p.labels).namespace)]);
  for (const name of names) {
    const o = namespaceNamed(name);
    if (store.get(keyOf(o)) !== undefined) continue;
    store.create(o);
    // `default` is stored as a matter of course, not adopted from anything.
    if (name !== DEFAULT_NAMESPACE) n++;
  }
  return n;
}

/** recordDelete removes the pods a delete removed. */
export function recordDelete(store: ObjectStore, actions: readonly Action[], execution: ExecutionReport | undefined): RecordedChanges {
  let dropped = 0;
  for (const a of doneActions(execution, actions)) if (a.kind === 'delete' && a.ref.startsWith('pod/')) dropped += dropPod(store, a.name);
  return { stored: 0, adopted: 0, dropped };
}

/** dropPod removes the stored Pod of a Podman pod name. */
function dropPod(store: ObjectStore, podmanName: string): number {
  let n = 0;
  for (const o of store.list({ kind: POD, where: (x) => podmanPodName(x.metadata.namespace ?? '', x.metadata.name) === podmanName }).items) {
    store.delete(keyOf(o));
    n++;
  }
  return n;
}

/** withStore opens the store, runs fn and closes it again, whatever happens. */
export function withStore<T>(open: () => ObjectStore, fn: (s: ObjectStore) => T): T {
  const store = open();
  try {
    return fn(store);
  } finally {
    store.close();
  }
}
