/**
 * runApply: the apply pipeline, end to end, returning data for the CLI to print.
 *   loadManifests → validateManifests → observeState → planChanges → executePlan
 */
import type { Issue, LoadedDocument, PodManifest, ValidManifest } from '../domain/types';
import type { ObservedPod } from '../domain/state';
import { ConflictError, EngineError, ManifestError, UsageError } from '../domain/errors';
import type { NodeInfo } from '../controllers/controller';
import type { Prober } from '../observe/probes/prober';
import { hasWorkloads, reconcile, type ReconcileReport } from './reconcile';
import { matchesSelector, parseSelector } from '../domain/selector';
import type { ContainerEngine } from '../engine/container-engine';
import { loadManifests } from '../load';
import { validateManifests } from '../validate';
import { applyOrder, catalog, KINDS, kindOf } from '../kinds/registry';
import type { KindModule } from '../kinds/kind';
import { groupKindText, refWord } from '../domain/kinds';
import { observeObjects, observeSources } from '../observe/observe-objects';
import { objectUpdateConflicts, planObjectPrunes, planObjects, type DesiredObject, type ObjectPrune } from '../plan/plan-objects';
import { namespaceConflicts } from '../plan/plan-namespaces';
import { objectKeyOf } from '../domain/objects';
import { podmanPodName } from '../domain/pod-names';
import { storeWriter } from './store-writer';
import { podNetworkOf, syncNetwork, type NetworkDeps, type NetworkSync } from './network';
import { allocateServices, hostHeldPorts, mergeServices, publishedPortConflicts } from './allocate-services';
import type { PodNetworkContext } from '../domain/network';
import { desiredPodOf, manifestFromLabel, previousFromLabel } from './pod-manifests';

export { desiredPodOf, manifestFromLabel, previousFromLabel };
import type { SecurityProfile, ValidateMode } from '../validate';
import { toDesiredPod, type TranslateOptions } from '../translate/pod';
import { sourceBasis } from '../translate/hash';
import { NO_SOURCES, sourcesOf, type PodSources } from '../translate/pod-sources';
import { referenceIssues } from '../plan/plan-references';
import { refreshSteps } from '../plan/pod-leftovers';
import type { Action } from '../domain/plan';
import type { DesiredPod, JsonPath } from '../domain/types';
import { isManaged } from '../domain/convergence';
import { formatFieldPath } from '../validate/field-path';
import { observeState } from '../observe/observe-state';
import type { HostProbe } from '../observe/observe-state';
import { planChanges } from '../plan/plan-changes';
import type { Plan } from '../plan/plan';
import { executePlan } from '../execute/execute-plan';
import type { ExecutionReport, HostFs, ProgressEvent, PullEvent, StartInBackground } from '../execute/execute-plan';
import { sortIssues } from './issues';
import type { ObjectStore } from '../store/object-store';
import { recordApply, type RecordedChanges } from './record-state';
import { CLAIM_KIND, claimReferenceIssues, claimUsers, finishTerminatingClaims, isTerminating, planClaimPrunes, planClaimVolumes, type ClaimState } from '../plan/plan-claims';
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
  /** --prune-allowlist: the kinds --prune may remove, as kubectl writes them (`core/v1/ConfigMap`); replaces the default list. */
  pruneAllowlist?: string[];
  concurrency: number;
  /** --security-profile: the Pod Security Standards level checked before anything runs (default privileged). */
  securityProfile?: SecurityProfile;
  /** --wait: return when every applied workload is settled (rolled out, available, complete), or fail at the timeout. */
  wait?: boolean;
  /** --timeout for --wait, in seconds (default APPLY_WAIT_SECONDS). */
  timeoutSeconds?: number;
  /** -n: the namespace of the namespaced objects that name none; one naming another is refused, as kubectl does. */
  namespace?: string;
  /**
   * The API server's writes (src/serve): objects are written as given (planObjects' `replace`), not
   * merged as kubectl apply does.
   */
  replace?: boolean;
}

