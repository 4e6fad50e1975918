/**
 * `kubeplay apply`: the yargs command. The builder only declares; the handler turns argv into
 * ApplyOptions, runs runApply (commands/apply.ts) with what the composition root lends it, and
 * prints through src/print/apply.ts. SIGINT/SIGTERM stop it cleanly (no new pods, half-made ones
 * rolled back), within STOP_WITHIN_SECONDS even when Podman does not answer.
 */
import type { Argv, CommandModule } from 'yargs';
import { InternalError, InterruptedError, ObjectError, PartialFailureError, UsageError } from '../../domain/errors';
import { textOf } from '../../domain/text';
import type { ApplyOptions, DryRun } from '../../commands/apply';
import type { ProgressEvent } from '../../domain/execution';
import type { ApplyOutput } from '../../print/apply';
import type { ObjectStore } from '../../store/object-store';
import type { SecurityProfile, ValidateMode } from '../../validate';
import { exitCodeOfSignal } from '../exit-codes';
import type { EngineContext, Io } from '../main';

/** ApplyCommandContext is what the composition root lends apply: Podman, and the object store. */
export interface ApplyCommandContext {
  engines: EngineContext;
  openStore: () => ObjectStore;
  /** Where pods' volume files are kept (`<state dir>/pods`). */
  filesRoot?: () => string;
  /** Makes the prober the controllers' look at pods runs. */
  prober?: (engine: import('../../engine/container-engine').ContainerEngine) => import('../../observe/probes/prober').Prober;
  /** kubeplay's network (docs/networking.md). */
  network?: () => import('../../commands/network').NetworkDeps;
}

/** STOP_WITHIN_SECONDS bounds how long apply goes on after SIGINT/SIGTERM, rolling back, before it exits anyway. */
const STOP_WITHIN_SECONDS = 5;

