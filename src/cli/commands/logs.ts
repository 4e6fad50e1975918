/**
 * `kubeplay logs`: the yargs command. The builder only declares; the handler turns argv into
 * LogsOptions, runs runLogs with the process's stdout and stderr as the sink, and stops a follow
 * on SIGINT or SIGTERM. Everything heavy is imported inside the handler.
 */
import type { Argv, CommandModule } from 'yargs';
import type { ObjectStore } from '../../store/object-store';
import type { ContainerEngine } from '../../engine/container-engine';
import type { LogsOptions } from '../../commands/logs';
import type { Io } from '../main';

/** LogsCommandContext is what the composition root lends the command. */
export interface LogsCommandContext {
  connectEngine: (verbosity: number) => Promise<ContainerEngine>;
  /** The object store, where a workload named `deploy/web` is looked up. */
  openStore?: () => ObjectStore;
}

/** toLogsOptions turns yargs' argv into typed LogsOptions; `pod/NAME` names the pod, a second word the container. */
export function toLogsOptions(argv: Record<string, unknown>, parseDuration: (s: string) => number): LogsOptions {
  const raw = typeof argv['pod'] === 'string' ? argv['pod'] : '';
  const pod = raw.replace(/^(pods?|po)\//i, '');
  const container = typeof argv['container'] === 'string' && argv['container'] !== '' ? argv['container'] : typeof argv['containerArg'] === 'string' ? argv['containerArg'] : undefined;
  const o: LogsOptions = {
    ...(typeof argv['namespace'] === 'string' && argv['namespace'] !== '' ? { namespace: argv['namespace'] } : {}),
    pod,
    allContainers: Boolean(argv['all-containers']),
    follow: Boolean(argv['follow']),
    tail: argv['tail'] === undefined ? -1 : Number(argv['tail']),
    timestamps: Boolean(argv['timestamps']),
    prefix: Boolean(argv['prefix']),
    previous: Boolean(argv['previous']),
  };
  if (container !== undefined) o.container = container;
  if (typeof argv['since'] === 'string' && argv['since'] !== '') o.sinceSeconds = parseDuration(argv['since']);
  return o;
}

/** logsCommand builds the yargs module of `kubeplay logs`. */
export function logsCommand(io: Io, ctx: LogsCommandContext): CommandModule {
  return {
    command: 'logs <pod> [containerArg]',
    describe: 'Print the logs of a container in a pod',
    builder: (y: Argv) =>
      y
        .positional('pod', { type: 'string', describe: 'The pod: NAME or pod/NAME' })
        .positional('containerArg', { type: 'string', describe: 'The container (the same as -c)' })
        .option('container', { alias: 'c', type: 'string', describe: 'Print the logs of this container' })
        .option('all-containers', { type: 'boolean', default: false, describe: 'Print the logs of every container in the pod' })
        .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'Keep printing new lines until interrupted' })
        .option('tail', { type: 'number', default: -1, describe: 'Lines of recent log to print; -1 prints all' })
        .option('since', { type: 'string', describe: 'Only lines newer than this duration (5s, 2m, 3h)' })
        .option('timestamps', { type: 'boolean', default: false, describe: 'Put the time of each line before it' })
        .option('prefix', { type: 'boolean', default: false, describe: 'Put [pod/NAME/CONTAINER] before each line' })
        .option('previous', { alias: 'p', type: 'boolean', default: false, describe: 'Print the logs of the previous run of a restarted container' })
        .example('kubeplay logs web', 'The logs of the pod\'s only (or first) container')
        .example('kubeplay logs web -c sidecar --tail=20', 'The last 20 lines of one container')
        .example('kubeplay logs web --all-containers --prefix', 'Every container, each line marked with its container')
        .example('kubeplay logs -f web', 'Follow the log until interrupted')
        .example('kubeplay logs -p web', 'The run before the last restart'),
    handler: async (argv) => {
      if (argv['help'] === true) return;
      const verbosity = Number(argv['verbose'] ?? 0);
      const { runLogs, parseDuration } = await import('../../commands/logs');
      const opts = toLogsOptions(argv, parseDuration);
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await runLogs(
          opts,
          { engine: () => ctx.connectEngine(verbosity), now: () => new Date(), ...(ctx.openStore ? { store: ctx.openStore } : {}), note: (l) => io.stderr.write(`${l}\n`) },
          { out: (d) => io.stdout.write(d), note: (t) => io.stderr.write(t) },
          controller.signal,
        );
      } finally {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
      }
    },
  };
}
