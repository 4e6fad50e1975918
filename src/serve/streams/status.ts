/**
 * The error channel's words: what the kubelet writes on the error stream when a command ends
 * (pkg/kubelet/cri/streaming/remotecommand/exec.go, ServeExec; httpstream.go v4WriteStatusFunc
 * and v1WriteStatusFunc). Protocols v4 and v5 carry a metav1.Status as JSON (Go's json.Marshal of
 * metav1.Status: no kind or apiVersion, an empty metadata, then status, message, reason, details,
 * code); v1 to v3 carry only a failure's message, and nothing on success.
 */

/** ExecStatus is how a command ended: its exit code, or an error that kept it from running or finishing. */
export interface ExecStatus {
  exitCode?: number;
  error?: string;
}

/**
 * execStatusJson is the metav1.Status the kubelet writes for `status`:
 * - exit code 0: `{"metadata":{},"status":"Success"}`;
 * - exit code N: Failure, reason NonZeroExitCode, details.causes [{reason: ExitCode, message: "N"}],
 *   message `command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3`
 *   (the CRI's CodeExitError text around Go's %v of the command);
 * - error: apierrors.NewInternalError of `error executing command in container: ERROR` (code 500,
 *   reason InternalError, message `Internal error occurred: ...`).
 */
export function execStatusJson(status: ExecStatus, command: readonly string[] = []): string {
  return JSON.stringify(execStatusObject(status, command));
}

/** execStatusObject is execStatusJson's object, in Go's field order. */
export function execStatusObject(status: ExecStatus, command: readonly string[] = []): Record<string, unknown> {
  if (status.error !== undefined) {
    const err = `error executing command in container: ${status.error}`;
    return { metadata: {}, status: 'Failure', message: `Internal error occurred: ${err}`, reason: 'InternalError', details: { causes: [{ message: err }] }, code: 500 };
  }
  const code = status.exitCode ?? 0;
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/**
 * execStatusPayload is the error stream's bytes for a protocol version: the JSON Status for v4 and
 * v5, the failure's message alone (nothing on success) before v4.
 */
export function execStatusPayload(version: number, status: ExecStatus, command: readonly string[] = []): Buffer {
  const object = execStatusObject(status, command);
  if (version >= 4) return Buffer.from(JSON.stringify(object));
  return object.status === 'Success' ? Buffer.alloc(0) : Buffer.from(String(object.message));
}

/** channelVersion reads the version of a channel protocol name: `v5.channel.k8s.io` 5, `channel.k8s.io` or '' 1. */
export function channelVersion(protocol: string): number {
  const m = /^v(\d+)\./.exec(protocol);
  return m ? Number(m[1]) : 1;
}
