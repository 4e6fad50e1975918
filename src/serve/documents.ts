/**
 * documents: the discovery and OpenAPI documents the server answers (TEMPORARY minimal form until
 * discovery.ts and openapi/ land: /version, /api, /api/v1, /apis, /apis/{group}/{version}).
 */
import { servedResources } from './api-resources';
import type { DocumentAnswer } from './server';

function json(v: unknown): DocumentAnswer {
  return { status: 200, contentType: 'application/json', body: JSON.stringify(v) };
}

function resourceList(group: string, version: string): unknown {
  const rs = servedResources().filter((r) => r.info.group === group && r.info.version === version);
  if (rs.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? version : `${group}/${version}`,
    resources: rs.flatMap((r) => [
      { name: r.info.plural, singularName: r.info.singular, namespaced: r.info.namespaced, kind: r.info.kind, verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], ...(r.info.shortNames.length > 0 ? { shortNames: r.info.shortNames } : {}), ...(r.info.categories ? { categories: r.info.categories } : {}) },
      ...r.subresources.map((s) => ({ name: `${r.info.plural}/${s}`, singularName: '', namespaced: r.info.namespaced, kind: s === 'scale' ? 'Scale' : r.info.kind, verbs: ['get', 'patch', 'update'] })),
    ]),
  };
}

/** serveDocuments answers the documents' paths; undefined for others. */
export function serveDocuments(path: string): DocumentAnswer | undefined {
  if (path === '/version') return json({ major: '1', minor: '32', gitVersion: 'v1.32.0', gitCommit: '', gitTreeState: 'clean', buildDate: '', goVersion: '', compiler: 'gc', platform: 'linux/amd64' });
  if (path === '/api') return json({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] });
  if (path === '/api/v1') return json(resourceList('', 'v1'));
  const groups = [...new Set(servedResources().filter((r) => r.info.group !== '').map((r) => `${r.info.group}/${r.info.version}`))];
  if (path === '/apis') {
    return json({ kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((gv) => ({ name: gv.split('/')[0], versions: [{ groupVersion: gv, version: gv.split('/')[1] }], preferredVersion: { groupVersion: gv, version: gv.split('/')[1] } })) });
  }
  const m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (m) {
    const list = resourceList(m[1]!, m[2]!);
    return list !== undefined ? json(list) : undefined;
  }
  return undefined;
}
