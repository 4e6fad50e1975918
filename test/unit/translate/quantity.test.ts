import { parseQuantity } from '../../../src/translate/quantity';

describe('parseQuantity', () => {
  // [input, value]: the forms apimachinery's resource.Quantity accepts.
  const valid: Array<[string | number, number]> = [
    ['0', 0],
    ['1', 1],
    ['+3', 3],
    ['-2', -2],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['5.', 5],
    ['250m', 0.25],
    ['1m', 0.001],
    ['100n', 1e-7],
    ['3u', 3e-6],
    ['1k', 1000],
    ['1.5k', 1500],
    ['128M', 128_000_000],
    ['1.1G', 1_100_000_000],
    ['2T', 2e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['1Ki', 1024],
    ['0.5Ki', 512],
    ['128Mi', 134_217_728],
    ['1.5Gi', 1_610_612_736],
    ['1Ti', 1024 ** 4],
    ['1Pi', 1024 ** 5],
    ['1Ei', 1024 ** 6],
    ['1e3', 1000],
    ['1E3', 1000],
    ['12e-1', 1.2],
    ['1.5e+2', 150],
    ['007', 7],
    [2, 2],
    [0.25, 0.25],
  ];
  test.each(valid)('%p is %p', (input, want) => {
    expect(parseQuantity(input)).toBe(want);
  });

  // Garbage, and forms Kubernetes rejects: spaces, two suffixes, lower-case binary, bare suffix.
  const invalid: Array<string | number> = ['', ' 1', '1 ', 'abc', '1KB', '1ki', 'Mi', '1.2.3', '1e', '1Mi2', '--1', '1e3Mi', NaN, Infinity];
  test.each(invalid)('%p throws', (input) => {
    expect(() => parseQuantity(input)).toThrow(/is not a Kubernetes quantity|too large/);
  });

  test('the message says what a quantity looks like', () => {
    expect(() => parseQuantity('12 GB')).toThrow('"12 GB" is not a Kubernetes quantity');
  });

  test('an exponent too large to represent throws instead of building a huge number', () => {
    expect(() => parseQuantity('1e999999')).toThrow(/too large/);
  });
});
