/**
 * runDelete: kubectl's delete for Podman pods, returning data for the CLI to print.
 *   (-f: loadManifests → kind + metadata.name only) → observe pods → planDeletes → executePlan
 * Pods are chosen by name, by the documents of -f files (the rest of each manifest is ignored, so
 * a file that no longer validates can still be deleted), by -l, or by --all. A pod kubeplay did
 * not create is deleted only when named explicitly, unless --include-unmanaged.
 */
import { syncNetwork, type NetworkDeps } from './network';
import { isSystemPod } from '../domain/network';
import { refWord } from '../domain/kinds';
import type { ObjectStore } from '../store/object-store';
import { recordDelete } from './record-state';
import { hasWorkloads, reconcile, workloadKinds, type ReconcileReport } from './reconcile';
import type { NodeInfo } from '../controllers/controller';
import type { HostProbe } from '../observe/observe-state';
import type { Prober } from '../observe/probes/prober';
import type { Action } from '../plan/plan';
import { storeWriter } from './store-writer';
import type { ObservedPod } from '../domain/state';
import { DEFAULT_NAMESPACE } from '../domain/kinds';
import { podIdentityFromNames } from '../domain/pod-names';
import { kindOf, KINDS, POD_KIND, requireResource } from '../kinds/registry';
import type { KindModule } from '../kinds/kind';
import { NAMESPACE } from '../kinds/namespace';
import { PERSISTENT_VOLUME_CLAIM } from '../kinds/pvc';
import { CLAIM_KIND, claimUsers, finishTerminatingClaims, planClaimDeletes, PODS_REMOVED_BARRIER, type ClaimTarget } from '../plan/plan-claims';
import type { StoredObject } from '../domain/objects';
import { rfc3339 } from '../print/get/format';
import { observeObjects } from '../observe/observe-objects';
import { planNamespaceDeletes } from '../plan/plan-namespace-deletes';
import { planObjectDeletes, type ObjectDeleteRequest, type ObjectKind } from '../plan/plan-object-deletes';
import { objectDeleteAction } from '../plan/plan-objects';
import { objectKeyOf } from '../domain/objects';
import { groupKindText } from '../domain/kinds';
import type { Issue, LoadedDocument } from '../domain/types';
import { ManifestError, UsageError } from '../domain/errors';
import { matchesSelector, parseSelector } from '../domain/selector';
import type { Selector } from '../domain/selector';
import type { ContainerEngine } from '../engine/container-engine';
import { loadManifests } from '../load';
import { toObservedPod } from '../observe/observe-state';
import { planDeletes } from '../plan/plan-deletes';
import type { DeletePlan, DeleteRequest, DeleteTarget } from '../plan/plan-deletes';
import { executePlan } from '../execute/execute-plan';
import type { ExecutionReport, HostFs } from '../execute/execute-plan';
import type { DryRun } from './apply';
import { previousFromLabel } from './pod-manifests';
import { sortIssues } from './issues';

/** DeleteOptions are delete's flags and arguments, typed but not yet checked. */
export interface DeleteOptions {
  /** Positional arguments: `pod NAME...`, `pods`, `pod/NAME...`. */
  args: string[];
  files: string[];
  recursive: boolean;
  selector?: string;
  all: boolean;
  /** undefined: not given (kubectl then ignores NotFound for -l and --all only). */
  ignoreNotFound?: boolean;
  includeUnmanaged: boolean;
  /** -1 (the default) uses each pod's own grace period. */
  gracePeriod: number;
  now: boolean;
  force: boolean;
  dryRun: DryRun;
  wait: boolean;
  /** '' for kubectl's sentences, or 'name'. */
  output: string;
  /** -n: the namespace of the objects named (`default` when not given). */
  namespace?: string;
  /** -A: with -l or --all, every namespace. */
  allNamespaces?: boolean;
  /**
   * --cascade: what becomes of what a deleted object's controller made (background, the default:
   * removed after it; foreground: the same, before delete returns in both cases here; orphan: kept,
   * its ownerReferences to the object dropped).
   */
  cascade?: Cascade;
}

/** Cascade is kubectl's --cascade. */
export type Cascade = 'background' | 'foreground' | 'orphan';

