import { DAEMONSET_CONTROLLER } from '../../../src/controllers/daemonset';
import { reconcileDaemonSet, scaledValue } from '../../../src/controllers/daemonset/controller';
import { daemonSetRolloutStatus } from '../../../src/controllers/daemonset/rollout';
import { rolloutHistory } from '../../../src/controllers/revisions';
import type { KubeObject } from '../../../src/domain/objects';
import { Sim } from './workload-sim';

function ds(over: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default', annotations: { 'kubernetes.io/change-cause': 'first' } },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:stable' }], ...podSpec } },
      ...over,
    },
  };
}

describe('DaemonSet controller', () => {
  test('declares what it reads', () => {
    expect(DAEMONSET_CONTROLLER).toMatchObject({ name: 'daemonset-controller', reads: ['ControllerRevision.apps'] });
  });

  test('one pod on the node, labelled, pinned and bound to it', () => {
    const sim = new Sim(reconcileDaemonSet, ds());
    const r = sim.round();
    expect(r.createPods.map((p) => p.metadata?.name)).toEqual(['agent-bbbbb']);
    const rev = sim.objects.find((o) => o.kind === 'ControllerRevision')!;
    const hash = rev.metadata.labels?.['controller-revision-hash'];
    expect(rev.metadata.name).toBe(`agent-${hash}`);
    expect(rev.metadata.labels).toEqual({ app: 'agent', 'controller-revision-hash': hash });
    expect(rev['revision']).toBe(1);
    expect(rev['data']).toEqual({ spec: { template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'localhost/busybox:stable' }] }, $patch: 'replace' } } });
    const pod = sim.pod('agent-bbbbb');
    expect(pod.metadata?.labels).toEqual({ app: 'agent', 'controller-revision-hash': hash, 'pod-template-generation': '1' });
    expect(pod.spec?.nodeName).toBe('host1');
    expect(pod.spec?.affinity).toEqual({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['host1'] }] }] } },
    });
    expect(pod.spec?.tolerations?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    expect(sim.messages()).toEqual(['Normal SuccessfulCreate Created pod: agent-bbbbb']);
    expect(sim.owner.status).toEqual({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 1, numberReady: 0, observedGeneration: 1, numberUnavailable: 1 });

    expect(sim.round().waitingFor).toEqual({ reason: 'pod agent-bbbbb to be ready' });
    expect(daemonSetRolloutStatus(sim.owner)).toEqual({ message: 'Waiting for daemon set "agent" rollout to finish: 0 of 1 updated pods are available...', done: false });
    sim.ready('agent-bbbbb');
    const settled = sim.round();
    expect(settled.createPods).toEqual([]);
    expect(settled.waitingFor).toBeUndefined();
    expect(sim.owner.status).toEqual({
      currentNumberScheduled: 1,
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: 1,
      observedGeneration: 1,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
    });
    expect(daemonSetRolloutStatus(sim.owner)).toEqual({ message: 'daemon set "agent" successfully rolled out', done: true });
    expect(sim.round().status).toEqual([]);
  });

  test('a nodeSelector the node does not match: no pod, desired 0', () => {
    const sim = new Sim(reconcileDaemonSet, ds({}, { nodeSelector: { 'kubernetes.io/os': 'windows' } }));
    const r = sim.round();
    expect(r.createPods).toEqual([]);
    expect(r.waitingFor).toBeUndefined();
    expect(sim.owner.status).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0 });
    expect(daemonSetRolloutStatus(sim.owner)).toEqual({ message: 'daemon set "agent" successfully rolled out', done: true });
  });

  test('required node affinity on labels decides too', () => {
    const affinity = (op: string, values: string[]) => ({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: op, values }] }] } },
    });
    expect(new Sim(reconcileDaemonSet, ds({}, { affinity: affinity('In', ['amd64']) })).round().createPods.length).toBe(1);
    expect(new Sim(reconcileDaemonSet, ds({}, { affinity: affinity('NotIn', ['amd64']) })).round().createPods.length).toBe(0);
  });

  test('a template that stops matching the node removes its pod (misscheduled until then)', () => {
    const sim = new Sim(reconcileDaemonSet, ds());
    sim.settle({ ready: true });
    sim.updateOwner((s) => (s.template.spec.nodeSelector = { disk: 'ssd' }));
    const r = sim.round();
    expect(r.deletePods).toEqual([{ namespace: 'default', name: 'agent-bbbbb', reason: 'node does not match the template' }]);
    expect(sim.messages()).toContain('Normal SuccessfulDelete Deleted pod: agent-bbbbb');
  });

  test('template change, maxSurge 0: the old pod goes, then the new one comes', () => {
    const sim = new Sim(reconcileDaemonSet, ds());
    sim.settle({ ready: true });
    sim.updateOwner((s) => (s.template.spec.containers[0].image = 'localhost/busybox:v2'));
    let r = sim.round();
    expect(r.deletePods).toEqual([{ namespace: 'default', name: 'agent-bbbbb', reason: 'old revision' }]);
    expect(r.createPods).toEqual([]);
    r = sim.round();
    expect(r.createPods.map((p) => [p.metadata?.name, p.spec?.containers[0]?.image, p.metadata?.labels?.['pod-template-generation']])).toEqual([['agent-bbbbc', 'localhost/busybox:v2', '2']]);
    expect(daemonSetRolloutStatus(sim.owner)).toMatchObject({ done: false });
    sim.ready('agent-bbbbc');
    sim.round();
    expect(daemonSetRolloutStatus(sim.owner)).toEqual({ message: 'daemon set "agent" successfully rolled out', done: true });
    expect(rolloutHistory(sim.objects.filter((o) => o.kind === 'ControllerRevision'))).toEqual([
      { revision: 1, changeCause: 'first' },
      { revision: 2, changeCause: 'first' },
    ]);
  });

  test('template change, maxSurge 1: the new pod comes first, the old goes once the new is available', () => {
    const sim = new Sim(reconcileDaemonSet, ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }, minReadySeconds: 5 }));
    sim.settle({ ready: true });
    sim.updateOwner((s) => (s.template.spec.containers[0].image = 'localhost/busybox:v2'));
    let r = sim.round();
    expect(r.deletePods).toEqual([]);
    expect(r.createPods.map((p) => p.metadata?.name)).toEqual(['agent-bbbbc']);
    r = sim.round();
    expect(r.deletePods).toEqual([]);
    sim.ready('agent-bbbbc');
    r = sim.round();
    expect(r.deletePods).toEqual([]);
    expect(r.waitingFor).toEqual({ reason: 'pod agent-bbbbc to be available', until: new Date('2026-01-01T00:00:05Z') });
    sim.advance(5);
    r = sim.round();
    expect(r.deletePods).toEqual([{ namespace: 'default', name: 'agent-bbbbb', reason: 'old revision' }]);
    expect(sim.podNames()).toEqual(['agent-bbbbc']);
  });

  test('OnDelete: a template change waits for the pod to be deleted', () => {
    const sim = new Sim(reconcileDaemonSet, ds({ updateStrategy: { type: 'OnDelete' } }));
    sim.settle({ ready: true });
    sim.updateOwner((s) => (s.template.spec.containers[0].image = 'localhost/busybox:v2'));
    let r = sim.round();
    expect(r.deletePods).toEqual([]);
    expect((sim.owner.status as Record<string, unknown>)['updatedNumberScheduled']).toBeUndefined();
    sim.pods = [];
    r = sim.round();
    expect(r.createPods.map((p) => p.spec?.containers[0]?.image)).toEqual(['localhost/busybox:v2']);
  });

  test('a failed daemon pod is killed and replaced', () => {
    const sim = new Sim(reconcileDaemonSet, ds());
    sim.settle({ ready: true });
    sim.finish('agent-bbbbb', 'Failed');
    const r = sim.round();
    expect(r.deletePods.map((d) => d.name)).toEqual(['agent-bbbbb']);
    expect(r.createPods.map((p) => p.metadata?.name)).toEqual(['agent-bbbbc']);
    expect(sim.messages()).toContain('Warning FailedDaemonPod Found failed daemon pod default/agent-bbbbb on node host1, will try to kill it');
  });

  test('scaledValue rounds percentages as intstr does', () => {
    expect(scaledValue('25%', 1, true, 0)).toBe(1);
    expect(scaledValue('25%', 1, false, 0)).toBe(0);
    expect(scaledValue(2, 1, true, 0)).toBe(2);
    expect(scaledValue(undefined, 1, true, 1)).toBe(1);
  });
});
