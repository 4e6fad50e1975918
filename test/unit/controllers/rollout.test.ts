/**
 * The rollout helpers (history, undo, restart) on ReplicaSets the controllers made in a simulated
 * cluster, in kubectl's words.
 */
import { Cluster, deployment } from './simulate';
import { deploymentRollout, restartAnnotation, rolloutHistory, undoTemplate } from '../../../src/controllers/deployment';
import { ObjectError } from '../../../src/domain/errors';

function threeRevisions(): Cluster {
  const c = new Cluster();
  c.apply(deployment('web', { annotations: { 'kubernetes.io/change-cause': 'first' } }));
  c.run();
  c.apply(deployment('web', { image: 'busybox:2' }));
  c.run(40);
  c.apply(deployment('web', { image: 'busybox:3', annotations: { 'kubernetes.io/change-cause': 'kubectl set image deployment/web c=busybox:3' } }));
  c.run(40);
  return c;
}

describe('rolloutHistory', () => {
  test("kubectl's REVISION CHANGE-CAUSE table, <none> where no cause was recorded", () => {
    const c = threeRevisions();
    const h = rolloutHistory(c.get('Deployment', 'web'), c.list('ReplicaSet'));
    // The second apply left the first change cause on the Deployment (apply keeps annotations it did not set), so revision 2 copied it.
    expect(h).toEqual({ table: 'REVISION  CHANGE-CAUSE\n1         first\n2         first\n3         kubectl set image deployment/web c=busybox:3\n' });
    const plain = new Cluster();
    plain.apply(deployment('web'));
    plain.run();
    expect(rolloutHistory(plain.get('Deployment', 'web'), plain.list('ReplicaSet'))).toEqual({ table: 'REVISION  CHANGE-CAUSE\n1         <none>\n' });
  });

  test('one revision: its template; an unknown one: kubectl\'s error; none at all', () => {
    const c = threeRevisions();
    const h = rolloutHistory(c.get('Deployment', 'web'), c.list('ReplicaSet'), 2);
    expect('revision' in h && h.revision.template.spec).toEqual({ containers: [{ name: 'c', image: 'busybox:2' }] });
    expect(rolloutHistory(c.get('Deployment', 'web'), c.list('ReplicaSet'), 9)).toEqual({ error: 'unable to find the specified revision' });
    expect(rolloutHistory(c.get('Deployment', 'web'), [])).toEqual({ table: 'No rollout history found.' });
  });
});

describe('undoTemplate', () => {
  test('to the previous revision: its template without pod-template-hash, its annotations', () => {
    const c = threeRevisions();
    const u = undoTemplate(c.get('Deployment', 'web'), c.list('ReplicaSet'));
    expect(u).toMatchObject({ message: 'rolled back', template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox:2' }] } } });
    expect('annotations' in u && u.annotations).toEqual({ 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'first' });
  });

  test('applied back, the old ReplicaSet comes back at the next revision and takes the pods', () => {
    const c = threeRevisions();
    const d = c.get('Deployment', 'web');
    const u = undoTemplate(d, c.list('ReplicaSet'), 1);
    if (!('template' in u)) throw new Error('expected a template');
    c.apply({ ...d, metadata: { ...d.metadata, annotations: u.annotations }, spec: { ...(d.spec as object), template: u.template } });
    c.run(40);
    const byRevision = Object.fromEntries(c.list('ReplicaSet').map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], (rs.spec as { replicas: number }).replicas]));
    expect(byRevision).toEqual({ '2': 0, '3': 0, '4': 3 });
    expect(c.get('Deployment', 'web').metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('4');
  });

  test("kubectl's refusals: an unknown revision, nothing to go back to, the current template, a paused Deployment", () => {
    const c = threeRevisions();
    const d = c.get('Deployment', 'web');
    expect(undoTemplate(d, c.list('ReplicaSet'), 5)).toEqual({ error: 'unable to find specified revision 5 in history' });
    expect(undoTemplate(d, c.list('ReplicaSet'), 3)).toEqual({ skipped: 'skipped rollback (current template already matches revision 3)' });
    expect(undoTemplate(d, c.list('ReplicaSet').filter((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3'))).toEqual({ error: 'no rollout history found for deployment "web"' });
    const paused = { ...d, spec: { ...(d.spec as object), paused: true } };
    expect(undoTemplate(paused, c.list('ReplicaSet'), 1)).toEqual({ error: "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/web' and try again" });
  });
});

test('restartAnnotation: RFC 3339 to the second', () => {
  expect(restartAnnotation(new Date('2026-03-04T05:06:07.890Z'))).toBe('2026-03-04T05:06:07Z');
});

describe('deploymentRollout (the kind\'s rollout facet)', () => {
  const facet = deploymentRollout((t) => `Pod Template:\n  Labels:  ${Object.entries(t.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}`);

  test('history with --revision renders the revision\'s template; an unknown revision fails as kubectl does', () => {
    const c = threeRevisions();
    const d = c.get('Deployment', 'web');
    expect(facet.history(d, c.list('ReplicaSet'), 1)).toMatch(/^Pod Template:\n {2}Labels: {2}app=web,pod-template-hash=\w+$/);
    expect(() => facet.history(d, c.list('ReplicaSet'), 7)).toThrow(new ObjectError('unable to find the specified revision'));
  });

  test('status: kubectl\'s message, or its error', () => {
    const c = threeRevisions();
    expect(facet.status(c.get('Deployment', 'web'), [])).toEqual({ done: true, message: 'deployment "web" successfully rolled out' });
    expect(facet.pausable).toBe(true);
  });
});
