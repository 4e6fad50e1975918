/** uniqueNames: the same Pod (namespace and name) twice in the input. */
import type { InputRule } from './rule';
import { asRecord } from './rule';

/** uniqueNamesRule reports every repeat of a pod name, naming the first occurrence. */
export const uniqueNamesRule: InputRule = {
  name: 'unique-names',
  check(docs) {
    const out: ReturnType<InputRule['check']> = [];
    const first = new Map<string, string>();
    for (const { pod, doc } of docs) {
      const meta = asRecord(pod['metadata']);
      const name = meta?.['name'];
      if (typeof name !== 'string' || name === '') continue;
      const ns = typeof meta?.['namespace'] === 'string' && meta['namespace'] !== '' ? (meta['namespace']) : 'default';
      const where = `${doc.source} document ${doc.documentIndex + 1}`;
      const key = `${ns}/${name}`;
      const prev = first.get(key);
      if (prev !== undefined)
        out.push({ doc, path: ['metadata', 'name'], message: `pod "${name}" (namespace ${ns}) is declared twice: first in ${prev}; Podman pod names must be unique (kubeplay's rule, not the API server's)` });
      else first.set(key, where);
    }
    return out;
  },
};
