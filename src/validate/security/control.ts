/**
 * The shape of a Pod Security Standards control, and the helpers the controls share. A control is
 * a pure function of one Pod document that returns its violations, one per offending field, each
 * with the reason and detail kube-apiserver's PodSecurity admission prints for it.
 */
import type { JsonPath } from '../../domain/types';
import { asRecord, eachContainer, type PodLike } from '../rules/rule';

/** SecurityProfile is a Pod Security Standards level; `privileged` checks nothing (Kubernetes' default). */
export type SecurityProfile = 'privileged' | 'baseline' | 'restricted';

/** SECURITY_PROFILES lists the levels, weakest first. */
export const SECURITY_PROFILES: readonly SecurityProfile[] = ['privileged', 'baseline', 'restricted'];

/** Violation is one field that breaks a control: PodSecurity's reason (the control) and its detail. */
export interface Violation {
  path: JsonPath;
  /** The control as PodSecurity names it in its message, e.g. `privileged`, `hostPath volumes`. */
  reason: string;
  /** What is wrong and what to set, e.g. `container "web" must not set securityContext.privileged=true`. */
  detail: string;
}

/** PodSecurityControl is one control of the standard. */
export interface PodSecurityControl {
  /** Stable id (PodSecurity's check id). */
  id: string;
  /** The weakest level that enforces it. */
  level: 'baseline' | 'restricted';
  /** The id of a baseline control this one replaces at restricted (as PodSecurity's overrides do). */
  overrides?: string;
  check(pod: PodLike): Violation[];
}

/** ContainerRef is a container with its path and a label for messages (`container "web"`). */
export interface ContainerRef {
  c: Record<string, unknown>;
  path: JsonPath;
  name: string;
}

/** containersOf lists the containers and init containers of a pod. */
export function containersOf(pod: PodLike): ContainerRef[] {
  const out: ContainerRef[] = [];
  eachContainer(pod, (c, path) => out.push({ c, path, name: typeof c['name'] === 'string' ? c['name'] : `#${String(path[2])}` }));
  return out;
}

/** specOf is the pod's spec, or an empty map. */
export function specOf(pod: PodLike): Record<string, unknown> {
  return asRecord(pod['spec']) ?? {};
}

/** podSecurityContext is spec.securityContext, or an empty map. */
export function podSecurityContext(pod: PodLike): Record<string, unknown> {
  return asRecord(specOf(pod)['securityContext']) ?? {};
}

/** securityContextOf is a container's securityContext, or an empty map. */
export function securityContextOf(c: Record<string, unknown>): Record<string, unknown> {
  return asRecord(c['securityContext']) ?? {};
}

/** q quotes a value as PodSecurity does (Go's %q). */
export function q(v: unknown): string {
  return JSON.stringify(typeof v === 'string' ? v : String(v));
}
