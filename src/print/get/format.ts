/**
 * The printers of `get pods`, chosen by `-o`: table (default), wide, name, json, yaml and
 * jsonpath. Each takes v1 Pods and returns a string. JSON and YAML look like kubectl's: keys
 * sorted, times in RFC 3339 to the second, several pods (or a request that was not for exactly
 * one named pod) wrapped in `kind: List`.
 */
import { KUBECTL_YAML_TAGS } from '../../domain/yaml-scalars';
import type { V1Pod } from '@kubernetes/client-node';
import { UsageError } from '../../domain/errors';
import { compileJsonPath } from './jsonpath';
import { podRow } from './pod-row';

/** OutputFormat is the printer `-o` chose. */
export type OutputFormat = 'table' | 'wide' | 'name' | 'json' | 'yaml' | 'jsonpath';

/** OUTPUT_FORMATS lists what `-o` accepts, for the message of an unknown one. */
export const OUTPUT_FORMATS = ['json', 'yaml', 'name', 'wide', 'jsonpath=TEMPLATE'] as const;

/** PrintOptions are the flags that shape the output. */
export interface PrintOptions {
  format: OutputFormat;
  /** The template of `-o jsonpath=...`. */
  jsonpath?: string;
  showLabels: boolean;
  /** `-L` keys, each a column. */
  labelColumns: string[];
  noHeaders: boolean;
  /** Render one object rather than a List (kubectl does for `get pod NAME` that finds one pod). */
  single: boolean;
  /** The NODE column of -o wide: the machine Podman runs on. */
  node: string;
  /** -A: a NAMESPACE column first (namespaced kinds only). */
  allNamespaces?: boolean;
}

/**
 * TableSpec is one kind's table: its columns and a row's cells (the kind's folder in src/kinds/
 * declares it). The printers add what every kind shares: NAMESPACE with -A, -L columns, LABELS.
 */
export interface TableSpec<T> {
  /** The resource word of -o name: `pod`, `namespace`. */
  resource: string;
  /** Whether the kind's objects live in a namespace (so -A shows a NAMESPACE column). */
  namespaced: boolean;
  headers(wide: boolean): string[];
  cells(obj: T, wide: boolean, o: PrintOptions, now: Date): string[];
}

/** ObjectWithMeta is what every printed object has. */
export interface ObjectWithMeta {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } | undefined;
}

/** parseOutput splits `-o` into a format and a jsonpath template; an unknown one lists the allowed. */
export function parseOutput(v: string | undefined): { format: OutputFormat; jsonpath?: string } {
  if (v === undefined || v === '') return { format: 'table' };
  if (v === 'wide' || v === 'name' || v === 'json' || v === 'yaml') return { format: v };
  const m = /^jsonpath(?:-as-json)?=(.*)$/s.exec(v);
  if (m) {
    if (m[1]!.trim() === '') throw new UsageError('template format specified but no template given: use -o jsonpath=\'{.items[*].metadata.name}\'');
    compileJsonPath(m[1]!); // checked now, so a bad template fails before Podman is asked
    return { format: 'jsonpath', jsonpath: m[1]! };
  }
  throw new UsageError(`unable to match a printer suitable for the output format "${v}", allowed formats are: ${OUTPUT_FORMATS.join(',')}`);
}

/** rfc3339 renders a time as Kubernetes does: UTC, to the second. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** toPlain turns an object into plain JSON data with sorted keys and Kubernetes times, as kubectl prints it. */
export function toPlain(v: unknown): unknown {
  if (v instanceof Date) return rfc3339(v);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = toPlain(x);
    }
    return out;
  }
  return v;
}

/** toDocument is what json, yaml and jsonpath render: one object, or a List. */
export function toDocument(pods: readonly object[], single: boolean): unknown {
  if (single && pods.length === 1) return toPlain(pods[0]);
  return { apiVersion: 'v1', items: pods.map(toPlain), kind: 'List', metadata: { resourceVersion: '' } };
}

function labelText(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** POD_TABLE is the Pod kind's table: kubectl's columns for pods. */
export const POD_TABLE: TableSpec<V1Pod> = {
  resource: 'pod',
  namespaced: true,
  headers: (wide) => ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', ...(wide ? ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'] : [])],
  cells(pod, wide, o, now) {
    const r = podRow(pod, now);
    const cells = [r.name, r.ready, r.status, r.restarts, r.age];
    if (wide) cells.push(r.ip, o.node || '<none>', '<none>', '<none>');
    return cells;
  },
};

/** tableHeaders returns the column titles of a kind's table (pods' when none is given) for these options. */
export function tableHeaders(o: PrintOptions, table: TableSpec<never> = POD_TABLE): string[] {
  const h = [...(o.allNamespaces && table.namespaced ? ['NAMESPACE'] : []), ...table.headers(o.format === 'wide')];
  for (const k of o.labelColumns) h.push((k.split('/').pop() ?? k).toUpperCase());
  if (o.showLabels) h.push('LABELS');
  return h;
}

/** tableCells returns one object's cells (a pod's when no table is given) for these options. */
export function tableCells<T extends ObjectWithMeta>(obj: T, o: PrintOptions, now: Date, table: TableSpec<T> = POD_TABLE as unknown as TableSpec<T>): string[] {
  const cells = [...(o.allNamespaces && table.namespaced ? [obj.metadata?.namespace ?? 'default'] : []), ...table.cells(obj, o.format === 'wide', o, now)];
  for (const k of o.labelColumns) cells.push(obj.metadata?.labels?.[k] ?? '');
  if (o.showLabels) cells.push(labelText(obj.metadata?.labels));
  return cells;
}

/**
 * alignColumns lays rows out as kubectl's tabwriter does (minimum width 6, padding 3, the last
 * column unpadded), one line each.
 */
export function alignColumns(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(Math.max(6, (widths[i] ?? 0) + 3)))).join('').trimEnd() + '\n')
    .join('');
}

/** formatPods prints pods in the chosen format; '' when there are none (the caller says so on stderr). */
export function formatPods(pods: readonly V1Pod[], o: PrintOptions, now: Date): string {
  return formatObjects(pods, o, now, POD_TABLE);
}

/** formatObjects prints objects of one kind in the chosen format; '' when there are none. */
export function formatObjects<T extends ObjectWithMeta>(pods: readonly T[], o: PrintOptions, now: Date, table: TableSpec<T>): string {
  switch (o.format) {
    case 'name':
      return pods.map((p) => `${table.resource}/${p.metadata?.name ?? ''}\n`).join('');
    case 'json':
      if (pods.length === 0 && o.single) return '';
      return `${JSON.stringify(toDocument(pods, o.single), null, 4)}\n`;
    case 'yaml': {
      if (pods.length === 0 && o.single) return '';
      // Lazy: yaml is loaded only by this printer.
      const { stringify } = require('yaml') as typeof import('yaml');
      // kubectl reads YAML 1.1: a string such as "yes" or "0644" is quoted, or it would come back a bool or a number.
      return stringify(toDocument(pods, o.single), { indentSeq: false, lineWidth: 0, customTags: KUBECTL_YAML_TAGS });
    }
    case 'jsonpath':
      return compileJsonPath(o.jsonpath ?? '')(toDocument(pods, o.single));
    case 'table':
    case 'wide': {
      if (pods.length === 0) return '';
      const rows = pods.map((p) => tableCells(p, o, now, table));
      return alignColumns(o.noHeaders ? rows : [tableHeaders(o, table), ...rows]);
    }
  }
}
