/**
 * The inner checks of the volume types kubeplay runs, as the API server makes them in 1.32
 * (validateVolumeSource's emptyDir, secret, configMap, downwardAPI and projected parts;
 * validateKeyToPath, validateDownwardAPIVolumeFile, validateProjectionSources). volumes.ts runs them
 * for the first type of each volume only, as validateVolumeSource does.
 */
import type { JsonPath } from '../../domain/types';
import type { Finding } from './rule';
import { asArray, asRecord } from './rule';
import { forbidden, invalid, required } from './field-errors';
import { objectFieldSelector, resourceFieldSelector, VOLUME_FIELD_PATHS } from './env';
import { parseQuantity } from './quantity';

const FILE_MODE = 'must be a number between 0 and 0777 (octal), both inclusive';

function mode(v: unknown, path: JsonPath, out: Finding[]): void {
  if (typeof v === 'number' && (v < 0 || v > 0o777)) out.push(invalid(path, v, FILE_MODE));
}

/** localNonReservedPath is ValidateLocalNonReservedPath: relative, no `..` element, not starting with `..`. */
function localNonReservedPath(p: string, path: JsonPath, out: Finding[]): void {
  if (p.startsWith('/')) out.push(invalid(path, p, 'must be a relative path'));
  if (p.split('/').includes('..')) out.push(invalid(path, p, "must not contain '..'"));
  // Not reported when the check for '..' elements already caught it.
  if (p.startsWith('..') && !p.startsWith('../')) out.push(invalid(path, p, "must not start with '..'"));
}

function keyToPath(items: unknown[], path: JsonPath, out: Finding[], seen?: Set<string>, dupAt?: JsonPath, dupName?: unknown): void {
  items.forEach((it, i) => {
    const kp = asRecord(it) ?? {};
    const at = [...path, 'items', i];
    if (!(typeof kp['key'] === 'string' && kp['key'] !== '')) out.push(required([...at, 'key']));
    const p = typeof kp['path'] === 'string' ? kp['path'] : '';
    if (p === '') out.push(required([...at, 'path']));
    localNonReservedPath(p, [...at, 'path'], out);
    mode(kp['mode'], [...at, 'mode'], out);
    if (seen && p !== '') {
      if (seen.has(p)) out.push({ ...invalid(dupAt ?? path, dupName ?? '', 'conflicting duplicate paths'), path: [...at, 'path'] });
      seen.add(p);
    }
  });
}

function downwardFiles(items: unknown[], path: JsonPath, out: Finding[], seen?: Set<string>): void {
  items.forEach((it, i) => {
    const f = asRecord(it) ?? {};
    const at = [...path, 'items', i];
    const p = typeof f['path'] === 'string' ? f['path'] : '';
    if (p === '') out.push(required([...at, 'path']));
    localNonReservedPath(p, [...at, 'path'], out);
    const fr = asRecord(f['fieldRef']);
    const rr = asRecord(f['resourceFieldRef']);
    if (fr) {
      out.push(...objectFieldSelector(fr, VOLUME_FIELD_PATHS, [...at, 'fieldRef']));
      if (rr) out.push(invalid(at, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    } else if (rr) out.push(...resourceFieldSelector(rr, [...at, 'resourceFieldRef'], true));
    else out.push(required(at, 'one of fieldRef and resourceFieldRef is required'));
    mode(f['mode'], [...at, 'mode'], out);
    if (seen && p !== '') {
      if (seen.has(p)) out.push({ ...invalid(path, p, 'conflicting duplicate paths'), path: [...at, 'path'] });
      seen.add(p);
    }
  });
}

function emptyDir(ed: Record<string, unknown>, path: JsonPath): Finding[] {
  const size = parseQuantity(ed['sizeLimit']);
  return size && size.value < 0 ? [forbidden([...path, 'sizeLimit'], 'SizeLimit field must be a valid resource quantity')] : [];
}

function secret(src: Record<string, unknown>, path: JsonPath): Finding[] {
  const out: Finding[] = [];
  if (!(typeof src['secretName'] === 'string' && src['secretName'] !== '')) out.push(required([...path, 'secretName']));
  mode(src['defaultMode'], [...path, 'defaultMode'], out);
  keyToPath(asArray(src['items']), path, out);
  return out;
}

function configMap(src: Record<string, unknown>, path: JsonPath): Finding[] {
  const out: Finding[] = [];
  if (!(typeof src['name'] === 'string' && src['name'] !== '')) out.push(required([...path, 'name']));
  mode(src['defaultMode'], [...path, 'defaultMode'], out);
  keyToPath(asArray(src['items']), path, out);
  return out;
}

function downwardAPI(src: Record<string, unknown>, path: JsonPath): Finding[] {
  const out: Finding[] = [];
  mode(src['defaultMode'], [...path, 'defaultMode'], out);
  downwardFiles(asArray(src['items']), path, out);
  return out;
}

function projected(proj: Record<string, unknown>, pp: JsonPath): Finding[] {
  const out: Finding[] = [];
  mode(proj['defaultMode'], [...pp, 'defaultMode'], out);
  const seen = new Set<string>();
  asArray(proj['sources']).forEach((s, i) => {
    const src = asRecord(s) ?? {};
    const sp = [...pp, 'sources', i];
    let n = 0;
    for (const kind of ['secret', 'configMap']) {
      const ref = asRecord(src[kind]);
      if (!ref) continue;
      n++;
      if (!(typeof ref['name'] === 'string' && ref['name'] !== '')) out.push(required([...sp, kind, 'name']));
      keyToPath(asArray(ref['items']), [...sp, kind], out, seen, pp, ref['name']);
    }
    const d = asRecord(src['downwardAPI']);
    if (d) {
      n++;
      downwardFiles(asArray(d['items']), [...sp, 'downwardAPI'], out, seen);
    }
    const sat = asRecord(src['serviceAccountToken']);
    if (sat) {
      n++;
      const at = [...sp, 'serviceAccountToken'];
      const exp = sat['expirationSeconds'];
      if (typeof exp === 'number' && exp < 600) out.push(invalid([...at, 'expirationSeconds'], exp, 'may not specify a duration less than 10 minutes'));
      else if (typeof exp === 'number' && exp > 2 ** 32) out.push(invalid([...at, 'expirationSeconds'], exp, 'may not specify a duration larger than 2^32 seconds'));
      const p = typeof sat['path'] === 'string' ? sat['path'] : '';
      if (p === '') out.push(required([...at, 'path']));
      else {
        localNonReservedPath(p, [...at, 'path'], out);
        if (seen.has(p)) out.push({ ...invalid(pp, '', 'conflicting duplicate paths'), path: [...at, 'path'] });
        seen.add(p);
      }
    }
    const ctb = asRecord(src['clusterTrustBundle']);
    if (ctb) n++;
    if (n > 1) out.push(forbidden(sp, 'may not specify more than 1 volume type per source'));
  });
  return out;
}

/**
 * SOURCE_CHECKS: the inner checks of the volume types kubeplay runs (validateVolumeSource's emptyDir,
 * secret, configMap, downwardAPI and projected parts), each for the source at `path`
 * (spec.volumes[i].<type>). volumes.ts runs them, for the first type of a volume only, as upstream.
 * persistentVolumeClaim.claimName and hostPath are checked in volumes.ts.
 */
export const SOURCE_CHECKS: Readonly<Record<string, (src: Record<string, unknown>, path: JsonPath) => Finding[]>> = {
  emptyDir,
  secret,
  configMap,
  downwardAPI,
  projected,
};

