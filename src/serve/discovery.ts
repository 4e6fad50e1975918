/**
 * Discovery: the documents a Kubernetes client reads before anything else, built from the kind
 * registry (src/kinds/registry.ts KINDS), so a kind added later is served with no change here.
 *
 *   /version                      version.Info
 *   /api, /apis                   APIVersions and APIGroupList, or with Accept
 *                                 `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`
 *                                 (kubectl 1.30+; `v=v2beta1` for 1.26-1.29) the aggregated
 *                                 APIGroupDiscoveryList, answered with that Content-Type
 *   /apis/<group>                 APIGroup
 *   /api/v1, /apis/<group>/<v>    APIResourceList
 *
 * client-go's discovery client (staging/src/k8s.io/client-go/discovery/discovery_client.go) sends
 * one Accept for /api and /apis listing v2, v2beta1 and plain JSON in that order, and decides from
 * the response's Content-Type which one it got; the server takes the first form of the list it
 * serves, as the API server does. Every answer carries an ETag (and a matching If-None-Match gets
 * 304); the server should add `Vary: Accept`.
 *
 * Pure functions: the caller (src/cli) hands in what they read of the process (versions, platform).
 */
import { createHash } from 'node:crypto';
import { kindInfo, type KindInfo } from '../domain/kinds';
import { KINDS } from '../kinds/registry';
import { hasScale, hasStatus } from './openapi/source';

/** DocumentResponse is one answer of a documents endpoint: what the HTTP layer writes as it is. */
export interface DocumentResponse {
  status: number;
  contentType: string;
  body: Buffer | string;
  /** A strong validator (quoted), for the ETag header; a request's If-None-Match equal to it gets 304. */
  etag?: string;
}

/** ServerFacts are what the server reports of itself in /version and /api (read by src/cli, handed in). */
export interface ServerFacts {
  /** kubeplay's own version (package.json): `0.1.0`. */
  kubeplayVersion: string;
  /** `linux/amd64`, Go's GOOS/GOARCH words (see goPlatform). */
  platform: string;
  /** The runtime that serves, in goVersion's place: `node v20.19.0`. */
  runtimeVersion: string;
  /** host:port clients reach the server at, for /api's serverAddressByClientCIDRs. */
  serverAddress?: string;
}

/** GroupVersionKind as discovery and OpenAPI spell it. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** ServedSubresource is one subresource of a resource: `pods/log`, `deployments/scale`. */
export interface ServedSubresource {
  name: string;
  /** What the subresource takes and returns (a Scale is autoscaling/v1 for every group). */
  kind: GroupVersionKind;
  verbs: readonly string[];
}

/** ServedResource is one resource the server serves, with its verbs and subresources. */
export interface ServedResource {
  info: KindInfo;
  verbs: readonly string[];
  subresources: readonly ServedSubresource[];
}

/**
 * KUBERNETES_VERSION is the Kubernetes minor kubeplay answers as. kubectl warns when client and
 * server minors differ by more than one (kubectl version's printVersionSkewWarning), so with 1.32
 * kubectl 1.31-1.33 say nothing and 1.27-1.30 print the skew warning once in `kubectl version`.
 */
export const KUBERNETES_VERSION = { major: '1', minor: '32', patch: '0' } as const;

/**
 * EVENT_INFO and CONTROLLER_REVISION_INFO: the two kinds the server stores that the registry does
 * not list (the controllers write them). Upstream: core/v1 Event (short name ev), apps/v1 ControllerRevision.
 */
export const EVENT_INFO = kindInfo({ kind: 'Event', group: '', version: 'v1', plural: 'events', singular: 'event', shortNames: ['ev'], namespaced: true });
export const CONTROLLER_REVISION_INFO = kindInfo({ kind: 'ControllerRevision', group: 'apps', version: 'v1', plural: 'controllerrevisions', singular: 'controllerrevision', shortNames: [], namespaced: true });

