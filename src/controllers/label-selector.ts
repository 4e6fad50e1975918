/**
 * metav1.LabelSelector as the controllers read it (a workload's `spec.selector`): matchLabels and
 * matchExpressions (In, NotIn, Exists, DoesNotExist), ANDed, as apimachinery's
 * LabelSelectorAsSelector. Pure. kubectl's `-l` text grammar is domain/selector.ts; this is the
 * object form.
 */

/** LabelSelectorRequirement is one matchExpressions term. */
export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** LabelSelector is metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** isEmptySelector: a selector with no terms (metav1.LabelSelector{}), which selects everything. */
export function isEmptySelector(sel: LabelSelector | undefined): boolean {
  return Object.keys(sel?.matchLabels ?? {}).length === 0 && (sel?.matchExpressions ?? []).length === 0;
}

/**
 * selectorMatches: every matchLabels pair and matchExpressions term holds. An absent selector
 * matches nothing (LabelSelectorAsSelector(nil) is labels.Nothing()); an empty one everything.
 */
export function selectorMatches(sel: LabelSelector | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (sel === undefined || sel === null) return false;
  const l = labels ?? {};
  const has = (k: string) => Object.prototype.hasOwnProperty.call(l, k);
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (!has(k) || l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has(e.key) || !values.includes(l[e.key] ?? '')) return false;
        break;
      case 'NotIn':
        if (has(e.key) && values.includes(l[e.key] ?? '')) return false;
        break;
      case 'Exists':
        if (!has(e.key)) return false;
        break;
      case 'DoesNotExist':
        if (has(e.key)) return false;
        break;
      default:
        // Validation refuses other operators; an unknown one selects nothing, as a conversion error would.
        return false;
    }
  }
  return true;
}

/** selectorWithLabel is CloneSelectorAndAddLabel: the selector with `key: value` added to matchLabels. */
export function selectorWithLabel(sel: LabelSelector | undefined, key: string, value: string): LabelSelector {
  const out: LabelSelector = structuredClone(sel ?? {});
  out.matchLabels = { ...(out.matchLabels ?? {}), [key]: value };
  return out;
}
