/**
 * apply against real Podman: volumes (hostPath type checks, a persistentVolumeClaim), init
 * containers, and --prune. Private service, own name prefix, removes only what it made.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { podmanOk, podmanState, runCli, useIsolatedPodman } from './support';

const { prefix, tmp, file } = useIsolatedPodman();

const loop = "trap 'exit 0' TERM; while true; do sleep 1 & wait $!; done";

describe('volumes and init containers', () => {
  test('hostPath: Directory that does not exist blocks the pod; DirectoryOrCreate makes it and the container writes there', async () => {
    const dir = join(tmp, 'made-by-kubeplay');
    const pod = (type: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${prefix}-hostpath}
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - name: out
    hostPath: {path: ${dir}, type: ${type}}
  containers:
  - name: app
    image: localhost/busybox:stable
    command: [sh, -c, "echo written-in-pod > /out/hello.txt; ${loop}"]
    volumeMounts: [{name: out, mountPath: /out}]
`;
    const before = await podmanState({ prefix });
    const r = await runCli(['apply', '-f', file('hp-dir.yaml', pod('Directory'))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: pod/${prefix}-hostpath: hostPath "${dir}" of volume out must be an existing directory (type Directory), but it does not exist`);
    expect(await podmanState({ prefix })).toBe(before);
    expect(existsSync(dir)).toBe(false);

    const ok = await runCli(['apply', '-f', file('hp-create.yaml', pod('DirectoryOrCreate'))]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe(`pod/${prefix}-hostpath created\n`);
    for (let i = 0; i < 50 && !existsSync(join(dir, 'hello.txt')); i++) await new Promise((res) => setTimeout(res, 100));
    expect(readFileSync(join(dir, 'hello.txt'), 'utf8')).toBe('written-in-pod\n');
  });

  test('an init container runs to completion before the app, which sees its work, on a PVC volume kubeplay creates and labels', async () => {
    const claim = `${prefix}-claim`;
    const f = file('init.yaml', `apiVersion: v1
kind: Pod
metadata: {name: ${prefix}-init}
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: ${claim}}
  initContainers:
  - name: seed
    image: localhost/busybox:stable
    command: [sh, -c, "echo seeded-by-init >> /data/log.txt"]
    volumeMounts: [{name: data, mountPath: /data}]
  containers:
  - name: app
    image: localhost/busybox:stable
    command: [sh, -c, "echo app-started >> /data/log.txt; ${loop}"]
    volumeMounts: [{name: data, mountPath: /data}]
`);
    // The claim first, in a file of its own: a pod naming a claim that does not exist is refused.
    const c = file('init-claim.yaml', `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: ${claim}}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n`);
    expect((await runCli(['apply', '-f', c])).stdout).toBe(`persistentvolumeclaim/${claim} created\n`);
    const r = await runCli(['apply', '-f', f]);
    expect(r.stdout).toBe(`pod/${prefix}-init created\n`);
    expect(r.code).toBe(0);
    let log = '';
    for (let i = 0; i < 50 && !log.includes('app-started'); i++) {
      log = (await podmanOk(['exec', `${prefix}-init-app`, 'cat', '/data/log.txt'])).trim();
      if (!log.includes('app-started')) await new Promise((res) => setTimeout(res, 100));
    }
    expect(log).toBe('seeded-by-init\napp-started');
    expect((await podmanOk(['volume', 'inspect', claim, '--format', '{{index .Labels "kubeplay.io/volume-kind"}}'])).trim()).toBe('pvc');
    // Re-applying the unchanged file keeps everything (the init container does not run again).
    expect((await runCli(['apply', '-f', f])).stdout).toBe(`pod/${prefix}-init unchanged\n`);
    expect((await podmanOk(['exec', `${prefix}-init-app`, 'cat', '/data/log.txt'])).trim()).toBe('seeded-by-init\napp-started');
  });

  test('--prune -l removes managed pods that match and are gone from the input, and nothing else', async () => {
    const pod = (name: string, tier: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${prefix}-${name}
  labels: {tier: ${tier}, run: ${prefix}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: app, image: localhost/busybox:stable, command: [sh, -c, "${loop}"]}
`;
    const both = file('prune-both.yaml', `${pod('keep', 'web')}---\n${pod('drop', 'web')}---\n${pod('other', 'db')}`);
    expect((await runCli(['apply', '-f', both])).code).toBe(0);
    await podmanOk(['pod', 'create', '--name', `${prefix}-unmanaged`, '--label', 'tier=web', '--label', `run=${prefix}`]);
    const one = file('prune-one.yaml', pod('keep', 'web'));
    const r = await runCli(['apply', '--prune', '-l', `tier in (web),run=${prefix}`, '-f', one]);
    expect(r.stdout).toBe(`pod/${prefix}-keep unchanged\npod/${prefix}-drop pruned\n`);
    expect(r.code).toBe(0);
    const left = (await podmanOk(['pod', 'ps', '--filter', `label=run=${prefix}`, '--format', '{{.Name}}'])).trim().split('\n').sort();
    expect(left).toEqual([`${prefix}-keep`, `${prefix}-other`, `${prefix}-unmanaged`]);
  });
});
