/** CleanupStep is one named piece of a test file's teardown. */
export interface CleanupStep {
  /** name says what the step undoes; it prefixes the step's error when it fails. */
  name: string;
  run: () => unknown;
}

/**
 * runEveryStep runs the steps in order, each one even when an earlier one threw, so a failed pod
 * removal still stops the service and removes the temporary directory. It then rethrows the first
 * failure (the one most likely to explain the rest), its message naming the step and every other
 * step that failed too, so no failure goes unreported.
 */
export async function runEveryStep(steps: readonly CleanupStep[]): Promise<void> {
  const failures: Array<{ step: string; error: unknown }> = [];
  for (const step of steps) {
    try {
      await step.run();
    } catch (error) {
      failures.push({ step: step.name, error });
    }
  }
  const [first, ...rest] = failures;
  if (!first) return;
  const say = (f: { step: string; error: unknown }): string =>
    `${f.step}: ${f.error instanceof Error ? f.error.message : String(f.error)}`;
  const also = rest.length > 0 ? `\n(later cleanup steps failed too: ${rest.map(say).join('; ')})` : '';
  if (first.error instanceof Error) {
    first.error.message = `cleanup step ${say(first)}${also}`;
    throw first.error;
  }
  throw new Error(`cleanup step ${say(first)}${also}`);
}
