// The Podman adapter and socket discovery against a real Podman, through a private API service.
// Everything made here is named `kpe-<random>…` and only that is removed afterwards: other
// people use this Podman at the same time.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

import { EngineError, ImagePullError } from '../../src/domain/errors';
import type { DesiredContainer, DesiredPod } from '../../src/domain/types';
import { connectEngineSocket } from '../../src/engine/connect';
import type { EngineCall } from '../../src/engine/container-engine';
import { LibpodContainerEngine } from '../../src/engine/libpod/libpod-container-engine';
import { startSequenceOf } from '../../src/domain/convergence';
import { runStartSequence } from '../../src/execute/start-sequence';
import {
  TEST_IMAGE,
  httpGet,
  pingSocket,
  podman,
  podmanExec,
  podmanOk,
  publishedHostPorts,
  useIsolatedPodman,
} from './support';

const isolated = useIsolatedPodman({ prefix: `kpe-${randomBytes(3).toString('hex')}` });
const { prefix, tmp } = isolated;
let engine: LibpodContainerEngine;
const observed: EngineCall[] = [];
// Services connectEngineSocket started in these tests; killed first in the cleanup.
const startedPids: number[] = [];
isolated.onCleanup('stop the services kubeplay started', () => {
  for (const pid of startedPids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone (idle timeout).
    }
  }
});

beforeAll(() => {
  engine = new LibpodContainerEngine({ socketPath: isolated.service.socketPath, onCall: (c) => observed.push(c) });
});

function container(pod: string, name: string, over: Partial<DesiredContainer>): DesiredContainer {
  return {
    name: `${pod}-${name}`,
    manifestName: name,
    image: TEST_IMAGE,
    pullPolicy: 'Never',
    env: {},
    tty: false,
    stdin: false,
    mounts: [],
    labels: { 'kubeplay.io/pod': pod, 'kubeplay.io/container': name },
    annotations: {},
    restartPolicy: 'always',
    stopTimeoutSeconds: 1,
    privileged: false,
    capAdd: [],
    capDrop: [],
    readOnlyRootFilesystem: false,
    noNewPrivileges: false,
    ...over,
  };
}

function desiredPod(name: string, over: Partial<DesiredPod>): DesiredPod {
  return {
    ref: { kind: 'Pod', namespace: 'default', name },
    name,
    hostname: name,
    labels: { app: prefix },
    ports: [],
    volumes: [],
    initContainers: [],
    containers: [],
    ...over,
  };
}

async function createAll(pod: DesiredPod): Promise<void> {
  await engine.createPod(pod);
  for (const c of [...pod.initContainers, ...pod.containers]) await engine.createContainer(pod, c);
}

/** Reads a file through `podman exec`, retrying until it has content (the writer runs concurrently). */
async function readInContainer(ctr: string, file: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const r = await podmanExec(ctr, ['cat', file]);
    if (r.code === 0 && r.stdout.trim() !== '') return r.stdout.trim();
    last = r.stderr.trim();
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`${file} in ${ctr} stayed empty for ${timeoutMs} ms (last: ${last})`);
}

async function freeHostPort(): Promise<number> {
  const used = await publishedHostPorts();
  for (;;) {
    const port = 28000 + Math.floor(Math.random() * 1000);
    if (!used.has(port)) return port;
  }
}

