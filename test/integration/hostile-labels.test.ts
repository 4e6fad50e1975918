/**
 * Pods made by hand with kubeplay's labels and a damaged, hostile or huge last-applied manifest (and
 * a wrong hash) must not break kubeplay: get lists and prints them, describe shows them, apply replaces them with the
 * manifest's version, a failed replacement never "restores" a pod other than the one it replaced,
 * and delete removes them. The pods are made with the podman CLI, as someone editing labels would.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { TEST_IMAGE, podmanOk, podmanState, runCli, useIsolatedPodman } from './support';

const { prefix, tmp } = useIsolatedPodman();

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const SCRIPT = "trap 'exit 0' TERM; sleep 600 & wait";

const manifest = (name: string, over: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { run: prefix } },
  spec: { containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', SCRIPT], ...over }] },
});

/** HOSTILE last-applied values: not JSON, not an object, wrong types, deep, huge, and another pod's manifest. */
const HOSTILE: Record<string, (name: string) => string> = {
  notjson: () => '{{{ not json',
  array: () => '[1, 2, 3]',
  types: () => JSON.stringify({ metadata: { labels: { run: { nested: 1 } }, annotations: 7 }, spec: { containers: 'x', volumes: [null, 3] } }),
  deep: () => `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
  huge: (name) => JSON.stringify({ ...manifest(name), metadata: { name, annotations: { big: 'x'.repeat(100_000) } } }),
  // A valid manifest of a different pod, with a privileged container and an emptyDir.
  other: () =>
    JSON.stringify({
      ...manifest(`${prefix}-victim`, { securityContext: { privileged: true } }),
      spec: {
        containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', SCRIPT], securityContext: { privileged: true }, volumeMounts: [{ name: 'data', mountPath: '/d' }] }],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    }),
};

/** handMade creates a pod and container with kubeplay's labels by hand, with the given last-applied value. */
async function handMade(name: string, lastApplied: string): Promise<void> {
  const labels = [
    'app.kubernetes.io/managed-by=kubeplay',
    'kubeplay.io/kind=Pod',
    'kubeplay.io/namespace=default',
    'kubeplay.io/manifest-hash=not-a-hash',
    `run=${prefix}`,
    `${LAST_APPLIED}=${lastApplied}`,
  ].flatMap((l) => ['--label', l]);
  await podmanOk(['pod', 'create', '--name', name, ...labels]);
  await podmanOk(['create', '--pod', name, '--name', `${name}-app`, ...labels, '--label', `kubeplay.io/pod=${name}`, '--label', 'kubeplay.io/container=app', TEST_IMAGE, 'sh', '-c', SCRIPT]);
  await podmanOk(['pod', 'start', name]);
}

const names = Object.keys(HOSTILE).map((k) => `${prefix}-${k}`);

beforeAll(async () => {
  for (const [k, make] of Object.entries(HOSTILE)) await handMade(`${prefix}-${k}`, make(`${prefix}-${k}`));
  // The "victim": a pod of the same kind someone else runs, whose emptyDir volume must survive.
  await podmanOk(['volume', 'create', `${prefix}-victim_data`]);
});

test('describe shows each', async () => {
  for (const n of names) {
    const r = await runCli(['describe', 'pod', n]);
    expect(`${n}: ${r.stderr}`).toBe(`${n}: `);
    expect(r.stdout).toMatch(new RegExp(`^Name:\\s+${n}$`, 'm'));
    expect(r.code).toBe(0);
  }
});

test('get lists them, by selector and by name, in every output format', async () => {
  const list = await runCli(['get', 'pods', '-l', `run=${prefix}`]);
  expect(list.stderr).toBe('');
  expect(list.code).toBe(0);
  // Where the stored manifest's labels are damaged, Podman's own labels answer the selector.
  for (const n of names.filter((n) => !n.endsWith('-types'))) expect(list.stdout).toContain(`${n} `);
  for (const n of names) {
    for (const o of ['yaml', 'json', 'wide', 'name']) {
      const r = await runCli(['get', 'pod', n, '-o', o]);
      expect(`${n} -o ${o}: ${r.stderr}`).toBe(`${n} -o ${o}: `);
      expect(r.code).toBe(0);
    }
  }
});

test('apply replaces each with the manifest\'s version; a failed replacement restores no other pod', async () => {
  for (const n of names) {
    const f = join(tmp, `${n}.yaml`);
    writeFileSync(f, stringify(manifest(n)));
    const r = await runCli(['apply', '-f', f]);
    expect(`${n}: ${r.stderr}`).toBe(`${n}: `);
    expect(r.stdout).toBe(`pod/${n} configured\n`);
    expect((await runCli(['apply', '-f', f])).stdout).toBe(`pod/${n} unchanged\n`);
  }
  // A hand-made pod whose label names another pod, replaced by a version that cannot start.
  const n = `${prefix}-again`;
  await handMade(n, HOSTILE['other']!(n));
  const broken = join(tmp, 'broken.yaml');
  writeFileSync(broken, stringify(manifest(n, { command: ['/no/such/binary'] })));
  const r = await runCli(['apply', '-f', broken]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`error: pod/${n}:`);
  expect(await podmanState({ prefix: `${prefix}-victim` })).toBe(`volume ${prefix}-victim_data`);
});

test('delete -f removes them', async () => {
  for (const n of names) {
    const r = await runCli(['delete', '-f', join(tmp, `${n}.yaml`), '--now']);
    expect(`${n}: ${r.stderr}`).toBe(`${n}: `);
    expect(r.stdout).toBe(`pod "${n}" deleted\n`);
  }
  expect(await podmanState({ prefix: `${prefix}-victim` })).toBe(`volume ${prefix}-victim_data`);
});
