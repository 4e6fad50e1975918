/**
 * Locally built images and pull policies, through the real CLI against real Podman with no
 * registry reachable: the everyday `podman build -t myapp .` then `image: myapp` workflow, an
 * Always pull that falls back to the local image with one warning, Never with a missing image
 * refused before anything changes (the kubelet's ErrImageNeverPull words), a failed pull that fails
 * only its pod, and a server dry run that decides without pulling. The images are built here with
 * the podman CLI (tests may use it; kubeplay does not) and removed at the end.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { podman, podmanOk, podmanState, removePodsByPrefix, runCli, useIsolatedPodman, waitUntil } from './support';

const { prefix, tmp, onCleanup, file } = useIsolatedPodman();
// The image `podman build -t myapp-<prefix> .` makes: Podman names it localhost/myapp-<prefix>:latest.
const myapp = `myapp-${prefix}`;
// The same image under a registry's name, as if it had been pulled from there once: that registry
// does not exist (.invalid never resolves), so an Always pull of it fails at once.
const remote = `kubeplay.invalid/${prefix}/myapp`;
let imageId: string;

/** pod is a one-container pod using `image` with the image's own command (it prints the built-in file and waits). */
function pod(name: string, image: string, extra = ''): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${image}
${extra}`;
}

beforeAll(async () => {
  const ctx = join(tmp, 'myapp');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'hello.txt'), `built by ${prefix}\n`);
  writeFileSync(
    join(ctx, 'Containerfile'),
    'FROM localhost/busybox:stable\nCOPY hello.txt /hello.txt\nCMD ["sh", "-c", "cat /hello.txt; trap \'exit 0\' TERM; sleep 3600 & wait"]\n',
  );
  // The pods using them go first (the standard cleanup removes them only after this step).
  onCleanup(`remove the images ${myapp} and ${remote}`, async () => {
    await removePodsByPrefix(prefix);
    await podman(['rmi', `localhost/${myapp}:latest`, `${remote}:latest`]);
  });
  await podmanOk(['build', '-q', '-t', myapp, ctx], { cwd: tmp });
  await podmanOk(['tag', myapp, remote]);
  imageId = (await podmanOk(['image', 'inspect', '--format', '{{.Id}}', myapp])).trim();
});

describe('a locally built image runs, whatever its tag', () => {
  test('image: myapp, myapp:latest and localhost/myapp with the default policy (Always) run offline and pull nothing', async () => {
    const names = ['short', 'latest', 'localhost'].map((n) => `${prefix}-${n}`);
    const images = [myapp, `${myapp}:latest`, `localhost/${myapp}`];
    const f = file('built.yaml', names.map((n, i) => pod(n, images[i]!)).join('---\n'));
    const r = await runCli(['apply', '-v', '-f', f]);
    expect(r.stdout).toBe(names.map((n) => `pod/${n} created\n`).join(''));
    expect(r.code).toBe(0);
    // Two spellings of one image, one decision; neither is pulled (no registry serves localhost/).
    const short = imageId.slice(0, 12);
    expect(r.stderr).toContain(`image     ${myapp}:latest  use local ${short} (Always, but localhost/${myapp}:latest is never pulled: no registry serves localhost)\n`);
    expect(r.stderr).toContain(`image     localhost/${myapp}:latest  use local ${short} (Always, but localhost/${myapp}:latest is never pulled: no registry serves localhost)\n`);
    expect(r.stderr).not.toContain('/images/pull');
    expect(r.stderr).not.toContain('Warning');
    for (const n of names) {
      const logs = await waitUntil(`${n} prints its built-in file`, async () => {
        const l = await runCli(['logs', n]);
        return l.stdout.includes(`built by ${prefix}`) && l.stdout;
      });
      expect(logs).toBe(`built by ${prefix}\n`);
    }
    // The same file again: nothing to decide about images, nothing changes.
    const again = await runCli(['apply', '-f', f]);
    expect(again.stdout).toBe(names.map((n) => `pod/${n} unchanged\n`).join(''));
  });

  test('Always with a registry that cannot be reached: the local image is used, with one warning naming the image, the error and the ID', async () => {
    const names = [`${prefix}-remote-a`, `${prefix}-remote-b`];
    const f = file('remote.yaml', `${pod(names[0]!, remote)}---\n${pod(names[1]!, `${remote}:latest`)}`);
    const r = await runCli(['apply', '-f', f]);
    expect(r.stdout).toBe(names.map((n) => `pod/${n} created\n`).join(''));
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('Warning: '));
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Warning: image ${remote}:latest \\(imagePullPolicy Always\\) could not be pulled: .*kubeplay\\.invalid.*; using the local image ${imageId.slice(0, 12)} instead$`,
        ),
      ),
    ]);
    for (const n of names) expect((await podmanOk(['pod', 'inspect', n, '--format', '{{.State}}'])).trim()).toBe('Running');
  });
});