/** APPLY_WAIT_SECONDS is apply --wait's time-out when --timeout is not given: kubectl wait's 30 s is short for a rollout; a rollout's progress deadline is 600 s. */
export const APPLY_WAIT_SECONDS = 300;

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
  /** Where pods' configMap/secret/projected volume files are kept (`<state dir>/pods`). */
  filesRoot?: string;
  /** This machine as a node (a DaemonSet's pod, a pod's nodeName); without it, controllers are not run. */
  node?: NodeInfo;
  /** Makes the prober the controllers' look at pods runs (readiness, docs/probes.md). */
  prober?: (engine: ContainerEngine) => Prober;
  /** kubeplay's network (docs/networking.md); absent: pods stay on Podman's default network and Services are only stored. */
  network?: NetworkDeps;
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
  /** What the controllers did after the apply (when the store holds workloads). */
  reconciled?: ReconcileReport;
  /** With --wait: the applied workloads that did not settle in time or failed, in kubectl wait's words (printed after the result lines, exit 1). */
  waitFailures?: string[];
  /** What was done to kubeplay's network (its DNS server, Services' proxies); its failures are printed as warnings. */
  network?: NetworkSync;
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
  namespace?: string,
): Promise<{ manifests: ValidManifest[]; warnings: Issue[] }> {
  const loaded = await loadManifests(files, { recursive, readStdin });
  return validateLoaded(loaded, files, mode, profile, namespace);
}

/** validateLoaded is loadAndValidate's second stage, for documents loaded elsewhere (the API server's request bodies). */
export function validateLoaded(
  loaded: { documents: LoadedDocument[]; issues: Issue[] },
  sources: readonly string[],
  mode: ValidateMode,
  profile: SecurityProfile = 'privileged',
  namespace?: string,
): { manifests: ValidManifest[]; warnings: Issue[] } {
  const documents = namespace !== undefined ? inNamespace(loaded.documents, namespace) : loaded.documents;
  const result = validateManifests(documents, mode, profile, catalog());
  if (loaded.issues.some((i: Issue) => i.severity === 'error') || !result.ok) {
    const issues = [...loaded.issues, ...(result.ok ? result.warnings : result.issues)];
    throw new ManifestError(sortIssues(issues, [...sources]));
  }
  if (result.manifests.length === 0) throw new UsageError('no objects passed to apply: the files hold no Kubernetes objects');
  return { manifests: result.manifests, warnings: sortIssues([...loaded.issues, ...result.warnings], [...sources]) };
}

/**
 * inNamespace puts the namespaced objects that name no namespace into `-n`'s, as kubectl does; an
 * object naming another namespace is refused in kubectl's words.
 */
export function inNamespace(docs: readonly LoadedDocument[], namespace: string): LoadedDocument[] {
  return docs.map((d) => {
    const kind = typeof d.value['kind'] === 'string' ? kindOf(d.value['kind']) : undefined;
    if (kind === undefined || !kind.info.namespaced) return d;
    const meta = (typeof d.value['metadata'] === 'object' && d.value['metadata'] !== null ? d.value['metadata'] : {}) as Record<string, unknown>;
    const given = meta['namespace'];
    if (typeof given === 'string' && given !== '') {
      if (given !== namespace) {
        throw new UsageError(`the namespace from the provided object "${given}" does not match the namespace "${namespace}". You must pass '--namespace=${given}' to perform this operation.`);
      }
      return d;
    }
    return { ...d, value: { ...d.value, metadata: { ...meta, namespace } } };
  });
}

/** readsObjects says whether any pod reads a ConfigMap or Secret (env or volumes). */
function readsObjects(pods: readonly PodManifest[]): boolean {
  return pods.some((m) => sourceBasis(m.object) !== undefined);
}

/**
 * refreshedElsewhere: pods not in the input that mount a ConfigMap or Secret this apply creates or
 * changes get their files rewritten, as the kubelet keeps every mount in step with its object.
 * Each is an action reported as part of the object (not printed).
 */
