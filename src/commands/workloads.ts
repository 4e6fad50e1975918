/**
 * What scale, rollout and wait share: naming a workload on the command line (`deployment/web`,
 * `deploy web`), and running a change to stored objects followed by the controllers, under the
 * connection lock, as apply does.
 */
import type { NetworkDeps } from './network';
import type { ContainerEngine } from '../engine/container-engine';
import type { ObjectStore } from '../store/object-store';
import type { StoredObject } from '../domain/objects';
import type { NodeInfo } from '../controllers/controller';
import type { HostProbe } from '../observe/observe-state';
import type { HostFs } from '../execute/execute-plan';
import type { Prober } from '../observe/probes/prober';
import { NotFoundError, UsageError } from '../domain/errors';
import { DEFAULT_NAMESPACE, groupKindText, resourceText } from '../domain/kinds';
import { requireResource } from '../kinds/registry';
import type { KindModule } from '../kinds/kind';
import { reconcile, type ReconcileOptions, type ReconcileReport } from './reconcile';

/** WorkloadDeps are what a command that changes workloads needs from the composition root. */
export interface WorkloadDeps {
  engine: () => Promise<ContainerEngine>;
  store: () => ObjectStore;
  lock?: () => Promise<() => Promise<void>>;
  probe: HostProbe;
  hostFs: HostFs;
  filesRoot?: string;
  node: NodeInfo;
  signal?: AbortSignal;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Makes the prober that runs pods' due probes as they are observed (docs/probes.md). */
  prober?: (engine: ContainerEngine) => Prober;
  /** kubeplay's network (docs/networking.md). */
  network?: NetworkDeps;
}

/** WorkloadRef is one object named on the command line. */
export interface WorkloadRef {
  kind: KindModule;
  name: string;
  namespace: string;
}

/**
 * workloadRefs reads kubectl's ways of naming objects: `TYPE/NAME ...` or `TYPE NAME ...`.
 * `what` words the error for a missing argument (`scale`).
 */
export function workloadRefs(args: readonly string[], namespace: string | undefined, what: string): WorkloadRef[] {
  const ns = namespace ?? DEFAULT_NAMESPACE;
  if (args.length === 0) throw new UsageError(`you must provide one or more resources by argument or filename: kubeplay ${what} deployment/web`);
  if (args.every((a) => a.includes('/'))) {
    return args.map((a) => {
      const [type = '', name = ''] = a.split('/');
      if (name === '') throw new UsageError(`arguments in resource/name form must have a single resource and name: ${a}`);
      return { kind: requireResource(type), name, namespace: ns };
    });
  }
  if (args.some((a) => a.includes('/'))) throw new UsageError('there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. \'kubeplay get resource/<resource_name>\' instead of \'kubeplay get resource resource/<resource_name>\')');
  const [type = '', ...names] = args;
  if (names.length === 0) throw new UsageError(`you must specify the name of the ${type} to ${what}: kubeplay ${what} ${type} NAME`);
  const kind = requireResource(type);
  return names.map((name) => ({ kind, name, namespace: ns }));
}

/** storedOf reads a named object from the store, or kubectl's NotFound. */
export function storedOf(store: ObjectStore, ref: WorkloadRef): StoredObject {
  const o = store.get({ kind: groupKindText(ref.kind.info), namespace: ref.kind.info.namespaced ? ref.namespace : '', name: ref.name });
  if (o === undefined) throw new NotFoundError([{ name: ref.name }], resourceText(ref.kind.info));
  return o;
}

/** ownedOf lists the stored objects of the kinds a workload's controller reads, in its namespace. */
export function ownedOf(store: ObjectStore, kind: KindModule, o: StoredObject): StoredObject[] {
  return (kind.controller?.reads ?? []).flatMap((k) => store.list({ kind: k, namespace: o.metadata.namespace ?? '' }).items);
}

/**
 * withControllers opens the engine and the store under the connection lock, runs `change` on the
 * store, then the controllers (reconcile) with `ropts`; returns what change returned and what the
 * controllers did.
 */
export async function withControllers<T>(
  deps: WorkloadDeps,
  change: (store: ObjectStore) => T,
  ropts: ReconcileOptions,
): Promise<{ result: T; reconciled: ReconcileReport }> {
  const engine = await deps.engine();
  const release = deps.lock ? await deps.lock() : undefined;
  const store = deps.store();
  try {
    const result = change(store);
    const reconciled = await reconcile(
      {
        engine,
        store,
        probe: deps.probe,
        hostFs: deps.hostFs,
        node: deps.node,
        ...(deps.filesRoot !== undefined ? { filesRoot: deps.filesRoot } : {}),
        ...(deps.network !== undefined ? { network: deps.network } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
        ...(deps.now ? { now: deps.now } : {}),
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
        ...(deps.prober ? { prober: deps.prober(engine) } : {}),
      },
      ropts,
    );
    return { result, reconciled };
  } finally {
    store.close();
    await release?.();
  }
}

/**
 * keepReconciling is what the commands that wait do (rollout status, wait, apply --wait): a pass
 * of the controllers under the lock, then the lock let go for a second so other kubeplay commands
 * go on, until `done` says so after a pass or `timeoutSeconds` pass (0: no limit). Returns whether
 * `done` held. `onPass` sees the store after each pass (to print progress).
 */
export async function keepReconciling(
  deps: WorkloadDeps,
  done: (store: ObjectStore) => boolean,
  timeoutSeconds: number,
  onPass?: (store: ObjectStore) => void,
): Promise<boolean> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = timeoutSeconds > 0 ? now().getTime() + timeoutSeconds * 1000 : Infinity;
  for (;;) {
    await withControllers(deps, () => undefined, { waitSeconds: 0 });
    const store = deps.store();
    let held: boolean;
    try {
      onPass?.(store);
      held = done(store);
    } finally {
      store.close();
    }
    if (held) return true;
    if (deps.signal?.aborted || now().getTime() >= deadline) return false;
    await sleep(Math.min(1000, Math.max(0, deadline - now().getTime())));
  }
}
