/**
 * The yargs commands that change workloads and wait on them: `scale`, `rollout`, `wait`. Each
 * turns argv into its options, lends runScale/runRollout/runWait (src/commands/) Podman, the store
 * and the lock, and prints kubectl's lines.
 */
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../domain/errors';
import { textOf } from '../../domain/text';
import type { WorkloadDeps } from '../../commands/workloads';
import type { ObjectStore } from '../../store/object-store';
import type { EngineContext, Io } from '../main';
import type { ContainerEngine } from '../../engine/container-engine';
import type { Prober } from '../../observe/probes/prober';

/** WorkloadCommandContext is what the composition root lends these commands. */
export interface WorkloadCommandContext extends EngineContext {
  openStore: () => ObjectStore;
  filesRoot: () => string;
  prober?: (engine: ContainerEngine) => Prober;
  /** kubeplay's network (docs/networking.md). */
  network?: () => import('../../commands/network').NetworkDeps;
}

/** workloadDeps builds what the runners need. */
async function workloadDeps(ctx: WorkloadCommandContext, argv: Record<string, unknown>): Promise<WorkloadDeps> {
  const verbosity = Number(argv['verbose'] ?? 0);
  let engine: ReturnType<WorkloadDeps['engine']> | undefined;
  return {
    engine: () => (engine ??= ctx.connectEngine(verbosity)),
    store: ctx.openStore,
    lock: () => ctx.lockConnection(),
    probe: {
      portFree: (await import('../../observe/host-port-probe')).bindProbe,
      statPath: (await import('../../observe/host-path')).statPath,
      startRunning: () => Promise.resolve(false),
    },
    hostFs: (await import('../../execute/node-host-fs')).nodeHostFs,
    filesRoot: ctx.filesRoot(),
    node: (await import('../node-info')).nodeInfo(),
    ...(ctx.prober ? { prober: ctx.prober } : {}),
    ...(ctx.network ? { network: ctx.network() } : {}),
  };
}

function namespaceOf(argv: Record<string, unknown>): { namespace?: string } {
  return typeof argv['namespace'] === 'string' && argv['namespace'] !== '' ? { namespace: argv['namespace'] } : {};
}

function args(argv: Record<string, unknown>): string[] {
  return ((argv['args'] as unknown[] | undefined) ?? []).map(String);
}

/** secondsOf reads a kubectl duration flag (`30s`, `5m`; a bare number is seconds). */
async function secondsOf(v: unknown, flag: string): Promise<number | undefined> {
  if (v === undefined || v === '') return undefined;
  const text = textOf(v);
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const { parseDuration } = await import('../../commands/logs');
  try {
    return parseDuration(text);
  } catch {
    throw new UsageError(`invalid ${flag} value "${text}": use a duration such as 30s, 5m or 1h`);
  }
}

/** reconcileNotes prints what the controllers could not do. */
function reconcileNotes(io: Io, r: { failures: string[] } | undefined): void {
  for (const f of r?.failures ?? []) io.stderr.write(`Warning: ${f}\n`);
}

/** scaleCommand is `kubeplay scale`. */
export function scaleCommand(io: Io, ctx: WorkloadCommandContext): CommandModule {
  return {
    command: 'scale [args..]',
    describe: 'Set a new size for a deployment, replica set or stateful set',
    builder: (y: Argv) =>
      y
        .positional('args', { type: 'string', array: true, describe: 'TYPE/NAME ... or TYPE NAME ...' })
        .option('replicas', { type: 'number', describe: 'The new desired number of replicas (required)' })
        .option('current-replicas', { type: 'number', default: -1, describe: 'Precondition: the current size must be this; -1 for none' })
        .example('kubeplay scale deployment/web --replicas=3', 'Run three replicas of web'),
    handler: async (argv) => {
      if (argv['replicas'] === undefined) throw new UsageError('required flag(s) "replicas" not set');
      const { runScale } = await import('../../commands/scale');
      const r = await runScale({ args: args(argv), replicas: Number(argv['replicas']), currentReplicas: Number(argv['current-replicas'] ?? -1), ...namespaceOf(argv) }, await workloadDeps(ctx, argv));
      reconcileNotes(io, r.reconciled);
      io.stdout.write(r.scaled.map((s) => `${s} scaled\n`).join(''));
      await ctx.release();
    },
  };
}

