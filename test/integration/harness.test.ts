// Proves the integration-test harness against the real Podman: every other integration test
// builds on these helpers, so a broken helper must fail here, with a plain message, first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

import {
  EXAMPLES_HOST_PORT_BASE,
  RUN_LABEL_KEY,
  TEST_IMAGE,
  examplesDir,
  freePortBase,
  httpGet,
  materialize,
  pingSocket,
  podmanExec,
  podmanOk,
  podmanState,
  removePodsByPrefix,
  removeVolumesByPrefix,
  runId,
  startPodmanService,
  type PodmanService,
} from './support';

const prefix = runId();
const otherPrefix = runId(); // stands for objects someone else made: cleanup must not touch them
let service: PodmanService;

beforeAll(async () => {
  service = await startPodmanService();
});

afterAll(async () => {
  await removePodsByPrefix(prefix);
  await removePodsByPrefix(otherPrefix);
  await removeVolumesByPrefix(prefix);
  await removeVolumesByPrefix(otherPrefix);
  await service?.stop();
});

// A pod with one httpd container, made with the podman CLI, the way a test observes or seeds state.
async function createWebPod(name: string, hostPort?: number): Promise<void> {
  await podmanOk(['pod', 'create', '--name', name, ...(hostPort ? ['-p', `${hostPort}:8080`] : [])]);
  await podmanOk([
    'run', '-d', '--pod', name, '--name', `${name}-web`, TEST_IMAGE,
    'sh', '-c', `trap 'exit 0' TERM; echo hello from ${name} > /www/index.html; httpd -f -p 8080 -h /www & wait $!`,
  ]);
}

describe('startPodmanService', () => {
  test('answers _ping on a private socket in a 0700 directory', async () => {
    expect(await pingSocket(service.socketPath)).toBe('OK');
    expect(service.containerHost).toBe(`unix://${service.socketPath}`);
    expect(service.socketPath).not.toBe('/run/podman/podman.sock');
    expect(fs.statSync(path.dirname(service.socketPath)).mode & 0o777).toBe(0o700);
  });

  test('stop() ends the service and removes its directory', async () => {
    const extra = await startPodmanService();
    expect(await pingSocket(extra.socketPath)).toBe('OK');
    await extra.stop();
    expect(fs.existsSync(path.dirname(extra.socketPath))).toBe(false);
    expect(() => process.kill(extra.pid, 0)).toThrow();
  });
});

describe('runId', () => {
  test('is a short, unique, DNS-label-safe prefix', () => {
    expect(prefix).toMatch(/^kpt-[0-9a-f]{6}$/);
    expect(new Set(Array.from({ length: 50 }, runId)).size).toBe(50);
  });
});

