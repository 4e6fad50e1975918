/**
 * volumes: names, at most one source per volume, hostPath and claim references, as the API server
 * checks them on a Pod's create in 1.32, in its words (validation.go: ValidateVolumes,
 * validateVolumeSource, validateHostPathVolumeSource, validatePersistentClaimVolumeSource). The inner
 * fields of the other types are checked by volume-types.ts; emptyDir, secret, configMap,
 * downwardAPI and projected by volume-source-checks.ts; only those of a volume's first type, as
 * validateVolumeSource does (the others get "may not specify more than 1 volume type").
 *
 * As ValidateVolumes, a volume with a problem is left out of the volumes the containers may name:
 * a mount or device naming it gets "Not found" (checkVolumes().valid).
 */
import type { JsonPath } from '../../domain/types';
import type { DocumentRule, Finding, PodLike } from './rule';
import { asArray, asRecord } from './rule';
import { isDNS1123Label, isDNS1123Subdomain } from './k8s-names';
import { duplicate, forbidden, invalid, KUBEPLAY_RULE, kubeplayOnly, notSupported, required } from './field-errors';
import { iscsiNameLength, noBacksteps, VOLUME_TYPE_CHECKS } from './volume-types';
import { SOURCE_CHECKS } from './volume-source-checks';

/** supportedHostPathTypes, sorted as sets.List prints them (the unset type "" first). */
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
/** The volume types in the order validateVolumeSource counts them (the VolumeSource struct's order). */
export const VOLUME_TYPES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap',
  'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO',
  'csi', 'ephemeral', 'image',
];

function hostPath(hp: Record<string, unknown>, path: JsonPath): Finding[] {
  const p = typeof hp['path'] === 'string' ? hp['path'] : '';
  if (p === '') return [required([...path, 'path'])];
  const out = noBacksteps(p, [...path, 'path']);
  const t = hp['type'];
  if (t !== undefined && t !== null && !(typeof t === 'string' && HOST_PATH_TYPES.includes(t))) out.push(notSupported([...path, 'type'], t, HOST_PATH_TYPES));
  if (!p.startsWith('/'))
    out.push(kubeplayOnly([...path, 'path'], `hostPath ${JSON.stringify(p)} must be an absolute path: Podman binds only absolute host paths`));
  return out;
}

/** VolumeCheck is what checking spec.volumes gives: the findings, and the volumes that passed by name. */
export interface VolumeCheck {
  findings: Finding[];
  /** The volumes without an API-server problem (kubeplay's own rules do not count), by name. */
  valid: Map<string, Record<string, unknown>>;
}

const checked = new WeakMap<PodLike, VolumeCheck>();

/** checkVolumes is ValidateVolumes for one pod; the result is kept per pod object (three rules read it). */
export function checkVolumes(pod: PodLike): VolumeCheck {
  let result = checked.get(pod);
  if (!result) {
    result = validateVolumes(pod);
    checked.set(pod, result);
  }
  return result;
}

function validateVolumes(pod: PodLike): VolumeCheck {
  const out: Finding[] = [];
  const valid = new Map<string, Record<string, unknown>>();
  const spec = asRecord(pod['spec']);
  const podName = asRecord(pod['metadata'])?.['name'];
  const volumes = asArray(spec?.['volumes']).map(asRecord);
  // PVCs that ephemeral volumes of this pod create: <pod name>-<volume name>.
  const created = new Set<string>();
  if (typeof podName === 'string' && podName !== '')
    for (const v of volumes) if (v && asRecord(v['ephemeral']) && typeof v['name'] === 'string') created.add(`${podName}-${v['name']}`);
  const names = new Set<string>();
  volumes.forEach((vol, i) => {
    if (!vol) return;
    const path = ['spec', 'volumes', i];
    const name = typeof vol['name'] === 'string' ? vol['name'] : '';
    const el: Finding[] = [];
    // A volume with only a name is valid: the API server defaults it to an emptyDir (defaults.ts).
    let counted = 0;
    for (const type of VOLUME_TYPES) {
      const src = vol[type];
      if (src === undefined || src === null) continue;
      const rec = asRecord(src) ?? {};
      if (counted > 0) {
        el.push(forbidden([...path, type], 'may not specify more than 1 volume type'));
        // validateVolumeSource checks the iscsi name length whether or not iscsi is the first type.
        if (type === 'iscsi') el.push(...iscsiNameLength(rec, [...path, type], name));
        continue;
      }
      counted++;
      if (type === 'hostPath') el.push(...hostPath(rec, [...path, type]));
      else if (type === 'persistentVolumeClaim') {
        const claim = rec['claimName'];
        if (!(typeof claim === 'string' && claim !== '')) el.push(required([...path, type, 'claimName']));
        // The API server only requires a claimName, but a claim of any other name can never exist
        // (PVC names are DNS subdomains), and kubeplay names a Podman volume after it.
        else
          for (const e of isDNS1123Subdomain(claim))
            el.push(kubeplayOnly([...path, type, 'claimName'], `Invalid value: ${JSON.stringify(claim)}: ${e}: it names a PersistentVolumeClaim and the Podman volume that holds its data`));
      } else {
        const check = SOURCE_CHECKS[type] ?? VOLUME_TYPE_CHECKS[type];
        if (check) el.push(...check(rec, [...path, type], name));
        if (type === 'ephemeral' && typeof podName === 'string' && podName !== '' && name !== '')
          for (const m of isDNS1123Subdomain(`${podName}-${name}`)) el.push(invalid([...path, 'name'], name, `PVC name ${JSON.stringify(`${podName}-${name}`)}: ${m}`));
      }
    }
    if (name === '') el.push(required([...path, 'name']));
    else for (const e of isDNS1123Label(name)) el.push(invalid([...path, 'name'], name, e));
    if (names.has(name)) el.push(duplicate([...path, 'name'], name));
    // As ValidateVolumes does, a volume with problems is not remembered: not for the duplicate
    // check, and not as a volume the containers may name. kubeplay's own rules do not count.
    if (el.every((f) => f.message.endsWith(KUBEPLAY_RULE))) {
      names.add(name);
      valid.set(name, vol);
    }
    out.push(...el);
    const claim = asRecord(vol['persistentVolumeClaim'])?.['claimName'];
    if (typeof claim === 'string' && created.has(claim))
      out.push(invalid([...path, 'persistentVolumeClaim', 'claimName'], claim, 'must not reference a PVC that gets created for an ephemeral volume'));
  });
  return { findings: out, valid };
}

/** volumesRule checks spec.volumes. */
export const volumesRule: DocumentRule = {
  name: 'volumes',
  check: (pod) => checkVolumes(pod).findings,
};
