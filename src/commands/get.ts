/**
 * runGet: `kubeplay get pods`. It observes Podman once (pods and containers listed in parallel,
 * containers inspected only when the output needs what the listing lacks), renders each pod as a
 * v1 Pod, filters by name, label selector and field selector, and returns data; it prints
 * nothing and changes nothing. watchGet repeats the observation for `-w`.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { ManifestError, UsageError } from '../domain/errors';
import { LABEL_LAST_APPLIED, LABEL_MANAGED_BY, MANAGED_BY_VALUE } from '../domain/labels';
import { matchesSelector, parseSelector, pushDownLabels, type Selector } from '../domain/selector';

export { pushDownLabels };
import type { ContainerEngine, EngineContainer, EngineContainerDetail, EnginePod } from '../engine/container-engine';
import type { OutputFormat } from '../print/get/format';
import { toV1Pod, userLabelsOf, type ContainerSnapshot, type PodSnapshot } from '../observe/to-v1-pod';
import { byText } from '../domain/order';
import { DEFAULT_NAMESPACE } from '../domain/kinds';
import { podIdentityOf, podmanPodName } from '../domain/pod-names';
import { requireResource } from '../kinds/registry';


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
  readStdin: (maxBytes: number) => Promise<Buffer>;
  now: () => Date;
}

/** GetResult is what get found: pods in output order, and the names asked for that do not exist. */
export interface GetResult {
  pods: V1Pod[];
  notFound: string[];
  /** Whether one pod was asked for by name: json/yaml then print the object rather than a List. */
  single: boolean;
}

/** FieldRequirement is one term of a field selector. */
export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

const FIELD_GETTERS: Record<string, (p: V1Pod) => string> = {
  'metadata.name': (p) => p.metadata?.name ?? '',
  'metadata.namespace': (p) => p.metadata?.namespace ?? 'default',
  'spec.nodeName': (p) => p.spec?.nodeName ?? '',
  'spec.restartPolicy': (p) => p.spec?.restartPolicy ?? 'Always',
  'spec.schedulerName': (p) => p.spec?.schedulerName ?? 'default-scheduler',
  'spec.serviceAccountName': (p) => p.spec?.serviceAccountName ?? '',
  'spec.hostNetwork': (p) => String(p.spec?.hostNetwork ?? false),
  'status.phase': (p) => p.status?.phase ?? '',
  'status.podIP': (p) => p.status?.podIP ?? '',
  'status.nominatedNodeName': (p) => p.status?.nominatedNodeName ?? '',
};

/** parseFieldSelector parses `a=b,c!=d` (also `==`); an unsupported field is an error naming the ones that work. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  if (text.trim() === '') return [];
  return text.split(',').map((term) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*([^,]*?)\s*$/.exec(term);
    if (!m) throw new UsageError(`invalid field selector "${text}": "${term}" is not field=value, field==value or field!=value`);
    const field = m[1]!;
    if (!(field in FIELD_GETTERS)) {
      throw new UsageError(
        `field label not supported: ${field} (in --field-selector "${text}"); pods can be selected by ${Object.keys(FIELD_GETTERS).join(', ')}`,
      );
    }
    return { field, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}

/** matchesFields tells whether a pod satisfies every field requirement. */
export function matchesFields(reqs: readonly FieldRequirement[], pod: V1Pod): boolean {
  return reqs.every((r) => {
    const v = FIELD_GETTERS[r.field]!(pod);
    return r.op === '=' ? v === r.value : v !== r.value;
  });
}

/** validateGetOptions checks flag combinations, as kubectl's GetOptions.Validate does. */
export function validateGetOptions(o: GetOptions): void {
  if (o.resource === '' && o.files.length === 0) {
    throw new UsageError('you must specify the type of resource to get: kubeplay get pods (or pod, po), or kubeplay get -f FILE');
  }
  if (o.resource !== '') requireResource(o.resource);
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

/** GetQuery is a validated request: what to select and how much to observe. */
export interface GetQuery {
  names: string[];
  selector?: Selector;
  fields: FieldRequirement[];
  /** Inspect every container (IPs, full statuses) rather than only those that ever exited. */
  inspectAll: boolean;
  single: boolean;
  /** The namespace looked in; undefined with -A. */
  namespace?: string;
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
export async function observeGet(q: GetQuery, engine: ContainerEngine, now: () => Date): Promise<GetResult> {
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
  let pods = listed;
  const ns = q.namespace;
  if (q.names.length > 0) {
    // Names are Kubernetes names in the namespace asked for (-A and names do not go together).
    const byName = new Map(listed.map((p) => [p.name, p]));
    pods = q.names.map((n) => byName.get(podmanPodName(ns ?? DEFAULT_NAMESPACE, n))).filter((p): p is EnginePod => p !== undefined);
  } else {
    const keyed = listed.map((p) => ({ p, id: podIdentityOf(p.name, p.labels) })).filter((x) => ns === undefined || x.id.namespace === ns);
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
  const toInspect = pods.flatMap((p) =>
    (byPod.get(p.name) ?? []).filter((c) => q.inspectAll || (!c.isInfra && c.exitedAt !== undefined)).map((c) => c.id),
  );
  const details = new Map((toInspect.length > 0 ? await engine.inspectContainers(toInspect) : []).map((d) => [d.id, d]));
  const at = now();
  const v1 = pods.map((p) => toV1Pod(toSnapshot(p, byPod.get(p.name) ?? [], details), at)).filter((p) => matchesFields(q.fields, p));
  const found = new Set(pods.map((p) => p.name));
  return { pods: v1, notFound: q.names.filter((n) => !found.has(podmanPodName(ns ?? DEFAULT_NAMESPACE, n))), single: q.single };
}

/** runGet runs get once; see the module comment. */
export async function runGet(o: GetOptions, deps: GetDeps): Promise<GetResult> {
  const q = await toQuery(o, deps);
  return observeGet(q, await deps.engine(), deps.now);
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
  const first = await observeGet(q, engine, deps.now);
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
    const now = await observeGet(q, engine, deps.now);
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
