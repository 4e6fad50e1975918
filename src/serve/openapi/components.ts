/**
 * The OpenAPI schemas (components) of the served kinds, converted from kubeplay's generated strict
 * schemas (schemas/*.json, scripts/gen-schemas.mjs) with the descriptions they carry:
 *
 *   - definitions are renamed to the API server's names (names.ts: `io.k8s.api.core.v1.PodSpec`) and
 *     referenced as upstream does, `{ allOf: [{ $ref }], default: {} }` beside the field's description;
 *   - JSON Schema's nullable types (`["string", "null"]`) become the OpenAPI type, integers get their
 *     int32/int64 format back from their bounds, the erased IntOrString and Quantity fields refer to
 *     apimachinery's `IntOrString` and `Quantity`, and kubeplay's strictness (additionalProperties
 *     false, required apiVersion/kind) is dropped: the documents describe the API, not kubeplay's checks;
 *   - every kind's top schema carries `x-kubernetes-group-version-kind`, and each field the patch
 *     table knows its `x-kubernetes-patch-*` and list/map type extensions (extensions.ts).
 *
 * Kinds without a generated schema (Event, ControllerRevision) get the small hand-written ones of
 * extra.ts, so every served resource has a schema.
 */
import type { ServedResource } from '../discovery';
import { schemaExtensionsFor } from './extensions';
import { COMMON_SCHEMAS, EXTRA_KIND_SCHEMAS, INT_OR_STRING, QUANTITY } from './extra';
import { definitionNames, kindDefinitionName, type KindDefinitions } from './names';
import { kindSchema, refName, type JsonSchema } from './source';
import { groupKindText } from '../../domain/kinds';

/** OpenApiSchema is one OpenAPI schema object (plain JSON). */
export type OpenApiSchema = Record<string, unknown>;

/** REF_PREFIX is where OpenAPI v3 keeps schemas; v2 documents rewrite it to `#/definitions/`. */
export const REF_PREFIX = '#/components/schemas/';

/** ref is an upstream-style reference to a named schema: `{ allOf: [{ $ref }] }`, with `default: {}` for an object. */
function ref(name: string, description: string | undefined, object = true): OpenApiSchema {
  return { ...(description !== undefined ? { description } : {}), ...(object ? { default: {} } : {}), allOf: [{ $ref: REF_PREFIX + name }] };
}

/** plainRef turns a bare `{ allOf: [{ $ref }] }` into `{ $ref }`, as upstream writes a map's values (`map[string]Quantity` in kubectl explain). */
function plainRef(s: OpenApiSchema): OpenApiSchema {
  const allOf = s['allOf'] as Array<{ $ref?: string }> | undefined;
  const others = Object.keys(s).filter((k) => k !== 'allOf' && k !== 'default');
  return allOf?.length === 1 && allOf[0]?.$ref !== undefined && others.length === 0 ? { $ref: allOf[0].$ref } : s;
}

/** The bounds gen-schemas.mjs writes for int32 and int64 (INT32, INT64 there). */
const INT32_MAX = 2147483647;

interface Ctx {
  groupKind: string;
  names: Map<string, string>;
}

/** convert turns one node of a generated schema, at `pointer` in its kind's file, into an OpenAPI schema. */
function convert(node: JsonSchema, pointer: string, ctx: Ctx): OpenApiSchema {
  const description = typeof node.description === 'string' ? node.description : undefined;
  const types = (Array.isArray(node.type) ? node.type : node.type !== undefined ? [node.type] : []).filter((t) => t !== 'null');
  const target = refName(node);
  let out: OpenApiSchema;
  if (target !== undefined) out = ref(ctx.names.get(target) ?? target, description);
  else if (typeof node.pattern === 'string' && types.includes('string') && types.includes('number')) out = ref(QUANTITY, description, false);
  else if (types.includes('integer') && types.includes('string')) out = ref(INT_OR_STRING, description, false);
  else {
    out = description !== undefined ? { description } : {};
    if (node.const !== undefined) out['type'] = typeof node.const === 'string' ? 'string' : typeof node.const;
    else if (types.length === 1) out['type'] = types[0];
    if (out['type'] === 'integer') out['format'] = typeof node.maximum === 'number' && node.maximum <= INT32_MAX ? 'int32' : 'int64';
    if (out['type'] === 'number') out['format'] = 'double';
    if (node.items !== undefined) out['items'] = convert(node.items, `${pointer}/items`, ctx);
    if (typeof node.additionalProperties === 'object') out['additionalProperties'] = plainRef(convert(node.additionalProperties, `${pointer}/additionalProperties`, ctx));
    if (node.properties !== undefined) Object.assign(out, objectBody(node, pointer, ctx));
  }
  return { ...out, ...schemaExtensionsFor(ctx.groupKind, pointer) };
}

