/**
 * runRollout: `kubeplay rollout status|history|undo|restart|pause|resume TYPE/NAME`, as kubectl
 * rollout: restart, undo, pause and resume change the stored object (the template's
 * `kubectl.kubernetes.io/restartedAt` annotation, a previous revision's template, spec.paused)
 * and run the controllers; status runs them until the rollout is done (kubeplay runs no daemon:
 * waiting is what moves a rollout on); history reads. The kind's own rollout rules
 * (RolloutFacet: kubectl's status viewers and history) are pure, in src/controllers/<kind>/.
 */
import { ObjectError, UsageError } from '../domain/errors';
import { refWord, resourceText } from '../domain/kinds';
import type { StoredObject } from '../domain/objects';
import type { KindModule, RolloutFacet } from '../kinds/kind';
import type { ObjectStore } from '../store/object-store';
import type { ReconcileReport } from './reconcile';
import { rfc3339 } from '../print/get/format';
import { keepReconciling, ownedOf, storedOf, withControllers, workloadRefs, type WorkloadDeps, type WorkloadRef } from './workloads';

/** RolloutVerb is a rollout subcommand. */
export type RolloutVerb = 'status' | 'history' | 'undo' | 'restart' | 'pause' | 'resume';

/** RolloutOptions are rollout's flags. */
export interface RolloutOptions {
  verb: RolloutVerb;
  args: string[];
  namespace?: string;
  /** history --revision, undo --to-revision (0: the previous one). */
  revision: number;
  /** status --timeout in seconds (0: no limit). */
  timeoutSeconds: number;
  /** status --watch (default true): false prints the state once. */
  watch: boolean;
  /** Told each status line as it comes (status prints while it waits); the report then holds none of them. */
  onLine?: (line: string) => void;
}

/** RolloutReport: the lines to print on stdout, in order, and what the controllers did. */
export interface RolloutReport {
  lines: string[];
  reconciled?: ReconcileReport;
}

/** RESTARTED_AT is the template annotation kubectl rollout restart sets. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** KUBECTL_REFUSAL: kubectl's words for a kind a rollout verb does not apply to. */
const KUBECTL_REFUSAL: Record<string, (r: WorkloadRef) => string> = {
  status: (r) => `no status viewer has been implemented for ${r.kind.info.kind}`,
  history: (r) => `no history viewer has been implemented for ${r.kind.info.kind}`,
  undo: (r) => `no rollbacker has been implemented for "${r.kind.info.group === '' ? '' : `${r.kind.info.group}/`}${r.kind.info.kind}"`,
  restart: (r) => `${resourceText(r.kind.info)} "${r.name}" restarting is not supported`,
  pause: (r) => `${resourceText(r.kind.info)} "${r.name}" pausing is not supported`,
  resume: (r) => `${resourceText(r.kind.info)} "${r.name}" resuming is not supported`,
};

function facetOf(r: WorkloadRef, verb: string): RolloutFacet {
  if (r.kind.rollout === undefined) throw new ObjectError(KUBECTL_REFUSAL[verb]?.(r) ?? `${resourceText(r.kind.info)} "${r.name}": rollout ${verb} is not supported`);
  return r.kind.rollout;
}

/** runRollout runs one rollout subcommand over the objects named. */
export async function runRollout(opts: RolloutOptions, deps: WorkloadDeps): Promise<RolloutReport> {
  const refs = workloadRefs(opts.args, opts.namespace, `rollout ${opts.verb}`);
  for (const r of refs) facetOf(r, opts.verb);
  const now = deps.now ?? (() => new Date());
  switch (opts.verb) {
    case 'history':
      return { lines: readOnly(deps, (store) => refs.map((r) => historyOf(store, r, opts.revision))) };
    case 'status':
      if (refs.length !== 1) throw new UsageError('rollout status takes exactly one resource: kubeplay rollout status deployment/web');
      return { lines: await statusOf(deps, refs[0]!, opts) };
    case 'restart':
    case 'pause':
    case 'resume':
    case 'undo': {
      const { result, reconciled } = await withControllers(deps, (store) => refs.map((r) => change(store, r, opts, now())), { waitSeconds: 0 });
      return { lines: result, reconciled };
    }
  }
}

