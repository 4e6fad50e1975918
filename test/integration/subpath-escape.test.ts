/**
 * A container leaves a symbolic link to / in a persistent volume (or in a hostPath directory); a
 * later pod mounts it with a subPath through that link. kubeplay must neither make directories on the host through the link
 * nor bind the host's files into the pod: the pod fails cleanly, naming the link, and nothing of it
 * is left.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { TEST_IMAGE, podmanExec, podmanState, runCli, useIsolatedPodman } from './support';

const { prefix, tmp } = useIsolatedPodman();
const claim = `${prefix}-data`;
const SCRIPT = "trap 'exit 0' TERM; sleep 600 & wait";

/** The claim the pods mount, applied first: a pod naming a claim that does not exist is refused. */
const claimYaml = (name: string): string => `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: ${name}}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n`;
beforeAll(async () => {
  const f = join(tmp, 'claim.yaml');
  writeFileSync(f, claimYaml(claim));
  expect((await runCli(['apply', '-f', f])).code).toBe(0);
});

function podFile(name: string, subPath?: string, hostPath?: string): string {
  const f = join(tmp, `${name}.yaml`);
  writeFileSync(
    f,
    stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `${prefix}-${name}` },
      spec: {
        containers: [{ name: 'app', image: TEST_IMAGE, command: ['sh', '-c', SCRIPT], volumeMounts: [{ name: 'data', mountPath: '/data', ...(subPath ? { subPath } : {}) }] }],
        volumes: [hostPath ? { name: 'data', hostPath: { path: hostPath } } : { name: 'data', persistentVolumeClaim: { claimName: claim } }],
      },
    }),
  );
  return f;
}

test('a subPath through a link a container left in the volume is refused; nothing is made or mounted outside', async () => {
  expect((await runCli(['apply', '-f', podFile('planter')])).code).toBe(0);
  expect((await podmanExec(`${prefix}-planter-app`, ['ln', '-s', '/', '/data/escape'])).code).toBe(0);
  const made = `/tmp/${prefix}-made-through-link`;

  for (const [name, subPath] of [['victim', `escape${made}`], ['victim2', 'escape']] as const) {
    const r = await runCli(['apply', '-f', podFile(name, subPath)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error: pod/${prefix}-${name}:`);
    expect(r.stderr).toContain(`subPath ${subPath} of volume ${claim}: "escape" is a symbolic link inside the volume; kubeplay does not follow links in a subPath`);
    expect(await podmanState({ prefix: `${prefix}-${name}` })).toBe('');
  }
  expect(existsSync(made)).toBe(false);

  // A plain subPath in the same volume still works, made inside it.
  const ok = await runCli(['apply', '-f', podFile('inside', 'sub/dir')]);
  expect(ok.stderr).toBe('');
  expect(ok.code).toBe(0);
  expect((await podmanExec(`${prefix}-planter-app`, ['test', '-d', '/data/sub/dir'])).code).toBe(0);
});

test('the same through a link in a hostPath directory', async () => {
  const dir = join(tmp, 'host-dir');
  mkdirSync(dir);
  symlinkSync('/', join(dir, 'escape'));
  const made = `/tmp/${prefix}-made-through-host-link`;
  const r = await runCli(['apply', '-f', podFile('hostvictim', `escape${made}`, dir)]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`subPath escape${made} of hostPath ${dir}: "escape" is a symbolic link inside the volume`);
  expect(existsSync(made)).toBe(false);
  expect(await podmanState({ prefix: `${prefix}-hostvictim` })).toBe('');

  const ok = await runCli(['apply', '-f', podFile('hostinside', 'logs/app', dir)]);
  expect(ok.stderr).toBe('');
  expect(ok.code).toBe(0);
  expect(existsSync(join(dir, 'logs/app'))).toBe(true);
});
