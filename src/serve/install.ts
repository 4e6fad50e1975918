/**
 * install.ts: `kubeplay serve --install`: the systemd unit `kubeplay.service` that runs
 * `kubeplay serve` at boot, for the system (root) or for the user's own systemd instance, and the
 * commands that enable it. It writes the file; it does not run systemctl (the caller prints the
 * commands, or runs them: its choice).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { UsageError } from '../domain/errors';

/** UNIT_NAME: the unit's file name. */
export const UNIT_NAME = 'kubeplay.service';

/** UnitScope: a system unit (root, /etc/systemd/system) or a user unit (~/.config/systemd/user, `systemctl --user`). */
export type UnitScope = 'root' | 'user';

/** UnitOptions: what the unit runs and with what around it. */
export interface UnitOptions {
  /** exec: the command: the absolute path of node, of kubeplay's bin/kubeplay.js, then `serve` and its flags. */
  exec: readonly string[];
  /** stateDir: the state directory, given to the service as KUBEPLAY_STATE_DIR. */
  stateDir: string;
  user: UnitScope;
  /**
   * env: more variables for the service, written as Environment= lines in name order. Pass what
   * `serve` reads from the installing shell and systemd would not give it: HOME (a system service
   * gets none: the kubeconfig goes to ~/.kube/config), KUBECONFIG, CONTAINER_HOST.
   */
  env?: Readonly<Record<string, string>>;
  /** podmanSocket: podman.socket exists for this scope (see hasPodmanSocket): the service wants it and starts after it. */
  podmanSocket?: boolean;
}

/**
 * quoteExecArg: one ExecStart word as systemd reads it (systemd.service(5) "Command lines"):
 * `%` doubled (specifiers), `$` doubled (variable expansion), and a word holding anything beyond
 * plain path characters double-quoted with `\` and `"` escaped.
 */
export function quoteExecArg(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** environmentLine: one Environment= assignment, quoted, `%` doubled. */
function environmentLine(name: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`cannot put the variable "${name}" in a systemd unit: a name is letters, digits and _`);
  const text = `${name}=${value}`.replace(/%/g, '%%').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `Environment="${text}"`;
}

/** systemdUnit: the text of kubeplay.service for the options. */
export function systemdUnit(opts: UnitOptions): string {
  const [program] = opts.exec;
  if (program === undefined || !isAbsolute(program)) {
    throw new UsageError(`cannot write a systemd unit for "${program ?? ''}": ExecStart needs an absolute path (systemd does not search PATH for every version)`);
  }
  if (!isAbsolute(opts.stateDir)) throw new UsageError(`cannot write a systemd unit with the state directory "${opts.stateDir}": give an absolute path`);
  const after: string[] = [];
  const wants: string[] = [];
  if (opts.user === 'root') {
    after.push('network-online.target');
    wants.push('network-online.target');
  }
  if (opts.podmanSocket) {
    after.push('podman.socket');
    wants.push('podman.socket');
  }
  const env = { KUBEPLAY_STATE_DIR: opts.stateDir, ...(opts.env ?? {}) };
  const lines = [
    `# ${UNIT_NAME}: written by \`kubeplay serve --install\`; written again by the next --install.`,
    '[Unit]',
    'Description=kubeplay serve: the Kubernetes API over Podman',
    ...(after.length ? [`After=${after.join(' ')}`, `Wants=${wants.join(' ')}`] : []),
    '',
    '[Service]',
    'Type=simple',
    ...Object.entries(env)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => environmentLine(k, v)),
    `ExecStart=${opts.exec.map(quoteExecArg).join(' ')}`,
    'Restart=on-failure',
    'RestartSec=2s',
    '',
    '[Install]',
    `WantedBy=${opts.user === 'root' ? 'multi-user.target' : 'default.target'}`,
    '',
  ];
  return lines.join('\n');
}

/** unitDirectory: where a unit of the scope is installed: /etc/systemd/system, or ~/.config/systemd/user ($XDG_CONFIG_HOME when set). */
export function unitDirectory(scope: UnitScope, home: string, xdgConfigHome?: string): string {
  if (scope === 'root') return '/etc/systemd/system';
  return join(xdgConfigHome && isAbsolute(xdgConfigHome) ? xdgConfigHome : join(home, '.config'), 'systemd', 'user');
}

/** PODMAN_SOCKET_DIRS: where a distribution or an admin puts podman.socket, per scope (systemd's unit search paths). */
const PODMAN_SOCKET_DIRS: Record<UnitScope, string[]> = {
  root: ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'],
  user: ['/etc/systemd/user', '/usr/local/lib/systemd/user', '/usr/lib/systemd/user', '/lib/systemd/user'],
};

