/**
 * The planner's view of a pod whose creation never finished (an apply killed, interrupted or cut
 * off from Podman half-way): it is remade from nothing and reported as created, whatever its hash.
 */
import { planChanges } from '../../../src/plan/plan-changes';
import { incompleteOf } from '../../../src/domain/convergence';
import { formatPlan } from '../../../src/plan/plan';
import type { ObservedContainer, ObservedPod } from '../../../src/domain/state';
import { container, desiredPod } from '../../fakes/builders';

const opts = { force: false, previousOf: () => undefined };
const web = desiredPod('web', { containers: [container('web', 'app'), container('web', 'side')] });

function observed(containers: ObservedContainer[], labels = web.labels): ObservedPod {
  return { id: 'id-web', name: 'web', status: 'Created', labels: { ...labels }, containers };
}
const infra = (state: string): ObservedContainer => ({ id: 'infra', name: 'web-infra', state, isInfra: true });
const app = (name: string, state: string): ObservedContainer => ({ id: name, name, state, isInfra: false });

describe('incompleteOf', () => {
  test.each([
    ['no infra container', [], 'an earlier apply did not finish making it (0 container(s) made, no infra container)'],
    ['the pod and one container made, never started', [infra('created'), app('web-app', 'created')], 'an earlier apply did not finish making it (1 container(s) made, never started)'],
    ['every container made, start cut off half-way', [infra('running'), app('web-app', 'running'), app('web-side', 'created')], 'an earlier apply did not finish making it (2 container(s) made, container web-side never started)'],
    ['a container prepared but not started', [infra('running'), app('web-app', 'initialized'), app('web-side', 'running')], 'an earlier apply did not finish making it (2 container(s) made, container web-app never started)'],
  ])('%s', (_, containers, why) => {
    expect(incompleteOf(observed(containers))).toBe(why);
  });

  test.each([
    ['running', [infra('running'), app('web-app', 'running'), app('web-side', 'running')]],
    ['stopped later (drift, not incomplete)', [infra('exited'), app('web-app', 'exited'), app('web-side', 'exited')]],
    ['a container removed later (drift, not incomplete)', [infra('running'), app('web-app', 'running')]],
  ])('a finished pod is complete: %s', (_, containers) => {
    expect(incompleteOf(observed(containers))).toBeUndefined();
  });
});

describe('planChanges with half-made pods', () => {
  test('a half-made managed pod is removed and made again, as a create', () => {
    const plan = planChanges([web], { pods: [observed([infra('created'), app('web-app', 'created')])], images: {} }, opts);
    expect(formatPlan(plan, { steps: true })).toBe(
      'create    pod/web  incomplete: an earlier apply did not finish making it (1 container(s) made, never started)\n' +
        // A container cut off half-way can be left in Podman's storage alone, holding its name.
        '    removePod web (timeout 0s)\n    removeContainer web-app\n    removeContainer web-side\n    createPod web\n    createContainer web-app\n    createContainer web-side\n    startPod web\n',
    );
    expect(plan.actions[0]!.rollback.map((s) => s.op)).toEqual(['removePod', 'removeContainer', 'removeContainer']);
  });

  test('even when its hash is of an older version, and it restores nothing', () => {
    const old = desiredPod('web', { containers: [container('web', 'app', { command: ['v1'] })] });
    const plan = planChanges([web], { pods: [observed([infra('running'), app('web-app', 'created')], old.labels)] }, { ...opts, previousOf: () => old });
    expect(plan.actions[0]!.kind).toBe('create');
    expect(plan.actions[0]!.rollback.some((s) => s.op === 'createPod')).toBe(false);
  });

  test('a half-made pod kubeplay did not create is still a conflict, not taken over', () => {
    const plan = planChanges([web], { pods: [observed([infra('created')], {})] }, opts);
    expect(plan.actions).toEqual([]);
    expect(plan.conflicts[0]!.message).toMatch(/was not created by kubeplay/);
  });

  test('its own host ports do not conflict with its remake', () => {
    const withPort = desiredPod('web', { ports: [{ hostIP: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }] });
    const claims = [{ hostIP: '', hostPort: 8080, protocol: 'tcp', podName: 'web', holder: 'pod/web' }];
    const plan = planChanges([withPort], { pods: [observed([infra('created')], withPort.labels)], portClaims: claims }, opts);
    expect(plan.conflicts).toEqual([]);
    expect(plan.actions[0]!.kind).toBe('create');
  });
});
