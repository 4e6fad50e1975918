/** Printers for apply's result: kubectl's `pod/NAME created|configured|unchanged` lines, or -o formats. */
import { KUBECTL_YAML_TAGS } from '../domain/yaml-scalars';
import type { Action, Plan } from '../domain/plan';
import type { ActionResult, ExecutionReport } from '../domain/execution';
import type { ValidManifest } from '../domain/types';

/**
 * ApplyReport is what these printers read of apply's report (commands/apply.ts returns more):
 * printers take data from domain/ and import no stage above them.
 */
export interface ApplyReport {
  dryRun: 'none' | 'client' | 'server';
  manifests: readonly ValidManifest[];
  plan: Plan;
  execution?: ExecutionReport;
}

/** ApplyOutput is apply's -o: the default lines, or name, json, yaml. */
export type ApplyOutput = 'default' | 'name' | 'json' | 'yaml';

const PAST: Record<Action['kind'], string> = {
  create: 'created',
  recreate: 'configured',
  configure: 'configured',
  unchanged: 'unchanged',
  prune: 'pruned',
  delete: 'deleted',
  blocked: 'failed',
};

/** resultLine renders one action's outcome as kubectl does. */
export function resultLine(a: Action, dry: ApplyReport['dryRun']): string {
  const suffix = dry === 'client' ? ' (dry run)' : dry === 'server' ? ' (server dry run)' : '';
  const restoring = a.kind === 'recreate' && a.cause.startsWith('restoring: ') ? ` (${a.cause})` : '';
  return `${a.ref} ${PAST[a.kind]}${suffix}${restoring}`;
}

/** formatApplyReport renders the successful actions (failures go to stderr through PartialFailureError). */
export function formatApplyReport(report: ApplyReport, output: ApplyOutput): string {
  const done: Action[] = report.execution
    ? report.execution.results.filter((r: ActionResult) => r.outcome === 'done').map((r) => r.action)
    : report.plan.actions.filter((a) => a.kind !== 'blocked');
  // What goes with another action (a Terminating claim its last pod's prune frees) is reported with it.
  const shown = done.filter((a) => a.partOf === undefined);
  if (output === 'name') return shown.map((a) => `${a.ref}\n`).join('');
  if (output === 'json' || output === 'yaml') {
    const refs = new Set(done.map((a) => a.ref));
    const items = report.manifests.filter((m) => refs.has(`${m.ref.kind.toLowerCase()}/${m.ref.name}`)).map((m) => m.object);
    const obj = items.length === 1 ? items[0] : { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
    if (output === 'json') return `${JSON.stringify(obj, null, 4)}\n`;
    // Loaded here only: yaml costs ~25 ms of start-up that the default output does not need.
    const { stringify } = require('yaml') as typeof import('yaml');
    // Quoted as kubectl's YAML 1.1 needs (see get's printer).
    return stringify(obj, { customTags: KUBECTL_YAML_TAGS });
  }
  return shown.map((a) => `${resultLine(a, report.dryRun)}\n`).join('');
}

/** failuresOf lists the failed actions with their causes and what the rollback did. */
export function failuresOf(report: ApplyReport): Array<{ ref: string; message: string }> {
  const out: Array<{ ref: string; message: string }> = [];
  for (const r of report.execution?.results ?? []) {
    if (r.outcome !== 'failed') continue;
    const rb =
      r.rollback === 'restored'
        ? '; the previous version was put back and runs again'
        : r.rollback === 'removed'
          ? '; what was made of it was removed'
          : r.rollback === 'left'
            ? '; what was made of it is left half-made, and the next apply removes and remakes it'
            : '';
    out.push({ ref: r.action.ref, message: `${r.error ?? 'failed'}${rb}` });
  }
  if (!report.execution) for (const a of report.plan.actions) if (a.kind === 'blocked') out.push({ ref: a.ref, message: a.cause });
  return out;
}

/** formatExecutionWarnings renders the executor's warnings as kubectl prints warnings: `Warning: ...`. */
export function formatExecutionWarnings(report: ApplyReport): string {
  return (report.execution?.warnings ?? []).map((w) => `Warning: ${w}\n`).join('');
}
