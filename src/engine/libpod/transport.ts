/**
 * LibpodTransport makes the adapter's calls to Podman's libpod REST API (/v4.0.0/libpod/...) over
 * its unix socket, through docker-modem (modem.ts): a request read in full within its deadline
 * (deadlines.ts), a stream that must be answered within one, the call log for `-v`, and the
 * mapping of every failure to an EngineError (HTTP status and Podman's message, or what a
 * socket-level failure means: podman-messages.ts).
 */
import type { IncomingMessage } from 'node:http';
import type DockerModem from 'docker-modem';
import { EngineError, EngineTimeoutError, EngineUnavailableError } from '../../domain/errors';
import type { EngineCall } from '../container-engine';
import { connectionFailureMessage, connectionFailureOf } from '../podman-messages';
import { DEADLINES, DEFAULT_DEADLINE_SECONDS, formatSeconds } from './deadlines';
import { loadModem } from './modem';
import { hintFor, parseJson, podmanMessage } from './podman-answers';
import { readAll } from './read-stream';

/** API_PREFIX is the libpod API version path every call goes below. */
export const API_PREFIX = '/v4.0.0/libpod';

/** OK_STATUSES are the statuses that answer a call; every other is judged by the caller. */
export const OK_STATUSES: ReadonlySet<number> = new Set([200, 201, 204, 304]);

/** ALL_STATUSES tells docker-modem to hand every HTTP status back to us. */
const ALL_STATUSES: Record<number, boolean> = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [i + 100, true]));

/** Query is a call's query string, as docker-modem takes it. */
export type Query = Record<string, string | number | boolean>;

/** RequestSpec describes one call read in full. */
export interface RequestSpec {
  /** Port operation name, carried by EngineError. */
  operation: string;
  /** What was being done, for messages: "create pod web". */
  what: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below /v4.0.0/libpod, without query. */
  path: string;
  query?: Query;
  body?: unknown;
  /**
   * Bytes sent as they are (application/octet-stream) instead of a JSON body: a secret's value.
   * Neither the call log nor any error message ever shows a body.
   */
  rawBody?: Buffer;
  /** Statuses that are answers rather than failures (404 for exists checks). */
  accept?: readonly number[];
  /** Seconds Podman has to answer in full; the operation's default (DEADLINES) otherwise. */
  deadlineSeconds?: number;
}

/** LibpodResponse is a call's answer: its status, headers and body (JSON parsed, else text). */
export interface LibpodResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** StreamSpec describes a call whose answer is read as it comes (logs, events). */
export interface StreamSpec {
  operation: string;
  /** What was being done, for messages: "read the logs of container web". */
  what: string;
  path: string;
  query: Query;
  /** Seconds Podman has to answer (the stream itself may go on for ever). */
  deadlineSeconds: number;
}

/** OpenStream is an answered stream, with what its caller needs to record the call when it ends. */
export interface OpenStream {
  res: IncomingMessage;
  /** Records the call (at the end of the stream). */
  record: () => void;
}

/** LibpodTransportOptions configures the transport. */
export interface LibpodTransportOptions {
  socketPath: string;
  /** Called after every HTTP call, for `-v` output. */
  onCall?: (call: EngineCall) => void;
  /** --request-timeout: seconds every call has for Podman's answer, instead of DEADLINES. */
  requestTimeoutSeconds?: number;
}

/** LibpodTransport: see the module comment. */
export class LibpodTransport {
  readonly socketPath: string;
  readonly requestTimeoutSeconds: number | undefined;
  private readonly onCall: ((call: EngineCall) => void) | undefined;
  private readonly recorded: EngineCall[] = [];
  /** The docker-modem transport, loaded at the first request. */
  private loaded: DockerModem | undefined;

  constructor(opts: LibpodTransportOptions) {
    this.socketPath = opts.socketPath;
    this.onCall = opts.onCall;
    this.requestTimeoutSeconds = opts.requestTimeoutSeconds;
  }

  /** modem is docker-modem, loaded at its first use. */
  modem(): DockerModem {
    this.loaded ??= loadModem(this.socketPath);
    return this.loaded;
  }

  /** calls returns the calls made so far, in order. */
  calls(): readonly EngineCall[] {
    return this.recorded;
  }

  /** request sends one request and reads the whole answer; every failure becomes an EngineError. */
  async request(spec: RequestSpec): Promise<LibpodResponse> {
    const started = performance.now();
    let status = 0;
    const deadline = spec.deadlineSeconds ?? this.requestTimeoutSeconds ?? DEADLINES[spec.operation] ?? DEFAULT_DEADLINE_SECONDS;
    const expired = new AbortController();
    const timer = setTimeout(() => expired.abort(), deadline * 1000);
    try {
      const res = await this.dial({
        method: spec.method,
        path: spec.path,
        ...(spec.query !== undefined ? { query: spec.query } : {}),
        ...(spec.body !== undefined ? { body: spec.body } : {}),
        ...(spec.rawBody !== undefined ? { rawBody: spec.rawBody } : {}),
        signal: expired.signal,
      });
      status = res.statusCode ?? 0;
      const text = await readAll(res, expired.signal);
      const body = parseJson(text) ?? text;
      if (!OK_STATUSES.has(status) && !(spec.accept ?? []).includes(status)) {
        throw new EngineError(`cannot ${spec.what}: ${podmanMessage(body, status)}${hintFor(status)}`, spec.operation, status);
      }
      return { status, headers: res.headers, body };
    } catch (err) {
      status = statusOf(err) ?? status;
      if (expired.signal.aborted && !(err instanceof EngineError)) {
        throw new EngineTimeoutError(
          `cannot ${spec.what}: Podman did not answer ${spec.method} ${API_PREFIX}${spec.path} within ${formatSeconds(deadline)}; ` +
            `its API service at ${this.socketPath} may be stuck (see \`podman pod ps\`; restart the service if that hangs too), then apply again`,
          spec.operation,
          undefined,
          err,
        );
      }
      throw this.toEngineError(err, spec.operation, spec.what);
    } finally {
      clearTimeout(timer);
      // The query is part of what was asked (a signal, a time-out, a filter): `-v` shows it, as kubectl's -v=6 shows URLs.
      this.record(spec.method, `${API_PREFIX}${spec.path}${queryString(spec.query)}`, status, started);
    }
  }

