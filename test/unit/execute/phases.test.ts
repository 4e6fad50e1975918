/** Barriers split a plan in phases: every action's phase k is over before any phase k+1 starts. */
import { executePlan, runStep } from '../../../src/execute/execute-plan';
import { splitSteps } from '../../../src/execute/phases';
import type { Action, Plan, Step } from '../../../src/plan/plan';
import type { EnginePod } from '../../../src/engine/container-engine';
import { removeSteps } from '../../../src/plan/stop-steps';
import { FakeContainerEngine } from '../../fakes/fake-container-engine';

function runningPod(name: string): EnginePod {
  const c = (n: string, isInfra: boolean) => ({ id: n, name: n, podName: name, isInfra, image: 'x', state: 'running' as const, exitCode: 0, restartCount: 0, labels: {}, ports: [] });
  return { id: name, name, status: 'Running', labels: {}, containers: [c(`${name}-infra`, true), c(`${name}-app`, false)] };
}

function deleteAction(name: string, steps: Step[]): Action {
  return { kind: 'delete', ref: `pod/${name}`, name, cause: 'test', needsImages: [], steps, rollback: [] };
}

describe('phases', () => {
  test('splitSteps cuts at barriers', () => {
    const b: Step = { op: 'barrier', label: 'x' };
    const k: Step = { op: 'signalPod', name: 'a', signal: 'SIGKILL' };
    const r: Step = { op: 'removePod', name: 'a', timeoutSeconds: 0 };
    expect(splitSteps([k, b, r])).toEqual([[k], [r]]);
    expect(splitSteps([r])).toEqual([[r]]);
  });

  test('every pod is killed and cleaned up before any is removed, at any concurrency', async () => {
    const engine = new FakeContainerEngine();
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const n of names) engine.pods.set(n, runningPod(n));
    const plan: Plan = { images: [], conflicts: [], actions: names.map((n) => deleteAction(n, removeSteps(n, 0, []))) };
    const report = await executePlan(engine, plan, { concurrency: 2 });
    expect(report.results.map((r) => `${r.action.ref} ${r.outcome}`)).toEqual(names.map((n) => `pod/${n} done`));
    const ops = engine.log.filter((l) => l !== 'listPods');
    expect(ops).toEqual([...names.map((n) => `killPod ${n}`), ...names.map((n) => `removePod ${n}`)]);
    // The actions in the report are the plan's own, with every step.
    expect(report.results[0]!.action).toBe(plan.actions[0]);
  });

  test('an action that fails in a phase takes no part in the later ones; the others go on', async () => {
    const engine = new FakeContainerEngine();
    for (const n of ['a', 'b']) engine.pods.set(n, runningPod(n));
    engine.failOn.set('killPod a', 'kill refused');
    const plan: Plan = { images: [], conflicts: [], actions: ['a', 'b'].map((n) => deleteAction(n, removeSteps(n, 0, []))) };
    const report = await executePlan(engine, plan, { concurrency: 4 });
    expect(report.results.map((r) => `${r.action.ref} ${r.outcome} ${r.error ?? ''}`.trim())).toEqual(['pod/a failed kill refused', 'pod/b done']);
    expect(engine.log).not.toContain('removePod a');
    expect([...engine.pods.keys()]).toEqual(['a']);
  });

  test('actions without barriers (creates, unchanged) run in the first phase beside the stops', async () => {
    const engine = new FakeContainerEngine();
    engine.pods.set('old', runningPod('old'));
    const unchanged: Action = { kind: 'unchanged', ref: 'pod/same', name: 'same', cause: 'test', needsImages: [], steps: [], rollback: [] };
    const plan: Plan = { images: [], conflicts: [], actions: [deleteAction('old', removeSteps('old', 0, [])), unchanged] };
    const report = await executePlan(engine, plan, { concurrency: 4 });
    expect(report.results.map((r) => `${r.action.ref} ${r.outcome}`)).toEqual(['pod/old done', 'pod/same done']);
  });

  test('killPod kills and waits for the cleanup through the engine; a pod that is gone is done', async () => {
    const engine = new FakeContainerEngine();
    engine.pods.set('a', runningPod('a'));
    await runStep(engine, { op: 'killPod', name: 'a', cleanupSeconds: 10 });
    expect(engine.pods.get('a')!.containers.map((c) => c.state)).toEqual(['exited', 'exited']);
    await runStep(engine, { op: 'killPod', name: 'gone', cleanupSeconds: 10 });
    expect(engine.log.filter((l) => l.startsWith('killPod'))).toEqual(['killPod a']);
  });

  test('a barrier never reaches the step runner', async () => {
    await expect(runStep(new FakeContainerEngine(), { op: 'barrier', label: 'x' })).rejects.toThrow('barrier');
  });
});
