/**
 * parseLastApplied reads the manifest kubeplay keeps in a pod's last-applied label, trusting
 * nothing: anyone who can label a Podman pod can write there. It returns the manifest only when
 * it is JSON, shallow enough to walk safely, names this very pod, and has the shape every reader
 * relies on (metadata and spec maps, containers with string names); otherwise undefined, and the
 * pod is treated as having no last-applied manifest. apply validates what it restores on top.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { podmanPodName } from './pod-names';
import { LABEL_LAST_APPLIED } from './labels';

/** MAX_LAST_APPLIED_DEPTH bounds nesting, as the loader does for files, so readers may recurse. */
export const MAX_LAST_APPLIED_DEPTH = 64;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStringMap = (v: unknown): boolean => v === undefined || (isObj(v) && Object.values(v).every((x) => typeof x === 'string'));
const isContainerList = (v: unknown): boolean =>
  Array.isArray(v) && v.every((c) => isObj(c) && typeof c['name'] === 'string' && (c['image'] === undefined || typeof c['image'] === 'string'));

/** depthWithin tells whether maps and lists nest at most `max` levels (iteratively: no deep recursion). */
function depthWithin(root: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) return false;
    for (const child of Object.values(v as Obj)) stack.push([child, d + 1]);
  }
  return true;
}

/** parseLastApplied returns the last-applied manifest of the pod Podman names `podmanName`, or undefined; see the module comment. */
export function parseLastApplied(raw: string | undefined, podmanName: string): V1Pod | undefined {
  if (raw === undefined || raw === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined; // not JSON, or nested past what JSON.parse can take
  }
  if (!isObj(v) || !depthWithin(v, MAX_LAST_APPLIED_DEPTH)) return undefined;
  const meta = v['metadata'];
  const spec = v['spec'];
  if (!isObj(meta) || typeof meta['name'] !== 'string' || !isStringMap(meta['labels']) || !isStringMap(meta['annotations'])) return undefined;
  if (meta['namespace'] !== undefined && typeof meta['namespace'] !== 'string') return undefined;
  // The label must describe this very pod: its namespace and name give this Podman name.
  if (podmanPodName(typeof meta['namespace'] === 'string' ? meta['namespace'] : '', meta['name']) !== podmanName) return undefined;
  if (!isObj(spec) || !isContainerList(spec['containers']) || (spec['initContainers'] !== undefined && !isContainerList(spec['initContainers']))) return undefined;
  return v;
}

/**
 * annotationsWithLastApplied is an object's `annotations` as stored: the last-applied annotation the
 * manifest says (the client's own, from the API; none for `null`), else the JSON of what the user
 * wrote. An empty map is left out, as the API server leaves it (omitempty).
 */
export function annotationsWithLastApplied(annotations: Record<string, string> | undefined, m: { original?: object; lastApplied?: string | null }, written: object): { annotations?: Record<string, string> } {
  const { [LABEL_LAST_APPLIED]: _given, ...rest } = annotations ?? {};
  const out = m.lastApplied === null ? rest : { ...rest, [LABEL_LAST_APPLIED]: m.lastApplied ?? JSON.stringify(m.original ?? written) };
  return Object.keys(out).length > 0 ? { annotations: out } : {};
}

/** withoutAnnotations is metadata without its annotations (annotationsWithLastApplied puts them back). */
export function withoutAnnotations<T extends object>(meta: T): Omit<T, 'annotations'> {
  const { annotations: _a, ...rest } = meta as T & { annotations?: unknown };
  return rest;
}
