/**
 * planControllerObjects: the store side of a reconcile round, pure. The controllers' results
 * (objects to put, statuses, removals, events) become putObject/putStatus/removeObject steps,
 * each written only when it changes what is stored; events are aggregated as the API server's
 * event recorder does (the same involved object, reason and message: count + 1, lastTimestamp);
 * and the garbage collector's part: a stored object or a pod whose controller no longer exists is
 * removed (a Deployment deleted with --cascade=background), old events dropped.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ControllerEvent, ControllerResult } from '../controllers/controller';
import { canonicalJson } from '../domain/canonical-json';
import { objectKeyOf, type KubeObject, type StoredObject } from '../domain/objects';
import type { Action } from './plan';
import { keyText } from './plan-objects';
import { rfc3339 } from '../print/get/format';

/** EVENT_TTL_MS is how long events are kept: the API server's default --event-ttl, one hour. */
export const EVENT_TTL_MS = 60 * 60 * 1000;

/** specView is what a put changes: metadata the user or controller sets, and every field but status. */
function specView(o: KubeObject): string {
  const { status: _s, metadata, ...rest } = o;
  const { uid: _u, resourceVersion: _r, generation: _g, creationTimestamp: _c, managedFields: _m, ...meta } = metadata;
  return canonicalJson({ ...rest, metadata: meta });
}

/** StoredView is what the round planned against: the stored objects of the kinds involved. */
export interface StoredView {
  get(kind: string, namespace: string, name: string): StoredObject | undefined;
  /** The stored events (kind Event) of a namespace. */
  events(namespace: string): readonly StoredObject[];
}

/** EventNamer names a new event (`web.17c2a3f4b5d6e7f8`): the involved object's name and a unique hex. */
export type EventNamer = (involvedName: string) => string;

/**
 * planControllerObjects turns one round's results into store actions (reported as part of
 * `ownerRef`, not printed by apply). `now` stamps events.
 */
export function planControllerObjects(
  results: ReadonlyArray<{ ownerRef: string; result: ControllerResult }>,
  stored: StoredView,
  now: Date,
  nameEvent: EventNamer,
): Action[] {
  const actions: Action[] = [];
  const base = (ref: string, name: string, partOf: string) => ({ ref, name, needsImages: [], rollback: [], partOf });
  for (const { ownerRef, result } of results) {
    for (const o of result.put) {
      const key = objectKeyOf(o);
      const current = stored.get(key.kind, key.namespace, key.name);
      if (current !== undefined && specView(current) === specView({ ...current, ...o, metadata: { ...current.metadata, ...o.metadata } })) continue;
      const ref = `${o.kind.toLowerCase()}/${o.metadata.name}`;
      actions.push({ ...base(ref, o.metadata.name, ownerRef), kind: current ? 'configure' : 'create', cause: current ? 'changed by its controller' : 'made by its controller', steps: [{ op: 'putObject', object: o }] });
    }
    for (const o of result.status) {
      const key = objectKeyOf(o);
      const current = stored.get(key.kind, key.namespace, key.name);
      if (current !== undefined && canonicalJson(current.status ?? null) === canonicalJson(o.status ?? null)) continue;
      actions.push({ ...base(`${o.kind.toLowerCase()}/${o.metadata.name}`, o.metadata.name, ownerRef), kind: 'configure', cause: 'status', steps: [{ op: 'putStatus', object: o }] });
    }
    for (const key of result.remove) {
      if (stored.get(key.kind, key.namespace, key.name) === undefined) continue;
      actions.push({ ...base(`${key.kind.split('.')[0]!.toLowerCase()}/${key.name}`, key.name, ownerRef), kind: 'delete', cause: 'removed by its controller', steps: [{ op: 'removeObject', key }] });
    }
  }
  actions.push(...eventActions(results.flatMap((r) => r.result.events.map((e) => ({ e, ownerRef: r.ownerRef }))), stored, now, nameEvent));
  return actions;
}

/** eventActions records events, aggregating repeats of a stored one (count + 1). */
function eventActions(events: ReadonlyArray<{ e: ControllerEvent; ownerRef: string }>, stored: StoredView, now: Date, nameEvent: EventNamer): Action[] {
  const out: Action[] = [];
  const at = rfc3339(now);
  const written = new Map<string, KubeObject>();
  for (const { e, ownerRef } of events) {
    const ns = e.involved.namespace;
    const same = (o: KubeObject): boolean => {
      const io = o['involvedObject'] as { uid?: string } | undefined;
      return io?.uid === e.involved.uid && o['reason'] === e.reason && o['message'] === e.message && o['type'] === e.type;
    };
    const id = `${e.involved.uid}/${e.reason}/${e.message}`;
    const previous = written.get(id) ?? stored.events(ns).find(same);
    const object: KubeObject = previous
      ? { ...previous, count: ((previous['count'] as number | undefined) ?? 1) + 1, lastTimestamp: at }
      : {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: nameEvent(e.involved.name), namespace: ns },
          involvedObject: { apiVersion: e.involved.apiVersion, kind: e.involved.kind, name: e.involved.name, namespace: ns, uid: e.involved.uid },
          reason: e.reason,
          message: e.message,
          type: e.type,
          source: { component: e.source },
          reportingComponent: e.source,
          reportingInstance: '',
          firstTimestamp: at,
          lastTimestamp: at,
          count: 1,
        };
    written.set(id, object);
    out.push({ kind: previous ? 'configure' : 'create', ref: `event/${object.metadata.name}`, name: object.metadata.name, cause: `${e.reason}: ${e.message}`, needsImages: [], rollback: [], partOf: ownerRef, steps: [{ op: 'putObject', object }] });
  }
  return out;
}

/**
 * garbage is the garbage collector's part of a round: stored objects (of the kinds given) and pods
 * whose controller ownerReference names a uid no stored object has. Returns their keys and pod
 * names; the loop deletes them (background cascading, as the API server's garbage collector does).
 */
export function garbage(
  objects: readonly StoredObject[],
  pods: readonly V1Pod[],
  ownerUids: ReadonlySet<string>,
): { objects: StoredObject[]; pods: V1Pod[] } {
  const orphaned = (o: { metadata?: unknown }) => {
    const refs = ((o.metadata as { ownerReferences?: Array<{ uid: string }> } | undefined)?.ownerReferences ?? []);
    return refs.length > 0 && refs.every((r) => !ownerUids.has(r.uid));
  };
  return { objects: objects.filter(orphaned), pods: pods.filter(orphaned) };
}

/** expiredEvents are the stored events older than EVENT_TTL_MS, removed as the API server's TTL does. */
export function expiredEvents(events: readonly StoredObject[], now: Date): Action[] {
  return events
    .filter((e) => now.getTime() - new Date(typeof e['lastTimestamp'] === 'string' ? e['lastTimestamp'] : e.metadata.creationTimestamp).getTime() > EVENT_TTL_MS)
    .map((e) => ({ kind: 'delete' as const, ref: `event/${e.metadata.name}`, name: e.metadata.name, cause: 'older than the event TTL (1h)', needsImages: [], rollback: [], steps: [{ op: 'removeObject' as const, key: objectKeyOf(e) }] }));
}

export { keyText };
