/**
 * nodeHostFs: the executor's HostFs port over Node's fs. It makes a missing DirectoryOrCreate or
 * FileOrCreate hostPath with the kubelet's modes (0755, 0644); the composition root hands it to apply.
 */
import { mkdir, open, rm } from 'node:fs/promises';
import type { HostFs } from '../domain/execution';

/** nodeHostFs creates host paths with Node's fs. */
export const nodeHostFs: HostFs = {
  ensureDirectory: async (path) => {
    await mkdir(path, { recursive: true, mode: 0o755 });
  },
  ensureFile: async (path) => {
    const h = await open(path, 'a', 0o644);
    await h.close();
  },
  // The atomic writer comes in the next commit (issue 17, in progress).
  projectFiles: async (dir) => {
    throw new Error(`cannot write files into ${dir}: not carried out yet`);
  },
  removeFiles: async (dir) => {
    await rm(dir, { recursive: true, force: true });
  },
};
