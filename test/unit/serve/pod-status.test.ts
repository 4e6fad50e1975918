import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteObjectStore } from '../../../src/store/sqlite-object-store';
import { lacksIPs, needsIPs, syncPodStatuses } from '../../../src/serve/pod-status';
import type { V1Pod } from '@kubernetes/client-node';

const started = '2026-12-07T10:00:00.000Z';
const observed = (status: Record<string, unknown>): V1Pod => (({ metadata: { name: 'web', namespace: 'default' }, spec: { containers: [] }, status }));

const dir = mkdtempSync(join(tmpdir(), 'kubeplay-pod-status-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function storeWithPod(): SqliteObjectStore {
  const store = SqliteObjectStore.open(join(dir, 'state.db'));
  store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
  return store;
}

test('a running pod is written with its IP, and a later look without IPs keeps it while the pod runs on', () => {
  const store = storeWithPod();
  // The observation's startTime is a Date; the store keeps text.
  expect(lacksIPs(store, [observed({ phase: 'Running', startTime: new Date(started) })])).toBe(true);
  expect(syncPodStatuses(store, [observed({ phase: 'Running', startTime: new Date(started), podIP: '10.244.0.2' })])).toBe(1);
  expect(needsIPs(store)).toBe(false);
  expect(lacksIPs(store, [observed({ phase: 'Running', startTime: new Date(started) })])).toBe(false);
  expect(syncPodStatuses(store, [observed({ phase: 'Running', startTime: new Date(started) })])).toBe(0);
  expect((store.get({ kind: 'Pod', namespace: 'default', name: 'web' })!.status as { podIP?: string }).podIP).toBe('10.244.0.2');
  // Started again: the IP is looked for anew.
  expect(lacksIPs(store, [observed({ phase: 'Running', startTime: new Date('2026-12-07T11:00:00Z') })])).toBe(true);
  store.close();
});
