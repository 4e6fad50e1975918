/**
 * The object store (issue 15) through the real CLI against real Podman: apply and delete keep the
 * desired state in step, uid and creationTimestamp stay, resourceVersion moves only on a change,
 * generation on a spec change; pods Podman has and the store lacks (an older kubeplay's, or a
 * store deleted by hand) are adopted from their labels, and a pod removed behind kubeplay's back
 * is dropped. Its own state directory (--state-dir), service and prefix.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteObjectStore } from '../../src/store/sqlite-object-store';
import type { StoredObject } from '../../src/store/object-store';
import { podmanOk, runCli, useIsolatedPodman } from './support';

const { prefix, tmp, file } = useIsolatedPodman();
const stateDir = join(tmp, 'state');

function pod(name: string, args: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${prefix}-${name}, labels: {app: ${prefix}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: app, image: localhost/busybox:stable, command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done", ${args}]}
`;
}

/** stored reads the Pod objects of this file from the store. */
function stored(): Map<string, StoredObject> {
  const s = SqliteObjectStore.openStateDir(stateDir);
  try {
    return new Map(s.list({ kind: 'Pod' }).items.filter((o) => o.metadata.name.startsWith(prefix)).map((o) => [o.metadata.name, o]));
  } finally {
    s.close();
  }
}

async function apply(f: string, ...more: string[]): Promise<string> {
  const r = await runCli(['apply', '--state-dir', stateDir, '-f', f, ...more]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

test('apply records each pod as a Kubernetes object; unchanged writes nothing; configured bumps generation; delete removes it', async () => {
  const f = file('a.yaml', pod('a', 'v1'));
  expect(await apply(f)).toBe(`pod/${prefix}-a created\n`);
  const first = stored().get(`${prefix}-a`)!;
  expect(first).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default', generation: 1, labels: { app: prefix } } });
  expect(first.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  // The spec as the API server keeps it (defaults applied); the manifest as kubectl keeps it.
  expect((first.spec as { restartPolicy?: string }).restartPolicy).toBe('Always');
  expect(JSON.parse(first.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']!).spec.restartPolicy).toBeUndefined();

  expect(await apply(f)).toBe(`pod/${prefix}-a unchanged\n`);
  expect(stored().get(`${prefix}-a`)!.metadata.resourceVersion).toBe(first.metadata.resourceVersion);

  expect(await apply(file('a2.yaml', pod('a', 'v2')))).toBe(`pod/${prefix}-a configured\n`);
  const second = stored().get(`${prefix}-a`)!;
  expect(second.metadata.uid).toBe(first.metadata.uid);
  expect(second.metadata.creationTimestamp).toBe(first.metadata.creationTimestamp);
  expect(second.metadata.generation).toBe(2);
  expect(Number(second.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));

  const del = await runCli(['delete', '--state-dir', stateDir, '-f', f]);
  expect(del.code).toBe(0);
  expect(stored().has(`${prefix}-a`)).toBe(false);
});

test('a lost store is rebuilt from Podman\'s labels, and a pod removed with podman pod rm is dropped', async () => {
  const b = file('b.yaml', pod('b', 'b'));
  const c = file('c.yaml', pod('c', 'c'));
  await apply(b);
  await apply(c);
  // The store is deleted by hand, as an older kubeplay never had one.
  rmSync(stateDir, { recursive: true, force: true });
  // Applying c alone adopts b from its last-applied label.
  expect(await apply(c)).toBe(`pod/${prefix}-c unchanged\n`);
  const adopted = stored();
  expect([...adopted.keys()].sort()).toEqual([`${prefix}-b`, `${prefix}-c`]);
  expect(adopted.get(`${prefix}-b`)!.metadata.labels).toEqual({ app: prefix });

  // b removed behind kubeplay's back: the next apply drops it from the desired state (a bare pod stays gone).
  await podmanOk(['pod', 'rm', '-f', '-t', '0', `${prefix}-b`]);
  expect(await apply(c)).toBe(`pod/${prefix}-c unchanged\n`);
  expect([...stored().keys()]).toEqual([`${prefix}-c`]);
});
