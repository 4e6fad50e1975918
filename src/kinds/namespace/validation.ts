/**
 * The Namespace kind's validation, as the API server's ValidateNamespace checks a create
 * (pkg/apis/core/validation/validation.go): ValidateObjectMeta without a namespace (the name a
 * DNS label, ValidateNamespaceName; labels and annotations as for every object) and each
 * spec.finalizers entry a qualified name that is standard or fully qualified (validateFinalizerName).
 * A metadata.namespace given on a Namespace is cleared, as the API server clears it on any
 * cluster-scoped object (EnsureObjectNamespaceMatchesRequestNamespace), so it is no error.
 */
import { NAMESPACE_INFO } from './info';
import type { KindValidation } from '../../validate/kind-validation';
import { validateKindSchema } from '../../validate/kind-schemas';
import type { DocumentRule, Finding, InputRule } from '../../validate/rules/rule';
import { asArray, asRecord } from '../../validate/rules/rule';
import { objectMetaFindings } from '../../validate/rules/metadata';
import { isQualifiedName } from '../../validate/rules/k8s-names';
import { invalid } from '../../validate/rules/field-errors';


/** STANDARD_FINALIZERS are the finalizer names that need no domain (helper.IsStandardFinalizerName). */
const STANDARD_FINALIZERS: ReadonlySet<string> = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** namespaceMetadataRule: the name (a DNS label), labels and annotations. */
export const namespaceMetadataRule: DocumentRule = {
  name: 'metadata',
  // A metadata.namespace on a Namespace is cleared, not checked (see the module comment).
  check: (ns) => objectMetaFindings(asRecord(ns['metadata']), { name: 'label', namespaced: false, noun: 'object' }),
};

/** namespaceFinalizersRule: spec.finalizers (validateFinalizerName). */
export const namespaceFinalizersRule: DocumentRule = {
  name: 'finalizers',
  check(ns) {
    const out: Finding[] = [];
    asArray(asRecord(ns['spec'])?.['finalizers']).forEach((f, i) => {
      if (typeof f !== 'string') return;
      const at = ['spec', 'finalizers', i];
      for (const e of isQualifiedName(f)) out.push(invalid(at, f, e));
      if (!f.includes('/') && !STANDARD_FINALIZERS.has(f)) out.push(invalid(at, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    });
    return out;
  },
};

/** uniqueNamespacesRule: the same Namespace twice in the input. */
export const uniqueNamespacesRule: InputRule = {
  name: 'unique-names',
  check(docs) {
    const out: ReturnType<InputRule['check']> = [];
    const first = new Map<string, string>();
    for (const { pod, doc } of docs) {
      const name = asRecord(pod['metadata'])?.['name'];
      if (typeof name !== 'string' || name === '') continue;
      const prev = first.get(name);
      if (prev !== undefined)
        out.push({ doc, path: ['metadata', 'name'], message: `namespace "${name}" is declared twice: first in ${prev}; declare each object once (kubeplay's rule, not the API server's)` });
      else first.set(name, `${doc.source} document ${doc.documentIndex + 1}`);
    }
    return out;
  },
};

/** withNamespaceDefaults clears metadata.namespace (the API server does for a cluster-scoped kind). */
function withNamespaceDefaults(ns: Record<string, unknown>): Record<string, unknown> {
  const meta = asRecord(ns['metadata']);
  if (!meta || meta['namespace'] === undefined) return ns;
  const { namespace: _dropped, ...rest } = meta;
  return { ...ns, metadata: rest };
}

/** NAMESPACE_VALIDATION is what the validate stage knows of Namespaces. */
export const NAMESPACE_VALIDATION: KindValidation = {
  info: NAMESPACE_INFO,
  schema: (value) => validateKindSchema('namespace.v1', value),
  documentRules: () => [namespaceMetadataRule, namespaceFinalizersRule],
  inputRules: [uniqueNamespacesRule],
  withDefaults: withNamespaceDefaults,
};
