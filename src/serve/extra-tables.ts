/**
 * extra-tables: the tables of the two kinds the server lists that have no KindModule, as the API
 * server's printers (pkg/printers/internalversion/printers.go) make them:
 * - Event: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (wide adds SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME);
 * - ControllerRevision: NAME, CONTROLLER, REVISION, AGE.
 */
import type { PrintOptions, TableSpec } from '../print/get/format';
import { timestampSince } from '../print/get/duration';

interface EventView {
  metadata?: { name?: string; creationTimestamp?: string };
  involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  source?: { component?: string; host?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
}

/** EVENT_TABLE is printEvent's table. */
export const EVENT_TABLE: TableSpec<EventView> = {
  resource: 'event',
  namespaced: true,
  headers: (wide) => (wide ? ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME'] : ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']),
  cells: (e: EventView, wide: boolean, _o: PrintOptions, now: Date) => {
    const last = e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
    const first = e.firstTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
    const object = `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`;
    const source = [e.source?.component ?? '', e.source?.host ?? ''].filter((x) => x !== '').join(', ');
    const base = [timestampSince(last, now), e.type ?? '', e.reason ?? '', object];
    if (!wide) return [...base, (e.message ?? '').trim()];
    return [...base, e.involvedObject?.fieldPath ?? '', source, (e.message ?? '').trim(), timestampSince(first, now), String(e.count ?? 1), e.metadata?.name ?? ''];
  },
};

interface RevisionView {
  metadata?: { name?: string; creationTimestamp?: string; ownerReferences?: Array<{ kind?: string; name?: string; apiVersion?: string; controller?: boolean }> };
  revision?: number;
}

/** CONTROLLER_REVISION_TABLE is printControllerRevision's table. */
export const CONTROLLER_REVISION_TABLE: TableSpec<RevisionView> = {
  resource: 'controllerrevision.apps',
  namespaced: true,
  headers: () => ['NAME', 'CONTROLLER', 'REVISION', 'AGE'],
  cells: (r: RevisionView, _wide: boolean, _o: PrintOptions, now: Date) => {
    const owner = (r.metadata?.ownerReferences ?? []).find((o) => o.controller === true);
    const controller = owner === undefined ? '<none>' : `${(owner.kind ?? '').toLowerCase()}.${(owner.apiVersion ?? '').split('/')[0] ?? ''}/${owner.name ?? ''}`;
    return [r.metadata?.name ?? '', controller, String(r.revision ?? 0), timestampSince(r.metadata?.creationTimestamp, now)];
  },
};
