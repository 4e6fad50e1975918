/**
 * OpenAPI v2 (`/openapi/v2`), which kubectl 1.27 and 1.28 still need: their `explain` reads only
 * v2, and their `apply` fails when it cannot fetch it (measured against a server answering 404:
 * `Error from server (NotFound)` before any write). client-go's discovery client asks for v2 only as
 * protobuf (`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`,
 * discovery_client.go OpenAPISchema) and decodes it with proto.Unmarshal into gnostic's
 * openapi_v2.Document, so a JSON answer would not do: this file writes that protobuf encoding itself
 * (no protobuf library is allowed in src/; the messages and field numbers are google/gnostic's
 * openapiv2/OpenAPIv2.proto), for the subset of the document kubeplay serves.
 *
 * The v2 document is the v3 one restated: the same schemas under `definitions` (a field refers to a
 * schema by a plain `$ref`, which kube-openapi's proto parser follows, where v3 wraps it in `allOf`),
 * and the same operations with Swagger 2.0's parameters (a `body` parameter for the request body).
 */
import type { ServedResource } from '../discovery';
import { REF_PREFIX, componentsFor, type SchemaPool } from './components';
import { groupVersionDocument } from './v3';
import { V2_FORMS } from './extra';
import { KUBERNETES_VERSION } from '../discovery';

/** OPENAPI_V2_PROTOBUF is the media type client-go asks for the protobuf encoding with. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/**
 * OPENAPI_V2_PROTOBUF_CONTENT_TYPE is the Content-Type it is answered with: kube-openapi's handler
 * writes `.v1.0` for `@v1.0`, because Go's mime.ParseMediaType (which client-go's REST client runs
 * on every answer's Content-Type) refuses the `@` ("mime: unexpected content after media subtype").
 */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

type Json = Record<string, unknown>;
const V2_PREFIX = '#/definitions/';

/** toV2Schema restates an OpenAPI v3 schema in Swagger 2.0: `allOf: [{ $ref }]` becomes the `$ref` itself. */
export function toV2Schema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toV2Schema);
  if (s === null || typeof s !== 'object') return s;
  const o = s as Json;
  const allOf = o['allOf'];
  if (Array.isArray(allOf) && allOf.length === 1 && typeof (allOf[0] as Json)['$ref'] === 'string') {
    const out: Json = { $ref: String((allOf[0] as Json)['$ref']).replace(REF_PREFIX, V2_PREFIX) };
    if (o['description'] !== undefined) out['description'] = o['description'];
    for (const [k, v] of Object.entries(o)) if (k.startsWith('x-')) out[k] = v;
    return out;
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace(REF_PREFIX, V2_PREFIX);
    else if (k === 'properties' || k === 'definitions') out[k] = Object.fromEntries(Object.entries(v as Json).map(([n, p]) => [n, toV2Schema(p)]));
    else if (k === 'default') continue;
    else out[k] = toV2Schema(v);
  }
  return out;
}

function v2Parameter(p: Json): Json {
  const schema = (p['schema'] ?? {}) as Json;
  const out: Json = { name: p['name'], in: p['in'], description: p['description'] };
  if (p['required'] === true) out['required'] = true;
  return { ...out, ...schema };
}

function firstSchema(contentMap: unknown): { types: string[]; schema?: unknown } {
  const c = (contentMap ?? {}) as Record<string, { schema?: unknown }>;
  const types = Object.keys(c);
  return { types, schema: types.length > 0 ? toV2Schema(c[types[0]!]!.schema) : undefined };
}

function v2Operation(op: Json): Json {
  const params = ((op['parameters'] ?? []) as Json[]).map(v2Parameter);
  const out: Json = { description: op['description'] };
  const reqBody = op['requestBody'] as Json | undefined;
  let consumes: string[] = [];
  if (reqBody) {
    const { types, schema } = firstSchema(reqBody['content']);
    consumes = types;
    params.unshift({ name: 'body', in: 'body', required: reqBody['required'] === true, schema });
  }
  const responses: Json = {};
  let produces: string[] = [];
  for (const [code, r] of Object.entries((op['responses'] ?? {}) as Record<string, Json>)) {
    const { types, schema } = firstSchema(r['content']);
    if (produces.length === 0) produces = types;
    responses[code] = schema === undefined ? { description: r['description'] } : { description: r['description'], schema };
  }
  if (consumes.length > 0) out['consumes'] = consumes;
  if (produces.length > 0) out['produces'] = produces;
  Object.assign(out, { schemes: ['https'], tags: op['tags'], operationId: op['operationId'] });
  if (params.length > 0) out['parameters'] = params;
  out['responses'] = responses;
  for (const [k, v] of Object.entries(op)) if (k.startsWith('x-')) out[k] = v;
  return out;
}

