/**
 * `kubeplay delete`: the yargs command. The builder only declares flags and examples; the handler
 * turns argv into DeleteOptions, runs runDelete, and prints through src/print/delete.ts. Every
 * module is loaded inside the handler, so other commands pay nothing for this one at start-up.
 */
import type { ObjectStore } from '../../store/object-store';
import { textOf } from '../../domain/text';
import type { Argv, CommandModule } from 'yargs';
import { ManifestError, NotFoundError, PartialFailureError, ReportedError, UsageError } from '../../domain/errors';
import type { ContainerEngine } from '../../engine/container-engine';
import type { Cascade, DeleteOptions } from '../../commands/delete';
import type { DryRun } from '../../commands/apply';
import type { Io } from '../main';

/** DeleteCommandContext is what the composition root lends the command. */
export interface DeleteCommandContext {
  connectEngine: (verbosity: number) => Promise<ContainerEngine>;
  /** Takes the lock of the connection connectEngine made, so delete and apply do not interleave. */
  lockConnection?: () => Promise<() => Promise<void>>;
  /** Starts the background kubeplay of --wait=false; defaults to a detached `node bin/kubeplay.js`. */
  detach?: (args: string[], io: Io) => Promise<void>;
  /** Opens the object store, which delete keeps in step; absent: nothing is recorded. */
  openStore?: () => ObjectStore;
  /** Makes the prober the controllers' look at pods runs. */
  prober?: (engine: ContainerEngine) => import('../../observe/probes/prober').Prober;
  /** kubeplay's network (docs/networking.md). */
  network?: () => import('../../commands/network').NetworkDeps;
  /** Where pods' volume files are kept (`<state dir>/pods`): a deleted pod's are removed. */
  filesRoot?: () => string;
}

/** deleteCommand builds the yargs module of `kubeplay delete`. */
export function deleteCommand(io: Io, ctx: DeleteCommandContext): CommandModule {
  return {
    command: 'delete [args..]',
    describe: 'Delete pods by file, by name, by label selector, or all of them, with a graceful stop',
    builder: (y: Argv) =>
      y
        .positional('args', { type: 'string', array: true, describe: 'pod NAME..., pod/NAME..., or pods with -l or --all' })
        // Not `array: true`: yargs then drops `-f -` (stdin) and swallows the words after -f as more files.
        .option('filename', { alias: 'f', type: 'string', describe: 'Delete the pods these files name (a file, a directory, or - for stdin; repeatable)' })
        .option('recursive', { alias: 'R', type: 'boolean', default: false, describe: 'Process the directories given with -f recursively' })
        .option('selector', { alias: 'l', type: 'string', describe: 'Label selector (k=v, k!=v, k in (a,b), k notin (a,b), k, !k)' })
        .option('all', { type: 'boolean', default: false, describe: 'Delete every pod kubeplay created (in the namespace, or with -A in all)' })
        .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, describe: 'With -l or --all: look in every namespace' })
        .option('ignore-not-found', { type: 'boolean', describe: 'Treat a pod that is not there as deleted (the default with -l and --all)' })
        .option('include-unmanaged', { type: 'boolean', default: false, describe: 'Let -l and --all also delete pods kubeplay did not create' })
        .option('grace-period', { type: 'number', default: -1, describe: 'Seconds between SIGTERM and SIGKILL; -1 uses the pod\'s terminationGracePeriodSeconds (default 30)' })
        .option('now', { type: 'boolean', default: false, describe: 'Stop at once: a grace period of 1 second' })
        .option('force', { type: 'boolean', default: false, describe: 'With --grace-period=0: kill the containers at once (SIGKILL)' })
        .option('dry-run', { type: 'string', describe: 'client: print what would be deleted; server: also check against Podman; none' })
        .option('wait', { type: 'boolean', default: true, describe: 'Wait until the pods are gone; --wait=false returns once deletion is requested and a background kubeplay finishes it' })
        .option('output', { alias: 'o', type: 'string', default: '', describe: 'name: print pod/NAME for each pod deleted' })
        .option('cascade', { type: 'string', default: 'background', describe: 'What becomes of what a deleted workload made: background or foreground (removed), orphan (kept)' })
        .example('kubeplay delete -f pod.yaml', 'Delete the pods pod.yaml names')
        .example('kubeplay delete pod web api', 'Delete two pods by name')
        .example('kubeplay delete pods -l app=front', 'Delete the pods kubeplay created with label app=front')
        .example('kubeplay delete pods --all', 'Delete every pod kubeplay created')
        .example('kubeplay delete pod web --now', 'Delete with a grace period of 1 second')
        .example('kubeplay delete namespace shop', 'Delete a namespace and the pods kubeplay made in it')
        .example('kubeplay delete pod web --force --grace-period=0', 'Kill at once'),
    handler: async (argv) => {
      const verbosity = Number(argv['verbose'] ?? 0);
      const { runDelete } = await import('../../commands/delete');
      const print = await import('../../print/delete');
      const opts = toDeleteOptions(argv);
      const detach = ctx.detach ?? detachKubeplay;
      let report;
      try {
        report = await runDelete(opts, {
          readStdin: io.readStdin,
          engine: () => ctx.connectEngine(verbosity),
          detach: (args) => detach(args, io),
          ...(ctx.lockConnection ? { lock: ctx.lockConnection } : {}),
          ...(ctx.openStore ? { store: ctx.openStore } : {}),
          ...(ctx.filesRoot ? { filesRoot: ctx.filesRoot() } : {}),
          hostFs: (await import('../../execute/node-host-fs')).nodeHostFs,
          node: (await import('../node-info')).nodeInfo(),
          ...(ctx.prober ? { prober: ctx.prober } : {}),
          ...(ctx.network ? { network: ctx.network() } : {}),
          probe: {
            portFree: (await import('../../observe/host-port-probe')).bindProbe,
            statPath: (await import('../../observe/host-path')).statPath,
            startRunning: () => Promise.resolve(false),
          },
        });
      } catch (e) {
        if (!(e instanceof ManifestError)) throw e;
        // main's mapper would say "nothing was applied"; delete's problems say "deleted".
        const { formatErrors } = await import('../../print/issues');
        io.stderr.write(formatErrors(e.issues, 'deleted'));
        throw new PartialFailureError([]);
      }
      if (verbosity > 0) {
        const { formatPlan } = await import('../../plan/plan');
        io.stderr.write(formatPlan(report.plan, { steps: true }));
      }
      io.stderr.write(print.formatDeleteWarnings(report));
      io.stdout.write(print.formatDeleteReport(report, opts.output === 'name' ? 'name' : ''));
      const failures = print.deleteFailures(report);
      // What the API server refuses to delete (the default namespace), in its words; exit 1 at the end.
      for (const f of report.plan.forbidden) io.stderr.write(`Error from server (Forbidden): ${f.message}\n`);
      const notFound = report.plan.notFound.length > 0
        ? new NotFoundError(
            report.plan.notFound.map((t) => ({ name: t.name, ...(t.resource !== undefined ? { resource: t.resource } : {}), ...(t.source !== undefined ? { context: `error when deleting "${t.source}": ` } : {}) })),
          )
        : undefined;
      if (failures.length === 0 && notFound) throw notFound;
      // Both kinds: kubectl names the missing pods first, then the failures; exit 1 either way.
      if (notFound) io.stderr.write(notFound.lines());
      if (failures.length > 0) throw new PartialFailureError(failures);
      if (report.plan.forbidden.length > 0) throw new ReportedError(1);
    },
  };
}

