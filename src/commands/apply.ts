/**
 * runApply: the apply pipeline, end to end, returning data for the CLI to print.
 *   loadManifests → validateManifests → observeState → planChanges → executePlan
 */
import type { Issue, PodManifest, ValidManifest } from '../domain/types';
import type { ObservedPod } from '../domain/state';
import { ConflictError, ManifestError, UsageError } from '../domain/errors';
import { LABEL_LAST_APPLIED } from '../domain/labels';
import { parseLastApplied } from '../domain/last-applied';
import { matchesSelector, parseSelector } from '../domain/selector';
import type { ContainerEngine } from '../engine/container-engine';
import { loadManifests } from '../load';
import { validateManifests } from '../validate';
import { applyOrder, catalog, KINDS, kindOf } from '../kinds/registry';
import type { KindModule } from '../kinds/kind';
import { groupKindText } from '../domain/kinds';
import { observeObjects } from '../observe/observe-objects';
import { objectUpdateConflicts, planObjectPrunes, planObjects, type DesiredObject, type ObjectPrune } from '../plan/plan-objects';
import { namespaceConflicts } from '../plan/plan-namespaces';
import { objectKeyOf } from '../domain/objects';
import { podmanPodName } from '../domain/pod-names';
import { storeWriter } from './store-writer';
import type { SecurityProfile, ValidateMode } from '../validate';
import { toDesiredPod } from '../translate/pod';
import { withHash } from '../translate/hash';
import { observeState } from '../observe/observe-state';
import type { HostProbe } from '../observe/observe-state';
import { planChanges } from '../plan/plan-changes';
import type { Plan } from '../plan/plan';
import { executePlan } from '../execute/execute-plan';
import type { ExecutionReport, HostFs, ProgressEvent, PullEvent, StartInBackground } from '../execute/execute-plan';
import { sortIssues } from './issues';
import type { ObjectStore } from '../store/object-store';
import { recordApply, type RecordedChanges } from './record-state';

/** DryRun is kubectl's --dry-run: none, client (no Podman at all) or server (observe, change nothing). */
export type DryRun = 'none' | 'client' | 'server';

/** ApplyOptions are apply's flags, typed. */
export interface ApplyOptions {
  files: string[];
  recursive: boolean;
  dryRun: DryRun;
  validate: ValidateMode;
  force: boolean;
  prune: boolean;
  selector?: string;
  /** --prune-allowlist: the kinds --prune may remove, as kubectl writes them (`core/v1/ConfigMap`); replaces the default list. */
  pruneAllowlist?: string[];
  concurrency: number;
  /** --security-profile: the Pod Security Standards level checked before anything runs (default privileged). */
  securityProfile?: SecurityProfile;
}

/** ApplyDeps are what apply needs from outside, injected by the composition root. */
export interface ApplyDeps {
  readStdin: (maxBytes: number) => Promise<Buffer>;
  /** Connects to the engine; called only when Podman is needed. */
  engine: () => Promise<ContainerEngine>;
  probe: HostProbe;
  hostFs: HostFs;
  /** Finishes a pod's start in a background process when an init container runs longer than apply waits. */
  startInBackground?: StartInBackground;
  onProgress?: (e: ProgressEvent) => void;
  /** Told each step of each image pull (progress on a terminal, the -v log). */
  onPull?: (e: PullEvent) => void;
  /**
   * Takes the lock of the engine's connection (one kubeplay changing pods at a time), held from
   * before observing until the plan is carried out; resolves to its release.
   */
  lock?: () => Promise<() => Promise<void>>;
  /** Aborted when the user interrupts: the executor stops and rolls back what is half-made. */
  signal?: AbortSignal;
  /** Opens the object store (the desired state, src/store); absent: nothing is recorded. */
  store?: () => ObjectStore;
}

/** ApplyReport is what apply did (or would do, on a dry run). */
export interface ApplyReport {
  dryRun: DryRun;
  manifests: ValidManifest[];
  warnings: Issue[];
  plan: Plan;
  execution?: ExecutionReport;
  /** What the object store was told (a real apply with a store). */
  recorded?: RecordedChanges & { ms: number };
}

/** validateApplyOptions checks flag combinations, as kubectl's ApplyOptions.Validate does. */
export function validateApplyOptions(o: ApplyOptions): void {
  if (o.files.length === 0) throw new UsageError('must specify one of -f and -k: apply needs the manifests, e.g. kubeplay apply -f pod.yaml');
  if (o.prune && !o.selector) throw new UsageError('all resources selected for prune without explicitly passing --all; kubeplay needs --prune with -l SELECTOR');
  if (!o.prune && o.selector) throw new UsageError('-l/--selector works with --prune in apply: use kubeplay apply --prune -l SELECTOR -f FILE');
  if (!o.prune && (o.pruneAllowlist ?? []).length > 0) throw new UsageError('--prune-allowlist works with --prune: use kubeplay apply --prune -l SELECTOR --prune-allowlist=core/v1/ConfigMap -f FILE');
  pruneKinds(o.pruneAllowlist);
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1) throw new UsageError(`--concurrency must be a whole number of at least 1, got ${o.concurrency}`);
}