/**
 * PRUNE_LISTED are the kinds of kubectl's default `apply --prune` list (prune.go's defaultPruneKinds)
 * that kubeplay does not carry out: served read-only, their lists always empty, so kubectl finds their
 * REST mappings and prunes what kubeplay carries out (it stops at the first kind a server does not
 * serve). Creating one is refused (405).
 */
export const PRUNE_LISTED: readonly KindInfo[] = [
  kindInfo({ kind: 'ReplicationController', group: '', version: 'v1', plural: 'replicationcontrollers', singular: 'replicationcontroller', shortNames: ['rc'], namespaced: true }),
  kindInfo({ kind: 'PersistentVolume', group: '', version: 'v1', plural: 'persistentvolumes', singular: 'persistentvolume', shortNames: ['pv'], namespaced: false }),
  kindInfo({ kind: 'CronJob', group: 'batch', version: 'v1', plural: 'cronjobs', singular: 'cronjob', shortNames: ['cj'], namespaced: true }),
  kindInfo({ kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', singular: 'ingress', shortNames: ['ing'], namespaced: true }),
];

/** The verbs of a resource as the API server lists them (sorted); a Namespace has no deletecollection upstream. */
const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const NAMESPACE_VERBS = ALL_VERBS.filter((v) => v !== 'deletecollection');
/** READ_VERBS: Events and ControllerRevisions are written by kubeplay's own controllers only; clients read them. */
const READ_VERBS = ['get', 'list', 'watch'] as const;

/**
 * GROUP_ORDER is the API server's order of groups in /apis (kube-apiserver's group priorities,
 * highest first); groups it does not name follow, by name. `kubectl get all` lists kinds in this
 * order (pods, services, then apps, then batch).
 */
const GROUP_ORDER = [
  'apiregistration.k8s.io', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch',
  'certificates.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'admissionregistration.k8s.io',
  'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'node.k8s.io', 'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io',
];

/**
 * servedResources lists every resource served: the registry's kinds and Event and ControllerRevision,
 * each with its verbs and subresources (`status` for a kind whose objects have one, `scale` for one
 * with spec.replicas, and a Pod's log, exec and portforward), sorted as discovery lists them:
 * groups in the API server's order, resources by name.
 */
export function servedResources(kinds: readonly KindInfo[] = KINDS.map((k) => k.info)): ServedResource[] {
  const infos = [...kinds];
  for (const extra of [EVENT_INFO, CONTROLLER_REVISION_INFO, ...PRUNE_LISTED]) {
    if (!infos.some((i) => i.group === extra.group && i.plural === extra.plural)) infos.push(extra);
  }
  return infos
    .map((info) => ({ info, verbs: info === EVENT_INFO || info === CONTROLLER_REVISION_INFO || PRUNE_LISTED.includes(info) ? READ_VERBS : info.group === '' && info.kind === 'Namespace' ? NAMESPACE_VERBS : ALL_VERBS, subresources: PRUNE_LISTED.includes(info) ? [] : subresourcesOf(info) }))
    .sort((a, b) => groupRank(a.info.group) - groupRank(b.info.group) || cmp(a.info.group, b.info.group) || cmp(a.info.plural, b.info.plural));
}

function subresourcesOf(info: KindInfo): ServedSubresource[] {
  const self: GroupVersionKind = { group: info.group, version: info.version, kind: info.kind };
  const subs: ServedSubresource[] = [];
  if (info.group === '' && info.kind === 'Pod') {
    // core/v1 PodExecOptions and PodPortForwardOptions: what a connect request's query is decoded into.
    subs.push({ name: 'exec', kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] });
    subs.push({ name: 'log', kind: self, verbs: ['get'] });
    subs.push({ name: 'portforward', kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, verbs: ['create', 'get'] });
  }
  if (hasScale(info)) subs.push({ name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  if (hasStatus(info)) subs.push({ name: 'status', kind: self, verbs: ['get', 'patch', 'update'] });
  return subs.sort((a, b) => cmp(a.name, b.name));
}

function groupRank(group: string): number {
  if (group === '') return -1;
  const i = GROUP_ORDER.indexOf(group);
  return i < 0 ? GROUP_ORDER.length : i;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** groupVersionText is `v1` for the core group, `apps/v1` otherwise. */
export function groupVersionText(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** GroupVersions lists the named groups served, each with its versions, in /apis order. */
function namedGroups(resources: readonly ServedResource[]): Array<{ name: string; versions: string[] }> {
  const groups: Array<{ name: string; versions: string[] }> = [];
  for (const r of resources) {
    if (r.info.group === '') continue;
    let g = groups.find((x) => x.name === r.info.group);
    if (!g) groups.push((g = { name: r.info.group, versions: [] }));
    if (!g.versions.includes(r.info.version)) g.versions.push(r.info.version);
  }
  return groups;
}

// --- the documents -----------------------------------------------------------------------------

/** versionInfo is /version's k8s.io/apimachinery/pkg/version.Info. */
export function versionInfo(facts: ServerFacts): Record<string, string> {
  const { major, minor, patch } = KUBERNETES_VERSION;
  return {
    major,
    minor,
    // Semantic version build metadata (as k3s's `v1.32.0+k3s1`): kubectl parses it with
    // version.ParseSemantic, and it compares equal to v1.32.0, unlike a pre-release (`-kubeplay`).
    gitVersion: `v${major}.${minor}.${patch}+kubeplay.${facts.kubeplayVersion.replace(/[^0-9A-Za-z.-]/g, '-')}`,
    gitCommit: '',
    gitTreeState: '',
    buildDate: '',
    goVersion: facts.runtimeVersion,
    compiler: 'kubeplay',
    platform: facts.platform,
  };
}

/** goPlatform turns Node's platform and arch into Go's GOOS/GOARCH words: `linux/amd64`. */
export function goPlatform(platform: string, arch: string): string {
  const goArch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };
  return `${platform === 'win32' ? 'windows' : platform}/${goArch[arch] ?? arch}`;
}

/** apiVersions is /api's metav1.APIVersions. */
export function apiVersions(resources: readonly ServedResource[], facts: Pick<ServerFacts, 'serverAddress'>): object {
  const versions = [...new Set(resources.filter((r) => r.info.group === '').map((r) => r.info.version))];
  return {
    kind: 'APIVersions',
    versions,
    serverAddressByClientCIDRs: facts.serverAddress === undefined ? null : [{ clientCIDR: '0.0.0.0/0', serverAddress: facts.serverAddress }],
  };
}

function apiGroup(g: { name: string; versions: string[] }): object {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

/** apiGroupList is /apis's metav1.APIGroupList. */
export function apiGroupList(resources: readonly ServedResource[]): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: namedGroups(resources).map(apiGroup) };
}

/** apiResourceList is /api/v1's or /apis/<group>/<version>'s metav1.APIResourceList, or undefined when nothing is served there. */
export function apiResourceList(resources: readonly ServedResource[], group: string, version: string): object | undefined {
  const here = resources.filter((r) => r.info.group === group && r.info.version === version);
  if (here.length === 0) return undefined;
  const list: Array<Record<string, unknown>> = [];
  for (const r of here) {
    const i = r.info;
    const entry: Record<string, unknown> = { name: i.plural, singularName: i.singular, namespaced: i.namespaced, kind: i.kind, verbs: r.verbs };
    if (i.shortNames.length > 0) entry['shortNames'] = i.shortNames;
    if (i.categories && i.categories.length > 0) entry['categories'] = i.categories;
    list.push(entry);
    for (const s of r.subresources) {
      const sub: Record<string, unknown> = { name: `${i.plural}/${s.name}`, singularName: '', namespaced: i.namespaced };
      // APIResource.group/version are set only when the subresource's kind is of another group version.
      if (s.kind.group !== group || s.kind.version !== version) Object.assign(sub, { group: s.kind.group, version: s.kind.version });
      list.push({ ...sub, kind: s.kind.kind, verbs: s.verbs });
    }
  }
  list.sort((a, b) => cmp(String(a['name']), String(b['name'])));
  const doc: Record<string, unknown> = { kind: 'APIResourceList' };
  if (group !== '') doc['apiVersion'] = 'v1';
  return { ...doc, groupVersion: groupVersionText(group, version), resources: list };
}

/** AggregatedVersion names the apidiscovery.k8s.io version of an aggregated document. */
export type AggregatedVersion = 'v2' | 'v2beta1';

/**
 * aggregatedDiscovery is the apidiscovery.k8s.io APIGroupDiscoveryList of /api (`legacy`: the core
 * group, named '') or /apis (the named groups). v2 and v2beta1 have the same JSON shape.
 */
export function aggregatedDiscovery(resources: readonly ServedResource[], legacy: boolean, version: AggregatedVersion): object {
  const groups = legacy ? [{ name: '', versions: [...new Set(resources.filter((r) => r.info.group === '').map((r) => r.info.version))] }] : namedGroups(resources);
  const items = groups.map((g) => ({
    metadata: { name: g.name, creationTimestamp: null },
    versions: g.versions.map((v) => ({
      version: v,
      resources: resources
        .filter((r) => r.info.group === g.name && r.info.version === v)
        .map((r) => {
          const i = r.info;
          const d: Record<string, unknown> = {
            resource: i.plural,
            responseKind: { group: i.group, version: i.version, kind: i.kind },
            scope: i.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: i.singular,
            verbs: r.verbs,
          };
          if (i.shortNames.length > 0) d['shortNames'] = i.shortNames;
          if (i.categories && i.categories.length > 0) d['categories'] = i.categories;
          if (r.subresources.length > 0) d['subresources'] = r.subresources.map((s) => ({ subresource: s.name, responseKind: s.kind, verbs: s.verbs }));
          return d;
        }),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

// --- content negotiation and the endpoint ---------------------------------------------------------

/** MediaRange is one entry of an Accept header. */
export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

/** parseAccept splits an Accept header into its media ranges, in order (q=0 dropped); an empty header accepts anything. */
export function parseAccept(accept: string | undefined): MediaRange[] {
  if (accept === undefined || accept.trim() === '') return [{ type: '*/*', params: {} }];
  const out: MediaRange[] = [];
  for (const part of accept.split(',')) {
    const [type, ...rest] = part.split(';');
    const params: Record<string, string> = {};
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    }
    if (params['q'] !== undefined && Number(params['q']) === 0) continue;
    if (type !== undefined && type.trim() !== '') out.push({ type: type.trim().toLowerCase(), params });
  }
  return out;
}

/** acceptsJson says whether a media range takes plain JSON (`application/json`, `application/*`, `*\/*`). */
export function acceptsJson(m: MediaRange): boolean {
  return m.type === 'application/json' || m.type === 'application/*' || m.type === '*/*';
}

/** aggregatedContentType is the Content-Type of an aggregated discovery answer. */
export function aggregatedContentType(version: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

/**
 * negotiateDiscovery picks what /api and /apis answer with: the first range of the Accept header
 * the server serves (aggregated v2 or v2beta1, or plain JSON), or undefined (406).
 */
export function negotiateDiscovery(accept: string | undefined): AggregatedVersion | 'json' | undefined {
  for (const m of parseAccept(accept)) {
    if (m.type === 'application/json' && m.params['g'] === 'apidiscovery.k8s.io' && m.params['as'] === 'APIGroupDiscoveryList') {
      if (m.params['v'] === 'v2' || m.params['v'] === 'v2beta1') return m.params['v'];
      continue;
    }
    if (acceptsJson(m) && m.params['as'] === undefined) return 'json';
  }
  return undefined;
}

/** statusResponse is a metav1.Status failure in the API server's shape. */
export function statusResponse(code: number, reason: string, message: string): DocumentResponse {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details: {}, code });
  return { status: code, contentType: 'application/json', body };
}

/** notFound is the API server's answer for a path nothing is served at. */
export function notFound(): DocumentResponse {
  return statusResponse(404, 'NotFound', 'the server could not find the requested resource');
}

/** notAcceptable is the API server's 406 (apimachinery's NewNotAcceptableError wording) listing what is served. */
export function notAcceptable(types: readonly string[]): DocumentResponse {
  return statusResponse(406, 'NotAcceptable', `only the following media types are accepted: ${types.join(', ')}`);
}

/** etagOf is a strong ETag of a body: the quoted hex SHA-512, as the API server's discovery and OpenAPI handlers use. */
export function etagOf(body: Buffer | string): string {
  return `"${createHash('sha512').update(body).digest('hex').toUpperCase()}"`;
}

/** jsonDocument is a 200 answer with a JSON body and its ETag, or 304 when If-None-Match names that ETag. */
export function jsonDocument(doc: unknown, contentType: string, ifNoneMatch: string | undefined): DocumentResponse {
  const body = JSON.stringify(doc);
  const etag = etagOf(body);
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    return { status: 304, contentType, body: '', etag };
  }
  return { status: 200, contentType, body, etag };
}

/** DiscoveryRequest is what discoveryResponse reads of a GET. */
export interface DiscoveryRequest {
  /** The request path, with or without its query (`/api?timeout=32s`). */
  path: string;
  accept?: string | undefined;
  ifNoneMatch?: string | undefined;
}

/**
 * Discovery answers the discovery paths from the resources it was made with. `respond` returns
 * undefined for a path that is not a discovery path (`/api/v1/namespaces/...`: the resource routes'),
 * and a 404 Status for a group or version nothing is served at.
 */
export class Discovery {
  readonly resources: readonly ServedResource[];

  constructor(
    private readonly facts: ServerFacts,
    resources: readonly ServedResource[] = servedResources(),
  ) {
    this.resources = resources;
  }

  /** isDiscoveryPath says whether discovery answers a path (query and a trailing slash ignored). */
  static isDiscoveryPath(path: string): boolean {
    const segs = segments(path);
    if (segs[0] === 'version') return segs.length === 1;
    if (segs[0] === 'api') return segs.length <= 2;
    if (segs[0] === 'apis') return segs.length <= 3;
    return false;
  }

  respond(req: DiscoveryRequest): DocumentResponse | undefined {
    if (!Discovery.isDiscoveryPath(req.path)) return undefined;
    const segs = segments(req.path);
    const [root, a, b] = segs;
    if ((root === 'api' || root === 'apis') && segs.length === 1) {
      const form = negotiateDiscovery(req.accept);
      if (form === undefined) return notAcceptable(['application/json', aggregatedContentType('v2'), aggregatedContentType('v2beta1')]);
      if (form === 'json') {
        return jsonDocument(root === 'api' ? apiVersions(this.resources, this.facts) : apiGroupList(this.resources), 'application/json', req.ifNoneMatch);
      }
      return jsonDocument(aggregatedDiscovery(this.resources, root === 'api', form), aggregatedContentType(form), req.ifNoneMatch);
    }
    if (!parseAccept(req.accept).some(acceptsJson)) return notAcceptable(['application/json']);
    let doc: object | undefined;
    if (root === 'version') doc = versionInfo(this.facts);
    else if (root === 'api') doc = apiResourceList(this.resources, '', a ?? '');
    else if (segs.length === 2) {
      const g = namedGroups(this.resources).find((x) => x.name === a);
      doc = g === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) };
    } else doc = apiResourceList(this.resources, a ?? '', b ?? '');
    return doc === undefined ? notFound() : jsonDocument(doc, 'application/json', req.ifNoneMatch);
  }
}

/** segments splits a request path into its segments, without the query or empty segments. */
export function segments(path: string): string[] {
  const q = path.indexOf('?');
  return (q < 0 ? path : path.slice(0, q)).split('/').filter((s) => s !== '');
}
