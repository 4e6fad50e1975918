import { spawn } from 'node:child_process';

/** ProcessResult is the outcome of a finished child process. */
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** RunOptions tunes runProcess: stdin text, environment, working directory and a time limit. */
export interface RunOptions {
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** runProcess runs a command to completion and collects its output; it never rejects on a non-zero exit. */
export function runProcess(command: string, args: readonly string[], opts: RunOptions = {}): Promise<ProcessResult> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${command} ${args.join(' ')} did not finish within ${timeoutMs} ms and was killed.\n` +
            `stdout so far:\n${stdout}\nstderr so far:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        err.code === 'ENOENT'
          ? new Error(`${command} is not installed or not on PATH; run bash scripts/setup.sh first.`)
          : err,
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    // A child that exits before reading stdin makes the write fail with EPIPE; that is its business.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin ?? '');
  });
}

/** podman runs the podman CLI (tests may observe with it; product code never does) and resolves with its result. */
export function podman(args: readonly string[], opts: RunOptions = {}): Promise<ProcessResult> {
  return runProcess('podman', args, opts);
}

/** podmanOk runs the podman CLI and rejects, quoting its stderr, when it exits non-zero. */
export async function podmanOk(args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await podman(args, opts);
  if (r.code !== 0) {
    throw new Error(`podman ${args.join(' ')} failed with exit code ${String(r.code)}: ${r.stderr.trim()}`);
  }
  return r.stdout;
}

/** podmanExec runs argv inside a running container (podman exec) and returns its exit code and output. */
export function podmanExec(container: string, argv: readonly string[], opts: RunOptions = {}): Promise<ProcessResult> {
  return podman(['exec', container, ...argv], opts);
}

interface PodJson {
  Id: string;
  Name: string;
  Status: string;
  Labels?: Record<string, string> | null;
}

interface ContainerJson {
  Id: string;
  Names: string[];
  State: string;
  ExitCode: number;
  IsInfra: boolean;
  Pod: string;
  PodName: string;
  Ports?: Array<{ host_port: number; range?: number }> | null;
}

interface VolumeJson {
  Name: string;
}

/** listPods returns every pod Podman knows (podman pod ps), sorted by name. */
export async function listPods(): Promise<PodJson[]> {
  const pods = JSON.parse((await podmanOk(['pod', 'ps', '--format', 'json'])) || '[]') as PodJson[];
  return pods.sort((a, b) => a.Name.localeCompare(b.Name));
}

/** listContainers returns every container, running or not, with its pod's name (podman ps -a --pod). */
export async function listContainers(): Promise<ContainerJson[]> {
  const ctrs = JSON.parse((await podmanOk(['ps', '-a', '--pod', '--format', 'json'])) || '[]') as ContainerJson[];
  return ctrs.sort((a, b) => (a.Names[0] ?? '').localeCompare(b.Names[0] ?? ''));
}

/** listVolumes returns every volume name, sorted. */
export async function listVolumes(): Promise<string[]> {
  const vols = JSON.parse((await podmanOk(['volume', 'ls', '--format', 'json'])) || '[]') as VolumeJson[];
  return vols.map((v) => v.Name).sort();
}

/** PodmanStateOptions restricts a snapshot to objects whose name (or pod's name) starts with prefix. */
export interface PodmanStateOptions {
  prefix?: string;
}

/**
 * podmanState returns a stable text snapshot of pods, containers and volumes, one sorted line each:
 *   pod <name> <id12> <Status>
 *   container <name> <id12> pod=<podName|-> <state>[ exit=<code>]
 *   volume <name>
 * It leaves out anything time-dependent ("Up 3 seconds"), so two calls with nothing changed in
 * between return the same string. Pass a prefix: other engineers share this Podman, and their
 * objects would otherwise make "nothing changed" assertions flaky.
 */
export async function podmanState(opts: PodmanStateOptions = {}): Promise<string> {
  const prefix = opts.prefix ?? '';
  const [pods, ctrs, vols] = await Promise.all([listPods(), listContainers(), listVolumes()]);
  const lines: string[] = [];
  for (const p of pods) {
    if (p.Name.startsWith(prefix)) lines.push(`pod ${p.Name} ${p.Id.slice(0, 12)} ${p.Status}`);
  }
  for (const c of ctrs) {
    const name = c.Names[0] ?? c.Id.slice(0, 12);
    if (!name.startsWith(prefix) && !(c.PodName && c.PodName.startsWith(prefix))) continue;
    const exit = c.State === 'exited' ? ` exit=${c.ExitCode}` : '';
    lines.push(`container ${name} ${c.Id.slice(0, 12)} pod=${c.PodName || '-'} ${c.State}${exit}`);
  }
  for (const v of vols) {
    if (v.startsWith(prefix)) lines.push(`volume ${v}`);
  }
  return lines.sort().join('\n');
}

function assertSafePrefix(prefix: string): void {
  // A short or empty prefix would match other people's objects on this shared Podman.
  if (prefix.length < 6) {
    throw new Error(
      `cleanup prefix "${prefix}" is shorter than 6 characters and could match objects this test did not create; use runId().`,
    );
  }
}

/**
 * removePodsByPrefix force-removes the pods, and stand-alone containers, whose names start with
 * prefix, and returns the removed pod names (sorted). Objects of anyone else are left alone.
 */
export async function removePodsByPrefix(prefix: string): Promise<string[]> {
  assertSafePrefix(prefix);
  const pods = (await listPods()).filter((p) => p.Name.startsWith(prefix)).map((p) => p.Name);
  if (pods.length > 0) {
    // -t 0: the test is over, there is nothing to stop gracefully. Podman 4.3 can fail a forced
    // removal while a restarting container changes state under it ("container state improper",
    // "dependency exists"); the same removal a moment later succeeds, so it is tried three times.
    for (let attempt = 1; ; attempt++) {
      const r = await podman(['pod', 'rm', '--force', '--ignore', '--time', '0', ...pods]);
      if (r.code === 0) break;
      if (attempt === 3) throw new Error(`podman pod rm ${pods.join(' ')} failed with exit code ${String(r.code)}: ${r.stderr.trim()}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const loose = (await listContainers())
    .filter((c) => !c.Pod && (c.Names[0] ?? '').startsWith(prefix))
    .map((c) => c.Names[0] ?? c.Id);
  if (loose.length > 0) {
    await podmanOk(['rm', '--force', '--ignore', '--time', '0', ...loose]);
  }
  return pods;
}

/** removeVolumesByPrefix force-removes the volumes whose names start with prefix and returns their names (sorted). */
export async function removeVolumesByPrefix(prefix: string): Promise<string[]> {
  assertSafePrefix(prefix);
  const vols = (await listVolumes()).filter((v) => v.startsWith(prefix));
  if (vols.length > 0) await podmanOk(['volume', 'rm', '--force', ...vols]);
  return vols;
}

/** publishedHostPorts returns every host port some container (running or not) has published. */
export async function publishedHostPorts(): Promise<Set<number>> {
  const used = new Set<number>();
  for (const c of await listContainers()) {
    for (const p of c.Ports ?? []) {
      for (let i = 0; i < (p.range ?? 1); i++) used.add(p.host_port + i);
    }
  }
  return used;
}
