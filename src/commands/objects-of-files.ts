/**
 * objectsOfFiles: what `get -f` and `describe -f` look up, as kubectl does: every object the files
 * name, whatever its kind, grouped by kind and namespace (each object in the namespace it names,
 * else -n's), in the order the kinds first appear. A document of a kind kubeplay does not handle,
 * or without a name, is a usage error naming it.
 */
import { ManifestError, UsageError } from '../domain/errors';
import type { KindModule } from '../kinds/kind';
import { kindOf } from '../kinds/registry';
import { loadManifests } from '../load';

/** ObjectGroup is the names of one kind in one namespace. */
export interface ObjectGroup {
  kind: KindModule;
  namespace: string;
  names: string[];
}

/** objectsOfFiles reads the files and groups what they name; `verb` is the command's (`get`, `describe`), for messages. */
export async function objectsOfFiles(
  files: string[],
  opts: { recursive: boolean; namespace: string; readStdin: (maxBytes: number) => Promise<Buffer> },
  verb: string,
): Promise<ObjectGroup[]> {
  const loaded = await loadManifests(files, { recursive: opts.recursive, readStdin: opts.readStdin });
  if (loaded.issues.some((i) => i.severity === 'error')) throw new ManifestError(loaded.issues.filter((i) => i.severity === 'error'));
  const groups = new Map<string, ObjectGroup>();
  for (const d of loaded.documents) {
    const meta = (d.value['metadata'] ?? {}) as { name?: unknown; namespace?: unknown };
    const where = `${d.source} (document ${d.documentIndex + 1})`;
    const k = typeof d.value['kind'] === 'string' ? kindOf(d.value['kind']) : undefined;
    if (k === undefined) throw new UsageError(`${where}: kind ${JSON.stringify(d.value['kind'] ?? null)} is not one kubeplay handles, so there is nothing to ${verb}`);
    if (typeof meta.name !== 'string' || meta.name === '') throw new UsageError(`${where}: the ${k.info.kind} has no metadata.name, so there is nothing to look up`);
    const namespace = k.info.namespaced && typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : opts.namespace;
    const key = `${k.info.kind}|${namespace}`;
    const g = groups.get(key) ?? { kind: k, namespace, names: [] };
    if (!g.names.includes(meta.name)) g.names.push(meta.name);
    groups.set(key, g);
  }
  if (groups.size === 0) throw new UsageError(`no objects passed to ${verb}: the files hold no Kubernetes objects`);
  return [...groups.values()];
}
