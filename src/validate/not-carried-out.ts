/**
 * notCarriedOut: the fields of a valid Pod that kubeplay accepts but does not carry out on Podman,
 * as warnings (the table is supported-fields.ts; translate/pod.ts reads only the fields it lists).
 */
import type { PodLike, Finding } from './rules/rule';
import { unsupportedFields, unsupportedReason } from './supported-fields';

/** notCarriedOut lists a warning per field not carried out, with the reason when the table has one. */
export function notCarriedOut(pod: PodLike): Finding[] {
  return unsupportedFields(pod).map((path) => {
    const r = unsupportedReason(path);
    return { path, severity: 'warning', message: `not carried out by kubeplay on Podman, so it is ignored${r ? ` (${r})` : ''}` };
  });
}
