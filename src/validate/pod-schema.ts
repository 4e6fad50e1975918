import * as fs from 'node:fs';
import type { ErrorObject } from 'ajv';
import { loadSchemaValidator, schemaFile } from './schema-validators';

/** SchemaError is one schema violation: a path (keys/indexes) and what is wrong. */
export interface SchemaError {
  path: (string | number)[];
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}

/** AjvValidateFunction is the shape shared by ajv's compiled and standalone validators. */
export type AjvValidateFunction = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

const SCHEMA_FILE = schemaFile('pod.v1');

let schemaJson: JsonSchema | undefined;

/** loadValidator returns the Pod schema's validator, precompiled at build time (schema-validators.ts). */
function loadValidator(): AjvValidateFunction {
  return loadSchemaValidator('pod.v1');
}

/** validatePodSchema checks a plain object against schemas/pod.v1.json; [] when valid. */
export function validatePodSchema(value: unknown): SchemaError[] {
  const validate = loadValidator();
  if (validate(value)) return [];
  return toSchemaErrors(validate.errors ?? [], value);
}

/** toSchemaErrors turns ajv's raw errors for `value` into SchemaErrors with plain-English messages. */
export function toSchemaErrors(errors: readonly ErrorObject[], value: unknown): SchemaError[] {
  const out: SchemaError[] = [];
  const seen = new Set<string>();
  for (const e of collapseUnions(errors)) {
    const err = toSchemaError(e, value);
    // allErrors can reach one failure through two schema routes; report it once.
    const key = JSON.stringify([err.path, err.keyword, err.message]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(err);
  }
  return out;
}

/**
 * collapseUnions replaces an anyOf/oneOf failure and its branch failures with what the user needs:
 * when every branch failed on `type` at the same place, one type error listing all accepted
 * types (instead of "must be null", "must be object", "must match a schema in anyOf");
 * otherwise the branch errors below that place, which say what is wrong inside the value.
 */
function collapseUnions(errors: readonly ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  const replace = new Map<ErrorObject, ErrorObject>();
  for (const union of errors) {
    if (union.keyword !== 'anyOf' && union.keyword !== 'oneOf') continue;
    const prefix = union.schemaPath + '/';
    const branch = errors.filter((e) => e !== union && e.schemaPath.startsWith(prefix));
    const sameSpotTypes = branch.filter((e) => e.keyword === 'type' && e.instancePath === union.instancePath);
    if (branch.length > 0 && sameSpotTypes.length === branch.length) {
      const types = [...new Set(sameSpotTypes.flatMap((e) => String(e.params['type']).split(',')))];
      replace.set(union, { ...sameSpotTypes[0]!, params: { type: types.join(',') } });
      for (const e of branch) drop.add(e);
    } else if (branch.length > 0) {
      drop.add(union);
      for (const e of sameSpotTypes) drop.add(e);
    }
  }
  return errors.filter((e) => !drop.has(e)).map((e) => replace.get(e) ?? e);
}

/** toSchemaError converts one ajv error; additionalProperties/required point at the object holding the key. */
function toSchemaError(e: ErrorObject, root: unknown): SchemaError {
  const p = pointerToPath(e.instancePath, root);
  const actual = valueAt(root, p);
  const params: Record<string, unknown> = { ...e.params };
  switch (e.keyword) {
    case 'additionalProperties':
      return { path: p, keyword: e.keyword, message: `unknown field ${quote(e.params['additionalProperty'])}`, params };
    case 'required':
      return { path: p, keyword: e.keyword, message: `required field ${quote(e.params['missingProperty'])} is missing`, params };
    case 'type': {
      const expected = String(e.params['type'])
        .split(',')
        .filter((t) => t !== 'null');
      // null is accepted only as "absent"; listing it would suggest writing null on purpose.
      const list = expected.length ? expected : ['null'];
      return { path: p, keyword: e.keyword, message: `expected ${orList(list)}, got ${describe(actual)}`, params };
    }
    case 'const':
      return { path: p, keyword: e.keyword, message: `must be ${JSON.stringify(e.params['allowedValue'])}, got ${describe(actual)}`, params };
    case 'enum': {
      const allowed = (e.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return { path: p, keyword: e.keyword, message: `must be one of ${allowed}, got ${describe(actual)}`, params };
    }
    case 'minimum':
    case 'maximum': {
      const bound: unknown = e.params['limit'];
      const word = e.keyword === 'minimum' ? 'at least' : 'at most';
      return { path: p, keyword: e.keyword, message: `must be ${word} ${String(bound)}, got ${describe(actual)}`, params };
    }
    case 'pattern':
      if (String(e.params['pattern']).includes('[KMGTPE]i')) {
        return {
          path: p,
          keyword: e.keyword,
          message: `expected a quantity such as "500m", "128Mi", "1Gi" or 2, got ${describe(actual)}`,
          params,
        };
      }
      return { path: p, keyword: e.keyword, message: `must match pattern ${String(e.params['pattern'])}, got ${describe(actual)}`, params };
    default:
      return { path: p, keyword: e.keyword, message: e.message ?? `failed the "${e.keyword}" check`, params };
  }
}

/** pointerToPath decodes a JSON Pointer; segments that index an array in `root` become numbers. */
function pointerToPath(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function valueAt(root: unknown, p: readonly (string | number)[]): unknown {
  let cur = root;
  for (const seg of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** describe names a value's JSON type and shows short scalars, e.g. `string "abc"`, `boolean true`. */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string': {
      const s = v.length > 40 ? v.slice(0, 37) + '...' : v;
      return `string ${JSON.stringify(s)}`;
    }
    case 'number':
      return `${Number.isInteger(v) ? 'integer' : 'number'} ${String(v)}`;
    case 'boolean':
      return `boolean ${String(v)}`;
    case 'object':
      return 'object';
    default:
      return typeof v;
  }
}

function quote(v: unknown): string {
  return JSON.stringify(String(v));
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]!}`;
}

/** JsonSchema is the subset of JSON Schema that allowedProperties walks. */
interface JsonSchema {
  $ref?: string;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  definitions?: Record<string, JsonSchema>;
}

function loadSchema(): JsonSchema {
  schemaJson ??= JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as JsonSchema;
  return schemaJson;
}

/** allowedProperties lists the property names the schema allows for the object at `path` (through arrays, maps, refs), or undefined. */
export function allowedProperties(p: (string | number)[]): string[] | undefined {
  const root = loadSchema();
  let node: JsonSchema | undefined = root;
  for (const seg of p) {
    if (!node) return undefined;
    node = childSchema(node, seg, root);
  }
  if (!node) return undefined;
  const props = collectProperties(node, root);
  return props.size ? [...props].sort() : undefined;
}

/** branches returns a schema and everything it refers to through $ref/allOf/anyOf/oneOf. */
function branches(node: JsonSchema, root: JsonSchema, depth = 0): JsonSchema[] {
  if (depth > 32) return [node];
  const out: JsonSchema[] = [node];
  if (node.$ref) {
    const name = node.$ref.replace(/^#\/definitions\//, '');
    const target = root.definitions?.[name];
    if (target) out.push(...branches(target, root, depth + 1));
  }
  for (const sub of [...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.oneOf ?? [])]) {
    out.push(...branches(sub, root, depth + 1));
  }
  return out;
}

function collectProperties(node: JsonSchema, root: JsonSchema): Set<string> {
  const names = new Set<string>();
  for (const b of branches(node, root)) for (const k of Object.keys(b.properties ?? {})) names.add(k);
  return names;
}

function childSchema(node: JsonSchema, seg: string | number, root: JsonSchema): JsonSchema | undefined {
  const all = branches(node, root);
  if (typeof seg === 'number' || /^\d+$/.test(seg)) {
    const items = all.find((b) => b.items)?.items;
    if (items) return items;
  }
  const key = String(seg);
  const prop = all.find((b) => b.properties && Object.prototype.hasOwnProperty.call(b.properties, key))?.properties?.[key];
  if (prop) return prop;
  const map = all.find((b) => typeof b.additionalProperties === 'object')?.additionalProperties;
  return typeof map === 'object' ? map : undefined;
}