function refreshedElsewhere(objectActions: readonly Action[], desiredObjects: readonly DesiredObject[], pods: readonly ObservedPod[], inInput: ReadonlySet<string>, topts: TranslateOptions): Action[] {
  const changed = new Map<string, string>();
  for (const a of objectActions) {
    if (a.kind !== 'create' && a.kind !== 'configure') continue;
    const d = desiredObjects.find((o) => o.ref === a.ref);
    if (d && (d.key.kind === 'ConfigMap' || d.key.kind === 'Secret')) changed.set(`${d.key.kind}/${d.key.namespace}/${d.key.name}`, a.ref);
  }
  if (changed.size === 0) return [];
  const out: Action[] = [];
  for (const p of pods) {
    if (inInput.has(p.name) || !isManaged(p.labels)) continue;
    const m = manifestFromLabel(p);
    if (!m) continue;
    const ns = m.ref.namespace;
    const mounts = (m.object.spec?.volumes ?? []).flatMap((v) => [
      ...(v.configMap ? [`ConfigMap/${ns}/${v.configMap.name ?? ''}`] : []),
      ...(v.secret ? [`Secret/${ns}/${v.secret.secretName ?? ''}`] : []),
      ...(v.projected?.sources ?? []).flatMap((s) => [...(s.configMap ? [`ConfigMap/${ns}/${s.configMap.name ?? ''}`] : []), ...(s.secret ? [`Secret/${ns}/${s.secret.name ?? ''}`] : [])]),
    ]);
    const cause = mounts.map((k) => changed.get(k)).find((r) => r !== undefined);
    if (cause === undefined) continue;
    const steps = refreshSteps(toDesiredPod(m, topts));
    if (steps.length > 0) out.push({ kind: 'unchanged', ref: `pod/${m.ref.name}`, name: p.name, cause: `mounts ${cause}: files refreshed`, needsImages: [], steps, rollback: [], partOf: cause });
  }
  return out;
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
    out.push({ ref: `${refWord(kind.info)}/${m.ref.name}`, key: objectKeyOf(object), object });
  }
  return out;
}

/**
 * DEFAULT_PRUNE_KINDS are the kinds --prune removes without --prune-allowlist: pods, ConfigMaps,
 * Secrets, Services and Endpoints (kubectl's default list has them; a controller's Endpoints carry no
 * last-applied annotation, so only hand-written ones are pruned). Unlike kubectl's default list, PersistentVolumeClaims (a claim holds data) and Namespaces
 * (deleting one deletes what is in it) are pruned only when the allowlist names them.
 */
export const DEFAULT_PRUNE_KINDS: readonly string[] = ['Pod', 'ConfigMap', 'Secret', 'Service', 'Endpoints'];

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

/** locatedWarning is a warning about a pod manifest at a path (what the kubelet would record as a Warning event). */
function locatedWarning(m: PodManifest, path: JsonPath, message: string): Issue {
  const pos = m.locate(path) ?? { line: 1, column: 1 };
  return { severity: 'warning', rule: 'kubelet', file: m.source, documentIndex: m.documentIndex, line: pos.line, column: pos.column, path: formatFieldPath(path), message: `pod/${m.ref.name}: ${message}` };
}

/** Podman shows a started container's secret-fed variables in inspect before this version (containers/podman#23788). */
const SECRET_ENV_HIDDEN_SINCE = [5, 3] as const;

/**
 * secretEnvWarnings: on a Podman that shows a started container's secret-fed variables in
 * `podman inspect`, one warning per pod to make whose containers read a Secret through env.
 */