/** ResolvedDelete is DeleteOptions after validation: what to select and how to stop, as kubectl's Complete leaves them. */
export interface ResolvedDelete {
  /** The kind named by argument (the files name their own). */
  kind: KindModule;
  /** The namespace looked in; undefined with -A. */
  namespace?: string;
  source: { by: 'names'; names: string[] } | { by: 'files'; files: string[] } | { by: 'selector'; selector: Selector } | { by: 'all' };
  /** Label filter on the documents of -f files (kubectl filters file objects by -l). */
  fileSelector?: Selector;
  /** -1: each pod's own; 0: force (SIGKILL at once); N: SIGTERM, SIGKILL after N seconds. */
  gracePeriod: number;
  ignoreNotFound: boolean;
}

/** DeleteDeps are what delete needs from outside, injected by the composition root. */
export interface DeleteDeps {
  readStdin: (maxBytes: number) => Promise<Buffer>;
  /** Connects to the engine; called only when Podman is needed. */
  engine: () => Promise<ContainerEngine>;
  /** Starts a background kubeplay with these arguments that finishes the deletion (--wait=false). */
  detach: (args: string[]) => Promise<void>;
  /** Pods worked on at once; default DELETE_CONCURRENCY. */
  concurrency?: number;
  /** Takes the lock of the engine's connection (see ApplyDeps.lock); resolves to its release. */
  lock?: () => Promise<() => Promise<void>>;
  /** Opens the object store; absent: nothing is recorded. */
  store?: () => ObjectStore;
  /** Where pods' volume files are kept (`<state dir>/pods`): a deleted pod's own directory is removed. */
  filesRoot?: string;
  /** Removes those directories. */
  hostFs?: HostFs;
  /** This machine as a node, and the host checks pod creation needs: with both, controllers run after the delete (a controller's pod deleted is made again; what a deleted owner made goes). */
  node?: NodeInfo;
  probe?: HostProbe;
  /** Makes the prober the controllers' look at pods runs (readiness). */
  prober?: (engine: ContainerEngine) => Prober;
  /** kubeplay's network: a deleted Service's proxy goes, endpoints follow deleted pods (docs/networking.md). */
  network?: NetworkDeps;
}

/** DeleteReport is what delete did (or would do, on a dry run, or asked a background kubeplay to do). */
export interface DeleteReport {
  dryRun: DryRun;
  /** Whether pods were killed at once (--force --grace-period=0): kubectl then says "force deleted". */
  force: boolean;
  /** Whether the input was a selector or --all (kubectl says "No resources found" when it matched nothing). */
  selected: boolean;
  plan: DeletePlan & { forbidden: Array<{ ref: string; message: string }> };
  execution?: ExecutionReport;
  /** With --wait=false: the arguments the background kubeplay was started with. */
  detached?: string[];
  /** For -f: the refs in the files' order, which the printer reports in. */
  order?: readonly string[];
  /** What the controllers did after the delete. */
  reconciled?: ReconcileReport;
}

/**
 * DELETE_CONCURRENCY bounds the pods stopped at once. A stop is mostly waiting out a grace
 * period, so pods are not queued behind each other's grace periods: deleting 20 pods takes about
 * one grace period, not 20.
 */
export const DELETE_CONCURRENCY = 64;

const MISSING_RESOURCE =
  "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/** checkType finds the kind a resource word names; several words must name one kind. */
function checkType(type: string): KindModule {
  const kinds = type.split(',').map((t) => requireResource(t));
  if (new Set(kinds).size > 1) throw new UsageError(`kubeplay deletes one resource type at a time: "${type}" names ${kinds.map((k) => k.info.plural).join(' and ')}; run delete once for each`);
  return kinds[0]!;
}

/**
 * validateDeleteOptions checks arguments and flag combinations with kubectl's messages and
 * resolves them as kubectl's DeleteOptions.Complete does (--now is 1 s; --grace-period=0 without
 * --force is 1 s; --force alone is 0). Pure.
 */
