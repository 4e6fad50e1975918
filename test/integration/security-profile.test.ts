/**
 * --security-profile against the real CLI and Podman: a pod that breaks the level changes nothing
 * and exits 1 (also on --dry-run=server), a pod that meets Restricted runs with what it asked for,
 * and the Podman API service kubeplay starts itself listens on a socket only its user can reach.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectEngineSocket } from '../../src/engine/connect';
import { EngineError } from '../../src/domain/errors';
import { podmanExec, podmanOk, podmanState, repoRoot, runCli, useIsolatedPodman } from './support';

const { prefix, tmp } = useIsolatedPodman();

/**
 * fixture copies test/fixtures/security/NAME.yaml with its pod renamed under this run's prefix, and
 * its port made 1 (a hostPort no test uses; with hostNetwork containerPort must equal it).
 */
function fixture(name: string): { file: string; pod: string } {
  const text = readFileSync(join(repoRoot, 'test/fixtures/security', `${name}.yaml`), 'utf8');
  const pod = `${prefix}-${name}`;
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, text.replace(`name: ${name}\n`, `name: ${pod}\n`).replace(/hostPort: \d+/, 'hostPort: 1').replace(/containerPort: \d+/, 'containerPort: 1'));
  return { file, pod };
}

describe('--security-profile', () => {
  test('restricted refuses a pod that breaks it, names each rule, and changes nothing (apply and --dry-run=server)', async () => {
    const { file } = fixture('host-access');
    for (const extra of [[], ['--dry-run=server']]) {
      const r = await runCli(['apply', '--security-profile=restricted', ...extra, '-f', file]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(
        `${file}:22:9: spec.containers[0].securityContext.privileged: violates PodSecurity "restricted:latest": privileged (container "tool" must not set securityContext.privileged=true)\n`,
      );
      expect(r.stderr).toContain(`${file}:9:3: spec.hostNetwork: violates PodSecurity "restricted:latest": host namespaces (hostNetwork=true)\n`);
      expect(r.stderr).toContain(`${file}:33:7: spec.volumes[0].hostPath: violates PodSecurity "restricted:latest": hostPath volumes (volume "root")\n`);
      expect(r.stderr).toMatch(/error: 15 problems in 1 document of 1 file; nothing was applied\./);
      expect(await podmanState({ prefix })).toBe('');
    }
  });

  test('baseline admits a plain pod that restricted refuses', async () => {
    const { file, pod } = fixture('plain');
    const refused = await runCli(['apply', '--security-profile=restricted', '-f', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('runAsUser=0 (container "web" must not set runAsUser=0)');
    expect(await podmanState({ prefix })).toBe('');
    const admitted = await runCli(['apply', '--security-profile=baseline', '--dry-run=client', '-f', file]);
    expect(admitted.code).toBe(0);
    expect(admitted.stdout).toBe(`pod/${pod} created (dry run)\n`);
  });

  test('a pod that meets restricted runs as the user it asked for, with only the capability it added and no privilege escalation', async () => {
    const { file, pod } = fixture('hardened');
    writeFileSync(file, readFileSync(file, 'utf8').replace('image: localhost/busybox:stable\n', 'image: localhost/busybox:stable\n      command: [sleep, "600"]\n'));
    const r = await runCli(['apply', '--security-profile=restricted', '-f', file]);
    expect(r.stderr).not.toContain('error');
    expect(r.stdout).toBe(`pod/${pod} created\n`);
    expect(r.code).toBe(0);
    const ctr = `${pod}-web`;
    expect((await podmanExec(ctr, ['id', '-u'])).stdout).toBe('1000\n');
    const status = (await podmanExec(ctr, ['cat', '/proc/1/status'])).stdout;
    // drop: [ALL], add: [NET_BIND_SERVICE]: bit 10 alone, in the effective and the bounding set.
    expect(status).toMatch(/^CapEff:\s+0000000000000400$/m);
    expect(status).toMatch(/^CapBnd:\s+0000000000000400$/m);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(status).toMatch(/^Seccomp:\s+2$/m); // a seccomp filter is on: Podman's default profile (RuntimeDefault)
    expect((await podmanOk(['inspect', ctr, '--format', '{{.HostConfig.Privileged}}'])).trim()).toBe('false');
  });

  test('an unknown level is a usage error', async () => {
    const { file } = fixture('plain');
    const r = await runCli(['apply', '--security-profile=strict', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: invalid --security-profile value "strict": use privileged, baseline or restricted\nSee \'kubeplay --help\' for usage.\n');
  });
});

describe('the API service kubeplay starts', () => {
  // The socket's mode and directory are checked where the service is started, in
  // engine-adapter.test.ts ('starts a private service when none answers': 0600 in 0700).
  test('is never started in a directory another user could have prepared', async () => {
    const xdg = join(tmp, 'xdg-planted');
    mkdirSync(join(xdg, 'kubeplay'), { recursive: true });
    chmodSync(join(xdg, 'kubeplay'), 0o755);
    const err = await connectEngineSocket({ env: { XDG_RUNTIME_DIR: xdg }, log: () => undefined, rootful: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toBe(
      `cannot start Podman's API service: ${xdg}/kubeplay is not a private directory of this user (it must be a directory owned by you with mode 0700); remove it and run again`,
    );
  });
});