async function secretEnvWarnings(engine: ContainerEngine, plan: Plan, desired: readonly DesiredPod[], pods: readonly PodManifest[]): Promise<Issue[]> {
  const made = new Set(plan.actions.filter((a) => a.kind === 'create' || a.kind === 'recreate').map((a) => a.name));
  const readers = desired.filter((d) => made.has(d.name) && [...d.initContainers, ...d.containers].some((c) => c.secretEnv !== undefined));
  if (readers.length === 0) return [];
  const version = await engine.ping();
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > SECRET_ENV_HIDDEN_SINCE[0] || (major === SECRET_ENV_HIDDEN_SINCE[0] && minor >= SECRET_ENV_HIDDEN_SINCE[1])) return [];
  return readers.flatMap((d) => {
    const m = pods.find((p) => podmanPodName(p.ref.namespace, p.ref.name) === d.name);
    const i = (m?.object.spec?.containers ?? []).findIndex((c) => d.containers.find((x) => x.manifestName === c.name)?.secretEnv !== undefined);
    const names = [...d.initContainers, ...d.containers].filter((c) => c.secretEnv !== undefined).map((c) => c.manifestName);
    if (!m) return [];
    return [
      locatedWarning(
        m,
        i >= 0 ? ['spec', 'containers', i] : ['spec'],
        `container ${names.join(', ')} reads Secret values through environment variables, and Podman ${version} shows them in \`podman inspect\` once the container runs (containers/podman#23788, fixed in Podman 5.3); mount the Secret as a volume to keep its values out of inspect`,
      ),
    ];
  });
}

/**
 * reconcileAfterApply runs the controllers once the applied objects are stored: what can be done
 * now is done before apply returns; with --wait, it goes on until the applied workloads are
 * settled, and fails in kubectl wait's words at the time-out.
 */
async function reconcileAfterApply(opts: ApplyOptions, deps: ApplyDeps, engine: ContainerEngine, store: ObjectStore, node: NodeInfo, applied: readonly DesiredObject[]): Promise<ReconcileReport & { waitFailures?: string[] }> {
  const mine = new Set(applied.map((d) => `${d.ref}@${d.key.namespace}`));
  const report = await reconcile(
    { engine, store, probe: deps.probe, hostFs: deps.hostFs, node, concurrency: opts.concurrency, ...(deps.network ? { network: deps.network } : {}), ...(deps.prober ? { prober: deps.prober(engine) } : {}), ...(deps.filesRoot !== undefined ? { filesRoot: deps.filesRoot } : {}), ...(deps.signal ? { signal: deps.signal } : {}) },
    { waitSeconds: opts.wait ? opts.timeoutSeconds ?? APPLY_WAIT_SECONDS : 0, awaited: (w) => mine.has(`${w.ref}@${w.namespace}`) },
  );
  if (opts.wait) {
    const late = report.waiting.filter((w) => mine.has(`${w.ref}@${w.namespace}`)).map((w) => `timed out waiting for the condition on ${pluralRef(w.ref)}: ${w.reason}`);
    // A Job that settled by failing is not what --wait waits for.
    const failed = applied.filter((d) => d.key.kind === 'Job.batch').flatMap((d) => {
      const o = store.get(d.key);
      const c = ((o?.status as { conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> } | undefined)?.conditions ?? []).find((x) => x.type === 'Failed' && x.status === 'True');
      return c ? [`${d.ref} failed: ${c.reason ?? 'Failed'}: ${c.message ?? ''}`.replace(/: $/, '')] : [];
    });
    if (late.length + failed.length > 0) return { ...report, waitFailures: [...late, ...failed] };
  }
  return report;
}

/** pluralRef is how kubectl wait names an object: `deployment.apps/web` → `deployments/web`. */
function pluralRef(ref: string): string {
  const [word = '', name = ''] = ref.split('/');
  return `${word.split('.')[0]}s/${name}`;
}

/** settleNetwork runs a network sync after the objects are applied: what fails there is reported with it, never instead of the run's own report. */
async function settleNetwork(sync: () => Promise<NetworkSync>): Promise<NetworkSync> {
  try {
    return await sync();
  } catch (e) {
    return { actions: [], failures: [`network: ${(e as Error).message}`] };
  }
}

/** runApply runs the apply pipeline; see the module comment. */
export async function runApply(opts: ApplyOptions, deps: ApplyDeps): Promise<ApplyReport> {
  validateApplyOptions(opts);
  const loaded = await loadAndValidate(opts.files, opts.recursive, opts.validate, deps.readStdin, opts.securityProfile, opts.namespace);
  return applyManifests(loaded, opts, deps);
}

