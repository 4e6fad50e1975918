/**
 * kubeplay's composition root: it parses the command line, builds the engine adapter and the
 * printers, runs a command, and is the one place that maps errors to messages and exit codes.
 * Nothing happens at import time.
 */
import { textOf } from '../domain/text';
import type { Argv } from 'yargs';
import {
  BadRequestError,
  ConflictError,
  EngineError,
  InternalError,
  InterruptedError,
  ManifestError,
  NotFoundError,
  ObjectError,
  PartialFailureError,
  ReportedError,
  StatusError,
  StoreError,
  UsageError,
} from '../domain/errors';
import type { ContainerEngine, EngineCall } from '../engine/container-engine';
import type { HeadStart } from './head-start';
import type { ObjectStore } from '../store/object-store';
import type { Prober } from '../observe/probes/prober';
import type { NetworkDeps } from '../commands/network';
import { getCommand } from './commands/get';
import { deleteCommand } from './commands/delete';
import { describeCommand } from './commands/describe';
import { logsCommand } from './commands/logs';
import { rolloutCommand, scaleCommand, waitCommand } from './commands/workloads';
import { execCommand } from './commands/exec';
import { portForwardCommand } from './commands/port-forward';
import { startSequenceCommand } from './commands/start-sequence';
import { serveCommand } from './commands/serve';
import { applyCommand } from './commands/apply';
import { exitCodeOfSignal } from './exit-codes';

/** Io is the process surface the CLI uses; tests inject their own. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readStdin: (maxBytes: number) => Promise<Buffer>;
  env: NodeJS.ProcessEnv;
  exit: (code: number) => void;
  /**
   * Calls handler on SIGINT or SIGTERM, with the signal's name, until the returned function is
   * called. A second signal ends the process at once. Absent in tests that do not need it.
   */
  onInterrupt?: (handler: (signal: string) => void) => () => void;
}

/** EXIT_CODES documents kubeplay's exit statuses (shown in --help). */
export const EXIT_CODES = `Exit status:
  0    success
  1    the input, the command line, Podman or an object failed (the message says which and what to do)
  2    a bug in kubeplay (please report it with the command you ran)
  130  apply stopped by SIGINT (143: by SIGTERM); what it could not roll back is named
  N    exec: the command's own exit status, after "command terminated with exit code N"`;

function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    exit: (code) => {
      process.exitCode = code;
    },
    readStdin: async (maxBytes) => {
      const { readStream } = await import('../load/read-sources');
      return readStream(process.stdin, maxBytes);
    },
    onInterrupt: (handler) => {
      let seen = 0;
      const on = (signal: NodeJS.Signals) => {
        // The first signal asks for a clean stop; a second one means "now", as in most CLIs.
        if (++seen > 1) process.exit(exitCodeOfSignal(signal));
        handler(signal);
      };
      process.on('SIGINT', on);
      process.on('SIGTERM', on);
      return () => {
        process.off('SIGINT', on);
        process.off('SIGTERM', on);
      };
    },
  };
}

export { exitCodeOfSignal } from './exit-codes';

/**
 * main runs kubeplay with the given arguments; it never throws. Run as the process (no `io`),
 * it first gives apply and get their head start (./head-start.ts): Podman starts on the listing
 * they will need while yargs loads.
 */
export async function main(args: string[], io?: Io): Promise<void> {
  const head = io === undefined ? await giveHeadStart(args) : undefined;
  return run(args, io ?? processIo(), head);
}

/** The --request-timeout of this run, in seconds; undefined: each call's own deadline. */
let requestTimeoutSeconds: number | undefined;
/** The --state-dir of this run; undefined: KUBEPLAY_STATE_DIR or the default (store/state-dir.ts). */
let stateDirFlag: string | undefined;

/**
 * openObjectStore opens the object store (src/store) in the state directory: --state-dir, else
 * KUBEPLAY_STATE_DIR, else next to Podman's storage. Loaded only when a command records state.
 */
