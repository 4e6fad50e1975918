/**
 * Turns Podman's low-level failures into kubeplay's messages (what happened, why, what to do).
 * Pure: the adapter passes in what it saw; unit tests feed these the strings Podman 4.3 sends.
 */

// Socket errors meaning nothing listens at the path (any more).
const UNREACHABLE: ReadonlySet<string> = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES']);
// Socket errors meaning the service went away in the middle of a call.
const DROPPED: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** ConnectionFailure is how a call to Podman failed at the socket level. */
export type ConnectionFailure = 'unreachable' | 'lost';

/**
 * connectionFailureOf classifies a transport error: the socket does not answer, the connection
 * was lost half-way (a reset, a broken pipe, or node's "socket hang up" when the service closes
 * the connection before answering), or neither (undefined).
 */
export function connectionFailureOf(err: { code?: string | undefined; message?: string | undefined }): ConnectionFailure | undefined {
  const code = err.code ?? '';
  if (UNREACHABLE.has(code)) return 'unreachable';
  if (DROPPED.has(code) || /socket hang up/i.test(err.message ?? '')) return 'lost';
  return undefined;
}

/** connectionFailureMessage says what a connection failure means for the call `what` and what to do. */
export function connectionFailureMessage(kind: ConnectionFailure, what: string, socketPath: string, code: string): string {
  if (kind === 'unreachable') {
    return (
      `cannot ${what}: Podman's API socket ${socketPath} does not answer (${code}); start the service ` +
      `(podman system service) or set CONTAINER_HOST to a socket that answers`
    );
  }
  return (
    `cannot ${what}: the connection to Podman was lost (${code}): the API service at ${socketPath} stopped ` +
    `answering in the middle of the call; check that it runs (or start it: podman system service), then apply again: ` +
    `what was done is kept and the next apply finishes the rest`
  );
}

/**
 * explainStartFailure rewrites a container start error that Podman words for itself into one a
 * user acts on; other errors come back as they are. A host port taken between kubeplay's check and
 * the pod's start shows up as `cannot listen on the TCP port: listen tcp4 :18090: bind: address
 * already in use` on the infra container.
 */
export function explainStartFailure(message: string): string {
  const m = /cannot listen on the (\w+) port: listen \S+ (\S*?):(\d+): bind: address already in use/i.exec(message);
  if (m === null) return message;
  const protocol = (m[1] ?? 'tcp').toUpperCase();
  const ip = m[2] !== undefined && m[2] !== '' ? ` on ${m[2]}` : '';
  return (
    `host port ${m[3] ?? '?'}/${protocol}${ip} is already in use: another process took it after kubeplay checked ` +
    `it was free and before the pod started; free the port or change hostPort, then apply again`
  );
}

/**
 * explainStartFailures explains each of a pod start's per-container errors. When the infra
 * container could not take a host port, the app containers' "a dependency ... failed to start"
 * errors only echo it, so just the port's is kept.
 */
export function explainStartFailures(errors: readonly string[]): string[] {
  const explained = errors.map(explainStartFailure);
  const ports = explained.filter((e, i) => e !== errors[i]);
  return ports.length > 0 ? ports : explained;
}

/**
 * isLeftoverMountFailure tells whether a failed removal met the remains of a container start that
 * the death of Podman's API service cut off. Podman 4.3 mounts a container's /dev/shm tmpfs and root
 * filesystem first and records "mounted" after; a service killed in between leaves the mounts with a
 * record saying "unmounted". Removal believes the record ("storage is already unmounted, skipping"),
 * and deleting the container's directory then fails on the still-mounted shm:
 * `removing container ID root filesystem: ... unlinkat .../userdata/shm: device or resource busy`.
 * By the time that error is returned Podman has dropped the container (its files and the mount
 * are gone too, as measured on 4.3.1), so asking again removes what is left.
 */
export function isLeftoverMountFailure(message: string): boolean {
  return /device or resource busy/i.test(message) && /root filesystem|userdata\/shm/i.test(message);
}

/**
 * leftoverMountAdvice is the end of the message when removing such remains failed twice: why, and
 * what to do.
 */
export const LEFTOVER_MOUNT_ADVICE =
  'Podman could not remove what a container start cut off by a stopped API service left mounted; ' +
  'apply again, and if this persists remove the pod yourself (podman pod rm -f NAME)';
