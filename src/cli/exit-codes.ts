/** Exit statuses kubeplay uses besides 0, 1 and 2 (main.ts's EXIT_CODES lists them all). */

/** exitCodeOfSignal is the shell's status for a process stopped by a signal: 128 + its number (130 for SIGINT). */
export function exitCodeOfSignal(signal: string): number {
  const n = (require('node:os') as typeof import('node:os')).constants.signals[signal as NodeJS.Signals];
  return 128 + (n ?? 2);
}
