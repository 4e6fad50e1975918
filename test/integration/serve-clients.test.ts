/**
 * kubeplay serve with other clients and through failures: kubectl 1.27 and 1.33 beside the default
 * 1.32 (client-side apply, a strategic merge patch, get, delete); @kubernetes/client-node listing,
 * creating, watching and deleting a pod; a watch resumed from a resourceVersion after the server
 * was SIGKILLed and started again, bookmarks, and 410 Expired once the change log is compacted
 * past it; the Podman API service killed and restarted under a running server. Everything is
 * named with this run's prefix, on the file's private Podman service and state directory.
 */
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { SqliteObjectStore } from '../../src/store/sqlite-object-store';
import { TEST_IMAGE, bearerToken, kubectl, repoRoot, runCli, runProcess, startPodmanService, startServe, useIsolatedPodman, waitUntil, type PodmanService, type Served } from './support';

const isolated = useIsolatedPodman();
const { prefix, tmp, file, onCleanup } = isolated;
const stateDir = join(tmp, 'state');
const kubeconfig = join(tmp, 'kubeconfig');
let served: Served;
let restarted: PodmanService | undefined;

beforeAll(async () => {
  served = await startServe(stateDir, kubeconfig, ['--bookmark-seconds', '1']);
  onCleanup('stop kubeplay serve', () => served.stop());
  onCleanup('stop the restarted Podman service', () => restarted?.stop());
});

const ok = async (args: string[], version?: string) => {
  const r = await kubectl(served, args, version !== undefined ? { version } : {});
  if (r.code !== 0) throw new Error(`kubectl ${version ?? ''} ${args.join(' ')} exited ${String(r.code)}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
};

const deployment = (name: string, image: string, env: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ${image}
        env: [{name: GREETING, value: ${env}}]
        command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]
      - name: side
        image: ${image}
        command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]
`;

test.each(['1.27', '1.33'])('kubectl %s: apply, a changed apply (strategic merge patch), get and delete', async (version) => {
  const name = `${prefix}-v${version.replace('.', '')}`;
  expect(await ok(['apply', '-f', file(`${name}.yaml`, deployment(name, TEST_IMAGE, 'one'))], version)).toBe(`deployment.apps/${name} created\n`);
  expect(await ok(['apply', '-f', file(`${name}.yaml`, deployment(name, TEST_IMAGE, 'two'))], version)).toBe(`deployment.apps/${name} configured\n`);
  const containers = JSON.parse(await ok(['get', 'deploy', name, '-o', 'jsonpath={.spec.template.spec.containers}'], version)) as Array<{ name: string; env?: Array<{ value: string }> }>;
  expect(containers.map((c) => c.name)).toEqual(['web', 'side']);
  expect(containers[0]!.env).toEqual([{ name: 'GREETING', value: 'two' }]);
  await waitUntil('the replica to run', async () => /\s2\/2\s+Running/.test(await ok(['get', 'pods', '-l', `app=${name}`], version)));
  expect(await ok(['delete', 'deploy', name], version)).toBe(`deployment.apps "${name}" deleted\n`);
});

test('@kubernetes/client-node lists, creates, watches and deletes a pod', async () => {
  const pod = `${prefix}-client`;
  const r = await runProcess(process.execPath, [join(repoRoot, 'test/fixtures/serve/client-node.js'), kubeconfig, 'default', pod, TEST_IMAGE], { timeoutMs: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const said = Object.fromEntries(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { what: string; value: unknown }).map((x) => [x.what, x.value]));
  expect(said['created']).toMatchObject({ name: pod });
  expect(said['read']).toMatchObject({ phase: 'Running', podIP: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/) });
  const events = said['events'] as string[];
  expect(events[0]).toMatch(/^ADDED/);
  expect(events).toContain('MODIFIED Running');
  expect(events[events.length - 1]).toMatch(/^DELETED/);
  expect(said['left']).toEqual([]);
});

/** rawWatch opens a watch over HTTPS and collects its events until closed. */
function rawWatch(path: string): { events: Array<{ type: string; object: { metadata?: { name?: string; resourceVersion?: string }; code?: number } }>; close: () => void } {
  const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'))![1]!, 'base64').toString();
  const events: Array<{ type: string; object: { metadata?: { name?: string; resourceVersion?: string }; code?: number } }> = [];
  let text = '';
  const req = https.get(`${served.url}${path}`, { ca, headers: { Authorization: `Bearer ${bearerToken(kubeconfig)}` } }, (res) => {
    res.setEncoding('utf8').on('data', (d: string) => {
      text += d;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n')) {
        events.push(JSON.parse(text.slice(0, i)) as (typeof events)[number]);
        text = text.slice(i + 1);
      }
    });
  });
  req.on('error', () => undefined);
  return { events, close: () => req.destroy() };
}

test('a watch resumes from its resourceVersion after the server is killed and started again; bookmarks come', async () => {
  const cm = (n: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${prefix}-cm${n}}\ndata: {number: "${n}"}\n`;
  await ok(['apply', '-f', file('cm1.yaml', cm(1))]);
  // kubectl get -o json prints a List it makes itself (resourceVersion ""): the server's list is read directly.
  const rv = (JSON.parse(await ok(['get', '--raw', '/api/v1/namespaces/default/configmaps'])) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  expect(rv).toMatch(/^\d+$/);
  const first = rawWatch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`);
  await waitUntil('a bookmark', async () => first.events.some((e) => e.type === 'BOOKMARK'), 10_000);
  served.process.kill('SIGKILL');
  await served.process.done;
  first.close();
  await ok(['apply', '-f', file('cm2.yaml', cm(2))]).catch(() => undefined); // the server is down: refused
  served = await startServe(stateDir, kubeconfig, ['--bookmark-seconds', '1']);
  await ok(['apply', '-f', file('cm2.yaml', cm(2))]);
  const second = rawWatch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
  await waitUntil('the change made while the watch was away', async () => second.events.some((e) => e.type === 'ADDED' && e.object.metadata?.name === `${prefix}-cm2`), 10_000);
  expect(second.events.filter((e) => e.object.metadata?.name === `${prefix}-cm1`)).toEqual([]);
  second.close();
});

