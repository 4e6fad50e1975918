import { reconcileStatefulSet } from '../../../src/controllers/statefulset/controller';
import { STATEFULSET_CONTROLLER } from '../../../src/controllers/statefulset';
import { statefulSetRolloutStatus } from '../../../src/controllers/statefulset/rollout';
import { rolloutHistory, undoTarget } from '../../../src/controllers/revisions';
import type { KubeObject } from '../../../src/domain/objects';
import { type Loose, Sim } from './workload-sim';

function sts(over: Record<string, unknown> = {}, image = 'localhost/busybox:stable'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 3,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'web' } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image, volumeMounts: [{ name: 'data', mountPath: '/data' }] }], volumes: [{ name: 'data', emptyDir: {} }, { name: 'tmp', emptyDir: {} }] },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...over,
    },
  };
}

describe('StatefulSet controller', () => {
  test('declares what it reads', () => {
    expect(STATEFULSET_CONTROLLER.name).toBe('statefulset-controller');
    expect(STATEFULSET_CONTROLLER.reads).toEqual(['ControllerRevision.apps', 'PersistentVolumeClaim']);
  });

  test('OrderedReady from 0 to 3: one pod at a time, each only when the one before is Running and Ready', () => {
    const sim = new Sim(reconcileStatefulSet, sts());
    let r = sim.round();
    expect(r.createPods.map((p) => p.metadata?.name)).toEqual(['web-0']);
    expect(r.put.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([expect.stringMatching(/^ControllerRevision\/web-[a-z0-9]+$/), 'PersistentVolumeClaim/data-web-0']);
    const rev = sim.names('ControllerRevision')[0]!;

    const pod = sim.pod('web-0');
    expect(pod.metadata?.labels).toEqual({ app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-0', 'apps.kubernetes.io/pod-index': '0', 'controller-revision-hash': rev });
    expect(pod.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: sim.owner.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(pod.spec?.hostname).toBe('web-0');
    expect(pod.spec?.subdomain).toBe('nginx');
    // The claim replaces the template's volume of the same name; the other volume stays.
    expect(pod.spec?.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } }, { name: 'tmp', emptyDir: {} }]);
    expect(sim.get('PersistentVolumeClaim', 'data-web-0')).toMatchObject({
      apiVersion: 'v1',
      metadata: { labels: { app: 'web' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    expect(sim.get('PersistentVolumeClaim', 'data-web-0')?.metadata.ownerReferences).toBeUndefined();

    // web-0 Pending: nothing more, the set waits on it.
    r = sim.round();
    expect(r.createPods).toEqual([]);
    expect(r.waitingFor).toEqual({ reason: 'pod web-0 to be Running and Ready' });
    sim.running('web-0');
    expect(sim.round().createPods).toEqual([]);

    sim.ready('web-0');
    expect(sim.round().createPods.map((p) => p.metadata?.name)).toEqual(['web-1']);
    expect(sim.round().createPods).toEqual([]);
    sim.ready('web-1');
    expect(sim.round().createPods.map((p) => p.metadata?.name)).toEqual(['web-2']);
    sim.ready('web-2');
    r = sim.round();
    expect(r.createPods).toEqual([]);
    expect(r.waitingFor).toBeUndefined();
    expect(sim.owner.status).toEqual({
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: rev,
      updateRevision: rev,
      collisionCount: 0,
      availableReplicas: 3,
    });
    expect(sim.messages().slice(0, 2)).toEqual(['Normal SuccessfulCreate create Claim data-web-0 Pod web-0 in StatefulSet web success', 'Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful']);
    // A settled set writes no status again.
    expect(sim.round().status).toEqual([]);
  });

  test('Parallel makes every pod at once', () => {
    const sim = new Sim(reconcileStatefulSet, sts({ podManagementPolicy: 'Parallel' }));
    expect(sim.round().createPods.map((p) => p.metadata?.name)).toEqual(['web-0', 'web-1', 'web-2']);
    expect(sim.names('PersistentVolumeClaim')).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
    const r = sim.round();
    expect(r.createPods).toEqual([]);
    expect(r.waitingFor?.reason).toBe('pod web-2 to be Running and Ready');
  });

  test('ordinals.start numbers the pods', () => {
    const sim = new Sim(reconcileStatefulSet, sts({ ordinals: { start: 5 }, replicas: 2 }));
    sim.settle({ ready: true });
    expect(sim.podNames()).toEqual(['web-5', 'web-6']);
    expect(sim.pod('web-5').metadata?.labels?.['apps.kubernetes.io/pod-index']).toBe('5');
  });

  test('scale down: the highest ordinal first, one at a time, claims kept', () => {
    const sim = new Sim(reconcileStatefulSet, sts());
    sim.settle({ ready: true });
    sim.updateOwner((s) => (s.replicas = 1));
    let r = sim.round();
    expect(r.deletePods).toEqual([{ namespace: 'default', name: 'web-2', reason: 'scaled down' }]);
    expect(sim.messages()).toContain('Normal SuccessfulDelete delete Pod web-2 in StatefulSet web successful');
    r = sim.round();
    expect(r.deletePods.map((d) => d.name)).toEqual(['web-1']);
    expect(sim.round().deletePods).toEqual([]);
    expect(sim.podNames()).toEqual(['web-0']);
    expect(sim.names('PersistentVolumeClaim')).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
    expect(r.remove).toEqual([]);
    // Scaled up again, web-1 gets its old claim back: none is made.
    sim.updateOwner((s) => (s.replicas = 2));
    r = sim.round();
    expect(r.createPods.map((p) => p.metadata?.name)).toEqual(['web-1']);
    expect(r.put).toEqual([]);
  });

  test('OrderedReady scale down waits while another pod is not ready', () => {
    const sim = new Sim(reconcileStatefulSet, sts());
    sim.settle({ ready: true });
    sim.updateOwner((s) => (s.replicas = 1));
    sim.running('web-0');
    const r = sim.round();
    expect(r.deletePods).toEqual([]);
    expect(r.waitingFor?.reason).toBe('pod web-0 to be Running and Ready');
  });

  test('OrderedReady scale down: an unready condemned pod blocks the ones above it unless it is the lowest', () => {
    const sim = new Sim(reconcileStatefulSet, sts({ replicas: 4 }));
    sim.settle({ ready: true });
    sim.updateOwner((s) => (s.replicas = 1));
    sim.running('web-3');
    sim.running('web-2');
    let r = sim.round();
    expect(r.deletePods).toEqual([]);
    expect(r.waitingFor?.reason).toBe('pod web-3 to be Running and Ready');
    sim.ready('web-2');
    r = sim.round();
    // web-3 is now the first unavailable pod: it may go.
    expect(r.deletePods.map((d) => d.name)).toEqual(['web-3']);
  });

  test('a pending pod whose claim is gone gets it made again', () => {
    const sim = new Sim(reconcileStatefulSet, sts({ replicas: 1 }));
    sim.round();
    sim.objects = sim.objects.filter((o) => o.kind !== 'PersistentVolumeClaim');
    const r = sim.round();
    expect(r.put.map((o) => o.metadata.name)).toEqual(['data-web-0']);
    expect(r.createPods).toEqual([]);
  });

  test('a failed pod is deleted and made again', () => {
    const sim = new Sim(reconcileStatefulSet, sts());
    sim.settle({ ready: true });
    sim.finish('web-1', 'Failed');
    expect(sim.round().deletePods).toEqual([{ namespace: 'default', name: 'web-1', reason: 'pod failed' }]);
    expect(sim.round().createPods.map((p) => p.metadata?.name)).toEqual(['web-1']);
  });

  test('a pod deleted by hand is made again with its claim', () => {
    const sim = new Sim(reconcileStatefulSet, sts());
    sim.settle({ ready: true });
    sim.pods = sim.pods.filter((p) => p.metadata?.name !== 'web-1');
    const r = sim.round();
    expect(r.createPods.map((p) => p.metadata?.name)).toEqual(['web-1']);
    expect(r.createPods[0]?.spec?.volumes?.[0]).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-web-1' } });
  });

  test('rolling update from the highest ordinal down to the partition, one at a time, waiting on readiness', () => {
    const sim = new Sim(reconcileStatefulSet, sts());
    sim.settle({ ready: true });
    const rev1 = sim.names('ControllerRevision')[0]!;
    sim.updateOwner((s) => {
      s.template.spec.containers[0].image = 'localhost/busybox:v2';
      s.updateStrategy.rollingUpdate.partition = 1;
    });
    let r = sim.round();
    const rev2 = sim.names('ControllerRevision').find((n) => n !== rev1)!;
    expect(r.put.map((o) => o.metadata.name)).toEqual([rev2]);
    expect(sim.get('ControllerRevision', rev2)?.['revision']).toBe(2);
    expect(r.deletePods).toEqual([{ namespace: 'default', name: 'web-2', reason: 'old revision' }]);
    expect(sim.owner.status).toMatchObject({ currentRevision: rev1, updateRevision: rev2, currentReplicas: 2 });
    expect(statefulSetRolloutStatus(sim.owner)).toEqual({ message: 'Waiting for 1 pods to be ready...', done: false });

    r = sim.round();
    expect(r.createPods.map((p) => [p.metadata?.name, p.spec?.containers[0]?.image, p.metadata?.labels?.['controller-revision-hash']])).toEqual([['web-2', 'localhost/busybox:v2', rev2]]);
    // Not ready yet: web-1 is not touched.
    expect(sim.round().deletePods).toEqual([]);
    sim.ready('web-2');
    r = sim.round();
    expect(r.deletePods.map((d) => d.name)).toEqual(['web-1']);
    r = sim.round();
    expect(r.createPods.map((p) => p.spec?.containers[0]?.image)).toEqual(['localhost/busybox:v2']);
    sim.ready('web-1');
    // The partition holds web-0 at the old revision.
    r = sim.round();
    expect(r.deletePods).toEqual([]);
    expect(sim.pod('web-0').spec?.containers[0]?.image).toBe('localhost/busybox:stable');
    expect(sim.owner.status).toMatchObject({ replicas: 3, updatedReplicas: 2, currentReplicas: 1, currentRevision: rev1, updateRevision: rev2 });
    expect(statefulSetRolloutStatus(sim.owner)).toEqual({ message: 'partitioned roll out complete: 2 new pods have been updated...', done: true });

    // Partition 0 finishes it; the current revision becomes the update revision.
    sim.updateOwner((s) => (s.updateStrategy.rollingUpdate.partition = 0));
    expect(sim.round().deletePods.map((d) => d.name)).toEqual(['web-0']);
    sim.round();
    sim.ready('web-0');
    sim.round();
    expect(sim.owner.status).toMatchObject({ replicas: 3, updatedReplicas: 3, currentReplicas: 3, currentRevision: rev2, updateRevision: rev2 });
    expect(rolloutHistory(sim.objects.filter((o) => o.kind === 'ControllerRevision'))).toEqual([
      { revision: 1, changeCause: '<none>' },
      { revision: 2, changeCause: '<none>' },
    ]);
  });

  test('a pod made while a partition holds gets the current revision below it', () => {
    const sim = new Sim(reconcileStatefulSet, sts());
    sim.settle({ ready: true });
    const rev1 = sim.names('ControllerRevision')[0]!;
    sim.updateOwner((s) => {
      s.template.spec.containers[0].image = 'localhost/busybox:v2';
      s.updateStrategy.rollingUpdate.partition = 3;
    });
    sim.round();
    sim.pods = sim.pods.filter((p) => p.metadata?.name !== 'web-0');
    const r = sim.round();
    expect(r.createPods.map((p) => [p.metadata?.name, p.spec?.containers[0]?.image, p.metadata?.labels?.['controller-revision-hash']])).toEqual([
      ['web-0', 'localhost/busybox:stable', rev1],
    ]);
  });

  test('OnDelete: only deleted pods come back at the update revision', () => {
    const sim = new Sim(reconcileStatefulSet, sts({ updateStrategy: { type: 'OnDelete' } }));
    sim.settle({ ready: true });
    sim.updateOwner((s) => (s.template.spec.containers[0].image = 'localhost/busybox:v2'));
    expect(sim.round().deletePods).toEqual([]);
    sim.pods = sim.pods.filter((p) => p.metadata?.name !== 'web-1');
    const r = sim.round();
    expect(r.createPods.map((p) => [p.metadata?.name, p.spec?.containers[0]?.image])).toEqual([['web-1', 'localhost/busybox:v2']]);
    expect(statefulSetRolloutStatus(sim.owner)).toEqual({ error: 'rollout status is only available for RollingUpdate strategy type' });
  });

  test('a template seen again reuses its revision with the next number; undo finds it', () => {
    const sim = new Sim(reconcileStatefulSet, sts({ replicas: 1 }));
    sim.settle({ ready: true });
    const rev1 = sim.names('ControllerRevision')[0]!;
    sim.updateOwner((s) => (s.template.spec.containers[0].image = 'localhost/busybox:v2'));
    sim.settle({ ready: true });
    const revisions = () => sim.objects.filter((o) => o.kind === 'ControllerRevision');
    const undo = undoTarget((sim.owner.spec as Loose).template, revisions(), 0);
    expect(undo).toMatchObject({ kind: 'rollback', revision: 1 });
    expect(undoTarget((sim.owner.spec as Loose).template, revisions(), 2)).toEqual({ kind: 'skipped', message: 'skipped rollback (current template already matches revision 2)' });
    expect(undoTarget((sim.owner.spec as Loose).template, revisions(), 7)).toEqual({ kind: 'error', message: 'unable to find specified revision 7 in history' });
    sim.updateOwner((s) => (s.template = (undo as Loose).template));
    sim.settle({ ready: true });
    expect(sim.names('ControllerRevision').length).toBe(2);
    expect(sim.get('ControllerRevision', rev1)?.['revision']).toBe(3);
    expect(sim.owner.status).toMatchObject({ currentRevision: rev1, updateRevision: rev1 });
  });

  test('revisionHistoryLimit removes revisions no pod runs, oldest first', () => {
    const sim = new Sim(reconcileStatefulSet, sts({ replicas: 1, revisionHistoryLimit: 1 }));
    sim.settle({ ready: true });
    for (const tag of ['v2', 'v3', 'v4']) {
      sim.updateOwner((s) => (s.template.spec.containers[0].image = `localhost/busybox:${tag}`));
      sim.settle({ ready: true });
    }
    const revs = sim.objects.filter((o) => o.kind === 'ControllerRevision').map((o) => o['revision']);
    expect(revs.sort()).toEqual([3, 4]);
  });

  test('a pod of the name not controlled by the set is left alone', () => {
    const sim = new Sim(reconcileStatefulSet, sts({ replicas: 1 }));
    sim.pods.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [] }, status: { phase: 'Running' } });
    const r = sim.round();
    expect(r.createPods).toEqual([]);
    expect(r.waitingFor).toEqual({ reason: 'pod web-0 exists and is not controlled by StatefulSet web' });
  });

  test('minReadySeconds: availability waits, with the time it comes', () => {
    const sim = new Sim(reconcileStatefulSet, sts({ replicas: 2, minReadySeconds: 10 }));
    sim.round();
    sim.ready('web-0');
    const r = sim.round();
    expect(r.createPods).toEqual([]);
    expect(r.waitingFor).toEqual({ reason: 'pod web-0 to be available', until: new Date('2026-01-01T00:00:10Z') });
    expect(sim.owner.status).toMatchObject({ readyReplicas: 1, availableReplicas: 0 });
    sim.advance(10);
    expect(sim.round().createPods.map((p) => p.metadata?.name)).toEqual(['web-1']);
  });

  test('rollout status follows kubectl', () => {
    const base = sts();
    const at = (status: Record<string, unknown>, gen = 2, spec: Record<string, unknown> = {}) =>
      statefulSetRolloutStatus({ ...base, metadata: { ...base.metadata, generation: gen }, spec: { ...(base.spec as object), ...spec }, status });
    expect(at({ observedGeneration: 1 })).toEqual({ message: 'Waiting for statefulset spec update to be observed...', done: false });
    expect(at({ observedGeneration: 2, readyReplicas: 1 })).toEqual({ message: 'Waiting for 2 pods to be ready...', done: false });
    expect(at({ observedGeneration: 2, readyReplicas: 3, updatedReplicas: 1 }, 2, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } })).toEqual({
      message: 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...',
      done: false,
    });
    expect(at({ observedGeneration: 2, readyReplicas: 3, updatedReplicas: 3, currentReplicas: 3, currentRevision: 'web-a', updateRevision: 'web-a' }, 2, { updateStrategy: { type: 'RollingUpdate' } })).toEqual({
      message: 'statefulset rolling update complete 3 pods at revision web-a...',
      done: true,
    });
    expect(at({ observedGeneration: 2, readyReplicas: 3, updatedReplicas: 1, currentRevision: 'web-a', updateRevision: 'web-b' }, 2, { updateStrategy: { type: 'RollingUpdate' } })).toEqual({
      message: 'waiting for statefulset rolling update to complete 1 pods at revision web-b...',
      done: false,
    });
  });
});
