/**
 * What a hostPath volume's path is on the host, for the kubelet's type checks (the observe stage's
 * look at the host). Making a missing path is the executor's: execute/node-host-fs.ts.
 */
import { lstat, stat } from 'node:fs/promises';
import type { HostPathKind } from '../domain/state';

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
