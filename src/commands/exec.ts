/**
 * runExec: `kubeplay exec POD [-c CONTAINER] [-i] [-t] -- COMMAND...`. It finds the pod as get
 * does, picks the container as kubectl does, runs the command through Podman's exec API with
 * the terminal's streams attached, and returns the command's exit code. The terminal (raw mode,
 * size, resizes) is lent by the CLI; nothing here touches the process.
 */
import { NotFoundError, ObjectError, UsageError } from '../domain/errors';
import type { ContainerEngine } from '../engine/container-engine';
import { chooseContainer } from './choose-container';
import { observeGet } from '../observe/observe-pods';
import { podOfArgument } from './pick-pod';
import type { ObjectStore } from '../store/object-store';

/** ExecOptions are exec's arguments and flags, typed. */
export interface ExecOptions {
  pod: string;
  /** -n: the pod's namespace (`default` when absent). */
  namespace?: string;
  container?: string;
  command: string[];
  /** -i: pass stdin to the command. */
  stdin: boolean;
  /** -t: the command gets a TTY (only with -i and a terminal on stdin, as in kubectl). */
  tty: boolean;
}

/** ExecTerminal is the caller's side: streams, and for a TTY, raw mode, size and resize events. */
export interface ExecTerminal {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether stdin is a terminal (a TTY needs one). */
  stdinIsTerminal: boolean;
  /** Switches the terminal to raw mode (true) and back (false). */
  setRaw: (on: boolean) => void;
  /** The terminal's size, when known. */
  size: () => { rows: number; columns: number } | undefined;
  /** Calls back on each resize; returns a function that stops it. */
  onResize: (cb: () => void) => () => void;
}

/** ExecDeps are what exec needs from outside. */
export interface ExecDeps {
  engine: () => Promise<ContainerEngine>;
  now: () => Date;
  /** The object store, to find a workload's pods (`deploy/web`); absent: only pods can be named. */
  store?: () => ObjectStore;
  /** Told kubectl's note when a workload has several pods (`Found 3 pods, using pod/...`). */
  note?: (line: string) => void;
}

/** validateExecOptions checks the arguments as kubectl exec does. */
export function validateExecOptions(o: ExecOptions): void {
  if (o.pod === '') throw new UsageError('pod name must be specified: kubeplay exec POD [-c CONTAINER] -- COMMAND [args...]');
  if (o.command.length === 0) throw new UsageError('you must specify at least one command for the container: kubeplay exec POD -- COMMAND [args...]');
}

/**
 * useTty decides whether the session gets a TTY, as kubectl's SetupTTY does: only with -i and
 * -t, and only when stdin is a terminal; -it on a pipe gets kubectl's warning and no TTY.
 */
export function useTty(o: ExecOptions, stdinIsTerminal: boolean): { tty: boolean; warning: string } {
  if (!o.tty || !o.stdin) return { tty: false, warning: '' };
  if (!stdinIsTerminal) return { tty: false, warning: 'Unable to use a TTY - input is not a terminal or the right kind of file\n' };
  return { tty: true, warning: '' };
}

/** runExec runs exec; see the module comment. Resolves to the command's exit code. */
export async function runExec(o: ExecOptions, deps: ExecDeps, term: ExecTerminal): Promise<number> {
  validateExecOptions(o);
  const engine = await deps.engine();
  const picked = await podOfArgument(o.pod, o.namespace, engine, deps.store);
  if (picked.note !== undefined) deps.note?.(picked.note);
  o = { ...o, pod: picked.pod };
  const found = await observeGet({ names: [o.pod], fields: [], inspectAll: true, single: true, namespace: o.namespace ?? 'default' }, engine, deps.now);
  const pod = found.pods[0];
  if (pod === undefined) throw new NotFoundError([{ name: o.pod }]);
  const phase = pod.status?.phase ?? '';
  if (phase === 'Succeeded' || phase === 'Failed') throw new ObjectError(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  const chosen = chooseContainer(pod, o.container);
  if (chosen.note !== '') term.stderr.write(chosen.note);

  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const id = (statuses.find((s) => s.name === chosen.name)?.containerID ?? '').replace(/^podman:\/\//, '');
  // Podman's own state decides: a restarted container shown as CrashLoopBackOff may be running.
  const [detail] = id === '' ? [] : await engine.inspectContainers([id]);
  if (detail === undefined || detail.state !== 'running') {
    throw new ObjectError(`unable to upgrade connection: container not found ("${chosen.name}"): it is not running${detail ? ` (Podman state: ${detail.state})` : ''}`);
  }

  const { tty, warning } = useTty(o, term.stdinIsTerminal);
  if (warning !== '') term.stderr.write(warning);
  const execId = await engine.execCreate(id, { command: o.command, tty, stdin: o.stdin });
  let stopResize: (() => void) | undefined;
  if (tty) {
    term.setRaw(true);
    stopResize = term.onResize(() => {
      const s = term.size();
      if (s) void engine.execResize(execId, s.rows, s.columns).catch(() => undefined);
    });
  }
  try {
    const size = tty ? term.size() : undefined;
    await engine.execStart(execId, { tty, ...(size ? { rows: size.rows, columns: size.columns } : {}) }, {
      ...(o.stdin ? { stdin: term.stdin } : {}),
      stdout: term.stdout,
      stderr: term.stderr,
    });
  } finally {
    stopResize?.();
    if (tty) term.setRaw(false);
  }
  return (await engine.execInspect(execId)).exitCode;
}
