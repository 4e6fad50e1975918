/**
 * A small simulator of the reconcile loop for the StatefulSet, DaemonSet and Job controllers'
 * unit tests: it keeps the stored objects and the pods, hands them to a controller, and applies
 * its result (puts stamped as the store stamps them, statuses, removals, pods made Pending or
 * deleted, events kept). Tests then move pods on by hand (Running and Ready, Succeeded, Failed)
 * and the clock forward.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Controller, ControllerEvent, ControllerResult, NodeInfo } from '../../../src/controllers/controller';
import { sequenceSuffix } from '../../../src/controllers/names';
import type { KubeObject, StoredObject } from '../../../src/domain/objects';
import { groupKindOf } from '../../../src/domain/objects';

export const NODE: NodeInfo = { name: 'host1', labels: { 'kubernetes.io/hostname': 'host1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } };

/** Loose is a manifest read and changed by tests as untyped JSON (a spec's nested fields). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reach into specs as plain JSON
export type Loose = any;

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class Sim {
  objects: StoredObject[] = [];
  pods: V1Pod[] = [];
  events: ControllerEvent[] = [];
  now = new Date('2026-01-01T00:00:00Z');
  node: NodeInfo = NODE;
  last: ControllerResult | undefined;
  private uids = 0;
  private rv = 0;
  private suffix = sequenceSuffix();

  constructor(private readonly controller: Controller, owner: KubeObject) {
    this.store(owner);
  }

  /** owner is the reconciled object as stored now (the first object stored). */
  get owner(): StoredObject {
    return this.objects[0]!;
  }

  /** store puts an object as the store does: uid kept or made, generation raised when the spec changed. */
  store(o: KubeObject): StoredObject {
    const i = this.objects.findIndex((x) => x.kind === o.kind && x.metadata.name === o.metadata.name && (x.metadata.namespace ?? 'default') === (o.metadata.namespace ?? 'default'));
    const old = i >= 0 ? this.objects[i] : undefined;
    const specChanged = old === undefined || JSON.stringify(old.spec) !== JSON.stringify(o.spec);
    const stored = {
      ...o,
      metadata: {
        ...o.metadata,
        namespace: o.metadata.namespace ?? 'default',
        uid: old?.metadata.uid ?? o.metadata.uid ?? `uid-${++this.uids}`,
        resourceVersion: String(++this.rv),
        generation: (old?.metadata.generation ?? 0) + (specChanged ? 1 : 0),
        creationTimestamp: old?.metadata.creationTimestamp ?? iso(this.now),
      },
    } as StoredObject;
    if (old !== undefined && !('status' in o)) stored.status = old.status;
    if (i >= 0) this.objects[i] = stored;
    else this.objects.push(stored);
    return stored;
  }

  /** updateOwner changes the owner's spec (a new template, a scale) as apply would. */
  updateOwner(change: (spec: Loose) => void): void {
    const o = structuredClone(this.owner);
    change(o.spec);
    this.store(o);
  }

  /** round runs the controller once and applies its result. */
  round(): ControllerResult {
    const owner = this.owner;
    const r = this.controller({
      owner,
      objects: this.objects.slice(1),
      pods: this.pods.map((p) => structuredClone(p)),
      now: this.now,
      node: this.node,
      suffix: this.suffix,
    });
    this.last = r;
    for (const o of r.put) this.store(o);
    for (const s of r.status) {
      const i = this.objects.findIndex((x) => x.kind === s.kind && x.metadata.name === s.metadata.name);
      if (i >= 0) this.objects[i] = { ...this.objects[i]!, status: structuredClone(s.status) };
    }
    for (const k of r.remove) {
      if (k.kind === groupKindOf(owner.apiVersion, owner.kind) && k.name === owner.metadata.name) {
        this.objects = [];
        continue;
      }
      this.objects = this.objects.filter((x) => !(groupKindOf(x.apiVersion, x.kind) === k.kind && x.metadata.name === k.name));
    }
    for (const d of r.deletePods) this.pods = this.pods.filter((p) => p.metadata?.name !== d.name);
    for (const p of r.createPods) {
      if (this.pods.some((x) => x.metadata?.name === p.metadata?.name)) throw new Error(`pod ${p.metadata?.name} made twice`);
      const made = structuredClone(p);
      made.metadata = { ...made.metadata, uid: `pod-uid-${++this.uids}`, creationTimestamp: new Date(this.now) };
      made.status = { phase: 'Pending' };
      this.pods.push(made);
    }
    this.events.push(...r.events);
    return r;
  }

  /** rounds runs the controller until it asks for no change or `max` rounds pass; optionally readying pods it makes. */
  settle(opts: { ready?: boolean; max?: number } = {}): number {
    for (let n = 1; n <= (opts.max ?? 50); n++) {
      const r = this.round();
      if (opts.ready) for (const p of r.createPods) this.ready(p.metadata!.name!);
      if (r.createPods.length + r.deletePods.length + r.put.length + r.remove.length === 0) return n;
    }
    throw new Error('did not settle');
  }

  pod(name: string): V1Pod {
    const p = this.pods.find((x) => x.metadata?.name === name);
    if (!p) throw new Error(`no pod ${name}: ${this.podNames().join(' ')}`);
    return p;
  }

  podNames(): string[] {
    return this.pods.map((p) => p.metadata!.name!).sort();
  }

  /** ready makes a pod Running and Ready from now. */
  ready(name: string): void {
    const p = this.pod(name);
    p.status = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(this.now) }],
      containerStatuses: (p.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: true, restartCount: 0, state: { running: {} } })),
    };
  }

  /** running makes a pod Running but not Ready (a readiness probe failing). */
  running(name: string): void {
    const p = this.pod(name);
    p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: new Date(this.now) }] };
  }

  /** finish ends a pod's run: Succeeded or Failed, its containers terminated now. */
  finish(name: string, phase: 'Succeeded' | 'Failed'): void {
    const p = this.pod(name);
    p.status = {
      phase,
      conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: new Date(this.now) }],
      containerStatuses: (p.spec?.containers ?? []).map((c) => ({
        name: c.name,
        image: c.image ?? '',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: phase === 'Succeeded' ? 0 : 1, finishedAt: new Date(this.now) } },
      })),
    };
  }

  advance(seconds: number): void {
    this.now = new Date(this.now.getTime() + seconds * 1000);
  }

  /** get is a stored object by kind and name. */
  get(kind: string, name: string): StoredObject | undefined {
    return this.objects.find((o) => o.kind === kind && o.metadata.name === name);
  }

  names(kind: string): string[] {
    return this.objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
  }

  messages(): string[] {
    return this.events.map((e) => `${e.type} ${e.reason} ${e.message}`);
  }
}
