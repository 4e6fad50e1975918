/**
 * The head start: the listing a command is about to ask Podman for, asked before the command
 * line is parsed. Podman takes ~1 ms per container to build a listing on these machines (for
 * 50 two-container pods, most of a no-op apply and of `get pods -l`); node takes ~40 ms to load
 * yargs, parse and load the command. Asked first, the two overlap.
 *
 * Two shapes are recognised from the raw arguments (planHeadStart, pure):
 *   - `apply ...` without a dry run: the full pod listing that observeState asks for, after the
 *     connection lock is taken (a listing taken while another kubeplay changes pods would be
 *     stale). When another kubeplay holds the lock, nothing is asked: the command waits as before.
 *   - `get pods|pod|po` without names or -f: the listings observeGet starts with (the container
 *     listing filtered on the selector's key=value terms, or the pod and container listings).
 * Anything else, or anything unsure (an unknown flag, a selector that does not parse, --help),
 * gets no head start.
 *
 * A wrong guess costs only the request: an answer is served only over the socket the command
 * itself settles on, only to the call with the same method and arguments, and once
 * (src/engine/prefetched.ts). The socket guessed is the first candidate that exists, in
 * connect.ts's order. Calls made here are shown with -v like the command's own, once the
 * command knows its verbosity.
 */
import { existsSync } from 'node:fs';
import type { ContainerEngine, ContainerFilter, EngineCall } from '../engine/container-engine';
import type { HeldLock } from '../engine/connection-lock';
import type { PrefetchedAnswer } from '../engine/prefetched';
import { parseSelector, pushDownLabels } from '../domain/selector';

/** HeadListing is one listing to ask for ahead. */
export type HeadListing = { method: 'listPods'; labels?: Record<string, string> } | { method: 'listContainers'; filter?: ContainerFilter };

/** HeadStartPlan is what the raw arguments call for: apply's locked pod listing, or get's listings. */
export type HeadStartPlan = { command: 'apply' } | { command: 'get'; listings: HeadListing[] };

/** HeadStart is a head start under way. */
export interface HeadStart {
  /** The socket the listings were asked of. */
  socketPath: string;
  /** The connection lock, when the head start took it (apply); else undefined. */
  lock: Promise<HeldLock | undefined>;
  /** The answers asked for (apply asks after the lock); the first call gets them, later ones none. */
  takeAnswers(): Promise<PrefetchedAnswer[]>;
  /** Sends the calls made so far, and every later one, to `onCall` (the command's -v log). */
  reportCallsTo(onCall: (c: EngineCall) => void): void;
}

const GET_RESOURCES = new Set(['pods', 'pod', 'po']);
// get's flags that take a value, and those that do not (yargs' declarations in cli/commands/get.ts).
const GET_VALUE_FLAGS = new Set(['-o', '--output', '-L', '--label-columns', '--field-selector', '--watch-interval']);
const GET_BOOLEAN_FLAGS = new Set(['-w', '--watch', '--show-labels', '--headers', '--no-headers', '-R', '--recursive', '-v', '-vv', '-vvv', '--verbose']);
const SELECTOR_FLAGS = new Set(['-l', '--selector']);

/** planHeadStart reads the raw arguments; see the module comment. Pure. */
export function planHeadStart(args: readonly string[]): HeadStartPlan | undefined {
  if (args.some((a) => a === '-h' || a === '--help' || a === '--version' || a === '--')) return undefined;
  if (args[0] === 'apply') return args.some((a) => a.startsWith('--dry-run')) ? undefined : { command: 'apply' };
  if (args[0] !== 'get' || !GET_RESOURCES.has(args[1] ?? '')) return undefined;
  let selector: string | undefined;
  for (let i = 2; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const inline = flag !== a ? a.slice(eq + 1) : undefined;
    if (SELECTOR_FLAGS.has(flag)) {
      if (selector !== undefined) return undefined; // given twice: yargs makes it a list, get refuses it
      selector = inline ?? args[++i];
      if (selector === undefined) return undefined;
    } else if (GET_VALUE_FLAGS.has(flag)) {
      if (inline === undefined) i++;
    } else if (!GET_BOOLEAN_FLAGS.has(flag)) {
      // A name (get pods web), -f, or anything not known here: leave it all to the command.
      return undefined;
    }
  }
  let push: Record<string, string> | undefined;
  try {
    push = selector === undefined ? undefined : pushDownLabels(parseSelector(selector));
  } catch {
    return undefined; // the command reports the bad selector
  }
  return { command: 'get', listings: push ? [{ method: 'listContainers', filter: { labels: push } }] : [{ method: 'listPods' }, { method: 'listContainers' }] };
}

/** HeadStartDeps are the composition root's: where sockets may be, and how to make an engine. */
export interface HeadStartDeps {
  /** Sockets in the order the command tries them (connect.ts's socketCandidates). */
  candidates: () => string[];
  /** Builds an engine for the socket, reporting each call to onCall. */
  makeEngine: (socketPath: string, onCall: (c: EngineCall) => void) => ContainerEngine;
  /** Takes the connection lock if free, without waiting (connection-lock.ts's tryConnectionLock). */
  tryLock: (socketPath: string) => Promise<HeldLock | undefined>;
  prefetch: typeof import('../engine/prefetched');
}

/** startHeadStart asks for the plan's listings at once; undefined when no socket is there to ask. */
export function startHeadStart(plan: HeadStartPlan, deps: HeadStartDeps): HeadStart | undefined {
  let socketPath: string | undefined;
  try {
    socketPath = deps.candidates().find((p) => existsSync(p));
  } catch {
    return undefined; // a CONTAINER_HOST the command will refuse
  }
  if (socketPath === undefined) return undefined;
  const made: EngineCall[] = [];
  let sink: ((c: EngineCall) => void) | undefined;
  const engine = deps.makeEngine(socketPath, (c) => (sink ? sink(c) : made.push(c)));
  const { prefetchPods, prefetchContainers } = deps.prefetch;
  let lock: Promise<HeldLock | undefined>;
  let answers: Promise<PrefetchedAnswer[]>;
  if (plan.command === 'apply') {
    lock = deps.tryLock(socketPath).catch(() => undefined);
    answers = lock.then((held) => (held ? [prefetchPods(engine)] : []));
  } else {
    lock = Promise.resolve(undefined);
    answers = Promise.resolve(plan.listings.map((l) => (l.method === 'listPods' ? prefetchPods(engine, l.labels) : prefetchContainers(engine, l.filter))));
  }
  let taken = false;
  return {
    socketPath,
    lock,
    takeAnswers: () => {
      const first = !taken;
      taken = true;
      return first ? answers : Promise.resolve([]);
    },
    reportCallsTo(onCall) {
      sink = onCall;
      for (const c of made.splice(0)) onCall(c);
    },
  };
}
