/**
 * forwardPorts: port-forward's I/O, as client-go's tools/portforward does it. For each port it
 * listens on every address (kubectl's lines: `Forwarding from 127.0.0.1:8080 -> 80`), and pipes
 * each accepted connection, independently, to `<pod IP>:<remote port>` over TCP, printing
 * `Handling connection for 8080`. A connection the pod refuses closes the client's side and prints
 * kubectl's error line to the error sink; forwarding goes on. It runs until the signal aborts,
 * then closes the listeners and every open connection.
 *
 * Where kubectl asks the kubelet to dial inside the pod's network namespace (localhost:PORT
 * there), kubeplay dials the pod's IP from the host, which rootful Podman's bridge networks
 * allow; the pod must listen on its IP (0.0.0.0), not only on 127.0.0.1. Like exec's streams, this
 * is the command's own I/O rather than a look at the state, so it stays with its command.
 */
import * as net from 'node:net';
import { ObjectError } from '../domain/errors';
import type { ForwardedPort, ListenAddress } from './port-forward';

/** ForwardSink receives kubectl's lines: `out` its stdout lines, `err` its stderr lines (each ends in a newline). */
export interface ForwardSink {
  out: (text: string) => void;
  err: (text: string) => void;
  /** The clock and process id of klog's header (`E1207 09:50:14.123456   12345 ...`); now and this process by default. */
  now?: () => Date;
  pid?: number;
}

/** ForwardTo is where connections go: the pod's host (its IP) and the id its error lines name. */
export interface ForwardTo {
  host: string;
  podId: string;
}

/** hostPort is Go's net.JoinHostPort: an IPv6 address in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** GO_ERRNO is Go's text for the socket errors a listen or a dial meets here. */
const GO_ERRNO: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
  EAFNOSUPPORT: 'address family not supported by protocol',
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset by peer',
};

/** CONNECT_TIMEOUT_MS is how long a connection to the pod may take to open. */
const CONNECT_TIMEOUT_MS = 10_000;

/** goSocketError is a Node socket error in Go's net words: `listen tcp4 127.0.0.1:8080: bind: address already in use`. */
export function goSocketError(op: 'listen' | 'dial', family: 4 | 6, address: string, port: number, e: NodeJS.ErrnoException): string {
  const code = e.code ?? '';
  if (code === 'ETIMEDOUT_DIAL') return `${op} tcp${family} ${hostPort(address, port)}: i/o timeout`;
  const text = GO_ERRNO[code] ?? e.message;
  const call = code === 'EAFNOSUPPORT' ? 'socket' : op === 'listen' ? 'bind' : 'connect';
  return `${op} tcp${family} ${hostPort(address, port)}: ${call}: ${text}`;
}

/** klogLine is klog's error line: `E1207 09:50:14.123456   12345 portforward.go:424] "Unhandled Error" err="..."`. */
export function klogLine(now: Date, pid: number, message: string): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const header = `E${p(now.getMonth() + 1)}${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}.${p(now.getMilliseconds() * 1000, 6)} ${String(pid).padStart(7)} portforward.go:424]`;
  return `${header} "Unhandled Error" err=${JSON.stringify(message)}\n`;
}

/** listenOn opens one listener; rejects with Node's error. */
function listenOn(addr: ListenAddress, port: number, onConnection: (socket: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ allowHalfOpen: true }, onConnection);
    server.once('error', reject);
    server.listen({ host: addr.address, port, ipv6Only: addr.family === 6, exclusive: true }, () => {
      server.off('error', reject);
      // A later error (none expected once listening) must not crash the process.
      server.on('error', () => undefined);
      resolve(server);
    });
  });
}

/**
 * forwardPorts listens and forwards until the signal aborts; see the module comment. Rejects,
 * with kubectl's error, only when no port could be listened on at all. `ports` are updated with
 * the local ports chosen for `:REMOTE`.
 */
export async function forwardPorts(to: ForwardTo, addresses: readonly ListenAddress[], ports: ForwardedPort[], sink: ForwardSink, signal: AbortSignal): Promise<void> {
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  const now = sink.now ?? (() => new Date());
  const pid = sink.pid ?? process.pid;

  const handle = (client: net.Socket, port: ForwardedPort) => {
    sink.out(`Handling connection for ${port.local}\n`);
    sockets.add(client);
    const upstream = net.connect({ host: to.host, port: port.remote, allowHalfOpen: true });
    sockets.add(upstream);
    let connected = false;
    // A pod on the host's bridge answers a SYN at once; silence means its IP is gone (the pod was
    // removed), which the kernel may take a minute to say. Go's words for a dial that timed out.
    const deadline = setTimeout(() => upstream.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT_DIAL' })), CONNECT_TIMEOUT_MS);
    upstream.once('connect', () => {
      connected = true;
      clearTimeout(deadline);
    });
    upstream.once('close', () => clearTimeout(deadline));
    upstream.on('error', (e: NodeJS.ErrnoException) => {
      if (!connected) {
        const dial = goSocketError('dial', net.isIP(to.host) === 6 ? 6 : 4, to.host, port.remote, e);
        sink.err(klogLine(now(), pid, `an error occurred forwarding ${port.local} -> ${port.remote}: error forwarding port ${port.remote} to pod ${to.podId}, uid : failed to connect to ${hostPort(to.host, port.remote)}: ${dial}`));
      }
      client.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.on('close', () => {
      upstream.destroy();
      sockets.delete(client);
    });
    upstream.on('close', () => {
      // The pod's side is done: what it sent is flushed, then the client's side closes.
      client.end();
      sockets.delete(upstream);
    });
    client.pipe(upstream);
    upstream.pipe(client);
  };

  let anyPort = false;
  for (const port of ports) {
    const errors: string[] = [];
    const failed = { all: 0, any: 0 };
    const succeeded = { all: 0, any: 0 };
    for (const addr of addresses) {
      try {
        const fixed = port;
        const server = await listenOn(addr, port.local, (socket) => handle(socket, fixed));
        servers.push(server);
        const bound = server.address();
        if (bound !== null && typeof bound === 'object') port.local = bound.port;
        sink.out(`Forwarding from ${hostPort(addr.address, port.local)} -> ${port.remote}\n`);
        succeeded[addr.failureMode]++;
      } catch (e) {
        errors.push(`unable to create listener: Error ${goSocketError('listen', addr.family, addr.address, port.local, e as NodeJS.ErrnoException)}`);
        failed[addr.failureMode]++;
      }
    }
    if ((succeeded.all === 0 && failed.all > 0) || failed.any > 0) {
      sink.err(`Unable to listen on port ${port.local}: Listeners failed to create with the following errors: [${errors.join(' ')}]\n`);
    } else {
      anyPort = true;
    }
  }

  const closeAll = () => {
    for (const s of servers) s.close();
    for (const s of sockets) s.destroy();
  };
  if (!anyPort) {
    closeAll();
    throw new ObjectError(`unable to listen on any of the requested ports: [${ports.map((p) => `{${p.local} ${p.remote}}`).join(' ')}]`);
  }
  if (signal.aborted) return closeAll();
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  closeAll();
}
