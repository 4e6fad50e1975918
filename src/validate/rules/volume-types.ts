/**
 * volumeTypes: the inner fields of the volume types kubeplay does not run on Podman (network, cloud
 * and CSI volumes, gitRepo, ephemeral), as the API server checks them on a Pod's create in 1.32
 * (validation.go: validateVolumeSource and its validateXVolumeSource functions). A cluster refuses a
 * Pod whose nfs volume has no server, so kubeplay does too, before it warns that the type is not run.
 *
 * Each check returns findings for one volume source at `path` (spec.volumes[i].<type>). Upstream
 * names a few paths differently from the field (persistentDisk, cephFS, iscsi.initiatorname,
 * csi.name); kubeplay prints the field's own path so the line and column point at it.
 */
import { textOf } from '../../domain/text';
import type { JsonPath } from '../../domain/types';
import type { Finding } from './rule';
import { asArray, asRecord } from './rule';
import { forbidden, invalid, notSupported, required, tooLong } from './field-errors';
import { mapKey } from '../field-path';
import { validateAnnotations, validateLabels } from './metadata';
import { formatQuantity, parseQuantity } from './quantity';
import { isDNS1123Label, isDNS1123Subdomain } from './k8s-names';

type Src = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const PARTITION = 'must be between 1 and 255, inclusive'; // pdPartitionErrorMsg = InclusiveRangeError(1, 255)
const LUN = 'must be between 0 and 255, inclusive';
const IQN = /iqn\.\d{4}-\d{2}\.([A-Za-z0-9\-.]+)(:[^,;*&$|\s]+)$/;
const EUI = /^eui.[A-Za-z0-9]{16}$/;
const NAA = /^naa.[A-Za-z0-9]{32}$/;

function requireAll(s: Src, path: JsonPath, fields: readonly string[]): Finding[] {
  return fields.filter((f) => str(s[f]) === '').map((f) => required([...path, f]));
}

function requireList(s: Src, path: JsonPath, field: string): Finding[] {
  return asArray(s[field]).length === 0 ? [required([...path, field])] : [];
}

function partition(s: Src, path: JsonPath): Finding[] {
  const p = s['partition'];
  return typeof p === 'number' && (p < 0 || p > 255) ? [invalid([...path, 'partition'], p, PARTITION)] : [];
}

function secretRefName(s: Src, path: JsonPath): Finding[] {
  const ref = asRecord(s['secretRef']);
  return ref && str(ref['name']) === '' ? [required([...path, 'secretRef', 'name'])] : [];
}

/** validatePathNoBacksteps: no `..` element. */
export function noBacksteps(p: string, path: JsonPath): Finding[] {
  return p.split('/').includes('..') ? [invalid(path, p, "must not contain '..'")] : [];
}

function iscsiName(v: string, path: JsonPath, initiator: boolean): Finding[] {
  const out: Finding[] = [];
  const iqn = v.startsWith('iqn');
  const eui = v.startsWith('eui');
  const naa = v.startsWith('naa');
  if (!iqn && !eui && !naa) {
    out.push(invalid(path, v, 'must be valid format starting with iqn, eui, or naa'));
    if (!initiator) return out;
  }
  if ((iqn && !IQN.test(v)) || (!iqn && eui && !EUI.test(v)) || (!iqn && !eui && naa && !NAA.test(v)))
    out.push(invalid(path, v, 'must be valid format'));
  return out;
}

function iscsi(s: Src, path: JsonPath, volName: string): Finding[] {
  const out: Finding[] = [];
  if (str(s['targetPortal']) === '') out.push(required([...path, 'targetPortal']));
  const iqn = str(s['iqn']);
  if (iqn === '') out.push(required([...path, 'iqn']));
  else out.push(...iscsiName(iqn, [...path, 'iqn'], false));
  const lun = s['lun'];
  if (typeof lun === 'number' && (lun < 0 || lun > 255)) out.push(invalid([...path, 'lun'], lun, LUN));
  if ((s['chapAuthDiscovery'] === true || s['chapAuthSession'] === true) && !asRecord(s['secretRef'])) out.push(required([...path, 'secretRef']));
  const initiator = s['initiatorName'];
  if (typeof initiator === 'string') out.push(...iscsiName(initiator, [...path, 'initiatorName'], true));
  return [...out, ...iscsiNameLength(s, path, volName)];
}