/** objectBody is an object schema's properties (sorted, as upstream) and required list. */
function objectBody(node: JsonSchema, pointer: string, ctx: Ctx, dropRequired: readonly string[] = []): OpenApiSchema {
  const properties: Record<string, OpenApiSchema> = {};
  for (const name of Object.keys(node.properties ?? {}).sort()) {
    properties[name] = convert(node.properties![name]!, `${pointer}/properties/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, ctx);
  }
  const required = (node.required ?? []).filter((r) => !dropRequired.includes(r));
  return { type: 'object', ...(required.length > 0 ? { required } : {}), properties };
}

/** gvkKey is how the pool finds a kind's schema: `apps/v1/Deployment`. */
export function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/** SchemaPool is every schema the documents use, by name, and each served kind's schema name. */
export interface SchemaPool {
  schemas: Map<string, OpenApiSchema>;
  /** gvkKey -> the kind's schema name. */
  kindNames: Map<string, string>;
}

function gvkExtension(group: string, version: string, kind: string): OpenApiSchema {
  return { 'x-kubernetes-group-version-kind': [{ group, kind, version }] };
}

/**
 * buildSchemaPool converts the schemas of the served kinds (read at this first use), with each
 * kind's List, the meta/v1 types the operations use and the subresources' kinds.
 */
export function buildSchemaPool(resources: readonly ServedResource[]): SchemaPool {
  const kinds = resources.map((r) => ({ r, schema: kindSchema(r.info) }));
  const defs: KindDefinitions[] = [];
  for (const { r, schema } of kinds) {
    if (!schema) continue;
    defs.push({ info: r.info, rootClass: `${r.info.version[0]!.toUpperCase()}${r.info.version.slice(1)}${r.info.kind}`, classes: Object.keys(schema.definitions ?? {}) });
  }
  const names = definitionNames(defs);
  const schemas = new Map<string, OpenApiSchema>(Object.entries(COMMON_SCHEMAS));
  const kindNames = new Map<string, string>();
  for (const { r, schema } of kinds) {
    const { group, version, kind } = r.info;
    const name = kindDefinitionName(r.info);
    kindNames.set(gvkKey(group, version, kind), name);
    const ctx: Ctx = { groupKind: groupKindText(r.info), names };
    if (schema) {
      const top: OpenApiSchema = { description: schema.description, ...objectBody(schema, '', ctx, ['apiVersion', 'kind']), ...gvkExtension(group, version, kind) };
      schemas.set(name, top);
      for (const [cls, def] of Object.entries(schema.definitions ?? {})) {
        const n = names.get(cls) ?? cls;
        if (schemas.has(n)) continue;
        const pointer = `/definitions/${cls}`;
        schemas.set(n, { ...(def.description !== undefined ? { description: def.description } : {}), ...objectBody(def, pointer, ctx), ...schemaExtensionsFor(ctx.groupKind, pointer) });
      }
    } else {
      const extra = EXTRA_KIND_SCHEMAS[gvkKey(group, version, kind)];
      schemas.set(name, { ...(extra ?? { description: `${kind} (kubeplay serves it without a schema).`, type: 'object', 'x-kubernetes-preserve-unknown-fields': true }), ...gvkExtension(group, version, kind) });
    }
    schemas.set(`${name}List`, {
      description: `${kind}List is a list of ${kind} objects.`,
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: { description: 'APIVersion defines the versioned schema of this representation of an object.', type: 'string' },
        items: { description: `List of ${r.info.plural}.`, type: 'array', items: ref(name, undefined) },
        kind: { description: 'Kind is a string value representing the REST resource this object represents.', type: 'string' },
        metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta', 'Standard list metadata.'),
      },
      ...gvkExtension(group, version, `${kind}List`),
    });
  }
  return { schemas, kindNames };
}

/** componentsFor is the named schemas and every schema they refer to, sorted by name (a document's components.schemas). */
export function componentsFor(pool: SchemaPool, roots: readonly string[]): Record<string, OpenApiSchema> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const n = queue.pop()!;
    if (seen.has(n)) continue;
    const s = pool.schemas.get(n);
    if (!s) throw new Error(`openapi: no schema named ${n}`);
    seen.add(n);
    for (const m of JSON.stringify(s).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) queue.push(m[1]!);
  }
  return Object.fromEntries([...seen].sort().map((n) => [n, pool.schemas.get(n)!]));
}
