/**
 * Where kubeplay keeps its state, next to Podman's storage: rootful `/var/lib/kubeplay`
 * (Podman: /var/lib/containers), rootless `$XDG_DATA_HOME/kubeplay`, by default
 * `~/.local/share/kubeplay` (Podman: ~/.local/share/containers). KUBEPLAY_STATE_DIR overrides both.
 */
import { UsageError } from '../domain/errors';

/** STATE_DIR_ENV names the environment variable that overrides the state directory. */
export const STATE_DIR_ENV = 'KUBEPLAY_STATE_DIR';

/** STATE_DB_FILE is the database's file name inside the state directory. */
export const STATE_DB_FILE = 'state.db';

/** Env is the part of the environment stateDirOf reads. */
export type Env = Readonly<Record<string, string | undefined>>;

const isAbsolute = (p: string): boolean => p.startsWith('/');

/**
 * stateDirOf returns the state directory for a user (uid 0 is rootful). A non-empty
 * KUBEPLAY_STATE_DIR wins, as given (the caller resolves a relative one against its cwd).
 * XDG_DATA_HOME counts only when absolute, as the XDG Base Directory spec says; else HOME is
 * used. UsageError when a rootless user has neither.
 */
export function stateDirOf(env: Env, uid: number): string {
  const override = env[STATE_DIR_ENV];
  if (override !== undefined && override !== '') return override;
  if (uid === 0) return '/var/lib/kubeplay';
  const xdg = env['XDG_DATA_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return `${xdg.replace(/\/+$/, '')}/kubeplay`;
  const home = env['HOME'];
  if (home !== undefined && isAbsolute(home)) return `${home.replace(/\/+$/, '')}/.local/share/kubeplay`;
  throw new UsageError(
    `cannot tell where to keep kubeplay's state: neither XDG_DATA_HOME nor HOME is an absolute path; set ${STATE_DIR_ENV} (or --state-dir) to a directory`,
  );
}
