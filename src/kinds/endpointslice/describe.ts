/**
 * describe's layout for an EndpointSlice, as kubectl's describeEndpointSliceV1 prints it: the
 * address type, a ports table, each endpoint's addresses, ready condition, hostname, target,
 * node and zone; Events.
 */
import type { StoredObject } from '../../domain/objects';
import { alignTabs } from '../../print/tabwriter';
import { describeEvents, eventsAbout } from '../../print/describe-events';
import type { DescribeRelated } from '../kind';
import { metaLines } from '../configmap/describe';
import type { SliceView } from './view';

/** describeEndpointSlice is kubectl's EndpointSliceDescriber for discovery/v1. */
export function describeEndpointSlice(o: StoredObject, related: DescribeRelated): string {
  const s = o as SliceView & StoredObject;
  const lines = [...metaLines(o), `AddressType:\t${s.addressType ?? ''}`];
  const ports = s.ports ?? [];
  if (ports.length === 0) lines.push('Ports: <unset>');
  else {
    lines.push('Ports:', '  Name\tPort\tProtocol', '  ----\t----\t--------');
    for (const p of ports) lines.push(`  ${p.name || '<unset>'}\t${typeof p.port === 'number' ? p.port : '<unset>'}\t${p.protocol ?? ''}`);
  }
  const endpoints = s.endpoints ?? [];
  if (endpoints.length === 0) lines.push('Endpoints: <none>');
  else {
    lines.push('Endpoints:');
    for (const e of endpoints) {
      const ready = e.conditions?.ready;
      lines.push(
        `  - Addresses:\t${(e.addresses ?? []).join(',') || '<none>'}`,
        '    Conditions:',
        `      Ready:\t${ready === undefined || ready === null ? '<unset>' : String(ready)}`,
        `    Hostname:\t${e.hostname ?? '<unset>'}`,
        ...(e.targetRef ? [`    TargetRef:\t${e.targetRef.kind ?? ''}/${e.targetRef.name ?? ''}`] : []),
        `    NodeName:\t${e.nodeName ?? '<unset>'}`,
        `    Zone:\t${e.zone ?? '<unset>'}`,
      );
    }
  }
  lines.push(...describeEvents(eventsAbout(related.list('Event', o.metadata.namespace ?? ''), o.metadata.uid), related.now), '');
  return alignTabs(lines.join('\n'));
}
