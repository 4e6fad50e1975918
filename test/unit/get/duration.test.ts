// AGE and RESTARTS in kubectl's words, with a fixed clock.
import { formatRestarts, humanDuration, timestampSince } from '../../../src/print/get/duration';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test.each([
  [-3 * S, '<invalid>'],
  [-1 * S, '0s'],
  [0, '0s'],
  [45 * S, '45s'],
  [119 * S, '119s'],
  [2 * M, '2m'],
  [5 * M + 30 * S, '5m30s'],
  [9 * M + 59 * S, '9m59s'],
  [10 * M + 30 * S, '10m'],
  [179 * M, '179m'],
  [3 * H, '3h'],
  [3 * H + 20 * M, '3h20m'],
  [7 * H + 59 * M, '7h59m'],
  [8 * H + 30 * M, '8h'],
  [47 * H, '47h'],
  [2 * D, '2d'],
  [2 * D + 4 * H, '2d4h'],
  [7 * D + 23 * H, '7d23h'],
  [8 * D, '8d'],
  [729 * D, '729d'],
  [730 * D, '2y'],
  [800 * D, '2y70d'],
  [3000 * D, '8y'],
])('humanDuration(%d ms) = %s', (ms, want) => {
  expect(humanDuration(ms)).toBe(want);
});

const now = new Date('2026-05-01T12:00:00Z');

test('timestampSince: the age at a fixed now; <unknown> without a time', () => {
  expect(timestampSince(new Date('2026-05-01T11:54:30Z'), now)).toBe('5m30s');
  expect(timestampSince('2026-04-29T08:00:00Z', now)).toBe('2d4h');
  expect(timestampSince(undefined, now)).toBe('<unknown>');
  expect(timestampSince('not a time', now)).toBe('<unknown>');
});

test('formatRestarts: a bare count, or the count with how long ago the last restart was', () => {
  expect(formatRestarts(0, undefined, now)).toBe('0');
  expect(formatRestarts(0, new Date('2026-05-01T11:59:00Z'), now)).toBe('0');
  expect(formatRestarts(3, undefined, now)).toBe('3');
  expect(formatRestarts(3, new Date('2026-05-01T11:58:00Z'), now)).toBe('3 (2m ago)');
  expect(formatRestarts(12, new Date('2026-05-01T11:59:15Z'), now)).toBe('12 (45s ago)');
});
