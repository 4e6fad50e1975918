/**
 * Durations in kubectl's words: AGE (`45s`, `5m30s`, `3h`, `2d4h`) and RESTARTS (`3 (2m ago)`).
 * A port of apimachinery's duration.HumanDuration and kubectl's translateTimestampSince; pure,
 * the clock is passed in.
 */

/** humanDuration renders a duration in milliseconds the way kubectl prints ages. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // kubectl tolerates up to 2 s of clock skew between machines before calling a time invalid.
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const years = Math.trunc(hours / 24 / 365);
    const days = Math.trunc(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** timestampSince is kubectl's translateTimestampSince: the age of `t` at `now`, `<unknown>` without one. */
export function timestampSince(t: Date | string | undefined, now: Date): string {
  if (t === undefined || t === '') return '<unknown>';
  const at = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(at.getTime())) return '<unknown>';
  return humanDuration(now.getTime() - at.getTime());
}

/** formatRestarts renders the RESTARTS cell: `0`, or `N (AGE ago)` when the last restart time is known. */
export function formatRestarts(restarts: number, lastRestart: Date | undefined, now: Date): string {
  if (restarts === 0 || lastRestart === undefined) return String(restarts);
  return `${restarts} (${timestampSince(lastRestart, now)} ago)`;
}
