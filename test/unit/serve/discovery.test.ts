/**
 * Discovery's documents, on plain data: every kind of the registry served with its verbs, short
 * names, scope, categories and subresources as the API server lists them, the aggregated forms
 * chosen by Accept as client-go's discovery client asks for them, and the 404/406/304 answers.
 * Upstream facts: kubectl api-resources -o wide of a cluster (verbs, short names: namespaces have
 * no deletecollection, events are `ev`), client-go discovery_client.go (Accept and Content-Type).
 */
import { createHash } from 'node:crypto';
import {
  aggregatedContentType,
  Discovery,
  goPlatform,
  negotiateDiscovery,
  parseAccept,
  servedResources,
  type DocumentResponse,
  type ServerFacts,
} from '../../../src/serve/discovery';
import { KINDS } from '../../../src/kinds/registry';
import { kindInfo } from '../../../src/domain/kinds';

const FACTS: ServerFacts = { kubeplayVersion: '0.1.0', platform: 'linux/amd64', runtimeVersion: 'node v20.0.0', serverAddress: '127.0.0.1:6443' };
const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

const discovery = new Discovery(FACTS);

function get(path: string, accept?: string, ifNoneMatch?: string): DocumentResponse {
  const r = discovery.respond({ path, accept, ifNoneMatch });
  if (!r) throw new Error(`no answer for ${path}`);
  return r;
}

function json(r: DocumentResponse): Record<string, unknown> {
  return JSON.parse(r.body.toString()) as Record<string, unknown>;
}

interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  group?: string;
  version?: string;
}

