/**
 * nodeHostFs: the executor's HostFs port over Node's fs. It makes a missing DirectoryOrCreate or
 * FileOrCreate hostPath with the kubelet's modes (0755, 0644), writes projected volumes' files
 * with the kubelet's atomic writer (atomic-writer.ts) and removes them; the composition root hands
 * it to apply.
 */
import { mkdir, open, rm } from 'node:fs/promises';
import type { HostFs } from '../domain/execution';
import { projectFiles } from './atomic-writer';

/** nodeHostFs creates host paths with Node's fs. */
export const nodeHostFs: HostFs = {
  ensureDirectory: async (path) => {
    await mkdir(path, { recursive: true, mode: 0o755 });
  },
  ensureFile: async (path) => {
    const h = await open(path, 'a', 0o644);
    await h.close();
  },
  projectFiles: async (dir, files) => {
    await projectFiles(dir, files);
  },
  removeFiles: async (dir) => {
    await rm(dir, { recursive: true, force: true });
  },
};
