/**
 * routes: what a request's path names, as the API server's installer lays resources out:
 *
 *   /api/v1/{resource}                                     a list (every namespace) or a cluster-scoped list
 *   /api/v1/{resource}/{name}[/{subresource}]              a cluster-scoped object (namespaces/NAME)
 *   /api/v1/namespaces/{ns}/{resource}[/{name}[/{sub}]]    a namespaced list or object
 *   /apis/{group}/{version}/...                            the same under a group
 */
import { resourceAt, type ServedResource } from './api-resources';

/** ResourceRoute is a path naming a resource, a namespace, an object and a subresource. */
export interface ResourceRoute {
  resource: ServedResource;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** RouteMiss says why a resource path names nothing served: an unknown group/version or resource (404). */
export interface RouteMiss {
  miss: string;
}

/** parseResourcePath reads a resource path; undefined when it is not one (discovery, /version, ...). */
export function parseResourcePath(pathname: string): ResourceRoute | RouteMiss | undefined {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeSegment);
  // A segment that is not valid percent-encoding names nothing; never a throw: the upgrade listener calls this outside any catch.
  if (parts.some((p) => p === undefined)) return { miss: 'the server could not find the requested resource' };
  return routeOf(parts as string[]);
}

/** decodeSegment is a path segment percent-decoded, undefined when its escapes are malformed (`%E0%A4%A`). */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function routeOf(parts: string[]): ResourceRoute | RouteMiss | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else return undefined;
  // namespaces/{ns}/{resource}/...: a namespaced resource; namespaces, namespaces/{name}[/status]: the Namespace kind.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const resource = resourceAt(group, version, rest[2]!);
    if (resource === undefined || !resource.info.namespaced) return { miss: `the server could not find the requested resource` };
    if (rest.length > 5) return { miss: 'the server could not find the requested resource' };
    return { resource, namespace: rest[1]!, ...(rest[3] !== undefined ? { name: rest[3] } : {}), ...(rest[4] !== undefined ? { subresource: rest[4] } : {}) };
  }
  const resource = resourceAt(group, version, rest[0]!);
  if (resource === undefined || rest.length > 3) return { miss: 'the server could not find the requested resource' };
  // A namespaced resource without a namespace is its list across namespaces: no name.
  if (resource.info.namespaced && rest.length > 1) return { miss: 'the server could not find the requested resource' };
  return { resource, ...(rest[1] !== undefined ? { name: rest[1] } : {}), ...(rest[2] !== undefined ? { subresource: rest[2] } : {}) };
}
