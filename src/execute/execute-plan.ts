/**
 * executePlan: the execute stage. It carries out the plan's image pulls, then each action's steps, with
 * a bound on how many pods are worked on at once. When a step fails it runs the action's rollback
 * steps and goes on with the other actions. It decides nothing: what to do is in the plan.
 */
import type { Action, ImageDecision, Plan, Step } from '../domain/plan';
import type { ActionResult, ExecutionReport, HostFs, ObjectWriter, ProgressEvent, PullEvent, StartInBackground, StopReason } from '../domain/execution';

// The execution report and the executor's ports are hand-off types, in domain/ where every stage can see them.
export type { ActionResult, ExecutionReport, HostFs, ObjectWriter, ProgressEvent, PullEvent, StartInBackground, StopReason } from '../domain/execution';
import { runStartSequence } from './start-sequence';
import { formatStep } from '../plan/plan';
import type { ContainerEngine } from '../engine/container-engine';
import type { ProxyRuleWriter } from '../engine/proxy-rules';
import { EngineError, EngineTimeoutError, EngineUnavailableError, ImagePullError, InternalError } from '../domain/errors';
import { shortImageId } from '../domain/image-ref';
import { executeInPhases, hasBarriers } from './phases';

/** StepEnv is what steps need beyond the engine: the host's files, and a way to finish starts in the background. */
export interface StepEnv {
  hostFs?: HostFs;
  startInBackground?: StartInBackground;
  /** The object store, for the steps of kinds kept in the store only. */
  objects?: ObjectWriter;
  /** Loads Services' packet rules into their proxy pods (programProxy). */
  proxyRules?: ProxyRuleWriter;
}

/** ExecuteOptions bound the work in flight, report progress, and give access to the host's files. */
export interface ExecuteOptions extends StepEnv {
  concurrency: number;
  onProgress?: (e: ProgressEvent) => void;
  /** Told each step of each pull, for progress on a terminal and the -v log. */
  onPull?: (e: PullEvent) => void;
  /**
   * Aborted when the user interrupts the run: no new action starts, and an action in flight stops
   * at its next step and runs its rollback (removing the half-made pod, putting back the previous).
   */
  signal?: AbortSignal;
  /**
   * Set by executePlan itself for the second and later phases of a phased plan: its actions have
   * begun, so a stop rolls them back (or leaves them) instead of reporting them not started.
   */
  begun?: boolean;
}

/** INTERRUPTED is the error text of the work an interruption stopped. */
const INTERRUPTED = 'kubeplay was interrupted';

/** executePlan runs the plan against the engine; see the module comment. */
export async function executePlan(engine: ContainerEngine, plan: Plan, opts: ExecuteOptions): Promise<ExecutionReport> {
  if (hasBarriers(plan)) {
    let phase = 0;
    return executeInPhases(plan, (p) => executePlan(engine, p, { ...opts, begun: phase++ > 0 }));
  }
  // Why no new work may start: the user interrupted, or Podman stopped answering (every later
  // call would fail the same way, and half-made pods would pile up).
  let stopped: StopReason | undefined;
  const stopReason = (): StopReason | undefined => {
    if (stopped === undefined && opts.signal?.aborted) stopped = 'interrupted';
    return stopped;
  };
  const noteFailure = (e: unknown): void => {
    if (e instanceof EngineUnavailableError) stopped ??= 'engine-unavailable';
  };

  // Each image the plan pulls, once, before any pod is made. A failed pull whose decision has a
  // local fallback leaves that image in use, with a warning; otherwise it fails the pods needing it.
  const failedPulls = new Map<string, string>();
  const warnings: string[] = [];
  const pulls = plan.images.filter((d) => d.decision === 'pull' || d.decision === 'pull-or-local');
  await runBounded(pulls, opts.concurrency, async (d) => {
    if (stopReason()) return;
    opts.onPull?.({ image: d.image, message: 'pulling', layers: 0 });
    let layers = 0;
    try {
      await engine.pullImage(d.image, (p) => {
        layers = p.layers;
        opts.onPull?.({ image: d.image, ...p });
      });
      opts.onPull?.({ image: d.image, message: 'pulled', layers });
    } catch (e) {
      noteFailure(e);
      if (d.decision === 'pull-or-local' && e instanceof ImagePullError) {
        warnings.push(fallbackWarning(d, e));
        opts.onPull?.({ image: d.image, message: `using local ${shortImageId(d.localId ?? '')}`, layers });
      } else {
        failedPulls.set(d.image, messageOf(e));
        opts.onPull?.({ image: d.image, message: 'pull failed', layers });
      }
    }
  });
  const results = await runBounded(plan.actions, opts.concurrency, async (action): Promise<ActionResult> => {
    // An unchanged pod may still have steps: its mounted ConfigMap/Secret files refreshed.
    if (action.kind === 'unchanged' && action.steps.length === 0) return { action, outcome: 'done' };
    if (action.kind === 'blocked') return { action, outcome: 'failed', error: action.cause };
    const stop = stopReason();
    if (stop && !opts.begun) return { action, outcome: 'failed', started: false, error: notStarted(stop) };
    if (stop === 'engine-unavailable') return { action, outcome: 'failed', error: `stopped half-way: ${LOST}`, ...(action.rollback.length > 0 ? { rollback: 'left' as const } : {}) };
    const pullError = action.needsImages.map((i) => failedPulls.get(i)).find((m) => m !== undefined);
    if (pullError !== undefined) return { action, outcome: 'failed', error: pullError };
    let at = 0;
    try {
      for (const step of action.steps) {
        if (opts.signal?.aborted) throw new Interrupted();
        opts.onProgress?.({ ref: action.ref, step: formatStep(step) });
        await runStep(engine, step, opts);
        at++;
      }
      opts.onProgress?.({ ref: action.ref, step: 'done' });
      return { action, outcome: 'done' };
    } catch (e) {
      noteFailure(e);
      if (e instanceof Interrupted) stopped ??= 'interrupted';
      let error = e instanceof Interrupted ? `stopped half-way: ${INTERRUPTED}` : messageOf(e);
      // Podman did not answer: say how far the pod got, since nothing can be asked of Podman now.
      if (e instanceof EngineTimeoutError) error += `; ${progressOf(action, at)}`;
      if (e instanceof EngineUnavailableError) {
        // The rollback's calls would fail the same way; the next apply sees the remains as incomplete.
        return { action, outcome: 'failed', error, ...(action.rollback.length > 0 ? { rollback: 'left' as const } : {}) };
      }
      if (action.rollback.length === 0) return { action, outcome: 'failed', error };
      opts.onProgress?.({ ref: action.ref, step: 'rolling back' });
      const restores = action.rollback.some((s) => s.op === 'createPod');
      try {
        for (const step of action.rollback) await runStep(engine, step, opts);
        opts.onProgress?.({ ref: action.ref, step: 'rolled back' });
        return { action, outcome: 'failed', error, rollback: restores ? 'restored' : 'removed' };
      } catch (e2) {
        noteFailure(e2);
        return { action, outcome: 'failed', error: `${error}; rollback failed too: ${messageOf(e2)}`, rollback: 'rollback-failed' };
      }
    }
  });
  return { results, ...(stopped ? { stopped } : {}), ...(warnings.length > 0 ? { warnings } : {}) };
}

