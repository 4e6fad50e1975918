/**
 * runWait: `kubeplay wait --for=condition=Available deployment/web`, `--for=condition=complete
 * job/x`, `--for=delete pod/x`, `--for=jsonpath='{.status.phase}'=Running pod/x`, with
 * `--timeout` (default 30s), as kubectl wait. kubeplay runs no daemon, so waiting runs the
 * controllers (a pass under the lock each second): what is awaited moves on while it waits.
 * Pods are looked at in Podman (get's view, readiness included); other kinds in the store.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { NotFoundError, ObjectError, UsageError } from '../domain/errors';
import { groupKindText, refWord, resourceText } from '../domain/kinds';
import { compileJsonPath } from '../print/get/jsonpath';
import { observeGet } from '../observe/observe-pods';
import { withControllers, workloadRefs, type WorkloadDeps, type WorkloadRef } from './workloads';

/** WaitFor is what --for asks. */
export type WaitFor = { type: 'delete' } | { type: 'condition'; condition: string; value: string } | { type: 'jsonpath'; path: string; value?: string };

/** WaitOptions are wait's flags. */
export interface WaitOptions {
  args: string[];
  for: string;
  /** --timeout in seconds; 0 checks once. */
  timeoutSeconds: number;
  namespace?: string;
  /** Told each `... condition met` line as it comes. */
  onLine?: (line: string) => void;
}

/** parseFor reads --for as kubectl does. */
export function parseFor(text: string): WaitFor {
  if (text === '') throw new UsageError('--for must be set: kubeplay wait --for=condition=Available deployment/web');
  if (text.toLowerCase() === 'delete') return { type: 'delete' };
  if (text.toLowerCase().startsWith('condition=')) {
    const rest = text.slice('condition='.length);
    const eq = rest.indexOf('=');
    const condition = eq < 0 ? rest : rest.slice(0, eq);
    if (condition === '') throw new UsageError(`unrecognized condition: "${text}"`);
    return { type: 'condition', condition, value: eq < 0 ? 'true' : rest.slice(eq + 1) };
  }
  if (text.toLowerCase().startsWith('jsonpath=')) {
    const rest = text.slice('jsonpath='.length);
    const m = /^(\{.*\})(?:=(.*))?$/.exec(rest) ?? /^([^=]+)(?:=(.*))?$/.exec(rest);
    if (m === null || m[1] === undefined) throw new UsageError(`unrecognized jsonpath: "${text}"`);
    const path = m[1].startsWith('{') ? m[1] : `{${m[1]}}`;
    return { type: 'jsonpath', path, ...(m[2] !== undefined ? { value: m[2] } : {}) };
  }
  throw new UsageError(`unrecognized condition: "${text}"`);
}

/** meets says whether an object (absent: undefined) is what --for asks. */
export function meets(o: { status?: unknown } | undefined, f: WaitFor): boolean {
  if (f.type === 'delete') return o === undefined;
  if (o === undefined) return false;
  if (f.type === 'condition') {
    const conditions = ((o.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)?.conditions ?? []);
    return conditions.some((c) => (c.type ?? '').toLowerCase() === f.condition.toLowerCase() && (c.status ?? '').toLowerCase() === f.value.toLowerCase());
  }
  const got = compileJsonPath(f.path)(o);
  return f.value === undefined ? got !== '' : got === f.value;
}

/** runWait waits for every object named; returns the lines printed (when no onLine is given). */
export async function runWait(opts: WaitOptions, deps: WorkloadDeps): Promise<string[]> {
  const f = parseFor(opts.for);
  const refs = workloadRefs(opts.args, opts.namespace, 'wait');
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now().getTime() + opts.timeoutSeconds * 1000;
  const lines: string[] = [];
  const say = (l: string) => (opts.onLine ? opts.onLine(l) : lines.push(l));
  const pending = new Set(refs);
  let first = true;
  for (;;) {
    await withControllers(deps, () => undefined, { waitSeconds: 0 });
    const engine = await deps.engine();
    const store = deps.store();
    try {
      for (const r of [...pending]) {
        const o = r.kind.info.kind === 'Pod' ? await podOf(engine, r, deps.prober?.(engine)) : store.get({ kind: groupKindText(r.kind.info), namespace: r.kind.info.namespaced ? r.namespace : '', name: r.name });
        if (o === undefined && first && f.type !== 'delete') throw new NotFoundError([{ name: r.name }], resourceText(r.kind.info));
        if (meets(o, f)) {
          say(`${refWord(r.kind.info)}/${r.name} condition met`);
          pending.delete(r);
        }
      }
    } finally {
      store.close();
    }
    first = false;
    if (pending.size === 0) return lines;
    if (deps.signal?.aborted || now().getTime() >= deadline) {
      throw new ObjectError([...pending].map((r) => `timed out waiting for the condition on ${r.kind.info.plural}/${r.name}`).join('\nerror: '));
    }
    await sleep(Math.min(1000, Math.max(0, deadline - now().getTime())));
  }
}

/** podOf is one pod as get shows it, or undefined. */
async function podOf(engine: Parameters<typeof observeGet>[1], r: WorkloadRef, prober: Parameters<typeof observeGet>[3]): Promise<V1Pod | undefined> {
  const got = await observeGet({ names: [r.name], fields: [], inspectAll: true, single: true, namespace: r.namespace }, engine, () => new Date(), prober);
  return got.pods[0];
}
