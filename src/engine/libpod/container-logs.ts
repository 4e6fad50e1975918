/**
 * containerLogs streams a container's log (GET /containers/{id}/logs). Podman multiplexes stdout
 * and stderr with docker's 8-byte frame header (non-TTY containers), one frame per log line; a
 * TTY container's log comes as plain bytes, all stdout (demux.ts).
 */
import type { LogFrame, LogOptions } from '../container-engine';
import { DEFAULT_DEADLINE_SECONDS } from './deadlines';
import { demux } from './demux';
import type { LibpodTransport, Query } from './transport';

/**
 * containerLogs resolves when the log ends, or when the signal aborts while following. Podman
 * must answer within the deadline (--request-timeout or the default); the stream itself may
 * follow for ever.
 */
export async function containerLogs(
  t: LibpodTransport,
  container: string,
  options: LogOptions,
  onFrame: (f: LogFrame) => void,
  signal?: AbortSignal,
): Promise<void> {
  const what = `read the logs of container ${container}`;
  const query: Query = {
    stdout: true,
    stderr: true,
    follow: options.follow,
    timestamps: options.timestamps,
  };
  if (options.tail !== undefined && options.tail >= 0) query.tail = options.tail;
  if (options.since !== undefined) query.since = options.since.toISOString();
  if (options.until !== undefined) query.until = options.until.toISOString();
  const { res, record } = await t.openStream({
    operation: 'containerLogs',
    what,
    path: `/containers/${encodeURIComponent(container)}/logs`,
    query,
    deadlineSeconds: t.requestTimeoutSeconds ?? DEFAULT_DEADLINE_SECONDS,
  });
  demux(
    res,
    (data) => onFrame({ stream: 'stdout', data }),
    (data) => onFrame({ stream: 'stderr', data }),
  );
  await new Promise<void>((resolve, reject) => {
    const stop = () => {
      res.destroy();
      resolve();
    };
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    res.on('end', () => {
      signal?.removeEventListener('abort', stop);
      resolve();
    });
    res.on('error', (err) => {
      signal?.removeEventListener('abort', stop);
      if (signal?.aborted) resolve();
      else reject(t.toEngineError(err, 'containerLogs', what));
    });
  });
  record();
}
