/**
 * The libpod pod calls more than one part of the adapter makes: inspecting a pod, signalling or
 * stopping its containers, and reading the per-container errors of their reports.
 */
import { EngineError } from '../../domain/errors';
import { STOP_DEADLINE_MARGIN_SECONDS } from './deadlines';
import { errsOf, plain, podmanMessage } from './podman-answers';
import type { LibpodResponse, LibpodTransport } from './transport';
import type { PodInspectReport } from './wire-types';

/** inspectPod inspects a pod (GET /pods/{name}/json); `operation` is the port call it serves. */
export async function inspectPod(t: LibpodTransport, name: string, operation: string): Promise<PodInspectReport> {
  const res = await t.request({
    operation,
    what: `inspect pod ${name}`,
    method: 'GET',
    path: `/pods/${encodeURIComponent(name)}/json`,
  });
  return res.body as PodInspectReport;
}

/** inspectPodIfThere inspects a pod; undefined when it is gone (404), which is not an error here. */
export async function inspectPodIfThere(t: LibpodTransport, name: string, operation: string): Promise<PodInspectReport | undefined> {
  try {
    return await inspectPod(t, name, operation);
  } catch (err) {
    if (err instanceof EngineError && err.status === 404) return undefined;
    throw err;
  }
}

/** killPod sends a signal to every container of the pod (POST /pods/{name}/kill). */
export async function killPod(t: LibpodTransport, name: string, signal: string, operation = 'killPod'): Promise<void> {
  const res = await t.request({
    operation,
    what: `send ${signal} to pod ${name}`,
    method: 'POST',
    path: `/pods/${encodeURIComponent(name)}/kill`,
    query: { signal },
    accept: [409],
  });
  throwOnErrs(res, name, operation, `send ${signal} to`);
}

/**
 * stopPod stops the pod's containers (POST /pods/{name}/stop?t=T): SIGTERM, SIGKILL after T
 * seconds. Podman's service runs at most NumCPU×3 container stops at once, so stopping many
 * pods this way takes several grace periods (see plan/stop-steps.ts).
 */
export async function stopPod(t: LibpodTransport, name: string, timeoutSeconds: number, operation: string): Promise<void> {
  const res = await t.request({
    operation,
    what: `stop pod ${name}`,
    method: 'POST',
    path: `/pods/${encodeURIComponent(name)}/stop`,
    query: { t: Math.ceil(timeoutSeconds) },
    accept: [409],
    deadlineSeconds: timeoutSeconds + STOP_DEADLINE_MARGIN_SECONDS,
  });
  throwOnErrs(res, name, operation, 'stop');
}

/** containerNamesById maps container ids of the pod to names, to turn Podman's id-only errors into named ones. */
export async function containerNamesById(t: LibpodTransport, pod: string): Promise<Map<string, string>> {
  try {
    const report = await inspectPod(t, pod, 'startPod');
    return new Map((report.Containers ?? []).map((c) => [c.Id, c.Name]));
  } catch {
    return new Map();
  }
}

/** throwOnErrs fails a pod call whose report has per-container errors, or that answered 409. */
function throwOnErrs(res: LibpodResponse, pod: string, operation: string, verb: string): void {
  const errs = errsOf(res.body);
  if (errs.length === 0 && res.status !== 409) return;
  if (errs.length === 0) errs.push(podmanMessage(res.body, res.status));
  throw new EngineError(`cannot ${verb} pod ${pod}: ${errs.map(plain).join('; ')}`, operation, res.status);
}
