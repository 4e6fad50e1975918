/**
 * scheduling: nodeSelector, affinity, tolerations and topologySpreadConstraints, as the API server
 * checks them in 1.32 (ValidateLabels, validateAffinity, validateNodeSelectorTerm,
 * validatePodAffinityTerm, ValidateLabelSelector, ValidateTolerations, validateTopologySpreadConstraints).
 * kubeplay does not schedule, but a cluster refuses these pods, so kubeplay does too.
 */
import type { JsonPath } from '../../domain/types';
import type { DocumentRule, Finding } from './rule';
import { asArray, asRecord } from './rule';
import { duplicate, forbidden, invalid, notSupported, required } from './field-errors';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './k8s-names';

const present = (v: unknown): boolean => v !== undefined && v !== null;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** labels is ValidateLabels: problems are printed at the map (as upstream does), located at the key. */
function labels(map: Record<string, unknown> | undefined, path: JsonPath, out: Finding[]): void {
  for (const [k, v] of Object.entries(map ?? {})) {
    for (const m of isQualifiedName(k)) out.push({ ...invalid([...path, k], k, m), reportPath: path });
    if (typeof v === 'string') for (const m of isValidLabelValue(v)) out.push({ ...invalid([...path, k], v, m), reportPath: path });
  }
}

function labelName(v: unknown, path: JsonPath, out: Finding[]): void {
  const s = str(v);
  for (const m of isQualifiedName(s)) out.push(invalid(path, s, m));
}

