/**
 * The Deployment and ReplicaSet controllers together, round by round on a simulated cluster
 * (simulate.ts): a Deployment from nothing, rolling updates, Recreate, scaling mid-rollout,
 * pause, revision history, readiness holding a rollout, the progress deadline, status and events.
 */
import { Cluster, deployment, imageOf } from './simulate';
import { rolloutStatus } from '../../../src/controllers/deployment';
import type { DeploymentStatus } from '../../../src/controllers/deployment/deployment-util';

const statusOf = (c: Cluster, name = 'web') => c.get('Deployment', name).status as DeploymentStatus;
const rsNames = (c: Cluster) => c.list('ReplicaSet').map((r) => r.metadata.name).sort();
const rsReplicas = (c: Cluster) => Object.fromEntries(c.list('ReplicaSet').map((r) => [r.metadata.name, (r.spec as { replicas: number }).replicas]));

describe('a Deployment of 3 replicas from nothing', () => {
  test('makes one ReplicaSet and 3 pods, then settles available', () => {
    const c = new Cluster();
    c.apply(deployment('web'));
    c.run();
    const [rs] = c.list('ReplicaSet');
    expect(rs).toBeDefined();
    const hash = rs!.metadata.labels?.['pod-template-hash'];
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(rs!.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: c.get('Deployment', 'web').metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(rs!.spec).toMatchObject({ replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } }, template: { metadata: { labels: { app: 'web', 'pod-template-hash': hash } } } });
    const pods = c.podsOf(rs!.metadata.name);
    expect(pods.map((p) => p.metadata?.name)).toEqual([`web-${hash}-bbbbb`, `web-${hash}-bbbbc`, `web-${hash}-bbbbd`]);
    expect(pods[0]!.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(c.get('Deployment', 'web').metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(rs!.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1, readyReplicas: 3, availableReplicas: 3 });
    const st = statusOf(c);
    expect(st).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(st.unavailableReplicas).toBeUndefined();
    expect(st.conditions?.map((x) => [x.type, x.status, x.reason, x.message])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "web-${hash}" has successfully progressed.`],
    ]);
    expect(rolloutStatus(c.get('Deployment', 'web'))).toEqual({ done: true, message: 'deployment "web" successfully rolled out' });
    expect(c.messages()).toEqual([
      `deployment-controller ScalingReplicaSet Scaled up replica set web-${hash} from 0 to 3`,
      `replicaset-controller SuccessfulCreate Created pod: web-${hash}-bbbbb`,
      `replicaset-controller SuccessfulCreate Created pod: web-${hash}-bbbbc`,
      `replicaset-controller SuccessfulCreate Created pod: web-${hash}-bbbbd`,
    ]);
  });

  test('a settled Deployment asks for nothing: a no-op pass', () => {
    const c = new Cluster();
    c.apply(deployment('web'));
    c.run();
    c.results = [];
    expect(c.round().changed).toBe(false);
    for (const { result } of c.results) {
      expect(result).toEqual({ put: [], status: [], remove: [], createPods: [], deletePods: [], events: [] });
    }
  });

  test('says what it waits for while pods are not ready, in kubectl rollout status words', () => {
    const c = new Cluster();
    c.readiness = () => false;
    c.apply(deployment('web'));
    // Round 1 makes the ReplicaSet and its pods; round 2 sees the pods; round 3 the ReplicaSet's status.
    expect(c.round().waiting).toEqual(['deployment/web: Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated...']);
    c.round();
    const { waiting } = c.round();
    expect(waiting).toEqual([
      'deployment/web: Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...',
      expect.stringMatching(/^replicaset\/web-\w+: 3 of 3 pods are not ready: web-\w+-bbbbb, web-\w+-bbbbc, web-\w+-bbbbd$/),
    ]);
    expect(statusOf(c).conditions?.find((x) => x.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
  });

  test('a pod deleted by hand is made again', () => {
    const c = new Cluster();
    c.apply(deployment('web'));
    c.run();
    const gone = c.pods.shift()!.metadata!.name!;
    c.run();
    expect(c.pods).toHaveLength(3);
    expect(c.pods.map((p) => p.metadata?.name)).not.toContain(gone);
  });
});

describe('a rolling update', () => {
  const rolling = (maxSurge: number | string, maxUnavailable: number | string) => ({ type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } });

  test('maxUnavailable 0, maxSurge 1: never fewer than 3 available, never more than 4 pods, ends on the new image', () => {
    const c = new Cluster();
    c.apply(deployment('web', { strategy: rolling(1, 0) }));
    c.run();
    const oldRS = rsNames(c)[0]!;
    c.events = [];
    c.apply(deployment('web', { strategy: rolling(1, 0), image: 'busybox:2' }));
    const seen: number[] = [];
    c.run(40, () => {
      expect(c.readyPods().length).toBeGreaterThanOrEqual(3);
      expect(c.pods.length).toBeLessThanOrEqual(4);
      seen.push(c.pods.filter((p) => imageOf(p) === 'busybox:2').length);
    });
    expect(c.pods.map(imageOf)).toEqual(['busybox:2', 'busybox:2', 'busybox:2']);
    expect(seen).toContain(1);
    const newRS = rsNames(c).find((n) => n !== oldRS)!;
    expect(rsReplicas(c)).toEqual({ [oldRS]: 0, [newRS]: 3 });
    expect(c.get('ReplicaSet', newRS).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(c.get('Deployment', 'web').metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(c.messages().filter((m) => m.includes('ScalingReplicaSet'))).toEqual([
      `deployment-controller ScalingReplicaSet Scaled up replica set ${newRS} from 0 to 1`,
      `deployment-controller ScalingReplicaSet Scaled down replica set ${oldRS} from 3 to 2`,
      `deployment-controller ScalingReplicaSet Scaled up replica set ${newRS} from 1 to 2`,
      `deployment-controller ScalingReplicaSet Scaled down replica set ${oldRS} from 2 to 1`,
      `deployment-controller ScalingReplicaSet Scaled up replica set ${newRS} from 2 to 3`,
      `deployment-controller ScalingReplicaSet Scaled down replica set ${oldRS} from 1 to 0`,
    ]);
    expect(statusOf(c).conditions?.find((x) => x.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${newRS}" has successfully progressed.` });
  });

  test('the defaults (25% / 25%) of 4 replicas: surge 1, unavailable 1', () => {
    const c = new Cluster();
    c.apply(deployment('web', { replicas: 4 }));
    c.run();
    c.apply(deployment('web', { replicas: 4, image: 'busybox:2' }));
    c.run(40, () => {
      expect(c.readyPods().length).toBeGreaterThanOrEqual(3);
      expect(c.pods.length).toBeLessThanOrEqual(5);
    });
    expect(c.pods.map(imageOf)).toEqual(Array(4).fill('busybox:2'));
  });

  test('new pods that never become ready hold the rollout: old pods stay, Progressing says so', () => {
    const c = new Cluster();
    c.apply(deployment('web', { strategy: rolling(1, 0) }));
    c.run();
    c.readiness = (p) => imageOf(p) !== 'broken:1';
    c.apply(deployment('web', { strategy: rolling(1, 0), image: 'broken:1' }));
    for (let i = 0; i < 10; i++) c.round();
    expect(c.pods.map(imageOf).sort()).toEqual(['broken:1', 'busybox:1', 'busybox:1', 'busybox:1']);
    expect(c.readyPods()).toHaveLength(3);
    const { waiting } = c.round();
    expect(waiting[0]).toBe('deployment/web: Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...');
    expect(statusOf(c)).toMatchObject({ replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1 });
    expect(statusOf(c).conditions?.find((x) => x.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
  });

  test('past progressDeadlineSeconds without progress: Progressing False ProgressDeadlineExceeded, and kubectl rollout status fails', () => {
    const c = new Cluster();
    c.apply(deployment('web', { strategy: rolling(1, 0), extra: { progressDeadlineSeconds: 30 } }));
    c.run();
    c.readiness = (p) => imageOf(p) !== 'broken:1';
    c.apply(deployment('web', { strategy: rolling(1, 0), image: 'broken:1', extra: { progressDeadlineSeconds: 30 } }));
    for (let i = 0; i < 5; i++) c.round();
    const before = statusOf(c).conditions?.find((x) => x.type === 'Progressing');
    expect(before?.reason).toBe('ReplicaSetUpdated');
    c.tick(31);
    c.round();
    const after = statusOf(c).conditions?.find((x) => x.type === 'Progressing');
    const newRS = c.list('ReplicaSet').find((r) => (r.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image === 'broken:1')!.metadata.name;
    expect(after).toEqual({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${newRS}" has timed out progressing.`, lastUpdateTime: '2026-01-01T00:00:31Z', lastTransitionTime: '2026-01-01T00:00:31Z' });
    expect(rolloutStatus(c.get('Deployment', 'web'))).toEqual({ done: false, error: 'deployment "web" exceeded its progress deadline' });
    // The deadline passed is recorded, not undone by more rounds without progress.
    c.round();
    expect(statusOf(c).conditions?.find((x) => x.type === 'Progressing')?.reason).toBe('ProgressDeadlineExceeded');
  });

  test('scaled mid-rollout: the new replicas spread over the ReplicaSets in proportion', () => {
    const c = new Cluster();
    c.apply(deployment('web', { replicas: 10, strategy: rolling(3, 2) }));
    c.run();
    const oldRS = rsNames(c)[0]!;
    c.readiness = (p) => imageOf(p) !== 'busybox:2';
    c.apply(deployment('web', { replicas: 10, strategy: rolling(3, 2), image: 'busybox:2' }));
    for (let i = 0; i < 6; i++) c.round();
    const newRS = rsNames(c).find((n) => n !== oldRS)!;
    // Upstream's own example (rolling.go): 10 replicas, surge 3, unavailable 2: old 8, new 5.
    expect(rsReplicas(c)).toEqual({ [oldRS]: 8, [newRS]: 5 });
    c.apply(deployment('web', { replicas: 20, strategy: rolling(3, 2), image: 'busybox:2' }));
    c.events = [];
    c.round();
    // 20 + 3 = 23 allowed, 13 there: 10 to add, 8/13 and 5/13 of max-replicas 13 scaled to 23.
    expect(rsReplicas(c)).toEqual({ [oldRS]: 14, [newRS]: 9 });
    expect(c.messages().filter((m) => m.includes('ScalingReplicaSet'))).toEqual([
      `deployment-controller ScalingReplicaSet Scaled up replica set ${oldRS} from 8 to 14`,
      `deployment-controller ScalingReplicaSet Scaled up replica set ${newRS} from 5 to 9`,
    ]);
    expect(c.get('ReplicaSet', oldRS).metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '20', 'deployment.kubernetes.io/max-replicas': '23' });
    c.readiness = () => true;
    c.run(60);
    expect(rsReplicas(c)).toEqual({ [oldRS]: 0, [newRS]: 20 });
  });

  test('a scale with no rollout scales the one ReplicaSet, up and down to 0 and back', () => {
    const c = new Cluster();
    c.apply(deployment('web'));
    c.run();
    const rs = rsNames(c)[0]!;
    c.events = [];
    c.apply(deployment('web', { replicas: 0 }));
    c.run();
    expect(c.pods).toHaveLength(0);
    c.apply(deployment('web', { replicas: 2 }));
    c.run();
    expect(c.pods).toHaveLength(2);
    expect(c.messages().filter((m) => m.includes('ScalingReplicaSet'))).toEqual([
      `deployment-controller ScalingReplicaSet Scaled down replica set ${rs} from 3 to 0`,
      `deployment-controller ScalingReplicaSet Scaled up replica set ${rs} from 0 to 2`,
    ]);
  });
});

describe('Recreate', () => {
  test('old pods all go before any new pod is made', () => {
    const c = new Cluster();
    const strategy = { type: 'Recreate' };
    c.apply(deployment('web', { strategy }));
    c.run();
    c.apply(deployment('web', { strategy, image: 'busybox:2' }));
    c.run(20, () => {
      const images = new Set(c.pods.map(imageOf));
      expect(images.size).toBeLessThanOrEqual(1);
    });
    expect(c.pods.map(imageOf)).toEqual(['busybox:2', 'busybox:2', 'busybox:2']);
    expect(c.messages().filter((m) => m.includes('ScalingReplicaSet')).map((m) => m.replace(/web-\w+/, 'RS'))).toEqual([
      'deployment-controller ScalingReplicaSet Scaled up replica set RS from 0 to 3',
      'deployment-controller ScalingReplicaSet Scaled down replica set RS from 3 to 0',
      'deployment-controller ScalingReplicaSet Scaled up replica set RS from 0 to 3',
    ]);
  });
});

describe('pause', () => {
  test('no rollout while paused, scaling still applies; resume rolls out', () => {
    const c = new Cluster();
    c.apply(deployment('web'));
    c.run();
    c.apply(deployment('web', { image: 'busybox:2', extra: { paused: true } }));
    c.run();
    expect(c.list('ReplicaSet')).toHaveLength(1);
    expect(statusOf(c).conditions?.find((x) => x.type === 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    c.apply(deployment('web', { replicas: 5, image: 'busybox:2', extra: { paused: true } }));
    c.run();
    expect(c.pods.map(imageOf)).toEqual(Array(5).fill('busybox:1'));
    expect(c.round().waiting.filter((w) => w.startsWith('deployment/'))).toEqual([]);
    c.apply(deployment('web', { replicas: 5, image: 'busybox:2' }));
    c.round();
    expect(statusOf(c).conditions?.find((x) => x.type === 'Progressing')?.reason).not.toBe('DeploymentPaused');
    c.run(40);
    expect(c.pods.map(imageOf)).toEqual(Array(5).fill('busybox:2'));
  });
});

describe('revisionHistoryLimit', () => {
  test('old ReplicaSets at 0 replicas beyond the limit are removed, lowest revision first', () => {
    const c = new Cluster();
    const extra = { revisionHistoryLimit: 1 };
    for (const image of ['busybox:1', 'busybox:2', 'busybox:3', 'busybox:4']) {
      c.apply(deployment('web', { image, extra }));
      c.run(40);
      c.tick(10);
    }
    const revisions = c.list('ReplicaSet').map((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision']).sort();
    expect(revisions).toEqual(['3', '4']);
    expect(c.pods.map(imageOf)).toEqual(Array(3).fill('busybox:4'));
  });

  test('going back to an old template reuses its ReplicaSet at a new revision, keeping the old number in revision-history', () => {
    const c = new Cluster();
    c.apply(deployment('web'));
    c.run();
    const first = rsNames(c)[0]!;
    c.apply(deployment('web', { image: 'busybox:2' }));
    c.run(40);
    c.apply(deployment('web'));
    c.run(40);
    expect(c.list('ReplicaSet')).toHaveLength(2);
    expect(c.get('ReplicaSet', first).metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(c.pods.map(imageOf)).toEqual(Array(3).fill('busybox:1'));
  });
});

describe('minReadySeconds', () => {
  test('ready pods become available only after minReadySeconds; the ReplicaSet says until when', () => {
    const c = new Cluster();
    c.apply(deployment('web', { extra: { minReadySeconds: 10 } }));
    for (let i = 0; i < 4; i++) c.round();
    const { waiting } = c.round();
    expect(waiting.find((w) => w.startsWith('replicaset/'))).toMatch(/3 of 3 ready pods are not yet available \(minReadySeconds 10\)$/);
    const rsResult = c.results.filter((r) => r.controller === 'replicaset-controller').at(-1)!.result;
    expect(rsResult.waitingFor?.until).toEqual(new Date('2026-01-01T00:00:10Z'));
    expect(statusOf(c).availableReplicas).toBeUndefined();
    c.tick(10);
    c.run();
    expect(statusOf(c).availableReplicas).toBe(3);
  });
});

describe('ReplicaSets the Deployment did not make', () => {
  test('a hash collision (the name taken by a ReplicaSet of another template) raises collisionCount and names the new one anew', () => {
    const c = new Cluster();
    const probe = new Cluster();
    probe.apply(deployment('web'));
    probe.run();
    const name = probe.list('ReplicaSet')[0]!.metadata.name;
    // Someone else's ReplicaSet under that name, selecting other pods.
    c.apply({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: 'default', labels: { app: 'other' } }, spec: { replicas: 0, selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } });
    c.apply(deployment('web'));
    c.run();
    expect(statusOf(c).collisionCount).toBe(1);
    const mine = c.list('ReplicaSet').find((r) => r.metadata.name !== name)!;
    expect(mine.metadata.name).toMatch(/^web-\w+$/);
    expect(c.podsOf(mine.metadata.name)).toHaveLength(3);
  });

  test('an orphan ReplicaSet whose labels the selector matches is adopted, and scaled as the Deployment\'s', () => {
    const c = new Cluster();
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } };
    c.apply({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'loose', namespace: 'default', labels: { app: 'web' } }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } });
    c.run();
    expect(c.pods).toHaveLength(1);
    c.apply(deployment('web'));
    c.run();
    const loose = c.get('ReplicaSet', 'loose');
    expect(loose.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'web', controller: true })]);
    // Its template is the Deployment's: it is the new ReplicaSet, at revision 1, with all 3 replicas.
    expect(c.list('ReplicaSet')).toHaveLength(1);
    expect(loose.spec).toMatchObject({ replicas: 3 });
    expect(loose.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
  });

  test('an empty selector: the Warning SelectingAll once, nothing made', () => {
    const c = new Cluster();
    const d = deployment('web');
    (d.spec as { selector: unknown }).selector = {};
    c.apply(d);
    c.run();
    c.run();
    expect(c.list('ReplicaSet')).toHaveLength(0);
    expect(c.events.map((e) => `${e.type} ${e.reason} ${e.message}`)).toEqual(['Warning SelectingAll This deployment is selecting all pods. A non-empty selector is required.']);
  });
});
