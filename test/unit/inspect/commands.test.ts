/**
 * logs, exec and describe end to end on the fake engine: the container chosen, the run a
 * restarted container's log is cut to, kubectl's errors and the exit status a remote command
 * passes through. What Podman really does is in test/integration/{logs,exec,describe}.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runApply } from '../../../src/commands/apply';
import { runDescribe } from '../../../src/commands/describe';
import { runExec, type ExecTerminal } from '../../../src/commands/exec';
import { runLogs, type LogsOptions } from '../../../src/commands/logs';
import { BadRequestError, NotFoundError, ObjectError } from '../../../src/domain/errors';
import type { EngineEvent } from '../../../src/engine/container-engine';
import { FakeContainerEngine } from '../../fakes/fake-container-engine';

const dir = mkdtempSync(join(tmpdir(), 'kubeplay-inspect-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const now = new Date('2026-11-21T08:00:00Z');
const at = (s: number) => new Date(now.getTime() - s * 1000);

async function engineWith(yaml: string): Promise<FakeContainerEngine> {
  const engine = new FakeContainerEngine(['localhost/busybox:stable']);
  const f = join(dir, `p-${Math.random()}.yaml`);
  writeFileSync(f, yaml);
  const report = await runApply(
    { files: [f], recursive: false, dryRun: 'none', validate: 'strict', force: false, prune: false, concurrency: 1 },
    { readStdin: async () => Buffer.from(''), engine: async () => engine, probe: { portFree: async () => true, statPath: async () => 'missing' as const }, hostFs: { ensureDirectory: async () => undefined, ensureFile: async () => undefined, projectFiles: async () => undefined, removeFiles: async () => undefined } },
  );
  expect(report.execution?.results.every((r) => r.outcome === 'done')).toBe(true);
  return engine;
}

const twoContainers = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - {name: app, image: localhost/busybox:stable}
  - {name: side, image: localhost/busybox:stable}
`;

function idOf(engine: FakeContainerEngine, name: string): string {
  return engine.pods.get('web')!.containers.find((c) => c.name === name)!.id;
}

function line(s: number, text: string, stream: 'stdout' | 'stderr' = 'stdout') {
  return { time: at(s), stream, data: Buffer.from(`${text}\n`) };
}

function died(engine: FakeContainerEngine, container: string, s: number, exitCode: number): EngineEvent {
  const time = at(s);
  return { time, timeNano: BigInt(time.getTime()) * 1_000_000n, type: 'container', action: 'died', id: idOf(engine, container), name: container, podId: '', exitCode, labels: {} };
}

async function logs(engine: FakeContainerEngine, over: Partial<LogsOptions>) {
  let out = '';
  let note = '';
  await runLogs(
    { pod: 'web', allContainers: false, follow: false, tail: -1, timestamps: false, prefix: false, previous: false, ...over },
    { engine: async () => engine, now: () => now },
    { out: (d) => (out += d.toString()), note: (t) => (note += t) },
  );
  return { out, note };
}

describe('logs on the fake engine', () => {
  test('no -c on a two-container pod: the first, with kubectl\'s note; -c picks; --all-containers --prefix marks lines', async () => {
    const engine = await engineWith(twoContainers);
    engine.logLines.set(idOf(engine, 'web-app'), [line(9, 'a1'), line(8, 'a2', 'stderr')]);
    engine.logLines.set(idOf(engine, 'web-side'), [line(9, 's1')]);
    expect(await logs(engine, {})).toEqual({ out: 'a1\na2\n', note: 'Defaulted container "app" out of: app, side\n' });
    expect(await logs(engine, { container: 'side' })).toEqual({ out: 's1\n', note: '' });
    expect((await logs(engine, { allContainers: true, prefix: true })).out).toBe('[pod/web/app] a1\n[pod/web/app] a2\n[pod/web/side] s1\n');
    expect((await logs(engine, { container: 'app', tail: 1 })).out).toBe('a2\n');
  });

  test('a restarted container: the current run by default, the one before with -p, --tail counted within the run', async () => {
    const engine = await engineWith(twoContainers);
    const app = idOf(engine, 'web-app');
    engine.details.set(app, { restartCount: 2, state: 'running' });
    engine.logLines.set(app, [line(50, 'run1 a'), line(49, 'run1 b'), line(30, 'run2 a'), line(29, 'run2 b'), line(10, 'run3 a')]);
    engine.events.push(died(engine, 'web-app', 40, 1), died(engine, 'web-app', 20, 1));
    expect((await logs(engine, { container: 'app' })).out).toBe('run3 a\n');
    expect((await logs(engine, { container: 'app', previous: true })).out).toBe('run2 a\nrun2 b\n');
    expect((await logs(engine, { container: 'app', previous: true, tail: 1 })).out).toBe('run2 b\n');
  });

  test('-p without a previous run, a missing pod, a container that is not there: kubectl\'s errors', async () => {
    const engine = await engineWith(twoContainers);
    await expect(logs(engine, { container: 'app', previous: true })).rejects.toThrow(new BadRequestError('previous terminated container "app" in pod "web" not found'));
    await expect(logs(engine, { pod: 'nope' })).rejects.toThrow(NotFoundError);
    await expect(logs(engine, { container: 'db' })).rejects.toThrow(new ObjectError('container db is not valid for pod web: choose one of: app, side'));
  });
});

function terminal(input: string): ExecTerminal & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return {
    stdin: Readable.from([Buffer.from(input)]),
    stdout,
    stderr,
    stdinIsTerminal: false,
    setRaw: () => undefined,
    size: () => undefined,
    onResize: () => () => undefined,
    out: () => out,
    err: () => err,
  };
}

describe('exec on the fake engine', () => {
  test('the remote exit code is returned; stdin reaches the command with -i; the chosen container runs it', async () => {
    const engine = await engineWith(twoContainers);
    engine.execRun = (container, spec, stdin) => ({ stdout: `${container}:${spec.command.join(' ')}:${stdin}`, stderr: 'warn\n', exitCode: 7 });
    const term = terminal('hello');
    const code = await runExec({ pod: 'web', container: 'side', command: ['cat'], stdin: true, tty: false }, { engine: async () => engine, now: () => now }, term);
    await new Promise((r) => setImmediate(r));
    expect(code).toBe(7);
    expect(term.out()).toBe(`${idOf(engine, 'web-side')}:cat:hello`);
    expect(term.err()).toBe('warn\n');
  });

  test('a container that is not running, a completed pod: kubectl\'s errors, nothing run', async () => {
    const engine = await engineWith(twoContainers);
    engine.mutate('web', (p) => {
      const app = p.containers.find((c) => c.name === 'web-app')!;
      app.state = 'exited';
      app.exitCode = 1;
    });
    const run = (container: string) => runExec({ pod: 'web', container, command: ['true'], stdin: false, tty: false }, { engine: async () => engine, now: () => now }, terminal(''));
    await expect(run('app')).rejects.toThrow('unable to upgrade connection: container not found ("app")');
    engine.mutate('web', (p) => p.containers.forEach((c) => (c.state = 'exited')));
    await expect(run('side')).rejects.toThrow('cannot exec into a container in a completed pod; current phase is Failed');
    expect(engine.log.some((l) => l.startsWith('execCreate'))).toBe(false);
  });
});

describe('describe on the fake engine', () => {
  test('finds the pod, keeps only its containers\' events, names the missing ones', async () => {
    const engine = await engineWith(twoContainers);
    engine.events.push(died(engine, 'web-app', 5, 3));
    const r = await runDescribe({ resource: 'pod', names: ['web', 'gone'], files: [], recursive: false, namespace: 'default', allNamespaces: false }, { engine: async () => engine, readStdin: async () => Buffer.from(''), now: () => now });
    expect(r.notFound).toEqual(['gone']);
    expect(r.pods.map((p) => p.pod.metadata?.name)).toEqual(['web']);
    expect(engine.log.filter((l) => l.startsWith('listEvents')).length).toBe(1);
  });
});
