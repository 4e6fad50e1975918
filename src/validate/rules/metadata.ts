/**
 * metadata: object name, namespace, label and annotation syntax and sizes, as the API server checks
 * them on create, in its words (apimachinery pkg/api/validation/objectmeta.go ValidateObjectMetaAccessor,
 * ValidateAnnotations; pkg/apis/meta/v1/validation ValidateLabels). Label and annotation problems
 * are reported at the map (metadata.labels), as upstream does; kubeplay locates them at the key.
 */
import type { JsonPath } from '../../domain/types';
import type { DocumentRule, Finding } from './rule';
import { asRecord } from './rule';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './k8s-names';
import { goQuote, invalid, kubeplayOnly, required, tooLong } from './field-errors';

/** TOTAL_ANNOTATION_SIZE_LIMIT is Kubernetes' limit on the summed size of all annotation keys and values. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/**
 * objectMetaFindings is ValidateObjectMeta for one object: a name (a DNS subdomain, or a DNS label
 * for a Namespace), generateName refused (`noun` names what kubeplay must find again), the
 * namespace a DNS label (namespaced kinds), labels and annotations.
 */
export function objectMetaFindings(meta: Record<string, unknown> | undefined, opts: { name: 'subdomain' | 'label'; namespaced: boolean; noun: string }): Finding[] {
  if (!meta) return [required(['metadata', 'name'], 'name or generateName is required')];
  const out: Finding[] = [];
  const name = meta['name'];
  if (name === undefined || name === null || name === '') {
    if (meta['generateName'] !== undefined)
      out.push(kubeplayOnly(['metadata', 'generateName'], `generateName is not supported: kubeplay needs a fixed metadata.name to find the ${opts.noun} again on the next apply; set metadata.name`));
    else out.push(required(['metadata', 'name'], 'name or generateName is required'));
  } else if (typeof name === 'string') {
    for (const e of opts.name === 'label' ? isDNS1123Label(name) : isDNS1123Subdomain(name)) out.push(invalid(['metadata', 'name'], name, e));
  }
  const ns = meta['namespace'];
  if (opts.namespaced && typeof ns === 'string' && ns !== '') for (const e of isDNS1123Label(ns)) out.push(invalid(['metadata', 'namespace'], ns, e));
  out.push(...labelsAndAnnotations(meta));
  return out;
}

/** metadataRule checks a Pod's metadata.name, namespace, labels and annotations. */
export const metadataRule: DocumentRule = {
  name: 'metadata',
  check(pod) {
    const meta = asRecord(pod['metadata']);
    const out = objectMetaFindings(meta, { name: 'subdomain', namespaced: true, noun: 'pod' });
    if (meta) out.push(...podSpecificAnnotations(asRecord(meta['annotations']) ?? {}, asRecord(pod['spec']) ?? {}));
    return out;
  },
};

/** labelsAndAnnotations checks metadata.labels and metadata.annotations, for every kind (ValidateObjectMeta). */
export function labelsAndAnnotations(meta: Record<string, unknown>): Finding[] {
  return [...validateLabels(meta['labels'], ['metadata', 'labels']), ...validateAnnotations(meta['annotations'], ['metadata', 'annotations'])];
}

/** validateLabels is ValidateLabels: keys are qualified names, values label values; printed at the map, located at the key. */
export function validateLabels(v: unknown, path: JsonPath): Finding[] {
  const out: Finding[] = [];
  for (const [k, value] of Object.entries(asRecord(v) ?? {})) {
    const at = [...path, k];
    for (const e of isQualifiedName(k)) out.push({ ...invalid(at, k, e), reportPath: path });
    if (typeof value === 'string') for (const e of isValidLabelValue(value)) out.push({ ...invalid(at, value, e), reportPath: path });
  }
  return out;
}

/** validateAnnotations is ValidateAnnotations: keys are qualified names in any case, 256 KiB in all. */
export function validateAnnotations(v: unknown, path: JsonPath): Finding[] {
  const out: Finding[] = [];
  let total = 0;
  for (const [k, value] of Object.entries(asRecord(v) ?? {})) {
    // Kubernetes counts bytes (Go's len of the UTF-8 strings), not characters.
    total += Buffer.byteLength(k) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
    // The rule is a qualified name, except that case does not matter.
    for (const e of isQualifiedName(k.toLowerCase())) out.push({ ...invalid([...path, k], k, e), reportPath: path });
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) out.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return out;
}

const MIRROR_POD = 'kubernetes.io/config.mirror';
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/**
 * podSpecificAnnotations is ValidatePodSpecificAnnotations on create, printed at the annotation's
 * key (`metadata.annotations[KEY]`, field.Path.Key): a mirror pod needs spec.nodeName; the
 * pod-deletion-cost is a 32-bit integer (no sign but '-', no leading zero); an AppArmor annotation
 * names a container of the pod and a profile of a known form. Not ported: the tolerations annotation
 * (a JSON document whose decoding errors are Go's) and the seccomp annotations' values.
 */
export function podSpecificAnnotations(annotations: Record<string, unknown>, spec: Record<string, unknown>): Finding[] {
  const out: Finding[] = [];
  const at = (k: string): JsonPath => ['metadata', 'annotations', k];
  const mirror = annotations[MIRROR_POD];
  if (typeof mirror === 'string' && !(typeof spec['nodeName'] === 'string' && spec['nodeName'] !== ''))
    out.push(invalid(at(MIRROR_POD), mirror, 'must set spec.nodeName if mirror pod annotation is set'));
  const cost = annotations[DELETION_COST];
  if (typeof cost === 'string' && !isInt32Text(cost)) out.push(invalid(at(DELETION_COST), cost, 'must be a 32bit integer'));
  const containers = new Set<unknown>();
  for (const group of ['containers', 'initContainers', 'ephemeralContainers'])
    for (const c of Array.isArray(spec[group]) ? (spec[group] as unknown[]) : []) containers.add(asRecord(c)?.['name']);
  for (const [k, v] of Object.entries(annotations)) {
    if (!k.startsWith(APPARMOR_PREFIX)) continue;
    const container = k.slice(APPARMOR_PREFIX.length);
    if (!containers.has(container)) out.push(invalid(at(k), container, 'container not found'));
    const profile = typeof v === 'string' ? v : '';
    if (!(profile === '' || profile === 'runtime/default' || profile === 'unconfined' || profile.startsWith('localhost/')))
      out.push(invalid(at(k), profile, `invalid AppArmor profile name: ${goQuote(profile)}`));
  }
  return out;
}

/** isInt32Text is GetDeletionCostFromPodAnnotations' test: validFirstDigit, then strconv.ParseInt(v, 10, 32). */
function isInt32Text(v: string): boolean {
  const first = v[0] ?? '';
  const validFirst = first === '-' || (first === '0' && v === '0') || (first >= '1' && first <= '9');
  if (!validFirst || !/^-?[0-9]+$/.test(v)) return false;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647;
}