/** toDeleteOptions turns yargs' argv into typed DeleteOptions. */
export function toDeleteOptions(argv: Record<string, unknown>): DeleteOptions {
  const opts: DeleteOptions = {
    args: ((argv['args'] as unknown[] | undefined) ?? []).map(String),
    files: toList(argv['filename']),
    recursive: Boolean(argv['recursive']),
    all: Boolean(argv['all']),
    includeUnmanaged: Boolean(argv['include-unmanaged']),
    gracePeriod: argv['grace-period'] === undefined ? -1 : Number(argv['grace-period']),
    now: Boolean(argv['now']),
    force: Boolean(argv['force']),
    dryRun: toDeleteDryRun(argv['dry-run']),
    wait: argv['wait'] === undefined ? true : Boolean(argv['wait']),
    output: argv['output'] === undefined ? '' : textOf(argv['output']),
    allNamespaces: Boolean(argv['all-namespaces']),
  };
  if (typeof argv['namespace'] === 'string' && argv['namespace'] !== '') opts.namespace = argv['namespace'];
  if (typeof argv['selector'] === 'string') opts.selector = argv['selector'];
  if (typeof argv['ignore-not-found'] === 'boolean') opts.ignoreNotFound = argv['ignore-not-found'];
  opts.cascade = toCascade(argv['cascade']);
  return opts;
}

/** toCascade reads kubectl's --cascade: background, foreground, orphan (and the deprecated true = background, false = orphan). */
export function toCascade(v: unknown): Cascade {
  if (v === undefined || v === true || v === 'true' || v === 'background' || v === '') return 'background';
  if (v === false || v === 'false' || v === 'orphan') return 'orphan';
  if (v === 'foreground') return 'foreground';
  throw new UsageError(`invalid cascade value (${textOf(v)}). Must be "background", "foreground", or "orphan".`);
}

function toList(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** toDeleteDryRun maps --dry-run's values (a bare flag is client, as in kubectl). */
export function toDeleteDryRun(v: unknown): DryRun {
  if (v === undefined || v === 'none' || v === false || v === 'false') return 'none';
  if (v === '' || v === true || v === 'true' || v === 'client') return 'client';
  if (v === 'server') return 'server';
  throw new UsageError(`invalid --dry-run value "${textOf(v)}": use client, server or none`);
}

/**
 * detachKubeplay starts `node bin/kubeplay.js ARGS` detached from this process, with no stdio,
 * so it outlives the command: Podman has no deletion queue of its own, so this background
 * kubeplay plays the part of Kubernetes' server finishing a graceful deletion.
 */
export async function detachKubeplay(args: string[], io: Io): Promise<void> {
  const { spawn } = await import('node:child_process');
  const path = await import('node:path');
  const bin = path.resolve(__dirname, '..', '..', '..', 'bin', 'kubeplay.js');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { detached: true, stdio: 'ignore', env: io.env });
    child.once('error', (e) => reject(e));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
