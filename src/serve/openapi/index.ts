/**
 * The OpenAPI endpoints: `/openapi/v3`, `/openapi/v3/<group version>` and `/openapi/v2`, built from
 * the served resources at the first request and kept (the registry does not change while serving).
 */
import { acceptsJson, etagOf, jsonDocument, notAcceptable, notFound, parseAccept, segments, servedResources, type DocumentResponse, type ServedResource } from '../discovery';
import { buildSchemaPool, type SchemaPool } from './components';
import { OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_CONTENT_TYPE, openApiV2Document, openApiV2Protobuf } from './v2';
import { openApiV3Documents, openApiV3Index, type GroupVersionDocument } from './v3';

/** OpenApiRequest is what OpenApi.respond reads of a GET. */
export interface OpenApiRequest {
  /** The path with its query (`/openapi/v3/api/v1?hash=...`). */
  path: string;
  accept?: string | undefined;
  ifNoneMatch?: string | undefined;
}

/**
 * OpenApi answers the OpenAPI paths; `respond` gives undefined for any other path. A document
 * fetched by its index URL (`?hash=`) never changes while the server runs: the server may add
 * `Cache-Control: public, immutable` to such answers (the API server does).
 */
export class OpenApi {
  private pool?: SchemaPool;
  private v3?: GroupVersionDocument[];
  private v2?: { json: string; jsonEtag: string; proto: Buffer; protoEtag: string };

  constructor(readonly resources: readonly ServedResource[] = servedResources()) {}

  static isOpenApiPath(path: string): boolean {
    const s = segments(path);
    return s[0] === 'openapi' && (s[1] === 'v3' || (s[1] === 'v2' && s.length === 2));
  }

  private schemaPool(): SchemaPool {
    return (this.pool ??= buildSchemaPool(this.resources));
  }

  /** v3Documents builds (once) and returns every group version's document. */
  v3Documents(): GroupVersionDocument[] {
    return (this.v3 ??= openApiV3Documents(this.resources, this.schemaPool()));
  }

  respond(req: OpenApiRequest): DocumentResponse | undefined {
    if (!OpenApi.isOpenApiPath(req.path)) return undefined;
    const s = segments(req.path);
    if (s[1] === 'v2') return this.respondV2(req);
    const accepted = parseAccept(req.accept);
    if (!accepted.some(acceptsJson)) return notAcceptable(['application/json']);
    if (s.length === 2) return jsonDocument(openApiV3Index(this.v3Documents()), 'application/json', req.ifNoneMatch);
    const doc = this.v3Documents().find((d) => d.path === s.slice(2).join('/'));
    if (!doc) return notFound();
    const etag = `"${doc.hash}"`;
    if (req.ifNoneMatch !== undefined && req.ifNoneMatch.split(',').some((t) => t.trim() === etag)) return { status: 304, contentType: 'application/json', body: '', etag };
    return { status: 200, contentType: 'application/json', body: doc.body, etag };
  }

  /**
   * /openapi/v2: the protobuf encoding (gnostic's openapi_v2.Document) when the client asks for it,
   * as client-go's discovery client always does, else JSON.
   */
  private respondV2(req: OpenApiRequest): DocumentResponse {
    const accepted = parseAccept(req.accept);
    this.v2 ??= (() => {
      const doc = openApiV2Document(this.resources, this.schemaPool());
      const json = JSON.stringify(doc);
      const proto = openApiV2Protobuf(doc);
      return { json, jsonEtag: etagOf(json), proto, protoEtag: etagOf(proto) };
    })();
    for (const m of accepted) {
      if (m.type === OPENAPI_V2_PROTOBUF || m.type === OPENAPI_V2_PROTOBUF_CONTENT_TYPE) return v2Answer(this.v2.proto, this.v2.protoEtag, OPENAPI_V2_PROTOBUF_CONTENT_TYPE, req.ifNoneMatch);
      if (acceptsJson(m)) return v2Answer(this.v2.json, this.v2.jsonEtag, 'application/json', req.ifNoneMatch);
    }
    return notAcceptable(['application/json', OPENAPI_V2_PROTOBUF]);
  }
}

function v2Answer(body: Buffer | string, etag: string, contentType: string, ifNoneMatch: string | undefined): DocumentResponse {
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim() === etag)) return { status: 304, contentType, body: '', etag };
  return { status: 200, contentType, body, etag };
}
