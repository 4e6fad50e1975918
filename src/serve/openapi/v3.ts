/**
 * OpenAPI v3: `/openapi/v3` (the index: one entry per group version, `api/v1`, `apis/apps/v1`, each
 * with a `serverRelativeURL` whose `?hash=` is the document's ETag, so clients cache it forever)
 * and `/openapi/v3/<group version path>` (the document: its resources' paths and the schemas they
 * use). kubectl reads them for `explain`, for the patch metadata of a client-side apply, and to
 * know it may leave validation to the server (`fieldValidation` on PATCH).
 */
import { createHash } from 'node:crypto';
import { groupVersionText, KUBERNETES_VERSION, type GroupVersionKind, type ServedResource } from '../discovery';
import { buildSchemaPool, componentsFor, gvkKey, type SchemaPool } from './components';
import { resourcePaths, type PathItem } from './paths';

/** GroupVersionDocument is one group version's document and what its index entry says of it. */
export interface GroupVersionDocument {
  /** `api/v1`, `apis/apps/v1`: the path under /openapi/v3. */
  path: string;
  group: string;
  version: string;
  /** The document's JSON text. */
  body: string;
  /** Upper-case hex SHA-512 of the body, the `?hash=` of the index and the ETag. */
  hash: string;
}

/** kindNameOf looks up a kind's schema name in the pool (a kind the pool does not know is a bug). */
export function kindNameOf(pool: SchemaPool): (gvk: GroupVersionKind) => string {
  return (gvk) => {
    const n = pool.kindNames.get(gvkKey(gvk.group, gvk.version, gvk.kind));
    if (n !== undefined) return n;
    if (gvk.group === 'autoscaling' && gvk.kind === 'Scale') return 'io.k8s.api.autoscaling.v1.Scale';
    throw new Error(`openapi: no schema for ${gvk.group}/${gvk.version} ${gvk.kind}`);
  };
}

/** groupVersionDocument builds the OpenAPI v3 document of one group version's resources. */
export function groupVersionDocument(pool: SchemaPool, resources: readonly ServedResource[]): object {
  const kindName = kindNameOf(pool);
  const paths: Record<string, PathItem> = {};
  for (const r of resources) Object.assign(paths, resourcePaths(r, kindName));
  const sortedPaths = Object.fromEntries(Object.keys(paths).sort().map((p) => [p, paths[p]]));
  const refs = new Set<string>();
  for (const m of JSON.stringify(sortedPaths).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) refs.add(m[1]!);
  for (const r of resources) refs.add(kindName({ group: r.info.group, version: r.info.version, kind: r.info.kind }));
  const { major, minor, patch } = KUBERNETES_VERSION;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: `v${major}.${minor}.${patch}` },
    paths: sortedPaths,
    components: {
      schemas: componentsFor(pool, [...refs]),
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
    security: [{ BearerToken: [] }],
  };
}

/** openApiV3Documents builds every group version's document (in discovery order). */
export function openApiV3Documents(resources: readonly ServedResource[], pool: SchemaPool = buildSchemaPool(resources)): GroupVersionDocument[] {
  const gvs: Array<{ group: string; version: string }> = [];
  for (const r of resources) if (!gvs.some((g) => g.group === r.info.group && g.version === r.info.version)) gvs.push({ group: r.info.group, version: r.info.version });
  return gvs.map(({ group, version }) => {
    const body = JSON.stringify(groupVersionDocument(pool, resources.filter((r) => r.info.group === group && r.info.version === version)));
    return { path: group === '' ? `api/${version}` : `apis/${groupVersionText(group, version)}`, group, version, body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
  });
}

/** openApiV3Index is /openapi/v3's OpenAPIV3Discovery: `{ paths: { "api/v1": { serverRelativeURL } } }`. */
export function openApiV3Index(docs: readonly GroupVersionDocument[]): object {
  return { paths: Object.fromEntries(docs.map((d) => [d.path, { serverRelativeURL: `/openapi/v3/${d.path}?hash=${d.hash}` }])) };
}
