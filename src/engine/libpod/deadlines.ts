/**
 * How long each libpod call may take. Podman answers most calls in milliseconds; a call that
 * takes minutes is stuck (on a lock another call holds forever, say) and must not hang kubeplay
 * with it. `--request-timeout` replaces these (LibpodTransport); waits whose length is their
 * meaning (a stop's grace period, a container's exit) keep their own. docs/reliability.md lists them.
 */

/**
 * DEADLINES: seconds each operation has for Podman's whole answer. Calls not listed get
 * DEFAULT_DEADLINE_SECONDS. Streams that follow (logs -f, exec, event watches) have no deadline:
 * they end when their caller says; Podman must still answer them within the default.
 */
export const DEADLINES: Readonly<Record<string, number>> = {
  createContainer: 60,
  createPod: 60,
  // Starting every container of a pod at once (no init containers: nothing it waits on).
  startPod: 120,
  startContainer: 60,
  removeContainer: 60,
  // Lists and inspections of many pods while dozens are torn down took seconds a call here.
  listPods: 60,
  listContainers: 60,
};

/** DEFAULT_DEADLINE_SECONDS is the deadline of a call DEADLINES does not list. */
export const DEFAULT_DEADLINE_SECONDS = 30;

/** PULL_IDLE_SECONDS: seconds a pull may go without any word of progress from Podman before it is given up. */
export const PULL_IDLE_SECONDS = 300;

/** STOP_DEADLINE_MARGIN_SECONDS: extra seconds a call that stops containers gets beyond its own stop time-out. */
export const STOP_DEADLINE_MARGIN_SECONDS = 60;

/** DEFAULT_STOP_TIMEOUT_SECONDS is Podman's own default when a stop timeout is not given. */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 10;

/** formatSeconds: `30 s`, `0.5 s`. */
export function formatSeconds(s: number): string {
  return `${Math.round(s * 10) / 10} s`;
}