/** fallbackWarning says that an Always pull failed and which local image is used instead. */
function fallbackWarning(d: ImageDecision, e: ImagePullError): string {
  const id = shortImageId(d.localId ?? '');
  return `image ${d.image} (imagePullPolicy Always) could not be pulled: ${e.answer}; using the local image ${id} instead`;
}

/** progressOf says how far an action got: the steps done, and the one it was stuck at. */
function progressOf(action: Action, at: number): string {
  const done = action.steps.slice(0, at).filter((st) => st.op !== 'barrier').map(formatStep);
  const stuck = action.steps[at];
  return `${action.ref} had ${done.length === 0 ? 'nothing done' : `done: ${done.join(', ')}`}${stuck ? `; stuck at: ${formatStep(stuck)}` : ''}`;
}

/** Interrupted stops an action between two steps when the run is interrupted. */
class Interrupted extends Error {}

const LOST = 'the connection to Podman was lost while other pods were worked on';

function notStarted(reason: StopReason): string {
  if (reason === 'interrupted') return `not started: ${INTERRUPTED} before it got to this pod; apply again to finish`;
  return `not started: ${LOST}; apply again once Podman answers`;
}

/** runStep carries out one step. Removing what is already gone is not an error. */
export async function runStep(engine: ContainerEngine, step: Step, env: StepEnv = {}): Promise<void> {
  const hostFs = env.hostFs;
  switch (step.op) {
    case 'pullImage':
      await engine.pullImage(step.image);
      return;
    case 'removePod':
      return ignoreNotFound(engine.removePod(step.name, { force: true, timeoutSeconds: step.timeoutSeconds }));
    case 'removeVolume':
      return ignoreNotFound(engine.removeVolume(step.name, step.unlessInUse !== true));
    case 'removeContainer':
      return ignoreNotFound(engine.removeContainer(step.name));
    case 'createVolume':
      return engine.createVolume(step.name, step.labels, { tmpfs: step.tmpfs });
    case 'ensureVolume':
      if (await engine.volumeExists(step.name)) return;
      // A claim and the pod mounting it, applied together, both ensure the volume at once: the
      // second create finds it made (Podman 4.3 answers 500 "volume already exists", others 409),
      // which is what it wanted; any other failure leaves no volume behind.
      return engine.createVolume(step.name, step.labels).catch(async (e: unknown) => {
        if (!(e instanceof EngineError) || !(await engine.volumeExists(step.name))) throw e;
      });
    case 'createPod':
      await engine.createPod(step.pod);
      return;
    case 'createContainer':
      await engine.createContainer(step.pod, step.container);
      return;
    case 'startPod':
      return engine.startPod(step.name);
    case 'startInOrder': {
      const outcome = await runStartSequence(engine, step.sequence);
      if (outcome.done) return;
      if (!env.startInBackground) throw new InternalError(`pod ${step.sequence.pod}: an init container still runs and nothing was given to finish its start in the background`);
      return env.startInBackground(step.sequence, outcome.resumeAt);
    }
    case 'ensureHostPath':
      if (!hostFs) throw new Error(`cannot create host path ${step.path}: no host file access was given`);
      return step.kind === 'file' ? hostFs.ensureFile(step.path) : hostFs.ensureDirectory(step.path);
    case 'signalPod':
      // 409: nothing left running to signal.
      return engine.killPod(step.name, step.signal).catch((e: unknown) => {
        if (!(e instanceof EngineError && (e.status === 404 || e.status === 409))) throw e;
      });
    case 'stopContainers':
      // A container kill would not do: Podman restarts a killed container under restart policy always.
      await Promise.all(step.names.map((name) => ignoreNotFound(engine.stopContainer(name, step.timeoutSeconds))));
      return;
    case 'awaitPodExit':
      return awaitPodExit(engine, step.name, step.timeoutSeconds);
    case 'killPod':
      return engine.killPodAndAwaitCleanup(step.name, step.cleanupSeconds);
    case 'putObject':
      if (!env.objects) throw new InternalError(`cannot store ${step.object.kind} ${step.object.metadata.name}: no object store was given`);
      return env.objects.put(step.object);
    case 'putStatus':
      if (!env.objects) throw new InternalError(`cannot store the status of ${step.object.kind} ${step.object.metadata.name}: no object store was given`);
      return env.objects.putStatus(step.object);
    case 'removeObject':
      if (!env.objects) throw new InternalError(`cannot remove ${step.key.kind} ${step.key.name}: no object store was given`);
      return env.objects.remove(step.key);
    case 'createSecret':
      return engine.createSecret(step.name, Buffer.from(step.data, 'base64'), step.labels);
    case 'removeSecret':
      return ignoreNotFound(engine.removeSecret(step.name));
    case 'projectFiles':
      if (!hostFs) throw new InternalError(`cannot write files into ${step.dir}: no host file access was given`);
      return hostFs.projectFiles(step.dir, step.files);
    case 'removeFiles':
      if (!hostFs) throw new InternalError(`cannot remove ${step.dir}: no host file access was given`);
      return hostFs.removeFiles(step.dir);
    case 'ensureNetwork':
      if ((await engine.inspectNetwork(step.name)) !== undefined) return;
      return engine.createNetwork({ name: step.name, subnet: step.subnet, leaseRange: step.leaseRange, labels: step.labels }).catch(async (e: unknown) => {
        if ((await engine.inspectNetwork(step.name)) === undefined) throw e;
      });
    case 'programProxy': {
      if (!env.proxyRules) throw new InternalError(`cannot program the proxy pod ${step.pod}: no rule writer was given`);
      const pid = await infraPid(engine, step.pod);
      return env.proxyRules.program(step.pod, pid, step.rules, step.hash);
    }
    case 'forgetProxy':
      env.proxyRules?.forget(step.pod);
      return;
    case 'barrier':
      // executePlan splits the plan at barriers (phases.ts); one reaching here is a bug.
      throw new InternalError(`a barrier step reached the step runner: ${step.label}`);
  }
}