export function validateDeleteOptions(o: DeleteOptions): ResolvedDelete {
  if (o.output !== '' && o.output !== 'name') throw new UsageError(`unexpected -o output mode: ${o.output}. We only support '-o name'`);
  if (o.all && o.selector !== undefined) throw new UsageError('cannot set --all and --selector at the same time');
  if (!Number.isInteger(o.gracePeriod) || o.gracePeriod < -1)
    throw new UsageError(`invalid --grace-period "${String(o.gracePeriod)}": give whole seconds (0 or more), or -1 for each pod's own terminationGracePeriodSeconds`);
  let grace = o.gracePeriod;
  if (o.now) {
    if (grace !== -1) throw new UsageError('--now and --grace-period cannot be specified together');
    grace = 1;
  }
  if (grace === 0 && !o.force) grace = 1; // kubectl: guards against accidental data loss; --force bypasses it
  if (o.force && grace < 0) grace = 0;
  if (o.force && grace > 0) throw new UsageError('--force and --grace-period greater than 0 cannot be specified together');

  const selector = o.selector !== undefined ? parseSelector(o.selector) : undefined;
  const ignoreNotFound = o.ignoreNotFound ?? (o.all || selector !== undefined);
  const namespace = o.namespace !== undefined && o.namespace !== '' ? o.namespace : DEFAULT_NAMESPACE;
  const where = o.allNamespaces ? {} : { namespace };
  const base = { gracePeriod: grace, ignoreNotFound, kind: POD_KIND, ...where };

  if (o.files.length > 0) {
    if (o.args.length > 0) throw new UsageError('when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well');
    if (o.all) throw new UsageError('--all cannot be used with -f: the files name the pods to delete (use -l to pick some of them)');
    return { ...base, namespace, source: { by: 'files', files: o.files }, ...(selector ? { fileSelector: selector } : {}) };
  }
  if (o.args.length === 0) {
    if (selector !== undefined || o.all) throw new UsageError('at least one resource must be specified to use a selector: use kubeplay delete pods -l SELECTOR (or pods --all)');
    throw new UsageError(MISSING_RESOURCE);
  }
  const [first, ...rest] = o.args as [string, ...string[]];
  if (first.includes('/')) {
    const names: string[] = [];
    let kind: KindModule | undefined;
    for (const a of o.args) {
      const slash = a.indexOf('/');
      if (slash < 0)
        throw new UsageError(
          "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubeplay delete pod/<name>' instead of 'kubeplay delete pod pod/<name>')",
        );
      const k = checkType(a.slice(0, slash));
      if (kind !== undefined && k !== kind) throw new UsageError('kubeplay deletes one resource type at a time: run delete once for each type');
      kind = k;
      const name = a.slice(slash + 1);
      if (name === '') throw new UsageError(`arguments in resource/name form must have a single resource and name: "${a}"`);
      names.push(name);
    }
    if (selector !== undefined || o.all) throw new UsageError('selectors and the all flag cannot be used when passing resource/name arguments');
    if (o.allNamespaces) throw new UsageError('a resource cannot be retrieved by name across all namespaces');
    return { ...base, namespace, kind: kind ?? POD_KIND, source: { by: 'names', names } };
  }
  const kind = checkType(first);
  if (rest.some((a) => a.includes('/')))
    throw new UsageError(
      "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubeplay delete pod/<name>' instead of 'kubeplay delete pod pod/<name>')",
    );
  if (rest.length > 0) {
    if (selector !== undefined || o.all) throw new UsageError('name cannot be provided when a selector is specified');
    if (o.allNamespaces) throw new UsageError('a resource cannot be retrieved by name across all namespaces');
    return { ...base, namespace, kind, source: { by: 'names', names: rest } };
  }
  if (selector !== undefined) return { ...base, kind, source: { by: 'selector', selector } };
  if (o.all) return { ...base, kind, source: { by: 'all' } };
  throw new UsageError('resource(s) were provided, but no name, label selector, or --all flag specified');
}

/**
 * targetsFromDocuments reads kind and metadata.name of each loaded document, nothing else, so a
 * manifest that no longer validates can still be deleted. A document that names no pod is an
 * issue; `only` keeps the documents whose metadata.labels match.
 */
