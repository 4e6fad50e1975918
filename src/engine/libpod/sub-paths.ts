/**
 * resolveSubPaths prepares a container's subPath mounts before it is created. Podman 4.3 cannot
 * mount a named volume's sub-directory, so a subPath mount binds `<mountpoint>/<subPath>`
 * instead; the directory is created first, as kubelet does, and never through a link
 * (subpath-within.ts). A hostPath's subPath is made inside the hostPath the same way.
 */
import * as path from 'node:path';
import { EngineError } from '../../domain/errors';
import type { DesiredContainer } from '../../domain/types';
import { makeSubPathWithin, SubPathError } from '../subpath-within';
import { subPathsOf } from '../to-create-body';
import type { LibpodTransport } from './transport';
import type { VolumeInspectReport } from './wire-types';

/** resolveSubPaths resolves to the mountpoint of each volume the container mounts a subPath of. */
export async function resolveSubPaths(t: LibpodTransport, container: DesiredContainer, what: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const m of container.mounts) {
    if (m.kind !== 'bind' || m.within === undefined) continue;
    const subPath = path.posix.relative(m.within, m.source);
    try {
      await makeSubPathWithin(m.within, subPath);
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${m.within} does not exist` : (err as Error).message;
      throw new EngineError(`cannot ${what}: subPath ${subPath} of hostPath ${m.within}: ${why}`, 'createContainer', undefined, err);
    }
  }
  for (const volume of subPathsOf(container)) {
    const res = await t.request({
      operation: 'createContainer',
      what: `inspect volume ${volume} for ${container.name}`,
      method: 'GET',
      path: `/volumes/${encodeURIComponent(volume)}/json`,
    });
    const info = res.body as VolumeInspectReport;
    if (info.Options?.type === 'tmpfs') {
      throw new EngineError(
        `cannot ${what}: volume ${volume} is a tmpfs (emptyDir medium: Memory) and Podman 4.3 cannot mount ` +
          'a sub-directory of it; drop subPath or the Memory medium',
        'createContainer',
      );
    }
    if (typeof info.Mountpoint !== 'string' || info.Mountpoint === '') {
      throw new EngineError(`cannot ${what}: Podman reports no mountpoint for volume ${volume}`, 'createContainer');
    }
    out[volume] = info.Mountpoint;
    for (const m of container.mounts) {
      if (m.kind !== 'volume' || m.volume !== volume || m.subPath === undefined || m.subPath === '') continue;
      try {
        await makeSubPathWithin(info.Mountpoint, m.subPath);
      } catch (err) {
        if (err instanceof SubPathError || err instanceof RangeError) {
          throw new EngineError(`cannot ${what}: subPath ${m.subPath} of volume ${volume}: ${err.message}`, 'createContainer', undefined, err);
        }
        throw new EngineError(
          `cannot ${what}: cannot create subPath ${m.subPath} in volume ${volume}: ${(err as Error).message}; ` +
            'kubeplay must run on the same machine and as the same user as the Podman service for subPath',
          'createContainer',
          undefined,
          err,
        );
      }
    }
  }
  return out;
}