describe('LibpodContainerEngine', () => {
  it('runs a pod whose containers talk over localhost and share an emptyDir, after its init container', async () => {
    const pod = `${prefix}-web`;
    const shared = `${prefix}-web-shared`;
    const hostPort = await freeHostPort();
    const mount = { kind: 'volume' as const, volume: shared, destination: '/shared', readOnly: false };
    const desired = desiredPod(pod, {
      hostname: 'webhost',
      labels: { app: prefix, tier: 'front' },
      ports: [{ hostIP: '', hostPort, containerPort: 8082, protocol: 'tcp' }],
      volumes: [{ kind: 'emptyDir', name: 'shared', podmanVolume: shared, medium: '' }],
      initContainers: [
        container(pod, 'init', {
          initKind: 'once',
          restartPolicy: 'no',
          mounts: [mount],
          // Writes the page the app container serves: if it did not run first, there is nothing to serve.
          entrypoint: ['sh', '-c', 'mkdir -p /shared/www && echo "hello from $MSG" > /shared/www/index.html && touch /shared/init-done'],
          env: { MSG: prefix },
        }),
      ],
      containers: [
        container(pod, 'httpd', { mounts: [mount], entrypoint: ['httpd', '-f', '-p', '8082', '-h', '/shared/www'] }),
        container(pod, 'fetch', {
          mounts: [mount, { kind: 'volume', volume: shared, destination: '/www-only', readOnly: true, subPath: 'www' }],
          entrypoint: [
            'sh',
            '-c',
            [
              'test -f /shared/init-done && echo init-was-first > /shared/order.txt',
              'hostname > /shared/hostname.txt',
              'cat /www-only/index.html > /shared/subpath.txt',
              // Reaches the httpd container over the pod's shared network namespace.
              'until wget -q -O /shared/fetched.tmp http://localhost:8082/; do sleep 0.2; done',
              'mv /shared/fetched.tmp /shared/fetched.txt',
              'trap "exit 0" TERM',
              'while true; do sleep 0.2; done',
            ].join('; '),
          ],
        }),
      ],
    });

    expect(await engine.volumeExists(shared)).toBe(false);
    await engine.createVolume(shared, { app: prefix, 'kubeplay.io/volume-kind': 'emptyDir' });
    expect(await engine.volumeExists(shared)).toBe(true);
    await createAll(desired);
    // Started as apply starts a pod with init containers: one container at a time, in order.
    expect(await runStartSequence(engine, startSequenceOf(desired))).toEqual({ done: true });

    // The published host port answers from the test process.
    const page = await httpGet(`http://127.0.0.1:${hostPort}/`);
    expect(page.status).toBe(200);
    expect(page.body.trim()).toBe(`hello from ${prefix}`);

    // The second container reached the first over localhost and wrote what it got to the volume.
    expect(await readInContainer(`${pod}-httpd`, '/shared/fetched.txt')).toBe(`hello from ${prefix}`);
    expect(await readInContainer(`${pod}-httpd`, '/shared/order.txt')).toBe('init-was-first');
    expect(await readInContainer(`${pod}-httpd`, '/shared/hostname.txt')).toBe('webhost');
    expect(await readInContainer(`${pod}-httpd`, '/shared/subpath.txt')).toBe(`hello from ${prefix}`);
    // The subPath mount is read-only.
    expect((await podmanExec(`${pod}-fetch`, ['touch', '/www-only/x'])).code).not.toBe(0);

    // K8s `command` replaced the image ENTRYPOINT and the image CMD (sh) was not appended.
    const args = JSON.parse(await podmanOk(['inspect', `${pod}-fetch`, '--format', '{{json .Args}}'])) as string[];
    expect(args[0]).toBe('-c');
    expect(args).toHaveLength(2);

    // listPods is one call, filtered by label; the init container stays, exited, as in Kubernetes.
    const before = engine.calls().length;
    const pods = await engine.listPods({ app: prefix, tier: 'front' });
    expect(engine.calls().length - before).toBe(1);
    expect(pods.map((p) => p.name)).toEqual([pod]);
    const [p] = pods;
    expect(p?.labels).toMatchObject({ app: prefix, tier: 'front' });
    // Podman calls a pod with an exited container Degraded; kubeplay's get reads the containers.
    expect(p?.status).toBe('Degraded');
    expect(p?.containers.filter((c) => !c.isInfra).map((c) => [c.name, c.state])).toEqual([
      [`${pod}-fetch`, 'running'],
      [`${pod}-httpd`, 'running'],
      [`${pod}-init`, 'exited'],
    ]);
    expect(p?.containers.filter((c) => c.isInfra)).toHaveLength(1);
    expect(await engine.listPods({ app: prefix, tier: 'back' })).toEqual([]);

    // listContainers: one call with pod name, infra flag, image, labels, start time and ports.
    const ctrs = (await engine.listContainers()).filter((c) => c.podName === pod);
    const infra = ctrs.find((c) => c.isInfra);
    expect(infra?.ports).toEqual([{ hostIP: '', hostPort, containerPort: 8082, protocol: 'tcp' }]);
    const httpd = ctrs.find((c) => c.name === `${pod}-httpd`);
    expect(httpd).toMatchObject({
      podName: pod,
      isInfra: false,
      image: TEST_IMAGE,
      state: 'running',
      exitCode: 0,
      labels: { 'kubeplay.io/pod': pod, 'kubeplay.io/container': 'httpd' },
    });
    expect(httpd?.startedAt).toBeInstanceOf(Date);
    expect(httpd?.createdAt).toBeInstanceOf(Date);

    // removePod stops the containers (httpd and the restart-always ones included) and removes everything.
    await engine.removePod(pod, { force: true, timeoutSeconds: 2 });
    expect(await engine.listPods({ app: prefix, tier: 'front' })).toEqual([]);
    const left = JSON.parse(await podmanOk(['ps', '-a', '--format', 'json', '--filter', `name=^${pod}`])) as unknown[];
    expect(left).toEqual([]);
    // Named volumes outlive the pod; removeVolume removes the emptyDir.
    expect(await engine.volumeExists(shared)).toBe(true);
    await engine.removeVolume(shared, false);
    expect(await engine.volumeExists(shared)).toBe(false);

    // Every call was recorded with its outcome.
    expect(observed).toEqual(engine.calls());
    for (const c of engine.calls()) {
      expect(c.path.startsWith('/v4.0.0/libpod/')).toBe(true);
      expect(c.status).toBeGreaterThanOrEqual(200);
      expect(c.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('runs a K8s command alone, without the image CMD appended (CMD ["sh"] + command [sleep, 1] runs `sleep 1`)', async () => {
    const pod = `${prefix}-cmd`;
    const desired = desiredPod(pod, {
      containers: [container(pod, 'once', { entrypoint: ['sleep', '1'], restartPolicy: 'no' })],
    });
    await createAll(desired);
    await engine.startPod(pod);
    // `sleep 1 sh` would fail at once with exit code 1.
    const deadline = Date.now() + 10_000;
    let ctr;
    do {
      await new Promise((res) => setTimeout(res, 200));
      ctr = (await engine.listContainers()).find((c) => c.name === `${pod}-once`);
    } while (ctr?.state !== 'exited' && Date.now() < deadline);
    expect(ctr).toMatchObject({ state: 'exited', exitCode: 0 });
    expect(JSON.parse(await podmanOk(['inspect', `${pod}-once`, '--format', '{{json .Args}}']))).toEqual(['1']);
    await engine.removePod(pod, { force: true, timeoutSeconds: 0 });
  });

  it('names the container that fails to start', async () => {
    const pod = `${prefix}-bad`;
    const desired = desiredPod(pod, {
      containers: [
        container(pod, 'ok', { entrypoint: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'] }),
        container(pod, 'broken', { entrypoint: ['/no/such/binary'] }),
      ],
    });
    await createAll(desired);
    const err = await engine.startPod(pod).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).operation).toBe('startPod');
    expect((err as EngineError).status).toBe(409);
    expect((err as EngineError).message).toContain(`${pod}-broken`);
    expect((err as EngineError).message).toContain('/no/such/binary');
    expect((err as EngineError).message).not.toMatch(/^Error/);

    // Stopped as delete stops a pod: SIGKILL, then Podman's cleanup awaited.
    await engine.killPodAndAwaitCleanup(pod, 10);
    const [p] = await engine.listPods({ app: prefix });
    expect(p?.containers.every((c) => c.state !== 'running')).toBe(true);
    await engine.removePod(pod, { force: false });
    expect(await engine.listPods({ app: prefix })).toEqual([]);
  });

  it('killPodAndAwaitCleanup leaves every container of the pod cleaned up (exited, not stopped), and a gone pod is fine', async () => {
    const pod = `${prefix}-kill`;
    const loop = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'];
    await createAll(desiredPod(pod, { containers: [container(pod, 'a', { entrypoint: loop }), container(pod, 'b', { entrypoint: loop })] }));
    await engine.startPod(pod);
    await engine.killPodAndAwaitCleanup(pod, 10);
    // Podman lists a container that died as `stopped` until its cleanup is done, then `exited`.
    const states = (await engine.listContainers()).filter((c) => c.podName === pod).map((c) => c.state);
    expect(states).toHaveLength(3);
    expect(new Set(states)).toEqual(new Set(['exited']));
    await engine.killPodAndAwaitCleanup(pod, 10); // nothing left to kill or clean up
    await engine.removePod(pod, { force: false });
    await expect(engine.killPodAndAwaitCleanup(pod, 10)).resolves.toBeUndefined();
  });

  it('names the init container that failed, and does not start the app containers', async () => {
    const pod = `${prefix}-initfail`;
    const desired = desiredPod(pod, {
      initContainers: [container(pod, 'setup', { initKind: 'once', restartPolicy: 'no', entrypoint: ['sh', '-c', 'exit 3'] })],
      containers: [container(pod, 'app', { entrypoint: ['sleep', '60'] })],
    });
    await createAll(desired);
    const err = await runStartSequence(engine, startSequenceOf(desired)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toContain(`init container ${pod}-setup exited with code 3`);
    const app = (await engine.listContainers()).find((c) => c.name === `${pod}-app`);
    expect(app?.state).toBe('created');
    await engine.removePod(pod, { force: true, timeoutSeconds: 0 });
  });

  it("turns Podman's HTTP errors into EngineErrors with its message, operation and status", async () => {
    const pod = `${prefix}-dup`;
    const desired = desiredPod(pod, {});
    await engine.createPod(desired);
    const dup = await engine.createPod(desired).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(EngineError);
    expect(dup).toMatchObject({ operation: 'createPod', status: 409 });
    expect((dup as EngineError).message).toMatch(new RegExp(`^cannot create pod ${pod}: .*exists`));
    await engine.removePod(pod, { force: true, timeoutSeconds: 0 });

    const missing = await engine.removePod(`${prefix}-nope`, { force: true, timeoutSeconds: 0 }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: 'EngineError', operation: 'removePod', status: 404 });
    const missingPlain = await engine.removePod(`${prefix}-nope`, { force: false }).catch((e: unknown) => e);
    expect(missingPlain).toMatchObject({ name: 'EngineError', operation: 'removePod', status: 404 });
  });

  it('looks images up as Podman resolves them, with their ID, and names the image a pull fails for', async () => {
    const id = (await podmanOk(['image', 'inspect', '--format', '{{.Id}}', TEST_IMAGE])).trim();
    // A short name finds localhost/NAME:TAG, as podman run resolves it.
    for (const ref of [TEST_IMAGE, 'busybox:stable']) expect(await engine.lookupImage(ref)).toEqual({ id, names: expect.arrayContaining([TEST_IMAGE]) });
    expect(await engine.lookupImage(`localhost/${prefix}-missing:1`)).toBeUndefined();
    // A short name with no unqualified-search registry: Podman's answer comes at once, in the stream.
    const missing = `${prefix}-missing:1`;
    const err = await engine.pullImage(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImagePullError);
    expect(err).toMatchObject({ operation: 'pullImage', image: missing });
    expect((err as ImagePullError).message).toContain(`cannot pull image ${missing}: `);
    expect((err as ImagePullError).answer).toMatch(/short-name/);
  });

  it('makes an emptyDir with medium Memory a tmpfs volume', async () => {
    const vol = `${prefix}-mem`;
    await engine.createVolume(vol, { app: prefix }, { tmpfs: true });
    const info = JSON.parse(await podmanOk(['volume', 'inspect', vol])) as Array<{ Options: Record<string, string>; Labels: Record<string, string> }>;
    expect(info[0]?.Options).toEqual({ type: 'tmpfs', device: 'tmpfs' });
    expect(info[0]?.Labels).toEqual({ app: prefix });
    const run = await podman(['run', '--rm', '--name', `${prefix}-memcheck`, '-v', `${vol}:/m`, TEST_IMAGE, 'sh', '-c', 'grep " /m " /proc/mounts']);
    expect(run.stdout).toMatch(/^tmpfs \/m tmpfs/);
    await engine.removeVolume(vol, true);
    expect(await engine.volumeExists(vol)).toBe(false);
  });

  it('reports a socket that does not answer as an EngineError saying what to do', async () => {
    const dead = new LibpodContainerEngine({ socketPath: path.join(tmp, 'nobody.sock') });
    const err = await dead.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toMatch(/does not answer \(ENOENT\); start the service/);
    expect(await engine.ping()).toMatch(/^4\./);
  });
});

describe('connectEngineSocket', () => {
  const quiet = (): void => undefined;

  it('uses CONTAINER_HOST when it answers', async () => {
    const lines: string[] = [];
    const r = await connectEngineSocket({ env: { CONTAINER_HOST: isolated.service.containerHost }, log: (l) => lines.push(l) });
    expect(r).toEqual({ socketPath: isolated.service.socketPath, startedService: false });
    expect(lines.join('\n')).toContain('from CONTAINER_HOST');
  });

  // Decision: an explicit CONTAINER_HOST that does not answer is an error, not a fall-through, so
  // kubeplay never acts on a different Podman than the one the user named (podman does the same).
  it('errors when CONTAINER_HOST does not answer, rather than using another Podman', async () => {
    const bogus = `unix://${path.join(tmp, 'bogus.sock')}`;
    const err = await connectEngineSocket({ env: { CONTAINER_HOST: bogus }, log: quiet }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toContain(`cannot reach Podman at CONTAINER_HOST=${bogus}`);
    expect((err as EngineError).message).toContain('unset CONTAINER_HOST');
  });

  it('refuses a CONTAINER_HOST that is not a unix socket', async () => {
    const err = await connectEngineSocket({ env: { CONTAINER_HOST: 'tcp://127.0.0.1:8080' }, log: quiet }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toMatch(/only unix sockets|local unix socket only/);
  });

  it('starts a private service when none answers, and a later run reuses it', async () => {
    const xdg = path.join(tmp, 'xdg-start');
    await fs.mkdir(xdg, { mode: 0o700 });
    const lines: string[] = [];
    const opts = { env: { XDG_RUNTIME_DIR: xdg }, log: (l: string) => lines.push(l), rootful: false, serviceIdleSeconds: 30 };
    const first = await connectEngineSocket(opts);
    const pid = Number(await fs.readFile(path.join(xdg, 'kubeplay', 'podman.pid'), 'utf8'));
    startedPids.push(pid);
    expect(first).toEqual({ socketPath: path.join(xdg, 'kubeplay', 'podman.sock'), startedService: true });
    expect((await fs.stat(path.join(xdg, 'kubeplay'))).mode & 0o777).toBe(0o700);
    expect((await fs.stat(first.socketPath)).mode & 0o777).toBe(0o600);
    expect(await pingSocket(first.socketPath)).toBe('OK');
    expect(lines.join('\n')).toContain('starting podman system service --time=30');

    const second = await connectEngineSocket(opts);
    expect(second).toEqual({ socketPath: first.socketPath, startedService: false });
  });

  it('says to install podman when no socket answers and podman is missing', async () => {
    const xdg = path.join(tmp, 'xdg-missing');
    await fs.mkdir(xdg, { mode: 0o700 });
    const err = await connectEngineSocket({
      env: { XDG_RUNTIME_DIR: xdg },
      log: quiet,
      rootful: false,
      podmanCommand: path.join(tmp, 'no-podman-here'),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toBe(
      `cannot reach Podman: no API socket answered (tried ${xdg}/kubeplay/podman.sock, ${xdg}/podman/podman.sock) ` +
        'and the podman command is not installed; install it (apt-get install podman) or set CONTAINER_HOST=unix:///path/to/podman.sock',
    );
  });

  it("quotes the last line of a refusing service's stderr", async () => {
    const xdg = path.join(tmp, 'xdg-refuse');
    await fs.mkdir(xdg, { mode: 0o700 });
    const fake = path.join(tmp, 'refusing-podman');
    await fs.writeFile(fake, '#!/bin/sh\necho "starting" >&2\necho "Error: cannot listen on the socket: address in use" >&2\nexit 125\n', { mode: 0o755 });
    const err = await connectEngineSocket({ env: { XDG_RUNTIME_DIR: xdg }, log: quiet, rootful: false, podmanCommand: fake }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toContain('exited (code 125): cannot listen on the socket: address in use');
    expect((err as EngineError).message).toContain('run that command yourself');
  });
});
