/**
 * A pod's Podman secrets and volume files: made before its containers, removed with it, and only
 * ever its own (labels are not trusted).
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ObservedPod } from '../../../src/domain/state';
import type { PodManifest } from '../../../src/domain/types';
import { toDesiredPod } from '../../../src/translate/pod';
import { withHash } from '../../../src/translate/hash';
import { leftoverSteps, madeSteps, unmadeSteps } from '../../../src/plan/pod-leftovers';
import { createSteps, planChanges } from '../../../src/plan/plan-changes';
import { formatStep } from '../../../src/plan/plan';
import type { PodSources } from '../../../src/translate/pod-sources';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const SOURCES: PodSources = (kind, _ns, name) =>
  kind === 'Secret' && name === 'db' ? { data: { password: b64('hunter2') } } : kind === 'ConfigMap' && name === 'cfg' ? { data: { 'app.conf': 'level=1' } } : undefined;

const POD: V1Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web' },
  spec: {
    containers: [{ name: 'app', image: 'localhost/busybox:stable', env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }], volumeMounts: [{ name: 'c', mountPath: '/etc/app' }] }],
    volumes: [{ name: 'c', configMap: { name: 'cfg' } }],
  },
};
const m: PodManifest = { ref: { kind: 'Pod', namespace: 'default', name: 'web' }, apiVersion: 'v1', source: 'p.yaml', documentIndex: 0, object: POD, locate: () => undefined };
const desired = withHash(toDesiredPod(m, { sources: SOURCES, filesRoot: '/state/pods' }));

function observed(labels: Record<string, string>): ObservedPod {
  return {
    id: 'p1',
    name: 'web',
    status: 'Running',
    labels: { 'app.kubernetes.io/managed-by': 'kubeplay', ...labels },
    containers: [
      { id: 'i', name: 'abc-infra', state: 'running', isInfra: true },
      { id: 'c', name: 'web-app', state: 'running', isInfra: false },
    ],
  };
}

describe('a pod reading a Secret and mounting a ConfigMap', () => {
  test('is made: files, then its secret (a leftover replaced), then the pod; the plan text shows no value', () => {
    const text = createSteps(desired).map(formatStep);
    expect(text.slice(0, 4)).toEqual([
      'projectFiles /state/pods/web/volumes/c: app.conf (0644, 7 bytes)',
      'removeSecret kubeplay_web_app_0',
      'createSecret kubeplay_web_app_0 (7 bytes)',
      'createPod web',
    ]);
    expect(text.join('\n')).not.toContain('hunter2');
    expect(text.join('\n')).not.toContain('level=1');
  });

  test('a failed making is undone: its secret and its files removed', () => {
    expect(unmadeSteps(desired).map(formatStep)).toEqual(['removeSecret kubeplay_web_app_0', 'removeFiles /state/pods/web']);
    expect(madeSteps(desired)).toHaveLength(3);
  });

  test('removing it removes what its labels name, when it is its own', () => {
    const steps = leftoverSteps(observed({ 'kubeplay.io/secrets': 'kubeplay_web_app_0', 'kubeplay.io/files': '/state/pods/web' }), '/state/pods');
    expect(steps.map(formatStep)).toEqual(['removeSecret kubeplay_web_app_0', 'removeFiles /state/pods/web']);
  });

  test("hostile labels: another pod's secret, a directory elsewhere, an unmanaged pod: nothing removed", () => {
    expect(leftoverSteps(observed({ 'kubeplay.io/secrets': 'kubeplay_db_app_0,mysecret,kubeplay_web_other_0', 'kubeplay.io/files': '/etc' }), '/state/pods')).toEqual([]);
    expect(leftoverSteps(observed({ 'kubeplay.io/files': '/state/pods/other' }), '/state/pods')).toEqual([]);
    expect(leftoverSteps({ ...observed({ 'kubeplay.io/secrets': 'kubeplay_web_app_0' }), labels: { 'kubeplay.io/secrets': 'kubeplay_web_app_0' } }, '/state/pods')).toEqual([]);
  });

  test('unchanged on re-apply, its files refreshed in place (the writer leaves equal files alone)', () => {
    const current = { ...observed(desired.labels), labels: desired.labels };
    const plan = planChanges([desired], { pods: [current] }, { force: false, previousOf: () => undefined, filesRoot: '/state/pods' });
    expect(plan.actions.map((a) => [a.kind, a.steps.map(formatStep)])).toEqual([['unchanged', ['projectFiles /state/pods/web/volumes/c: app.conf (0644, 7 bytes)']]]);
  });

  test('a changed ConfigMap leaves the pod unchanged (same hash), with the new files', () => {
    const changed: PodSources = (kind, ns, name) => (kind === 'ConfigMap' ? { data: { 'app.conf': 'level=2', extra: 'x' } } : SOURCES(kind, ns, name));
    const { sourceBasis } = jest.requireActual<typeof import('../../../src/translate/hash')>('../../../src/translate/hash');
    const next = withHash(toDesiredPod(m, { sources: changed, filesRoot: '/state/pods' }), sourceBasis(POD));
    const before = withHash(toDesiredPod(m, { sources: SOURCES, filesRoot: '/state/pods' }), sourceBasis(POD));
    const current = { ...observed(before.labels), labels: before.labels };
    const plan = planChanges([next], { pods: [current] }, { force: false, previousOf: () => undefined, filesRoot: '/state/pods' });
    expect(plan.actions[0]?.kind).toBe('unchanged');
    expect(plan.actions[0]?.steps.map(formatStep)).toEqual(['projectFiles /state/pods/web/volumes/c: app.conf (0644, 7 bytes), extra (0644, 1 bytes)']);
  });

  test('recreated: the old secrets and files go before the new are made', () => {
    const current = { ...observed({ 'kubeplay.io/secrets': 'kubeplay_web_app_0', 'kubeplay.io/files': '/state/pods/web', 'kubeplay.io/manifest-hash': 'v1-old' }) };
    const plan = planChanges([desired], { pods: [current], images: { 'localhost/busybox:stable': { id: 'sha256:1', names: [] } } }, { force: false, previousOf: () => undefined, filesRoot: '/state/pods' });
    const text = plan.actions[0]?.steps.map(formatStep) ?? [];
    expect(plan.actions[0]?.kind).toBe('recreate');
    expect(text.indexOf('removeFiles /state/pods/web')).toBeLessThan(text.indexOf('projectFiles /state/pods/web/volumes/c: app.conf (0644, 7 bytes)'));
    expect(text.indexOf('removeSecret kubeplay_web_app_0')).toBeLessThan(text.indexOf('createSecret kubeplay_web_app_0 (7 bytes)'));
  });
});

describe('a Secret value too large for a Podman secret', () => {
  test('is a conflict before any change, naming the variable', () => {
    const big: PodSources = (kind, ns, name) => (kind === 'Secret' ? { data: { password: Buffer.alloc(600_000, 'a').toString('base64') } } : SOURCES(kind, ns, name));
    const pod = withHash(toDesiredPod(m, { sources: big, filesRoot: '/state/pods' }));
    const plan = planChanges([pod], { pods: [], images: {} }, { force: false, previousOf: () => undefined });
    expect(plan.conflicts).toEqual([{ ref: 'pod/web', message: expect.stringContaining('variable PW would hold 600000 bytes of a Secret, and Podman keeps at most 511999 bytes') }]);
  });
});