function resourcesAt(path: string): APIResource[] {
  return json(get(path, 'application/json'))['resources'] as APIResource[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

describe('APIResourceList (/api/v1, /apis/<group>/<version>)', () => {
  const byPath = new Map<string, APIResource[]>();
  const listOf = (apiVersion: string): APIResource[] => {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    if (!byPath.has(path)) byPath.set(path, resourcesAt(path));
    return byPath.get(path)!;
  };

  test.each(KINDS.map((k) => [k.info.kind, k.info] as const))('%s is listed with its names, scope and verbs', (_kind, info) => {
    const r = listOf(info.apiVersion).find((x) => x.name === info.plural);
    expect(r).toBeDefined();
    expect(r!.kind).toBe(info.kind);
    expect(r!.singularName).toBe(info.singular);
    expect(r!.namespaced).toBe(info.namespaced);
    expect(r!.shortNames ?? []).toEqual(info.shortNames);
    expect(r!.verbs).toEqual(info.kind === 'Namespace' ? ALL_VERBS.filter((v) => v !== 'deletecollection') : ALL_VERBS);
  });

  test('the upstream short names and scopes of the kinds served (kubectl api-resources of a cluster)', () => {
    const rows = [...listOf('v1'), ...listOf('apps/v1'), ...listOf('batch/v1'), ...listOf('discovery.k8s.io/v1')]
      .filter((r) => !r.name.includes('/'))
      .map((r) => `${r.name} ${(r.shortNames ?? []).join(',')} ${r.namespaced} ${r.kind}`);
    expect(rows).toEqual([
      'configmaps cm true ConfigMap',
      'endpoints ep true Endpoints',
      'events ev true Event',
      'namespaces ns false Namespace',
      'persistentvolumeclaims pvc true PersistentVolumeClaim',
      'persistentvolumes pv false PersistentVolume',
      'pods po true Pod',
      'replicationcontrollers rc true ReplicationController',
      'secrets  true Secret',
      'services svc true Service',
      'controllerrevisions  true ControllerRevision',
      'daemonsets ds true DaemonSet',
      'deployments deploy true Deployment',
      'replicasets rs true ReplicaSet',
      'statefulsets sts true StatefulSet',
      'cronjobs cj true CronJob',
      'jobs  true Job',
      'endpointslices  true EndpointSlice',
    ]);
  });

  test('category all: pods, services, deployments, replicasets, statefulsets, daemonsets, jobs only', () => {
    const all = [...listOf('v1'), ...listOf('apps/v1'), ...listOf('batch/v1'), ...listOf('discovery.k8s.io/v1')]
      .filter((r) => r.categories?.includes('all'))
      .map((r) => r.name);
    // The order of discovery is the order `kubectl get all` prints in.
    expect(all).toEqual(['pods', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets', 'jobs']);
  });

  test('subresources: a Pod\'s exec, log, portforward and status; no attach', () => {
    const pods = listOf('v1').filter((r) => r.name.startsWith('pods/'));
    expect(pods).toEqual([
      { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
      { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    ]);
  });

  test('status for every kind whose objects have one, scale for those with spec.replicas (autoscaling/v1 Scale)', () => {
    const names = [...listOf('v1'), ...listOf('apps/v1'), ...listOf('batch/v1'), ...listOf('discovery.k8s.io/v1')].map((r) => r.name);
    const status = names.filter((n) => n.endsWith('/status')).sort();
    expect(status).toEqual(
      ['daemonsets', 'deployments', 'jobs', 'namespaces', 'persistentvolumeclaims', 'pods', 'replicasets', 'services', 'statefulsets'].map((n) => `${n}/status`),
    );
    const scale = listOf('apps/v1').filter((r) => r.name.endsWith('/scale'));
    expect(scale.map((r) => r.name)).toEqual(['deployments/scale', 'replicasets/scale', 'statefulsets/scale']);
    for (const s of scale) expect(s).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    expect(names.filter((n) => n.endsWith('/attach'))).toEqual([]);
  });

  test('a group version nothing is served at is a 404 Status; a resource path is not discovery\'s', () => {
    expect(get('/apis/apps/v2').status).toBe(404);
    expect(json(get('/apis/nothing.example.com/v1'))).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
    expect(get('/api/v2').status).toBe(404);
    expect(discovery.respond({ path: '/api/v1/namespaces/default/pods' })).toBeUndefined();
    expect(discovery.respond({ path: '/apis/apps/v1/deployments' })).toBeUndefined();
    expect(discovery.respond({ path: '/openapi/v3' })).toBeUndefined();
  });
});

describe('/api, /apis and /apis/<group>', () => {
  test('plain JSON: APIVersions and APIGroupList, groups in the API server\'s order', () => {
    expect(json(get('/api?timeout=32s', 'application/json'))).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
    });
    const list = json(get('/apis', 'application/json, */*')) as { kind: string; groups: Array<{ name: string; preferredVersion: unknown }> };
    expect(list.kind).toBe('APIGroupList');
    expect(list.groups.map((g) => g.name)).toEqual(['apps', 'batch', 'networking.k8s.io', 'discovery.k8s.io']);
    expect(list.groups[0]!.preferredVersion).toEqual({ groupVersion: 'apps/v1', version: 'v1' });
    expect(json(get('/apis/batch/'))).toEqual({
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'batch',
      versions: [{ groupVersion: 'batch/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'batch/v1', version: 'v1' },
    });
  });

  test.each([
    ['kubectl 1.30+', V2, 'v2'],
    ['kubectl 1.26-1.29', V2BETA1, 'v2beta1'],
  ] as const)('aggregated discovery for %s, with the matching Content-Type', (_who, accept, version) => {
    for (const path of ['/api', '/apis']) {
      const r = get(`${path}?timeout=32s`, accept);
      expect(r.contentType).toBe(aggregatedContentType(version));
      const doc = json(r) as { kind: string; apiVersion: string; items: Array<{ metadata: { name: string }; versions: Array<{ version: string; freshness: string; resources: Array<Record<string, unknown>> }> }> };
      expect(doc.kind).toBe('APIGroupDiscoveryList');
      expect(doc.apiVersion).toBe(`apidiscovery.k8s.io/${version}`);
      expect(doc.items.map((i) => i.metadata.name)).toEqual(path === '/api' ? [''] : ['apps', 'batch', 'networking.k8s.io', 'discovery.k8s.io']);
      for (const i of doc.items) for (const v of i.versions) expect(v.freshness).toBe('Current');
    }
    const core = (json(get('/api', accept)) as { items: Array<{ versions: Array<{ resources: Array<Record<string, unknown>> }> }> }).items[0]!.versions[0]!.resources;
    expect(core.find((r) => r['resource'] === 'pods')).toEqual({
      resource: 'pods',
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      verbs: ALL_VERBS,
      shortNames: ['po'],
      categories: ['all'],
      subresources: [
        { subresource: 'exec', responseKind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] },
        { subresource: 'log', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] },
        { subresource: 'portforward', responseKind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, verbs: ['create', 'get'] },
        { subresource: 'status', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] },
      ],
    });
    expect(core.find((r) => r['resource'] === 'namespaces')).toMatchObject({ scope: 'Cluster', shortNames: ['ns'] });
  });

  test('content negotiation: the first form of the Accept list the server serves', () => {
    expect(negotiateDiscovery(V2)).toBe('v2');
    expect(negotiateDiscovery(V2BETA1)).toBe('v2beta1');
    expect(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;profile=nopeer,application/json')).toBe('v2');
    expect(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json')).toBe('json');
    expect(negotiateDiscovery(undefined)).toBe('json');
    expect(negotiateDiscovery('application/json, */*')).toBe('json');
    expect(negotiateDiscovery('application/vnd.kubernetes.protobuf')).toBeUndefined();
    expect(get('/apis', 'application/vnd.kubernetes.protobuf')).toMatchObject({ status: 406 });
    expect(json(get('/api', 'application/vnd.kubernetes.protobuf'))).toMatchObject({ reason: 'NotAcceptable', code: 406 });
    expect(parseAccept('application/json;q=0, text/plain')).toEqual([{ type: 'text/plain', params: {} }]);
  });

  test('an ETag on every answer, and 304 when If-None-Match names it', () => {
    const first = get('/apis', V2);
    expect(first.etag).toBe(`"${createHash('sha512').update(first.body).digest('hex').toUpperCase()}"`);
    expect(get('/apis', V2, first.etag)).toMatchObject({ status: 304, body: '', etag: first.etag });
    // The plain form is another document with another ETag.
    expect(get('/apis', 'application/json', first.etag).status).toBe(200);
  });
});

describe('/version', () => {
  test('a semantic version kubectl parses, with kubeplay\'s in its build metadata', () => {
    const v = json(get('/version?timeout=32s'));
    expect(v).toEqual({
      major: '1',
      minor: '32',
      gitVersion: 'v1.32.0+kubeplay.0.1.0',
      gitCommit: '',
      gitTreeState: '',
      buildDate: '',
      goVersion: 'node v20.0.0',
      compiler: 'kubeplay',
      platform: 'linux/amd64',
    });
    // k8s.io/apimachinery/pkg/util/version ParseSemantic's grammar.
    expect(String(v['gitVersion'])).toMatch(/^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/);
  });

  test('goPlatform speaks Go\'s words', () => {
    expect(goPlatform('linux', 'x64')).toBe('linux/amd64');
    expect(goPlatform('darwin', 'arm64')).toBe('darwin/arm64');
  });
});

describe('a kind added later', () => {
  test('is served with no change to discovery, its group after the API server\'s', () => {
    const widget = kindInfo({ kind: 'Widget', group: 'example.com', version: 'v1alpha1', plural: 'widgets', singular: 'widget', shortNames: ['wd'], namespaced: false });
    const d = new Discovery(FACTS, servedResources([...KINDS.map((k) => k.info), widget]));
    const groups = (JSON.parse(d.respond({ path: '/apis' })!.body.toString()) as { groups: Array<{ name: string }> }).groups.map((g) => g.name);
    expect(groups).toEqual(['apps', 'batch', 'networking.k8s.io', 'discovery.k8s.io', 'example.com']);
    const list = JSON.parse(d.respond({ path: '/apis/example.com/v1alpha1' })!.body.toString()) as { resources: APIResource[] };
    expect(list.resources).toEqual([{ name: 'widgets', singularName: 'widget', namespaced: false, kind: 'Widget', verbs: ALL_VERBS, shortNames: ['wd'] }]);
  });
});
