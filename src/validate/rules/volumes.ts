/** volumes: names, exactly one source per volume, and safe hostPath and claim references. */
import type { DocumentRule, Finding } from './rule';
import { asArray, asRecord } from './rule';
import { isDNS1123Label, isDNS1123Subdomain } from './k8s-names';

const HOST_PATH_TYPES = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
const NON_SOURCE_KEYS = new Set(['name']);

/** volumesRule checks spec.volumes. */
export const volumesRule: DocumentRule = {
  name: 'volumes',
  check(pod) {
    const out: Finding[] = [];
    const spec = asRecord(pod['spec']);
    const seen = new Set<string>();
    asArray(spec?.['volumes']).forEach((v, i) => {
      const vol = asRecord(v);
      if (!vol) return;
      const path = ['spec', 'volumes', i];
      const name = vol['name'];
      if (typeof name === 'string') {
        for (const e of isDNS1123Label(name)) out.push({ path: [...path, 'name'], message: `invalid volume name "${name}": ${e}` });
        if (seen.has(name)) out.push({ path: [...path, 'name'], message: `duplicate volume name "${name}"` });
        seen.add(name);
      }
      const sources = Object.keys(vol).filter((k) => !NON_SOURCE_KEYS.has(k) && vol[k] !== null && vol[k] !== undefined);
      // A volume with only a name is valid: the API server defaults it to an emptyDir (defaults.ts).
      if (sources.length > 1) out.push({ path: [...path, sources[1] ?? ''], message: `may not specify more than 1 volume type (found ${sources.join(', ')})` });

      const hostPath = asRecord(vol['hostPath']);
      if (hostPath) {
        const p = hostPath['path'];
        if (typeof p === 'string') {
          if (!p.startsWith('/')) out.push({ path: [...path, 'hostPath', 'path'], message: `hostPath "${p}" must be an absolute path` });
          if (p.split('/').includes('..')) out.push({ path: [...path, 'hostPath', 'path'], message: `hostPath "${p}" must not contain '..'` });
        }
        const t = hostPath['type'];
        if (t !== undefined && t !== null && !(typeof t === 'string' && HOST_PATH_TYPES.includes(t)))
          out.push({ path: [...path, 'hostPath', 'type'], message: `unsupported value ${JSON.stringify(t)} for hostPath type: supported values are ${HOST_PATH_TYPES.filter(Boolean).map((x) => `"${x}"`).join(', ')}` });
      }
      const pvc = asRecord(vol['persistentVolumeClaim']);
      const claim = pvc?.['claimName'];
      if (typeof claim === 'string')
        for (const e of isDNS1123Subdomain(claim)) out.push({ path: [...path, 'persistentVolumeClaim', 'claimName'], message: `invalid claimName "${claim}": ${e}` });
    });
    return out;
  },
};