describe('pull policies against a missing image', () => {
  test('imagePullPolicy Never with a missing image: refused before anything changes, in the kubelet\'s words, exit 1', async () => {
    const before = await podmanState({ prefix });
    const ok = `${prefix}-never-ok`;
    const bad = `${prefix}-never-bad`;
    const absent = `${prefix}-absent:1`;
    const f = file('never.yaml', `${pod(ok, myapp)}---\n${pod(bad, absent, '    imagePullPolicy: Never\n')}`);
    const r = await runCli(['apply', '-f', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `error: pod/${bad}: Container image "${absent}" is not present with pull policy of Never (container app): ` +
        `build it (podman build -t ${absent} .) or load it (podman load -i FILE) into Podman, or set imagePullPolicy: IfNotPresent to have it pulled\n`,
    );
    expect(r.stderr).toContain('error: nothing was changed');
    expect(await podmanState({ prefix })).toBe(before);
  });

  test('IfNotPresent with a missing image: the pull fails clearly for that pod, the other pods still apply', async () => {
    const ok = `${prefix}-inp-ok`;
    const bad = `${prefix}-inp-bad`;
    const absent = `${prefix}-absent:2`;
    const f = file('ifnotpresent.yaml', `${pod(ok, myapp)}---\n${pod(bad, absent, '    imagePullPolicy: IfNotPresent\n')}`);
    const r = await runCli(['apply', '-f', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`pod/${ok} created\n`);
    // The image, Podman's answer (a short name and no registry to search), what to do.
    expect(r.stderr).toMatch(
      new RegExp(`error: pod/${bad}: cannot pull image ${absent}: short-name .*; check the image name and that its registry is reachable, or load the image locally \\(podman load / podman build\\)`),
    );
    expect((await podmanOk(['pod', 'inspect', ok, '--format', '{{.State}}'])).trim()).toBe('Running');
    expect(await podmanState({ prefix: bad })).toBe('');
  });

  test('--dry-run=server shows each image decision and pulls nothing', async () => {
    const before = await podmanState({ prefix });
    const f = file(
      'dry.yaml',
      [pod(`${prefix}-dry-a`, myapp), pod(`${prefix}-dry-b`, remote), pod(`${prefix}-dry-c`, `${prefix}-absent:3`, '    imagePullPolicy: IfNotPresent\n')].join('---\n'),
    );
    const r = await runCli(['apply', '--dry-run=server', '-f', f]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(['a', 'b', 'c'].map((n) => `pod/${prefix}-dry-${n} created (server dry run)\n`).join(''));
    const short = imageId.slice(0, 12);
    expect(r.stderr).toBe(
      `image     ${prefix}-absent:3  pull (IfNotPresent, not present)\n` +
        `image     ${remote}:latest  pull, falling back to local ${short} (Always)\n` +
        `image     ${myapp}:latest  use local ${short} (Always, but localhost/${myapp}:latest is never pulled: no registry serves localhost)\n`,
    );
    const v = await runCli(['apply', '--dry-run=server', '-v', '-f', f]);
    expect(v.code).toBe(0);
    expect(v.stderr).toContain('/images/');
    expect(v.stderr).not.toContain('/images/pull');
    expect(await podmanState({ prefix })).toBe(before);
  });
});