/** applyCommand builds the yargs module of `kubeplay apply`. */
export function applyCommand(io: Io, ctx: ApplyCommandContext, setVerbose: (v: number) => void): CommandModule {
  return {
    command: 'apply',
    describe: 'Apply Pod manifests to Podman: create, replace or leave each pod',
    builder: (y: Argv) =>
        y
          // Not `array: true`: yargs would then swallow `-` and the words after -f (kubectl takes one value per -f).
          .option('filename', { alias: 'f', type: 'string', describe: 'A file, a directory of .yaml/.yml/.json files, or - for stdin (repeatable)' })
          .option('recursive', { alias: 'R', type: 'boolean', default: false, describe: 'Process the directories given with -f recursively' })
          .option('dry-run', { type: 'string', describe: 'client: print what would be done, without Podman; server: check against Podman, change nothing; none' })
          .option('validate', { type: 'string', default: 'strict', describe: 'strict: unknown fields are errors; warn: warnings; ignore: skipped (also true/false)' })
          .option('output', { alias: 'o', type: 'string', describe: 'Output format: name, json or yaml' })
          .option('prune', { type: 'boolean', default: false, describe: 'Remove what apply made that matches -l and is not in the input (pods, ConfigMaps, Secrets; see --prune-allowlist)' })
          .option('selector', { alias: 'l', type: 'string', describe: 'Label selector for --prune (k=v, k!=v, k in (a,b), k notin (a,b), k, !k)' })
          .option('prune-allowlist', { type: 'string', array: true, describe: 'With --prune: the kinds that may be pruned, as group/version/Kind (core/v1/ConfigMap; repeatable); default: pods, ConfigMaps, Secrets' })
          .option('force', { type: 'boolean', default: false, describe: 'Replace a pod of the same name that kubeplay did not create' })
          // 8: the REST floor (bench/lib/rest-floor.js) makes 50 pods fastest with 8 in flight on 2 cores.
          .option('concurrency', { type: 'number', default: 8, describe: 'How many pods to create at once' })
          .option('wait', { type: 'boolean', default: false, describe: 'Return when every applied workload is rolled out and available (a Job: complete), or fail at --timeout' })
          .option('timeout', { type: 'string', describe: 'With --wait: how long to wait (a duration: 30s, 5m); default 5m' })
          .option('security-profile', { type: 'string', default: 'privileged', describe: 'Pod Security Standards level to enforce before anything runs: privileged (no checks), baseline or restricted' })
          .example('kubeplay apply -f pod.yaml', 'Apply the pod in pod.yaml')
          .example('kubeplay apply -f examples/', 'Apply every manifest in a directory (-R to recurse)')
          .example('cat pod.yaml | kubeplay apply -f -', 'Apply a manifest read from stdin')
          .example('kubeplay apply --dry-run=client -f pod.yaml', 'Validate and print the plan, touching nothing')
          .example('kubeplay apply --dry-run=server -f pod.yaml', 'Also check images and ports against Podman')
          .example('kubeplay apply --prune -l app=web -f web/', 'Apply, and remove managed app=web pods no longer in web/')
          .example('kubeplay apply --security-profile=restricted -f pod.yaml', 'Refuse pods that break the restricted Pod Security Standard'),
    handler: async (argv) => {
        setVerbose(Number(argv['verbose'] ?? 0));
        const { runApply, validateApplyOptions } = await import('../../commands/apply');
        const opts = toApplyOptions(argv);
        const output = toOutput(argv['output']);
        const verbosity = Number(argv['verbose'] ?? 0);
        validateApplyOptions(opts);
        const engines = ctx.engines;
        // Podman lists the pods while the manifests are loaded and validated. Only a socket that
        // answers is used early: a service is started, if need be, once the manifests are valid.
        // SIGINT/SIGTERM: stop starting pods, roll back the half-made ones, report, exit 128+n.
        const interrupt = new AbortController();
        // A real apply takes the connection lock before that listing: a listing taken while another
        // kubeplay changes pods would be stale by the time this one plans.
        const early = opts.dryRun === 'client' ? undefined : engines.prefetchingEngine(verbosity, opts.dryRun === 'none' ? { lock: interrupt.signal } : {});
        early?.catch(() => undefined); // its failure is handled when the engine is asked for
        const { formatApplyReport, failuresOf, formatExecutionWarnings } = await import('../../print/apply');
        const { formatWarnings } = await import('../../print/issues');
        const progress = await makeProgress(io);
        let signalName = 'SIGINT';
        // Where each pod is, so that a stop Podman does not let finish can say what it left.
        const at = new Map<string, string>();
        const onProgress = (e: ProgressEvent) => {
          if (e.step === 'done' || e.step === 'rolled back') at.delete(e.ref);
          else at.set(e.ref, e.step);
          progress?.update(e);
        };
        const unhook = io.onInterrupt?.((signal) => {
          signalName = signal;
          progress?.clear();
          io.stderr.write(`kubeplay: ${signal}: starting no new pods and rolling back the ones half-made (${signal} again to exit at once)\n`);
          interrupt.abort();
          // A rollback waits on Podman; one that does not answer must not keep kubeplay from ending.
          setTimeout(() => {
            const left = [...at].map(([ref, step]) => `${ref} (at: ${step})`);
            io.stderr.write(
              `kubeplay: Podman did not let the rollback finish within ${STOP_WITHIN_SECONDS} s of ${signal}; exiting. ` +
                (left.length > 0 ? `Not rolled back: ${left.join(', ')}. ` : '') +
                'Apply again once Podman answers: it finishes or remakes what was left half-made.\n',
            );
            io.exit(exitCodeOfSignal(signal));
            process.exit(exitCodeOfSignal(signal));
          }, STOP_WITHIN_SECONDS * 1000).unref();
        });
        try {
          let report;
          try {
            report = await runApply(opts, {
              readStdin: io.readStdin,
              engine: () => (early ?? Promise.reject(new Error('no early connection'))).catch(() => engines.connectEngine(verbosity)),
              lock: () => engines.lockConnection(interrupt.signal),
              signal: interrupt.signal,
              store: ctx.openStore,
              ...(ctx.filesRoot ? { filesRoot: ctx.filesRoot() } : {}),
              probe: {
                portFree: (await import('../../observe/host-port-probe')).bindProbe,
                statPath: (await import('../../observe/host-path')).statPath,
                startRunning: async (pod) => {
                  const { isLockHeld, startLockAddress } = await import('../../engine/connection-lock');
                  const at = engines.socketPath();
                  return at !== undefined && isLockHeld(startLockAddress(at, pod));
                },
              },
              hostFs: (await import('../../execute/node-host-fs')).nodeHostFs,
              node: (await import('../node-info')).nodeInfo(),
              ...(ctx.prober ? { prober: ctx.prober } : {}),
              ...(ctx.network ? { network: ctx.network() } : {}),
              startInBackground: async (sequence, resumeAt) => {
                const { backgroundStarter } = await import('./start-sequence');
                const at = engines.socketPath();
                if (at === undefined) throw new InternalError('a start was handed to the background before connecting to Podman');
                return backgroundStarter(at, io.env)(sequence, resumeAt);
              },
              onProgress,
              ...(progress || verbosity > 0
                ? {
                    onPull: (e) => {
                      progress?.pull(e);
                      if (verbosity > 0) io.stderr.write(`kubeplay: pull ${e.image}: ${pullLogLine(e)}\n`);
                    },
                  }
                : {}),
            });
          } catch (e) {
            // Interrupted before any change (e.g. while waiting for the lock): nothing to report.
            if (interrupt.signal.aborted && !(e instanceof InterruptedError)) throw new InterruptedError(signalName, []);
            throw e;
          }
          progress?.clear();
          io.stderr.write(formatWarnings(report.warnings));
          if (verbosity > 0) {
            const { formatPlan } = await import('../../plan/plan');
            io.stderr.write(formatPlan(report.plan, { steps: verbosity > 1 }));
            const r = report.recorded;
            if (r) io.stderr.write(`kubeplay: desired state: ${r.stored} stored, ${r.adopted} adopted, ${r.dropped} dropped (${r.ms} ms)\n`);
          } else if (report.dryRun === 'server') {
            // What would be pulled is the one thing a server dry run decides that its result lines do not show.
            const { formatPlan } = await import('../../plan/plan');
            io.stderr.write(formatPlan({ images: report.plan.images, actions: [], conflicts: [] }));
          }
          io.stderr.write(formatExecutionWarnings(report));
          io.stderr.write(formatReconcileNotes(report.reconciled, verbosity));
          // The network's failures (a Service's proxy that could not be made), when no reconcile reported them.
          if (report.reconciled === undefined) for (const f of report.network?.failures ?? []) io.stderr.write(`Warning: ${f}\n`);
          io.stdout.write(formatApplyReport(report, output));
          const failures = failuresOf(report);
          if (interrupt.signal.aborted) throw new InterruptedError(signalName, failures);
          if (failures.length > 0) throw new PartialFailureError(failures);
          if (report.waitFailures !== undefined && report.waitFailures.length > 0) throw new ObjectError(report.waitFailures.join('\nerror: '));
        } finally {
          unhook?.();
          progress?.clear();
          await engines.release();
        }
      },
  };
}

