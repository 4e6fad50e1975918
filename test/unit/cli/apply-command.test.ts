/**
 * The apply command end to end on the fake engine: argv → yargs → handler → runApply (with the
 * engine, lock and store the composition root lends it) → printers → main's error mapper and exit
 * codes. What Podman really does is tested in test/integration/apply.test.ts and namespaces.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import yargs from 'yargs';
import { applyCommand } from '../../../src/cli/commands/apply';
import { reportError, type EngineContext, type Io } from '../../../src/cli/main';
import { UsageError } from '../../../src/domain/errors';
import { SqliteObjectStore } from '../../../src/store/sqlite-object-store';
import { FakeContainerEngine } from '../../fakes/fake-container-engine';

const dir = mkdtempSync(join(tmpdir(), 'kubeplay-apply-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const pod = (name: string, namespace?: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${namespace ? `  namespace: ${namespace}\n` : ''}spec:\n  containers:\n  - {name: app, image: localhost/busybox:stable}\n`;
const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  locks: number;
}

/** run drives `kubeplay apply ARGS` through yargs with the fake engine and a store in `stateDir`. */
async function run(engine: FakeContainerEngine, stateDir: string, args: string[]): Promise<Run> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  let code = 0;
  let locks = 0;
  const io: Io = { stdout: out, stderr: err, env: {}, exit: (c) => (code = c), readStdin: async () => Buffer.from('') };
  const engines: EngineContext = {
    connectEngine: async () => engine,
    prefetchingEngine: async () => engine,
    lockConnection: async () => {
      locks++;
      return async () => undefined;
    },
    release: async () => undefined,
    socketPath: () => join(dir, 'fake.sock'),
  };
  try {
    await yargs(['apply', ...args])
      .command(applyCommand(io, { engines, openStore: () => SqliteObjectStore.openStateDir(stateDir) }, () => undefined))
      .option('verbose', { alias: 'v', type: 'count' })
      .option('namespace', { alias: 'n', type: 'string' })
      .strict()
      .fail((msg, e) => {
        throw e ?? new UsageError(msg);
      })
      .exitProcess(false)
      .parseAsync();
  } catch (e) {
    code = reportError(e, io, 0);
  }
  await new Promise((r) => setImmediate(r));
  return { code, stdout, stderr, locks };
}

test('a namespace and its pod: created (namespaces first), then unchanged; the lock is taken for a real apply', async () => {
  const engine = new FakeContainerEngine(['localhost/busybox:stable']);
  const state = mkdtempSync(join(dir, 'state-'));
  const f = file('app.yaml', `${pod('web', 'shop')}---\n${namespace('shop')}`);
  const first = await run(engine, state, ['-f', f]);
  expect(first).toEqual({ code: 0, stdout: 'namespace/shop created\npod/web created\n', stderr: '', locks: 1 });
  expect((await engine.listPods()).map((p) => p.name)).toEqual(['shop_web']);
  expect((await run(engine, state, ['-f', f])).stdout).toBe('namespace/shop unchanged\npod/web unchanged\n');
});

test('--dry-run=client asks nothing of Podman and reads as created', async () => {
  const engine = new FakeContainerEngine(['localhost/busybox:stable']);
  const r = await run(engine, mkdtempSync(join(dir, 'state-')), ['-f', file('dry.yaml', pod('web')), '--dry-run=client']);
  expect(r).toEqual({ code: 0, stdout: 'pod/web created (dry run)\n', stderr: '', locks: 0 });
  expect(engine.log).toEqual([]);
});

test('a pod of a namespace that does not exist: exit 1, nothing changed, in the API server\'s words', async () => {
  const engine = new FakeContainerEngine(['localhost/busybox:stable']);
  const r = await run(engine, mkdtempSync(join(dir, 'state-')), ['-f', file('orphan.yaml', pod('web', 'nowhere'))]);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('error: pod/web: namespaces "nowhere" not found');
  expect(r.stderr).toContain('nothing was changed');
  expect(await engine.listPods()).toEqual([]);
});

test('an invalid manifest: exit 1, every problem located, Podman never asked to change anything', async () => {
  const engine = new FakeContainerEngine(['localhost/busybox:stable']);
  const bad = file('bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers: []\n');
  const r = await run(engine, mkdtempSync(join(dir, 'state-')), ['-f', bad]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${bad}:4:3: metadata.name: Invalid value: "Bad_Name"`);
  expect(r.stderr).toContain(`${bad}:6:3: spec.containers: Required value`);
  expect(r.stderr).toContain('nothing was applied');
  expect(engine.log.filter((l) => !l.startsWith('list'))).toEqual([]);
});

test('a usage error exits 1 with kubectl\'s message', async () => {
  const r = await run(new FakeContainerEngine(), mkdtempSync(join(dir, 'state-')), []);
  expect(r).toMatchObject({ code: 1, stdout: '' });
  expect(r.stderr).toContain('must specify one of -f and -k');
});