/** infraPid is the host process id of a pod's infra container (0 when it does not run). */
async function infraPid(engine: ContainerEngine, pod: string): Promise<number> {
  const found = (await engine.listPods()).find((p) => p.name === pod);
  const infra = found?.containers.find((c) => c.isInfra);
  if (infra === undefined) throw new EngineError(`cannot program the proxy pod ${pod}: no such pod, or it has no infra container`, 'programProxy', 404);
  const [detail] = await engine.inspectContainers([infra.id]);
  return detail?.pid ?? 0;
}

// Concurrent awaitPodExit steps share one pod listing per poll, so waiting on 50 pods costs what
// waiting on one does.
const listings = new WeakMap<ContainerEngine, { at: number; pods: ReturnType<ContainerEngine['listPods']> }>();
const POLL_MS = 200;

/** awaitPodExit resolves once no app container of the pod is running (or the pod is gone), or after timeoutSeconds. */
async function awaitPodExit(engine: ContainerEngine, name: string, timeoutSeconds: number): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    let cached = listings.get(engine);
    if (cached === undefined || Date.now() - cached.at >= POLL_MS) {
      cached = { at: Date.now(), pods: engine.listPods() };
      listings.set(engine, cached);
    }
    const pod = (await cached.pods).find((p) => p.name === name);
    const active = (pod?.containers ?? []).some((c) => !c.isInfra && (c.state === 'running' || c.state === 'paused' || c.state === 'stopping'));
    if (!active || Date.now() >= deadline) return;
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}

async function ignoreNotFound(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof EngineError && e.status === 404)) throw e;
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** runBounded maps items through fn with at most `limit` in flight; results keep input order. */
export async function runBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