/**
 * formatReconcileNotes: what the controllers could not do (kubectl users read these as FailedCreate
 * events), and with -v what is still awaited when apply returns (it goes on at the next command).
 */
function formatReconcileNotes(r: { failures: string[]; waiting: Array<{ ref: string; namespace: string; reason: string }> } | undefined, verbosity: number): string {
  if (r === undefined) return '';
  const lines = r.failures.map((f) => `Warning: ${f}\n`);
  // What is still awaited is the normal state of a rollout or a Job when apply returns, as with kubectl: said with -v.
  if (verbosity > 0) for (const w of r.waiting) lines.push(`kubeplay: ${w.ref}: ${w.reason}; kubeplay runs no daemon, so this goes on at the next kubeplay command (\`kubeplay rollout status ${w.ref}${w.namespace !== 'default' ? ` -n ${w.namespace}` : ''}\` waits for it)\n`);
  return lines.join('');
}

/** pullLogLine is a pull's step as -v logs it: Podman's words, with the layer it is at. */
function pullLogLine(e: { message: string; layers: number }): string {
  if (e.message === 'pulling') return 'pulling';
  if (e.message === 'pulled' || e.message === 'pull failed' || e.message.startsWith('using local')) return `${e.message} (${e.layers} layer(s))`;
  return `${e.message}${e.layers > 0 ? ` (layer ${e.layers})` : ''}`;
}

