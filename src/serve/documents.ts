/**
 * documents: the discovery and OpenAPI documents the server answers (discovery.ts, openapi/),
 * made once per server from the served resources.
 */
import { Discovery, type ServerFacts } from './discovery';
import { OpenApi } from './openapi';
import type { DocumentAnswer } from './server';

/** documentServer answers /version, /api, /apis and /openapi/...; undefined for other paths. */
export function documentServer(facts: ServerFacts): (path: string, accept: string | undefined, ifNoneMatch?: string) => DocumentAnswer | undefined {
  const discovery = new Discovery(facts);
  const openapi = new OpenApi(discovery.resources);
  return (path, accept, ifNoneMatch) => {
    const req = { path, accept, ifNoneMatch };
    const d = discovery.respond(req) ?? openapi.respond(req);
    if (d === undefined) return undefined;
    return { status: d.status, contentType: d.contentType, body: d.body, ...(d.etag !== undefined ? { headers: { ETag: d.etag } } : {}) };
  };
}