test('a watch from a compacted resourceVersion gets 410 Expired', async () => {
  const store = SqliteObjectStore.openStateDir(stateDir);
  try {
    for (let i = 0; i < 5; i++) store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${prefix}-churn${i}`, namespace: 'default' }, data: {} });
    store.compact(0);
  } finally {
    store.close();
  }
  const w = rawWatch('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1');
  await waitUntil('the error event', async () => w.events.length > 0, 10_000);
  expect(w.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  w.close();
});

test('the Podman API service killed and restarted under the server: it goes on serving and making pods', async () => {
  const old = isolated.service;
  process.kill(old.pid, 'SIGKILL');
  await waitUntil('the old service to go', async () => {
    try {
      process.kill(old.pid, 0);
      return false;
    } catch {
      return true;
    }
  });
  // Reads come from the store while Podman is away.
  expect(await ok(['get', 'configmap', `${prefix}-cm1`, '-o', 'name'])).toBe(`configmap/${prefix}-cm1\n`);
  restarted = await startPodmanService({ socketPath: old.socketPath });
  const pod = `${prefix}-after`;
  await ok(['apply', '-f', file('after.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: ${pod}}\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - {name: c, image: ${TEST_IMAGE}, command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]}\n`)]);
  await waitUntil('the pod to run', async () => (await ok(['get', 'pod', pod, '-o', 'jsonpath={.status.phase}'])) === 'Running');
  await ok(['delete', 'pod', pod]);
});

test('serve --install --user writes a systemd unit that runs this kubeplay serve with its flags, and says how to enable it', async () => {
  const home = join(tmp, 'home');
  const r = await runCli(['serve', '--install', '--user', '--port', '7443', '--state-dir', stateDir], { env: { HOME: home, XDG_CONFIG_HOME: undefined } });
  expect(r.code).toBe(0);
  const path = join(home, '.config/systemd/user/kubeplay.service');
  expect(r.stdout).toBe(`kubeplay serve: wrote ${path}\nkubeplay serve: to start it now and at every boot, run:\n  systemctl --user daemon-reload\n  systemctl --user enable --now kubeplay.service\n  loginctl enable-linger ${userInfo().username}\n`);
  const unit = readFileSync(path, 'utf8');
  expect(unit).toContain(`ExecStart=${process.execPath} ${join(repoRoot, 'bin/kubeplay.js')} serve --port 7443 --state-dir=${stateDir}`);
  expect(unit).toContain('WantedBy=default.target');
});