/**
 * iscsiNameLength: with an initiatorName, <volume name>:<targetPortal> must stay under 64 characters.
 * validateVolumeSource checks it even when iscsi is not the volume's first type.
 */
export function iscsiNameLength(s: Src, path: JsonPath, volName: string): Finding[] {
  if (typeof s['initiatorName'] !== 'string' || `${volName}:${str(s['targetPortal'])}`.length <= 64) return [];
  return [invalid([...path.slice(0, -1), 'name'], volName, 'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.')];
}

function fc(s: Src, path: JsonPath): Finding[] {
  const out: Finding[] = [];
  const wwns = asArray(s['targetWWNs']);
  const wwids = asArray(s['wwids']);
  if (wwns.length < 1 && wwids.length < 1) out.push(required([...path, 'targetWWNs'], 'must specify either targetWWNs or wwids, but not both'));
  if (wwns.length !== 0 && wwids.length !== 0) out.push(invalid([...path, 'targetWWNs'], wwns, 'targetWWNs and wwids can not be specified simultaneously'));
  if (wwns.length !== 0) {
    const lun = s['lun'];
    if (lun === undefined || lun === null) out.push(required([...path, 'lun'], 'lun is required if targetWWNs is specified'));
    else if (typeof lun === 'number' && (lun < 0 || lun > 255)) out.push(invalid([...path, 'lun'], lun, LUN));
  }
  return out;
}

function nfs(s: Src, path: JsonPath): Finding[] {
  const out = requireAll(s, path, ['server', 'path']);
  const p = str(s['path']);
  if (!p.startsWith('/')) out.push(invalid([...path, 'path'], p, 'must be an absolute path'));
  return out;
}

function quobyte(s: Src, path: JsonPath): Finding[] {
  const out: Finding[] = [];
  const registry = str(s['registry']);
  const pairs = 'must be a host:port pair or multiple pairs separated by commas';
  if (registry === '') out.push(required([...path, 'registry'], pairs));
  else if (str(s['tenant']).length >= 65) out.push(required([...path, 'tenant'], 'must be a UUID and may not exceed a length of 64 characters'));
  else for (const pair of registry.split(',')) if (!isHostPort(pair)) out.push(invalid([...path, 'registry'], registry, pairs));
  if (str(s['volume']) === '') out.push(required([...path, 'volume']));
  return out;
}

/** isHostPort is whether Go's net.SplitHostPort accepts the text. */
function isHostPort(v: string): boolean {
  if (v.startsWith('[')) return /^\[[^\]]*\]:[^:]*$/.test(v);
  const i = v.lastIndexOf(':');
  return i >= 0 && !v.slice(0, i).includes(':') && !v.slice(i + 1).includes('[') && !v.slice(i + 1).includes(']');
}

