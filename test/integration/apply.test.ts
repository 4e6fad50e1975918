/**
 * apply against real Podman, through the real CLI: the seed scenarios of the apply issue. Every
 * test works on copies of the examples renamed with this run's prefix and shifted to free host
 * ports, on a private Podman API service, and removes only what it made. "Nothing changed" is
 * checked on everything carrying this run's prefix: all that these tests could make carries it,
 * and other runs on the same Podman do not disturb the check.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import {
  EXAMPLES_HOST_PORT_BASE,
  freePortBase,
  httpGet,
  materialize,
  podmanOk,
  podmanState,
  runCli,
  useIsolatedPodman,
} from './support';

const { prefix, tmp } = useIsolatedPodman();
let base: number;

beforeAll(async () => {
  base = await freePortBase(40);
});

/** example copies an example under this run's prefix, host ports shifted by `slot` * 10 into our range. */
function example(name: string, slot: number) {
  return materialize(name, { prefix, hostPortOffset: base + slot * 10 - EXAMPLES_HOST_PORT_BASE });
}

/** containerStarts maps each container of the given pods to its id and start time. */
async function containerStarts(pods: string[]): Promise<string> {
  const out = await podmanOk(['ps', '-a', '--format', '{{.Names}} {{.ID}} {{.StartedAt}}']);
  return out
    .split('\n')
    .filter((l) => pods.some((p) => l.startsWith(`${p}-`)))
    .sort()
    .join('\n');
}

function yamlFile(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

function busyboxPod(name: string, opts: { hostPort?: number; command?: string; image?: string; label?: string } = {}): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    app: ${opts.label ?? 'plain'}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: ${opts.image ?? 'localhost/busybox:stable'}
    command: [sh, -c, ${JSON.stringify(opts.command ?? "trap 'exit 0' TERM; echo hi > /www/index.html; httpd -f -p 8080 -h /www & wait $!")}]
${opts.hostPort ? `    ports:\n    - containerPort: 8080\n      hostPort: ${opts.hostPort}\n` : ''}`;
}

describe('apply -f: the seed scenarios', () => {
  test('two containers talk over localhost and the hostPorts answer from the host', async () => {
    const m = example('two-containers', 0);
    const r = await runCli(['apply', '-f', m.path]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`pod/${m.podNames[0]} created\n`);
    expect(r.code).toBe(0);
    const left = m.hostPorts[18082]!;
    const right = m.hostPorts[18083]!;
    expect((await httpGet(`http://127.0.0.1:${left}/`)).body).toBe('hello from left\n');
    expect((await httpGet(`http://127.0.0.1:${right}/`)).body).toBe('hello from right\n');
    // Each container fetched the other's page over localhost and serves the copy as peer.html.
    expect((await httpGet(`http://127.0.0.1:${left}/peer.html`, { timeoutMs: 20_000, until: (x) => x.status === 200 })).body).toBe('hello from right\n');
    expect((await httpGet(`http://127.0.0.1:${right}/peer.html`, { timeoutMs: 20_000, until: (x) => x.status === 200 })).body).toBe('hello from left\n');
    // An ordinary Podman pod: labelled, with an infra container, visible to podman pod ps.
    const ps = await podmanOk(['pod', 'ps', '--filter', 'label=app=pair', '--format', '{{.Name}} {{.NumberOfContainers}}']);
    expect(ps.split('\n')).toContain(`${m.podNames[0]} 3`);
  });

  test('a sidecar writes into a shared emptyDir that the web container serves', async () => {
    const m = example('sidecar-emptydir', 1);
    const r = await runCli(['apply', '-f', m.path]);
    expect(r.code).toBe(0);
    const url = `http://127.0.0.1:${m.hostPorts[18084]}/`;
    const first = (await httpGet(url, { timeoutMs: 20_000, until: (x) => x.status === 200 && x.body.trim() !== '' })).body;
    // The sidecar rewrites the page every second: a later read differs, so the volume is live and shared.
    const later = (await httpGet(url, { timeoutMs: 20_000, until: (x) => x.status === 200 && x.body !== first })).body;
    expect(later).not.toBe(first);
    const vols = await podmanOk(['volume', 'ls', '--format', '{{.Name}}']);
    expect(vols.split('\n')).toContain(`${m.podNames[0]}_content`);
  });

  test('a multi-document file makes two pods; the same file again is unchanged and restarts nothing', async () => {
    const m = example('front-backend', 2);
    const first = await runCli(['apply', '-f', m.path]);
    expect(first.stdout).toBe(m.podNames.map((n) => `pod/${n} created\n`).join(''));
    expect(first.code).toBe(0);
    const starts = await containerStarts(m.podNames);
    expect(starts.split('\n')).toHaveLength(2); // one app container each (infra containers are named after the pod id)
    const again = await runCli(['apply', '-f', m.path]);
    expect(again.stdout).toBe(m.podNames.map((n) => `pod/${n} unchanged\n`).join(''));
    expect(again.code).toBe(0);
    expect(await containerStarts(m.podNames)).toBe(starts);
    const fronts = await podmanOk(['pod', 'ps', '--filter', `label=app=front`, '--filter', `label=${m.selector}`, '--format', '{{.Name}}']);
    expect(fronts.trim()).toBe(m.podNames[0]);
  });

  test('a changed label or command is configured: the pod is replaced', async () => {
    const name = `${prefix}-change`;
    const v1 = yamlFile('change-v1.yaml', busyboxPod(name, { hostPort: base + 30 }));
    expect((await runCli(['apply', '-f', v1])).stdout).toBe(`pod/${name} created\n`);
    const before = await containerStarts([name]);
    const v2 = yamlFile('change-v2.yaml', busyboxPod(name, { hostPort: base + 30, label: 'relabelled' }));
    const r2 = await runCli(['apply', '-f', v2]);
    expect(r2.stdout).toBe(`pod/${name} configured\n`);
    expect(r2.code).toBe(0);
    const afterLabel = await containerStarts([name]);
    expect(afterLabel).not.toBe(before);
    expect((await podmanOk(['pod', 'inspect', name, '--format', '{{index .Labels "app"}}'])).trim()).toBe('relabelled');
    const v3 = yamlFile('change-v3.yaml', busyboxPod(name, { hostPort: base + 30, label: 'relabelled', command: "trap 'exit 0' TERM; echo v3 > /www/index.html; httpd -f -p 8080 -h /www & wait $!" }));
    expect((await runCli(['apply', '-f', v3])).stdout).toBe(`pod/${name} configured\n`);
    expect((await httpGet(`http://127.0.0.1:${base + 30}/`, { until: (x) => x.body === 'v3\n' })).body).toBe('v3\n');
    expect((await runCli(['apply', '-f', v3])).stdout).toBe(`pod/${name} unchanged\n`);
  });

  test('-f - reads the manifests from stdin, and -f repeats', async () => {
    const name = `${prefix}-stdin`;
    const r = await runCli(['apply', '-f', '-'], { stdin: busyboxPod(name) });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`pod/${name} created\n`);
    const other = yamlFile('second.yaml', busyboxPod(`${prefix}-second`));
    const both = await runCli(['apply', '-f', '-', '-f', other], { stdin: busyboxPod(name) });
    expect(both.stdout).toBe(`pod/${name} unchanged\npod/${prefix}-second created\n`);
  });

  test('drift behind kubeplay\'s back is restored on the next apply', async () => {
    const name = `${prefix}-drift`;
    const f = yamlFile('drift.yaml', busyboxPod(name));
    expect((await runCli(['apply', '-f', f])).code).toBe(0);
    await podmanOk(['stop', '-t', '2', `${name}-app`]);
    const r = await runCli(['apply', '-f', f]);
    expect(r.stdout).toBe(`pod/${name} configured (restoring: container ${name}-app is exited)\n`);
    expect((await podmanOk(['inspect', `${name}-app`, '--format', '{{.State.Status}}'])).trim()).toBe('running');
    await podmanOk(['pod', 'rm', '-f', '-t', '0', name]);
    expect((await runCli(['apply', '-f', f])).stdout).toBe(`pod/${name} created\n`);
  });
});