async function makeProgress(io: Io) {
  if (!io.stderr.isTTY) return undefined;
  const { LiveProgress } = await import('../progress');
  return new LiveProgress(io.stderr as NodeJS.WriteStream, !io.env['NO_COLOR']);
}

/** toApplyOptions turns yargs' argv into typed ApplyOptions. */
export function toApplyOptions(argv: Record<string, unknown>): ApplyOptions {
  const files = argv['filename'] === undefined ? [] : ([] as unknown[]).concat(argv['filename']).map(String);
  const opts: ApplyOptions = {
    files,
    recursive: Boolean(argv['recursive']),
    dryRun: toDryRun(argv['dry-run']),
    validate: toValidateMode(argv['validate']),
    force: Boolean(argv['force']),
    prune: Boolean(argv['prune']),
    concurrency: Number(argv['concurrency'] ?? 8),
    securityProfile: toSecurityProfile(argv['security-profile']),
  };
  if (typeof argv['selector'] === 'string') opts.selector = argv['selector'];
  if (typeof argv['namespace'] === 'string' && argv['namespace'] !== '') opts.namespace = argv['namespace'];
  if (argv['wait'] === true) opts.wait = true;
  if (typeof argv['timeout'] === 'string' && argv['timeout'] !== '') {
    const { parseDuration } = require('../../commands/logs') as typeof import('../../commands/logs');
    opts.timeoutSeconds = parseDuration(argv['timeout']);
  }
  if (argv['prune-allowlist'] !== undefined) opts.pruneAllowlist = ([] as unknown[]).concat(argv['prune-allowlist']).map(String).flatMap((s) => s.split(',')).filter((s) => s !== '');
  return opts;
}

/** toDryRun maps --dry-run's values (kubectl accepts a bare flag as client). */
export function toDryRun(v: unknown): DryRun {
  if (v === undefined || v === 'none' || v === false || v === 'false') return 'none';
  if (v === '' || v === true || v === 'true' || v === 'client') return 'client';
  if (v === 'server') return 'server';
  throw new UsageError(`invalid --dry-run value "${textOf(v)}": use client, server or none`);
}

/** toSecurityProfile checks --security-profile's value (the Pod Security Standards levels). */
export function toSecurityProfile(v: unknown): SecurityProfile {
  if (v === undefined || v === '') return 'privileged';
  if (v === 'privileged' || v === 'baseline' || v === 'restricted') return v;
  throw new UsageError(`invalid --security-profile value "${textOf(v)}": use privileged, baseline or restricted`);
}

/** toValidateMode maps --validate's values, with kubectl's legacy true/false. */
export function toValidateMode(v: unknown): ValidateMode {
  if (v === undefined || v === 'strict' || v === 'true' || v === true || v === '') return 'strict';
  if (v === 'warn') return 'warn';
  if (v === 'ignore' || v === 'false' || v === false) return 'ignore';
  throw new UsageError(`invalid --validate value "${textOf(v)}": use strict, warn or ignore`);
}

function toOutput(v: unknown): ApplyOutput {
  if (v === undefined || v === '') return 'default';
  if (v === 'name' || v === 'json' || v === 'yaml') return v;
  throw new UsageError(`unable to match a printer suitable for the output format "${textOf(v)}", allowed formats are: json, name, yaml`);
}

