/**
 * pullImage pulls through libpod's pull endpoint (POST /images/pull), reading its JSON stream as
 * it comes: each `stream` line is a step reported to onProgress, an `error` line is the
 * registry's answer, the `id` line the pulled image. A pull takes as long as the image is big;
 * what must not happen is a long silence, so its deadline is on progress, not on the whole.
 */
import { EngineError, EngineTimeoutError, ImagePullError } from '../../domain/errors';
import type { PullProgress } from '../container-engine';
import { formatSeconds, PULL_IDLE_SECONDS } from './deadlines';
import { parseJson, plain, podmanMessage } from './podman-answers';
import { readAll, readLines } from './read-stream';
import { API_PREFIX, OK_STATUSES, queryString, statusOf, type LibpodTransport } from './transport';

/** PULL_ADVICE is what to do when a pull fails, after the registry's answer. */
const PULL_ADVICE =
  '; check the image name and that its registry is reachable, or load the image locally (podman load / podman build)';

/** pullImage resolves to the pulled image's ID; a failure names the image, the registry's answer and what to do. */
export async function pullImage(t: LibpodTransport, ref: string, onProgress?: (p: PullProgress) => void): Promise<string> {
  const started = performance.now();
  let status = 0;
  const idleSeconds = t.requestTimeoutSeconds ?? PULL_IDLE_SECONDS;
  const silent = new AbortController();
  let timer = setTimeout(() => silent.abort(), idleSeconds * 1000);
  const heard = () => {
    clearTimeout(timer);
    timer = setTimeout(() => silent.abort(), idleSeconds * 1000);
  };
  try {
    const res = await t.dial({ method: 'POST', path: `/images/pull`, query: { reference: ref }, signal: silent.signal });
    heard();
    res.on('data', heard);
    silent.signal.addEventListener('abort', () => res.destroy(new Error('no progress')), { once: true });
    status = res.statusCode ?? 0;
    if (!OK_STATUSES.has(status)) {
      const text = await readAll(res);
      const body = parseJson(text) ?? text;
      const answer = podmanMessage(body, status);
      throw new ImagePullError(`cannot pull image ${ref}: ${answer}${PULL_ADVICE}`, ref, answer, status);
    }
    // Podman answers 200 and reports a failed pull inside the JSON stream.
    let error: string | undefined;
    let id = '';
    let layers = 0;
    await readLines(res, (line) => {
      const msg = parseJson(line) as { error?: unknown; stream?: unknown; id?: unknown } | undefined;
      if (msg === undefined) return;
      if (typeof msg.error === 'string' && msg.error !== '') error ??= plain(msg.error);
      if (typeof msg.id === 'string' && msg.id !== '') id = msg.id;
      if (typeof msg.stream === 'string' && msg.stream.trim() !== '') {
        const message = msg.stream.trim();
        if (message.startsWith('Copying blob')) layers++;
        try {
          onProgress?.({ message, layers });
        } catch {
          // Showing progress must not break the pull (this runs inside a stream's data handler).
        }
      }
    });
    if (error !== undefined) throw new ImagePullError(`cannot pull image ${ref}: ${error}${PULL_ADVICE}`, ref, error, status);
    return id;
  } catch (err) {
    if (err instanceof EngineError) throw err;
    status = statusOf(err) ?? status;
    if (silent.signal.aborted) {
      throw new EngineTimeoutError(
        `cannot pull image ${ref}: Podman reported no progress for ${formatSeconds(idleSeconds)}; its API service or the registry ` +
          'may be stuck: check the registry is reachable (podman pull in a terminal shows it), then apply again',
        'pullImage',
        undefined,
        err,
      );
    }
    throw t.toEngineError(err, 'pullImage', `pull image ${ref}`);
  } finally {
    clearTimeout(timer);
    t.record('POST', `${API_PREFIX}/images/pull${queryString({ reference: ref })}`, status, started);
  }
}
