/**
 * serve: a `kubeplay serve` of the test file's own (its state directory, its kubeconfig, a free port,
 * the file's private Podman service), and the real kubectl pointed at it through that kubeconfig.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startCli, waitUntil, type RunningCli } from './cli';
import { runProcess, type ProcessResult, type RunOptions } from './podman';

/** Served is a running kubeplay serve. */
export interface Served {
  url: string;
  kubeconfig: string;
  process: RunningCli;
  /** Stops it with SIGTERM and waits for its end. */
  stop(): Promise<void>;
}

/** startServe starts kubeplay serve on a free port and resolves once it listens and has written the kubeconfig. */
export async function startServe(stateDir: string, kubeconfig: string, extra: string[] = []): Promise<Served> {
  const p = startCli(['serve', '--port', '0', '--kubeconfig', kubeconfig, '--state-dir', stateDir, ...extra], { timeoutMs: 3_600_000 });
  const url = await waitUntil(
    'kubeplay serve to listen',
    async () => {
      const m = /listening on (https:\/\/\S+)/.exec(p.stdout());
      if (m === null && /error/.test(p.stderr())) throw new Error(`kubeplay serve failed:\n${p.stderr()}`);
      return m !== null && existsSync(kubeconfig) ? m[1]! : undefined;
    },
    60_000,
  );
  return {
    url,
    kubeconfig,
    process: p,
    stop: async () => {
      p.kill('SIGTERM');
      await p.done;
    },
  };
}

/** kubectlDir is where the kubectl binaries of every minor version are (kubectl.1.27 ... beside kubectl). */
export function kubectlDir(): string {
  return dirname(realpathSync(execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim()));
}

/** kubectlBinary is the kubectl of a minor version (`1.27`), or the default one. */
export function kubectlBinary(version?: string): string {
  if (version === undefined) return 'kubectl';
  const bin = join(kubectlDir(), `kubectl.${version}`);
  if (!existsSync(bin)) throw new Error(`kubectl ${version} is not installed at ${bin}: the serve tests drive every installed minor version`);
  return bin;
}

/** kubectl runs the real kubectl against the served API (its own kubeconfig, nothing of the user's). */
export function kubectl(served: Pick<Served, 'kubeconfig'>, args: readonly string[], opts: RunOptions & { version?: string } = {}): Promise<ProcessResult> {
  const env = { ...process.env, KUBECONFIG: served.kubeconfig, HOME: dirname(served.kubeconfig), ...(opts.env ?? {}) };
  return runProcess(kubectlBinary(opts.version), args, { ...opts, env });
}

/** bearerToken is the token kubeplay serve wrote into the kubeconfig. */
export function bearerToken(kubeconfig: string): string {
  return /token: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1] ?? '';
}
