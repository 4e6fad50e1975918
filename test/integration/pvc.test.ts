/**
 * PersistentVolumeClaims through the real CLI against real Podman: a claim and the pod mounting it
 * in one file (pod first) are both made, `get pvc` shows the claim Bound in kubectl's columns, and
 * a re-apply is unchanged; data written by the pod is read by its replacement and by a second pod
 * mounting the claim; deleting a pod keeps the volume; deleting the claim while a pod uses it
 * leaves it Terminating with a warning, and deleting that pod then removes claim and volume;
 * `delete -f` of the whole file removes pod, claim and volume; a pod naming a missing claim is
 * refused before any change, located; `volumeMode: Block` is refused; a volume of the claim's name
 * made by hand is a conflict and is left alone. Its own service, prefix and state directory.
 */
import { join } from 'node:path';
import { EXAMPLES_HOST_PORT_BASE, freePortBase, materialize, podman, podmanExec, podmanOk, podmanState, runCli, useIsolatedPodman } from './support';

const { prefix, tmp, file } = useIsolatedPodman();
const stateDir = join(tmp, 'state');
const cli = (args: string[]) => runCli([...args, '--state-dir', stateDir]);
const claim = `${prefix}-data`;
const LOOP = "trap 'exit 0' TERM; while true; do sleep 1; done";

function pod(name: string, script: string, claimName = claim): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: ${claimName}}
  containers:
  - name: app
    image: localhost/busybox:stable
    command: [sh, -c, "${script}; ${LOOP}"]
    volumeMounts: [{name: data, mountPath: /data}]
`;
}
function pvc(name = claim, extra = ''): string {
  return `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
