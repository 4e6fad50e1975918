/**
 * kubectl describe's `Events:` table (pkg/describe DescribeEvents), shared by every describe layout
 * (pods, and the workload kinds whose controllers record core/v1 Events in the store), and the
 * reading of stored Event objects into its rows. Pure: rows and the clock in, lines out.
 */
import { humanDuration } from './get/duration';

/** DescribeEvent is one row of the Events table: kubectl's Event, aggregated (count, first and last time). */
export interface DescribeEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  from: string;
  message: string;
  count: number;
  first: Date;
  last: Date;
}

/**
 * describeEvents prints kubectl's Events table, oldest first (event.SortableEvents: by last time);
 * `Events:\t<none>` when there is none. AGE is the first time's age, or `LAST (xN over FIRST)` for
 * an event seen N > 1 times.
 */
export function describeEvents(events: readonly DescribeEvent[], now: Date): string[] {
  if (events.length === 0) return ['Events:\t<none>'];
  const sorted = [...events].sort((a, b) => a.last.getTime() - b.last.getTime());
  const age = (d: Date) => humanDuration(now.getTime() - d.getTime());
  return [
    'Events:',
    '  Type\tReason\tAge\tFrom\tMessage',
    '  ----\t------\t----\t----\t-------',
    ...sorted.map((e) => `  ${e.type}\t${e.reason}\t${e.count > 1 ? `${age(e.last)} (x${e.count} over ${age(e.first)})` : age(e.first)}\t${e.from}\t${e.message.trim()}`),
  ];
}

/** StoredEvent is a core/v1 Event as controllers store it (kind `Event`). */
export interface StoredEvent {
  metadata?: { name?: string };
  involvedObject?: { uid?: string };
  reason?: string;
  message?: string;
  type?: string;
  source?: { component?: string };
  reportingComponent?: string;
  reportingController?: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  count?: number;
}

/**
 * eventsAbout are the rows of the stored events whose involvedObject.uid is `uid`: From is
 * source.component, else the reporting controller (kubectl's formatting); times from
 * first/lastTimestamp, else eventTime.
 */
export function eventsAbout(events: readonly StoredEvent[], uid: string): DescribeEvent[] {
  const out: DescribeEvent[] = [];
  for (const e of events) {
    if (uid === '' || e.involvedObject?.uid !== uid) continue;
    const first = dateOf(e.firstTimestamp) ?? dateOf(e.eventTime) ?? dateOf(e.lastTimestamp) ?? new Date(0);
    const last = dateOf(e.lastTimestamp) ?? first;
    out.push({
      type: e.type === 'Warning' ? 'Warning' : 'Normal',
      reason: e.reason ?? '',
      from: e.source?.component || e.reportingController || e.reportingComponent || '',
      message: e.message ?? '',
      count: typeof e.count === 'number' && e.count > 0 ? e.count : 1,
      first,
      last,
    });
  }
  return out.sort((a, b) => a.last.getTime() - b.last.getTime());
}

function dateOf(v: string | undefined): Date | undefined {
  if (v === undefined || v === '') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
