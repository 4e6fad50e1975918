/**
 * NsenterNft: the ProxyRuleWriter port (proxy-rules.ts) over nftables. It enters the proxy pod's
 * network namespace with `nsenter --target PID --net` and loads the rules with `nft -f -`, one
 * atomic transaction; for rootless Podman it enters the pod's user namespace too. What it loaded is
 * kept in `<state dir>/network/proxies/<pod>.json` ({pid, hash}), written by rename; commands write
 * it under the connection lock, so there is one writer at a time.
 *
 * Why nsenter and nft rather than a library: the rules must live in the pod's namespace, which a
 * Node process cannot enter (setns is per thread, and Node has none), and nft is the kernel's own
 * tool for nftables (Debian's `nftables` package).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../domain/errors';
import type { ProxyRules } from '../domain/network';
import { renderNftRules, type ProgrammedProxy, type ProxyRuleWriter } from './proxy-rules';

/** NFT_TIMEOUT_MS bounds one nsenter+nft run (it takes ~10 ms). */
const NFT_TIMEOUT_MS = 15_000;

export class NsenterNft implements ProxyRuleWriter {
  private cache: Record<string, ProgrammedProxy> | undefined;

  /** dir: `<state dir>/network/proxies`; rootless: enter the pod's user namespace as well. */
  constructor(
    private readonly dir: string,
    private readonly rootless: boolean,
  ) {}

  async program(pod: string, pid: number, rules: ProxyRules, hash: string): Promise<void> {
    if (!(pid > 0)) throw new EngineError(`cannot program the proxy pod ${pod}: it is not running (no process to enter)`, 'programProxy');
    const args = ['--target', String(pid), ...(this.rootless ? ['--user', '--preserve-credentials'] : []), '--net', 'nft', '-f', '-'];
    await run('nsenter', args, renderNftRules(rules), pod);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = join(this.dir, `${pod}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify({ pid, hash }), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    this.programmed()[pod] = { pid, hash };
  }

  programmed(): Record<string, ProgrammedProxy> {
    if (this.cache !== undefined) return this.cache;
    const out: Record<string, ProgrammedProxy> = {};
    let names: string[] = [];
    try {
      names = readdirSync(this.dir);
    } catch {
      names = [];
    }
    for (const n of names) {
      if (!n.endsWith('.json')) continue;
      try {
        const r = JSON.parse(readFileSync(join(this.dir, n), 'utf8')) as Partial<ProgrammedProxy>;
        if (typeof r.pid === 'number' && typeof r.hash === 'string') out[n.slice(0, -'.json'.length)] = { pid: r.pid, hash: r.hash };
      } catch {
        // A torn or foreign file: the proxy is programmed again.
      }
    }
    this.cache = out;
    return out;
  }

  forget(pod: string): void {
    rmSync(join(this.dir, `${pod}.json`), { force: true });
    delete this.programmed()[pod];
  }
}

function run(command: string, args: string[], input: string, pod: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), NFT_TIMEOUT_MS);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new EngineError(
          err.code === 'ENOENT'
            ? `cannot program the proxy pod ${pod}: ${command} is not installed; Services need nsenter (util-linux) and nft (Debian's nftables package): apt-get install nftables`
            : `cannot program the proxy pod ${pod}: ${err.message}`,
          'programProxy',
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new EngineError(
            `cannot program the proxy pod ${pod}: nsenter ... nft -f - exited ${String(code)}: ${stderr.trim() || 'no message'}` +
              (/ENOENT|No such file|not found/.test(stderr) ? '; install nftables (apt-get install nftables)' : ''),
            'programProxy',
          ),
        );
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
