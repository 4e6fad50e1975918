/** kind: apiVersion and kind say what the document is; kubeplay handles Pod in v1 and refuses the rest. */
import type { Finding } from './rule';

/** SUPPORTED_KINDS maps each kind kubeplay handles to its apiVersion. */
export const SUPPORTED_KINDS: Readonly<Record<string, string>> = { Pod: 'v1' };

/** checkKind returns problems with apiVersion/kind; [] when the document is a kind kubeplay handles. */
export function checkKind(value: Record<string, unknown>): Finding[] {
  const kind = value['kind'];
  const apiVersion = value['apiVersion'];
  const out: Finding[] = [];
  if (kind === undefined || kind === null || kind === '')
    out.push({ path: [], message: 'required field "kind" is missing: set kind: Pod' });
  else if (typeof kind !== 'string') out.push({ path: ['kind'], message: `kind must be a string, got ${JSON.stringify(kind)}` });
  if (apiVersion === undefined || apiVersion === null || apiVersion === '')
    out.push({ path: [], message: 'required field "apiVersion" is missing: set apiVersion: v1' });
  else if (typeof apiVersion !== 'string') out.push({ path: ['apiVersion'], message: `apiVersion must be a string, got ${JSON.stringify(apiVersion)}` });
  if (out.length > 0) return out;
  const k = kind as string;
  const want = SUPPORTED_KINDS[k];
  if (want === undefined)
    return [{ path: ['kind'], message: `kind "${k}" (apiVersion ${String(apiVersion)}) is not supported: kubeplay handles ${Object.entries(SUPPORTED_KINDS).map(([n, v]) => `${n} (${v})`).join(', ')}` }];
  if (apiVersion !== want)
    return [{ path: ['apiVersion'], message: `no matches for kind "${k}" in version "${String(apiVersion)}": use apiVersion: ${want}` }];
  return [];
}
