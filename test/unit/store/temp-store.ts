/** Helpers for the store's tests: a temporary state directory, a fixed clock, counted uids, object builders. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KubeObject } from '../../../src/store/object-store';
import { SqliteObjectStore, type SqliteObjectStoreOptions } from '../../../src/store/sqlite-object-store';

/** tempDir makes a fresh directory under the OS's temp dir; removeDir removes it. */
export const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-store-'));
export const removeDir = (dir: string): void => fs.rmSync(dir, { recursive: true, force: true });

/** FIXED_NOW is the clock of these tests. */
export const FIXED_NOW = new Date('2024-05-01T10:00:00.123Z');

/** openTestStore opens a store in `dir` with a fixed clock and uids uid-1, uid-2, ... */
export function openTestStore(dir: string, opts: SqliteObjectStoreOptions = {}): SqliteObjectStore {
  let n = 0;
  return SqliteObjectStore.openStateDir(dir, { now: () => FIXED_NOW, newUid: () => `uid-${++n}`, ...opts });
}

/** pod builds a v1 Pod with one container. */
export function pod(name: string, opts: { namespace?: string; image?: string; labels?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'default', ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: { containers: [{ name: 'c', image: opts.image ?? 'localhost/busybox:stable' }] },
  };
}
