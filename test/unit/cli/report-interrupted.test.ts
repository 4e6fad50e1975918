/** main's error mapper for a run stopped by a signal: what was left undone, then the shell's 128 + signal status. */
import { PassThrough } from 'node:stream';
import { exitCodeOfSignal, reportError } from '../../../src/cli/main';
import type { Io } from '../../../src/cli/main';
import { InterruptedError } from '../../../src/domain/errors';

function io(): { io: Io; err: () => string } {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (d: Buffer) => (text += d.toString()));
  const value: Io = { stdout: new PassThrough(), stderr, env: {}, exit: () => undefined, readStdin: async () => Buffer.alloc(0) };
  return { io: value, err: () => text };
}

test('SIGINT exits 130 and SIGTERM 143, as a shell reports a process ended by them', () => {
  expect(exitCodeOfSignal('SIGINT')).toBe(130);
  expect(exitCodeOfSignal('SIGTERM')).toBe(143);
});

test('an interrupted apply names each pod left undone, then says what happened and what to do', async () => {
  const { io: sink, err } = io();
  const code = reportError(new InterruptedError('SIGINT', [{ ref: 'pod/b', message: 'not started: kubeplay was interrupted before it got to this pod; apply again to finish' }]), sink, 0);
  await new Promise((r) => setImmediate(r));
  expect(code).toBe(130);
  expect(err()).toBe(
    'error: pod/b: not started: kubeplay was interrupted before it got to this pod; apply again to finish\n' +
      'error: interrupted by SIGINT: kubeplay started no new work and rolled back what it was half-way through; ' +
      'the lines above say what was done; apply again to finish\n',
  );
});