/** hasPodmanSocket: whether podman.socket is installed for the scope. */
export function hasPodmanSocket(scope: UnitScope, exists: (path: string) => boolean = existsSync): boolean {
  return PODMAN_SOCKET_DIRS[scope].some((d) => exists(join(d, 'podman.socket')));
}

/** InstalledUnit: the file written, whether its content changed, and the commands that enable it, in order. */
export interface InstalledUnit {
  path: string;
  changed: boolean;
  commands: string[];
}

/**
 * installUnit: writes the unit text into the scope's unit directory (or `dir`, for tests),
 * atomically, 0644, and returns the commands that load and start it. A user unit also needs
 * lingering to start at boot without a login: `loginctl enable-linger <user>` comes last.
 */
export function installUnit(opts: { unit: string; scope: UnitScope; home: string; userName?: string; xdgConfigHome?: string; dir?: string }): InstalledUnit {
  const dir = opts.dir ?? unitDirectory(opts.scope, opts.home, opts.xdgConfigHome);
  const path = join(dir, UNIT_NAME);
  let before: string | undefined;
  try {
    before = readFileSync(path, 'utf8');
  } catch {
    before = undefined;
  }
  const changed = before !== opts.unit;
  if (changed) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      const tmp = `${path}.kubeplay-${process.pid}.tmp`;
      writeFileSync(tmp, opts.unit, { mode: 0o644 });
      chmodSync(tmp, 0o644); // whatever the umask: systemd and the admin read it
      renameSync(tmp, path);
    } catch (e) {
      throw new UsageError(`cannot write the systemd unit ${path}: ${(e as Error).message}${opts.scope === 'root' ? '; run as root, or use --user for a unit of your own' : ''}`);
    }
  }
  const systemctl = opts.scope === 'root' ? 'systemctl' : 'systemctl --user';
  const commands = [`${systemctl} daemon-reload`, `${systemctl} enable --now ${UNIT_NAME}`];
  if (opts.scope === 'user') commands.push(`loginctl enable-linger ${opts.userName ?? '$USER'}`);
  return { path, changed, commands };
}

/** PATH_FLAGS: serve's flags that take a path: made absolute for the unit, which runs in /. */
const PATH_FLAGS = new Set(['--kubeconfig', '--state-dir']);
/** DROPPED_FLAGS: flags of the installing run that the service must not get. */
const DROPPED_FLAGS = new Set(['--install', '--user']);

/**
 * unitServeArgs: the installing run's `serve` arguments as the service should get them: without
 * --install and --user (either as `--flag`, `--flag=true|false`), and with the values of
 * --kubeconfig and --state-dir made absolute against cwd.
 */
export function unitServeArgs(args: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, value] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (DROPPED_FLAGS.has(flag)) continue;
    if (PATH_FLAGS.has(flag)) {
      const v = value ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a path`);
      out.push(`${flag}=${isAbsolute(v) ? v : join(cwd, v)}`);
      continue;
    }
    out.push(a);
  }
  return out;
}

/** ServeInstall: what `serve --install` knows of itself: node, kubeplay's script, its serve arguments, where it runs. */
export interface ServeInstall {
  /** node, script: absolute paths of node (process.execPath) and of bin/kubeplay.js. */
  node: string;
  script: string;
  /** serveArgs: the arguments after `serve` (unitServeArgs drops --install and --user). */
  serveArgs: readonly string[];
  cwd: string;
  stateDir: string;
  scope: UnitScope;
  home: string;
  userName?: string;
  xdgConfigHome?: string;
  /** env: variables of the installing shell that serve reads and should keep (KUBECONFIG, CONTAINER_HOST), when set. */
  env?: Readonly<Record<string, string | undefined>>;
  /** dir: the unit directory instead of the scope's (tests). */
  dir?: string;
  exists?: (path: string) => boolean;
}

/**
 * installServe: serve --install in one call: the unit for this kubeplay, its node and its flags,
 * with HOME and the given variables kept, written where the scope's units go; returns the file,
 * the unit's text and the commands to print.
 */
export function installServe(opts: ServeInstall): InstalledUnit & { unit: string } {
  const env: Record<string, string> = { HOME: opts.home };
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined && v !== '') env[k] = v;
  const unit = systemdUnit({
    exec: [opts.node, opts.script, 'serve', ...unitServeArgs(opts.serveArgs, opts.cwd)],
    stateDir: opts.stateDir,
    user: opts.scope,
    env,
    podmanSocket: hasPodmanSocket(opts.scope, opts.exists),
  });
  const installed = installUnit({
    unit,
    scope: opts.scope,
    home: opts.home,
    ...(opts.userName !== undefined ? { userName: opts.userName } : {}),
    ...(opts.xdgConfigHome !== undefined ? { xdgConfigHome: opts.xdgConfigHome } : {}),
    ...(opts.dir !== undefined ? { dir: opts.dir } : {}),
  });
  return { ...installed, unit };
}
