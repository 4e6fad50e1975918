import type { V1ContainerPort, V1Probe } from '@kubernetes/client-node';
import { resolvePort, shellQuote, toHealthcheck } from '../../../src/translate/probe';

const ports: V1ContainerPort[] = [
  { name: 'web', containerPort: 8080 },
  { name: 'metrics', containerPort: 9100 },
];

describe('toHealthcheck', () => {
  // [case, probe, expected test]. The commands were run as real Podman healthchecks in
  // localhost/busybox:stable (httpd on 8080, a silent `nc -l` on 9090): 200 → 0, 404 → 1,
  // closed port → 1, open port → 0, silent listener → 0.
  const cases: Array<[string, V1Probe, string[]]> = [
    ['exec', { exec: { command: ['cat', '/tmp/healthy'] } }, ['CMD', 'cat', '/tmp/healthy']],
    ['exec without a command', { exec: {} }, ['CMD']],
    [
      'httpGet by number, defaults',
      { httpGet: { port: 8080 } },
      [
        'CMD-SHELL',
        'if command -v curl >/dev/null 2>&1; then curl -fsSg -o /dev/null --max-time 1 http://localhost:8080/; ' +
          'else wget -q -O /dev/null http://localhost:8080/; fi',
      ],
    ],
    [
      'httpGet by port name, with path, host and https',
      { httpGet: { port: 'web', path: '/healthz', host: '127.0.0.1', scheme: 'HTTPS' } },
      [
        'CMD-SHELL',
        'if command -v curl >/dev/null 2>&1; then curl -fsSg -o /dev/null --max-time 1 -k https://127.0.0.1:8080/healthz; ' +
          'else wget -q -O /dev/null --no-check-certificate https://127.0.0.1:8080/healthz; fi',
      ],
    ],
    [
      'httpGet path without a slash, headers quoted for sh',
      { httpGet: { port: 9100, path: 'm?a=1&b=2', httpHeaders: [{ name: 'X-Who', value: "it's me" }] } },
      [
        'CMD-SHELL',
        "if command -v curl >/dev/null 2>&1; then curl -fsSg -o /dev/null --max-time 1 -H 'X-Who: it'\\''s me' 'http://localhost:9100/m?a=1&b=2'; " +
          "else wget -q -O /dev/null --header 'X-Who: it'\\''s me' 'http://localhost:9100/m?a=1&b=2'; fi",
      ],
    ],
    [
      'httpGet to an IPv6 host is bracketed in the URL',
      { httpGet: { port: 80, host: '::1' } },
      [
        'CMD-SHELL',
        "if command -v curl >/dev/null 2>&1; then curl -fsSg -o /dev/null --max-time 1 'http://[::1]:80/'; " +
          "else wget -q -O /dev/null 'http://[::1]:80/'; fi",
      ],
    ],
    [
      'tcpSocket by name',
      { tcpSocket: { port: 'metrics' } },
      ['CMD-SHELL', 'nc -z -w 1 localhost 9100 >/dev/null 2>&1 || nc -w 1 localhost 9100 </dev/null >/dev/null 2>&1'],
    ],
    [
      'tcpSocket with host and time-out',
      { tcpSocket: { port: 5432, host: 'db.local' }, timeoutSeconds: 4 },
      ['CMD-SHELL', 'nc -z -w 4 db.local 5432 >/dev/null 2>&1 || nc -w 4 db.local 5432 </dev/null >/dev/null 2>&1'],
    ],
  ];
  test.each(cases)('%s', (_name, probe, want) => {
    expect(toHealthcheck(probe, ports)?.test).toEqual(want);
  });

  test('timings default as in Kubernetes: period 10, timeout 1, failureThreshold 3, no delay', () => {
    expect(toHealthcheck({ exec: { command: ['true'] } })).toEqual({
      test: ['CMD', 'true'],
      intervalSeconds: 10,
      timeoutSeconds: 1,
      startPeriodSeconds: 0,
      retries: 3,
    });
  });

  test('timings map initialDelay → startPeriod, period → interval, failureThreshold → retries', () => {
    const probe: V1Probe = {
      exec: { command: ['true'] },
      initialDelaySeconds: 5,
      periodSeconds: 7,
      timeoutSeconds: 2,
      failureThreshold: 6,
    };
    expect(toHealthcheck(probe)).toMatchObject({ intervalSeconds: 7, timeoutSeconds: 2, startPeriodSeconds: 5, retries: 6 });
  });

  test('zero means the default, as Kubernetes defaulting does', () => {
    const probe: V1Probe = { exec: { command: ['true'] }, periodSeconds: 0, timeoutSeconds: 0, failureThreshold: 0 };
    expect(toHealthcheck(probe)).toMatchObject({ intervalSeconds: 10, timeoutSeconds: 1, retries: 3 });
  });

  test('a grpc probe has no healthcheck (supported-fields reports it)', () => {
    expect(toHealthcheck({ grpc: { port: 9000 } })).toBeUndefined();
  });
});

describe('resolvePort', () => {
  test.each<[number | string, number]>([
    [80, 80],
    ['8080', 8080],
    ['web', 8080],
    ['metrics', 9100],
  ])('%p → %p', (port, want) => {
    expect(resolvePort(port, ports)).toBe(want);
  });

  test('an unknown name throws and lists the named ports', () => {
    expect(() => resolvePort('nope', ports)).toThrow('probe port "nope" names no port of its container; name one of the container\'s ports (web, metrics) or give a number.');
  });
});

describe('shellQuote', () => {
  test.each<[string, string]>([
    ['localhost', 'localhost'],
    ['http://h:80/a', 'http://h:80/a'],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$(reboot)', "'$(reboot)'"],
    ['', "''"],
  ])('%p → %p', (s, want) => {
    expect(shellQuote(s)).toBe(want);
  });
});
