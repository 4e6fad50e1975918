/**
 * serverSideApply and updateManagedFields against structured-merge-diff's own merge tests
 * (fixtures/smd-merge-cases.yaml, written out from sigs.k8s.io/structured-merge-diff merge/*_test.go),
 * over the small schemas those tests declare.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { serverSideApply, updateManagedFields, type ManagedFieldsEntry } from '../../../../src/serve/patch/server-side-apply';
import { FieldSet, pathString } from '../../../../src/serve/patch/field-set';
import { TypeSchema } from '../../../../src/serve/patch/patch-meta';
import type { JsonObject, JsonValue } from '../../../../src/serve/patch/go-format';

const keyedByName = { 'x-kubernetes-list-type': 'map' as const, 'x-kubernetes-list-map-keys': ['name'] };
const set = { 'x-kubernetes-list-type': 'set' as const };
const SCHEMAS: Record<string, TypeSchema> = {
  associativeList: new TypeSchema({ T: { list: '[]Element' }, Element: {} }, { 'T.list': keyedByName }, new Set(), { T: 'T' }),
  sets: new TypeSchema({ T: { list: '[]' } }, { 'T.list': set }, new Set(), { T: 'T' }),
  struct: new TypeSchema({ T: { struct: 'Struct' }, Struct: { complexField: 'Complex' }, Complex: {} }, {}, new Set(), { T: 'T' }),
  nested: new TypeSchema({ T: { listOfLists: '[]Item' }, Item: { value: '[]' } }, { 'T.listOfLists': keyedByName, 'Item.value': set }, new Set(), { T: 'T' }),
};

interface Op {
  apply?: { manager: string; object: JsonObject; conflicts?: Array<{ manager: string; path: string }> };
  update?: { manager: string; object: JsonObject };
}
interface Case {
  name: string;
  schema: string;
  ops: Op[];
  object: JsonObject;
  ordered?: boolean;
  managed: Record<string, string[]>;
}
const cases = (parse(readFileSync(join(__dirname, 'fixtures', 'smd-merge-cases.yaml'), 'utf8')) as { cases: Case[] }).cases;

/** unordered sorts every list, for the comparison upstream's fixture makes (lists compared as sets). */
function unordered(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(unordered).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unordered(x)]));
  return v;
}

const NOW = new Date('2026-12-07T10:00:00Z');
const withoutManaged = (o: JsonObject): JsonObject => {
  const c = structuredClone(o);
  const meta = c['metadata'] as JsonObject | undefined;
  if (meta) {
    delete meta['managedFields'];
    if (Object.keys(meta).length === 0) delete c['metadata'];
  }
  return c;
};

describe('structured-merge-diff merge cases', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const schema = SCHEMAS[c.schema]!;
    let live: JsonObject | undefined;
    for (const op of c.ops) {
      if (op.apply) {
        const r = serverSideApply({ live, applied: op.apply.object, manager: op.apply.manager, force: false, kind: 'T', now: NOW, schema });
        if ('conflicts' in r) {
          expect(r.conflicts).toEqual((op.apply.conflicts ?? []).map((x) => ({ manager: JSON.stringify(x.manager), field: x.path })));
          continue;
        }
        expect(op.apply.conflicts).toBeUndefined();
        live = r.object;
      } else if (op.update) {
        const next = structuredClone(op.update.object);
        const mf = updateManagedFields({ old: live, new: next, manager: op.update.manager, kind: 'T', now: NOW, schema });
        live = { ...next, metadata: { managedFields: mf as unknown as JsonValue } };
      }
    }
    const object = withoutManaged(live!);
    if (c.ordered) expect(object).toEqual(c.object);
    else expect(unordered(object)).toEqual(unordered(c.object));
    const mf = ((live!['metadata'] as JsonObject)['managedFields'] ?? []) as unknown as ManagedFieldsEntry[];
    const managed: Record<string, string[]> = {};
    for (const e of mf) managed[e.manager] = [...(managed[e.manager] ?? []), ...FieldSet.fromFieldsV1(e.fieldsV1).list().map(pathString)].sort();
    expect(managed).toEqual(Object.fromEntries(Object.entries(c.managed).map(([m, ps]) => [m, [...ps].sort()])));
  });
});
