/**
 * A small cluster for controller tests: stored objects, pods and a clock, and rounds that run the
 * Deployment then the ReplicaSet controller on every object of their kind, applying each result at
 * once as the reconcile loop does (put: create or update metadata and spec, generation raised when
 * the spec changed; status; remove; pods created and deleted). Pods the ReplicaSet controller asks
 * for start Pending and not ready; `settle` (called at the start of each round) makes them Running
 * and Ready unless the test's `readiness` says otherwise.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ControllerEvent, ControllerInput, ControllerResult, ControllerSpec } from '../../../src/controllers/controller';
import type { KubeObject, StoredObject } from '../../../src/domain/objects';
import { canonicalJson } from '../../../src/domain/canonical-json';
import { sequenceSuffix } from '../../../src/controllers/names';
import { DEPLOYMENT_CONTROLLER } from '../../../src/controllers/deployment';
import { REPLICASET_CONTROLLER } from '../../../src/controllers/replicaset';

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Readiness decides what a pod becomes when the cluster settles: ready, or kept not ready. */
export type Readiness = (pod: V1Pod) => boolean;

export class Cluster {
  now = new Date('2026-01-01T00:00:00Z');
  objects = new Map<string, StoredObject>();
  pods: V1Pod[] = [];
  events: ControllerEvent[] = [];
  results: { controller: string; owner: string; result: ControllerResult }[] = [];
  readiness: Readiness = () => true;
  private uid = 0;
  private rv = 0;
  private suffix = sequenceSuffix();

  private key(o: KubeObject): string {
    return `${o.kind}/${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
  }

  /** apply stores an object as kubectl apply would: created, or its spec replaced (generation raised when it changed). */
  apply(o: KubeObject): StoredObject {
    const k = this.key(o);
    const old = this.objects.get(k);
    if (old === undefined) {
      const stored: StoredObject = {
        ...structuredClone(o),
        metadata: { namespace: 'default', ...structuredClone(o.metadata), uid: `uid-${++this.uid}`, resourceVersion: String(++this.rv), generation: 1, creationTimestamp: iso(this.now) },
      };
      this.objects.set(k, stored);
      return stored;
    }
    const changed = canonicalJson(old.spec) !== canonicalJson(o.spec);
    const next: StoredObject = {
      ...old,
      ...structuredClone(o),
      metadata: { ...old.metadata, ...structuredClone(o.metadata), uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, resourceVersion: String(++this.rv), generation: old.metadata.generation + (changed ? 1 : 0) },
      ...(old.status !== undefined ? { status: old.status } : {}),
    };
    this.objects.set(k, next);
    return next;
  }

  get(kind: string, name: string): StoredObject {
    const o = this.objects.get(`${kind}/default/${name}`);
    if (o === undefined) throw new Error(`no ${kind} ${name}`);
    return o;
  }

  list(kind: string): StoredObject[] {
    return [...this.objects.values()].filter((o) => o.kind === kind);
  }

  private input(owner: StoredObject, spec: ControllerSpec): ControllerInput {
    const reads = new Set(spec.reads.map((r) => r.split('.')[0]));
    return {
      owner,
      objects: [...this.objects.values()].filter((o) => reads.has(o.kind) && (o.metadata.namespace ?? 'default') === (owner.metadata.namespace ?? 'default')),
      pods: this.pods.map((p) => structuredClone(p)),
      now: this.now,
      node: { name: 'host', labels: {} },
      suffix: this.suffix,
    };
  }

  private execute(r: ControllerResult): void {
    for (const o of r.put) this.apply(o);
    for (const o of r.status) {
      const k = this.key(o);
      const old = this.objects.get(k);
      if (old !== undefined) this.objects.set(k, { ...old, metadata: { ...old.metadata, annotations: o.metadata.annotations ?? {} }, status: structuredClone(o.status), ...{} });
    }
    for (const key of r.remove) this.objects.delete(`${key.kind.split('.')[0]}/${key.namespace}/${key.name}`);
    for (const pod of r.createPods) {
      this.pods.push({
        ...structuredClone(pod),
        metadata: { ...structuredClone(pod.metadata), uid: `pod-uid-${++this.uid}`, creationTimestamp: new Date(this.now) },
        status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
      });
    }
    const gone = new Set(r.deletePods.map((d) => d.name));
    this.pods = this.pods.filter((p) => !gone.has(p.metadata?.name ?? ''));
    this.events.push(...r.events);
  }

  /** settle: pending pods start; those readiness allows become Ready (as of now). */
  settle(): void {
    for (const p of this.pods) {
      if (p.status?.phase === 'Pending') p.status.phase = 'Running';
      const ready = this.readiness(p);
      const c = p.status?.conditions?.find((x) => x.type === 'Ready');
      if (c !== undefined && (c.status === 'True') !== ready) {
        c.status = ready ? 'True' : 'False';
        c.lastTransitionTime = new Date(this.now);
      }
    }
  }

  /** round: pods settle, then every Deployment then every ReplicaSet is synced once; true when anything changed. */
  round(): { changed: boolean; waiting: string[] } {
    this.settle();
    const before = this.snapshot();
    const waiting: string[] = [];
    for (const [spec, kind] of [[DEPLOYMENT_CONTROLLER, 'Deployment'], [REPLICASET_CONTROLLER, 'ReplicaSet']] as const) {
      for (const owner of this.list(kind)) {
        const current = this.objects.get(this.key(owner));
        if (current === undefined) continue;
        const result = spec.reconcile(this.input(current, spec));
        this.results.push({ controller: spec.name, owner: owner.metadata.name, result });
        if (result.waitingFor) waiting.push(`${kind.toLowerCase()}/${owner.metadata.name}: ${result.waitingFor.reason}`);
        this.execute(result);
      }
    }
    return { changed: this.snapshot() !== before, waiting };
  }

  /** run rounds until nothing changes (at most `max`), calling `each` after every round. */
  run(max = 30, each?: (round: number) => void): number {
    for (let i = 1; i <= max; i++) {
      const { changed } = this.round();
      each?.(i);
      if (!changed) return i;
    }
    throw new Error(`not settled after ${max} rounds`);
  }

  private snapshot(): string {
    return canonicalJson({ o: [...this.objects.values()].map((o) => ({ m: o.metadata.annotations, s: o.spec, st: o.status, k: this.key(o) })), p: this.pods.map((p) => [p.metadata?.name, p.status]) });
  }

  /** podsOf: the pods a ReplicaSet controls. */
  podsOf(rsName: string): V1Pod[] {
    const uid = this.get('ReplicaSet', rsName).metadata.uid;
    return this.pods.filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === uid));
  }

  readyPods(): V1Pod[] {
    return this.pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  }

  tick(seconds: number): void {
    this.now = new Date(this.now.getTime() + seconds * 1000);
  }

  messages(): string[] {
    return this.events.map((e) => `${e.source} ${e.reason} ${e.message}`);
  }
}

/** deployment builds an apps/v1 Deployment manifest. */
export function deployment(name: string, opts: { replicas?: number; image?: string; strategy?: Record<string, unknown>; extra?: Record<string, unknown>; annotations?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      replicas: opts.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      ...(opts.strategy ? { strategy: opts.strategy } : {}),
      ...(opts.extra ?? {}),
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: opts.image ?? 'busybox:1' }] } },
    },
  };
}

/** imageOf is a pod's first container image. */
export const imageOf = (p: V1Pod): string => p.spec?.containers?.[0]?.image ?? '';
