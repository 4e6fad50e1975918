/**
 * kind: apiVersion and kind say what the document is; kubeplay handles the kinds of its catalog
 * (the registry, src/kinds/) and refuses the rest.
 */
import type { KindCatalog, KindValidation } from '../kind-validation';
import type { Finding } from './rule';

/** checkKind finds the document's kind in the catalog, or returns the problems with apiVersion/kind. */
export function checkKind(value: Record<string, unknown>, catalog: KindCatalog): { kind: KindValidation } | { problems: Finding[] } {
  const kind = value['kind'];
  const apiVersion = value['apiVersion'];
  const out: Finding[] = [];
  if (kind === undefined || kind === null || kind === '')
    out.push({ path: [], message: 'required field "kind" is missing: set kind: Pod' });
  else if (typeof kind !== 'string') out.push({ path: ['kind'], message: `kind must be a string, got ${JSON.stringify(kind)}` });
  if (apiVersion === undefined || apiVersion === null || apiVersion === '')
    out.push({ path: [], message: 'required field "apiVersion" is missing: set apiVersion: v1' });
  else if (typeof apiVersion !== 'string') out.push({ path: ['apiVersion'], message: `apiVersion must be a string, got ${JSON.stringify(apiVersion)}` });
  if (out.length > 0) return { problems: out };
  const k = kind as string;
  const found = catalog.find(apiVersion as string, k);
  if (found) return { kind: found };
  const sameKind = catalog.all().filter((c) => c.info.kind === k);
  if (sameKind.length > 0)
    return { problems: [{ path: ['apiVersion'], message: `no matches for kind "${k}" in version "${String(apiVersion)}": use apiVersion: ${sameKind.map((c) => c.info.apiVersion).join(' or ')}` }] };
  const handled = catalog.all().map((c) => `${c.info.kind} (${c.info.apiVersion})`).join(', ');
  return { problems: [{ path: ['kind'], message: `kind "${k}" (apiVersion ${String(apiVersion)}) is not supported: kubeplay handles ${handled}` }] };
}
