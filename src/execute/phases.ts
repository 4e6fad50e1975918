/**
 * Phases: a plan whose actions hold barrier steps runs in phases. Phase k of an action is its
 * steps between its k-th and (k+1)-th barrier; every action's phase k finishes (or fails) before
 * any phase k+1 starts, and an action that failed takes no further part. Pure splitting and
 * merging around the executor, which runs each phase as a plan of its own; nothing here decides
 * what to do.
 */
import type { Action, Plan, Step } from '../plan/plan';
import type { ActionResult, ExecutionReport } from './execute-plan';

/** hasBarriers tells whether any action of the plan is split in phases. */
export function hasBarriers(plan: Plan): boolean {
  return plan.actions.some((a) => a.steps.some((s) => s.op === 'barrier'));
}

/** splitSteps cuts an action's steps at its barriers. */
export function splitSteps(steps: readonly Step[]): Step[][] {
  const phases: Step[][] = [[]];
  for (const s of steps) {
    if (s.op === 'barrier') phases.push([]);
    else phases[phases.length - 1]!.push(s);
  }
  return phases;
}

/**
 * executeInPhases runs the plan phase by phase through `run` (the executor for a plan without
 * barriers) and merges the phase reports into one, in plan order: an action is done when every
 * phase of it is, and failed with the result of the phase that failed. The plan's image pulls run
 * with the first phase. Whatever else a phase report says (such as why a run stopped early) is kept.
 */
export async function executeInPhases(plan: Plan, run: (phase: Plan) => Promise<ExecutionReport>): Promise<ExecutionReport> {
  const split = plan.actions.map((a) => splitSteps(a.steps));
  const phaseCount = Math.max(1, ...split.map((p) => p.length));
  const final = new Map<Action, ActionResult>();
  let merged: Omit<ExecutionReport, 'results'> = {};
  for (let k = 0; k < phaseCount; k++) {
    // Actions that failed earlier, or have no steps in this phase, sit it out.
    const members = plan.actions.filter((a, i) => (k === 0 || (final.get(a)?.outcome ?? 'done') === 'done') && (k === 0 || split[i]!.length > k));
    if (k > 0 && members.length === 0) continue;
    const phasePlan: Plan = {
      images: k === 0 ? plan.images : [],
      conflicts: [],
      actions: members.map((a) => ({ ...a, steps: split[plan.actions.indexOf(a)]![k] ?? [] })),
    };
    const report = await run(phasePlan);
    const { results, ...rest } = report;
    merged = { ...merged, ...rest };
    results.forEach((r, i) => {
      const original = members[i]!;
      final.set(original, { ...r, action: original });
    });
  }
  return { ...merged, results: plan.actions.map((a) => final.get(a) ?? { action: a, outcome: 'done' }) };
}
