/**
 * volumeSources: each container's volume mounts and devices, as the API server checks them in 1.32
 * (ValidateVolumeMounts' subPathExpr, mountPropagation and recursiveReadOnly; ValidateVolumeDevices).
 * What is inside each volume source is checked with the volumes (volumes.ts, volume-source-checks.ts).
 */
import type { DocumentRule, Finding } from './rule';
import { asArray, asRecord, eachContainer } from './rule';
import { forbidden, invalid, notFound, notSupported, required } from './field-errors';
import { checkVolumes } from './volumes';

const PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];
const present = (v: unknown): boolean => v !== undefined && v !== null;

/** volumeSourcesRule checks the mounts and devices of each container (the sources: volumes.ts with SOURCE_CHECKS). */
export const volumeSourcesRule: DocumentRule = {
  name: 'volume-sources',
  check(pod) {
    const out: Finding[] = [];
    // As ValidateVolumeDevices, only the volumes that passed validation can be named.
    const byName = checkVolumes(pod).valid;
    eachContainer(pod, (c, path) => {
      const privileged = asRecord(c['securityContext'])?.['privileged'] === true;
      const mountNames = new Set<string>();
      const mountPaths = new Set<string>();
      // GetVolumeDeviceMap: a mount may not reuse a device's name or path (ValidateVolumeMounts).
      const devices = asArray(c['volumeDevices']).map((d) => asRecord(d) ?? {});
      const deviceNames = new Set(devices.map((d) => (typeof d['name'] === 'string' ? d['name'] : '')));
      const devicePaths = new Set(devices.map((d) => (typeof d['devicePath'] === 'string' ? d['devicePath'] : '')));
      asArray(c['volumeMounts']).forEach((m, i) => {
        const mount = asRecord(m);
        if (!mount) return;
        const at = [...path, 'volumeMounts', i];
        const name = typeof mount['name'] === 'string' ? mount['name'] : '';
        const mountPath = typeof mount['mountPath'] === 'string' ? mount['mountPath'] : '';
        mountNames.add(name);
        mountPaths.add(mountPath);
        if (deviceNames.has(name)) out.push(invalid([...at, 'name'], name, 'must not already exist in volumeDevices'));
        if (devicePaths.has(mountPath)) out.push(invalid([...at, 'mountPath'], mountPath, 'must not already exist as a path in volumeDevices'));
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