/** loadAndValidate runs the first two stages; it throws ManifestError with every problem found. */
export async function loadAndValidate(
  files: string[],
  recursive: boolean,
  mode: ValidateMode,
  readStdin: (maxBytes: number) => Promise<Buffer>,
  profile: SecurityProfile = 'privileged',
): Promise<{ manifests: ValidManifest[]; warnings: Issue[] }> {
  const loaded = await loadManifests(files, { recursive, readStdin });
  const result = validateManifests(loaded.documents, mode, profile, catalog());
  const sources = files;
  if (loaded.issues.some((i: Issue) => i.severity === 'error') || !result.ok) {
    const issues = [...loaded.issues, ...(result.ok ? result.warnings : result.issues)];
    throw new ManifestError(sortIssues(issues, sources));
  }
  if (result.manifests.length === 0) throw new UsageError('no objects passed to apply: the files hold no Kubernetes objects');
  return { manifests: result.manifests, warnings: sortIssues([...loaded.issues, ...result.warnings], sources) };
}

/**
 * previousFromLabel rebuilds the previous desired pod from a managed pod's last-applied label, the
 * version a failed replacement puts back. The label is untrusted: it must be a valid Pod manifest
 * of this very pod, or there is no rollback target (a label naming another pod would otherwise
 * make a failed replacement create that pod, or remove its volumes).
 */
export function previousFromLabel(observed: ObservedPod): ReturnType<typeof toDesiredPod> | undefined {
  const object = parseLastApplied(observed.labels[LABEL_LAST_APPLIED], observed.name);
  if (!object) return undefined;
  const check = validateManifests([{ source: `label of pod ${observed.name}`, documentIndex: 0, basePath: [], value: object as Record<string, unknown>, locate: () => undefined }], 'ignore');
  const m = check.ok ? check.manifests[0] : undefined;
  return m && podmanPodName(m.ref.namespace, m.ref.name) === observed.name ? withHash(toDesiredPod(m)) : undefined;
}

/**
 * desiredObjectsOf is the stored form of the manifests of kinds kept in the store only (a
 * Namespace), in apply order: what the kind's module says the API server would store.
 */
export function desiredObjectsOf(manifests: readonly ValidManifest[]): DesiredObject[] {
  const out: DesiredObject[] = [];
  for (const m of [...manifests].sort((a, b) => applyOrder(a.ref.kind) - applyOrder(b.ref.kind))) {
    const kind = kindOf(m.ref.kind);
    if (kind?.carriedOut !== 'store' || !kind.toStored) continue;
    const object = kind.toStored(m);
    out.push({ ref: `${kind.info.singular}/${m.ref.name}`, key: objectKeyOf(object), object });
  }
  return out;
}

/**
 * DEFAULT_PRUNE_KINDS are the kinds --prune removes without --prune-allowlist: pods, ConfigMaps and
 * Secrets. Unlike kubectl's default list, PersistentVolumeClaims (a claim holds data) and Namespaces
 * (deleting one deletes what is in it) are pruned only when the allowlist names them.
 */
export const DEFAULT_PRUNE_KINDS: readonly string[] = ['Pod', 'ConfigMap', 'Secret'];

/**
 * pruneKinds reads --prune-allowlist (kubectl's `group/version/Kind`, `core` for the core group)
 * into the kinds it names; without one, DEFAULT_PRUNE_KINDS. A kind kubeplay does not handle is an error.
 */
export function pruneKinds(allowlist: readonly string[] | undefined): KindModule[] {
  if (allowlist === undefined || allowlist.length === 0) return KINDS.filter((k) => DEFAULT_PRUNE_KINDS.includes(k.info.kind));
  const out: KindModule[] = [];
  for (const entry of allowlist) {
    const parts = entry.split('/');
    if (parts.length !== 3 || parts.some((p) => p === '')) throw new UsageError(`invalid GroupVersionKind format: ${entry}, please follow <group/version/kind>`);
    const [group, version, kind] = parts as [string, string, string];
    const found = KINDS.find((k) => k.info.kind === kind && k.info.group === (group === 'core' ? '' : group) && k.info.version === version);
    if (found === undefined) throw new UsageError(`--prune-allowlist names ${entry}, a kind kubeplay does not handle: it handles ${KINDS.map((k) => `${k.info.group || 'core'}/${k.info.version}/${k.info.kind}`).join(', ')}`);
    if (!out.includes(found)) out.push(found);
  }
  return out;
}

