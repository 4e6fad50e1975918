/**
 * delete against real Podman, through the real CLI. Every pod is named with this run's prefix and
 * labelled with it, every selector includes that label, and only what this file made is removed:
 * other people's pods live on the same Podman storage, so `--all` is run here only as a dry run
 * (its real effect is tested on the fake engine in test/unit/delete).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_LABEL_KEY, listVolumes, podman, podmanOk, podmanState, runCli, useIsolatedPodman } from './support';

const { prefix, tmp } = useIsolatedPodman();
const run = `${RUN_LABEL_KEY}=${prefix}`;

function yamlFile(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

interface PodSpec {
  grace?: number;
  labels?: Record<string, string>;
  /** 'sleep': PID 1 is sleep, which ignores SIGTERM; 'trap': a shell that exits on SIGTERM. */
  pid1?: 'sleep' | 'trap';
  volumes?: boolean;
  extra?: string;
}

function pod(name: string, o: PodSpec = {}): string {
  const labels = { [RUN_LABEL_KEY]: prefix, ...(o.labels ?? {}) };
  const command = o.pid1 === 'sleep' ? '[sleep, "3600"]' : `[sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]`;
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
${Object.entries(labels)
  .map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)
  .join('\n')}
spec:
${o.grace !== undefined ? `  terminationGracePeriodSeconds: ${o.grace}\n` : ''}${
    o.volumes
      ? `  volumes:\n  - {name: cache, emptyDir: {}}\n  - {name: data, persistentVolumeClaim: {claimName: ${prefix}-claim}}\n`
      : ''
  }  containers:
  - name: app
    image: localhost/busybox:stable
