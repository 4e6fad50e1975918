/**
 * The delete command end to end on the fake engine: argv → yargs → handler → runDelete → printers
 * → main's error mapper. What Podman really does is tested in test/integration/delete.test.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import yargs from 'yargs';
import { deleteCommand } from '../../../src/cli/commands/delete';
import { reportError } from '../../../src/cli/main';
import type { Io } from '../../../src/cli/main';
import { runApply } from '../../../src/commands/apply';
import { UsageError } from '../../../src/domain/errors';
import type { RemoveOptions } from '../../../src/engine/container-engine';
import { FakeContainerEngine } from '../../fakes/fake-container-engine';

/** SpyEngine also records the signals sent and each removePod's options, which the fake's log leaves out. */
class SpyEngine extends FakeContainerEngine {
  readonly removals: string[] = [];
  readonly signals: string[] = [];
  override async removePod(name: string, o: RemoveOptions): Promise<void> {
    this.removals.push(`${name} force=${o.force} timeout=${o.timeoutSeconds}`);
    return super.removePod(name, o);
  }
  override async killPod(name: string, signal = ''): Promise<void> {
    this.signals.push(`${name} ${signal}`);
    return super.killPod(name);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'kubeplay-delete-unit-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
function pod(name: string, extra = '', labels = 'app: web'): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {${labels}}
spec:
  terminationGracePeriodSeconds: 3
${extra}  containers:
  - {name: app, image: localhost/busybox:stable}
`;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  connected: boolean;
  detached: string[][];
}

async function run(engine: SpyEngine, args: string[]): Promise<Run> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  let code = 0;
  const io: Io = { stdout: out, stderr: err, env: {}, exit: (c) => (code = c), readStdin: async () => Buffer.from('') };
  const result: Run = { code: 0, stdout: '', stderr: '', connected: false, detached: [] };
  const ctx = {
    connectEngine: async () => {
      result.connected = true;
      return engine;
    },
    detach: async (a: string[]) => {
      result.detached.push(a);
    },
  };
  try {
    await yargs(args)
      .command(deleteCommand(io, ctx))
      .option('verbose', { alias: 'v', type: 'count' })
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
  return { ...result, code, stdout, stderr };
}

/** engineWith applies the manifests to a fresh fake engine, so pods carry kubeplay's real labels. */
async function engineWith(text: string): Promise<SpyEngine> {
  const engine = new SpyEngine(['localhost/busybox:stable']);
  const report = await runApply(
    { files: [file(`apply-${Math.random()}.yaml`, text)], recursive: false, dryRun: 'none', validate: 'strict', force: false, prune: false, concurrency: 4 },
    { readStdin: async () => Buffer.from(''), engine: async () => engine, probe: { portFree: async () => true, statPath: async () => 'missing' as const }, hostFs: { ensureDirectory: async () => undefined, ensureFile: async () => undefined, projectFiles: async () => undefined, removeFiles: async () => undefined } },
  );
  expect(report.execution?.results.every((r) => r.outcome === 'done')).toBe(true);
  engine.log.length = 0;
  return engine;
}

const emptyDir = '  volumes:\n  - {name: cache, emptyDir: {}}\n  - {name: data, persistentVolumeClaim: {claimName: keep-me}}\n';

describe('kubeplay delete on the fake engine', () => {
  test('by name: input order, NotFound in kubectl\'s words on stderr, the others still deleted, exit 1', async () => {
    const engine = await engineWith(`${pod('a')}---\n${pod('b')}`);
    const r = await run(engine, ['delete', 'pod', 'b', 'missing', 'a']);
    expect(r.stdout).toBe('pod "b" deleted\npod "a" deleted\n');
    expect(r.stderr).toBe('Error from server (NotFound): pods "missing" not found\n');
    expect(r.code).toBe(1);
    // SIGTERM, the wait (the fake's containers exit at once), SIGKILL for what is left, then removal.
    expect(engine.signals).toEqual(['b SIGTERM', 'a SIGTERM', 'b SIGKILL', 'a SIGKILL']);
    expect(engine.removals).toEqual(['b force=true timeout=0', 'a force=true timeout=0']);
    expect([...engine.pods.keys()]).toEqual([]);
  });

  test('--ignore-not-found: silent, exit 0', async () => {
    const r = await run(new SpyEngine(), ['delete', 'pod', 'missing', '--ignore-not-found']);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  test('-f reads only kind and metadata.name: a manifest that no longer validates is still deleted, with its emptyDir (the PVC volume stays)', async () => {
    const engine = await engineWith(pod('web', emptyDir));
    expect([...engine.volumes.keys()].sort()).toEqual(['keep-me', 'web_cache']);
    const stale = file('stale.yaml', pod('web', emptyDir).replace('image:', 'imagePullPolcy: Always, image:').replace('apiVersion: v1', 'apiVersion: v9'));
    const r = await run(engine, ['delete', '-f', stale]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('pod "web" deleted\n');
    expect(r.code).toBe(0);
    expect([...engine.volumes.keys()]).toEqual(['keep-me']);
    expect(engine.log).toEqual(['listPods', 'killPod web', 'listPods', 'killPod web', 'removePod web', 'removeVolume web_cache']);
  });

  test('-f: a missing pod names the file, as kubectl does', async () => {
    const f = file('gone.yaml', pod('gone'));
    const r = await run(new SpyEngine(), ['delete', '-f', f]);
    expect(r.stderr).toBe(`Error from server (NotFound): error when deleting "${f}": pods "gone" not found\n`);
    expect(r.code).toBe(1);
  });

  test('-f: a document that names no pod stops the run before any change, located', async () => {
    const engine = await engineWith(pod('a'));
    const f = file('noname.yaml', `${pod('a')}---\napiVersion: v1\nkind: Pod\nmetadata:\n  labels: {x: y}\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: d}\n`);
    const r = await run(engine, ['delete', '-f', f]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `${f}:13:1: metadata.name: resource name may not be empty: kubeplay needs metadata.name to know which pod to delete\n` +
        `${f}:17:1: kind: kind "CronJob" is not supported: kubeplay deletes Namespace, ConfigMap, Secret, PersistentVolumeClaim, Service, Endpoints, EndpointSlice, Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job; remove this document from the input\n` +
        'error: 2 problems in 2 documents of 1 file; nothing was deleted. Fix the fields named above and run the command again.\n',
    );
    expect(r.code).toBe(1);
    expect(r.connected).toBe(false);
    expect([...engine.pods.keys()]).toEqual(['a']);
  });

  test('-l takes managed pods only and says which unmanaged ones it left; --include-unmanaged takes them too', async () => {
    const engine = await engineWith(`${pod('a')}---\n${pod('b', '', 'app: db')}`);
    engine.pods.set('foreign', { id: 'f', name: 'foreign', status: 'Running', labels: { app: 'web' }, containers: [] });
    const r = await run(engine, ['delete', 'pods', '-l', 'app in (web)']);
    expect(r.stdout).toBe('pod "a" deleted\n');
    expect(r.stderr).toBe('Warning: 1 matching pod was not created by kubeplay and was left alone (foreign); name it, or add --include-unmanaged, to delete it too.\n');
    expect(r.code).toBe(0);
    expect([...engine.pods.keys()].sort()).toEqual(['b', 'foreign']);
    const again = await run(engine, ['delete', 'pods', '-l', 'app=web', '--include-unmanaged', '-v']);
    expect(again.stdout).toBe('pod "foreign" deleted\n');
    expect(again.stderr).toContain("matches -l app=web, not created by kubeplay (--include-unmanaged); grace period 30s (Kubernetes' default)\n");
  });

  test('a selector that matches nothing: No resources found, exit 0', async () => {
    const r = await run(await engineWith(pod('a')), ['delete', 'pods', '-l', 'app=none']);
    expect(r).toMatchObject({ code: 0, stdout: 'No resources found\n', stderr: '' });
  });

  test('--all, -o name, --now', async () => {
    const engine = await engineWith(`${pod('b')}---\n${pod('a')}`);
    const r = await run(engine, ['delete', 'pods', '--all', '-o', 'name', '--now', '-v']);
    expect(r.stdout).toBe('pod/a\npod/b\n');
    expect(r.stderr).toContain('    awaitPodExit a (up to 1s)\n');
    expect(r.stderr).toContain('    awaitPodExit b (up to 1s)\n');
    expect(engine.signals).toEqual(['a SIGTERM', 'b SIGTERM', 'a SIGKILL', 'b SIGKILL']);
  });

  test('--force --grace-period=0 says "force deleted" and kills at once', async () => {
    const engine = await engineWith(pod('a'));
    const r = await run(engine, ['delete', 'pod', 'a', '--force', '--grace-period=0']);
    expect(r.stdout).toBe('pod "a" force deleted\n');
    expect(r.stderr).toBe('Warning: Immediate deletion: the containers get SIGKILL at once, without a graceful stop.\n');
    expect(engine.removals).toEqual(['a force=true timeout=0']);
    expect(engine.signals).toEqual(['a SIGKILL']);
  });

  test('--dry-run=client with names does not touch Podman; server checks and changes nothing', async () => {
    const engine = await engineWith(pod('a'));
    const c = await run(engine, ['delete', 'pod', 'a', 'zzz', '--dry-run=client']);
    expect(c).toMatchObject({ code: 0, stdout: 'pod "a" deleted (dry run)\npod "zzz" deleted (dry run)\n', connected: false });
    const s = await run(engine, ['delete', 'pod', 'a', 'zzz', '--dry-run=server']);
    expect(s.stdout).toBe('pod "a" deleted (server dry run)\n');
    expect(s.stderr).toBe('Error from server (NotFound): pods "zzz" not found\n');
    expect(s.code).toBe(1);
    expect(engine.log).toEqual(['listPods']);
    expect([...engine.pods.keys()]).toEqual(['a']);
  });

  test('--wait=false hands the chosen pods to a background kubeplay and returns', async () => {
    const engine = await engineWith(`${pod('a')}---\n${pod('b')}`);
    const r = await run(engine, ['delete', 'pods', '--all', '--wait=false', '--grace-period=5']);
    expect(r.stdout).toBe('pod "a" deleted\npod "b" deleted\n');
    expect(r.detached).toEqual([['delete', 'pods', 'a', 'b', '--ignore-not-found', '--wait=true', '--grace-period=5']]);
    expect(engine.log).toEqual(['listPods']);
  });

  test('a pod Podman fails to remove is reported, the others are deleted, exit 1', async () => {
    const engine = await engineWith(`${pod('a')}---\n${pod('b')}`);
    engine.failOn.set('removePod a', 'cannot remove pod a: device busy');
    const r = await run(engine, ['delete', 'pod', 'a', 'b']);
    expect(r.stdout).toBe('pod "b" deleted\n');
    expect(r.stderr).toBe('error: pod/a: cannot remove pod a: device busy; the pod may be partly stopped: run the delete again\n');
    expect(r.code).toBe(1);
  });

  test('-v prints the plan with its steps on stderr', async () => {
    const engine = await engineWith(pod('web', emptyDir));
    const r = await run(engine, ['delete', 'pod', 'web', '-v']);
    expect(r.stderr).toBe(
      'delete    pod/web  grace period 3s (terminationGracePeriodSeconds); removes emptyDir web_cache; keeps PVC keep-me\n' +
        '    signalPod web SIGTERM\n    awaitPodExit web (up to 3s)\n    killPod web (and await its cleanup, up to 10s)\n' +
          '    barrier: every pod stopped and cleaned up\n    removePod web (timeout 0s)\n    removeVolume web_cache\n',
    );
  });

  test('usage errors exit 1 with kubectl\'s message', async () => {
    const r = await run(new SpyEngine(), ['delete', 'pod', 'a', '--now', '--grace-period=2']);
    expect(r.stderr).toBe("error: --now and --grace-period cannot be specified together\nSee 'kubeplay --help' for usage.\n");
    expect(r.code).toBe(1);
    expect(r.connected).toBe(false);
  });
});

describe('kubeplay delete -f on the command line', () => {
  test('-f - reads stdin, -f repeats, and words after -f stay arguments', async () => {
    const engine = await engineWith(`${pod('a')}---\n${pod('b')}`);
    const stdin = file('stdin.yaml', pod('a'));
    const out = new PassThrough();
    let stdout = '';
    out.on('data', (d: Buffer) => (stdout += d.toString()));
    const io: Io = { stdout: out, stderr: new PassThrough(), env: {}, exit: () => undefined, readStdin: async () => readFileSync(stdin) };
    const ctx = { connectEngine: async () => engine, detach: async () => undefined };
    const parse = (args: string[]) =>
      yargs(args)
        .command(deleteCommand(io, ctx))
        .strict()
        .fail((msg, e) => {
          throw e ?? new UsageError(msg);
        })
        .exitProcess(false)
        .parseAsync();
    await parse(['delete', '-f', '-', '-f', file('b.yaml', pod('b')), '--dry-run=client']);
    expect(stdout).toBe('pod "a" deleted (dry run)\npod "b" deleted (dry run)\n');
    await expect(parse(['delete', '-f', stdin, 'pod', 'x'])).rejects.toThrow('when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well');
  });
});