/** labelSelector is ValidateLabelSelector (invalid label values refused, as on create). */
export function labelSelector(sel: Record<string, unknown>, path: JsonPath, out: Finding[]): void {
  labels(asRecord(sel['matchLabels']), [...path, 'matchLabels'], out);
  asArray(sel['matchExpressions']).forEach((e, i) => {
    const r = asRecord(e) ?? {};
    const at = [...path, 'matchExpressions', i];
    const op = r['operator'];
    const values = asArray(r['values']);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) out.push(required([...at, 'values'], "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) out.push(forbidden([...at, 'values'], "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else out.push(invalid([...at, 'operator'], op, 'not a valid selector operator'));
    labelName(r['key'], [...at, 'key'], out);
    values.forEach((v, j) => {
      if (typeof v === 'string') for (const m of isValidLabelValue(v)) out.push(invalid([...at, 'values', j], v, m));
    });
  });
}

/**
 * nodeSelectorTerm is ValidateNodeSelectorTerm. Label values are checked in required terms only
 * (allowInvalidLabelValueInRequiredNodeAffinity is false on create; preferred terms always allow them).
 */
function nodeSelectorTerm(term: Record<string, unknown>, path: JsonPath, checkValues: boolean, out: Finding[]): void {
  asArray(term['matchExpressions']).forEach((e, i) => {
    const r = asRecord(e) ?? {};
    const at = [...path, 'matchExpressions', i];
    const op = r['operator'];
    const values = asArray(r['values']);
    const n = values.length;
    if (op === 'In' || op === 'NotIn') {
      if (n === 0) out.push(required([...at, 'values'], "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (n > 0) out.push(forbidden([...at, 'values'], "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else if (op === 'Gt' || op === 'Lt') {
      if (n !== 1) out.push(required([...at, 'values'], "must be specified single value when `operator` is 'Lt' or 'Gt'"));
    } else out.push(invalid([...at, 'operator'], op, 'not a valid selector operator'));
    labelName(r['key'], [...at, 'key'], out);
    if (checkValues)
      values.forEach((v, j) => {
        if (typeof v === 'string') for (const m of isValidLabelValue(v)) out.push(invalid([...at, 'values', j], v, m));
      });
  });
  // ValidateNodeFieldSelectorRequirement: the operator first, then the key; values of metadata.name are node names.
  asArray(term['matchFields']).forEach((e, i) => {
    const r = asRecord(e) ?? {};
    const at = [...path, 'matchFields', i];
    const op = r['operator'];
    if (op === 'In' || op === 'NotIn') {
      if (asArray(r['values']).length !== 1) out.push(required([...at, 'values'], "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    } else out.push(invalid([...at, 'operator'], op, 'not a valid selector operator'));
    if (r['key'] !== 'metadata.name') out.push(invalid([...at, 'key'], r['key'] ?? '', 'not a valid field selector key'));
    else
      asArray(r['values']).forEach((v, j) => {
        if (typeof v === 'string') for (const m of isDNS1123Subdomain(v)) out.push(invalid([...at, 'values', j], v, m));
      });
  });
}

function weight(w: unknown, path: JsonPath, out: Finding[]): void {
  if (typeof w === 'number' && (w <= 0 || w > 100)) out.push(invalid(path, w, 'must be in the range 1-100'));
}

/**
 * podAffinityTerm is validatePodAffinityTerm with validateMatchLabelKeysAndMismatchLabelKeys. On
 * create the API server first merges each matchLabelKeys key the pod carries as a label into the
 * labelSelector (an `In` expression, MatchLabelKeysInPodAffinity, beta and on in 1.32), so a key also
 * written in the selector is refused only when the pod has that label.
 */
function podAffinityTerm(t: Record<string, unknown>, path: JsonPath, podLabels: Record<string, unknown>, out: Finding[]): void {
  const ls = asRecord(t['labelSelector']);
  if (ls) labelSelector(ls, [...path, 'labelSelector'], out);
  const nss = asRecord(t['namespaceSelector']);
  if (nss) labelSelector(nss, [...path, 'namespaceSelector'], out);
  asArray(t['namespaces']).forEach((n, i) => {
    if (typeof n === 'string') for (const m of isDNS1123Label(n)) out.push(invalid([...path, 'namespaces', i], n, m));
  });
  const match = asArray(t['matchLabelKeys']).filter((k): k is string => typeof k === 'string');
  const mismatch = asArray(t['mismatchLabelKeys']).filter((k): k is string => typeof k === 'string');
  for (const [field, keys] of [['matchLabelKeys', match], ['mismatchLabelKeys', mismatch]] as const) {
    if (keys.length === 0) continue;
    if (!ls) out.push(forbidden([...path, field], 'must not be specified when labelSelector is not set'));
    else keys.forEach((k, i) => labelName(k, [...path, field, i], out));
  }
  if (ls) {
    const inSelector = new Set([...Object.keys(asRecord(ls['matchLabels']) ?? {}), ...asArray(ls['matchExpressions']).map((e) => str(asRecord(e)?.['key']))]);
    match.forEach((k, i) => {
      if (inSelector.has(k) && present(podLabels[k])) out.push(invalid([...path, 'matchLabelKeys', i], k, 'exists in both matchLabelKeys and labelSelector'));
    });
  }
  const mm = new Set(mismatch);
  match.forEach((k, i) => {
    if (mm.has(k)) out.push(invalid([...path, 'matchLabelKeys', i], k, 'exists in both matchLabelKeys and mismatchLabelKeys'));
  });
  // An empty topologyKey gets both the Required and the label name errors, as upstream.
  const key = t['topologyKey'];
  if (!present(key) || key === '') out.push(required([...path, 'topologyKey'], 'can not be empty'));
  labelName(key, [...path, 'topologyKey'], out);
}

function affinity(a: Record<string, unknown>, podLabels: Record<string, unknown>, out: Finding[]): void {
  const base = ['spec', 'affinity'];
  const na = asRecord(a['nodeAffinity']);
  if (na) {
    const req = asRecord(na['requiredDuringSchedulingIgnoredDuringExecution']);
    const rp = [...base, 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution'];
    if (req) {
      const terms = asArray(req['nodeSelectorTerms']);
      if (terms.length === 0) out.push(required([...rp, 'nodeSelectorTerms'], 'must have at least one node selector term'));
      else terms.forEach((t, i) => nodeSelectorTerm(asRecord(t) ?? {}, [...rp, 'nodeSelectorTerms', i], true, out));
    }
    asArray(na['preferredDuringSchedulingIgnoredDuringExecution']).forEach((p, i) => {
      const pt = asRecord(p) ?? {};
      const at = [...base, 'nodeAffinity', 'preferredDuringSchedulingIgnoredDuringExecution', i];
      weight(pt['weight'], [...at, 'weight'], out);
      nodeSelectorTerm(asRecord(pt['preference']) ?? {}, [...at, 'preference'], false, out);
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pa = asRecord(a[kind]);
    if (!pa) continue;
    asArray(pa['requiredDuringSchedulingIgnoredDuringExecution']).forEach((t, i) =>
      podAffinityTerm(asRecord(t) ?? {}, [...base, kind, 'requiredDuringSchedulingIgnoredDuringExecution', i], podLabels, out),
    );
    asArray(pa['preferredDuringSchedulingIgnoredDuringExecution']).forEach((p, i) => {
      const wt = asRecord(p) ?? {};
      const at = [...base, kind, 'preferredDuringSchedulingIgnoredDuringExecution', i];
      weight(wt['weight'], [...at, 'weight'], out);
      podAffinityTerm(asRecord(wt['podAffinityTerm']) ?? {}, [...at, 'podAffinityTerm'], podLabels, out);
    });
  }
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function tolerations(list: unknown[], out: Finding[]): void {
  list.forEach((t, i) => {
    const tol = asRecord(t) ?? {};
    const at = ['spec', 'tolerations', i];
    const key = str(tol['key']);
    const op = str(tol['operator']);
    const value = str(tol['value']);
    const effect = str(tol['effect']);
    if (key !== '') labelName(key, [...at, 'key'], out);
    if (key === '' && op !== 'Exists')
      out.push(invalid([...at, 'operator'], op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (present(tol['tolerationSeconds']) && effect !== 'NoExecute')
      out.push(invalid([...at, 'effect'], effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op === 'Equal' || op === '') {
      const errs = isValidLabelValue(value);
      if (errs.length) out.push(invalid([...at, 'operator'], value, errs.join(';')));
    } else if (op === 'Exists') {
      if (value !== '') out.push(invalid([...at, 'operator'], value, "value must be empty when `operator` is 'Exists'"));
    } else out.push(notSupported([...at, 'operator'], op, ['Equal', 'Exists']));
    if (effect !== '' && !EFFECTS.includes(effect)) out.push(notSupported([...at, 'effect'], effect, EFFECTS));
  });
}

function topologySpread(list: unknown[], out: Finding[]): void {
  const items = list.map((c) => asRecord(c) ?? {});
  items.forEach((c, i) => {
    const at = ['spec', 'topologySpreadConstraints', i];
    const skew = c['maxSkew'];
    if (typeof skew === 'number' && skew <= 0) out.push(invalid([...at, 'maxSkew'], skew, 'must be greater than zero'));
    const key = str(c['topologyKey']);
    // ValidateTopologyKey checks only that it is set (not its syntax).
    if (key === '') out.push(required([...at, 'topologyKey'], 'can not be empty'));
    const when = str(c['whenUnsatisfiable']);
    if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway') out.push(notSupported([...at, 'whenUnsatisfiable'], when, ['DoNotSchedule', 'ScheduleAnyway']));
    if (items.slice(i + 1).some((o) => str(o['topologyKey']) === key && str(o['whenUnsatisfiable']) === when))
      out.push({ ...duplicate(at, `{${key}, ${when}}`), path: [...at, 'topologyKey'] });
    const md = c['minDomains'];
    if (typeof md === 'number') {
      if (md <= 0) out.push(invalid([...at, 'minDomains'], md, 'must be greater than zero'));
      if (when !== 'DoNotSchedule') out.push(invalid([...at, 'minDomains'], md, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${when}`));
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      const v = c[f];
      if (present(v) && v !== 'Honor' && v !== 'Ignore') out.push(notSupported([...at, f], v, ['Honor', 'Ignore']));
    }
    // validateMatchLabelKeysInTopologySpread, then ValidateLabelSelector.
    const ls = asRecord(c['labelSelector']);
    const mlk = asArray(c['matchLabelKeys']);
    if (mlk.length > 0 && !ls) out.push(forbidden([...at, 'matchLabelKeys'], 'must not be specified when labelSelector is not set'));
    const inSelector = new Set([...Object.keys(asRecord(ls?.['matchLabels']) ?? {}), ...asArray(ls?.['matchExpressions']).map((e) => str(asRecord(e)?.['key']))]);
    mlk.forEach((k, j) => {
      if (typeof k !== 'string') return;
      labelName(k, [...at, 'matchLabelKeys', j], out);
      if (inSelector.has(k)) out.push(invalid([...at, 'matchLabelKeys', j], k, 'exists in both matchLabelKeys and labelSelector'));
    });
    if (ls) labelSelector(ls, [...at, 'labelSelector'], out);
  });
}

/** schedulingRule checks nodeSelector, affinity, tolerations and topologySpreadConstraints. */
export const schedulingRule: DocumentRule = {
  name: 'scheduling',
  check(pod) {
    const out: Finding[] = [];
    const spec = asRecord(pod['spec']);
    if (!spec) return out;
    labels(asRecord(spec['nodeSelector']), ['spec', 'nodeSelector'], out);
    const a = asRecord(spec['affinity']);
    if (a) affinity(a, asRecord(asRecord(pod['metadata'])?.['labels']) ?? {}, out);
    tolerations(asArray(spec['tolerations']), out);
    topologySpread(asArray(spec['topologySpreadConstraints']), out);
    return out;
  },
};