export function targetsFromDocuments(docs: readonly LoadedDocument[], only?: Selector, namespace = DEFAULT_NAMESPACE): { targets: KindTarget[]; issues: Issue[] } {
  const targets: KindTarget[] = [];
  const issues: Issue[] = [];
  for (const d of docs) {
    const issue = (path: Array<string | number>, pathText: string, message: string) => {
      const at = d.locate(path) ?? { line: 1, column: 1 };
      issues.push({ severity: 'error', rule: 'delete', file: d.source, documentIndex: d.documentIndex, line: at.line, column: at.column, path: pathText, message });
    };
    const kind = d.value['kind'];
    const meta = d.value['metadata'];
    const name = meta !== null && typeof meta === 'object' ? (meta as Record<string, unknown>)['name'] : undefined;
    if (kind === undefined || kind === null || kind === '') {
      issue([], '', 'required field "kind" is missing, so kubeplay cannot tell what to delete: set kind: Pod');
      continue;
    }
    const module = typeof kind === 'string' ? kindOf(kind) : undefined;
    if (module === undefined) {
      issue(['kind'], 'kind', `kind ${JSON.stringify(kind)} is not supported: kubeplay deletes ${KINDS.map((k) => k.info.kind).join(', ')}; remove this document from the input`);
      continue;
    }
    if (typeof name !== 'string' || name === '') {
      issue(name === undefined ? ['metadata'] : ['metadata', 'name'], 'metadata.name', 'resource name may not be empty: kubeplay needs metadata.name to know which pod to delete');
      continue;
    }
    if (only !== undefined) {
      const raw = (meta as Record<string, unknown>)['labels'];
      const labels: Record<string, string> = {};
      if (raw !== null && typeof raw === 'object') for (const [k, v] of Object.entries(raw)) labels[k] = String(v);
      if (!matchesSelector(only, labels)) continue;
    }
    const given = (meta as Record<string, unknown>)['namespace'];
    const ns = module.info.namespaced ? (typeof given === 'string' && given !== '' ? given : namespace) : '';
    targets.push({ kind: module, name, ...(ns !== '' ? { namespace: ns } : {}), source: d.source });
  }
  return { targets, issues };
}

/** KindTarget is a DeleteTarget of a kind (from a -f file, where each document names its own). */
export interface KindTarget extends DeleteTarget {
  kind: KindModule;
}

/**
 * detachedArgs are the arguments of the background kubeplay that carries out a --wait=false
 * delete: the pods already chosen, by name (so it deletes exactly those, managed or not), with
 * the same grace period; a pod gone meanwhile is not an error.
 */
export function detachedArgs(plan: DeletePlan, gracePeriod: number): string[] {
  const ids = plan.actions.map((a) => (a.ref.startsWith('pod/') && a.partOf === undefined ? podIdentityFromNames(a.name, a.ref.slice('pod/'.length)) : undefined));
  const namespaces = new Set(ids.map((id) => id?.namespace));
  if (ids.some((id) => id === undefined) || namespaces.size > 1)
    throw new UsageError('--wait=false deletes the pods of one namespace at a time: run delete with --wait=true, or once per namespace');
  const ns = [...namespaces][0] ?? DEFAULT_NAMESPACE;
  const args = ['delete', 'pods', ...ids.map((id) => id?.name ?? ''), ...(ns !== DEFAULT_NAMESPACE ? ['-n', ns] : []), '--ignore-not-found', '--wait=true'];
  if (gracePeriod === 0) args.push('--force', '--grace-period=0');
  else if (gracePeriod > 0) args.push(`--grace-period=${gracePeriod}`);
  return args;
}

/** eqLabels are a selector's `k=v` requirements, which Podman can filter on before kubeplay matches the rest. */
export function eqLabels(sel: Selector): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of sel.requirements) if (r.op === 'eq') out[r.key] = r.value;
  return out;
}

/** ObjectSelection picks objects of a store-only kind: by name, by labels, or all. */
type ObjectSelection = { by: 'names'; targets: DeleteTarget[] } | { by: 'selector'; matches: (labels: Readonly<Record<string, string>>) => boolean } | { by: 'all' };

/** DeleteSelection is what was asked for: pods (by the pod planner's request), namespaces, claims, and objects of the other store-only kinds. */
interface DeleteSelection {
  /** For -f: the objects' refs (`configmap/x`) in the files' order, the order kubectl reports them in. */
  order?: string[];
  objects?: ObjectDeleteRequest;
  pods?: DeleteRequest;
  namespaces?: ObjectSelection;
  claims?: ObjectSelection;
}

