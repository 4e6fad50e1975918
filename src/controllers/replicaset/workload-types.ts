/**
 * The parts of apps/v1 ReplicaSet and Deployment objects the controllers read and write, as plain
 * JSON types (the stored objects are JSON: times are strings). Types, and readers that apply the
 * API server's defaults so a controller never trips on a field left out.
 */
import type { LabelSelector } from '../label-selector';

/** PodTemplate is core/v1 PodTemplateSpec as stored. */
export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: Record<string, unknown>;
}

/** ReplicaSetSpec is apps/v1 ReplicaSetSpec. */
export interface ReplicaSetSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: LabelSelector;
  template?: PodTemplate;
}

/** Condition is the shape ReplicaSet and Deployment conditions share. */
export interface Condition {
  type: string;
  status: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** ReplicaSetStatus is apps/v1 ReplicaSetStatus (zero counts left out, as Go's omitempty; `replicas` always there). */
export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  observedGeneration?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  conditions?: Condition[];
}

/** specOf reads an object's spec as T (an empty object when absent). */
export function specOf<T>(o: { spec?: unknown }): T {
  return (o.spec ?? {}) as T;
}

/** replicasOf is spec.replicas with the API server's default 1. */
export function replicasOf(spec: { replicas?: number }): number {
  return typeof spec.replicas === 'number' ? spec.replicas : 1;
}

/** rsStatusOf reads a ReplicaSet's status counts, 0 when absent. */
export function rsStatusOf(o: { status?: unknown }): { replicas: number; fullyLabeledReplicas: number; readyReplicas: number; availableReplicas: number; observedGeneration: number; conditions: Condition[] } {
  const s = (o.status ?? {}) as Partial<ReplicaSetStatus>;
  return {
    replicas: s.replicas ?? 0,
    fullyLabeledReplicas: s.fullyLabeledReplicas ?? 0,
    readyReplicas: s.readyReplicas ?? 0,
    availableReplicas: s.availableReplicas ?? 0,
    observedGeneration: s.observedGeneration ?? 0,
    conditions: s.conditions ?? [],
  };
}
