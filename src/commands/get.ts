/**
 * runGet: `kubeplay get pods`. It observes Podman once (pods and containers listed in parallel,
 * containers inspected only when the output needs what the listing lacks), renders each pod as a
 * v1 Pod, filters by name, label selector and field selector, and returns data; it prints
 * nothing and changes nothing. watchGet repeats the observation for `-w`.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { ManifestError, UsageError } from '../domain/errors';
import { parseSelector, pushDownLabels } from '../domain/selector';

export { pushDownLabels };
import type { ContainerEngine } from '../engine/container-engine';
import type { OutputFormat } from '../print/get/format';
import { requireResource } from '../kinds/registry';
import { parseFieldSelector } from '../domain/field-selector';
import { observeGet, type GetQuery, type GetResult } from '../observe/observe-pods';
import type { Prober } from '../observe/probes/prober';

// Moved to domain/ and observe/; re-exported for the commands and tests that name them here.
export { matchesFields, parseFieldSelector, type FieldRequirement } from '../domain/field-selector';
export { fromManagedContainers, observeGet, toSnapshot, type GetQuery, type GetResult } from '../observe/observe-pods';


/** ALL is kubectl's `all` category: the kinds whose discovery lists the category `all` (pods, deployments, ...; not ConfigMaps, Secrets or claims). */
export const ALL = 'all';

/** GetOptions are get's flags, typed. */
export interface GetOptions {
  /** The resource word (`pods`, `pod`, `po`), or `pod/NAME` forms split out by the CLI into names. */
  resource: string;
  names: string[];
  files: string[];
  recursive: boolean;
  selector?: string;
  fieldSelector?: string;
  output: OutputFormat;
  jsonpath?: string;
  showLabels: boolean;
  labelColumns: string[];
  noHeaders: boolean;
  watch: boolean;
  /** Seconds between two looks at Podman while watching. */
  watchIntervalSeconds: number;
  /** -n: the namespace looked in (`default` when not given). */
  namespace: string;
  /** -A: every namespace. */
  allNamespaces: boolean;
}

/** GetDeps are what get needs from outside, injected by the CLI. */
export interface GetDeps {
  engine: () => Promise<ContainerEngine>;
  /** Makes the prober that runs the pods' due probes (docs/probes.md); without it, no probe runs. */
  prober?: (engine: ContainerEngine) => Prober;
  readStdin: (maxBytes: number) => Promise<Buffer>;
  now: () => Date;
}

/** validateGetOptions checks flag combinations, as kubectl's GetOptions.Validate does. */
export function validateGetOptions(o: GetOptions): void {
  if (o.resource === '' && o.files.length === 0) {
    throw new UsageError('you must specify the type of resource to get: kubeplay get pods (or pod, po), or kubeplay get -f FILE');
  }
  if (o.resource !== '' && o.resource !== ALL) requireResource(o.resource);
  if (o.resource === ALL && o.names.length > 0) throw new UsageError('kubeplay gets all by category only: use kubeplay get all, or kubeplay get pods NAME');
  if (o.resource === ALL && o.watch) throw new UsageError('-w cannot be used with all: use kubeplay get pods -w');
  if (o.allNamespaces && o.names.length > 0) throw new UsageError('a resource cannot be retrieved by name across all namespaces');
  if (o.files.length > 0 && (o.names.length > 0 || o.resource !== '')) {
    throw new UsageError('-f and resource names cannot be used together: use kubeplay get -f FILE, or kubeplay get pods NAME...');
  }
  if (o.names.length > 0 && o.selector !== undefined) {
    throw new UsageError('name cannot be provided when a selector is specified: use kubeplay get pods NAME, or kubeplay get pods -l SELECTOR');
  }
  if (o.watch && o.files.length > 0) throw new UsageError('-w cannot be used with -f: use kubeplay get pods -w (with names or -l to narrow)');
  if (!(o.watchIntervalSeconds > 0)) throw new UsageError(`the watch interval must be more than 0 seconds, got ${o.watchIntervalSeconds}`);
  if (o.selector !== undefined) parseSelector(o.selector);
  if (o.fieldSelector !== undefined) parseFieldSelector(o.fieldSelector);
}