/** podManifestsOf picks the manifests carried out as Podman pods. */
export function podManifestsOf(manifests: readonly ValidManifest[]): PodManifest[] {
  return manifests.filter((m) => kindOf(m.ref.kind)?.carriedOut === 'podman-pods');
}

/** runApply runs the apply pipeline; see the module comment. */
export async function runApply(opts: ApplyOptions, deps: ApplyDeps): Promise<ApplyReport> {
  validateApplyOptions(opts);
  const selector = opts.selector !== undefined ? parseSelector(opts.selector) : undefined;
  const { manifests, warnings } = await loadAndValidate(opts.files, opts.recursive, opts.validate, deps.readStdin, opts.securityProfile);
  const pods = podManifestsOf(manifests);
  const desired = pods.map((m) => withHash(toDesiredPod(m)));
  const desiredObjects = desiredObjectsOf(manifests);
  const prunable = opts.prune ? pruneKinds(opts.pruneAllowlist) : [];
  const prunableObjects = prunable.filter((k) => k.carriedOut === 'store');
  const objectKinds = [...new Set([...desiredObjects.map((d) => d.key.kind), ...prunableObjects.map((k) => groupKindText(k.info))])];
  const objectPrune: ObjectPrune | undefined =
    opts.prune && selector && prunableObjects.length > 0
      ? {
          kinds: new Map(prunableObjects.map((k) => [groupKindText(k.info), k.info.singular])),
          matches: (l) => matchesSelector(selector, l),
          selector: selector.text,
          namespaces: new Set(manifests.map((m) => m.ref.namespace)),
        }
      : undefined;
  const namespacesInInput = desiredObjects.filter((d) => d.key.kind === 'Namespace').map((d) => d.key.name);
  const withObjects = (plan: Plan, stored: Parameters<typeof planObjects>[1], namespaces?: readonly string[]): Plan => ({
    ...plan,
    actions: [...planObjects(desiredObjects, stored), ...plan.actions, ...(objectPrune ? planObjectPrunes(desiredObjects, stored, objectPrune) : [])],
    conflicts: [
      ...(namespaces ? namespaceConflicts(manifests.map((m) => m.ref), namespaces, namespacesInInput) : []),
      ...objectUpdateConflicts(desiredObjects, stored, (kind) => kindOf(kind)?.updateProblems),
      ...plan.conflicts,
    ],
  });

  const planOpts = {
    force: opts.force,
    previousOf: previousFromLabel,
    ...(opts.prune && selector && prunable.some((k) => k.carriedOut === 'podman-pods') ? { prune: { matches: (l: Record<string, string>) => matchesSelector(selector, l), selector: selector.text } } : {}),
  };
  if (opts.dryRun === 'client') {
    // kubectl's client dry run asks the server nothing: every object reads as created.
    return { dryRun: 'client', manifests, warnings, plan: withObjects(planChanges(desired, { pods: [] }, planOpts), []) };
  }
  const engine = await deps.engine();
  // A server dry run changes nothing, so it need not wait for another kubeplay.
  const release = opts.dryRun === 'none' && deps.lock ? await deps.lock() : undefined;
  let store: ObjectStore | undefined;
  try {
    const observing = observeState(engine, desired, deps.probe);
    // Opened while Podman answers the listing (loading the native module takes ~13 ms), and before
    // any change: a store that cannot be opened stops the run with nothing changed.
    if (deps.store) store = deps.store();
    const observed = await observing;
    const objects = observeObjects(store, objectKinds, observed.pods);
    const plan = withObjects(planChanges(desired, observed, planOpts), objects.objects, objects.namespaces);
    if (plan.conflicts.length > 0) throw new ConflictError(plan.conflicts.map((c) => `${c.ref}: ${c.message}`));
    if (opts.dryRun === 'server') return { dryRun: 'server', manifests, warnings, plan };
    const execution = await executePlan(engine, plan, {
      concurrency: opts.concurrency,
      ...(store ? { objects: storeWriter(store) } : {}),
      hostFs: deps.hostFs,
      ...(deps.startInBackground ? { startInBackground: deps.startInBackground } : {}),
      ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
      ...(deps.onPull ? { onPull: deps.onPull } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    const started = performance.now();
    const recorded = store ? { ...recordApply(store, pods, plan.actions, execution, observed.pods), ms: Math.round(performance.now() - started) } : undefined;
    return { dryRun: 'none', manifests, warnings, plan, execution, ...(recorded ? { recorded } : {}) };
  } finally {
    store?.close();
    await release?.();
  }
}