function openObjectStore(env: NodeJS.ProcessEnv): ObjectStore {
  const { SqliteObjectStore } = require('../store/sqlite-object-store') as typeof import('../store/sqlite-object-store');
  return SqliteObjectStore.openStateDir(stateDirOfRun(env));
}

/** stateDirOfRun is this run's state directory (absolute): --state-dir, else KUBEPLAY_STATE_DIR, else the default. */
function stateDirOfRun(env: NodeJS.ProcessEnv): string {
  const { stateDirOf } = require('../store/state-dir') as typeof import('../store/state-dir');
  const path = require('node:path') as typeof import('node:path');
  return path.resolve(stateDirFlag ?? stateDirOf(env, process.getuid?.() ?? 0));
}

/**
 * proberOf makes the prober of a command that observes pods as v1 Pods (get, describe, ...): its
 * records are files under `<state dir>/probes` (store/probe-record-files.ts), its network probes go
 * from this process to the pods' IPs, its exec probes and liveness restarts through the engine.
 */
export function proberOf(env: NodeJS.ProcessEnv): (engine: ContainerEngine) => Prober {
  return (engine) => {
    const { Prober: ProberClass } = require('../observe/probes/prober') as typeof import('../observe/probes/prober');
    const { NetworkProbeHandlers } = require('../observe/probes/handlers') as typeof import('../observe/probes/handlers');
    const { FileProbeRecords } = require('../store/probe-record-files') as typeof import('../store/probe-record-files');
    return new ProberClass({ records: new FileProbeRecords(`${stateDirOfRun(env)}/probes`), handlers: new NetworkProbeHandlers(engine), engine, now: () => new Date() });
  };
}

/** networkOf makes the network's dependencies of this run's state directory (docs/networking.md), at first use. */
function networkOf(env: NodeJS.ProcessEnv): () => NetworkDeps {
  return () => {
    const { networkDepsOf } = require('./network-deps') as typeof import('./network-deps');
    return networkDepsOf(stateDirOfRun(env), env);
  };
}

/** filesRootOf is where pods' configMap/secret/projected volume files are kept: `<state dir>/pods`. */
function filesRootOf(env: NodeJS.ProcessEnv): string {
  return `${stateDirOfRun(env)}/pods`;
}

/**
 * toRequestTimeout reads --request-timeout as kubectl does: a number with a unit (`500ms`, `2s`,
 * `1m`, `1h`) or a bare number of seconds; 0 or absent leaves each call its own deadline.
 */
export function toRequestTimeout(v: unknown): number | undefined {
  if (v === undefined || v === '' || v === '0') return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(textOf(v));
  if (m === null) throw new UsageError(`invalid --request-timeout value "${textOf(v)}": use a duration such as 30s, 2m or 1h (0 for each call's own deadline)`);
  const n = Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return n > 0 ? n : undefined;
}

async function run(args: string[], io: Io, head: HeadStart | undefined): Promise<void> {
  let verbose = 0;
  requestTimeoutSeconds = undefined;
  stateDirFlag = undefined;
  const cli = buildCli(args, io, (v) => (verbose = v), head);
  try {
    await cli.parseAsync();
  } catch (e) {
    io.exit(reportError(e, io, verbose));
  }
}

/**
 * giveHeadStart asks for the listing the arguments call for, if any, and lets the event loop
 * turn once so that the request leaves before yargs is loaded (~20 ms of synchronous work).
 */
async function giveHeadStart(args: string[]): Promise<HeadStart | undefined> {
  let head: HeadStart | undefined;
  try {
    const { planHeadStart, startHeadStart } = require('./head-start') as typeof import('./head-start');
    const plan = planHeadStart(args);
    if (plan === undefined) return undefined;
    const { socketCandidates } = require('../engine/connect') as typeof import('../engine/connect');
    head = startHeadStart(plan, {
      candidates: () => socketCandidates(process.env),
      makeEngine: (socketPath, onCall) => {
        const { LibpodContainerEngine } = require('../engine/libpod/libpod-container-engine') as typeof import('../engine/libpod/libpod-container-engine');
        return new LibpodContainerEngine({ socketPath, onCall });
      },
      tryLock: (socketPath) => (require('../engine/connection-lock') as typeof import('../engine/connection-lock')).tryConnectionLock(socketPath),
      prefetch: require('../engine/prefetched') as typeof import('../engine/prefetched'),
    });
  } catch {
    return undefined; // the command finds out the same thing its own way
  }
  if (head !== undefined) await new Promise((resolve) => setImmediate(resolve));
  return head;
}

