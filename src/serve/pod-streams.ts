/**
 * pod-streams: a pod's exec and port-forward over the upgraded connection (src/serve/streams does
 * the protocols). exec runs `kubeplay exec`'s runner (commands/exec.ts) with the session as its
 * terminal, and ends with the kubelet's Status on the error channel; port-forward pipes each of
 * kubectl's connections to the pod's IP and port, as `kubeplay port-forward` does.
 */
import type { IncomingMessage } from 'node:http';
import * as net from 'node:net';
import { PassThrough, type Duplex } from 'node:stream';
import { runExec } from '../commands/exec';
import type { ApiContext } from './context';
import type { ResourceRoute } from './routes';
import { objectOf } from './read';
import { acceptExec, acceptPortForward, type ForwardedConnection } from './streams';
import { answerStatus } from './streams/http-answer';

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

/** podExec answers an exec upgrade on pods/{name}/exec. */
export async function podExec(ctx: ApiContext, route: ResourceRoute, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const q = new URL(req.url ?? '/', 'https://kubeplay').searchParams;
  const name = route.name!;
  const pod = objectOf(ctx, route, name);
  if (pod === undefined) return answerStatus(socket, 404, 'NotFound', `pods "${name}" not found`);
  const command = q.getAll('command');
  if (command.length === 0) return answerStatus(socket, 400, 'BadRequest', 'you must specify at least one command for the container');
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return answerStatus(socket, 400, 'BadRequest', `cannot exec into a container in a completed pod; current phase is ${phase}`);
  const tty = flag(q, 'tty');
  const stdin = flag(q, 'stdin');
  const session = await acceptExec(req, socket, head, { stdin, stdout: flag(q, 'stdout'), stderr: flag(q, 'stderr'), tty, command });
  if (session === undefined) return;
  let size: { rows: number; columns: number } | undefined;
  const listeners = new Set<() => void>();
  session.resizes.on('resize', (s: { width: number; height: number }) => {
    size = { rows: s.height, columns: s.width };
    for (const l of listeners) l();
  });
  const sink = (w: NodeJS.WritableStream | undefined) => w ?? new PassThrough().resume();
  try {
    const container = q.get('container') ?? undefined;
    const code = await runExec(
      { pod: name, namespace: route.namespace ?? 'default', ...(container !== undefined ? { container } : {}), command, stdin, tty },
      { engine: ctx.logs.engine, now: ctx.now },
      {
        stdin: session.stdin ?? new PassThrough(),
        stdout: sink(session.stdout),
        stderr: sink(session.stderr ?? session.stdout),
        stdinIsTerminal: tty,
        setRaw: () => undefined,
        size: () => size,
        onResize: (cb) => {
          listeners.add(cb);
          return () => listeners.delete(cb);
        },
      },
    );
    session.finish({ exitCode: code });
  } catch (e) {
    session.finish({ error: (e as Error).message });
  }
}

/** podPortForward answers a port-forward upgrade on pods/{name}/portforward: each connection piped to the pod's IP. */
export function podPortForward(ctx: ApiContext, route: ResourceRoute, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const name = route.name!;
  const pod = objectOf(ctx, route, name);
  if (pod === undefined) return answerStatus(socket, 404, 'NotFound', `pods "${name}" not found`);
  const session = acceptPortForward(req, socket, head);
  if (session === undefined) return;
  session.on('connection', (c: ForwardedConnection) => {
    // The pod as it is now: a pod made again since the session began has another IP.
    const now = objectOf(ctx, route, name);
    const status = (now?.status ?? {}) as { podIP?: string; phase?: string };
    const hostNetwork = (now?.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork === true;
    const ip = hostNetwork ? '127.0.0.1' : status.podIP;
    if (ip === undefined || status.phase !== 'Running') {
      c.close(`error forwarding port ${c.port} to pod ${name}: the pod is not running`);
      return;
    }
    const upstream = net.connect({ host: ip, port: c.port });
    upstream.setNoDelay(true);
    upstream.once('connect', () => {
      c.data.pipe(upstream);
      upstream.pipe(c.data);
    });
    upstream.on('error', (e) => c.close(`error forwarding port ${c.port} to pod ${name}, uid : failed to connect to ${ip}:${c.port}: ${e.message}`));
    c.data.on('error', () => upstream.destroy());
    c.data.on('close', () => upstream.destroy());
  });
}
