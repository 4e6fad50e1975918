import { historyTable, revisionRollout, revisionsBeyondLimit, syncRevision, templatePatch, undoTarget, rolloutHistory, revisionTemplate, NO_HISTORY } from '../../../src/controllers/revisions';
import type { StoredObject } from '../../../src/domain/objects';

const owner = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' },
} as StoredObject;

function rev(name: string, revision: number, image: string, cause?: string): StoredObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: 'default',
      uid: `r-${name}`,
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { 'controller-revision-hash': name.slice(4) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true }],
      ...(cause ? { annotations: { 'kubernetes.io/change-cause': cause } } : {}),
    },
    data: templatePatch({ spec: { containers: [{ name: 'c', image }] } }),
    revision,
  };
}

describe('ControllerRevisions', () => {
  const t = (image: string) => ({ spec: { containers: [{ name: 'c', image }] } });

  test('a new template makes a revision one past the newest; a name taken raises the collision count', () => {
    const revisions = [rev('web-aaa', 1, 'a')];
    const s = syncRevision({ owner, revisions, taken: [...revisions, rev('web-h0', 9, 'other')], data: templatePatch(t('b')), templateLabels: { app: 'web' }, hash: (cc) => `h${cc}`, collisionCount: 0 });
    expect(s.collisionCount).toBe(1);
    expect(s.hash).toBe('h1');
    expect(s.put).toMatchObject({ apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'web-h1', labels: { app: 'web', 'controller-revision-hash': 'h1' } }, revision: 2 });
    expect(s.put?.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true }]);
  });

  test('the newest template again: nothing to put; an older one: renumbered', () => {
    const revisions = [rev('web-aaa', 1, 'a'), rev('web-bbb', 2, 'b')];
    const same = syncRevision({ owner, revisions, taken: revisions, data: templatePatch(t('b')), templateLabels: {}, hash: () => 'x', collisionCount: 0 });
    expect(same.put).toBeUndefined();
    expect(same.update.metadata.name).toBe('web-bbb');
    const back = syncRevision({ owner, revisions, taken: revisions, data: templatePatch(t('a')), templateLabels: {}, hash: () => 'x', collisionCount: 0 });
    expect(back.put).toMatchObject({ metadata: { name: 'web-aaa' }, revision: 3 });
  });

  test('history beyond the limit: the oldest revisions no pod runs', () => {
    const revisions = [rev('web-a', 1, 'a'), rev('web-b', 2, 'b'), rev('web-c', 3, 'c'), rev('web-d', 4, 'd')];
    expect(revisionsBeyondLimit(revisions, (r) => r.metadata.name === 'web-d' || r.metadata.name === 'web-a', 1)).toEqual([
      { kind: 'ControllerRevision.apps', namespace: 'default', name: 'web-b' },
    ]);
    expect(revisionsBeyondLimit(revisions, () => false, 10)).toEqual([]);
  });

  test('rollout history and undo as kubectl reads them', () => {
    const revisions = [rev('web-b', 2, 'b', 'kubectl set image b'), rev('web-a', 1, 'a')];
    expect(rolloutHistory(revisions)).toEqual([
      { revision: 1, changeCause: '<none>' },
      { revision: 2, changeCause: 'kubectl set image b' },
    ]);
    expect(revisionTemplate(revisions, 1)).toEqual({ template: t('a') });
    expect(revisionTemplate(revisions, 5)).toEqual({ error: 'unable to find the specified revision' });
    expect(undoTarget(t('b'), revisions, 0)).toEqual({ kind: 'rollback', revision: 1, template: t('a') });
    expect(undoTarget(t('b'), revisions, 2)).toEqual({ kind: 'skipped', message: 'skipped rollback (current template already matches revision 2)' });
    expect(undoTarget(t('b'), revisions, -1)).toEqual({ kind: 'error', message: 'unable to find specified revision -1 in history' });
    expect(undoTarget(t('b'), [revisions[0]!], 0)).toEqual({ kind: 'error', message: 'no last revision to roll back to' });
    expect(NO_HISTORY).toBe('No rollout history found.');
  });

  test('the rollout facet: status, history table or one revision described, undo', () => {
    const revisions = [rev('web-b', 2, 'b', 'kubectl set image b'), rev('web-a', 1, 'a')];
    const set = { ...owner, spec: { template: t('b') } };
    const facet = revisionRollout(() => ({ error: 'rollout status is only available for RollingUpdate strategy type' }), (tpl) => `described ${tpl.spec?.containers[0]?.image ?? ''}`);
    expect(facet.pausable).toBe(false);
    expect(facet.status(set, [])).toEqual({ done: false, message: '', error: 'rollout status is only available for RollingUpdate strategy type' });
    expect(facet.history(set, revisions)).toBe('REVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image b\n');
    expect(facet.history(set, revisions, 1)).toBe('described a');
    expect(() => facet.history(set, revisions, 9)).toThrow('unable to find the specified revision');
    expect(facet.history(set, [])).toBe('No rollout history found.');
    expect(facet.undo(set, revisions, 0)).toEqual({ template: t('a') });
    expect(facet.undo(set, revisions, 2)).toEqual({ skipped: 'skipped rollback (current template already matches revision 2)' });
    expect(historyTable([])).toBe('No rollout history found.');
  });
});
