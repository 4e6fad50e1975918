/**
 * Start sequences: how kubeplay starts a pod with init containers, one container at a time, as the
 * kubelet does (the StartSequence of plan/plan.ts says what; this carries it out, deciding
 * nothing). apply runs runStartSequence for up to the sequence's waitSeconds; an init container
 * still running then is handed to a background kubeplay process, which runs continueStartSequence
 * until the pod is started (or has failed), however long that takes.
 *
 * Why not Podman's own init containers: `POST /pods/{name}/start` waits for each init container
 * to exit while it holds the pod's lock, so one that never exits (a native sidecar, or a mistake)
 * blocks that call and every call that needs the pod's lock, the pod listing included, for every
 * user of the service, until the service is killed (Podman 4.3.1; `podman kube play` hangs the same
 * way). Starting a container and waiting for its exit take no pod-wide lock.
 */
import { Writable } from 'node:stream';
import type { StartSequence } from '../plan/plan';
import type { DesiredHealthcheck } from '../domain/types';
import type { ContainerEngine } from '../engine/container-engine';
import { EngineError } from '../domain/errors';

/** StartOutcome: the sequence finished, or an init container still runs at resumeAt (already started). */
export type StartOutcome = { done: true } | { done: false; resumeAt: number };

/**
 * runStartSequence starts the sequence's containers in order and waits for each init container to
 * exit 0, for up to waitSeconds in all. An init container that fails fails the pod (the executor
 * rolls it back and reports it); one still running at the deadline is where the background takes over.
 */
export async function runStartSequence(engine: ContainerEngine, q: StartSequence, now: () => number = Date.now): Promise<StartOutcome> {
  const deadline = now() + q.waitSeconds * 1000;
  for (let i = 0; i < q.items.length; i++) {
    const item = q.items[i]!;
    await engine.startContainer(item.name);
    if (item.until === 'started') {
      if (item.startupProbe === undefined) continue;
      const probed = await probeUntilStarted(engine, item.name, item.startupProbe, deadline, now);
      if (probed === 'later') return { done: false, resumeAt: i };
      if (probed === 'failed') {
        throw new EngineError(
          `pod ${q.pod} did not start: the startupProbe of sidecar ${item.name} failed ${item.startupProbe.retries} time(s); ` +
            `fix the probe or the sidecar and apply again (podman logs ${item.name} may say more)`,
          'startInOrder',
        );
      }
      continue;
    }
    const code = await engine.awaitContainerExit(item.name, Math.max(0, deadline - now()) / 1000);
    if (code === undefined) return { done: false, resumeAt: i };
    if (code !== 0) {
      throw new EngineError(
        `pod ${q.pod} did not start: init container ${item.name} exited with code ${code}; fix its command, image or ` +
          `mounts and apply again (podman logs ${item.name} may say more)`,
        'startInOrder',
      );
    }
  }
  return { done: true };
}

/** BACKOFF_MS: the kubelet's restart back-off for a failed container, 10 s doubling up to 5 min. */
export const BACKOFF_MS = { first: 10_000, max: 300_000 };
/** How long one wait call long-polls before it is asked again (Podman's answer has no time-out of its own). */
const LONG_POLL_SECONDS = 600;

/** ContinueOutcome is how a background start ended. */
export type ContinueOutcome =
  /** Every container of the sequence was started. */
  | 'done'
  /** An init container failed and the pod's restartPolicy is Never: the pod stays failed (Init:Error). */
  | 'failed'
  /** A container of the sequence is gone: the pod was deleted or replaced meanwhile, so there is nothing left to do. */
  | 'gone';

/**
 * continueStartSequence finishes a sequence in the background from resumeAt, whose init container
 * apply already started. It names containers by the ids they have now, so that a pod replaced
 * meanwhile under the same names is never started out of order. A failed init container is
 * restarted with the kubelet's back-off when the sequence says so.
 */
export async function continueStartSequence(
  engine: ContainerEngine,
  q: StartSequence,
  resumeAt: number,
  sleep: (ms: number) => Promise<void>,
): Promise<ContinueOutcome> {
  const names = q.items.slice(resumeAt).map((i) => i.name);
  const details = await engine.inspectContainers(names);
  if (details.length !== names.length) return 'gone';
  const ids = new Map(names.map((n, k) => [n, details[k]!.id]));
  try {
    let backoff = BACKOFF_MS.first;
    for (let i = resumeAt; i < q.items.length; i++) {
      const item = q.items[i]!;
      const id = ids.get(item.name)!;
      if (i > resumeAt) await engine.startContainer(id);
      if (item.until === 'started') {
        // The kubelet kills a sidecar whose startupProbe fails and starts it again, with back-off.
        while (item.startupProbe !== undefined && (await probeUntilStarted(engine, id, item.startupProbe)) !== 'passed') {
          await sleep(backoff);
          backoff = Math.min(backoff * 2, BACKOFF_MS.max);
          await engine.stopContainer(id, 0);
          await engine.startContainer(id);
        }
        continue;
      }
      for (;;) {
        const code = await engine.awaitContainerExit(id, LONG_POLL_SECONDS);
        if (code === undefined) continue;
        if (code === 0) break;
        if (!q.restartFailed) return 'failed';
        await sleep(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MS.max);
        await engine.startContainer(id);
      }
    }
    return 'done';
  } catch (e) {
    if (e instanceof EngineError && e.status === 404) return 'gone';
    throw e;
  }
}

/**
 * probeUntilStarted runs a sidecar's startupProbe as the kubelet does: after initialDelaySeconds,
 * every periodSeconds, until it succeeds ('passed') or fails failureThreshold times in a row
 * ('failed'); with a deadline, 'later' when the deadline comes first. The probe runs inside the
 * container through Podman's exec API (its command, or the shell script an HTTP or TCP probe
 * becomes: translate/probe.ts), each run bounded by timeoutSeconds.
 */
export async function probeUntilStarted(
  engine: ContainerEngine,
  container: string,
  probe: DesiredHealthcheck,
  deadline = Number.POSITIVE_INFINITY,
  now: () => number = Date.now,
): Promise<'passed' | 'failed' | 'later'> {
  const wait = async (seconds: number): Promise<boolean> => {
    if (now() + seconds * 1000 > deadline) return false;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return true;
  };
  if (probe.startPeriodSeconds > 0 && !(await wait(probe.startPeriodSeconds))) return 'later';
  for (let failures = 0; ; ) {
    if (await runProbe(engine, container, probe)) return 'passed';
    if (++failures >= probe.retries) return 'failed';
    if (!(await wait(probe.intervalSeconds))) return 'later';
  }
}

/** runProbe runs the probe's command once in the container: true when it exits 0 within its time-out. */
async function runProbe(engine: ContainerEngine, container: string, probe: DesiredHealthcheck): Promise<boolean> {
  const [form, ...rest] = probe.test;
  const command = form === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : rest;
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    const id = await engine.execCreate(container, { command, tty: false, stdin: false });
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      engine.execStart(id, { tty: false }, { stdout: discard, stderr: discard }).then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), probe.timeoutSeconds * 1000))),
    ]);
    clearTimeout(timer);
    if (!finished) return false;
    const status = await engine.execInspect(id);
    return !status.running && status.exitCode === 0;
  } catch (e) {
    // A container that is not running (yet, or any more) fails its probe; Podman being gone does not.
    if (e instanceof EngineError && (e.status === 409 || e.status === 500)) return false;
    throw e;
  }
}
