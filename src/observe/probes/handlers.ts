/**
 * Running one probe, as the kubelet's probers do (kubernetes pkg/probe/{http,tcp,exec,grpc}), and
 * in their words. httpGet, tcpSocket and grpc run from this process to the pod's IP (rootful
 * Podman's bridge is reachable from the host), so they need nothing inside the image; exec runs its
 * command through the engine's exec, as the kubelet runs it through the runtime.
 */
import { Writable } from 'node:stream';
import http from 'node:http';
import https from 'node:https';
import http2 from 'node:http2';
import net from 'node:net';
import type { V1ContainerPort, V1Probe } from '@kubernetes/client-node';
import type { ContainerLooker } from '../../engine/container-engine';
import { EngineError } from '../../domain/errors';
import { resolvePort } from '../../translate/probe';
import type { ProbeOutcome } from './worker';

/** KUBE_PROBE_USER_AGENT is the kubelet's User-Agent for HTTP and gRPC probes (`kube-probe/<major>.<minor>`), of the Kubernetes kubeplay follows. */
export const KUBE_PROBE_USER_AGENT = 'kube-probe/1.32';
/** MAX_OUTPUT_BYTES: the kubelet reads at most 10 KiB of a probe's output or body. */
export const MAX_OUTPUT_BYTES = 10 * 1024;

/** ProbeTarget is where a probe runs: the pod's IP, the container (for exec) and its ports (named ports). */
export interface ProbeTarget {
  podIp: string;
  /** Podman's id or name of the container. */
  container: string;
  ports: readonly V1ContainerPort[];
}

/** ProbeHandlers runs one probe once; the prober is handed one (tests hand in their own). */
export interface ProbeHandlers {
  run(probe: V1Probe, target: ProbeTarget, timeoutSeconds: number): Promise<ProbeOutcome>;
}

/** goDuration writes seconds as Go's time.Duration prints them (`1s`, `1m30s`). */
export function goDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  if (m < 60) return `${m}m${s}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${s}s`;
}

/** joinHostPort is Go's net.JoinHostPort. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** dialError is Go's text for a failed TCP dial: `dial tcp 10.88.0.5:8080: connect: connection refused`. */
export function dialError(addr: string, e: NodeJS.ErrnoException | 'timeout'): string {
  if (e === 'timeout' || e.code === 'ETIMEDOUT') return `dial tcp ${addr}: i/o timeout`;
  const why: Record<string, string> = {
    ECONNREFUSED: 'connect: connection refused',
    EHOSTUNREACH: 'connect: no route to host',
    ENETUNREACH: 'connect: network is unreachable',
    ECONNRESET: 'read: connection reset by peer',
    EADDRNOTAVAIL: 'connect: cannot assign requested address',
  };
  return `dial tcp ${addr}: ${why[e.code ?? ''] ?? e.message}`;
}

/** httpFailure is the kubelet's words for a status outside 200-399. */
export function httpStatusFailure(status: number): string {
  return `HTTP probe failed with statuscode: ${status}`;
}

/** probeUrl is the URL an httpGet probe asks for (the kubelet's formatURL): host defaults to the pod's IP. */
export function probeUrl(probe: NonNullable<V1Probe['httpGet']>, podIp: string, ports: readonly V1ContainerPort[]): URL {
  const scheme = (probe.scheme ?? 'HTTP').toLowerCase();
  const host = probe.host || podIp;
  let path = probe.path ?? '';
  if (path !== '' && !path.startsWith('/')) path = `/${path}`;
  return new URL(`${scheme}://${joinHostPort(host, resolvePort(probe.port, ports))}${path}`);
}

