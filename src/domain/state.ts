/** ObservedState and its parts: what runs in Podman, as the observe stage saw it once. */
import type { LocalImage } from './image-ref';

/** ObservedContainer is one container of an observed pod. */
export interface ObservedContainer {
  id: string;
  name: string;
  state: string;
  isInfra: boolean;
  /** How its last run ended; observed only for the init containers of a pod whose start is unfinished. */
  exitCode?: number;
}

/** ObservedPod is one Podman pod, managed by kubeplay or not. */
export interface ObservedPod {
  id: string;
  name: string;
  status: string;
  labels: Record<string, string>;
  containers: ObservedContainer[];
  /** A background kubeplay is still starting it (its init containers are being waited for). */
  starting?: boolean;
}

/** HostPortClaim is a host port already taken: by a Podman pod or container, or by another process. */
export interface HostPortClaim {
  hostIP: string;
  hostPort: number;
  protocol: string;
  /** The Podman pod that publishes it, when it is a pod. */
  podName?: string;
  /** Who holds it, in words: `pod/web`, `container nginx`, `a process outside Podman`. */
  holder: string;
}

/** HostPathKind is what a host path is, as the kubelet's hostPath type checks see it. */
export type HostPathKind = 'missing' | 'directory' | 'file' | 'socket' | 'char-device' | 'block-device' | 'other';

/** ObservedState is the observe stage's output. Optional parts were not needed and not observed. */
export interface ObservedState {
  /** Every Podman pod, sorted by name. */
  pods: ObservedPod[];
  /** Host ports in use; observed only when some pod must be created. */
  portClaims?: HostPortClaim[];
  /**
   * For each image the pods to make use (canonical reference, see image-ref.ts): the local image
   * Podman resolves it to, or null when it has none; observed only when some pod must be made.
   */
  images?: Record<string, LocalImage | null>;
  /** What each hostPath volume's path is on the host; observed only when needed. */
  hostPaths?: Record<string, HostPathKind>;
}
