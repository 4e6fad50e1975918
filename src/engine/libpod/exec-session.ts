/**
 * execStart runs an exec session attached (POST /exec/{id}/start, not detached) on a hijacked
 * connection, as dockerode does: the HTTP connection is upgraded to a raw stream carrying stdin
 * one way and the output the other, multiplexed with the 8-byte header unless the session has a
 * TTY (demux.ts).
 */
import { EngineError } from '../../domain/errors';
import type { ExecStartOptions, ExecStreams } from '../container-engine';
import { demux } from './demux';
import { podmanMessage } from './podman-answers';
import { API_PREFIX, type LibpodTransport } from './transport';

/** execStart resolves when Podman closes the output, that is when the command has ended. */
export async function execStart(t: LibpodTransport, execId: string, options: ExecStartOptions, streams: ExecStreams): Promise<void> {
  const tty = options.tty;
  const what = 'start the command';
  const started = performance.now();
  const startPath = `${API_PREFIX}/exec/${encodeURIComponent(execId)}/start`;
  const modem = t.modem();
  let sock: NodeJS.ReadWriteStream;
  try {
    sock = await new Promise<NodeJS.ReadWriteStream>((resolve, reject) => {
      modem.dial(
        {
          method: 'POST',
          path: startPath,
          isStream: true,
          hijack: true,
          openStdin: true,
          statusCodes: { 101: true, 200: true, 204: true },
          // libpod sizes the TTY from h and w before the command starts, so the first prompt fits.
          options: { _body: { Detach: false, Tty: tty, ...(tty && options.rows && options.columns ? { h: options.rows, w: options.columns } : {}) } },
        },
        (err, s) => (err ? reject(err) : resolve(s as NodeJS.ReadWriteStream)),
      );
    });
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    t.record('POST', startPath, status ?? 0, started);
    const json = (err as { json?: unknown }).json;
    if (status !== undefined) throw new EngineError(`cannot ${what}: ${podmanMessage(json, status)}`, 'execStart', status, err);
    throw t.toEngineError(err, 'execStart', what);
  }
  t.record('POST', startPath, 101, started);
  if (streams.stdin !== undefined) {
    const input = streams.stdin;
    const onData = (b: Buffer | string) => sock.write(b);
    // Half-closing the connection is how the command learns its stdin ended.
    const onEnd = () => (sock as unknown as { end: () => void }).end();
    input.on('data', onData);
    input.once('end', onEnd);
    sock.once('close', () => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
    });
  }
  if (tty) sock.on('data', (chunk: Buffer) => streams.stdout.write(chunk));
  else
    demux(
      sock,
      (data) => streams.stdout.write(data),
      (data) => streams.stderr.write(data),
    );
  await new Promise<void>((resolve, reject) => {
    sock.once('end', () => resolve());
    sock.once('close', () => resolve());
    sock.once('error', (err: Error) => reject(t.toEngineError(err, 'execStart', what)));
  });
}
