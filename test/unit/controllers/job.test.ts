import { JOB_CONTROLLER } from '../../../src/controllers/job';
import { reconcileJob } from '../../../src/controllers/job/controller';
import { formatIndexes, parseIndexes } from '../../../src/controllers/job/indexes';
import type { KubeObject } from '../../../src/domain/objects';
import { Sim } from './workload-sim';

function job(over: Record<string, unknown> = {}, restartPolicy = 'Never'): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default' },
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      template: { metadata: { labels: { app: 'pi' } }, spec: { restartPolicy, containers: [{ name: 'c', image: 'localhost/busybox:stable', command: ['true'] }] } },
      ...over,
    },
  };
}

const conds = (sim: Sim) => ((sim.owner.status as { conditions?: { type: string; reason?: string; message?: string }[] }).conditions ?? []).map((c) => `${c.type} ${c.reason ?? ''} ${c.message ?? ''}`.trim());

describe('Job controller', () => {
  test('declares what it reads', () => {
    expect(JOB_CONTROLLER).toMatchObject({ name: 'job-controller', reads: [] });
  });

  test('completions 3, parallelism 2: two at a time until three succeed, then Complete', () => {
    const sim = new Sim(reconcileJob, job({ completions: 3, parallelism: 2 }));
    let r = sim.round();
    expect(r.createPods.map((p) => p.metadata?.name)).toEqual(['pi-bbbbb', 'pi-bbbbc']);
    const uid = sim.owner.metadata.uid;
    expect(sim.pod('pi-bbbbb').metadata?.labels).toEqual({
      app: 'pi',
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': uid,
      'job-name': 'pi',
    });
    expect(sim.pod('pi-bbbbb').metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'pi', uid, controller: true });
    expect(sim.owner.status).toEqual({ startTime: '2026-01-01T00:00:00Z', active: 2, terminating: 0, uncountedTerminatedPods: {}, ready: 0 });

    r = sim.round();
    expect(r.createPods).toEqual([]);
    expect(r.waitingFor).toEqual({ reason: '2 active pods of Job pi to finish' });
    sim.advance(5);
    sim.finish('pi-bbbbb', 'Succeeded');
    r = sim.round();
    expect(r.createPods.map((p) => p.metadata?.name)).toEqual(['pi-bbbbd']);
    sim.finish('pi-bbbbc', 'Succeeded');
    r = sim.round();
    expect(r.createPods).toEqual([]);
    sim.advance(5);
    sim.finish('pi-bbbbd', 'Succeeded');
    r = sim.round();
    expect(r.waitingFor).toBeUndefined();
    expect(conds(sim)).toEqual(['SuccessCriteriaMet CompletionsReached Reached expected number of succeeded pods', 'Complete CompletionsReached Reached expected number of succeeded pods']);
    expect(sim.owner.status).toMatchObject({ succeeded: 3, completionTime: '2026-01-01T00:00:10Z', startTime: '2026-01-01T00:00:00Z', terminating: 0, ready: 0, uncountedTerminatedPods: {} });
    expect((sim.owner.status as Record<string, unknown>)['active']).toBeUndefined();
    expect(sim.messages()).toEqual([
      'Normal SuccessfulCreate Created pod: pi-bbbbb',
      'Normal SuccessfulCreate Created pod: pi-bbbbc',
      'Normal SuccessfulCreate Created pod: pi-bbbbd',
      'Normal Completed Job completed',
    ]);
    // Finished: nothing more.
    r = sim.round();
    expect(r).toMatchObject({ createPods: [], deletePods: [], status: [] });
  });

  test('restartPolicy Never: a new pod per failure, after the pod failure backoff, until backoffLimit is passed', () => {
    const sim = new Sim(reconcileJob, job({ backoffLimit: 2 }));
    sim.round();
    sim.finish('pi-bbbbb', 'Failed');
    let r = sim.round();
    expect(r.createPods).toEqual([]);
    expect(r.waitingFor).toEqual({ reason: 'the pod failure backoff of Job pi', until: new Date('2026-01-01T00:00:10Z') });
    expect(sim.owner.status).toMatchObject({ failed: 1 });
    sim.advance(10);
    r = sim.round();
    expect(r.createPods.map((p) => p.metadata?.name)).toEqual(['pi-bbbbc']);
    sim.finish('pi-bbbbc', 'Failed');
    r = sim.round();
    expect(r.waitingFor?.until).toEqual(new Date('2026-01-01T00:00:30Z'));
    sim.advance(20);
    expect(sim.round().createPods.map((p) => p.metadata?.name)).toEqual(['pi-bbbbd']);
    sim.finish('pi-bbbbd', 'Failed');
    r = sim.round();
    expect(r.createPods).toEqual([]);
    expect(conds(sim)).toEqual(['FailureTarget BackoffLimitExceeded Job has reached the specified backoff limit', 'Failed BackoffLimitExceeded Job has reached the specified backoff limit']);
    expect(sim.owner.status).toMatchObject({ failed: 3 });
    expect(sim.messages().slice(-1)).toEqual(['Warning BackoffLimitExceeded Job has reached the specified backoff limit']);
    expect(sim.podNames()).toEqual(['pi-bbbbb', 'pi-bbbbc', 'pi-bbbbd']);
  });

  test('restartPolicy OnFailure: container restarts count against backoffLimit; the pod is deleted, then Failed', () => {
    const sim = new Sim(reconcileJob, job({ backoffLimit: 2 }, 'OnFailure'));
    sim.round();
    sim.running('pi-bbbbb');
    sim.pod('pi-bbbbb').status!.containerStatuses = [{ name: 'c', image: 'x', imageID: '', ready: false, restartCount: 1 }];
    let r = sim.round();
    expect(r.deletePods).toEqual([]);
    sim.pod('pi-bbbbb').status!.containerStatuses![0]!.restartCount = 2;
    r = sim.round();
    expect(r.deletePods).toEqual([{ namespace: 'default', name: 'pi-bbbbb', reason: 'BackoffLimitExceeded' }]);
    expect(conds(sim)).toEqual(['FailureTarget BackoffLimitExceeded Job has reached the specified backoff limit']);
    expect(sim.owner.status).toMatchObject({ terminating: 1 });
    r = sim.round();
    expect(conds(sim)).toEqual(['FailureTarget BackoffLimitExceeded Job has reached the specified backoff limit', 'Failed BackoffLimitExceeded Job has reached the specified backoff limit']);
    expect(sim.messages()).toEqual(['Normal SuccessfulCreate Created pod: pi-bbbbb', 'Normal SuccessfulDelete Deleted pod: pi-bbbbb', 'Warning BackoffLimitExceeded Job has reached the specified backoff limit']);
  });

  test('activeDeadlineSeconds: waited for, then the Job fails and its active pods are deleted', () => {
    const sim = new Sim(reconcileJob, job({ activeDeadlineSeconds: 30, parallelism: 2, completions: 2 }));
    sim.round();
    sim.ready('pi-bbbbb');
    sim.running('pi-bbbbc');
    let r = sim.round();
    expect(r.waitingFor).toEqual({ reason: '2 active pods of Job pi to finish', until: new Date('2026-01-01T00:00:30Z') });
    expect(sim.owner.status).toMatchObject({ active: 2, ready: 1 });
    sim.advance(30);
    r = sim.round();
    expect(r.deletePods.map((d) => d.name).sort()).toEqual(['pi-bbbbb', 'pi-bbbbc']);
    expect(conds(sim)).toEqual(['FailureTarget DeadlineExceeded Job was active longer than specified deadline']);
    sim.round();
    expect(conds(sim)[1]).toBe('Failed DeadlineExceeded Job was active longer than specified deadline');
    expect(sim.messages().slice(-1)).toEqual(['Warning DeadlineExceeded Job was active longer than specified deadline']);
  });

  test('ttlSecondsAfterFinished: the Job and its pods are removed once it has passed', () => {
    const sim = new Sim(reconcileJob, job({ ttlSecondsAfterFinished: 60 }));
    sim.round();
    sim.finish('pi-bbbbb', 'Succeeded');
    let r = sim.round();
    expect(r.waitingFor).toEqual({ reason: 'Job pi to pass its ttlSecondsAfterFinished', until: new Date('2026-01-01T00:01:00Z') });
    sim.advance(30);
    r = sim.round();
    expect(r.remove).toEqual([]);
    expect(r.waitingFor?.until).toEqual(new Date('2026-01-01T00:01:00Z'));
    sim.advance(30);
    const pods = sim.podNames();
    r = sim.round();
    expect(r.remove).toEqual([{ kind: 'Job.batch', namespace: 'default', name: 'pi' }]);
    expect(r.deletePods.map((d) => [d.name, d.reason])).toEqual(pods.map((n) => [n, 'ttl after finished']));
  });

  test('Indexed: one pod per index, named and numbered, until every index succeeded', () => {
    const sim = new Sim(reconcileJob, job({ completionMode: 'Indexed', completions: 3, parallelism: 2 }));
    let r = sim.round();
    expect(r.createPods.map((p) => p.metadata?.name)).toEqual(['pi-0-bbbbb', 'pi-1-bbbbc']);
    const p1 = sim.pod('pi-1-bbbbc');
    expect(p1.metadata?.annotations).toEqual({ 'batch.kubernetes.io/job-completion-index': '1' });
    expect(p1.metadata?.labels?.['batch.kubernetes.io/job-completion-index']).toBe('1');
    expect(p1.spec?.hostname).toBe('pi-1');
    expect(p1.spec?.containers[0]?.env).toEqual([{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]);
    sim.finish('pi-1-bbbbc', 'Succeeded');
    r = sim.round();
    expect(r.createPods.map((p) => p.metadata?.name)).toEqual(['pi-2-bbbbd']);
    expect(sim.owner.status).toMatchObject({ succeeded: 1, completedIndexes: '1', active: 2 });
    sim.finish('pi-0-bbbbb', 'Succeeded');
    sim.finish('pi-2-bbbbd', 'Succeeded');
    sim.round();
    expect(sim.owner.status).toMatchObject({ succeeded: 3, completedIndexes: '0-2' });
    expect(conds(sim).map((c) => c.split(' ')[0])).toEqual(['SuccessCriteriaMet', 'Complete']);
  });

  test('an Indexed pod that failed under Never is replaced at the same index', () => {
    const sim = new Sim(reconcileJob, job({ completionMode: 'Indexed', completions: 2, parallelism: 2 }));
    sim.round();
    sim.finish('pi-0-bbbbb', 'Failed');
    sim.advance(10);
    const r = sim.round();
    expect(r.createPods.map((p) => p.metadata?.name)).toEqual(['pi-0-bbbbd']);
  });

  test('suspend deletes the active pods; resume starts again with a new start time', () => {
    const sim = new Sim(reconcileJob, job({ parallelism: 2, completions: 2 }));
    sim.round();
    sim.updateOwner((s) => (s.suspend = true));
    let r = sim.round();
    expect(r.deletePods.map((d) => d.reason)).toEqual(['job suspended', 'job suspended']);
    expect(conds(sim)).toEqual(['Suspended JobSuspended Job suspended']);
    sim.advance(60);
    sim.updateOwner((s) => (s.suspend = false));
    r = sim.round();
    expect(r.createPods.length).toBe(2);
    expect(conds(sim)).toEqual(['Suspended JobResumed Job resumed']);
    expect(sim.owner.status).toMatchObject({ startTime: '2026-01-01T00:01:00Z' });
    expect(sim.messages()).toContain('Normal Suspended Job suspended');
    expect(sim.messages()).toContain('Normal Resumed Job resumed');
  });

  test('pods are the Job’s by its uid, with or without a selector; others are not counted', () => {
    const sim = new Sim(reconcileJob, job());
    sim.pods.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other', namespace: 'default', labels: { 'job-name': 'pi' } }, spec: { containers: [] }, status: { phase: 'Succeeded' } });
    const r = sim.round();
    expect(r.createPods.length).toBe(1);
    expect(sim.owner.status).toMatchObject({ active: 1 });
  });

  test('a pod with the Job\'s uid label and no controller is the Job\'s (its selector selects it)', () => {
    const sim = new Sim(reconcileJob, job());
    const uid = sim.owner.metadata.uid;
    sim.pods.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', namespace: 'default', labels: { 'batch.kubernetes.io/controller-uid': uid } }, spec: { containers: [] }, status: { phase: 'Succeeded' } });
    sim.round();
    expect(sim.podNames()).toEqual(['orphan']);
    expect(conds(sim).map((c) => c.split(' ')[0])).toEqual(['SuccessCriteriaMet', 'Complete']);
  });

  test('completed indexes are written as upstream writes them', () => {
    expect(formatIndexes(new Set([0, 1, 2, 4, 6, 7]))).toBe('0-2,4,6,7');
    expect([...parseIndexes('0-2,4,6,7', 5)].sort()).toEqual([0, 1, 2, 4]);
  });
});
