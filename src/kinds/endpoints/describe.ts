/** describe's layout for an Endpoints object, as kubectl's describeEndpoints prints it. */
import type { StoredObject } from '../../domain/objects';
import { alignTabs } from '../../print/tabwriter';
import { describeEvents, eventsAbout } from '../../print/describe-events';
import type { DescribeRelated } from '../kind';
import { metaLines } from '../configmap/describe';
import type { EndpointsView } from './index';

/** describeEndpoints: per subset its ready and not-ready addresses and a ports table, a blank line after each; Events. */
export function describeEndpoints(o: StoredObject, related: DescribeRelated): string {
  const ep = o as EndpointsView & StoredObject;
  const lines = [...metaLines(o), 'Subsets:'];
  for (const ss of ep.subsets ?? []) {
    const ips = (list: Array<{ ip?: string }> | undefined) => (list ?? []).map((a) => a.ip ?? '').join(',') || '<none>';
    lines.push(`  Addresses:\t${ips(ss.addresses)}`, `  NotReadyAddresses:\t${ips(ss.notReadyAddresses)}`);
    if ((ss.ports ?? []).length > 0) {
      lines.push('  Ports:', '    Name\tPort\tProtocol', '    ----\t----\t--------');
      for (const p of ss.ports ?? []) lines.push(`    ${p.name || '<unset>'}\t${p.port ?? 0}\t${p.protocol ?? ''}`);
    }
    lines.push('');
  }
  lines.push(...describeEvents(eventsAbout(related.list('Event', o.metadata.namespace ?? ''), o.metadata.uid), related.now), '');
  return alignTabs(lines.join('\n'));
}