/** httpProbe runs an HTTP GET: success for a status of 200 to 399, as the kubelet (a redirect is not followed). */
export function httpProbe(url: URL, headers: ReadonlyArray<{ name: string; value: string }>, timeoutSeconds: number): Promise<ProbeOutcome> {
  const h: Record<string, string> = { 'User-Agent': KUBE_PROBE_USER_AGENT, Accept: '*/*' };
  for (const x of headers) {
    const known = Object.keys(h).find((k) => k.toLowerCase() === x.name.toLowerCase());
    if (known !== undefined) delete h[known];
    h[x.name] = x.value;
  }
  const lib = url.protocol === 'https:' ? https : http;
  const shown = url.href;
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: ProbeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(o);
    };
    const req = lib.request(url, { method: 'GET', headers: h, agent: false, rejectUnauthorized: false }, (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= MAX_OUTPUT_BYTES) res.destroy();
      });
      const status = res.statusCode ?? 0;
      const settle = () => finish(status >= 200 && status < 400 ? { result: 'success', output: '' } : { result: 'failure', output: httpStatusFailure(status) });
      res.on('end', settle);
      res.on('close', settle);
      res.on('error', settle);
    });
    const timer = setTimeout(() => finish({ result: 'failure', output: `Get "${shown}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }), timeoutSeconds * 1000);
    req.on('error', (e: NodeJS.ErrnoException) => {
      const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
      const addr = joinHostPort(url.hostname.replace(/^\[|\]$/g, ''), port);
      finish({ result: 'failure', output: `Get "${shown}": ${e.code && e.syscall === 'connect' ? dialError(addr, e) : e.code === 'ECONNRESET' ? 'EOF' : e.message}` });
    });
    req.end();
  });
}

/** tcpProbe opens a TCP connection and closes it: success when it opens within the time-out. */
export function tcpProbe(host: string, port: number, timeoutSeconds: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  return new Promise((resolve) => {
    let done = false;
    const socket = net.connect({ host, port });
    const finish = (o: ProbeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ result: 'failure', output: dialError(addr, 'timeout') }), timeoutSeconds * 1000);
    socket.once('connect', () => finish({ result: 'success', output: '' }));
    socket.once('error', (e: NodeJS.ErrnoException) => finish({ result: 'failure', output: dialError(addr, e) }));
  });
}

const GRPC_STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** grpcHealthRequest is a grpc.health.v1.HealthCheckRequest{service} in gRPC's length-prefixed framing. */
export function grpcHealthRequest(service: string): Buffer {
  const s = Buffer.from(service, 'utf8');
  const fields = s.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a]), varint(s.length), s]);
  const head = Buffer.alloc(5);
  head.writeUInt8(0, 0);
  head.writeUInt32BE(fields.length, 1);
  return Buffer.concat([head, fields]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

/** grpcHealthStatus reads the status (field 1) of a framed HealthCheckResponse; undefined when it cannot. */
export function grpcHealthStatus(framed: Buffer): number | undefined {
  if (framed.length < 5 || framed.readUInt8(0) !== 0) return undefined;
  const msg = framed.subarray(5, 5 + framed.readUInt32BE(1));
  let i = 0;
  let status = 0; // proto3: an absent field is its zero value, UNKNOWN
  while (i < msg.length) {
    const key = msg[i++]!;
    const wire = key & 7;
    let v = 0;
    let shift = 0;
    if (wire === 0) {
      for (;;) {
        const b = msg[i++];
        if (b === undefined) return undefined;
        v |= (b & 0x7f) << shift;
        shift += 7;
        if ((b & 0x80) === 0) break;
      }
      if (key >> 3 === 1) status = v;
    } else if (wire === 2) {
      let len = 0;
      for (;;) {
        const b = msg[i++];
        if (b === undefined) return undefined;
        len |= (b & 0x7f) << shift;
        shift += 7;
        if ((b & 0x80) === 0) break;
      }
      i += len;
    } else {
      return undefined;
    }
  }
  return status;
}

/** grpcProbe calls grpc.health.v1.Health/Check over HTTP/2 without TLS, as the kubelet does; SERVING is success. */
export function grpcProbe(host: string, port: number, service: string, timeoutSeconds: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  const within = goDuration(timeoutSeconds);
  return new Promise((resolve) => {
    let done = false;
    let connected = false;
    const session = http2.connect(`http://${addr}`);
    const finish = (o: ProbeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      session.destroy();
      resolve(o);
    };
    const fail = (output: string) => finish({ result: 'failure', output });
    const timer = setTimeout(
      () => fail(connected ? `timeout: health rpc did not complete within ${within}` : `timeout: failed to connect service "${addr}" within ${within}: context deadline exceeded`),
      timeoutSeconds * 1000,
    );
    session.on('error', (e: NodeJS.ErrnoException) => fail(`error: failed to connect service at "${addr}": ${e.syscall === 'connect' ? dialError(addr, e) : e.message}`));
    session.on('connect', () => (connected = true));
    const req = session.request({
      ':method': 'POST',
      ':path': '/grpc.health.v1.Health/Check',
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': KUBE_PROBE_USER_AGENT,
    });
    const chunks: Buffer[] = [];
    let headers: http2.IncomingHttpHeaders = {};
    req.on('response', (h) => (headers = h));
    req.on('data', (c: Buffer) => chunks.push(c));
    // Before the connection is up, the session's error says why (the stream's only says it was cancelled).
    req.on('error', (e: Error) => (connected ? fail(`error: health rpc probe failed: ${e.message}`) : undefined));
    req.on('trailers', (t: http2.IncomingHttpHeaders) => (headers = { ...headers, ...t }));
    req.on('end', () => {
      const code = Number(headers['grpc-status'] ?? 2);
      const message = decodeURIComponent(String(headers['grpc-message'] ?? ''));
      if (code === 12) return fail(`error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${message}`);
      if (code !== 0) return fail(`error: health rpc probe failed: rpc error: code = ${GRPC_CODES[code] ?? code} desc = ${message}`);
      const status = grpcHealthStatus(Buffer.concat(chunks));
      if (status === 1) return finish({ result: 'success', output: 'service healthy' });
      return fail(`service unhealthy (responded with "${GRPC_STATUS_NAMES[status ?? 0] ?? String(status)}")`);
    });
    req.end(grpcHealthRequest(service));
  });
}

