/**
 * A child process for processes.test.ts, bundled by esbuild and forked. Usage:
 *   store-writer increment DIR N   after the parent says "go", add 1 to ConfigMap counter N times
 *                                  (read, then update with the resourceVersion read; retry on Conflict)
 *   store-writer burst DIR         create, update and delete 50 ConfigMaps with 20 KB bodies and
 *                                  their sha256, forever; says "ready" after 30 writes (the parent kills it)
 */
import { createHash } from 'node:crypto';
import { StatusError } from '../../../../src/domain/errors';
import { SqliteObjectStore } from '../../../../src/store/sqlite-object-store';

const [mode, dir, count] = process.argv.slice(2);
const store = SqliteObjectStore.openStateDir(dir!, { busyTimeoutMs: 60_000 });
const send = (m: unknown): void => void process.send?.(m);
const counter = { kind: 'ConfigMap', namespace: 'default', name: 'counter' };

function increment(n: number): void {
  let conflicts = 0;
  for (let i = 0; i < n; i++) {
    for (;;) {
      const current = store.get(counter)!;
      const data = current['data'] as { count: string };
      try {
        store.update({ ...current, data: { count: String(Number(data.count) + 1) } });
        break;
      } catch (e) {
        if (!(e instanceof StatusError && e.reason === 'Conflict')) throw e;
        conflicts++;
      }
    }
  }
  send({ done: true, conflicts });
}

function burst(): void {
  let writes = 0;
  for (;;) {
    const name = `cm-${Math.floor(Math.random() * 50)}`;
    const key = { kind: 'ConfigMap', namespace: 'default', name };
    const payload = `${name}-${writes}-`.repeat(1500).slice(0, 20_000);
    const sha = createHash('sha256').update(payload).digest('hex');
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { payload, sha } };
    const current = store.get(key);
    if (current === undefined) store.create(body);
    else if (Math.random() < 0.2) store.delete(key);
    else store.update({ ...body, metadata: current.metadata });
    if (++writes === 30) send({ ready: true });
  }
}

if (mode === 'increment') process.once('message', () => increment(Number(count)));
else if (mode === 'burst') burst();
send({ opened: true });
