/**
 * The host-file side of hostPath volumes: what a path is (for the kubelet's type checks) and
 * making a missing DirectoryOrCreate/FileOrCreate path, with the kubelet's modes (0755, 0644).
 */
import { lstat, mkdir, open, stat } from 'node:fs/promises';
import type { HostPathKind } from '../domain/state';
import type { HostFs } from '../domain/execution';

/** statPath says what a host path is; a dangling or unreadable path counts as missing. */
export async function statPath(path: string): Promise<HostPathKind> {
  try {
    const s = await stat(path).catch(() => lstat(path));
    if (s.isDirectory()) return 'directory';
    if (s.isFile()) return 'file';
    if (s.isSocket()) return 'socket';
    if (s.isCharacterDevice()) return 'char-device';
    if (s.isBlockDevice()) return 'block-device';
    return 'other';
  } catch {
    return 'missing';
  }
}

/** nodeHostFs creates host paths with Node's fs. */
export const nodeHostFs: HostFs = {
  ensureDirectory: async (path) => {
    await mkdir(path, { recursive: true, mode: 0o755 });
  },
  ensureFile: async (path) => {
    const h = await open(path, 'a', 0o644);
    await h.close();
  },
};
