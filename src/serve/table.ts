/**
 * table: server-side printing (meta.k8s.io/v1 Table), the columns and cells of each kind's get
 * table (the TableSpec `kubeplay get` prints), so `kubectl get` shows what `kubeplay get` shows.
 * Columns of `-o wide` only have priority 1, as the API server's printers mark them.
 */
import type { StoredObject } from '../domain/objects';
import type { PrintOptions, TableSpec } from '../print/get/format';

/** TableColumn is metav1.TableColumnDefinition. */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** Table is metav1.Table. */
export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions?: TableColumn[];
  rows: Array<{ cells: unknown[]; object: unknown }>;
}

/** IncludeObject is the request's includeObject: None, Object, or Metadata (the default: PartialObjectMetadata). */
export type IncludeObject = 'None' | 'Object' | 'Metadata';

/** wantsTable reads an Accept header: whether it asks for a Table (as=Table;g=meta.k8s.io). */
export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/** tableVersion is the Table's apiVersion the Accept header asked for first (v1, or v1beta1 of older clients). */
export function tableVersion(accept: string | undefined): 'v1' | 'v1beta1' {
  const first = (accept ?? '').split(',').find((a) => /as=Table/.test(a)) ?? '';
  return /v=v1beta1/.test(first) ? 'v1beta1' : 'v1';
}

function rowObject(o: StoredObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** toTable is a list (or one object, or one watch event's object) as a Table; `headers: false` leaves the column definitions out. */
export function toTable(spec: TableSpec<never>, objects: readonly StoredObject[], how: { now: Date; node: string; include: IncludeObject; headers: boolean; resourceVersion?: string; version?: 'v1' | 'v1beta1' }): Table {
  const narrow = new Set(spec.headers(false));
  const wide = spec.headers(true);
  const opts: PrintOptions = { format: 'wide', showLabels: false, labelColumns: [], noHeaders: false, single: false, node: how.node };
  const table: Table = {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${how.version ?? 'v1'}` as 'meta.k8s.io/v1',
    metadata: how.resourceVersion !== undefined ? { resourceVersion: how.resourceVersion } : {},
    rows: objects.map((o) => ({ cells: (spec.cells as (x: StoredObject, w: boolean, p: PrintOptions, n: Date) => string[])(o, true, opts, how.now), object: rowObject(o, how.include) })),
  };
  if (how.headers) {
    table.columnDefinitions = wide.map((h) => ({
      name: titleOf(h),
      type: 'string',
      format: h === 'NAME' ? 'name' : '',
      description: h === 'NAME' ? 'Name must be unique within a namespace.' : '',
      priority: narrow.has(h) ? 0 : 1,
    }));
  }
  return table;
}

/** titleOf: the API server names columns in title case (`Nominated Node`); kubectl prints them upper case. */
function titleOf(header: string): string {
  return header
    .split(' ')
    .map((w) => (w.length > 1 ? w[0] + w.slice(1).toLowerCase() : w))
    .join(' ');
}
