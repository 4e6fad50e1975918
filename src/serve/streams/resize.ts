/**
 * Terminal resizes as kubectl sends them: JSON objects `{"Width":80,"Height":24}` (Go's
 * remotecommand.TerminalSize with no json tags), one per WebSocket message on channel 4, or one
 * after another (json.Encoder, newline-separated) on SPDY's resize stream.
 */
import { EventEmitter } from 'node:events';

/** TerminalSize is a terminal's width and height in characters. */
export interface TerminalSize {
  width: number;
  height: number;
}

/**
 * ResizeQueue hands the resizes on: an EventEmitter ('resize' with a TerminalSize, 'end') and an
 * AsyncIterable that yields every resize from its creation until the session ends.
 */
export class ResizeQueue extends EventEmitter implements AsyncIterable<TerminalSize> {
  private readonly seen: TerminalSize[] = [];
  private ended = false;
  private text = '';

  /** push decodes bytes of the resize stream (whole or cut anywhere) and emits each size. */
  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    for (;;) {
      const start = this.text.indexOf('{');
      const end = this.text.indexOf('}', start);
      if (start < 0 || end < 0) break;
      const raw = this.text.slice(start, end + 1);
      this.text = this.text.slice(end + 1);
      let size: unknown;
      try {
        size = JSON.parse(raw);
      } catch {
        continue;
      }
      const s = size as { Width?: unknown; Height?: unknown; width?: unknown; height?: unknown };
      const width = Number(s.Width ?? s.width);
      const height = Number(s.Height ?? s.height);
      if (Number.isInteger(width) && Number.isInteger(height) && width >= 0 && height >= 0 && width < 65536 && height < 65536) this.add({ width, height });
    }
    if (this.text.length > 4096) this.text = '';
  }

  /** end says no resize will come any more. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('end');
  }

  private add(size: TerminalSize): void {
    this.seen.push(size);
    this.emit('resize', size);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TerminalSize> {
    let next = 0;
    for (;;) {
      while (next < this.seen.length) yield this.seen[next++]!;
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.off('resize', done);
          this.off('end', done);
          resolve();
        };
        this.on('resize', done);
        this.on('end', done);
      });
    }
  }
}