function flocker(s: Src, path: JsonPath): Finding[] {
  const out: Finding[] = [];
  const name = str(s['datasetName']);
  const uuid = str(s['datasetUUID']);
  if (name === '' && uuid === '') out.push(required(path, 'one of datasetName and datasetUUID is required'));
  if (name !== '' && uuid !== '') out.push(invalid(path, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'));
  if (name.includes('/')) out.push(invalid([...path, 'datasetName'], name, "must not contain '/'"));
  return out;
}

function flexVolume(s: Src, path: JsonPath): Finding[] {
  const out = requireAll(s, path, ['driver']);
  for (const k of Object.keys(asRecord(s['options']) ?? {})) {
    const ns = k.includes('/') ? k.slice(0, k.indexOf('/')) : k;
    const normalized = `.${ns.toLowerCase()}`;
    if (normalized.endsWith('.kubernetes.io') || normalized.endsWith('.k8s.io'))
      out.push(invalid([...path, 'options', k], k, 'kubernetes.io and k8s.io namespaces are reserved'));
  }
  return out;
}

function azureDisk(s: Src, path: JsonPath): Finding[] {
  const out = requireAll(s, path, ['diskName', 'diskURI']);
  // v1 defaults cachingMode to ReadWrite and kind to Shared before validation.
  const caching = s['cachingMode'] ?? 'ReadWrite';
  const kind = s['kind'] ?? 'Shared';
  if (!['None', 'ReadOnly', 'ReadWrite'].includes(textOf(caching))) out.push(notSupported([...path, 'cachingMode'], caching, ['None', 'ReadOnly', 'ReadWrite']));
  if (!['Dedicated', 'Managed', 'Shared'].includes(textOf(kind))) out.push(notSupported([...path, 'kind'], kind, ['Dedicated', 'Managed', 'Shared']));
  const uri = str(s['diskURI']);
  if (kind === 'Managed' && !uri.startsWith('/subscriptions/'))
    out.push(notSupported([...path, 'diskURI'], uri, ['/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}']));
  if (kind !== 'Managed' && !uri.startsWith('https://'))
    out.push(notSupported([...path, 'diskURI'], uri, ['https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd']));
  return out;
}

function storageos(s: Src, path: JsonPath): Finding[] {
  const out: Finding[] = [];
  const name = str(s['volumeName']);
  if (name === '') out.push(required([...path, 'volumeName']));
  else for (const m of isDNS1123Label(name)) out.push(invalid([...path, 'volumeName'], name, m));
  const ns = str(s['volumeNamespace']);
  if (ns !== '') for (const m of isDNS1123Label(ns)) out.push(invalid([...path, 'volumeNamespace'], ns, m));
  return [...out, ...secretRefName(s, path)];
}

function csi(s: Src, path: JsonPath): Finding[] {
  const out: Finding[] = [];
  const driver = str(s['driver']);
  if (driver === '') out.push(required([...path, 'driver']));
  if (driver.length > 63) out.push(tooLong([...path, 'driver'], 63));
  for (const m of isDNS1123Subdomain(driver.toLowerCase())) out.push(invalid([...path, 'driver'], driver, m));
  const ref = asRecord(s['nodePublishSecretRef']);
  if (ref) {
    const name = str(ref['name']);
    if (name === '') out.push(required([...path, 'nodePublishSecretRef', 'name']));
    else for (const m of isDNS1123Subdomain(name)) out.push(invalid([...path, 'nodePublishSecretRef', 'name'], name, m));
  }
  return out;
}

function gitRepo(s: Src, path: JsonPath): Finding[] {
  const out = requireAll(s, path, ['repository']);
  const dir = str(s['directory']);
  if (dir.startsWith('/')) out.push(invalid([...path, 'directory'], dir, 'must be a relative path'));
  return [...out, ...noBacksteps(dir, [...path, 'directory'])];
}

/** SUPPORTED_ACCESS_MODES is supportedAccessModes, sorted. */
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
/** supportedVolumeModes, sorted. */
const VOLUME_MODES = ['Block', 'Filesystem'];
/**
 * The ObjectMeta fields in Go's order, each as validateFieldAllowList names it (first letter lowered:
 * UID is `uID`). A claim template's metadata may hold only labels and annotations.
 */
const TEMPLATE_META_FORBIDDEN: ReadonlyArray<[json: string, reported: string]> = [
  ['name', 'name'], ['generateName', 'generateName'], ['namespace', 'namespace'], ['selfLink', 'selfLink'], ['uid', 'uID'],
  ['resourceVersion', 'resourceVersion'], ['generation', 'generation'], ['creationTimestamp', 'creationTimestamp'],
  ['deletionTimestamp', 'deletionTimestamp'], ['deletionGracePeriodSeconds', 'deletionGracePeriodSeconds'],
  ['ownerReferences', 'ownerReferences'], ['finalizers', 'finalizers'], ['managedFields', 'managedFields'],
];
/** isZero: what Go decodes to the field's zero value (reflect.DeepEqual with zero): absent, null, "", 0, []. */
const isZero = (v: unknown): boolean => v === undefined || v === null || v === '' || v === 0 || (Array.isArray(v) && v.length === 0);

/** ValidateTemplateObjectMeta: annotations and labels as an object's, every other field forbidden. */
function templateMetadata(meta: Src, path: JsonPath): Finding[] {
  const out = [...validateAnnotations(meta['annotations'], [...path, 'annotations']), ...validateLabels(meta['labels'], [...path, 'labels'])];
  for (const [json, reported] of TEMPLATE_META_FORBIDDEN)
    if (!isZero(meta[json])) out.push({ ...forbidden([...path, json], 'cannot be set'), reportPath: [...path, reported] });
  return out;
}

/**
 * ephemeral is validateEphemeralVolumeSource: the claim template's metadata
 * (ValidateTemplateObjectMeta) and spec (ValidatePersistentVolumeClaimSpec: access modes, the storage
 * request, which upstream names `spec.resources[storage]`, storageClassName, volumeMode). The label
 * selector and data sources are not checked (docs/validation.md).
 */
function ephemeral(s: Src, path: JsonPath): Finding[] {
  const tpl = asRecord(s['volumeClaimTemplate']);
  if (!tpl) return [required([...path, 'volumeClaimTemplate'])];
  const tp = [...path, 'volumeClaimTemplate'];
  const out = templateMetadata(asRecord(tpl['metadata']) ?? {}, [...tp, 'metadata']);
  out.push(...claimSpecFindings(asRecord(tpl['spec']) ?? {}, [...tp, 'spec']));
  return out;
}

/**
 * claimSpecFindings is ValidatePersistentVolumeClaimSpec, shared by a PersistentVolumeClaim and an
 * ephemeral volume's claim template: access modes (at least one, each supported, ReadWriteOncePod
 * alone), the storage request (which upstream names `spec.resources[storage]`, positive),
 * storageClassName (a DNS subdomain) and volumeMode. (volumeAttributesClassName is checked only
 * behind the VolumeAttributesClass feature gate, off by default in 1.32.)
 */
export function claimSpecFindings(spec: Src, sp: JsonPath): Finding[] {
  const out: Finding[] = [];
  const modes = asArray(spec['accessModes']);
  if (modes.length === 0) out.push(required([...sp, 'accessModes'], 'at least 1 access mode is required'));
  for (const m of modes) if (!ACCESS_MODES.includes(textOf(m))) out.push(notSupported([...sp, 'accessModes'], m, ACCESS_MODES));
  if (modes.includes('ReadWriteOncePod') && modes.some((m) => m !== 'ReadWriteOncePod' && ACCESS_MODES.includes(textOf(m))))
    out.push(forbidden([...sp, 'accessModes'], 'may not use ReadWriteOncePod with other access modes'));
  const requests = asRecord(asRecord(spec['resources'])?.['requests']);
  const storageAt = [...sp, 'resources', 'requests', 'storage'];
  const reportAt = [...sp, 'resources', mapKey('storage')];
  const storage = requests?.['storage'];
  if (storage === undefined || storage === null) out.push({ ...required(storageAt), reportPath: reportAt });
  else {
    // ValidatePositiveQuantityValue, which prints value.String().
    const q = parseQuantity(storage);
    if (q && q.value <= 0) out.push({ ...invalid(storageAt, formatQuantity(q), 'must be greater than zero'), reportPath: reportAt });
  }
  const sc = spec['storageClassName'];
  if (typeof sc === 'string' && sc !== '') for (const m of isDNS1123Subdomain(sc)) out.push(invalid([...sp, 'storageClassName'], sc, m));
  const vm = spec['volumeMode'];
  if (vm !== undefined && vm !== null && !VOLUME_MODES.includes(textOf(vm))) out.push(notSupported([...sp, 'volumeMode'], vm, VOLUME_MODES));
  return out;
}

/** VOLUME_TYPE_CHECKS maps each such volume type (its JSON key) to its check. */
export const VOLUME_TYPE_CHECKS: Readonly<Record<string, (s: Src, path: JsonPath, volName: string) => Finding[]>> = {
  gitRepo,
  gcePersistentDisk: (s, p) => [...requireAll(s, p, ['pdName']), ...partition(s, p)],
  awsElasticBlockStore: (s, p) => [...requireAll(s, p, ['volumeID']), ...partition(s, p)],
  nfs,
  iscsi,
  glusterfs: (s, p) => requireAll(s, p, ['endpoints', 'path']),
  flocker,
  rbd: (s, p) => [...requireList(s, p, 'monitors'), ...requireAll(s, p, ['image'])],
  cinder: (s, p) => [...requireAll(s, p, ['volumeID']), ...secretRefName(s, p)],
  cephfs: (s, p) => requireList(s, p, 'monitors'),
  quobyte,
  fc,
  flexVolume,
  azureFile: (s, p) => requireAll(s, p, ['secretName', 'shareName']),
  vsphereVolume: (s, p) => requireAll(s, p, ['volumePath']),
  photonPersistentDisk: (s, p) => requireAll(s, p, ['pdID']),
  portworxVolume: (s, p) => requireAll(s, p, ['volumeID']),
  azureDisk,
  storageos,
  scaleIO: (s, p) => requireAll(s, p, ['gateway', 'system', 'volumeName']),
  csi,
  ephemeral,
};