describe('apply -f: conflicts are caught before any change', () => {
  test('a hostPort published by another Podman pod', async () => {
    const holder = `${prefix}-holder`;
    expect((await runCli(['apply', '-f', yamlFile('holder.yaml', busyboxPod(holder, { hostPort: base + 31 }))])).code).toBe(0);
    const before = await podmanState({ prefix });
    const r = await runCli(['apply', '-f', yamlFile('taker.yaml', busyboxPod(`${prefix}-taker`, { hostPort: base + 31 }))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: pod/${prefix}-taker: hostPort ${base + 31}/TCP is already in use by pod/${holder}`);
    expect(r.stderr).toContain('nothing was changed');
    expect(await podmanState({ prefix })).toBe(before);
  });

  test('a hostPort held by a process outside Podman (a real bind)', async () => {
    const port = base + 32;
    const srv: Server = createServer();
    await new Promise<void>((res) => srv.listen(port, '0.0.0.0', () => res()));
    try {
      const before = await podmanState({ prefix });
      const r = await runCli(['apply', '-f', yamlFile('outside.yaml', busyboxPod(`${prefix}-outside`, { hostPort: port }))]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`hostPort ${port}/TCP is already in use by a process outside Podman`);
      expect(await podmanState({ prefix })).toBe(before);
    } finally {
      srv.close();
    }
  });

  test('the same hostPort claimed by two pods of the input, and the same containerPort twice in a pod', async () => {
    const two = yamlFile('two-claims.yaml', `${busyboxPod(`${prefix}-c1`, { hostPort: base + 33 })}---\n${busyboxPod(`${prefix}-c2`, { hostPort: base + 33 })}`);
    const before = await podmanState({ prefix });
    const r = await runCli(['apply', '-f', two]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`two-claims.yaml:\\d+:\\d+: spec.containers\\[0\\].ports\\[0\\].hostPort: hostPort ${base + 33}/TCP is claimed twice: by pod/${prefix}-c1`));
    const dup = yamlFile('dup-port.yaml', `apiVersion: v1
kind: Pod
metadata: {name: ${prefix}-dup}
spec:
  containers:
  - {name: a, image: localhost/busybox:stable, ports: [{containerPort: 9000}]}
  - {name: b, image: localhost/busybox:stable, ports: [{containerPort: 9000}]}
`);
    const r2 = await runCli(['apply', '-f', dup]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('spec.containers[1].ports[0].containerPort: containerPort 9000/TCP is already declared by spec.containers[0].ports[0]');
    expect(await podmanState({ prefix })).toBe(before);
  });

  test('a pod of the same name that kubeplay did not create is not taken over without --force', async () => {
    const name = `${prefix}-foreign`;
    await podmanOk(['pod', 'create', '--name', name]);
    const f = yamlFile('foreign.yaml', busyboxPod(name));
    const before = await podmanState({ prefix });
    const r = await runCli(['apply', '-f', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`pod "${name}" exists in Podman but was not created by kubeplay`);
    expect(await podmanState({ prefix })).toBe(before);
    const forced = await runCli(['apply', '--force', '-f', f]);
    expect(forced.stdout).toBe(`pod/${name} configured\n`);
    expect((await podmanOk(['pod', 'inspect', name, '--format', '{{index .Labels "app.kubernetes.io/managed-by"}}'])).trim()).toBe('kubeplay');
  });

  test('invalid input changes nothing in Podman and exits 1', async () => {
    const before = await podmanState({ prefix });
    const bad = yamlFile('bad.yaml', `${busyboxPod(`${prefix}-valid-one`)}---\n${busyboxPod(`${prefix}-bad`).replace('image:', 'imagePullPolcy: Always\n    image:')}`);
    const r = await runCli(['apply', '-f', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('spec.containers[0].imagePullPolcy: unknown field "imagePullPolcy" in spec.containers[0]; did you mean "imagePullPolicy"?');
    expect(r.stderr).toContain('nothing was applied');
    expect(await podmanState({ prefix })).toBe(before);
  });
});

describe('apply -f: failures', () => {
  test('an image that cannot be pulled: the first pod runs, the second leaves nothing, exit 1', async () => {
    const ok = `${prefix}-okpod`;
    const bad = `${prefix}-badpod`;
    const f = yamlFile('pull.yaml', `${busyboxPod(ok)}---\n${busyboxPod(bad, { image: 'localhost/kubeplay-no-such-image:1' })}`);
    const r = await runCli(['apply', '-f', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`pod/${ok} created\n`);
    expect(r.stderr).toContain(`error: pod/${bad}: cannot pull image localhost/kubeplay-no-such-image:1`);
    expect((await podmanOk(['pod', 'inspect', ok, '--format', '{{.State}}'])).trim()).toBe('Running');
    expect(await podmanState({ prefix: bad })).toBe('');
  });

  test('a replacement that fails to start puts the previous version back', async () => {
    const name = `${prefix}-rollback`;
    const good = yamlFile('rb-v1.yaml', busyboxPod(name, { hostPort: base + 34 }));
    expect((await runCli(['apply', '-f', good])).code).toBe(0);
    const broken = yamlFile('rb-v2.yaml', busyboxPod(name, { hostPort: base + 34 }).replace('command: [sh, -c,', 'command: [/no/such/binary, -c,'));
    const r = await runCli(['apply', '-f', broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: pod/${name}:`);
    expect(r.stderr).toContain('the previous version was put back and runs again');
    expect((await httpGet(`http://127.0.0.1:${base + 34}/`)).body).toBe('hi\n');
    // The restored pod is the previous version: applying it again changes nothing.
    expect((await runCli(['apply', '-f', good])).stdout).toBe(`pod/${name} unchanged\n`);
  });

  test('--dry-run=server checks against Podman and changes nothing', async () => {
    const before = await podmanState({ prefix });
    const f = yamlFile('dry.yaml', busyboxPod(`${prefix}-dry`, { hostPort: base + 35 }));
    const r = await runCli(['apply', '--dry-run=server', '-f', f]);
    expect(r.stdout).toBe(`pod/${prefix}-dry created (server dry run)\n`);
    expect(r.code).toBe(0);
    const c = await runCli(['apply', '--dry-run=client', '-f', f]);
    expect(c.stdout).toBe(`pod/${prefix}-dry created (dry run)\n`);
    expect(await podmanState({ prefix })).toBe(before);
  });
});
