/**
 * pickPod: the pod `logs TYPE/NAME` and `exec TYPE/NAME` use for a workload (`deploy/web`,
 * `job/x`), as kubectl's attachablePodForObject: the pods the object's selector matches, the
 * most active first (running before pending, ready before not, ready longest first, oldest
 * first); kubectl notes `Found 3 pods, using pod/web-7d4b9c8f6d-x7k2p` when there are several.
 */
import type { V1LabelSelector, V1Pod } from '@kubernetes/client-node';
import { NotFoundError, ObjectError } from '../domain/errors';
import { DEFAULT_NAMESPACE, groupKindText, resourceText } from '../domain/kinds';
import { parseSelector } from '../domain/selector';
import type { ContainerEngine } from '../engine/container-engine';
import { requireResource } from '../kinds/registry';
import { observeGet } from '../observe/observe-pods';
import type { ObjectStore } from '../store/object-store';

/** selectorText writes a LabelSelector in kubectl's selector grammar (`app=web,tier in (a,b)`). */
export function selectorText(s: V1LabelSelector | undefined): string {
  const parts = Object.entries(s?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** rank orders pods most active first (the reverse of Kubernetes' ActivePods order). */
function rank(a: V1Pod, b: V1Pod): number {
  const phase = (p: V1Pod) => ({ Running: 0, Unknown: 1, Pending: 2 })[p.status?.phase ?? ''] ?? 3;
  const ready = (p: V1Pod) => p.status?.conditions?.find((c) => c.type === 'Ready');
  const since = (p: V1Pod) => new Date(ready(p)?.lastTransitionTime ?? p.metadata?.creationTimestamp ?? 0).getTime();
  return (
    phase(a) - phase(b) ||
    Number(ready(b)?.status === 'True') - Number(ready(a)?.status === 'True') ||
    since(a) - since(b) ||
    new Date(a.metadata?.creationTimestamp ?? 0).getTime() - new Date(b.metadata?.creationTimestamp ?? 0).getTime()
  );
}

/**
 * podOfArgument resolves logs'/exec's first argument: `NAME` or `pod/NAME` is a pod; `TYPE/NAME`
 * of a workload kind is its most active pod. Returns the pod's name and kubectl's note, if any.
 * `waitMs` (port-forward's --pod-running-timeout) waits that long for a workload's first pod to
 * appear, as kubectl's GetFirstPod watches for one; 0 (logs, exec) looks once.
 */
export async function podOfArgument(arg: string, namespace: string | undefined, engine: ContainerEngine, store: (() => ObjectStore) | undefined, waitMs = 0): Promise<{ pod: string; note?: string }> {
  const slash = arg.indexOf('/');
  if (slash < 0) return { pod: arg };
  const kind = requireResource(arg.slice(0, slash));
  const name = arg.slice(slash + 1);
  if (kind.info.kind === 'Pod') return { pod: name };
  if (!('controller' in kind) || store === undefined) throw new ObjectError(`cannot attach to ${kind.info.kind}: not implemented: use a pod, or a deployment, replicaset, statefulset, daemonset or job`);
  const ns = namespace ?? DEFAULT_NAMESPACE;
  const s = store();
  let selector: string;
  try {
    const o = s.get({ kind: groupKindText(kind.info), namespace: ns, name });
    if (o === undefined) throw new NotFoundError([{ name }], resourceText(kind.info));
    selector = selectorText((o.spec as { selector?: V1LabelSelector } | undefined)?.selector);
  } finally {
    s.close();
  }
  return firstPodOf(selector, `${kind.info.singular}/${name}`, ns, engine, waitMs);
}

/**
 * firstPodOf is the most active pod a selector matches in a namespace (kubectl's GetFirstPod),
 * with kubectl's note when there are several; it looks again every half second for up to waitMs
 * while none matches, then gives up in kubectl's words.
 */
export async function firstPodOf(selector: string, what: string, namespace: string, engine: ContainerEngine, waitMs = 0): Promise<{ pod: string; note?: string }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const found = await observeGet({ names: [], selector: parseSelector(selector), fields: [], inspectAll: true, single: false, namespace }, engine, () => new Date());
    const pods = [...found.pods].sort(rank);
    const first = pods[0];
    if (first !== undefined) return { pod: first.metadata?.name ?? '', ...(pods.length > 1 ? { note: `Found ${pods.length} pods, using pod/${first.metadata?.name ?? ''}` } : {}) };
    if (Date.now() >= deadline) throw new ObjectError(`timed out waiting for the condition: no pod of ${what} runs (selector ${selector})`);
    await new Promise((r) => setTimeout(r, Math.min(500, Math.max(0, deadline - Date.now()))));
  }
}
