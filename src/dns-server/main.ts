/**
 * kubeplay's DNS server, a standalone program (dist/dns-server/main.js) that kubeplay runs in its
 * DNS pod; it answers cluster names from the zone file kubeplay writes and forwards the rest.
 *
 *   node dist/dns-server/main.js --zone /zone/zone.json [--listen 0.0.0.0:53] [--timeout 2000]
 *
 * --zone FILE      the DnsZone JSON (src/domain/network.ts; how it is read: zone.ts); watched and
 *                  read again when replaced. Required.
 * --listen ADDR    `ip:port` or `[ipv6]:port` to serve on, UDP and TCP (default 0.0.0.0:53; port 0:
 *                  any free port, printed in the start line).
 * --timeout MS     how long to wait for one upstream before the next (default 2000).
 *
 * Logs to stderr one line per start, zone load or rejected zone, and error; never one per query.
 * SIGTERM and SIGINT close the sockets and exit 0. Exit 2: bad flags; exit 1: the address cannot
 * be bound. Uses only Node's dgram and net: no DNS server library is among kubeplay's dependencies.
 */
import { DnsServer } from './server';
import { ZoneFile } from './zone-file';

const USAGE = 'usage: node dist/dns-server/main.js --zone FILE [--listen IP:PORT] [--timeout MS]';

/** MainOptions are the program's flags, read. */
export interface MainOptions {
  zone: string;
  host: string;
  port: number;
  timeoutMs: number;
}

/** parseArgs reads the flags; a string is what is wrong with them. */
export function parseArgs(argv: string[]): MainOptions | string {
  let zone: string | undefined;
  let listen = '0.0.0.0:53';
  let timeout = '2000';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const value = (): string | undefined => (a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : argv[++i]);
    if (flag === '--zone') zone = value();
    else if (flag === '--listen') listen = value() ?? '';
    else if (flag === '--timeout') timeout = value() ?? '';
    else if (flag === '--help' || flag === '-h') return USAGE;
    else return `unknown argument ${JSON.stringify(a)}; ${USAGE}`;
  }
  if (zone === undefined || zone === '') return `--zone is required; ${USAGE}`;
  const addr = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9]{1,3}(?:\.[0-9]{1,3}){3})):([0-9]{1,5})$/.exec(listen);
  if (!addr || Number(addr[3]) > 0xffff) return `--listen ${JSON.stringify(listen)} is not ip:port or [ipv6]:port; ${USAGE}`;
  const timeoutMs = Number(timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 10 || timeoutMs > 60_000) return `--timeout ${JSON.stringify(timeout)} is not a number of milliseconds from 10 to 60000; ${USAGE}`;
  return { zone, host: addr[1] ?? addr[2]!, port: Number(addr[3]), timeoutMs };
}

async function main(): Promise<void> {
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const opts = parseArgs(process.argv.slice(2));
  if (typeof opts === 'string') {
    log(opts);
    process.exit(opts === USAGE ? 0 : 2);
  }
  const zoneFile = new ZoneFile(opts.zone, log);
  zoneFile.start();
  const server = new DnsServer({ host: opts.host, port: opts.port, zone: () => zoneFile.zone(), timeoutMs: opts.timeoutMs, log });
  let bound: { host: string; port: number };
  try {
    bound = await server.start();
  } catch (err) {
    log(`kubeplay-dns: cannot serve on ${opts.host}:${opts.port}: ${(err as Error).message}`);
    process.exit(1);
  }
  const shown = bound.host.includes(':') ? `[${bound.host}]:${bound.port}` : `${bound.host}:${bound.port}`;
  log(`kubeplay-dns: serving on ${shown} (udp, tcp), zone ${opts.zone}`);
  const stop = (signal: string): void => {
    zoneFile.stop();
    void server.stop().then(() => {
      log(`kubeplay-dns: stopped (${signal})`);
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A bug must not take the cluster's DNS down: say it once and keep serving.
  process.on('uncaughtException', (err) => log(`kubeplay-dns: internal error: ${err.stack ?? String(err)}`));
}

if (require.main === module) void main();
