/**
 * The ObjectMeta checks every namespaced kind kept in the store shares (ConfigMap, Secret,
 * PersistentVolumeClaim), as the
 * API server's ValidateObjectMeta runs them with a DNS-subdomain name: metadata.name, namespace,
 * labels and annotations; and the input rule that refuses the same object twice in one input.
 */
import type { DocumentRule, Finding, InputRule } from '../validate/rules/rule';
import { asRecord } from '../validate/rules/rule';
import { labelsAndAnnotations } from '../validate/rules/metadata';
import { isDNS1123Label, isDNS1123Subdomain } from '../validate/rules/k8s-names';
import { invalid, kubeplayOnly, required } from '../validate/rules/field-errors';

/** subdomainMetadataRule: a name that is a DNS subdomain (NameIsDNSSubdomain), the namespace a DNS label, labels and annotations. */
export const subdomainMetadataRule: DocumentRule = {
  name: 'metadata',
  check(o) {
    const meta = asRecord(o['metadata']);
    if (!meta) return [required(['metadata', 'name'], 'name or generateName is required')];
    const out: Finding[] = [];
    const name = meta['name'];
    if (name === undefined || name === null || name === '') {
      if (meta['generateName'] !== undefined)
        out.push(kubeplayOnly(['metadata', 'generateName'], 'generateName is not supported: kubeplay needs a fixed metadata.name to find the object again on the next apply; set metadata.name'));
      else out.push(required(['metadata', 'name'], 'name or generateName is required'));
    } else if (typeof name === 'string') {
      for (const e of isDNS1123Subdomain(name)) out.push(invalid(['metadata', 'name'], name, e));
    }
    const ns = meta['namespace'];
    if (typeof ns === 'string' && ns !== '') for (const e of isDNS1123Label(ns)) out.push(invalid(['metadata', 'namespace'], ns, e));
    out.push(...labelsAndAnnotations(meta));
    return out;
  },
};

/** uniqueObjectsRule: the same object (namespace and name) twice in the input, named by its resource (`configmap`). */
export function uniqueObjectsRule(singular: string): InputRule {
  return {
    name: 'unique-names',
    check(docs) {
      const out: ReturnType<InputRule['check']> = [];
      const first = new Map<string, string>();
      for (const { pod, doc } of docs) {
        const meta = asRecord(pod['metadata']);
        const name = meta?.['name'];
        if (typeof name !== 'string' || name === '') continue;
        const ns = typeof meta?.['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : 'default';
        const key = `${ns}/${name}`;
        const prev = first.get(key);
        if (prev !== undefined)
          out.push({ doc, path: ['metadata', 'name'], message: `${singular} "${name}" is declared twice in namespace "${ns}": first in ${prev}; declare each object once (kubeplay's rule, not the API server's)` });
        else first.set(key, `${doc.source} document ${doc.documentIndex + 1}`);
      }
      return out;
    },
  };
}
