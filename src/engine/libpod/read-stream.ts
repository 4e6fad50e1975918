/**
 * Reading a libpod response stream: whole (a call's body), or line by line as it arrives (a
 * pull's progress, the event stream). Multiplexed output (logs, exec) is split by demux.ts.
 */
import type { IncomingMessage } from 'node:http';

/** readAll reads a response to its end as UTF-8; aborting the signal gives it up (a deadline). */
export function readAll(res: IncomingMessage, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal !== undefined) {
      const giveUp = () => res.destroy(new Error('deadline passed'));
      if (signal.aborted) giveUp();
      signal.addEventListener('abort', giveUp, { once: true });
      res.once('close', () => signal.removeEventListener('abort', giveUp));
    }
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

/** readLines calls onLine with each line of a response as it arrives, and resolves at its end. */
export function readLines(res: IncomingMessage, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    res.setEncoding('utf8');
    onLines(res, onLine);
    res.on('end', () => resolve());
    res.on('error', reject);
  });
}

/**
 * onLines calls onLine with each complete line of a UTF-8 stream as it arrives, and with what
 * is left after the last newline at its end.
 */
export function onLines(res: IncomingMessage, onLine: (line: string) => void): void {
  let rest = '';
  res.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) onLine(l);
  });
  res.on('end', () => {
    if (rest !== '') onLine(rest);
  });
}
