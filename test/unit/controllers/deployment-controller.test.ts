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
