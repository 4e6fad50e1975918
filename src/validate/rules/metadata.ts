/** metadata: object name, namespace, label and annotation syntax and sizes, as the API server checks them. */
import type { DocumentRule, Finding } from './rule';
import { asRecord } from './rule';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './k8s-names';

/** TOTAL_ANNOTATION_SIZE_LIMIT is Kubernetes' limit on the summed size of all annotation keys and values. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** metadataRule checks metadata.name, namespace, labels and annotations. */
export const metadataRule: DocumentRule = {
  name: 'metadata',
  check(pod) {
    const out: Finding[] = [];
    const meta = asRecord(pod['metadata']);
    if (!meta) return [{ path: ['metadata'], message: 'required field "metadata" is missing' }];
    const name = meta['name'];
    if (name === undefined || name === null || name === '') {
      if (meta['generateName'] !== undefined)
        out.push({ path: ['metadata', 'generateName'], message: 'generateName is not supported: kubeplay needs a fixed metadata.name to find the pod again on the next apply; set metadata.name' });
      else out.push({ path: ['metadata'], message: 'required field "name" is missing: every Pod needs metadata.name' });
    } else if (typeof name === 'string') {
      for (const e of isDNS1123Subdomain(name)) out.push({ path: ['metadata', 'name'], message: `invalid name "${name}": ${e}` });
    }
    const ns = meta['namespace'];
    if (typeof ns === 'string' && ns !== '')
      for (const e of isDNS1123Label(ns)) out.push({ path: ['metadata', 'namespace'], message: `invalid namespace "${ns}": ${e}` });
    const labels = asRecord(meta['labels']);
    if (labels) {
      for (const [k, v] of Object.entries(labels)) {
        for (const e of isQualifiedName(k)) out.push({ path: ['metadata', 'labels', k], message: `invalid label key "${k}": ${e}` });
        if (typeof v === 'string')
          for (const e of isValidLabelValue(v)) out.push({ path: ['metadata', 'labels', k], message: `invalid label value "${v}": ${e}` });
      }
    }
    const annotations = asRecord(meta['annotations']);
    if (annotations) {
      let total = 0;
      for (const [k, v] of Object.entries(annotations)) {
        // Kubernetes counts bytes (Go's len of the UTF-8 strings), not characters.
        total += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
        for (const e of isQualifiedName(k)) out.push({ path: ['metadata', 'annotations', k], message: `invalid annotation key "${k}": ${e}` });
      }
      if (total > TOTAL_ANNOTATION_SIZE_LIMIT)
        out.push({ path: ['metadata', 'annotations'], message: `annotations are too long: ${total} bytes, must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes` });
    }
    return out;
  },
};
