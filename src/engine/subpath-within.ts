/**
 * makeSubPathWithin makes a named volume's subPath directory one component at a time and refuses a
 * component that is a symbolic link, so neither making it nor the bind mount that follows can be
 * steered out of the volume by a link a container left there (the class of CVE-2017-1002101, which
 * the kubelet closes the same way). `mkdir -p` and the runtime's bind mount would follow such a
 * link to anywhere on the host.
 *
 * What remains is the window between this check and the runtime's mount: a container running on
 * the same volume could swap a checked directory for a link in it. The kubelet closes that too, by
 * mounting through file descriptors it opened without following links; Podman's API takes only paths.
 */
import { lstat, mkdir, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { subPathSource } from './to-create-body';

/** SubPathError says why a subPath cannot be used; its message names the component at fault. */
export class SubPathError extends Error {}

/** makeSubPathWithin returns the directory (or file) to bind for `subPath` inside the volume at `root`; see the module comment. */
export async function makeSubPathWithin(root: string, subPath: string): Promise<string> {
  // subPathSource refuses absolute paths and `..` that would leave the volume.
  const relative = path.posix.relative(root, subPathSource(root, subPath));
  const parts = relative === '' ? [] : relative.split('/');
  let current = await realpath(root);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const shown = parts.slice(0, i + 1).join('/');
    const next = path.posix.join(current, part);
    let info = await lstat(next).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (info === undefined) {
      await mkdir(next, { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      info = await lstat(next); // made by us, or by someone at the same moment: look again
    }
    if (info.isSymbolicLink()) {
      throw new SubPathError(
        `"${shown}" is a symbolic link inside the volume; kubeplay does not follow links in a subPath, since one could ` +
          'lead out of the volume: remove the link or use a subPath that does not go through it',
      );
    }
    const last = i === parts.length - 1;
    if (!info.isDirectory() && !(last && info.isFile())) {
      throw new SubPathError(`"${shown}" is neither a directory nor, as the last part, a file; use a subPath made of directories`);
    }
    current = next;
  }
  return current;
}
