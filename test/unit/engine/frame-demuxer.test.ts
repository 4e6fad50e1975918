/**
 * FrameDemuxer splits Podman's multiplexed log and exec streams (docker's 8-byte frame header)
 * into stdout and stderr, whatever way the bytes are cut into chunks, and passes a TTY's plain
 * stream through as stdout. It is kept in place of docker-modem's demuxStream, which overflows
 * the stack on a chunk of a few thousand frames (src/engine/libpod/demux.ts has the measurements).
 */
import { FrameDemuxer } from '../../../src/engine/libpod/frame-demuxer';

function frame(type: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function run(chunks: Buffer[]): string[] {
  const out: string[] = [];
  const d = new FrameDemuxer((stream, data) => out.push(`${stream}:${data.toString()}`));
  chunks.forEach((c) => d.push(c));
  d.end();
  return out;
}

describe('FrameDemuxer', () => {
  const stream = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')]);

  test('whole frames in one chunk', () => {
    expect(run([stream])).toEqual(['stdout:out 1\n', 'stderr:err 1\n', 'stdout:out 2\n']);
  });

  test.each([1, 3, 7, 8, 9, 13])('the same bytes cut into %d-byte chunks', (size) => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
    expect(run(chunks)).toEqual(['stdout:out 1\n', 'stderr:err 1\n', 'stdout:out 2\n']);
  });

  test('a TTY stream (no headers) passes through as stdout', () => {
    expect(run([Buffer.from('hello from a terminal\r\n'), Buffer.from('# ')])).toEqual(['stdout:hello from a terminal\r\n', 'stdout:# ']);
  });

  test('an empty frame delivers nothing harmful', () => {
    expect(run([frame(1, ''), frame(1, 'x')])).toEqual(['stdout:', 'stdout:x']);
  });

  test('a chunk of 10,000 frames (an exec stream read in one 64 KiB piece can hold 7,281)', () => {
    const many = Buffer.concat(Array.from({ length: 10_000 }, (_, i) => frame(i % 2 === 0 ? 1 : 2, '\n')));
    const out = run([many]);
    expect(out).toHaveLength(10_000);
    expect(out[9_999]).toBe('stderr:\n');
  });

  test('a stream that ends mid-frame delivers what it got', () => {
    expect(run([frame(1, 'whole\n'), frame(2, 'cut off').subarray(0, 11)])).toEqual(['stdout:whole\n', 'stdout:cut']);
  });
});
