/**
 * The Namespace kind (issue 15's proof of the kind registry) through the real CLI against real
 * Podman: a file holding a Namespace after the pods that live in it applies in one go (namespaces
 * first), pods of two namespaces share a name without colliding in Podman, get/describe/delete
 * take -n and -A, a pod of a namespace that does not exist is refused before any change in the API
 * server's words, `default` cannot be deleted, and deleting a namespace takes its pods. Its own
 * service, prefix (namespaces start with it, so their Podman pods do too) and state directory.
 */
import { join } from 'node:path';
import { listPods, runCli, useIsolatedPodman } from './support';

const { prefix, tmp, file } = useIsolatedPodman();
const stateDir = join(tmp, 'state');
const shop = `${prefix}-shop`;
const blog = `${prefix}-blog`;

const cli = (args: string[]) => runCli([...args, '--state-dir', stateDir]);

function pod(name: string, namespace?: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${namespace ? `  namespace: ${namespace}\n` : ''}  labels: {app: ${prefix}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: app, image: localhost/busybox:stable, command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]}
`;
}
const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: {team: ${prefix}}\n`;

async function podmanNames(): Promise<string[]> {
  return (await listPods()).map((p) => p.Name).filter((n) => n.startsWith(prefix)).sort();
}

test('a pod whose namespace does not exist is refused before any change, as the API server refuses it', async () => {
  const r = await cli(['apply', '-f', file('orphan.yaml', pod('web', `${prefix}-nowhere`))]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`error: pod/web: namespaces "${prefix}-nowhere" not found`);
  expect(await podmanNames()).toEqual([]);
});

test('a Namespace after its pods in one file: namespaces are applied first; two namespaces hold a pod of one name', async () => {
  const f = file('app.yaml', [pod('web', shop), namespace(shop), pod('web', blog), namespace(blog)].join('---\n'));
  const first = await cli(['apply', '-f', f]);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout).toBe(`namespace/${shop} created\nnamespace/${blog} created\npod/web created\npod/web created\n`);
  expect(await podmanNames()).toEqual([`${blog}_web`, `${shop}_web`]);
  const again = await cli(['apply', '-f', f]);
  expect(again.stdout).toBe(`namespace/${shop} unchanged\nnamespace/${blog} unchanged\npod/web unchanged\npod/web unchanged\n`);
  // A changed label is a configured namespace, changed in the store only.
  const relabelled = file('app2.yaml', [pod('web', shop), namespace(shop).replace(`team: ${prefix}`, `team: ${prefix}, tier: x`)].join('---\n'));
  expect((await cli(['apply', '-f', relabelled])).stdout).toBe(`namespace/${shop} configured\npod/web unchanged\n`);
});

test('get ns, get pods -n and -A, describe ns, -o name', async () => {
  const ns = await cli(['get', 'ns', '-l', `team=${prefix}`]);
  expect(ns).toMatchObject({ code: 0, stderr: '' });
  expect(ns.stdout).toMatch(new RegExp(`^NAME\\s+STATUS\\s+AGE\\n${blog}\\s+Active\\s+\\d+s\\n${shop}\\s+Active\\s+\\d+s\\n$`));
  expect((await cli(['get', 'namespaces', 'default', '-o', 'name'])).stdout).toBe('namespace/default\n');

  const inShop = await cli(['get', 'pods', '-n', shop, '-o', 'name']);
  expect(inShop).toMatchObject({ code: 0, stdout: 'pod/web\n' });
  const all = await cli(['get', 'pods', '-A', '-l', `app=${prefix}`]);
  expect(all.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
  expect(all.stdout.split('\n').slice(1, 3).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([`${blog} web`, `${shop} web`]);
  const json = JSON.parse((await cli(['get', 'pod', 'web', '-n', blog, '-o', 'json'])).stdout) as { metadata: { name: string; namespace: string } };
  expect(json.metadata).toMatchObject({ name: 'web', namespace: blog });
  // The default namespace holds none of them.
  expect(await cli(['get', 'pod', 'web'])).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): pods "web" not found\n' });
  expect(await cli(['get', 'pods', '-n', `${prefix}-empty`])).toMatchObject({ code: 0, stderr: `No resources found in ${prefix}-empty namespace.\n` });

  const d = await cli(['describe', 'ns', shop]);
  expect(d.stdout).toBe(`Name:         ${shop}\nLabels:       kubernetes.io/metadata.name=${shop}\n              team=${prefix}\n              tier=x\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n`);
  const dp = await cli(['describe', 'pod', 'web', '-n', shop]);
  expect(dp.stdout).toMatch(new RegExp(`^Name:\\s+web\\nNamespace:\\s+${shop}\\n`));
  expect(await cli(['get', 'ns', `${prefix}-nope`])).toMatchObject({ code: 1, stderr: `Error from server (NotFound): namespaces "${prefix}-nope" not found\n` });
});

test('default may not be deleted; deleting a namespace takes its pods and nothing else', async () => {
  expect(await cli(['delete', 'namespace', 'default'])).toMatchObject({ code: 1, stdout: '', stderr: 'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n' });
  const d = await cli(['delete', 'ns', shop]);
  expect(d).toMatchObject({ code: 0, stdout: `namespace "${shop}" deleted\n`, stderr: '' });
  expect(await podmanNames()).toEqual([`${blog}_web`]);
  expect((await cli(['get', 'ns', '-l', `team=${prefix}`, '-o', 'name'])).stdout).toBe(`namespace/${blog}\n`);
  // A pod deleted by name in its namespace; then the namespace by its file.
  expect(await cli(['delete', 'pod', 'web', '-n', blog])).toMatchObject({ code: 0, stdout: 'pod "web" deleted\n' });
  expect(await cli(['delete', '-f', file('blog.yaml', namespace(blog))])).toMatchObject({ code: 0, stdout: `namespace "${blog}" deleted\n` });
  expect(await podmanNames()).toEqual([]);
  expect(await cli(['delete', 'ns', blog])).toMatchObject({ code: 1, stderr: `Error from server (NotFound): namespaces "${blog}" not found\n` });
});
