/**
 * fuzzRun runs one fast-check property a fixed number of times and prints how many cases ran and
 * what they came to. FUZZ_RUNS_SCALE multiplies the counts (e.g. 10 for a long run) and FUZZ_SEED
 * replays a run; on a failure fast-check prints the seed and the shrunk counterexample.
 */
import fc from 'fast-check';
import type { Outcome } from './well-behaved';

/** fuzzRun asserts the property over `runs` cases and returns the tally of outcomes. */
export function fuzzRun<T>(label: string, runs: number, arb: fc.Arbitrary<T>, check: (input: T) => Outcome): Record<Outcome, number> {
  const numRuns = Math.round(runs * Number(process.env['FUZZ_RUNS_SCALE'] ?? 1));
  const tally: Record<Outcome, number> = { accepted: 0, rejected: 0 };
  const seed = process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : undefined;
  // A process warning (yaml's, for one) would be printed on the user's terminal: it fails the case.
  const warnings: unknown[] = [];
  const emitWarning = process.emitWarning;
  process.emitWarning = ((w: unknown) => void warnings.push(w));
  try {
    fc.assert(
      fc.property(arb, (input) => {
        warnings.length = 0;
        tally[check(input)]++;
        if (warnings.length > 0) throw new Error(`a process warning was emitted: ${String(warnings[0])}`);
      }),
      { numRuns, ...(seed !== undefined ? { seed } : {}) },
    );
  } finally {
    process.emitWarning = emitWarning;
  }
  // Shrinking re-runs cases only after a failure, so on success the tally counts exactly numRuns.
  console.log(`fuzz: ${label}: ${tally.accepted + tally.rejected} cases (${tally.accepted} accepted, ${tally.rejected} rejected)`);
  return tally;
}
