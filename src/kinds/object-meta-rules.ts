/**
 * The ObjectMeta checks every namespaced kind kept in the store shares (ConfigMap, Secret,
 * PersistentVolumeClaim), as the
 * API server's ValidateObjectMeta runs them with a DNS-subdomain name: metadata.name, namespace,
 * labels and annotations; and the input rule that refuses the same object twice in one input.
 */
import type { DocumentRule, InputRule } from '../validate/rules/rule';
import { asRecord } from '../validate/rules/rule';
import { objectMetaFindings } from '../validate/rules/metadata';

/** subdomainMetadataRule: a name that is a DNS subdomain (NameIsDNSSubdomain), the namespace a DNS label, labels and annotations. */
export const subdomainMetadataRule: DocumentRule = {
  name: 'metadata',
  check: (o) => objectMetaFindings(asRecord(o['metadata']), { name: 'subdomain', namespaced: true, noun: 'object' }),
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
