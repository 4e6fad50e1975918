/**
 * demux splits a multiplexed log or exec stream into stdout and stderr as it arrives, with the
 * FrameDemuxer (frame-demuxer.ts), and delivers what is left of a stream that ends mid-frame.
 */
import { FrameDemuxer } from './frame-demuxer';

/** Output receives one stream's pieces. */
export type Output = (data: Buffer) => void;

/** demux feeds the stream's frames to stdout and stderr as they arrive, and the rest at its end. */
export function demux(stream: NodeJS.ReadableStream, stdout: Output, stderr: Output): void {
  const frames = new FrameDemuxer((which, data) => (which === 'stderr' ? stderr : stdout)(data));
  stream.on('data', (chunk: Buffer) => frames.push(chunk));
  stream.once('end', () => frames.end());
}
