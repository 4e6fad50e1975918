/**
 * An EndpointSlice as kubeplay's code reads it, and kubectl's texts of it: describe service's
 * Endpoints line (describe.go formatEndpointSlices) and get's PORTS and ENDPOINTS cells
 * (printers.go formatDiscoveryPorts, formatDiscoveryEndpoints). Pure.
 */

/** LABEL_SERVICE_NAME is discoveryv1.LabelServiceName: the Service an EndpointSlice belongs to. */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';

/** SliceEndpoint is one endpoint of an EndpointSlice. */
export interface SliceEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string; uid?: string };
  [field: string]: unknown;
}

/** SlicePort is one port of an EndpointSlice. */
export interface SlicePort {
  name?: string | null;
  port?: number | null;
  protocol?: string | null;
  appProtocol?: string;
}

/** SliceView is an EndpointSlice as the table and the describers read it. */
export interface SliceView {
  metadata?: { name?: string; namespace?: string; creationTimestamp?: string; labels?: Record<string, string> };
  addressType?: string;
  endpoints?: SliceEndpoint[] | null;
  ports?: SlicePort[] | null;
}

/** joinHostPort is Go's net.JoinHostPort: an IPv6 address in brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const isReady = (e: SliceEndpoint): boolean => e.conditions?.ready === undefined || e.conditions.ready === null || e.conditions.ready;

/**
 * formatEndpointSlices is kubectl 1.32's formatEndpointSlices for describe service: the ready
 * endpoints (a ready condition left unset counts as ready) of the slices' ports named as the
 * Service port (`ports` undefined: every port), `ip:port` (the first address of each), the first
 * three and `+ N more...`; `<none>` without slices, and an empty text when no endpoint is ready.
 */
export function formatEndpointSlices(slices: readonly SliceView[], ports?: ReadonlySet<string>): string {
  if (slices.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const s of slices) {
    const endpoints = s.endpoints ?? [];
    if ((s.ports ?? []).length === 0) {
      for (const e of endpoints) {
        if (list.length === max) more = true;
        if (!isReady(e)) continue;
        if (!more) list.push(e.addresses?.[0] ?? '');
        count++;
      }
      continue;
    }
    for (const p of s.ports ?? []) {
      if (ports !== undefined && !ports.has(p.name ?? '')) continue;
      for (const e of endpoints) {
        if (list.length === max) more = true;
        if (!isReady(e)) continue;
        if (!more) list.push(joinHostPort(e.addresses?.[0] ?? '', p.port ?? 0));
        count++;
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

/** listWithMore is printers.go listWithMoreString: `a,b,c + N more...`, `<unset>` when empty. */
function listWithMore(list: readonly string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

/** discoveryPortsText is formatDiscoveryPorts: each port's number (its name when unset, `*` when neither), three at most. */
export function discoveryPortsText(ports: readonly SlicePort[] | null | undefined): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const p of ports ?? []) {
    if (list.length < 3) list.push(typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*');
    else if (list.length === 3) more = true;
    count++;
  }
  return listWithMore(list, more, count, 3);
}

/** discoveryEndpointsText is formatDiscoveryEndpoints: every endpoint's addresses, three at most. */
export function discoveryEndpointsText(endpoints: readonly SliceEndpoint[] | null | undefined): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const e of endpoints ?? [])
    for (const a of e.addresses ?? []) {
      if (list.length < 3) list.push(a);
      else if (list.length === 3) more = true;
      count++;
    }
  return listWithMore(list, more, count, 3);
}
