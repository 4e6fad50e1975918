/**
 * Pulls that succeed, from a real registry on this machine: Debian's docker-registry (installed by
 * scripts/setup.sh) serving on a free port from this file's directory, and a private Podman API
 * service given its own registries.conf (CONTAINERS_REGISTRIES_CONF) that marks that registry
 * insecure (plain HTTP). The image is built and pushed with the podman CLI, then removed locally,
 * so kubeplay must pull it: once for every pod that uses it, with its progress in the -v log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePortBase,
  httpGet,
  podman,
  podmanOk,
  removePodsByPrefix,
  runCli,
  startPodmanService,
  useIsolatedPodman,
  waitUntil,
  type PodmanService,
} from './support';

const { prefix, tmp, onCleanup, file } = useIsolatedPodman({ service: false });
let registry: string;
let service: PodmanService | undefined;
let registryProcess: ChildProcess | undefined;

function pod(name: string, image: string, policy: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${image}
    imagePullPolicy: ${policy}
`;
}

beforeAll(async () => {
  const port = await freePortBase(1);
  registry = `127.0.0.1:${port}`;
  mkdirSync(join(tmp, 'registry'));
  writeFileSync(
    join(tmp, 'registry.yml'),
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(tmp, 'registry')}\nhttp:\n  addr: ${registry}\n`,
  );
  const child = spawn('docker-registry', ['serve', join(tmp, 'registry.yml')], { stdio: 'ignore' });
  registryProcess = child;
  const spawnFailed = new Promise<never>((_, reject) =>
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'ENOENT' ? 'docker-registry is not installed; run bash scripts/setup.sh (it installs the Debian package docker-registry)' : e.message)),
    ),
  );
  await Promise.race([spawnFailed, httpGet(`http://${registry}/v2/`, { timeoutMs: 20_000, until: (r) => r.status === 200 })]);

  writeFileSync(join(tmp, 'registries.conf'), `[[registry]]\nlocation = "${registry}"\ninsecure = true\n`);
  service = await startPodmanService({ env: { CONTAINERS_REGISTRIES_CONF: join(tmp, 'registries.conf') } });

  const ctx = join(tmp, 'app');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'hello.txt'), `pulled by ${prefix}\n`);
  writeFileSync(join(ctx, 'Containerfile'), 'FROM localhost/busybox:stable\nCOPY hello.txt /hello.txt\nCMD ["sh", "-c", "cat /hello.txt; trap \'exit 0\' TERM; sleep 3600 & wait"]\n');
  await podmanOk(['build', '-q', '-t', `${registry}/${prefix}/app:1`, ctx]);
  await podmanOk(['tag', `${registry}/${prefix}/app:1`, `${registry}/${prefix}/app:latest`]);
  for (const tag of ['1', 'latest']) await podmanOk(['push', '-q', '--tls-verify=false', `${registry}/${prefix}/app:${tag}`]);
  // :1 leaves local storage (kubeplay must pull it); :latest stays (an Always pull refreshes it).
  await podmanOk(['untag', `${registry}/${prefix}/app:latest`, `${registry}/${prefix}/app:1`]);
});

onCleanup('stop the registry, its service and remove its images', async () => {
  await removePodsByPrefix(prefix);
  await podman(['rmi', '--ignore', `${registry}/${prefix}/app:1`, `${registry}/${prefix}/app:latest`]);
  await service?.stop();
  registryProcess?.kill('SIGTERM');
});

describe('pulling from a registry', () => {
  test('IfNotPresent, missing: pulled once for two pods, its steps in the -v log, both pods run the pulled image', async () => {
    const image = `${registry}/${prefix}/app:1`;
    const names = [`${prefix}-pull-a`, `${prefix}-pull-b`];
    const r = await runCli(['apply', '-v', '-f', file('pull.yaml', names.map((n) => pod(n, image, 'IfNotPresent')).join('---\n'))]);
    expect(r.stdout).toBe(names.map((n) => `pod/${n} created\n`).join(''));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`image     ${image}  pull (IfNotPresent, not present)\n`);
    expect(r.stderr.match(/POST \/v4\.0\.0\/libpod\/images\/pull\?reference=\S+ 200/g)).toHaveLength(1);
    expect(r.stderr).toContain(`kubeplay: pull ${image}: Trying to pull ${image}...\n`);
    expect(r.stderr).toMatch(new RegExp(`kubeplay: pull ${image.replace(/\./g, '\\.')}: Copying blob sha256:[0-9a-f]+ \\(layer 1\\)\n`));
    expect(r.stderr).toMatch(/kubeplay: pull \S+: pulled \(\d layer\(s\)\)\n/);
    expect(r.stderr).not.toContain('Warning');
    for (const n of names) {
      const logs = await waitUntil(`${n} prints the file of the pulled image`, async () => {
        const l = await runCli(['logs', n]);
        return l.stdout.includes('pulled by') && l.stdout;
      });
      expect(logs).toBe(`pulled by ${prefix}\n`);
    }
  });

  test('Always with a local image: the pull succeeds, no fallback and no warning', async () => {
    const image = `${registry}/${prefix}/app`;
    const id = (await podmanOk(['image', 'inspect', '--format', '{{.Id}}', `${image}:latest`])).trim();
    const name = `${prefix}-always`;
    const r = await runCli(['apply', '-v', '-f', file('always.yaml', pod(name, image, 'Always'))]);
    expect(r.stdout).toBe(`pod/${name} created\n`);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`image     ${image}:latest  pull, falling back to local ${id.slice(0, 12)} (Always)\n`);
    expect(r.stderr).toMatch(/kubeplay: pull \S+: pulled/);
    expect(r.stderr).not.toContain('Warning');
  });
});