/** selectionOf turns the resolved options (and, for -f, the files' documents) into what to delete. */
async function selectionOf(r: ResolvedDelete, opts: DeleteOptions, deps: DeleteDeps): Promise<DeleteSelection> {
  if (r.source.by === 'files') {
    const loaded = await loadManifests(r.source.files, { recursive: opts.recursive, readStdin: deps.readStdin });
    const { targets, issues } = targetsFromDocuments(loaded.documents, r.fileSelector, r.namespace);
    const errors = [...loaded.issues, ...issues].filter((i) => i.severity === 'error');
    if (errors.length > 0) throw new ManifestError(sortIssues(errors, r.source.files));
    if (loaded.documents.length === 0) throw new UsageError('no objects passed to delete: the files hold no Kubernetes objects');
    const pods = targets.filter((t) => t.kind.carriedOut === 'podman-pods');
    const namespaces = targets.filter((t) => t.kind.info.kind === 'Namespace');
    const objects = targets.filter((t) => isStoredObjectKind(t.kind)).map((t) => ({ ...t, kind: objectKindOf(t.kind) }));
    const claims = targets.filter((t) => t.kind === PERSISTENT_VOLUME_CLAIM);
    return {
      order: targets.map((t) => `${refWord(t.kind.info)}/${t.name}`),
      pods: { by: 'names', targets: pods },
      ...(namespaces.length > 0 ? { namespaces: { by: 'names', targets: namespaces } } : {}),
      ...(objects.length > 0 ? { objects: { by: 'names', targets: objects } } : {}),
      ...(claims.length > 0 ? { claims: { by: 'names', targets: claims } } : {}),
    };
  }
  if (r.kind === PERSISTENT_VOLUME_CLAIM) {
    if (r.source.by === 'names') return { claims: { by: 'names', targets: r.source.names.map((name) => ({ name, namespace: r.namespace ?? DEFAULT_NAMESPACE })) } };
    const sel = r.source.by === 'selector' ? r.source.selector : undefined;
    return { claims: sel ? { by: 'selector', matches: (labels) => matchesSelector(sel, labels) } : { by: 'all' } };
  }
  if (isStoredObjectKind(r.kind)) {
    const kind = objectKindOf(r.kind);
    if (r.source.by === 'names') return { objects: { by: 'names', targets: r.source.names.map((name) => ({ name, kind, ...(r.namespace !== undefined ? { namespace: r.namespace } : {}) })) } };
    const sel = r.source.by === 'selector' ? r.source.selector : undefined;
    return { objects: { by: r.source.by, kind, ...(r.namespace !== undefined ? { namespace: r.namespace } : {}), matches: (labels) => !sel || matchesSelector(sel, labels) } };
  }
  const isNamespace = r.kind.info.kind === 'Namespace';
  if (r.source.by === 'names') {
    const targets = r.source.names.map((name) => ({ name, ...(r.namespace !== undefined ? { namespace: r.namespace } : {}) }));
    return isNamespace ? { namespaces: { by: 'names', targets } } : { pods: { by: 'names', targets } };
  }
  if (r.source.by === 'selector') {
    const sel = r.source.selector;
    const matches = (labels: Readonly<Record<string, string>>) => matchesSelector(sel, labels);
    return isNamespace ? { namespaces: { by: 'selector', matches } } : { pods: { by: 'selector', text: sel.text, matches, ...(r.namespace !== undefined ? { namespace: r.namespace } : {}) } };
  }
  return isNamespace ? { namespaces: { by: 'all' } } : { pods: { by: 'all', ...(r.namespace !== undefined ? { namespace: r.namespace } : {}) } };
}