function readOnly<T>(deps: WorkloadDeps, fn: (s: ObjectStore) => T): T {
  const store = deps.store();
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

function historyOf(store: ObjectStore, r: WorkloadRef, revision: number): string {
  const o = storedOf(store, r);
  const text = facetOf(r, 'history').history(o, ownedOf(store, r.kind, o), revision > 0 ? revision : undefined).replace(/\n+$/, '');
  // kubectl prints the object's name and the history after it, a blank line closing the table.
  const word = `${refWord(r.kind.info)}/${r.name}`;
  return revision > 0 ? `${word} with revision #${revision}\n${text}` : `${word} \n${text}\n`;
}

/** template is an object's pod template as stored. */
function templateOf(o: StoredObject): { metadata?: { annotations?: Record<string, string> } } & Record<string, unknown> {
  return ((o.spec as { template?: object } | undefined)?.template ?? {}) as { metadata?: { annotations?: Record<string, string> } } & Record<string, unknown>;
}

/** change carries out restart, pause, resume or undo on one stored object; returns kubectl's line. */
function change(store: ObjectStore, r: WorkloadRef, opts: RolloutOptions, at: Date): string {
  const o = storedOf(store, r);
  const word = `${refWord(r.kind.info)}/${r.name}`;
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  const facet = facetOf(r, opts.verb);
  switch (opts.verb) {
    case 'restart': {
      if (spec['paused'] === true) throw new ObjectError(`${resourceText(r.kind.info)} "${r.name}" can't restart paused deployment (run rollout resume first)`);
      const t = templateOf(o);
      const template = { ...t, metadata: { ...(t.metadata ?? {}), annotations: { ...(t.metadata?.annotations ?? {}), [RESTARTED_AT]: rfc3339(at) } } };
      store.update({ ...o, spec: { ...spec, template } });
      return `${word} restarted`;
    }
    case 'pause':
    case 'resume': {
      if (!facet.pausable) throw new ObjectError(`${resourceText(r.kind.info)} "${r.name}" ${opts.verb === 'pause' ? 'pausing' : 'resuming'} is not supported`);
      const paused = spec['paused'] === true;
      if (opts.verb === 'pause' && paused) throw new ObjectError(`${resourceText(r.kind.info)} "${r.name}" is already paused`);
      if (opts.verb === 'resume' && !paused) throw new ObjectError(`${resourceText(r.kind.info)} "${r.name}" is not paused`);
      const { paused: _p, ...rest } = spec;
      store.update({ ...o, spec: opts.verb === 'pause' ? { ...rest, paused: true } : rest });
      return `${word} ${opts.verb === 'pause' ? 'paused' : 'resumed'}`;
    }
    case 'undo': {
      const u = facet.undo(o, ownedOf(store, r.kind, o), opts.revision);
      if ('error' in u) throw new ObjectError(u.error);
      if ('skipped' in u) return `${word} ${u.skipped}`;
      const metadata = u.annotations !== undefined ? { ...o.metadata, annotations: u.annotations } : o.metadata;
      store.update({ ...o, metadata, spec: { ...spec, template: u.template } });
      return `${word} rolled back`;
    }
    default:
      throw new UsageError(`unknown rollout command ${opts.verb}`);
  }
}

/**
 * statusOf is rollout status: the controllers run (a pass under the lock each second) until the
 * status viewer says done; each new message printed once, as kubectl prints on each watch event.
 */
async function statusOf(deps: WorkloadDeps, r: WorkloadRef, opts: RolloutOptions): Promise<string[]> {
  const facet = facetOf(r, 'status');
  const lines: string[] = [];
  let failed: string | undefined;
  let last: string | undefined;
  const look = (store: ObjectStore): boolean => {
    const o = storedOf(store, r);
    const s = facet.status(o, ownedOf(store, r.kind, o));
    if (last !== s.message) {
      last = s.message;
      if (opts.onLine) opts.onLine(s.message);
      else lines.push(s.message);
    }
    if (s.error !== undefined) failed = s.error;
    return s.done || failed !== undefined || !opts.watch;
  };
  const done = await keepReconciling(deps, look, opts.timeoutSeconds);
  if (failed !== undefined) throw new ObjectError(failed);
  if (!done) throw new ObjectError('timed out waiting for the condition');
  return lines;
}

/** kindsWithRollout is for messages. */
export function kindsWithRollout(kinds: readonly KindModule[]): string {
  return kinds.filter((k) => k.rollout !== undefined).map((k) => k.info.plural).join(', ');
}
