/**
 * Field selectors (`--field-selector status.phase=Running,metadata.name!=web`): the fields of a
 * Pod kubectl lets a list select on, parsed and matched. Pure.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { UsageError } from './errors';

/** FieldRequirement is one term of a field selector. */
export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

const FIELD_GETTERS: Record<string, (p: V1Pod) => string> = {
  'metadata.name': (p) => p.metadata?.name ?? '',
  'metadata.namespace': (p) => p.metadata?.namespace ?? 'default',
  'spec.nodeName': (p) => p.spec?.nodeName ?? '',
  'spec.restartPolicy': (p) => p.spec?.restartPolicy ?? 'Always',
  'spec.schedulerName': (p) => p.spec?.schedulerName ?? 'default-scheduler',
  'spec.serviceAccountName': (p) => p.spec?.serviceAccountName ?? '',
  'spec.hostNetwork': (p) => String(p.spec?.hostNetwork ?? false),
  'status.phase': (p) => p.status?.phase ?? '',
  'status.podIP': (p) => p.status?.podIP ?? '',
  'status.nominatedNodeName': (p) => p.status?.nominatedNodeName ?? '',
};

/** parseFieldSelector parses `a=b,c!=d` (also `==`); an unsupported field is an error naming the ones that work. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  if (text.trim() === '') return [];
  return text.split(',').map((term) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*([^,]*?)\s*$/.exec(term);
    if (!m) throw new UsageError(`invalid field selector "${text}": "${term}" is not field=value, field==value or field!=value`);
    const field = m[1]!;
    if (!(field in FIELD_GETTERS)) {
      throw new UsageError(
        `field label not supported: ${field} (in --field-selector "${text}"); pods can be selected by ${Object.keys(FIELD_GETTERS).join(', ')}`,
      );
    }
    return { field, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}

/** matchesFields tells whether a pod satisfies every field requirement. */
export function matchesFields(reqs: readonly FieldRequirement[], pod: V1Pod): boolean {
  return reqs.every((r) => {
    const v = FIELD_GETTERS[r.field]!(pod);
    return r.op === '=' ? v === r.value : v !== r.value;
  });
}