/** runDelete runs delete; see the module comment. */
export async function runDelete(opts: DeleteOptions, deps: DeleteDeps): Promise<DeleteReport> {
  const r = validateDeleteOptions(opts);
  const selection = await selectionOf(r, opts, deps);
  const planOpts = {
    gracePeriod: r.gracePeriod,
    includeUnmanaged: opts.includeUnmanaged,
    previousOf: (p: ObservedPod) => previousFromLabel(p),
    undeletable: (n: string) => NAMESPACE.undeletable?.(n),
    ...(deps.filesRoot !== undefined ? { filesRoot: deps.filesRoot } : {}),
  };
  const selected = selection.pods !== undefined ? selection.pods.by !== 'names' : (selection.namespaces ?? selection.claims ?? selection.objects)?.by !== 'names';
  const report = (plan: DeleteReport['plan']): DeleteReport => ({
    dryRun: opts.dryRun,
    force: r.gracePeriod === 0,
    selected,
    plan: r.ignoreNotFound ? { ...plan, notFound: [] } : plan,
    ...(selection.order ? { order: selection.order } : {}),
  });
  /** planAll joins the pod plan and the namespace plan: explicit pods first, a namespace's contents and the namespaces after. */
  const planAll = (
    pods: readonly ObservedPod[] | undefined,
    namespaces: readonly { name: string; labels: Record<string, string> }[] | undefined,
    stored?: readonly StoredObject[],
    nsContents?: readonly StoredObject[],
  ): DeleteReport['plan'] => {
    const podsOnly = selection.pods ? planDeletes(selection.pods, pods, planOpts) : { images: [], actions: [], conflicts: [], notFound: [], skippedUnmanaged: [] };
    // Objects a pod may read (ConfigMaps, Secrets) are listed before the pods, as apply orders them.
    const objectPlan = selection.objects ? planObjectDeletes(selection.objects, stored) : { actions: [], notFound: [] };
    const podPlan = { ...podsOnly, actions: [...objectPlan.actions, ...podsOnly.actions], notFound: [...objectPlan.notFound, ...podsOnly.notFound] };
    const ns = selection.namespaces;
    if (ns === undefined) return { ...podPlan, forbidden: [] };
    const targets: DeleteTarget[] =
      ns.by === 'names' ? ns.targets : (namespaces ?? []).filter((n) => ns.by === 'all' || ns.matches(n.labels)).map((n) => ({ name: n.name }));
    const nsPlan = planNamespaceDeletes(targets, namespaces?.map((n) => n.name), pods, planOpts);
    const explicit = new Set(podPlan.actions.map((a) => a.name));
    // A namespace takes its ConfigMaps and Secrets with it, as the namespace controller deletes its contents.
    const deletedNs = new Set(nsPlan.actions.filter((a) => a.ref.startsWith('namespace/') && a.partOf === undefined).map((a) => a.name));
    const named = new Set(podPlan.actions.filter((a) => a.steps.some((st) => st.op === 'removeObject')).map((a) => a.ref));
    const contents = (nsContents ?? [])
      .filter((o) => deletedNs.has(o.metadata.namespace ?? '') && !named.has(`${o.kind.toLowerCase()}/${o.metadata.name}`))
      .map((o) => ({ ...objectDeleteAction(`${o.kind.toLowerCase()}/${o.metadata.name}`, objectKeyOf(o), `in namespace ${o.metadata.namespace ?? ''}, deleted with it`), partOf: `namespace/${o.metadata.namespace ?? ''}` }));
    return {
      ...podPlan,
      actions: [...podPlan.actions, ...contents, ...nsPlan.actions.filter((a) => a.partOf === undefined || !explicit.has(a.name))],
      notFound: [...podPlan.notFound, ...nsPlan.notFound.map((t) => ({ ...t, resource: 'namespaces' }))],
      forbidden: nsPlan.forbidden,
    };
  };
  /**
   * withClaims adds the claims asked for, those of the namespaces deleted, and the Terminating claims
   * this run frees (their last pod deleted) to the plan: each removed after the run's pods are
   * removed, or kept Terminating while a pod that stays uses it.
   */
  const withClaims = (plan: DeleteReport['plan'], pods: readonly ObservedPod[] | undefined, storedClaims: readonly StoredObject[] | undefined): DeleteReport['plan'] => {
    const sel = selection.claims;
    const inNamespace = (o: StoredObject) => r.namespace === undefined || (o.metadata.namespace ?? '') === r.namespace;
    const asked: ClaimTarget[] =
      sel === undefined
        ? []
        : sel.by === 'names'
          ? sel.targets
          : (storedClaims ?? []).filter((o) => inNamespace(o) && (sel.by === 'all' || sel.matches(o.metadata.labels ?? {}))).map((o) => ({ name: o.metadata.name, namespace: o.metadata.namespace ?? DEFAULT_NAMESPACE }));
    // A namespace deleted takes its claims, after its pods.
    const nsRefs = new Set(plan.actions.filter((a) => a.ref.startsWith('namespace/') && a.partOf === undefined).map((a) => a.name));
    const ofNamespaces: ClaimTarget[] = (storedClaims ?? []).filter((o) => nsRefs.has(o.metadata.namespace ?? '')).map((o) => ({ name: o.metadata.name, namespace: o.metadata.namespace ?? DEFAULT_NAMESPACE, partOf: `namespace/${o.metadata.namespace ?? ''}` }));
    if (asked.length === 0 && ofNamespaces.length === 0 && !(storedClaims ?? []).some((o) => o.metadata['deletionTimestamp'] !== undefined)) return plan;
    const removed = new Set(plan.actions.filter((a) => a.ref.startsWith('pod/')).map((a) => a.name));
    const users = claimUsers(pods ?? [], previousFromLabel, removed);
    const claims = planClaimDeletes([...asked, ...ofNamespaces], pods === undefined ? undefined : storedClaims, users, rfc3339(new Date()));
    const targeted = new Set([...asked, ...ofNamespaces].map((t) => `${t.namespace ?? DEFAULT_NAMESPACE}/${t.name}`));
    const finished = pods === undefined ? [] : finishTerminatingClaims(storedClaims ?? [], users, targeted);
    // A namespace's object goes after its claims' volumes, as it goes once it is empty.
    const actions = plan.actions.map((a) =>
      a.ref.startsWith('namespace/') && ofNamespaces.some((t) => t.partOf === a.ref) ? { ...a, steps: a.steps.flatMap((st) => (st.op === 'barrier' ? [st, PODS_REMOVED_BARRIER] : [st])) } : a,
    );
    return {
      ...plan,
      actions: [...actions, ...claims.actions, ...finished],
      notFound: [...plan.notFound, ...claims.notFound],
      warnings: [...(plan.warnings ?? []), ...claims.warnings],
    };
  };

  // kubectl's client dry run does not ask the server about named objects; a selector must list.
  const named =
    (selection.pods === undefined || selection.pods.by === 'names') &&
    (selection.namespaces === undefined || selection.namespaces.by === 'names') &&
    (selection.objects === undefined || selection.objects.by === 'names') &&
    (selection.claims === undefined || selection.claims.by === 'names');
  if (opts.dryRun === 'client' && named) return report(withClaims(planAll(undefined, undefined), undefined, undefined));
  const engine = await deps.engine();
  // Observed under the lock, so a pod another kubeplay is making is deleted whole, not half-made.
  const release = opts.dryRun === 'none' && deps.lock ? await deps.lock() : undefined;
  let store: ObjectStore | undefined;
  try {
    const podRequest = selection.pods;
    const filter = podRequest?.by === 'selector' && selection.namespaces === undefined && r.source.by === 'selector' ? eqLabels(r.source.selector) : undefined;
    const listing = engine.listPods(filter);
    if (deps.store && (opts.dryRun === 'none' || selection.namespaces !== undefined || selection.objects !== undefined || selection.claims !== undefined)) store = deps.store();
    const observed = (await listing).filter((p) => !isSystemPod(p.labels)).map(toObservedPod);
    const namespaces = selection.namespaces !== undefined ? namespacesOf(store, observed) : undefined;
    const stored = selection.objects !== undefined ? storedObjectsOf(store, selection.objects) : undefined;
    const storedClaims = store?.list({ kind: CLAIM_KIND }).items;
    const nsContents = selection.namespaces !== undefined && store ? NAMESPACE_CONTENTS.flatMap((kind) => store!.list({ kind }).items) : undefined;
    const out = report(withClaims(planAll(observed, namespaces, stored, nsContents), observed, storedClaims ?? (selection.claims !== undefined ? [] : undefined)));
    if (opts.dryRun !== 'none') return out;
    // Removing an object from the store takes no time: only pods are left to a background kubeplay.
    if (!opts.wait && out.plan.actions.some((a) => a.ref.startsWith('pod/'))) {
      if (out.plan.actions.length > 0) {
        const args = detachedArgs(out.plan, r.gracePeriod);
        await deps.detach(args);
        out.detached = args;
      }
      return out;
    }
    out.execution = await executePlan(engine, out.plan, {
      concurrency: deps.concurrency ?? DELETE_CONCURRENCY,
      ...(store ? { objects: storeWriter(store) } : {}),
      ...(deps.hostFs ? { hostFs: deps.hostFs } : {}),
    });
    const execution = out.execution;
    if (store) recordDelete(store, out.plan.actions, execution);
    // Orphaned before any controller runs: here, or in the control loop of kubeplay serve.
    if (store && opts.cascade === 'orphan') orphanDependents(store, out.plan.actions, stored ?? []);
    if (store && deps.node && deps.probe && deps.hostFs && hasWorkloads(store)) {
      out.reconciled = await reconcile({ engine, store, probe: deps.probe, hostFs: deps.hostFs, node: deps.node, ...(deps.prober ? { prober: deps.prober(engine) } : {}), ...(deps.filesRoot !== undefined ? { filesRoot: deps.filesRoot } : {}), ...(deps.network !== undefined ? { network: deps.network } : {}) }, { waitSeconds: 0 });
    } else if (store && deps.hostFs && deps.network !== undefined) {
      // Without the controllers here (none stored, or kubeplay serve's loop runs them), the network is brought in step by the delete: a deleted Service's proxy goes.
      await syncNetwork(engine, store, deps.network, deps.hostFs, { podsNeedNetwork: false });
    }
    return out;
  } finally {
    store?.close();
    await release?.();
  }
}