const GRPC_CODES: Record<number, string> = {
  1: 'Canceled', 2: 'Unknown', 3: 'InvalidArgument', 4: 'DeadlineExceeded', 5: 'NotFound', 6: 'AlreadyExists', 7: 'PermissionDenied',
  8: 'ResourceExhausted', 9: 'FailedPrecondition', 10: 'Aborted', 11: 'OutOfRange', 12: 'Unimplemented', 13: 'Internal', 14: 'Unavailable',
  15: 'DataLoss', 16: 'Unauthenticated',
};

/** execProbe runs the command in the container: success on exit 0; its output (at most 10 KiB) is the failure's words. */
export async function execProbe(engine: ContainerLooker, container: string, command: readonly string[], timeoutSeconds: number): Promise<ProbeOutcome> {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      if (size < MAX_OUTPUT_BYTES) chunks.push(chunk.subarray(0, MAX_OUTPUT_BYTES - size));
      size += chunk.length;
      done();
    },
  });
  try {
    const id = await engine.execCreate(container, { command: [...command], tty: false, stdin: false });
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      engine.execStart(id, { tty: false }, { stdout: sink, stderr: sink }).then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutSeconds * 1000))),
    ]);
    clearTimeout(timer);
    const output = Buffer.concat(chunks).toString('utf8');
    if (!finished) return { result: 'failure', output };
    const status = await engine.execInspect(id);
    return { result: !status.running && status.exitCode === 0 ? 'success' : 'failure', output };
  } catch (e) {
    if (e instanceof EngineError) return { result: 'failure', output: e.message, errored: true };
    throw e;
  }
}

/** NetworkProbeHandlers runs every kind of probe: the network ones from here, exec through the engine. */
export class NetworkProbeHandlers implements ProbeHandlers {
  constructor(private readonly engine: ContainerLooker) {}

  run(probe: V1Probe, target: ProbeTarget, timeoutSeconds: number): Promise<ProbeOutcome> {
    if (probe.exec) return execProbe(this.engine, target.container, probe.exec.command ?? [], timeoutSeconds);
    if (probe.httpGet) {
      const headers = (probe.httpGet.httpHeaders ?? []).map((x) => ({ name: x.name, value: x.value }));
      return httpProbe(probeUrl(probe.httpGet, target.podIp, target.ports), headers, timeoutSeconds);
    }
    if (probe.tcpSocket) return tcpProbe(probe.tcpSocket.host || target.podIp, resolvePort(probe.tcpSocket.port, target.ports), timeoutSeconds);
    if (probe.grpc) return grpcProbe(target.podIp, probe.grpc.port, probe.grpc.service ?? '', timeoutSeconds);
    return Promise.resolve({ result: 'failure', output: 'the probe has no handler', errored: true });
  }
}
