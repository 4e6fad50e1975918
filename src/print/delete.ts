/**
 * Printers for delete's result, in kubectl's words: `pod "NAME" deleted` (or `force deleted`, with
 * ` (dry run)` / ` (server dry run)`), `pod/NAME` for -o name, and `No resources found` when a
 * selector matched nothing. kubectl's NotFound lines are NotFoundError's (domain/errors.ts).
 * Printers return strings.
 */
import type { Action, Plan } from '../domain/plan';
import type { ExecutionReport } from '../domain/execution';

/** DeleteReport is what these printers read of delete's report (commands/delete.ts returns more). */
export interface DeleteReport {
  dryRun: 'none' | 'client' | 'server';
  force: boolean;
  selected: boolean;
  plan: Plan & { skippedUnmanaged: readonly string[]; warnings?: readonly string[] };
  execution?: ExecutionReport;
  /** The refs in the order the user gave them (-f: the files' order); unlisted ones go last. */
  order?: readonly string[];
}

/** DeleteOutput is delete's -o: kubectl's sentences ('') or 'name'. */
export type DeleteOutput = '' | 'name';

/**
 * deletedActions are the actions to report as deleted, in input order: all of them unless some
 * failed; what was deleted as part of another (a namespace's pods) is reported with it.
 */
export function deletedActions(report: DeleteReport): Action[] {
  const all = report.execution ? report.execution.results.filter((r) => r.outcome === 'done').map((r) => r.action) : report.plan.actions;
  const shown = all.filter((a) => a.partOf === undefined);
  const order = report.order;
  if (order === undefined) return shown;
  // kubectl reports a file's objects in the file's order, whatever order they are carried out in.
  const at = (a: Action) => {
    const i = order.indexOf(a.ref);
    return i < 0 ? order.length : i;
  };
  return shown.map((a, i) => ({ a, i })).sort((x, y) => at(x.a) - at(y.a) || x.i - y.i).map((x) => x.a);
}

/** formatDeleteReport renders what was deleted, for stdout; see the module comment. */
export function formatDeleteReport(report: DeleteReport, output: DeleteOutput): string {
  const done = deletedActions(report);
  const failed = (report.execution?.results ?? []).some((r) => r.outcome === 'failed');
  if (done.length === 0 && report.selected && !failed) return 'No resources found\n';
  const verb = report.force ? 'force deleted' : 'deleted';
  const suffix = report.dryRun === 'client' ? ' (dry run)' : report.dryRun === 'server' ? ' (server dry run)' : '';
  return done
    .map((a) => {
      const slash = a.ref.indexOf('/');
      return output === 'name' ? `${a.ref}\n` : `${a.ref.slice(0, slash)} "${a.ref.slice(slash + 1)}" ${verb}${suffix}\n`;
    })
    .join('');
}

/** formatDeleteWarnings renders, for stderr, the force-deletion notice and the unmanaged pods a selector left alone. */
export function formatDeleteWarnings(report: DeleteReport): string {
  const lines: string[] = [];
  if (report.force && report.plan.actions.some((a) => a.ref.startsWith('pod/')) && report.dryRun === 'none')
    lines.push('Warning: Immediate deletion: the containers get SIGKILL at once, without a graceful stop.');
  const skipped = report.plan.skippedUnmanaged;
  if (skipped.length > 0) {
    const names = skipped.length > 5 ? `${skipped.slice(0, 5).join(', ')} and ${skipped.length - 5} more` : skipped.join(', ');
    lines.push(
      `Warning: ${skipped.length} matching pod${skipped.length === 1 ? ' was' : 's were'} not created by kubeplay and ${skipped.length === 1 ? 'was' : 'were'} left alone (${names}); name ${skipped.length === 1 ? 'it' : 'them'}, or add --include-unmanaged, to delete ${skipped.length === 1 ? 'it' : 'them'} too.`,
    );
  }
  if (report.dryRun === 'none') for (const w of report.plan.warnings ?? []) lines.push(`Warning: ${w}`);
  return lines.map((l) => `${l}\n`).join('');
}

/** deleteFailures lists the pods whose deletion failed, with Podman's reason. */
export function deleteFailures(report: DeleteReport): Array<{ ref: string; message: string }> {
  return (report.execution?.results ?? [])
    .filter((r) => r.outcome === 'failed')
    .map((r) => ({ ref: r.action.ref, message: `${r.error ?? 'failed'}; the pod may be partly stopped: run the delete again` }));
}
