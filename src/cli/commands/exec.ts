/**
 * `kubeplay exec`: the yargs command. The builder only declares; the handler turns argv into
 * ExecOptions, lends runExec the process's terminal (raw mode, size, SIGWINCH), and passes the
 * command's exit status through as kubeplay's, as kubectl does. Everything heavy is imported
 * inside the handler.
 */
import type { Argv, CommandModule } from 'yargs';
import type { ObjectStore } from '../../store/object-store';
import type { ContainerEngine } from '../../engine/container-engine';
import type { ExecOptions, ExecTerminal } from '../../commands/exec';
import type { Io } from '../main';

/** ExecCommandContext is what the composition root lends the command. */
export interface ExecCommandContext {
  connectEngine: (verbosity: number) => Promise<ContainerEngine>;
  /** The object store, where a workload named `deploy/web` is looked up. */
  openStore?: () => ObjectStore;
  /** The terminal exec attaches to; the process's own by default. */
  terminal?: () => ExecTerminal;
}

/** toExecOptions turns yargs' argv into typed ExecOptions: the command is what follows `--`. */
export function toExecOptions(argv: Record<string, unknown>): ExecOptions {
  const raw = typeof argv['pod'] === 'string' ? argv['pod'] : '';
  const afterDashes = argv['--'];
  const command = (Array.isArray(afterDashes) ? afterDashes : Array.isArray(argv['command']) ? argv['command'] : []).map(String);
  const o: ExecOptions = {
    ...(typeof argv['namespace'] === 'string' && argv['namespace'] !== '' ? { namespace: argv['namespace'] } : {}),
    pod: raw.replace(/^(pods?|po)\//i, ''),
    command,
    stdin: Boolean(argv['stdin']),
    tty: Boolean(argv['tty']),
  };
  if (typeof argv['container'] === 'string' && argv['container'] !== '') o.container = argv['container'];
  return o;
}

/** processTerminal is the process's terminal: stdin, stdout, stderr, raw mode and SIGWINCH. */
export function processTerminal(io: Io): ExecTerminal {
  const stdin = process.stdin;
  const out = process.stdout;
  return {
    stdin,
    stdout: io.stdout,
    stderr: io.stderr,
    stdinIsTerminal: stdin.isTTY === true,
    setRaw: (on) => {
      if (stdin.isTTY) stdin.setRawMode(on);
    },
    size: () => (out.isTTY && out.rows > 0 && out.columns > 0 ? { rows: out.rows, columns: out.columns } : undefined),
    onResize: (cb) => {
      process.on('SIGWINCH', cb);
      return () => process.removeListener('SIGWINCH', cb);
    },
  };
}

/** execCommand builds the yargs module of `kubeplay exec`. */
export function execCommand(io: Io, ctx: ExecCommandContext): CommandModule {
  return {
    command: 'exec <pod> [command..]',
    describe: 'Run a command in a container of a pod (exec -it POD -- sh for a shell)',
    builder: (y: Argv) =>
      y
        .parserConfiguration({ 'populate--': true })
        .positional('pod', { type: 'string', describe: 'The pod: NAME or pod/NAME' })
        .positional('command', { type: 'string', array: true, describe: 'The command and its arguments, after --' })
        .option('container', { alias: 'c', type: 'string', describe: 'The container; the pod\'s only (or first) one by default' })
        .option('stdin', { alias: 'i', type: 'boolean', default: false, describe: 'Pass stdin to the command' })
        .option('tty', { alias: 't', type: 'boolean', default: false, describe: 'Give the command a terminal (with -i, when stdin is one)' })
        .example('kubeplay exec web -- ls /', 'Run a command in the pod\'s container')
        .example('kubeplay exec -it web -c sidecar -- sh', 'An interactive shell in one container')
        .example('echo hi | kubeplay exec -i web -- cat', 'Feed the command stdin'),
    handler: async (argv) => {
      if (argv['help'] === true) return;
      const verbosity = Number(argv['verbose'] ?? 0);
      const { runExec } = await import('../../commands/exec');
      const { ReportedError } = await import('../../domain/errors');
      const opts = toExecOptions(argv);
      const term = (ctx.terminal ?? (() => processTerminal(io)))();
      let code: number;
      try {
        code = await runExec(opts, { engine: () => ctx.connectEngine(verbosity), now: () => new Date(), ...(ctx.openStore ? { store: ctx.openStore } : {}), note: (l) => io.stderr.write(`${l}\n`) }, term);
      } finally {
        // stdin was read for the command; left open it would keep kubeplay from exiting.
        if (opts.stdin && term.stdin === process.stdin) process.stdin.pause();
      }
      if (code !== 0) {
        // kubectl's words for the remote command's status, which becomes kubeplay's own.
        io.stderr.write(`command terminated with exit code ${code}\n`);
        throw new ReportedError(code);
      }
    },
  };
}