/** openApiV2Document is the Swagger 2.0 document of every served resource. */
export function openApiV2Document(resources: readonly ServedResource[], pool: SchemaPool): Json {
  const doc = groupVersionDocument(pool, resources) as { paths: Record<string, Json> };
  const paths: Json = {};
  for (const [p, item] of Object.entries(doc.paths)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(item)) out[k] = k === 'parameters' ? (v as Json[]).map(v2Parameter) : v2Operation(v as Json);
    paths[p] = out;
  }
  const definitions = { ...(toV2Schema(componentsFor(pool, [...pool.schemas.keys()])) as Json), ...V2_FORMS };
  const { major, minor, patch } = KUBERNETES_VERSION;
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: `v${major}.${minor}.${patch}` },
    paths,
    definitions,
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
}

// --- protobuf: the wire format (varints and length-delimited fields) -------------------------------

/** Writer accumulates one message's fields. */
class Writer {
  private readonly parts: Buffer[] = [];

  private varint(n: number): void {
    const bytes: number[] = [];
    let v = n;
    while (v > 127) {
      bytes.push((v & 127) | 128);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** bytes writes a length-delimited field (a string, or an embedded message's encoding). */
  bytes(field: number, b: Buffer): this {
    this.tag(field, 2);
    this.varint(b.length);
    this.parts.push(b);
    return this;
  }

  /** string writes a string field; proto3 leaves the empty string out. */
  string(field: number, s: unknown): this {
    if (typeof s === 'string' && s !== '') this.bytes(field, Buffer.from(s, 'utf8'));
    return this;
  }

  strings(field: number, list: unknown): this {
    if (Array.isArray(list)) for (const s of list) if (typeof s === 'string') this.bytes(field, Buffer.from(s, 'utf8'));
    return this;
  }

  bool(field: number, b: unknown): this {
    if (b === true) {
      this.tag(field, 0);
      this.varint(1);
    }
    return this;
  }

  /** double writes a 64-bit float field (wire type 1); proto3 leaves 0 out. */
  double(field: number, n: unknown): this {
    if (typeof n === 'number' && n !== 0) {
      this.tag(field, 1);
      const b = Buffer.alloc(8);
      b.writeDoubleLE(n);
      this.parts.push(b);
    }
    return this;
  }

  /** message writes an embedded message, even an empty one (a oneof's presence is its being there). */
  message(field: number, w: Writer): this {
    return this.bytes(field, w.done());
  }

  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** NamedAny { name = 1; Any value = 2 }, Any { yaml = 2 }: a vendor extension, its value as YAML (JSON is YAML). */
function vendorExtensions(w: Writer, field: number, o: Json): void {
  for (const [k, v] of Object.entries(o)) {
    if (!k.startsWith('x-')) continue;
    w.message(field, new Writer().string(1, k).message(2, new Writer().string(2, `${JSON.stringify(v)}\n`)));
  }
}

/** encodeSchema is gnostic's Schema message. */
export function encodeSchema(s: Json): Writer {
  const w = new Writer();
  w.string(1, s['$ref']).string(2, s['format']).string(3, s['title']).string(4, s['description']);
  w.double(7, s['maximum']).double(9, s['minimum']);
  w.string(13, s['pattern']).bool(16, s['uniqueItems']).strings(19, s['required']);
  const ap = s['additionalProperties'];
  if (typeof ap === 'boolean') w.message(21, new Writer().bool(2, ap));
  else if (ap !== null && typeof ap === 'object') w.message(21, new Writer().message(1, encodeSchema(ap as Json)));
  if (typeof s['type'] === 'string') w.message(22, new Writer().strings(1, [s['type']]));
  if (s['items'] !== null && typeof s['items'] === 'object') w.message(23, new Writer().message(1, encodeSchema(s['items'] as Json)));
  if (Array.isArray(s['allOf'])) for (const a of s['allOf']) w.message(24, encodeSchema(a as Json));
  if (s['properties'] !== null && typeof s['properties'] === 'object') {
    const props = new Writer();
    for (const [n, p] of Object.entries(s['properties'] as Json)) props.message(1, new Writer().string(1, n).message(2, encodeSchema(p as Json)));
    w.message(25, props);
  }
  vendorExtensions(w, 31, s);
  return w;
}

/** encodeParameter is a ParametersItem { parameter = 1 } holding a body (1) or non-body (2) Parameter. */
function encodeParameter(p: Json): Writer {
  let param: Writer;
  if (p['in'] === 'body') {
    param = new Writer().message(1, new Writer().string(1, p['description']).string(2, p['name']).string(3, p['in']).bool(4, p['required']).message(5, encodeSchema((p['schema'] ?? {}) as Json)));
  } else {
    // NonBodyParameter: query_parameter_sub_schema = 3, path_parameter_sub_schema = 4 (their `type` is field 6 and 5).
    const sub = new Writer().bool(1, p['required']).string(2, p['in']).string(3, p['description']).string(4, p['name']);
    if (p['in'] === 'path') param = new Writer().message(2, new Writer().message(4, sub.string(5, p['type']).bool(19, p['uniqueItems'])));
    else param = new Writer().message(2, new Writer().message(3, sub.string(6, p['type']).bool(20, p['uniqueItems'])));
  }
  return new Writer().message(1, param);
}

/** encodeOperation is gnostic's Operation message. */
function encodeOperation(op: Json): Writer {
  const w = new Writer().strings(1, op['tags']).string(3, op['description']).string(5, op['operationId']).strings(6, op['produces']).strings(7, op['consumes']);
  for (const p of (op['parameters'] ?? []) as Json[]) w.message(8, encodeParameter(p));
  const responses = new Writer();
  for (const [code, r] of Object.entries((op['responses'] ?? {}) as Record<string, Json>)) {
    const resp = new Writer().string(1, r['description']);
    if (r['schema'] !== undefined) resp.message(2, new Writer().message(1, encodeSchema(r['schema'] as Json)));
    responses.message(1, new Writer().string(1, code).message(2, new Writer().message(1, resp)));
  }
  w.message(9, responses).strings(10, op['schemes']);
  vendorExtensions(w, 13, op);
  return w;
}

const METHOD_FIELDS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };

/** openApiV2Protobuf encodes a Swagger 2.0 document (openApiV2Document's shape) as gnostic's openapi_v2.Document. */
export function openApiV2Protobuf(doc: Json): Buffer {
  const w = new Writer().string(1, doc['swagger']);
  const info = (doc['info'] ?? {}) as Json;
  w.message(2, new Writer().string(1, info['title']).string(2, info['version']));
  const paths = new Writer();
  for (const [p, item] of Object.entries((doc['paths'] ?? {}) as Record<string, Json>)) {
    const pi = new Writer();
    for (const [method, field] of Object.entries(METHOD_FIELDS)) if (item[method] !== undefined) pi.message(field, encodeOperation(item[method] as Json));
    for (const param of (item['parameters'] ?? []) as Json[]) pi.message(9, encodeParameter(param));
    paths.message(2, new Writer().string(1, p).message(2, pi));
  }
  w.message(8, paths);
  const defs = new Writer();
  for (const [n, s] of Object.entries((doc['definitions'] ?? {}) as Record<string, Json>)) defs.message(1, new Writer().string(1, n).message(2, encodeSchema(s)));
  w.message(9, defs);
  for (const req of (doc['security'] ?? []) as Array<Record<string, string[]>>) {
    const sr = new Writer();
    for (const [n, scopes] of Object.entries(req)) sr.message(1, new Writer().string(1, n).message(2, new Writer().strings(1, scopes)));
    w.message(12, sr);
  }
  const sd = new Writer();
  for (const [n, d] of Object.entries((doc['securityDefinitions'] ?? {}) as Record<string, Json>)) {
    // SecurityDefinitionsItem.api_key_security = 2: ApiKeySecurity { type 1, name 2, in 3, description 4 }.
    sd.message(1, new Writer().string(1, n).message(2, new Writer().message(2, new Writer().string(1, d['type']).string(2, d['name']).string(3, d['in']).string(4, d['description']))));
  }
  w.message(13, sd);
  return w.done();
}
