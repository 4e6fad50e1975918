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
import { applyOrder, catalog, kindOf } from '../kinds/registry';
import { observeObjects } from '../observe/observe-objects';
import { planObjects, type DesiredObject } from '../plan/plan-objects';
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
import { CLAIM_KIND, claimReferenceIssues, claimUsers, finishTerminatingClaims, isTerminating, planClaimVolumes, type ClaimState } from '../plan/plan-claims';
import { observeClaimVolumes } from '../observe/observe-claims';
import { claimVolumeName } from '../domain/pod-names';
import type { StoredObject } from '../domain/objects';

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

/** updateConflicts are what the API server would refuse of updating each stored object to its desired form (kind.updateProblems). */
function updateConflicts(desired: readonly DesiredObject[], stored: readonly StoredObject[]): Array<{ ref: string; message: string }> {
  const byKey = new Map(stored.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  return desired.flatMap((d) => {
    const current = byKey.get(`${d.key.kind}/${d.key.namespace}/${d.key.name}`);
    const problems = current ? (kindOf(d.object.kind)?.updateProblems?.(current, d.object) ?? []) : [];
    return problems.map((message) => ({ ref: d.ref, message }));
  });
}

/** claimStateOf answers, for a pod's claim reference, from the claims in the input and in the store. */
function claimStateOf(inInput: ReadonlyArray<{ namespace: string; name: string }>, stored: readonly StoredObject[]): (namespace: string, name: string) => ClaimState {
  const input = new Set(inInput.map((k) => `${k.namespace}/${k.name}`));
  const byKey = new Map(stored.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
  return (namespace, name) => {
    const o = byKey.get(`${namespace}/${name}`);
    if (o !== undefined && isTerminating(o)) return 'terminating';
    return o !== undefined || input.has(`${namespace}/${name}`) ? 'bound' : undefined;
  };
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
  const objectKinds = [...new Set(desiredObjects.map((d) => d.key.kind))];
  const namespacesInInput = desiredObjects.filter((d) => d.key.kind === 'Namespace').map((d) => d.key.name);
  const claimVolumes = desiredObjects.filter((d) => d.key.kind === CLAIM_KIND).map((d) => claimVolumeName(d.key.namespace, d.key.name));
  const withObjects = (plan: Plan, stored: Parameters<typeof planObjects>[1], namespaces?: readonly string[], volumes: Parameters<typeof planClaimVolumes>[3] = new Map()): Plan => {
    const claims = planClaimVolumes(planObjects(desiredObjects, stored), desiredObjects, stored, volumes);
    return {
      ...plan,
      actions: [...claims.actions, ...plan.actions],
      conflicts: [
        ...(namespaces ? namespaceConflicts(manifests.map((m) => m.ref), namespaces, namespacesInInput) : []),
        ...updateConflicts(desiredObjects, stored),
        ...claims.conflicts,
        ...plan.conflicts,
      ],
    };
  };

  const planOpts = {
    force: opts.force,
    previousOf: previousFromLabel,
    ...(opts.prune && selector ? { prune: { matches: (l: Record<string, string>) => matchesSelector(selector, l), selector: selector.text } } : {}),
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
    const inspecting = claimVolumes.length > 0 ? observeClaimVolumes(engine, claimVolumes) : Promise.resolve(new Map());
    // Opened while Podman answers the listing (loading the native module takes ~13 ms), and before
    // any change: a store that cannot be opened stops the run with nothing changed.
    if (deps.store) store = deps.store();
    const observed = await observing;
    const objects = observeObjects(store, objectKinds, observed.pods);
    const storedClaims = store ? (objectKinds.includes(CLAIM_KIND) ? objects.objects.filter((o) => o.kind === CLAIM_KIND) : store.list({ kind: CLAIM_KIND }).items) : undefined;
    // A pod naming a claim that exists neither in the store nor in the input is refused before any
    // change, as the scheduler leaves it Pending; with no store there is nothing to check against.
    if (storedClaims) {
      const issues = claimReferenceIssues(pods, claimStateOf(desiredObjects.filter((d) => d.key.kind === CLAIM_KIND).map((d) => d.key), storedClaims));
      if (issues.length > 0) throw new ManifestError(sortIssues(issues, opts.files));
    }
    const podPlan = planChanges(desired, observed, planOpts);
    const plan = withObjects(podPlan, objects.objects, objects.namespaces, await inspecting);
    // Claims kept Terminating whose last pod this run prunes (or that lost their pods otherwise) are finished now.
    if (storedClaims && storedClaims.some(isTerminating)) {
      const removed = new Set(podPlan.actions.filter((a) => a.kind === 'prune').map((a) => a.name));
      const inInput = new Set(desiredObjects.filter((d) => d.key.kind === CLAIM_KIND).map((d) => `${d.key.namespace}/${d.key.name}`));
      plan.actions.push(...finishTerminatingClaims(storedClaims, claimUsers(observed.pods, previousFromLabel, removed, desired), inInput));
    }
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
