/**
 * pod-events: the kubelet's events about a pod (Pulled, Created, Started, Killing, probe failures,
 * ...) as core/v1 Events. kubeplay does not store them: `kubeplay describe` reads them from
 * Podman's event log when it describes a pod (commands/describe.ts), and so does the server when
 * a client lists the events about one pod (`kubectl describe pod` asks with
 * fieldSelector=involvedObject.name=...,involvedObject.namespace=...,involvedObject.uid=...).
 */
import { createHash } from 'node:crypto';
import { runDescribe } from '../commands/describe';
import type { StoredObject } from '../domain/objects';
import type { ApiContext } from './context';

/** involvedPod reads an events list's field selector: the pod it asks about, if it names one by name. */
export function involvedPod(fieldSelector: string | null): { name: string; namespace?: string; uid?: string } | undefined {
  if (fieldSelector === null) return undefined;
  const terms = new Map(fieldSelector.split(',').map((t) => t.split('=') as [string, string]).filter((t) => t.length === 2));
  const name = terms.get('involvedObject.name');
  const kind = terms.get('involvedObject.kind');
  if (name === undefined || (kind !== undefined && kind !== 'Pod')) return undefined;
  const ns = terms.get('involvedObject.namespace');
  const uid = terms.get('involvedObject.uid');
  return { name, ...(ns !== undefined ? { namespace: ns } : {}), ...(uid !== undefined ? { uid } : {}) };
}

/** podEvents are the kubelet's events about a stored pod, as Event objects; [] when there is no such pod. */
export async function podEvents(ctx: ApiContext, namespace: string, name: string, uid?: string): Promise<StoredObject[]> {
  const pod = ctx.store.get({ kind: 'Pod', namespace, name });
  if (pod === undefined || (uid !== undefined && pod.metadata.uid !== uid)) return [];
  const found = await runDescribe(
    { resource: 'pods', names: [name], files: [], recursive: false, namespace, allNamespaces: false },
    { engine: ctx.engine, readStdin: () => Promise.reject(new Error('no stdin')), now: ctx.now, store: ctx.apply.store!, ...(ctx.apply.prober ? { prober: ctx.apply.prober } : {}) },
  );
  const described = found.pods[0];
  if (described === undefined) return [];
  return described.events.map((e) => {
    const id = createHash('sha256').update(`${pod.metadata.uid ?? ''}/${e.reason}/${e.message}/${e.first.toISOString()}`).digest('hex').slice(0, 16);
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${name}.${id}`, namespace, uid: `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-8000-${id.padEnd(12, '0').slice(0, 12)}`, resourceVersion: pod.metadata.resourceVersion ?? '0', creationTimestamp: e.first.toISOString().replace(/\.\d{3}Z$/, 'Z') },
      involvedObject: { kind: 'Pod', namespace, name, uid: pod.metadata.uid, apiVersion: 'v1' },
      reason: e.reason,
      message: e.message,
      type: e.type,
      count: e.count,
      source: { component: e.from },
      firstTimestamp: e.first.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      lastTimestamp: e.last.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      reportingComponent: e.from,
      reportingInstance: '',
    } as unknown as StoredObject;
  });
}
