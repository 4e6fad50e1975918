/**
 * volumeSources: what is inside each volume source and each container's mounts, as the API server
 * checks them in 1.32 (validateVolumeSource's emptyDir, secret, configMap, downwardAPI, projected and
 * persistentVolumeClaim parts; validateKeyToPath; ValidateVolumeMounts' subPathExpr, mountPropagation
 * and recursiveReadOnly; ValidateVolumeDevices). A volume with only a name is an emptyDir (defaulted).
 */
import type { JsonPath } from '../../domain/types';
import type { DocumentRule, Finding } from './rule';
import { asArray, asRecord, eachContainer } from './rule';
import { forbidden, invalid, notFound, notSupported, required } from './field-errors';
import { objectFieldSelector, resourceFieldSelector, VOLUME_FIELD_PATHS } from './env';
import { parseQuantity } from './quantity';

const FILE_MODE = 'must be a number between 0 and 0777 (octal), both inclusive';
const PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];
const present = (v: unknown): boolean => v !== undefined && v !== null;

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

function volume(vol: Record<string, unknown>, path: JsonPath, out: Finding[]): void {
  const ed = asRecord(vol['emptyDir']);
  const size = parseQuantity(ed?.['sizeLimit']);
  if (size && size.value < 0) out.push(forbidden([...path, 'emptyDir', 'sizeLimit'], 'SizeLimit field must be a valid resource quantity'));
  const secret = asRecord(vol['secret']);
  if (secret) {
    if (!(typeof secret['secretName'] === 'string' && secret['secretName'] !== '')) out.push(required([...path, 'secret', 'secretName']));
    mode(secret['defaultMode'], [...path, 'secret', 'defaultMode'], out);
    keyToPath(asArray(secret['items']), [...path, 'secret'], out);
  }
  const cm = asRecord(vol['configMap']);
  if (cm) {
    if (!(typeof cm['name'] === 'string' && cm['name'] !== '')) out.push(required([...path, 'configMap', 'name']));
    mode(cm['defaultMode'], [...path, 'configMap', 'defaultMode'], out);
    keyToPath(asArray(cm['items']), [...path, 'configMap'], out);
  }
  const dapi = asRecord(vol['downwardAPI']);
  if (dapi) {
    mode(dapi['defaultMode'], [...path, 'downwardAPI', 'defaultMode'], out);
    downwardFiles(asArray(dapi['items']), [...path, 'downwardAPI'], out);
  }
  // persistentVolumeClaim.claimName: volumes.ts (validatePersistentClaimVolumeSource).
  const proj = asRecord(vol['projected']);
  if (proj) {
    const pp = [...path, 'projected'];
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
  }
}

/** volumeSourcesRule checks inside each volume source, and the mounts and devices of each container. */
export const volumeSourcesRule: DocumentRule = {
  name: 'volume-sources',
  check(pod) {
    const out: Finding[] = [];
    const spec = asRecord(pod['spec']);
    const byName = new Map<string, Record<string, unknown>>();
    asArray(spec?.['volumes']).forEach((v, i) => {
      const vol = asRecord(v);
      if (!vol) return;
      if (typeof vol['name'] === 'string') byName.set(vol['name'], vol);
      volume(vol, ['spec', 'volumes', i], out);
    });
    eachContainer(pod, (c, path) => {
      const privileged = asRecord(c['securityContext'])?.['privileged'] === true;
      const mountNames = new Set<string>();
      const mountPaths = new Set<string>();
      asArray(c['volumeMounts']).forEach((m, i) => {
        const mount = asRecord(m);
        if (!mount) return;
        const at = [...path, 'volumeMounts', i];
        if (typeof mount['name'] === 'string') mountNames.add(mount['name']);
        if (typeof mount['mountPath'] === 'string') mountPaths.add(mount['mountPath']);
        const expr = mount['subPathExpr'];
        if (typeof expr === 'string' && expr !== '') {
          if (typeof mount['subPath'] === 'string' && mount['subPath'] !== '')
            out.push(invalid([...at, 'subPathExpr'], expr, 'subPathExpr and subPath are mutually exclusive'));
          if (expr.startsWith('/')) out.push(invalid([...at, 'subPathExpr'], expr, 'must be a relative path'));
          if (expr.split('/').includes('..')) out.push(invalid([...at, 'subPathExpr'], expr, "must not contain '..'"));
        }
        const prop = mount['mountPropagation'];
        if (present(prop)) {
          if (!(typeof prop === 'string' && PROPAGATIONS.includes(prop))) out.push(notSupported([...at, 'mountPropagation'], prop, PROPAGATIONS));
          else if (prop === 'Bidirectional' && !privileged)
            out.push(forbidden([...at, 'mountPropagation'], 'Bidirectional mount propagation is available only to privileged containers'));
        }
        const rro = mount['recursiveReadOnly'];
        if (present(rro)) {
          if (!(rro === 'Disabled' || rro === 'IfPossible' || rro === 'Enabled')) out.push(notSupported([...at, 'recursiveReadOnly'], rro, ['Disabled', 'Enabled', 'IfPossible']));
          else if (rro !== 'Disabled') {
            if (mount['readOnly'] !== true) out.push(forbidden([...at, 'recursiveReadOnly'], 'may only be specified when readOnly is true'));
            if (present(prop) && prop !== 'None')
              out.push(forbidden([...at, 'recursiveReadOnly'], 'may only be specified when mountPropagation is None or not specified'));
          }
        }
      });
      const devNames = new Set<string>();
      const devPaths = new Set<string>();
      asArray(c['volumeDevices']).forEach((d, i) => {
        const dev = asRecord(d) ?? {};
        const at = [...path, 'volumeDevices', i];
        const name = typeof dev['name'] === 'string' ? dev['name'] : '';
        const dp = typeof dev['devicePath'] === 'string' ? dev['devicePath'] : '';
        if (name === '') out.push(required([...at, 'name']));
        if (devNames.has(name)) out.push(invalid([...at, 'name'], name, 'must be unique'));
        const vol = byName.get(name);
        if (vol && !present(vol['persistentVolumeClaim']) && !present(vol['ephemeral']))
          out.push(invalid([...at, 'name'], name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
        if (!vol) out.push(notFound([...at, 'name'], name));
        if (dp === '') out.push(required([...at, 'devicePath']));
        if (devPaths.has(dp)) out.push(invalid([...at, 'devicePath'], dp, 'must be unique'));
        if (dp !== '' && dp.split('/').includes('..')) out.push(invalid([...at, 'devicePath'], dp, "can not contain backsteps ('..')"));
        else devPaths.add(dp);
        if (mountNames.has(name)) out.push(invalid([...at, 'name'], name, 'must not already exist in volumeMounts'));
        if (mountPaths.has(dp)) out.push(invalid([...at, 'devicePath'], dp, 'must not already exist as a path in volumeMounts'));
        if (name !== '') devNames.add(name);
      });
    });
    return out;
  },
};