/**
 * orphanDependents is --cascade=orphan: what the deleted objects' controllers made loses its
 * ownerReferences to them (in the store: a stored object or a pod's record), so the garbage
 * collector leaves it.
 */
function orphanDependents(store: ObjectStore, actions: readonly Action[], deleted: readonly StoredObject[]): void {
  const removed = new Set(actions.flatMap((a) => a.steps.flatMap((st) => (st.op === 'removeObject' ? [`${st.key.kind}/${st.key.namespace}/${st.key.name}`] : []))));
  const uids = new Set(deleted.filter((o) => removed.has(`${groupKindText({ kind: o.kind, group: o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '' })}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)).map((o) => o.metadata.uid));
  if (uids.size === 0) return;
  for (const kind of [...new Set(workloadKinds().flatMap((k) => [...k.controller!.reads, 'Pod']))]) {
    for (const o of store.list({ kind }).items) {
      const refs = (o.metadata['ownerReferences'] as Array<{ uid: string }> | undefined) ?? [];
      if (!refs.some((r) => uids.has(r.uid))) continue;
      const kept = refs.filter((r) => !uids.has(r.uid));
      const { ownerReferences: _dropped, ...meta } = o.metadata;
      store.update({ ...o, metadata: { ...meta, ...(kept.length > 0 ? { ownerReferences: kept } : {}) } });
    }
  }
}

/** NAMESPACE_CONTENTS are the store-only kinds a namespace's deletion removes from the store (claims: withClaims, with their volumes). */
const NAMESPACE_CONTENTS = ['ConfigMap', 'Secret'] as const;

/** namespacesOf lists the namespaces that exist (stored, or named by managed pods) with their labels. */
function namespacesOf(store: ObjectStore | undefined, pods: readonly ObservedPod[]): Array<{ name: string; labels: Record<string, string> }> {
  const { namespaces } = observeObjects(store, [], pods);
  const stored = new Map((store?.list({ kind: 'Namespace' }).items ?? []).map((o) => [o.metadata.name, o.metadata.labels ?? {}]));
  return namespaces.map((name) => ({ name, labels: stored.get(name) ?? { 'kubernetes.io/metadata.name': name } }));
}

/** isStoredObjectKind: a kind kept in the store only, other than Namespace (whose deletion takes its contents). */
function isStoredObjectKind(k: KindModule): boolean {
  // A claim's deletion removes its volume too, and waits for its pods: `claims` carries it out.
  return k.carriedOut === 'store' && k.info.kind !== 'Namespace' && k !== PERSISTENT_VOLUME_CLAIM;
}

/** objectKindOf is a kind as the object-delete planner names it. */
function objectKindOf(k: KindModule): ObjectKind {
  return { kind: groupKindText(k.info), singular: k.info.singular, group: k.info.group, plural: k.info.plural, namespaced: k.info.namespaced };
}

/** storedObjectsOf lists the stored objects of the kinds a request names (none without a store). */
function storedObjectsOf(store: ObjectStore | undefined, request: ObjectDeleteRequest): StoredObject[] {
  if (!store) return [];
  const kinds = request.by === 'names' ? [...new Set(request.targets.map((t) => t.kind.kind))] : [request.kind.kind];
  return kinds.flatMap((kind) => store.list({ kind }).items);
}
