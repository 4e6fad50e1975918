import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { runProcess, type ProcessResult } from './podman';
import { currentPodmanService } from './podman-service';
import { repoRoot } from './paths';

/** runId returns a short unique prefix such as `kpt-3f9a1c` for naming everything one test makes. */
export function runId(): string {
  return `kpt-${randomBytes(3).toString('hex')}`;
}

/** CliResult is what a kubeplay run produced: exit code (null if killed by a signal), stdout and stderr. */
export type CliResult = ProcessResult;

/** RunCliOptions: stdin text, extra environment (a key set to undefined is removed), cwd, service and time limit. */
export interface RunCliOptions {
  stdin?: string;
  env?: Record<string, string | undefined>;
  /** cwd defaults to the repository root, so `-f examples/...` works. */
  cwd?: string;
  /** containerHost defaults to the service startPodmanService() started in this test file. */
  containerHost?: string;
  timeoutMs?: number;
}

const cliPath = path.join(repoRoot, 'bin', 'kubeplay.js');
const builtMain = path.join(repoRoot, 'dist', 'cli', 'main.js');
let buildChecked = false;

function newestMtime(dir: string): { file: string; mtimeMs: number } {
  let best = { file: '', mtimeMs: 0 };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const cand = entry.isDirectory() ? newestMtime(full) : { file: full, mtimeMs: fs.statSync(full).mtimeMs };
    if (cand.mtimeMs > best.mtimeMs) best = cand;
  }
  return best;
}

// The integration tests run the built CLI (what users run), so a missing or stale dist/ would
// silently test old code. Checked once per test file.
function assertBuildIsCurrent(): void {
  if (buildChecked) return;
  if (!fs.existsSync(builtMain)) {
    throw new Error(
      `${path.relative(repoRoot, builtMain)} is missing, and integration tests run the built CLI. ` +
        'Run npm run build (bash scripts/setup.sh does it), then rerun the tests.',
    );
  }
  const built = fs.statSync(builtMain).mtimeMs;
  const newest = newestMtime(path.join(repoRoot, 'src'));
  if (newest.mtimeMs > built) {
    throw new Error(
      `${path.relative(repoRoot, newest.file)} changed after the last build, so dist/ is stale and the ` +
        'integration tests would run old code. Run npm run build, then rerun the tests.',
    );
  }
  buildChecked = true;
}

/**
 * runCli runs `node bin/kubeplay.js ...args` against this test file's private Podman service
 * (CONTAINER_HOST) with NO_COLOR=1, and resolves with its exit code and output; it never rejects
 * on a non-zero exit. Start the service first with startPodmanService(), or pass containerHost,
 * or set env.CONTAINER_HOST yourself (undefined removes it).
 */
export async function runCli(args: readonly string[], opts: RunCliOptions = {}): Promise<CliResult> {
  assertBuildIsCurrent();
  const extra = opts.env ?? {};
  const containerHost = opts.containerHost ?? currentPodmanService()?.containerHost;
  if (containerHost === undefined && !('CONTAINER_HOST' in extra)) {
    throw new Error(
      'runCli has no Podman service to point kubeplay at: call startPodmanService() in beforeAll, ' +
        'or pass containerHost, or set env.CONTAINER_HOST explicitly (undefined to remove it).',
    );
  }
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined };
  if (containerHost !== undefined) env['CONTAINER_HOST'] = containerHost;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const runOpts = { env, cwd: opts.cwd ?? repoRoot, timeoutMs: opts.timeoutMs ?? 120_000 };
  return runProcess(process.execPath, [cliPath, ...args], opts.stdin === undefined ? runOpts : { ...runOpts, stdin: opts.stdin });
}