function buildCli(args: string[], io: Io, setVerbose: (v: number) => void, head: HeadStart | undefined): Argv {
  // Loaded here, not at import: the head start goes first.
  const yargs = require('yargs') as typeof import('yargs');
  return skipHelpCache(yargs(args)
    .scriptName('kubeplay')
    .usage('kubeplay runs Kubernetes Pod manifests on Podman with kubectl\'s semantics.\n\nUsage: kubeplay <command> [flags]')
    .command(applyCommand(io, { engines: engineContext(io, head), openStore: () => openObjectStore(io.env), filesRoot: () => filesRootOf(io.env), prober: proberOf(io.env), network: networkOf(io.env) }, setVerbose))
    .command(getCommand(io, { ...engineContext(io, head), openStore: () => openObjectStore(io.env), prober: proberOf(io.env) }))
    .command(deleteCommand(io, { ...engineContext(io, head), openStore: () => openObjectStore(io.env), filesRoot: () => filesRootOf(io.env), prober: proberOf(io.env), network: networkOf(io.env) }))
    .command(describeCommand(io, { ...engineContext(io, head), openStore: () => openObjectStore(io.env), prober: proberOf(io.env) }))
    .command(scaleCommand(io, { ...engineContext(io, head), openStore: () => openObjectStore(io.env), filesRoot: () => filesRootOf(io.env), prober: proberOf(io.env), network: networkOf(io.env) }))
    .command(rolloutCommand(io, { ...engineContext(io, head), openStore: () => openObjectStore(io.env), filesRoot: () => filesRootOf(io.env), prober: proberOf(io.env), network: networkOf(io.env) }))
    .command(waitCommand(io, { ...engineContext(io, head), openStore: () => openObjectStore(io.env), filesRoot: () => filesRootOf(io.env), prober: proberOf(io.env), network: networkOf(io.env) }))
    .command(logsCommand(io, { ...engineContext(io, head), openStore: () => openObjectStore(io.env) }))
    .command(execCommand(io, { ...engineContext(io, head), openStore: () => openObjectStore(io.env) }))
    .command(portForwardCommand(io, { ...engineContext(io, head), openStore: () => openObjectStore(io.env) }))
    .command(serveCommand(io, { ...engineContext(io, head), openStore: () => openObjectStore(io.env), stateDir: () => stateDirOfRun(io.env), filesRoot: () => filesRootOf(io.env), prober: proberOf(io.env), network: networkOf(io.env) }))
    .command(startSequenceCommand(io, (socketPath) => {
      const { LibpodContainerEngine } = require('../engine/libpod/libpod-container-engine') as typeof import('../engine/libpod/libpod-container-engine');
      return new LibpodContainerEngine({ socketPath });
    }))
    .option('verbose', { alias: 'v', type: 'count', describe: "Show more: -v adds each Podman API call and the plan, -vv each action's steps" })
    .option('request-timeout', {
      type: 'string',
      describe: "How long to wait for Podman's answer to a single call before giving up (e.g. 1s, 2m; 0: each call's own default)",
    })
    .option('namespace', { alias: 'n', type: 'string', describe: 'The namespace of the objects named (default: default)' })
    .option('state-dir', {
      type: 'string',
      describe: `Where kubeplay keeps its object store (default: /var/lib/kubeplay as root, else $XDG_DATA_HOME/kubeplay; also KUBEPLAY_STATE_DIR)`,
    })
    .middleware((argv) => {
      requestTimeoutSeconds = toRequestTimeout(argv['request-timeout']);
      stateDirFlag = typeof argv['state-dir'] === 'string' && argv['state-dir'] !== '' ? argv['state-dir'] : undefined;
    })
    .demandCommand(1, 'kubeplay needs a command: try kubeplay apply -f pod.yaml, or kubeplay --help')
    .strict()
    .recommendCommands()
    .epilog(EXIT_CODES)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .exitProcess(false)
    .help()
    .version());
}