/**
 * applyManifests is apply from the valid manifests on: the API server's writes (src/serve) call it
 * with the request's object, `opts.files` naming where it came from.
 */
export async function applyManifests(loaded: { manifests: ValidManifest[]; warnings: Issue[] }, opts: ApplyOptions, deps: ApplyDeps): Promise<ApplyReport> {
  const selector = opts.selector !== undefined ? parseSelector(opts.selector) : undefined;
  const { manifests } = loaded;
  const warnings = [...loaded.warnings];
  const pods = podManifestsOf(manifests);
  const desiredObjects = desiredObjectsOf(manifests);
  // Pods that read ConfigMaps or Secrets are translated once the store is open (their objects may be stored only).
  let netCtx: PodNetworkContext | undefined;
  const translateAll = (sources: PodSources): DesiredPod[] =>
    pods.map((m) =>
      desiredPodOf(m, {
        sources,
        ...(deps.filesRoot !== undefined ? { filesRoot: deps.filesRoot } : {}),
        ...(netCtx !== undefined ? { network: netCtx } : {}),
        warn: (path, message) => warnings.push(locatedWarning(m, path, message)),
      }),
    );
  const reads = readsObjects(pods);
  // With kubeplay's network, pods are translated once the layout and the Services are known.
  const late = reads || deps.network !== undefined;
  let desired = late ? [] : translateAll(NO_SOURCES);
  const prunable = opts.prune ? pruneKinds(opts.pruneAllowlist) : [];
  // A claim's prune removes its volume after the run's pods (plan-claims.ts), not the object alone.
  const prunableObjects = prunable.filter((k) => k.carriedOut === 'store' && k.info.kind !== CLAIM_KIND);
  const pruneClaims = prunable.some((k) => k.info.kind === CLAIM_KIND);
  const objectKinds = [...new Set([...desiredObjects.map((d) => d.key.kind), ...prunableObjects.map((k) => groupKindText(k.info))])];
  const objectPrune: ObjectPrune | undefined =
    opts.prune && selector && prunableObjects.length > 0
      ? {
          kinds: new Map(prunableObjects.map((k) => [groupKindText(k.info), refWord(k.info)])),
          matches: (l) => matchesSelector(selector, l),
          selector: selector.text,
          namespaces: new Set(manifests.map((m) => m.ref.namespace)),
        }
      : undefined;
  const namespacesInInput = desiredObjects.filter((d) => d.key.kind === 'Namespace').map((d) => d.key.name);
  const claimVolumes = desiredObjects.filter((d) => d.key.kind === CLAIM_KIND).map((d) => claimVolumeName(d.key.namespace, d.key.name));
  const withObjects = (plan: Plan, stored: Parameters<typeof planObjects>[1], namespaces?: readonly string[], volumes: Parameters<typeof planClaimVolumes>[3] = new Map()): Plan => {
    const claims = planClaimVolumes(planObjects(desiredObjects, stored, { replace: opts.replace === true }), desiredObjects, stored, volumes);
    return {
      ...plan,
      actions: [...claims.actions, ...plan.actions, ...(objectPrune ? planObjectPrunes(desiredObjects, stored, objectPrune) : [])],
      conflicts: [
        ...(namespaces ? namespaceConflicts(manifests.map((m) => m.ref), namespaces, namespacesInInput) : []),
        ...objectUpdateConflicts(desiredObjects, stored, (kind) => kindOf(kind)?.updateProblems),
        ...claims.conflicts,
        ...plan.conflicts,
      ],
    };
  };

  let sources: PodSources = NO_SOURCES;
  const topts = (): TranslateOptions => ({ sources, ...(deps.filesRoot !== undefined ? { filesRoot: deps.filesRoot } : {}), ...(netCtx !== undefined ? { network: netCtx } : {}) });
  const planOpts = {
    force: opts.force,
    previousOf: (p: ObservedPod) => previousFromLabel(p, topts()),
    ...(deps.filesRoot !== undefined ? { filesRoot: deps.filesRoot } : {}),
    ...(opts.prune && selector && prunable.some((k) => k.carriedOut === 'podman-pods') ? { prune: { matches: (l: Record<string, string>) => matchesSelector(selector, l), selector: selector.text } } : {}),
  };
  if (opts.dryRun === 'client') {
    // kubectl's client dry run asks the server nothing: every object reads as created; pods read the input's objects only.
    // Nor of the network: the pods are translated without it.
    if (late) desired = translateAll(reads ? (sources = sourcesOf(desiredObjects.map((d) => d.object), [])) : NO_SOURCES);
    return { dryRun: 'client', manifests, warnings, plan: withObjects(planChanges(desired, { pods: [] }, planOpts), []) };
  }
  const engine = await deps.engine();
  // A server dry run changes nothing, so it need not wait for another kubeplay.
  const release = opts.dryRun === 'none' && deps.lock ? await deps.lock() : undefined;
  let store: ObjectStore | undefined;
  try {
    if (late) {
      // The objects pods read must be known before they are translated: the store first.
      if (deps.store) store = deps.store();
      if (deps.network !== undefined) {
        netCtx = await podNetworkOf(engine, deps.network, store, []);
        // Services get their ClusterIPs and nodePorts here, as the API server allocates them on create.
        // A nodePort kubeplay chose that a process outside Podman holds is passed over, as the API
        // server's allocator would skip a port its node cannot open: allocated again without it.
        const originals = new Map(desiredObjects.map((d) => [d, d.object]));
        const asked = new Set(desiredObjects.filter((d) => d.key.kind === 'Service').flatMap((d) => ((d.object['spec'] as { ports?: Array<{ nodePort?: number }> } | undefined)?.ports ?? []).flatMap((p) => (p.nodePort !== undefined ? [p.nodePort] : []))));
        const held = desiredObjects.some((d) => d.key.kind === 'Service') ? await hostHeldPorts(engine, deps.network.name) : new Set<number>();
        let allocated = allocateServices(desiredObjects, store, netCtx.layout, deps.network.hostIP, held);
        for (let attempt = 0; ; attempt++) {
          if (allocated.conflicts.length > 0) throw new ConflictError(allocated.conflicts);
          const taken = await publishedPortConflicts(engine, deps.probe, netCtx.layout, allocated.services);
          if (taken.length === 0) break;
          const chosen = taken.filter((t) => t.nodePort !== undefined && !asked.has(t.nodePort));
          if (chosen.length < taken.length || attempt >= 20) throw new ConflictError(taken.map((t) => t.message));
          for (const t of chosen) held.add(t.nodePort!);
          for (const [d, o] of originals) d.object = o;
          allocated = allocateServices(desiredObjects, store, netCtx.layout, deps.network.hostIP, held);
        }
        netCtx = { ...netCtx, services: mergeServices(netCtx.services, allocated.services) };
      }
      if (reads) {
        sources = sourcesOf(desiredObjects.map((d) => d.object), observeSources(store));
        const missing = referenceIssues(pods, sources);
        if (missing.length > 0) throw new ManifestError(sortIssues(missing, opts.files));
      }
      desired = translateAll(sources);
    }
    const observing = observeState(engine, desired, deps.probe);
    const inspecting = claimVolumes.length > 0 ? observeClaimVolumes(engine, claimVolumes) : Promise.resolve(new Map());
    // Opened while Podman answers the listing (loading the native module takes ~13 ms), and before
    // any change: a store that cannot be opened stops the run with nothing changed.
    if (deps.store && !store) store = deps.store();
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
    const planned = withObjects(podPlan, objects.objects, objects.namespaces, await inspecting);
    // Pods elsewhere read the objects as this apply leaves them (the store's, with the input's over them).
    if (!reads && desiredObjects.some((d) => d.key.kind === 'ConfigMap' || d.key.kind === 'Secret')) sources = sourcesOf(desiredObjects.map((d) => d.object), observeSources(store));
    const refreshed = refreshedElsewhere(planned.actions, desiredObjects, observed.pods, new Set(desired.map((d) => d.name)), topts());
    const plan = { ...planned, actions: [...planned.actions, ...refreshed] };
    // Claims the allowlist lets --prune take, and claims kept Terminating whose last pod this run
    // prunes (or that lost their pods otherwise), are removed after the run's pods.
    if (storedClaims && ((pruneClaims && selector) || storedClaims.some(isTerminating))) {
      const removed = new Set(podPlan.actions.filter((a) => a.kind === 'prune').map((a) => a.name));
      const inInput = new Set(desiredObjects.filter((d) => d.key.kind === CLAIM_KIND).map((d) => `${d.key.namespace}/${d.key.name}`));
      const users = claimUsers(observed.pods, previousFromLabel, removed, desired);
      if (pruneClaims && selector) {
        const pruned = planClaimPrunes(storedClaims, inInput, (l) => matchesSelector(selector, l), true, users, new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'));
        plan.actions.push(...pruned.actions);
        for (const w of pruned.warnings) warnings.push({ severity: 'warning', rule: 'pvc-protection', file: '', documentIndex: 0, line: 0, column: 0, path: '', message: w });
      }
      if (storedClaims.some(isTerminating)) plan.actions.push(...finishTerminatingClaims(storedClaims, users, inInput));
    }
    if (plan.conflicts.length > 0) throw new ConflictError(plan.conflicts.map((c) => `${c.ref}: ${c.message}`));
    warnings.push(...(await secretEnvWarnings(engine, plan, desired, pods)));
    const makesPods = plan.actions.some((a) => (a.kind === 'create' || a.kind === 'recreate') && a.ref.startsWith('pod/'));
    if (opts.dryRun === 'server') {
      if (deps.network !== undefined && makesPods) {
        const base = await syncNetwork(engine, store, deps.network, deps.hostFs, { podsNeedNetwork: true, only: 'base', dryRun: true, ...(netCtx ? { layout: netCtx.layout } : {}) });
        return { dryRun: 'server', manifests, warnings, plan: { ...plan, actions: [...base.actions, ...plan.actions] } };
      }
      return { dryRun: 'server', manifests, warnings, plan };
    }
    // The network and its DNS server before the pods that join it.
    const base = deps.network !== undefined && makesPods ? await syncNetwork(engine, store, deps.network, deps.hostFs, { podsNeedNetwork: true, only: 'base', concurrency: opts.concurrency, ...(netCtx ? { layout: netCtx.layout } : {}) }) : undefined;
    if (base !== undefined && base.failures.length > 0) throw new EngineError(`cannot prepare kubeplay's network for the pods: ${base.failures.join('; ')}; nothing else was changed: apply again`, 'ensureNetwork');
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
    const reconciled = store && deps.node && !deps.signal?.aborted && hasWorkloads(store) ? await reconcileAfterApply(opts, deps, engine, store, deps.node, desiredObjects) : undefined;
    // The reconcile loop keeps the network in step itself; without one, this apply does.
    // (Not after a run Podman stopped answering: the run's own report says what was not done.)
    const network =
      reconciled?.network ??
      (deps.network !== undefined && !deps.signal?.aborted && execution.stopped === undefined
        ? await settleNetwork(() => syncNetwork(engine, store, deps.network!, deps.hostFs, { podsNeedNetwork: false, concurrency: opts.concurrency, ...(netCtx ? { layout: netCtx.layout } : {}) }))
        : undefined);
    return {
      dryRun: 'none',
      manifests,
      warnings,
      plan,
      execution,
      ...(recorded ? { recorded } : {}),
      ...(reconciled ? { reconciled } : {}),
      ...(reconciled?.waitFailures ? { waitFailures: reconciled.waitFailures } : {}),
      ...(network ? { network } : {}),
    };
  } finally {
    store?.close();
    await release?.();
  }
}
