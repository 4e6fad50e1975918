/**
 * serve/http: bodies the fuzz test of `kubeplay serve` found wanting. A body nested deeper than the
 * handlers can walk is a 400 before any handler sees it (it was a 500: "Maximum call stack size
 * exceeded"); apiVersion and kind of the wrong type are the decoder's 400 (a number was taken for no
 * kind at all, and the object created); a body sent a byte at a time is cut off at the deadline.
 */
import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { asObject, depthOf, flowDepth, MAX_BODY_DEPTH, parseBody, readBody, RequestFailure } from '../../../src/serve/http';

const nested = (n: number, open: string, close: string, inner = '1') => open.repeat(n) + inner + close.repeat(n);

function statusOf(f: () => unknown): { code: number; reason: string; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof RequestFailure) return { code: e.status.code, reason: e.status.reason ?? '', message: e.status.message ?? '' };
    throw e;
  }
  throw new Error('no failure');
}

describe('parseBody', () => {
  test('a JSON body nested 10,000 levels is a 400 in the decoder\'s words, not a stack overflow', () => {
    for (const [open, close, inner] of [['[', ']', ''], ['{"a":', '}', '1']] as const) {
      const s = statusOf(() => parseBody(Buffer.from(`{"apiVersion":"v1","kind":"ConfigMap","x":${nested(10_000, open, close, inner)}}`), 'application/json'));
      expect(s).toEqual({ code: 400, reason: 'BadRequest', message: `error decoding json: invalid character '${open[0]!}' exceeded max depth (kubeplay serve reads bodies nested at most ${MAX_BODY_DEPTH} levels)` });
    }
  });

  test('YAML nested deeply in flow collections is refused before the parser recurses', () => {
    const s = statusOf(() => parseBody(Buffer.from(`kind: ConfigMap\nx: ${nested(10_000, '[', ']', '')}\n`), 'application/yaml'));
    expect(s.code).toBe(400);
    expect(s.message).toContain("error decoding yaml: invalid character '[' exceeded max depth");
    // Block nesting the parser cannot follow is its own 400, caught.
    const block = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n';
    expect(statusOf(() => parseBody(Buffer.from(block), 'application/yaml')).code).toBe(400);
  });

  test('bodies up to the limit decode', () => {
    expect(depthOf(parseBody(Buffer.from(`{"x":${nested(MAX_BODY_DEPTH - 1, '[', ']', '')}}`), 'application/json')).depth).toBe(MAX_BODY_DEPTH);
    expect(parseBody(Buffer.from('a: "[[[[ # ]"\nb: \'{{\'\nc: [1, {d: 2}] # [[[\n'), 'application/yaml')).toEqual({ a: '[[[[ # ]', b: '{{', c: [1, { d: 2 }] });
  });

  test('flowDepth skips quoted scalars and comments', () => {
    expect(flowDepth('a: "[[[\\"[["\nb: \'[[\'\'[\'\n# [[[[\nc: [[1]]').depth).toBe(2);
  });
});

describe('asObject', () => {
  test('apiVersion and kind that are not strings are the decoder\'s 400', () => {
    expect(statusOf(() => asObject({ apiVersion: 5, kind: 'ConfigMap' }))).toEqual({ code: 400, reason: 'BadRequest', message: "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .apiVersion of type string" });
    expect(statusOf(() => asObject({ apiVersion: 'v1', kind: ['Pod'] })).message).toBe("couldn't get version/kind; json parse error: json: cannot unmarshal array into Go struct field .kind of type string");
    expect(statusOf(() => asObject({ kind: true })).message).toContain('cannot unmarshal bool into');
    expect(asObject({ apiVersion: 'v1', kind: 'Pod' })).toEqual({ apiVersion: 'v1', kind: 'Pod' });
    expect(asObject({})).toEqual({});
  });
});

describe('readBody', () => {
  function request(): PassThrough & { headers: Record<string, string> } {
    const req = new PassThrough() as PassThrough & { headers: Record<string, string> };
    req.headers = {};
    return req;
  }

  test('a client that keeps sending a byte at a time is cut off at the deadline with 408', async () => {
    const req = request();
    const timer = setInterval(() => req.write('x'), 20);
    try {
      const read = readBody(req as unknown as IncomingMessage, 1024, 1000, 300);
      await expect(read).rejects.toMatchObject({ status: { code: 408, reason: 'Timeout' } });
      expect(req.destroyed).toBe(true);
    } finally {
      clearInterval(timer);
    }
  });

  test('a silent client is cut off when idle; a body within the deadline is read', async () => {
    const silent = request();
    await expect(readBody(silent as unknown as IncomingMessage, 1024, 100, 10_000)).rejects.toMatchObject({ status: { code: 408 } });
    const ok = request();
    const read = readBody(ok as unknown as IncomingMessage, 1024, 1000, 1000);
    ok.end('{"a":1}');
    expect((await read).toString()).toBe('{"a":1}');
  });
});
