/** The DNS server program's flags. */
import { parseArgs } from '../../../src/dns-server/main';

describe('parseArgs', () => {
  test('defaults: 0.0.0.0:53, 2 s per upstream', () => {
    expect(parseArgs(['--zone', '/zone/zone.json'])).toEqual({ zone: '/zone/zone.json', host: '0.0.0.0', port: 53, timeoutMs: 2000 });
  });

  test('--flag=value, IPv6, port 0', () => {
    expect(parseArgs(['--zone=/z.json', '--listen=[::1]:0', '--timeout=500'])).toEqual({ zone: '/z.json', host: '::1', port: 0, timeoutMs: 500 });
  });

  test.each([
    [[], /--zone is required/],
    [['--zone', 'z', '--listen', '1.2.3.4'], /--listen "1\.2\.3\.4" is not ip:port/],
    [['--zone', 'z', '--listen', 'localhost:53'], /is not ip:port/],
    [['--zone', 'z', '--listen', '1.2.3.4:70000'], /is not ip:port/],
    [['--zone', 'z', '--timeout', 'soon'], /--timeout "soon" is not a number of milliseconds/],
    [['--zone', 'z', '--verbose'], /unknown argument "--verbose"/],
  ])('refuses %j', (argv, message) => {
    expect(parseArgs(argv)).toEqual(expect.stringMatching(message));
  });
});