describe('materialize', () => {
  test('prefixes every pod name and shifts every hostPort of the examples directory', () => {
    const offset = 1000;
    const m = materialize('examples', { prefix, hostPortOffset: offset });
    try {
      expect(m.path).toBe(m.dir);
      expect(fs.readdirSync(m.dir).sort()).toEqual(fs.readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')).sort());
      // Files in name order, documents in file order.
      expect(m.podNames).toEqual(['web-from-config', 'front', 'backend', 'hello', 'notes-writer', 'greeter', 'greeter-front', 'web-sidecar', 'pair', 'web'].map((n) => `${prefix}-${n}`));
      expect(m.renamed['Namespace/demo']).toBe(`${prefix}-demo`);
      expect(m.renamed['PersistentVolumeClaim/notes']).toBe(`${prefix}-notes`);
      expect(m.renamed['Pod/web']).toBe(`${prefix}-web`);
      expect(m.hostPorts).toEqual({ 18080: 19080, 18082: 19082, 18083: 19083, 18084: 19084, 18085: 19085 });
      expect(m.selector).toBe(`${RUN_LABEL_KEY}=${prefix}`);

      // Re-read what was written: the copy is what kubeplay will see.
      const names: string[] = [];
      const hostPorts: number[] = [];
      for (const file of fs.readdirSync(m.dir)) {
        const text = fs.readFileSync(path.join(m.dir, file), 'utf8');
        const original = fs.readFileSync(path.join(examplesDir, file), 'utf8');
        // Comments survive, so a failing test's manifest still reads like the example.
        expect(text.split('\n')[0]).toBe(original.split('\n')[0]);
        const docs = parseAllDocuments(text);
        if (!Array.isArray(docs)) throw new Error(`${file}: no documents`);
        expect(docs.length).toBe(parseAllDocuments(original).length);
        for (const doc of docs) {
          expect(doc.errors).toEqual([]);
          const obj = doc.toJS() as {
            kind: string;
            metadata: { name: string; namespace?: string; labels: Record<string, string> };
            spec?: { containers: Array<{ ports?: Array<{ hostPort?: number }> }>; volumes?: Array<{ persistentVolumeClaim?: { claimName: string } }> };
          };
          expect(obj.metadata.labels[RUN_LABEL_KEY]).toBe(prefix);
          if (obj.metadata.namespace !== undefined) expect(obj.metadata.namespace).toBe(`${prefix}-demo`);
          if (obj.kind !== 'Pod') continue;
          names.push(obj.metadata.name);
          // A pod's claims are renamed with the claims.
          for (const v of obj.spec?.volumes ?? []) if (v.persistentVolumeClaim) expect(v.persistentVolumeClaim.claimName).toBe(`${prefix}-notes`);
          for (const c of obj.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.hostPort !== undefined) hostPorts.push(p.hostPort);
        }
      }
      expect(names.sort()).toEqual([...m.podNames].sort());
      expect(hostPorts.sort()).toEqual([19080, 19082, 19083, 19084, 19085]);
      // The examples themselves are untouched.
      expect(fs.readFileSync(path.join(examplesDir, 'web.yaml'), 'utf8')).toContain('name: web\n');
    } finally {
      void m.cleanup();
    }
  });

  test('accepts an example name or YAML text, and can leave labels alone', () => {
    const one = materialize('web', { prefix, hostPortOffset: -80 });
    expect(path.basename(one.path)).toBe('web.yaml');
    expect(one.podNames).toEqual([`${prefix}-web`]);
    expect(one.hostPorts).toEqual({ 18080: 18000 });
    void one.cleanup();

    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n    image: i\n    ports:\n    - containerPort: 80\n      hostPort: 8080\n';
    const m = materialize(text, { prefix, hostPortOffset: 5, addRunLabel: false });
    const written = fs.readFileSync(m.path, 'utf8');
    expect(written).toContain(`name: ${prefix}-x\n`);
    expect(written).toContain('hostPort: 8085\n');
    expect(written).not.toContain(RUN_LABEL_KEY);
    expect(m.selector).toBe('');
    void m.cleanup();
  });

  test('copies YAML that does not parse unchanged, so tests of invalid input get it as written', () => {
    const bad = 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n';
    const m = materialize(bad, { prefix, hostPortOffset: 1 });
    expect(fs.readFileSync(m.path, 'utf8')).toBe(bad);
    expect(m.podNames).toEqual([]);
    void m.cleanup();
  });

  test('rejects a shift that leaves the port range', () => {
    expect(() => materialize('web', { prefix, hostPortOffset: 60_000 })).toThrow(/not a valid port/);
  });
});

describe('podmanState, cleanup, freePortBase, httpGet and podmanExec on real pods', () => {
  test('a pod made with the podman CLI answers over its published port and inside the container', async () => {
    const base = await freePortBase();
    expect(base).toBeGreaterThanOrEqual(20_000);
    expect(base - EXAMPLES_HOST_PORT_BASE).toBeGreaterThan(0);
    await createWebPod(`${prefix}-a`, base);

    const res = await httpGet(`http://127.0.0.1:${base}/`, { timeoutMs: 15_000, until: (r) => r.status === 200 });
    expect(res.body).toBe(`hello from ${prefix}-a\n`);

    const exec = await podmanExec(`${prefix}-a-web`, ['cat', '/www/index.html']);
    expect(exec).toMatchObject({ code: 0, stdout: `hello from ${prefix}-a\n` });
  });

  test('podmanState is the same across two calls when nothing changed, and sees a change', async () => {
    const first = await podmanState({ prefix });
    const second = await podmanState({ prefix });
    expect(second).toBe(first);
    expect(first).toMatch(new RegExp(`^pod ${prefix}-a [0-9a-f]{12} Running$`, 'm'));
    expect(first).toMatch(new RegExp(`^container ${prefix}-a-web [0-9a-f]{12} pod=${prefix}-a running$`, 'm'));
    expect(first).toMatch(new RegExp(`^container [0-9a-f]{12}-infra [0-9a-f]{12} pod=${prefix}-a running$`, 'm'));

    await podmanOk(['volume', 'create', `${prefix}-vol`]);
    expect(await podmanState({ prefix })).toBe(`${first}\nvolume ${prefix}-vol`.split('\n').sort().join('\n'));

    // Without a prefix it covers the whole host; it still must not contain volatile text.
    expect(await podmanState()).not.toMatch(/ago|seconds|Up /);
  });

  test('removePodsByPrefix and removeVolumesByPrefix remove only what carries the prefix', async () => {
    await createWebPod(`${otherPrefix}-b`);
    await podmanOk(['volume', 'create', `${otherPrefix}-vol`]);
    const otherBefore = await podmanState({ prefix: otherPrefix });

    expect(await removePodsByPrefix(prefix)).toEqual([`${prefix}-a`]);
    expect(await removeVolumesByPrefix(prefix)).toEqual([`${prefix}-vol`]);
    expect(await podmanState({ prefix })).toBe('');
    expect(await podmanState({ prefix: otherPrefix })).toBe(otherBefore);

    // Idempotent: a second cleanup finds nothing and succeeds.
    expect(await removePodsByPrefix(prefix)).toEqual([]);

    expect(await removePodsByPrefix(otherPrefix)).toEqual([`${otherPrefix}-b`]);
    expect(await removeVolumesByPrefix(otherPrefix)).toEqual([`${otherPrefix}-vol`]);
  });

  test('cleanup refuses a prefix short enough to match other people\'s objects', async () => {
    await expect(removePodsByPrefix('')).rejects.toThrow(/shorter than 6/);
    await expect(removeVolumesByPrefix('kp')).rejects.toThrow(/shorter than 6/);
  });
});
