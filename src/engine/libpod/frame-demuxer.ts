/**
 * FrameDemuxer splits docker's multiplexed stream: each frame is an 8-byte header (stream type
 * 1 stdout or 2 stderr, three zero bytes, a big-endian length) and that many bytes. A stream
 * whose first byte is no valid type is not multiplexed (a TTY) and passes through as stdout.
 */
export class FrameDemuxer {
  private buffer: Buffer = Buffer.alloc(0);
  private raw = false;

  constructor(private readonly emit: (stream: 'stdout' | 'stderr', data: Buffer) => void) {}

  push(chunk: Buffer): void {
    if (this.raw) {
      this.emit('stdout', chunk);
      return;
    }
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 8) {
      const type = this.buffer[0];
      if (type !== 0 && type !== 1 && type !== 2) {
        this.raw = true;
        this.emit('stdout', this.buffer);
        this.buffer = Buffer.alloc(0);
        return;
      }
      const length = this.buffer.readUInt32BE(4);
      if (this.buffer.length < 8 + length) return;
      this.emit(type === 2 ? 'stderr' : 'stdout', this.buffer.subarray(8, 8 + length));
      this.buffer = this.buffer.subarray(8 + length);
    }
  }

  /** end delivers what is left of a stream that stopped mid-frame. */
  end(): void {
    if (this.buffer.length > 0) this.emit('stdout', this.buffer.subarray(this.buffer[0]! <= 2 && this.buffer.length >= 8 ? 8 : 0));
    this.buffer = Buffer.alloc(0);
  }
}
