/**
 * What the prober's findings do to the v1 Pod (observe/to-v1-pod.ts): READY and the container
 * statuses follow the probes, RESTARTS adds kubeplay's liveness restarts without calling the
 * container crash-looping, and the Ready and ContainersReady conditions carry the time readiness
 * last changed (controllers read it for minReadySeconds).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { LABEL_CONTAINER, LABEL_LAST_APPLIED, LABEL_MANAGED_BY } from '../../../src/domain/labels';
import { podRow } from '../../../src/print/get/pod-row';
import { readinessChangedAt, toV1Pod, type ContainerSnapshot, type PodSnapshot, type ProbeView } from '../../../src/observe/to-v1-pod';

const now = new Date('2026-05-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);

function snapshot(containers: object[], probes?: Record<string, ProbeView>, started: Record<string, Date> = {}): PodSnapshot {
  const m = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers } };
  const snaps: ContainerSnapshot[] = containers.map((c) => {
    const name = (c as { name: string }).name;
    return {
      id: `id-${name}`, podmanName: `p-${name}`, image: 'busybox', state: 'running', exitCode: 0, restartCount: 0,
      startedAt: started[name] ?? ago(300), oomKilled: false, restartPolicy: 'always', labels: { [LABEL_CONTAINER]: name },
    };
  });
  return {
    id: 'a'.repeat(64), name: 'p', podmanStatus: 'Running', createdAt: ago(330), ip: '10.88.0.5', startedAt: ago(310),
    labels: { [LABEL_MANAGED_BY]: 'kubeplay', [LABEL_LAST_APPLIED]: JSON.stringify(m) },
    containers: snaps,
    ...(probes ? { probes } : {}),
  };
}

const cond = (p: V1Pod, type: string) => p.status?.conditions?.find((c) => c.type === type);
const readiness = { exec: { command: ['true'] } };

test('a readiness probe not passed: 0/1, Running, ready false, the conditions False since it started', () => {
  const p = toV1Pod(snapshot([{ name: 'web', readinessProbe: readiness }], { web: { ready: false, started: true, restarts: 0 } }), now);
  expect(podRow(p, now)).toMatchObject({ ready: '0/1', status: 'Running' });
  expect(p.status?.containerStatuses?.[0]).toMatchObject({ ready: false, started: true });
  expect(cond(p, 'Ready')).toEqual({ type: 'Ready', status: 'False', lastTransitionTime: ago(310) });
  expect(cond(p, 'ContainersReady')?.status).toBe('False');
});

test('passed: 1/1, and the conditions say when (the probe run that saw it), not when the container started', () => {
  const p = toV1Pod(snapshot([{ name: 'web', readinessProbe: readiness }], { web: { ready: true, started: true, restarts: 0, readyChangedAt: ago(20) } }), now);
  expect(podRow(p, now).ready).toBe('1/1');
  expect(cond(p, 'Ready')).toEqual({ type: 'Ready', status: 'True', lastTransitionTime: ago(20) });
  expect(cond(p, 'ContainersReady')).toEqual({ type: 'ContainersReady', status: 'True', lastTransitionTime: ago(20) });
});

test('no probe ran (a command without the prober): a readiness or startup probe has not passed; none at all is ready since it started', () => {
  const probed = toV1Pod(snapshot([{ name: 'a', readinessProbe: readiness }, { name: 'b', startupProbe: readiness }]), now);
  expect(probed.status?.containerStatuses?.map((s) => [s.ready, s.started])).toEqual([[false, true], [false, false]]);
  const plain = toV1Pod(snapshot([{ name: 'a' }, { name: 'b' }], undefined, { a: ago(100), b: ago(50) }), now);
  expect(cond(plain, 'Ready')).toEqual({ type: 'Ready', status: 'True', lastTransitionTime: ago(50) });
});

test("kubeplay's liveness restarts add to RESTARTS, with the last termination, and a young restarted run is not CrashLoopBackOff", () => {
  const s = snapshot([{ name: 'web', livenessProbe: readiness }], { web: { ready: true, started: true, restarts: 2 } }, { web: ago(3) });
  s.containers[0]!.finishedAt = ago(4);
  s.containers[0]!.exitCode = 137;
  const p = toV1Pod(s, now);
  expect(podRow(p, now)).toMatchObject({ ready: '1/1', status: 'Running', restarts: '2 (4s ago)' });
  expect(p.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
});

test('readinessChangedAt: the last to become ready when all are; else the first unready one; else the pod start', () => {
  const v = (ready: boolean, at?: Date): ProbeView => ({ ready, started: true, restarts: 0, ...(at ? { readyChangedAt: at } : {}) });
  expect(readinessChangedAt([{ ready: true, view: v(true, ago(9)) }, { ready: true, startedAt: ago(5) }], true, ago(60))).toEqual(ago(5));
  expect(readinessChangedAt([{ ready: false, view: v(false, ago(9)) }, { ready: false, view: v(false, ago(3)) }, { ready: true, view: v(true, ago(1)) }], false, ago(60))).toEqual(ago(9));
  expect(readinessChangedAt([{ ready: false }], false, ago(60))).toEqual(ago(60));
  expect(readinessChangedAt([{ ready: true }], true, ago(60))).toBeUndefined();
});
