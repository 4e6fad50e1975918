import { graceOf, planDeletes } from '../../../src/plan/plan-deletes';
import type { DeletePlanOptions } from '../../../src/plan/plan-deletes';
import { formatPlan } from '../../../src/plan/plan';
import type { ObservedPod } from '../../../src/domain/state';
import type { DesiredPod } from '../../../src/domain/types';
import { container, desiredPod } from '../../fakes/builders';

/** observed makes the Podman side of a desired pod (managed, running). */
function observed(p: DesiredPod, labels: Record<string, string> = p.labels): ObservedPod {
  return { id: `id-${p.name}`, name: p.name, status: 'Running', labels: { ...labels }, containers: [] };
}

const web = desiredPod('web', {
  labels: { ...desiredPod('web').labels, app: 'front' },
  containers: [container('web', 'app', { stopTimeoutSeconds: 5 })],
  volumes: [
    { kind: 'emptyDir', name: 'cache', podmanVolume: 'web_cache', medium: '' },
    { kind: 'pvc', name: 'data', podmanVolume: 'claim-1', readOnly: false },
  ],
});
const api = desiredPod('api', { labels: { ...desiredPod('api').labels, app: 'back' } });
const foreign: ObservedPod = { id: 'f', name: 'foreign', status: 'Running', labels: { app: 'front' }, containers: [] };
const state = [observed(web), observed(api), foreign];
const previous = new Map([web, api].map((p) => [p.name, p]));
const opts: DeletePlanOptions = { gracePeriod: -1, includeUnmanaged: false, previousOf: (o) => previous.get(o.name) };
const names = (...n: string[]) => ({ by: 'names' as const, targets: n.map((name) => ({ name })) });
const selector = (text: string, key: string, value: string) => ({ by: 'selector' as const, text, matches: (l: Readonly<Record<string, string>>) => l[key] === value });

describe('planDeletes', () => {
  test('names: in input order, each once; emptyDir volumes go, PVC volumes stay; the pod\'s own grace period', () => {
    const plan = planDeletes(names('web', 'api', 'web'), state, opts);
    expect(formatPlan(plan, { steps: true })).toBe(
      'delete    pod/web  grace period 5s (terminationGracePeriodSeconds); removes emptyDir web_cache; keeps PVC claim-1\n' +
        '    signalPod web SIGTERM\n' +
        '    awaitPodExit web (up to 5s)\n' +
        '    killPod web (and await its cleanup, up to 10s)\n' +
        '' +
        '    barrier: every pod stopped and cleaned up\n' +
        '    removePod web (timeout 0s)\n' +
        '    removeVolume web_cache\n' +
        'delete    pod/api  grace period 30s (terminationGracePeriodSeconds)\n' +
        '    signalPod api SIGTERM\n' +
        '    awaitPodExit api (up to 30s)\n' +
        '    killPod api (and await its cleanup, up to 10s)\n' +
        '' +
        '    barrier: every pod stopped and cleaned up\n' +
        '    removePod api (timeout 0s)\n',
    );
    expect(plan.notFound).toEqual([]);
  });

  test('a missing name is NotFound, with the file that named it; the others are still planned', () => {
    const plan = planDeletes({ by: 'names', targets: [{ name: 'nope', source: 'pod.yaml' }, { name: 'api', source: 'pod.yaml' }] }, state, opts);
    expect(plan.notFound).toEqual([{ name: 'nope', source: 'pod.yaml' }]);
    expect(plan.actions.map((a) => a.ref)).toEqual(['pod/api']);
  });

  test('an unmanaged pod named explicitly is deleted, with the Kubernetes default grace period (its labels are not kubeplay\'s)', () => {
    const plan = planDeletes(names('foreign'), state, { ...opts, previousOf: () => web });
    expect(formatPlan(plan, { steps: true })).toBe(
      "delete    pod/foreign  not created by kubeplay, named explicitly; grace period 30s (Kubernetes' default)\n" +
        '    signalPod foreign SIGTERM\n    awaitPodExit foreign (up to 30s)\n    killPod foreign (and await its cleanup, up to 10s)\n' +
        '    barrier: every pod stopped and cleaned up\n    removePod foreign (timeout 0s)\n',
    );
  });

  test('a selector takes managed pods only, sorted by name, and reports the unmanaged ones it left', () => {
    const plan = planDeletes(selector('app=front', 'app', 'front'), state, opts);
    expect(plan.actions.map((a) => a.ref)).toEqual(['pod/web']);
    expect(plan.actions[0]!.cause).toMatch(/^matches -l app=front; grace period 5s/);
    expect(plan.skippedUnmanaged).toEqual(['foreign']);
    const all = planDeletes(selector('app=front', 'app', 'front'), state, { ...opts, includeUnmanaged: true });
    expect(all.actions.map((a) => a.ref)).toEqual(['pod/foreign', 'pod/web']);
    expect(all.actions[0]!.cause).toBe("matches -l app=front, not created by kubeplay (--include-unmanaged); grace period 30s (Kubernetes' default)");
    expect(all.skippedUnmanaged).toEqual([]);
  });

  test('--all takes every managed pod', () => {
    const plan = planDeletes({ by: 'all' }, state, opts);
    expect(plan.actions.map((a) => a.ref)).toEqual(['pod/api', 'pod/web']);
    expect(plan.skippedUnmanaged).toEqual(['foreign']);
  });

  test('--grace-period overrides, 0 (--force) kills at once', () => {
    expect(planDeletes(names('web'), state, { ...opts, gracePeriod: 2 }).actions[0]!.steps[1]).toEqual({ op: 'awaitPodExit', name: 'web', timeoutSeconds: 2 });
    const forced = planDeletes(names('web'), state, { ...opts, gracePeriod: 0 }).actions[0]!;
    // No SIGTERM and no grace period: SIGKILL at once, Podman's cleanup, then (once every pod is there) removal.
    expect(forced.steps).toEqual([
      { op: 'killPod', name: 'web', cleanupSeconds: 10 },
      { op: 'barrier', label: 'every pod stopped and cleaned up' },
      { op: 'removePod', name: 'web', timeoutSeconds: 0 },
      { op: 'removeVolume', name: 'web_cache' },
    ]);
    expect(forced.cause).toContain('force: killed at once');
  });

  test('a managed pod whose label cannot be read gets the default grace period and no volume steps', () => {
    const plan = planDeletes(names('web'), state, { ...opts, previousOf: () => undefined });
    expect(formatPlan(plan, { steps: true })).toBe(
      "delete    pod/web  grace period 30s (Kubernetes' default)\n    signalPod web SIGTERM\n    awaitPodExit web (up to 30s)\n" +
        '    killPod web (and await its cleanup, up to 10s)\n    barrier: every pod stopped and cleaned up\n    removePod web (timeout 0s)\n',
    );
  });

  test('not observed (client dry run): every name is planned, nothing is NotFound', () => {
    const plan = planDeletes(names('x', 'y'), undefined, opts);
    expect(formatPlan(plan)).toBe(
      "delete    pod/x  not checked against Podman (--dry-run=client); the pod's own grace period\n" +
        "delete    pod/y  not checked against Podman (--dry-run=client); the pod's own grace period\n",
    );
    expect(plan.notFound).toEqual([]);
  });

  test('graceOf', () => {
    expect(graceOf(undefined, -1)).toEqual({ seconds: 30, from: "grace period 30s (Kubernetes' default)" });
    expect(graceOf(web, -1).seconds).toBe(5);
    expect(graceOf(web, 7).seconds).toBe(7);
    expect(graceOf(web, 0).seconds).toBe(0);
  });
});
