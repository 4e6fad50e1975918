/**
 * fuzzRun runs one fast-check property a fixed number of times and prints how many cases ran and
 * what they came to. FUZZ_RUNS_SCALE multiplies the counts (e.g. 10 for a long run). Every run has a
 * seed, printed before it starts (so a run jest kills on its time-out can be replayed too) and in the
 * failure; FUZZ_SEED replays a run, FUZZ_SEED with FUZZ_PATH replays just the failing case.
 */
import fc from 'fast-check';
import type { Outcome } from './well-behaved';

/** fuzzRun asserts the property over `runs` cases and returns the tally of outcomes. */
export function fuzzRun<T>(label: string, runs: number, arb: fc.Arbitrary<T>, check: (input: T) => Outcome): Record<Outcome, number> {
  const numRuns = Math.round(runs * Number(process.env['FUZZ_RUNS_SCALE'] ?? 1));
  const tally: Record<Outcome, number> = { accepted: 0, rejected: 0 };
  const seed = process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : newSeed();
  const path = process.env['FUZZ_PATH'];
  const replay = `FUZZ_SEED=${seed}${path !== undefined ? ` FUZZ_PATH=${path}` : ''}`;
  process.stderr.write(`fuzz: ${label}: ${numRuns} cases, ${replay}\n`);
  // A process warning (yaml's, for one) would be printed on the user's terminal: it fails the case.
  const warnings: unknown[] = [];
  const emitWarning = process.emitWarning;
  process.emitWarning = ((w: unknown) => void warnings.push(w));
  try {
    const details = fc.check(
      fc.property(arb, (input) => {
        warnings.length = 0;
        tally[check(input)]++;
        if (warnings.length > 0) throw new Error(`a process warning was emitted: ${String(warnings[0])}`);
      }),
      { numRuns, seed, ...(path !== undefined ? { path } : {}), verbose: fc.VerbosityLevel.Verbose },
    );
    if (details.failed) {
      const again = `FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''}`;
      throw new Error(`fuzz: ${label} failed; replay the shrunk case with ${again} (the whole run with FUZZ_SEED=${details.seed})\n${fc.defaultReportMessage(details) ?? ''}`);
    }
  } finally {
    process.emitWarning = emitWarning;
  }
  // Shrinking re-runs cases only after a failure, so on success the tally counts exactly numRuns.
  console.log(`fuzz: ${label}: ${tally.accepted + tally.rejected} cases (${tally.accepted} accepted, ${tally.rejected} rejected)`);
  return tally;
}

/** newSeed is a fresh 32-bit seed, as fast-check would pick one, but known before the run starts. */
function newSeed(): number {
  return (Date.now() ^ Math.floor(Math.random() * 0x100000000)) | 0;
}