/** rolloutCommand is `kubeplay rollout status|history|undo|restart|pause|resume`. */
export function rolloutCommand(io: Io, ctx: WorkloadCommandContext): CommandModule {
  return {
    command: 'rollout <verb> [args..]',
    describe: 'Manage the rollout of a deployment, stateful set or daemon set: status, history, undo, restart, pause, resume',
    builder: (y: Argv) =>
      y
        .positional('verb', { type: 'string', choices: ['status', 'history', 'undo', 'restart', 'pause', 'resume'], describe: 'What to do' })
        .positional('args', { type: 'string', array: true, describe: 'TYPE/NAME ... or TYPE NAME ...' })
        .option('revision', { type: 'number', default: 0, describe: 'history: show this revision\'s template' })
        .option('to-revision', { type: 'number', default: 0, describe: 'undo: the revision to roll back to (0: the previous one)' })
        .option('timeout', { type: 'string', describe: 'status: how long to wait (e.g. 5m; 0 or absent: no limit)' })
        .option('watch', { alias: 'w', type: 'boolean', default: true, describe: 'status: wait for the rollout to finish (false: print its state once)' })
        .example('kubeplay rollout status deployment/web', 'Wait for web\'s rollout to finish')
        .example('kubeplay rollout undo deployment/web', 'Roll web back to its previous revision')
        .example('kubeplay rollout restart deployment/web', 'Replace web\'s pods, one rollout at a time'),
    handler: async (argv) => {
      const { runRollout } = await import('../../commands/rollout');
      const verb = String(argv['verb']) as import('../../commands/rollout').RolloutVerb;
      const r = await runRollout(
        {
          verb,
          args: args(argv),
          ...namespaceOf(argv),
          revision: Number(verb === 'undo' ? argv['to-revision'] ?? 0 : argv['revision'] ?? 0),
          timeoutSeconds: (await secondsOf(argv['timeout'], '--timeout')) ?? 0,
          watch: argv['watch'] !== false,
          ...(verb === 'status' ? { onLine: (l: string) => void io.stdout.write(`${l}\n`) } : {}),
        },
        await workloadDeps(ctx, argv),
      );
      reconcileNotes(io, r.reconciled);
      io.stdout.write(r.lines.map((l) => `${l}\n`).join(''));
      await ctx.release();
    },
  };
}

/** waitCommand is `kubeplay wait`. */
export function waitCommand(io: Io, ctx: WorkloadCommandContext): CommandModule {
  return {
    command: 'wait [args..]',
    describe: 'Wait for a condition on objects: --for=condition=Available, --for=delete, --for=jsonpath=...',
    builder: (y: Argv) =>
      y
        .positional('args', { type: 'string', array: true, describe: 'TYPE/NAME ... or TYPE NAME ...' })
        .option('for', { type: 'string', describe: 'condition=NAME[=VALUE], delete, or jsonpath=\'{PATH}\'=VALUE' })
        .option('timeout', { type: 'string', default: '30s', describe: 'How long to wait before giving up (e.g. 30s, 5m)' })
        .example('kubeplay wait --for=condition=Available deployment/web', 'Wait until web is available')
        .example('kubeplay wait --for=condition=complete job/migrate --timeout=5m', 'Wait for a Job to complete')
        .example('kubeplay wait --for=delete pod/web', 'Wait until a pod is gone'),
    handler: async (argv) => {
      const { runWait } = await import('../../commands/wait');
      const lines = await runWait(
        { args: args(argv), for: textOf(argv['for'] ?? ''), timeoutSeconds: (await secondsOf(argv['timeout'], '--timeout')) ?? 30, ...namespaceOf(argv), onLine: (l) => void io.stdout.write(`${l}\n`) },
        await workloadDeps(ctx, argv),
      );
      io.stdout.write(lines.map((l) => `${l}\n`).join(''));
      await ctx.release();
    },
  };
}