/**
 * skipHelpCache stops yargs from rendering a command's whole help text each time it runs the
 * command's handler (~9 ms of every get and apply). yargs keeps that text for a handler that
 * calls showHelp() later; kubeplay's handlers never do (usage errors throw through .fail, and
 * --help is answered before any handler runs). Reached through yargs' internal methods: when a
 * yargs version lacks them, nothing changes.
 */
function skipHelpCache(cli: Argv): Argv {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (cli as unknown as Internals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
  return cli;
}

/** EngineContext connects a command to Podman and locks that connection for commands that change pods. */
export interface EngineContext {
  /** `startIfNone: false` only takes a socket that answers already (see connect.ts). */
  connectEngine: (verbosity: number, how?: { startIfNone?: boolean }) => Promise<ContainerEngine>;
  /**
   * Connects to a socket that answers (starting none) and has Podman list the pods at once; with
   * `lock`, takes the connection lock first (aborting the signal gives up waiting for it).
   */
  prefetchingEngine: (verbosity: number, opts?: { lock?: AbortSignal }) => Promise<ContainerEngine>;
  /**
   * Takes the connection lock (src/engine/connection-lock.ts) of the socket last connected to, or
   * hands over the one prefetchingEngine took for it; resolves to its release.
   */
  lockConnection: (signal?: AbortSignal) => Promise<() => Promise<void>>;
  /** Releases a lock taken and not handed over (the command ended before it needed it). */
  release: () => Promise<void>;
  /** The socket last connected to; undefined before connecting. */
  socketPath: () => string | undefined;
}

function engineContext(io: Io, head: HeadStart | undefined): EngineContext {
  let socketPath: string | undefined;
  let held: { at: string; release: () => Promise<void> } | undefined;
  const lock = async (at: string, signal?: AbortSignal): Promise<() => Promise<void>> => {
    const { acquireConnectionLock } = await import('../engine/connection-lock');
    const h = await acquireConnectionLock(at, {
      onWait: (pid) => io.stderr.write(`waiting for another kubeplay (pid ${pid}) to finish with ${at}...\n`),
      ...(signal ? { signal } : {}),
    });
    return () => h.release();
  };
  const connect = async (v: number, how: { startIfNone?: boolean } = {}) => {
    const c = await connectEngineAt(io, v, how, head);
    socketPath = c.socketPath;
    return c.engine;
  };
  return {
    connectEngine: (v, how) => connect(v, how),
    prefetchingEngine: async (v, opts = {}) => {
      const { withPrefetchedPods } = await import('../engine/prefetched');
      const engine = await connect(v, { startIfNone: false });
      if (opts.lock !== undefined && socketPath !== undefined) {
        // The head start took the lock on this socket, then listed the pods: both are this run's.
        const headLock = head?.socketPath === socketPath ? await head.lock : undefined;
        if (headLock !== undefined) {
          held = { at: socketPath, release: () => headLock.release() };
          return engine;
        }
        held = { at: socketPath, release: await lock(socketPath, opts.lock) };
      }
      return withPrefetchedPods(engine);
    },
    lockConnection: async (signal) => {
      if (socketPath === undefined) throw new InternalError('the connection lock was asked for before connecting to Podman');
      if (held !== undefined && held.at === socketPath) {
        const handed = held.release;
        held = undefined;
        return handed;
      }
      return lock(socketPath, signal);
    },
    release: async () => {
      const h = held;
      held = undefined;
      await h?.release();
    },
    socketPath: () => socketPath,
  };
}

async function connectEngineAt(
  io: Io,
  verbosity: number,
  how: { startIfNone?: boolean } = {},
  head?: HeadStart,
): Promise<{ engine: ContainerEngine; socketPath: string }> {
  const log = (line: string) => {
    if (verbosity > 0) io.stderr.write(`kubeplay: ${line}\n`);
  };
  const { connectEngineSocket } = await import('../engine/connect');
  const connecting = connectEngineSocket({ env: io.env, log, ...how });
  // Loading the adapter and its transport (~15 ms of CPU) overlaps Podman's answer to the ping.
  const { LibpodContainerEngine, preloadTransport } = await import('../engine/libpod/libpod-container-engine');
  preloadTransport();
  const { socketPath } = await connecting;
  const onCall = (c: EngineCall) => log(`${c.method} ${c.path} ${c.status} ${c.durationMs.toFixed(0)}ms`);
  const engine = new LibpodContainerEngine({ socketPath, onCall, ...(requestTimeoutSeconds !== undefined ? { requestTimeoutSeconds } : {}) });
  if (head === undefined) return { engine, socketPath };
  head.reportCallsTo(onCall);
  if (head.socketPath !== socketPath) {
    // Guessed another socket than the one that answered: its answers and lock are not this run's.
    void head.lock.then((held) => held?.release());
    return { engine, socketPath };
  }
  const { withPrefetched } = await import('../engine/prefetched');
  return { engine: withPrefetched(engine, await head.takeAnswers()), socketPath };
}

/** reportError prints an error as the user should see it and returns the exit code. */
export function reportError(e: unknown, io: Io, verbose: number): number {
  if (e instanceof ManifestError) {
    // Lazy: the printer is needed only on this path.
    const { formatErrors, formatWarnings } = require('../print/issues') as typeof import('../print/issues');
    io.stderr.write(formatWarnings(e.issues));
    io.stderr.write(formatErrors(e.issues, 'applied'));
    return 1;
  }
  if (e instanceof UsageError) {
    io.stderr.write(`error: ${e.message}\nSee 'kubeplay --help' for usage.\n`);
    return 1;
  }
  if (e instanceof ConflictError) {
    for (const c of e.conflicts) io.stderr.write(`error: ${c}\n`);
    io.stderr.write('error: nothing was changed: resolve the conflicts above and apply again.\n');
    return 1;
  }
  if (e instanceof InterruptedError) {
    for (const f of e.failures) io.stderr.write(`error: ${f.ref}: ${f.message}\n`);
    io.stderr.write(
      `error: interrupted by ${e.signal}: kubeplay started no new work and rolled back what it was half-way through; ` +
        'the lines above say what was done; apply again to finish\n',
    );
    return exitCodeOfSignal(e.signal);
  }
  if (e instanceof PartialFailureError) {
    for (const f of e.failures) io.stderr.write(`error: ${f.ref}: ${f.message}\n`);
    return 1;
  }
  if (e instanceof NotFoundError) {
    io.stderr.write(e.lines());
    return 1;
  }
  if (e instanceof BadRequestError) {
    io.stderr.write(`Error from server (BadRequest): ${e.message}\n`);
    return 1;
  }
  if (e instanceof ObjectError) {
    io.stderr.write(`error: ${e.message}\n`);
    return 1;
  }
  if (e instanceof ReportedError) return e.exitCode;
  if (e instanceof StatusError) {
    io.stderr.write(`Error from server (${e.reason}): ${e.message}\n`);
    return 1;
  }
  if (e instanceof StoreError) {
    io.stderr.write(`error: ${e.message}\n`);
    return 1;
  }
  if (e instanceof EngineError) {
    io.stderr.write(`error: ${e.message}\n`);
    if (verbose > 0 && e.cause) io.stderr.write(`  (${e.operation}${e.status ? `, HTTP ${e.status}` : ''})\n`);
    return 1;
  }
  const detail = e instanceof InternalError || e instanceof Error ? e.stack ?? e.message : String(e);
  io.stderr.write(`error: kubeplay failed unexpectedly; this is a bug, please report it with the command you ran:\n${detail}\n`);
  return 2;
}