/** namesFromFiles reads the pods a file names: kind and metadata.name of each object, the rest ignored. */
export async function namesFromFiles(files: string[], recursive: boolean, readStdin: GetDeps['readStdin']): Promise<string[]> {
  const { loadManifests } = await import('../load');
  const loaded = await loadManifests(files, { recursive, readStdin });
  if (loaded.issues.some((i) => i.severity === 'error')) throw new ManifestError(loaded.issues.filter((i) => i.severity === 'error'));
  const names: string[] = [];
  for (const d of loaded.documents) {
    const kind = d.value['kind'];
    const name = (d.value['metadata'] as { name?: unknown } | undefined)?.name;
    const where = `${d.source} (document ${d.documentIndex + 1})`;
    if (kind !== 'Pod') throw new UsageError(`${where}: kind ${JSON.stringify(kind ?? null)} is not something kubeplay gets: it gets Pods only`);
    if (typeof name !== 'string' || name === '') throw new UsageError(`${where}: the Pod has no metadata.name, so there is nothing to look up`);
    names.push(name);
  }
  if (names.length === 0) throw new UsageError('no objects passed to get: the files hold no Kubernetes objects');
  return names;
}

/** toQuery turns validated options into a query, reading -f files for names. */
export async function toQuery(o: GetOptions, deps: Pick<GetDeps, 'readStdin'>): Promise<GetQuery> {
  validateGetOptions(o);
  const names = o.files.length > 0 ? await namesFromFiles(o.files, o.recursive, deps.readStdin) : [...o.names];
  const fields = o.fieldSelector !== undefined ? parseFieldSelector(o.fieldSelector) : [];
  const q: GetQuery = {
    names: [...new Set(names)],
    fields,
    inspectAll: o.output !== 'table' || fields.some((f) => f.field === 'status.podIP'),
    single: o.files.length === 0 && o.names.length === 1,
    ...(o.allNamespaces ? {} : { namespace: o.namespace }),
  };
  if (o.selector !== undefined) q.selector = parseSelector(o.selector);
  return q;
}


/** runGet runs get once; see the module comment. */
export async function runGet(o: GetOptions, deps: GetDeps): Promise<GetResult> {
  const q = await toQuery(o, deps);
  const engine = await deps.engine();
  return observeGet(q, engine, deps.now, deps.prober?.(engine));
}

/** WatchEvent is one change seen while watching: a pod's row changed, appeared or went away. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  pod: V1Pod;
}

/**
 * watchGet polls Podman every interval and calls onEvent for each pod whose printed state
 * (`key`) changed, appeared or disappeared, until `signal` aborts. The first observation is
 * returned to onInitial; it is the caller's table.
 */
export async function watchGet(
  o: GetOptions,
  deps: GetDeps,
  key: (pod: V1Pod) => string,
  onInitial: (r: GetResult) => void,
  onEvent: (e: WatchEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const q = await toQuery(o, deps);
  const engine = await deps.engine();
  // A watch re-runs the probes as they fall due, every interval (docs/probes.md).
  const prober = deps.prober?.(engine);
  const first = await observeGet(q, engine, deps.now, prober);
  onInitial(first);
  const idOf = (p: V1Pod) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
  const seen = new Map(first.pods.map((p) => [idOf(p), { pod: p, key: key(p) }]));
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      }, { once: true });
    });
  while (!signal.aborted) {
    await sleep(o.watchIntervalSeconds * 1000);
    if (signal.aborted) break;
    const now = await observeGet(q, engine, deps.now, prober);
    const names = new Set<string>();
    for (const p of now.pods) {
      const name = idOf(p);
      names.add(name);
      const k = key(p);
      const prev = seen.get(name);
      if (prev === undefined || prev.key !== k) onEvent({ type: prev === undefined ? 'ADDED' : 'MODIFIED', pod: p });
      seen.set(name, { pod: p, key: k });
    }
    for (const [name, prev] of [...seen]) {
      if (names.has(name)) continue;
      seen.delete(name);
      onEvent({ type: 'DELETED', pod: prev.pod });
    }
  }
}
