/**
 * ResizeQueue decodes kubectl's terminal sizes (Go's TerminalSize as JSON, field names Width and
 * Height) however the resize stream cuts them, and hands them on as events and as an async iterable.
 */
import { ResizeQueue, type TerminalSize } from '../../../../src/serve/streams/resize';

test('sizes written by json.Encoder (newline after each) cut anywhere', () => {
  const q = new ResizeQueue();
  const got: TerminalSize[] = [];
  q.on('resize', (s: TerminalSize) => got.push(s));
  const text = '{"Width":80,"Height":24}\n{"Width":132,"Height":43}\n';
  for (const ch of text) q.push(ch);
  expect(got).toEqual([
    { width: 80, height: 24 },
    { width: 132, height: 43 },
  ]);
});

test('garbage and impossible sizes are skipped', () => {
  const q = new ResizeQueue();
  const got: TerminalSize[] = [];
  q.on('resize', (s: TerminalSize) => got.push(s));
  q.push('{"Width":-1,"Height":2}{nope}{"Width":"x"}{"Width":10,"Height":5}');
  expect(got).toEqual([{ width: 10, height: 5 }]);
});

test('the async iterable yields every size, then stops at end()', async () => {
  const q = new ResizeQueue();
  q.push('{"Width":1,"Height":2}');
  const seen: string[] = [];
  const done = (async () => {
    for await (const s of q) seen.push(`${s.width}x${s.height}`);
  })();
  await new Promise((r) => setImmediate(r));
  q.push('{"Width":3,"Height":4}');
  q.end();
  await done;
  expect(seen).toEqual(['1x2', '3x4']);
});
