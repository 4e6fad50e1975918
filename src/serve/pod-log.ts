/**
 * pod-log: GET pods/{name}/log, a container's log through `kubeplay logs`' reader
 * (commands/logs.ts): container, follow, tailLines, sinceSeconds, sinceTime, timestamps, previous.
 * The log is streamed as text/plain; a failure before the first byte is a Status.
 */
import type { ServerResponse, IncomingMessage } from 'node:http';
import { runLogs, type LogsOptions } from '../commands/logs';
import type { ApiContext } from './context';
import type { ResourceRoute } from './routes';
import { sendStatus } from './http';
import { failure, statusOf } from './status';
import { objectOf } from './read';

/** podLog answers GET of a pod's log. */
export async function podLog(ctx: ApiContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
  const name = route.name!;
  const pod = objectOf(ctx, route, name);
  if (pod === undefined) return sendStatus(res, failure(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' }));
  const containers = ((pod.spec as { containers?: Array<{ name: string }> } | undefined)?.containers ?? []).map((c) => c.name);
  const container = q.get('container') ?? undefined;
  if (container === undefined && containers.length > 1) {
    return sendStatus(res, failure(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`));
  }
  const tail = q.get('tailLines');
  const since = q.get('sinceSeconds');
  const sinceTime = q.get('sinceTime');
  const o: LogsOptions = {
    pod: name,
    namespace: route.namespace ?? 'default',
    ...(container !== undefined ? { container } : {}),
    allContainers: false,
    follow: q.get('follow') === 'true',
    tail: tail !== null ? Number(tail) : -1,
    ...(since !== null ? { sinceSeconds: Number(since) } : sinceTime !== null ? { sinceSeconds: Math.max(0, (ctx.now().getTime() - Date.parse(sinceTime)) / 1000) } : {}),
    timestamps: q.get('timestamps') === 'true',
    prefix: false,
    previous: q.get('previous') === 'true',
  };
  const stop = new AbortController();
  req.on('close', () => stop.abort());
  res.on('close', () => stop.abort());
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
  };
  try {
    await runLogs(o, ctx.logs, { out: (d) => (start(), res.write(d)), note: () => undefined }, stop.signal);
    start();
    res.end();
  } catch (e) {
    if (started) {
      res.end();
      return;
    }
    if (stop.signal.aborted) return;
    const s = statusOf(e, { resource: 'pods', name });
    // The kubelet's words for a container that has no previous run or is not started are a 400.
    sendStatus(res, s.code === 500 ? failure(400, 'BadRequest', s.message ?? '') : s);
  }
}
