/**
 * Label selectors as the API objects write them (metav1.LabelSelector: matchLabels and
 * matchExpressions), matched as metav1.LabelSelectorAsSelector matches them, and a node's
 * selection as the scheduler reads a pod's nodeSelector and required node affinity
 * (component-helpers nodeaffinity). Pure. kubectl's `-l` grammar is domain/selector.ts.
 */
import type { V1LabelSelector, V1NodeSelectorRequirement, V1NodeSelectorTerm, V1PodSpec } from '@kubernetes/client-node';

type Labels = Readonly<Record<string, string>>;

/**
 * labelSelectorMatches is LabelSelectorAsSelector(sel).Matches(labels): an absent selector
 * matches nothing, an empty one everything; matchLabels and every matchExpression must hold.
 */
export function labelSelectorMatches(sel: V1LabelSelector | undefined, labels: Labels | undefined): boolean {
  if (sel === undefined || sel === null) return false;
  const have = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (have[k] !== v) return false;
  return (sel.matchExpressions ?? []).every((e) => {
    const present = Object.prototype.hasOwnProperty.call(have, e.key);
    const v = have[e.key] ?? '';
    switch (e.operator) {
      case 'In':
        return present && (e.values ?? []).includes(v);
      case 'NotIn':
        return !present || !(e.values ?? []).includes(v);
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
      default:
        return false;
    }
  });
}

/** The node a pod could be placed on, as a selector reads it: its name (metadata.name) and labels. */
export interface SelectableNode {
  name: string;
  labels: Labels;
}

function nodeRequirementHolds(r: V1NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1 || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0] ?? '')) return false;
      const a = Number(value);
      const b = Number(values[0]);
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** nodeSelectorTermMatches: every expression on labels and every field (only metadata.name) holds; an empty term matches nothing. */
function nodeSelectorTermMatches(term: V1NodeSelectorTerm, node: SelectableNode): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labelsHold = exprs.every((r) => nodeRequirementHolds(r, Object.prototype.hasOwnProperty.call(node.labels, r.key) ? node.labels[r.key] : undefined));
  const fieldsHold = fields.every((r) => r.key === 'metadata.name' && nodeRequirementHolds(r, node.name));
  return labelsHold && fieldsHold;
}

/**
 * podFitsNode is the scheduler's node-selection check of a pod spec against a node: every
 * nodeSelector label equal, and, when the pod has required node affinity, one of its terms
 * matching (terms are ORed, a term's requirements ANDed). Taints are not read: kubeplay's node has none.
 */
export function podFitsNode(spec: Pick<V1PodSpec, 'nodeSelector' | 'affinity'> | undefined, node: SelectableNode): boolean {
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (node.labels[k] !== v) return false;
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required === undefined || required === null) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => nodeSelectorTermMatches(t, node));
}