  /**
   * openStream sends a GET whose answer streams (logs, events) and resolves once Podman has
   * answered with a success status; the stream then has no deadline. A failure is recorded here,
   * the call that succeeded by `record` when its caller is done with the stream.
   */
  async openStream(spec: StreamSpec): Promise<OpenStream> {
    const started = performance.now();
    const logged = `${API_PREFIX}${spec.path}`;
    // The stream may have no end of its own, but Podman must at least answer it.
    const unanswered = new AbortController();
    const timer = setTimeout(() => unanswered.abort(), spec.deadlineSeconds * 1000);
    let res: IncomingMessage;
    try {
      res = await this.dial({ method: 'GET', path: spec.path, query: spec.query, signal: unanswered.signal }).finally(() => clearTimeout(timer));
      const status = res.statusCode ?? 0;
      if (!OK_STATUSES.has(status)) {
        const text = await readAll(res);
        throw new EngineError(`cannot ${spec.what}: ${podmanMessage(parseJson(text) ?? text, status)}`, spec.operation, status);
      }
    } catch (err) {
      this.record('GET', logged, statusOf(err) ?? 0, started);
      if (unanswered.signal.aborted && !(err instanceof EngineError)) {
        throw new EngineTimeoutError(
          `cannot ${spec.what}: Podman did not answer within ${formatSeconds(spec.deadlineSeconds)}; its API service may be stuck`,
          spec.operation,
          undefined,
          err,
        );
      }
      throw this.toEngineError(err, spec.operation, spec.what);
    }
    return { res, record: () => this.record('GET', logged, res.statusCode ?? 0, started) };
  }

  /** dial opens a request through docker-modem and resolves to the response stream, whatever its status. */
  dial(req: {
    method: string;
    path: string;
    query?: Query;
    body?: unknown;
    /** Bytes sent as they are, as application/octet-stream (docker-modem's `file`). */
    rawBody?: Buffer;
    /** Aborting it gives the request up (a deadline). */
    signal?: AbortSignal;
  }): Promise<IncomingMessage> {
    const modem = this.modem();
    // docker-modem appends `_query` to a path ending in '?', and sends `_body` as JSON for POST.
    // Every status is accepted here (docker-modem drops the body of one it was not told to
    // accept, in stream mode) and judged by the caller, which reads Podman's own message.
    const hasQuery = req.query !== undefined && Object.keys(req.query).length > 0;
    const options: DockerModem.DialOptions = {
      method: req.method,
      path: `${API_PREFIX}${req.path}${hasQuery ? '?' : ''}`,
      isStream: true,
      statusCodes: ALL_STATUSES,
      ...(req.signal !== undefined ? { abortSignal: req.signal } : {}),
      // A raw body goes as docker-modem's `file` (sent as is, with its length); Podman's secret
      // handler reads the request body as the value, and a form content type would let Go's
      // ParseForm swallow it (measured: "secret data must be larger than 0").
      ...(req.rawBody !== undefined ? { file: req.rawBody, headers: { 'Content-Type': 'application/octet-stream' } } : {}),
      options: {
        ...(hasQuery ? { _query: req.query } : {}),
        // An empty `_body` keeps docker-modem from sending the query object as a body.
        _body: req.method === 'POST' ? (req.body ?? {}) : {},
      },
    };
    return new Promise((resolve, reject) => {
      modem.dial(options, (err, res) => {
        if (err !== null && err !== undefined) reject(err);
        else resolve(res as IncomingMessage);
      });
    });
  }

  /** record logs one call for `calls()` and `-v`. */
  record(method: string, path: string, status: number, started: number): void {
    const call: EngineCall = { method, path, status, durationMs: Math.round((performance.now() - started) * 10) / 10 };
    this.recorded.push(call);
    this.onCall?.(call);
  }

  /** toEngineError maps a failure to an EngineError: an unreachable or lost socket says what to do. */
  toEngineError(err: unknown, operation: string, what: string): EngineError {
    if (err instanceof EngineError) return err;
    const e = err as NodeJS.ErrnoException;
    const failure = connectionFailureOf(e);
    if (failure !== undefined) {
      const code = e.code ?? e.message;
      return new EngineUnavailableError(connectionFailureMessage(failure, what, this.socketPath, code), operation, undefined, err);
    }
    return new EngineError(`cannot ${what}: ${(err as Error).message ?? String(err)}`, operation, undefined, err);
  }
}

/** statusOf is the HTTP status an EngineError carries, if any. */
export function statusOf(err: unknown): number | undefined {
  return err instanceof EngineError ? err.status : undefined;
}

/** queryString renders a request's query for the call log: `?k=v&…`, or '' when there is none. */
export function queryString(query: Query | undefined): string {
  if (query === undefined) return '';
  const q = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return q === '' ? '' : `?${q}`;
}