${extra}`;
}
const volumeExists = async (name: string): Promise<boolean> => (await podman(['volume', 'exists', name])).code === 0;
async function readData(container: string, path: string): Promise<string> {
  let out = '';
  for (let i = 0; i < 50; i++) {
    const r = await podmanExec(container, ['cat', path]);
    out = r.stdout;
    if (r.code === 0 && out !== '') break;
    await new Promise((res) => setTimeout(res, 100));
  }
  return out;
}

const writer = `${prefix}-writer`;
const reader = `${prefix}-reader`;
const appFile = (script = 'echo written-once >> /data/log') => file('app.yaml', `${pod(writer, script)}---\n${pvc()}`);

test('pod first in the file: both made, the claim Bound in kubectl\'s columns, its volume labelled; a re-apply is unchanged', async () => {
  const f = appFile();
  const first = await cli(['apply', '-f', f]);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  // Claims before pods, whatever the file's order.
  expect(first.stdout).toBe(`persistentvolumeclaim/${claim} created\npod/${writer} created\n`);
  expect(await readData(`${writer}-app`, '/data/log')).toBe('written-once\n');
  const labels = (await podmanOk(['volume', 'inspect', claim, '--format', '{{json .Labels}}'])).trim();
  expect(JSON.parse(labels)).toEqual({ 'app.kubernetes.io/managed-by': 'kubeplay', 'kubeplay.io/volume-kind': 'pvc', 'kubeplay.io/namespace': 'default', 'kubeplay.io/claim': claim });

  const get = await cli(['get', 'pvc', claim]);
  expect(get).toMatchObject({ code: 0, stderr: '' });
  const [head, row] = get.stdout.split('\n');
  expect(head).toMatch(/^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/);
  expect(row).toMatch(new RegExp(`^${claim}\\s+Bound\\s+pvc-[0-9a-f-]{36}\\s+1Gi\\s+RWO\\s+<unset>\\s+\\d+s$`));
  const d = await cli(['describe', 'pvc', claim]);
  expect(d.stdout).toMatch(new RegExp(`Status:\\s+Bound\\n`));
  expect(d.stdout).toMatch(new RegExp(`Used By:\\s+${writer}\\n`));

  expect((await cli(['apply', '-f', f])).stdout).toBe(`persistentvolumeclaim/${claim} unchanged\npod/${writer} unchanged\n`);
});

test('the data outlives the pod: its replacement reads it, and so does a second pod mounting the claim', async () => {
  // A changed command recreates the pod; the claim's volume stays.
  const replaced = await cli(['apply', '-f', appFile('echo written-twice >> /data/log')]);
  expect(replaced.stdout).toBe(`persistentvolumeclaim/${claim} unchanged\npod/${writer} configured\n`);
  expect(await readData(`${writer}-app`, '/data/log')).toBe('written-once\nwritten-twice\n');
  const second = await cli(['apply', '-f', file('reader.yaml', pod(reader, 'true'))]);
  expect(second).toMatchObject({ code: 0, stdout: `pod/${reader} created\n` });
  expect(await readData(`${reader}-app`, '/data/log')).toBe('written-once\nwritten-twice\n');
});

test('delete pod keeps the volume; delete pvc while a pod uses it: Terminating, a warning, the volume kept; deleting its last pod finishes it', async () => {
  const del = await cli(['delete', 'pod', reader]);
  expect(del).toMatchObject({ code: 0, stdout: `pod "${reader}" deleted\n` });
  expect(await volumeExists(claim)).toBe(true);

  const dp = await cli(['delete', 'pvc', claim]);
  expect(dp.code).toBe(0);
  expect(dp.stdout).toBe(`persistentvolumeclaim "${claim}" deleted\n`);
  expect(dp.stderr).toBe(
    `Warning: persistentvolumeclaim "${claim}" is still used by pod ${writer}: it stays Terminating (kubernetes.io/pvc-protection) and keeps its volume ${claim}; kubeplay removes both when that pod is deleted (it runs no controller, so it does not wait)\n`,
  );
  expect((await cli(['get', 'pvc', claim])).stdout.split('\n')[1]).toMatch(new RegExp(`^${claim}\\s+Terminating\\s`));
  expect(await volumeExists(claim)).toBe(true);
  expect(await readData(`${writer}-app`, '/data/log')).toBe('written-once\nwritten-twice\n');
  // A pod naming a Terminating claim is refused, as the scheduler refuses it.
  const refused = await cli(['apply', '-f', file('late.yaml', pod(`${prefix}-late`, 'true'))]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(`spec.volumes[0].persistentVolumeClaim.claimName: persistentvolumeclaim "${claim}" is being deleted`);

  const last = await cli(['delete', 'pod', writer]);
  expect(last).toMatchObject({ code: 0, stdout: `pod "${writer}" deleted\n`, stderr: '' });
  expect(await volumeExists(claim)).toBe(false);
  expect(await cli(['get', 'pvc', claim])).toMatchObject({ code: 1, stderr: `Error from server (NotFound): persistentvolumeclaims "${claim}" not found\n` });
});

test('delete -f of the file holding pod and claim removes the pod, the claim and its volume', async () => {
  const f = appFile();
  expect((await cli(['apply', '-f', f])).code).toBe(0);
  expect(await readData(`${writer}-app`, '/data/log')).toBe('written-once\n');
  const del = await cli(['delete', '-f', f]);
  expect(del).toMatchObject({ code: 0, stderr: '' });
  expect(del.stdout).toBe(`pod "${writer}" deleted\npersistentvolumeclaim "${claim}" deleted\n`);
  expect(await podmanState({ prefix })).toBe('');
  expect(await volumeExists(claim)).toBe(false);
});

test('a pod naming a claim that does not exist is refused before any change, located at the reference', async () => {
  const f = file('missing.yaml', pod(`${prefix}-orphan`, 'true', `${prefix}-nope`));
  const r = await cli(['apply', '-f', f]);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`${f}:8:29: spec.volumes[0].persistentVolumeClaim.claimName: persistentvolumeclaim "${prefix}-nope" not found`);
  expect(await podmanState({ prefix })).toBe('');
  expect(await volumeExists(`${prefix}-nope`)).toBe(false);
});

test('volumeMode Block is refused, saying why', async () => {
  const r = await cli(['apply', '-f', file('block.yaml', pvc(`${prefix}-raw`, '  volumeMode: Block\n'))]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('spec.volumeMode: volumeMode Block is not supported: a claim is a Podman named volume, which is a directory');
  expect(await volumeExists(`${prefix}-raw`)).toBe(false);
});

test('a volume of the claim\'s name made by hand is a conflict, and is left alone', async () => {
  const name = `${prefix}-handmade`;
  await podmanOk(['volume', 'create', name]);
  try {
    const r = await cli(['apply', '-f', file('handmade.yaml', pvc(name))]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`volume "${name}" exists in Podman but was not created by kubeplay`);
    expect((await podmanOk(['volume', 'inspect', name, '--format', '{{json .Labels}}'])).trim()).toBe('{}');
    expect(await cli(['get', 'pvc', name])).toMatchObject({ code: 1 });
  } finally {
    await podman(['volume', 'rm', name]);
  }
});

test('the examples directory applies whole (examples/pvc.yaml among them) and deletes whole, the claim\'s volume with it', async () => {
  const base = await freePortBase(10);
  const m = materialize('examples', { prefix, hostPortOffset: base - EXAMPLES_HOST_PORT_BASE });
  try {
    const r = await cli(['apply', '-f', m.path]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`persistentvolumeclaim/${prefix}-notes created\n`);
    expect(r.stdout).toContain(`pod/${prefix}-notes-writer created\n`);
    expect(await readData(`${prefix}-notes-writer-app`, '/notes/started.log')).toMatch(/^\S.*\n$/);
    expect(await volumeExists(`${prefix}-notes`)).toBe(true);
    const d = await cli(['delete', '-f', m.path]);
    expect(d).toMatchObject({ code: 0, stderr: '' });
    expect(d.stdout).toContain(`persistentvolumeclaim "${prefix}-notes" deleted\n`);
    expect(await volumeExists(`${prefix}-notes`)).toBe(false);
    expect(await podmanState({ prefix })).toBe('');
  } finally {
    await m.cleanup();
  }
});