${o.extra ?? ''}    command: ${command}
${o.volumes ? '    volumeMounts: [{name: cache, mountPath: /cache}, {name: data, mountPath: /data}]\n' : ''}`;
}

/** The claim the pods with volumes mount, applied once: a pod naming a claim that does not exist is refused. */
const claimYaml = (name: string): string => `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: ${name}}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n`;
beforeAll(async () => apply(claimYaml(`${prefix}-claim`), 'claim.yaml'));

async function apply(text: string, file: string): Promise<void> {
  const r = await runCli(['apply', '-f', yamlFile(file, text)]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

async function podNames(): Promise<string[]> {
  const out = await podmanOk(['pod', 'ps', '--filter', `label=${run}`, '--format', '{{.Name}}']);
  return out.split('\n').filter((l) => l !== '').sort();
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

describe('delete -f', () => {
  test('deletes every pod the file names, in input order, though the file no longer validates; emptyDir goes, the PVC volume stays', async () => {
    const a = `${prefix}-file-a`;
    const b = `${prefix}-file-b`;
    await apply(`${pod(a, { grace: 2, volumes: true })}---\n${pod(b, { grace: 2 })}`, 'file-v1.yaml');
    expect(await listVolumes()).toEqual(expect.arrayContaining([`${a}_cache`, `${prefix}-claim`]));
    // The same pods, but a typo and a wrong apiVersion: apply would refuse this file; delete reads kind and name only.
    const stale = yamlFile('file-stale.yaml', `${pod(b, { extra: '    imagePullPolcy: Always\n' })}---\n${pod(a).replace('apiVersion: v1', 'apiVersion: v2')}`);
    const r = await runCli(['delete', '-f', stale]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`pod "${b}" deleted\npod "${a}" deleted\n`);
    expect(r.code).toBe(0);
    expect(await podmanState({ prefix: `${prefix}-file-` })).toBe('');
    const vols = await listVolumes();
    expect(vols).not.toContain(`${a}_cache`);
    expect(vols).toContain(`${prefix}-claim`);
  });
});

describe('delete pod NAME', () => {
  test('a missing pod: kubectl\'s NotFound line, exit 1, and the others are still deleted; --ignore-not-found is silent', async () => {
    const a = `${prefix}-name-a`;
    const b = `${prefix}-name-b`;
    await apply(`${pod(a, { grace: 2 })}---\n${pod(b, { grace: 2 })}`, 'names.yaml');
    const r = await runCli(['delete', 'pod', b, `${prefix}-nope`, a]);
    expect(r.stdout).toBe(`pod "${b}" deleted\npod "${a}" deleted\n`);
    expect(r.stderr).toBe(`Error from server (NotFound): pods "${prefix}-nope" not found\n`);
    expect(r.code).toBe(1);
    expect(await podmanState({ prefix: `${prefix}-name-` })).toBe('');
    const quiet = await runCli(['delete', 'pod', `${prefix}-nope`, '--ignore-not-found']);
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});

describe('delete pods -l', () => {
  test('takes the managed pods that match; a pod kubeplay did not create goes only when named or with --include-unmanaged', async () => {
    const x = `${prefix}-sel-x`;
    const y = `${prefix}-sel-y`;
    const z = `${prefix}-sel-z`;
    const foreign = `${prefix}-sel-foreign`;
    await apply(
      [pod(x, { grace: 2, labels: { app: 'sel', tier: 'a' } }), pod(y, { grace: 2, labels: { app: 'sel', tier: 'b' } }), pod(z, { grace: 2, labels: { app: 'other' } })].join('---\n'),
      'sel.yaml',
    );
    await podmanOk(['pod', 'create', '--name', foreign, '--label', run, '--label', 'app=sel']);

    const first = await runCli(['delete', 'pods', '-l', `${run},app=sel,tier notin (b)`]);
    expect(first.stdout).toBe(`pod "${x}" deleted\n`);
    expect(first.stderr).toBe(`Warning: 1 matching pod was not created by kubeplay and was left alone (${foreign}); name it, or add --include-unmanaged, to delete it too.\n`);
    expect(first.code).toBe(0);
    expect(await podNames()).toEqual([foreign, y, z]);

    const second = await runCli(['delete', 'pods', '-l', `${run},app in (sel),!nosuchkey`]);
    expect(second.stdout).toBe(`pod "${y}" deleted\n`);
    expect(await podNames()).toEqual([foreign, z]);

    const none = await runCli(['delete', 'pods', '-l', `${run},app=sel`]);
    expect(none.stdout).toBe('No resources found\n');
    expect(none.code).toBe(0);

    const unmanaged = await runCli(['delete', 'pods', '-l', `${run},app=sel`, '--include-unmanaged']);
    expect(unmanaged.stdout).toBe(`pod "${foreign}" deleted\n`);
    expect(await podNames()).toEqual([z]);
    expect((await runCli(['delete', 'pod', z])).stdout).toBe(`pod "${z}" deleted\n`);
  });

  test('a pod kubeplay did not create is deleted when named explicitly', async () => {
    const foreign = `${prefix}-named-foreign`;
    await podmanOk(['pod', 'create', '--name', foreign, '--label', run]);
    await podmanOk(['run', '-d', '--pod', foreign, '--name', `${foreign}-c`, 'localhost/busybox:stable', 'sleep', '3600']);
    const r = await runCli(['delete', 'pod', foreign, '--now']);
    expect(r.stdout).toBe(`pod "${foreign}" deleted\n`);
    expect(r.code).toBe(0);
    expect(await podmanState({ prefix: foreign })).toBe('');
  });
});

/**
 * signalsSent reads, from `-v` output, the signals kubeplay sent to pods, in order, as
 * `NAME SIGNAL`. The tests below show the stop protocol from these calls, not from wall time:
 * these machines are too noisy for upper bounds on time.
 */
function signalsSent(stderr: string): string[] {
  return [...stderr.matchAll(/POST \/v[\d.]+\/libpod\/pods\/([^/\s]+)\/kill\?signal=(SIG[A-Z]+) /g)].map((m) => `${decodeURIComponent(m[1] ?? '')} ${m[2] ?? ''}`);
}

describe('graceful stop', () => {
  test('a pod whose PID 1 ignores SIGTERM is killed after its terminationGracePeriodSeconds; --now after 1 s; --force at once', async () => {
    const slow = `${prefix}-grace-slow`;
    const now = `${prefix}-grace-now`;
    const force = `${prefix}-grace-force`;
    await apply([slow, now, force].map((n) => pod(n, { grace: 4, pid1: 'sleep' })).join('---\n'), 'grace.yaml');

    // A lower bound is safe on a noisy machine: it shows the grace period was waited out.
    const g = await timed(() => runCli(['delete', 'pod', slow, '-v']));
    expect(g.value.stdout).toBe(`pod "${slow}" deleted\n`);
    expect(signalsSent(g.value.stderr)).toEqual([`${slow} SIGTERM`, `${slow} SIGKILL`]);
    expect(g.seconds).toBeGreaterThanOrEqual(3.8);

    const n = await timed(() => runCli(['delete', 'pod', now, '--now', '-v']));
    expect(n.value.stdout).toBe(`pod "${now}" deleted\n`);
    expect(signalsSent(n.value.stderr)).toEqual([`${now} SIGTERM`, `${now} SIGKILL`]);
    expect(n.seconds).toBeGreaterThanOrEqual(0.9);

    const f = await runCli(['delete', 'pod', force, '--force', '--grace-period=0', '-v']);
    expect(f.stdout).toBe(`pod "${force}" force deleted\n`);
    expect(f.stderr).toContain('Warning: Immediate deletion: the containers get SIGKILL at once, without a graceful stop.\n');
    expect(signalsSent(f.stderr)).toEqual([`${force} SIGKILL`]);
    expect(await podmanState({ prefix: `${prefix}-grace-` })).toBe('');
    process.stdout.write(`delete timings: grace 4 s took ${g.seconds.toFixed(2)} s, --now ${n.seconds.toFixed(2)} s\n`);
  });

  test('--grace-period=N overrides the pod\'s own', async () => {
    const p = `${prefix}-grace-override`;
    await apply(pod(p, { grace: 30, pid1: 'sleep' }), 'override.yaml');
    const t = await timed(() => runCli(['delete', 'pod', p, '--grace-period=2', '-v']));
    expect(t.value.stdout).toBe(`pod "${p}" deleted\n`);
    expect(signalsSent(t.value.stderr)).toEqual([`${p} SIGTERM`, `${p} SIGKILL`]);
    expect(t.seconds).toBeGreaterThanOrEqual(1.8);
    // Not a speed bound: the pod's own 30 s grace period was not the one waited out.
    expect(t.seconds).toBeLessThan(30);
  });

  // kubeplay signals every pod at once and keeps the grace-period clock itself: asking Podman to
  // stop each pod with a time-out took three grace periods for 20 pods here, because Podman's API
  // service runs at most NumCPU×3 container stops at once. The calls show it: every pod gets its
  // SIGTERM before any gets its SIGKILL, so the grace periods run at the same time.
  test('20 pods that ignore SIGTERM stop concurrently: every SIGTERM before any SIGKILL', async () => {
    const grace = 6;
    const names = Array.from({ length: 20 }, (_, i) => `${prefix}-many-${String(i).padStart(2, '0')}`);
    await apply(names.map((n) => pod(n, { grace, pid1: 'sleep', labels: { batch: 'many' } })).join('---\n'), 'many.yaml');
    const t = await timed(() => runCli(['delete', 'pods', '-l', `${run},batch=many`, '-v']));
    expect(t.value.stdout).toBe(names.map((n) => `pod "${n}" deleted\n`).join(''));
    expect(t.value.code).toBe(0);
    const sent = signalsSent(t.value.stderr);
    const firstKill = sent.findIndex((s) => s.endsWith('SIGKILL'));
    expect(sent.slice(0, firstKill).sort()).toEqual(names.map((n) => `${n} SIGTERM`));
    expect(sent.slice(firstKill).sort()).toEqual(names.map((n) => `${n} SIGKILL`));
    expect(t.seconds).toBeGreaterThanOrEqual(grace - 0.2);
    expect(await podmanState({ prefix: `${prefix}-many-` })).toBe('');
    process.stdout.write(`delete timings: 20 pods with a ${grace} s grace period took ${t.seconds.toFixed(2)} s\n`);
  });
});

describe('dry runs and --wait=false', () => {
  test('--dry-run=client and --dry-run=server say what would be deleted and change nothing; --all too', async () => {
    const a = `${prefix}-dry-a`;
    await apply(pod(a, { grace: 2 }), 'dry.yaml');
    const before = await podmanState({ prefix: `${prefix}-dry-` });
    const c = await runCli(['delete', 'pod', a, '--dry-run=client']);
    expect(c.stdout).toBe(`pod "${a}" deleted (dry run)\n`);
    const s = await runCli(['delete', 'pod', a, `${prefix}-dry-nope`, '--dry-run=server']);
    expect(s.stdout).toBe(`pod "${a}" deleted (server dry run)\n`);
    expect(s.stderr).toBe(`Error from server (NotFound): pods "${prefix}-dry-nope" not found\n`);
    expect(s.code).toBe(1);
    const all = await runCli(['delete', 'pods', '--all', '--dry-run=server']);
    expect(all.stdout.split('\n')).toContain(`pod "${a}" deleted (server dry run)`);
    expect(all.code).toBe(0);
    expect(await podmanState({ prefix: `${prefix}-dry-` })).toBe(before);
    await runCli(['delete', 'pod', a, '--now']);
  });

  test('--wait=false returns once deletion is requested; a background kubeplay finishes the graceful stop', async () => {
    const a = `${prefix}-nowait`;
    await apply(pod(a, { grace: 3, pid1: 'sleep', volumes: true }), 'nowait.yaml');
    const t = await runCli(['delete', 'pod', a, '--wait=false']);
    expect(t.stdout).toBe(`pod "${a}" deleted\n`);
    expect(t.code).toBe(0);
    // It returned inside the pod's 3 s grace period: the pod is still there.
    expect((await podman(['pod', 'exists', a])).code).toBe(0);
    const gone = async () => (await podman(['pod', 'exists', a])).code === 1 && !(await listVolumes()).includes(`${a}_cache`);
    const deadline = Date.now() + 15_000;
    while (!(await gone()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await gone()).toBe(true);
    expect(await listVolumes()).toContain(`${prefix}-claim`);
  });
});
