/**
 * The fuzz properties, each run by small test files (jest runs files in parallel, so the 100,000
 * cases are spread over the machine's cores). Every case must be wellBehaved: no exception, no
 * process warning, every rejection located; a hang shows as jest's time-out.
 */
import fc from 'fast-check';
import { SECURITY_PROFILES } from '../../../src/validate';
import { serialize, style, validPod } from './pod-arbitrary';
import { applyByteMutation, applyTextMutation, applyValueMutation, byteMutation, textMutation, valueMutation } from './mutations';
import { fuzzRun } from './fuzz-run';
import { wellBehaved } from './well-behaved';

const modes = fc.constantFrom('strict' as const, 'warn' as const, 'ignore' as const);
const profiles = fc.constantFrom(...SECURITY_PROFILES);

/** validPods: generated valid Pods, one to three per source, in every style, are all accepted. */
export function validPods(runs: number): void {
  const names = (p: Record<string, unknown>) => (p['metadata'] as { name: string }).name;
  const arb = fc.tuple(fc.uniqueArray(validPod, { minLength: 1, maxLength: 3, selector: names }), style);
  const tally = fuzzRun('valid pods', runs, arb, ([pods, s]) => {
    const outcome = wellBehaved(Buffer.from(serialize(pods, s)));
    if (outcome !== 'accepted') throw new Error(`a valid pod was rejected:\n${serialize(pods, s)}`);
    return outcome;
  });
  if (tally.rejected !== 0) throw new Error(`${tally.rejected} valid sources were rejected`);
}

/** valueMutations: wrong types, deleted, added, renamed and repeated fields, odd strings; every mode and security profile. */
export function valueMutations(label: string, runs: number): void {
  const arb = fc.tuple(validPod, fc.array(valueMutation, { minLength: 1, maxLength: 3 }), style, modes, profiles);
  fuzzRun(label, runs, arb, ([pod, mutations, s, mode, profile]) => {
    const mutated = mutations.reduce<unknown>((doc, m) => applyValueMutation(doc, m), pod);
    return wellBehaved(Buffer.from(serialize([mutated], s)), mode, profile);
  });
}

/** textMutations: YAML indicators and odd strings inserted, lines deleted, duplicated (duplicate keys), swapped, re-indented; anchors and aliases; deep nesting; billion laughs; truncation; CRLF. */
export function textMutations(label: string, runs: number): void {
  const arb = fc.tuple(validPod, style, fc.array(textMutation, { minLength: 1, maxLength: 4 }), profiles);
  fuzzRun(label, runs, arb, ([pod, s, mutations, profile]) =>
    wellBehaved(Buffer.from(mutations.reduce((t, m) => applyTextMutation(t, m), serialize([pod], s))), 'strict', profile),
  );
}

/** byteMutations: bit flips, NUL, invalid and truncated UTF-8, byte order marks, escape sequences, cuts. */
export function byteMutations(label: string, runs: number): void {
  const arb = fc.tuple(validPod, style, fc.array(byteMutation, { minLength: 1, maxLength: 3 }));
  fuzzRun(label, runs, arb, ([pod, s, mutations]) => wellBehaved(mutations.reduce<Buffer>((b, m) => applyByteMutation(b, m), Buffer.from(serialize([pod], s)))));
}
