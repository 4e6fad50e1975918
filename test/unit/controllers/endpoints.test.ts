/**
 * The endpoints controller against upstream's cases: kubernetes pkg/controller/endpoint
 * endpoints_controller_test.go (testPod: pod<i> at 1.2.3.<4+i>, label foo=bar, ports port<j> at
 * 8080+j; the expected Endpoints of each TestSyncEndpoints* case), and the EndpointSlice
 * reconciler's rules (k8s.io/endpointslice reconciler.go, utils.go).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { ENDPOINTS_CONTROLLER, orphanedEndpoints, reconcileEndpoints, repackSubsets, syncEndpoints } from '../../../src/controllers/endpoints';
import { findPort } from '../../../src/controllers/endpoints/pod-endpoints';
import { syncEndpointSlices } from '../../../src/controllers/endpoints/slices';
import type { ControllerInput } from '../../../src/controllers/controller';
import type { KubeObject, StoredObject } from '../../../src/domain/objects';

const NODE = 'host1';

function stored(o: KubeObject, uid = `uid-${o.metadata.name}`): StoredObject {
  return { ...o, metadata: { namespace: 'default', ...o.metadata, uid, resourceVersion: '1', generation: 1, creationTimestamp: '2024-01-01T00:00:00Z' } };
}

function service(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): StoredObject {
  return stored({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'foo', namespace: 'other', ...meta }, spec: { clusterIP: '10.96.0.10', selector: { foo: 'bar' }, ...spec } });
}

/** testPod as upstream's: pod<id> in ns, ready or not, nPorts named port<j> at 8080+j. */
function testPod(ns: string, id: number, nPorts: number, ready: boolean, extra: { restartPolicy?: string; phase?: string; uid?: string } = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: ns, name: `pod${id}`, labels: { foo: 'bar' }, ...(extra.uid ? { uid: extra.uid } : {}) },
    spec: {
      ...(extra.restartPolicy ? { restartPolicy: extra.restartPolicy } : {}),
      containers: [{ name: 'c', ports: Array.from({ length: nPorts }, (_, j) => ({ name: `port${j}`, containerPort: 8080 + j })) }],
    },
    status: {
      ...(extra.phase ? { phase: extra.phase } : {}),
      podIP: `1.2.3.${4 + id}`,
      podIPs: [{ ip: `1.2.3.${4 + id}` }],
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

/** addPods as upstream's: nPods ready then nNotReady not ready. */
function addPods(ns: string, nPods: number, nPorts: number, nNotReady: number): V1Pod[] {
  return Array.from({ length: nPods + nNotReady }, (_, i) => testPod(ns, i, nPorts, i < nPods));
}

const addr = (ip: string, name: string, ns = 'other') => ({ ip, nodeName: NODE, targetRef: { kind: 'Pod' as const, namespace: ns, name } });

function existingEndpoints(subsets: unknown, labels?: Record<string, string>, ns = 'other'): StoredObject {
  return stored({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'foo', namespace: ns, ...(labels ? { labels } : {}) }, ...(subsets !== undefined ? { subsets } : {}) });
}

function input(owner: StoredObject, pods: V1Pod[], objects: StoredObject[] = []): ControllerInput {
  let n = 0;
  return { owner, objects, pods, now: new Date('2024-01-01T00:00:00Z'), node: { name: NODE, labels: {} }, suffix: () => ['abcde', 'fghij', 'klmno'][n++] ?? 'zzzzz' };
}

describe('Endpoints controller (syncService)', () => {
  test('declares its name and what it reads', () => {
    expect(ENDPOINTS_CONTROLLER).toMatchObject({ name: 'endpoint-controller', reads: ['Endpoints', 'EndpointSlice.discovery.k8s.io'] });
  });

  test('PreserveNoSelector: a Service without a selector leaves its Endpoints alone', () => {
    const svc = service({ selector: undefined, ports: [{ port: 80 }] }, { namespace: 'default' });
    const cur = existingEndpoints([{ addresses: [{ ip: '6.7.8.9', nodeName: '' }], ports: [{ port: 1000 }] }], undefined, 'default');
    expect(syncEndpoints(svc, [], cur, NODE)).toBeUndefined();
    expect(reconcileEndpoints(input(svc, [], [cur]))).toMatchObject({ put: [], remove: [] });
  });

  test('ExistingNilSubsets / ExistingEmptySubsets: no pods and nothing stored to change, nothing written', () => {
    const svc = service({ ports: [{ port: 80 }] }, { namespace: 'default' });
    expect(syncEndpoints(svc, [], existingEndpoints(undefined, undefined, 'default'), NODE)).toBeUndefined();
    expect(syncEndpoints(svc, [], existingEndpoints([], undefined, 'default'), NODE)).toBeUndefined();
  });

  test('NewNoSubsets: a new Service with no pods gets an empty Endpoints', () => {
    const svc = service({ ports: [{ port: 80 }] }, { namespace: 'default' });
    expect(syncEndpoints(svc, [], undefined, NODE)).toEqual({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'foo', namespace: 'default', labels: undefined, annotations: undefined }, subsets: undefined });
  });

  test.each(['TCP', 'UDP', 'SCTP'])('Protocol%s: the pod replaces a stale address, the port keeps the protocol', (protocol) => {
    const svc = service({ clusterIP: '', ports: [{ port: 80, targetPort: 8080, protocol }] });
    const cur = existingEndpoints([{ addresses: [{ ip: '6.7.8.9', nodeName: '' }], ports: [{ port: 1000, protocol }] }]);
    const out = syncEndpoints(svc, addPods('other', 1, 1, 0), cur, NODE)!;
    expect(out.metadata.labels).toEqual({ 'service.kubernetes.io/headless': '' });
    expect(out.metadata.uid).toBe(cur.metadata.uid);
    expect(out['subsets']).toEqual([{ addresses: [addr('1.2.3.4', 'pod0')], ports: [{ port: 8080, protocol }] }]);
  });

  test('SelectsAllNotReady / SelectsAllMixed: not-ready pods are notReadyAddresses of the same subset', () => {
    const svc = service({ ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] });
    expect(syncEndpoints(svc, addPods('other', 0, 1, 1), undefined, NODE)!['subsets']).toEqual([{ notReadyAddresses: [addr('1.2.3.4', 'pod0')], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(syncEndpoints(svc, addPods('other', 1, 1, 1), undefined, NODE)!['subsets']).toEqual([
      { addresses: [addr('1.2.3.4', 'pod0')], notReadyAddresses: [addr('1.2.3.5', 'pod1')], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
  });

  test('ItemsPreexistingIdentical: the stored Endpoints are what they would be, nothing written', () => {
    const svc = service({ ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] }, { namespace: 'default' });
    const cur = existingEndpoints([{ addresses: [addr('1.2.3.4', 'pod0', 'default')], ports: [{ port: 8080, protocol: 'TCP' }] }], undefined, 'default');
    expect(syncEndpoints(svc, addPods('default', 1, 1, 0), cur, NODE)).toBeUndefined();
  });

  test('Items: pods of another namespace are not found; two ports share one subset', () => {
    const svc = service({ clusterIP: '', ports: [{ name: 'port0', port: 80, protocol: 'TCP', targetPort: 8080 }, { name: 'port1', port: 88, protocol: 'TCP', targetPort: 8088 }] });
    const out = syncEndpoints(svc, [...addPods('other', 3, 2, 0), ...addPods('blah', 5, 2, 0)], undefined, NODE)!;
    expect(out.metadata).toEqual({ name: 'foo', namespace: 'other', labels: { 'service.kubernetes.io/headless': '' }, annotations: undefined });
    expect(out['subsets']).toEqual([
      {
        addresses: [addr('1.2.3.4', 'pod0'), addr('1.2.3.5', 'pod1'), addr('1.2.3.6', 'pod2')],
        ports: [{ name: 'port0', port: 8080, protocol: 'TCP' }, { name: 'port1', port: 8088, protocol: 'TCP' }],
      },
    ]);
  });

  test('ItemsWithLabels / PreexistingLabelsChange: the Service labels are copied, plus the headless mark', () => {
    const svc = service({ clusterIP: '', ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] }, { labels: { baz: 'blah' } });
    const cur = existingEndpoints([{ addresses: [addr('1.2.3.4', 'pod0')], ports: [{ port: 8080, protocol: 'TCP' }] }], { foo: 'bar' });
    const out = syncEndpoints(svc, addPods('other', 1, 1, 0), cur, NODE)!;
    expect(out.metadata.labels).toEqual({ baz: 'blah', 'service.kubernetes.io/headless': '' });
    expect(out['subsets']).toEqual(cur['subsets']);
  });

  test('HeadlessServiceLabel: only the headless label differs, nothing written (upstream compares without it)', () => {
    const svc = service({ ports: [{ port: 80 }] }, { namespace: 'default' });
    expect(syncEndpoints(svc, [], existingEndpoints([], { 'service.kubernetes.io/headless': '' }, 'default'), NODE)).toBeUndefined();
  });

  test('ExternalNameType: with or without selector and ports, no endpoints', () => {
    for (const spec of [{ ports: [{ port: 80 }] }, { selector: undefined, ports: [{ port: 80 }] }, {}, { selector: undefined }]) {
      const svc = service({ type: 'ExternalName', clusterIP: undefined, ...spec });
      expect(syncEndpoints(svc, addPods('other', 1, 1, 0), undefined, NODE)).toBeUndefined();
      expect(syncEndpointSlices(svc, addPods('other', 1, 1, 0), [], NODE, () => 'abcde')).toEqual({ put: [], remove: [] });
    }
  });

  test('HeadlessService: clusterIP None with no ports lists the pods without ports, keeping the Service labels', () => {
    const svc = service({ clusterIP: 'None', ports: [] }, { labels: { a: 'b' }, namespace: 'headless' });
    const out = syncEndpoints(svc, addPods('headless', 1, 1, 0), existingEndpoints([{ addresses: [{ ip: '6.7.8.9', nodeName: '' }], ports: [{ port: 1000, protocol: 'TCP' }] }], undefined, 'headless'), NODE)!;
    expect(out.metadata.labels).toEqual({ a: 'b', 'service.kubernetes.io/headless': '' });
    expect(out['subsets']).toEqual([{ addresses: [addr('1.2.3.4', 'pod0', 'headless')] }]);
  });

  test('HeadlessWithoutPort: ports nil, same', () => {
    const svc = service({ clusterIP: 'None', ports: undefined }, { namespace: 'default' });
    expect(syncEndpoints(svc, addPods('default', 1, 1, 0), undefined, NODE)!['subsets']).toEqual([{ addresses: [addr('1.2.3.4', 'pod0', 'default')] }]);
  });

  test.each([
    ['Never', 'Failed'],
    ['Never', 'Succeeded'],
    ['OnFailure', 'Succeeded'],
  ])('ExcludeNotReadyPodsWithRestartPolicy%sAndPhase%s: a finished pod is left out', (restartPolicy, phase) => {
    const svc = service({ clusterIP: '', ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] });
    const cur = existingEndpoints([], { foo: 'bar' });
    const out = syncEndpoints(svc, [testPod('other', 0, 1, false, { restartPolicy, phase })], cur, NODE)!;
    expect(out.metadata.labels).toEqual({ 'service.kubernetes.io/headless': '' });
    expect(out['subsets']).toBeUndefined();
  });

  test('a pod without an IP is left out; publishNotReadyAddresses makes every pod ready', () => {
    const noIp = testPod('other', 0, 1, true);
    noIp.status = { conditions: [{ type: 'Ready', status: 'True' }] };
    const svc = service({ ports: [{ port: 80, targetPort: 8080 }] });
    expect(syncEndpoints(svc, [noIp], undefined, NODE)!['subsets']).toBeUndefined();
    const pub = service({ publishNotReadyAddresses: true, ports: [{ port: 80, targetPort: 8080 }] });
    expect(syncEndpoints(pub, addPods('other', 0, 1, 2), undefined, NODE)!['subsets']).toEqual([
      { addresses: [addr('1.2.3.4', 'pod0'), addr('1.2.3.5', 'pod1')], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
  });

  test('named targetPort: resolved per pod; a pod lacking it is left out of that port, subsets split by port set', () => {
    const svc = service({ ports: [{ name: 'http', port: 80, targetPort: 'port0' }, { name: 'metrics', port: 9090, targetPort: 'port1' }] });
    const pods = [testPod('other', 0, 2, true), testPod('other', 1, 1, true)];
    expect(syncEndpoints(svc, pods, undefined, NODE)!['subsets']).toEqual([
      { addresses: [addr('1.2.3.4', 'pod0'), addr('1.2.3.5', 'pod1')], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { addresses: [addr('1.2.3.4', 'pod0')], ports: [{ name: 'metrics', port: 8081, protocol: 'TCP' }] },
    ]);
  });

  test('findPort: number, default to the Service port, name with the same protocol, native sidecar ports', () => {
    const pod: V1Pod = {
      spec: {
        containers: [{ name: 'a', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'web', containerPort: 8080 }] }],
        initContainers: [{ name: 's', restartPolicy: 'Always', ports: [{ name: 'side', containerPort: 9000 }] }, { name: 'i', ports: [{ name: 'init', containerPort: 9001 }] }],
      },
    };
    expect(findPort(pod, { port: 80, targetPort: 81 })).toBe(81);
    expect(findPort(pod, { port: 80 })).toBe(80);
    expect(findPort(pod, { port: 80, targetPort: 'web' })).toBe(8080);
    expect(findPort(pod, { port: 53, targetPort: 'dns' })).toBeUndefined();
    expect(findPort(pod, { port: 53, targetPort: 'dns', protocol: 'UDP' })).toBe(53);
    expect(findPort(pod, { port: 1, targetPort: 'side' })).toBe(9000);
    expect(findPort(pod, { port: 1, targetPort: 'init' })).toBeUndefined();
  });

  test('hostname: set when the pod names the Service as its subdomain', () => {
    const svc = service({ clusterIP: 'None', ports: [{ port: 80, targetPort: 8080 }] }, { name: 'db' });
    const p0 = testPod('other', 0, 1, true);
    p0.spec = { ...p0.spec!, hostname: 'db-0', subdomain: 'db' };
    const p1 = testPod('other', 1, 1, true);
    p1.spec = { ...p1.spec!, hostname: 'db-1', subdomain: 'other' };
    const out = syncEndpoints(svc, [p0, p1], undefined, NODE)!;
    expect(out['subsets']).toEqual([{ addresses: [{ ...addr('1.2.3.4', 'pod0'), hostname: 'db-0' }, addr('1.2.3.5', 'pod1')], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  test('a stored trigger-time annotation is dropped on the next write, other annotations kept', () => {
    const svc = service({ ports: [{ port: 80, targetPort: 8080 }] });
    const cur = existingEndpoints([], undefined);
    cur.metadata.annotations = { 'endpoints.kubernetes.io/last-change-trigger-time': '2018-01-01T00:00:00Z', keep: 'me' };
    expect(syncEndpoints(svc, addPods('other', 1, 1, 0), cur, NODE)!.metadata.annotations).toEqual({ keep: 'me' });
  });
});

describe('repackSubsets', () => {
  test('one address per port in, one subset per address set out; not ready wins; duplicates merged', () => {
    const a = addr('1.2.3.4', 'a');
    const b = addr('1.2.3.5', 'b');
    const p80 = { port: 80, protocol: 'TCP' };
    const p81 = { port: 81, protocol: 'TCP' };
    expect(
      repackSubsets([
        { addresses: [b], ports: [p80] },
        { addresses: [a], ports: [p80] },
        { addresses: [a], ports: [p81] },
        { notReadyAddresses: [a], ports: [p81] },
        { addresses: [b], ports: [p80] },
      ]),
    ).toEqual([
      { addresses: [a, b], ports: [p80] },
      { notReadyAddresses: [a], ports: [p81] },
    ]);
  });
});

describe('EndpointSlice controller', () => {
  const sliceOf = (r: { put: KubeObject[] }) => r.put.filter((o) => o.kind === 'EndpointSlice');

  test('a new slice: generated name, labels, owner, IPv4 endpoints with conditions, ports with names', () => {
    const svc = service({ ports: [{ name: 'http', port: 80, targetPort: 8080 }] }, { labels: { app: 'web' } });
    const r = reconcileEndpoints(input(svc, addPods('other', 1, 1, 1)));
    expect(r.put.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Endpoints/foo', 'EndpointSlice/foo-abcde']);
    expect(sliceOf(r)[0]).toEqual({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'foo-abcde',
        generateName: 'foo-',
        namespace: 'other',
        labels: { app: 'web', 'kubernetes.io/service-name': 'foo', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'foo', uid: 'uid-foo', controller: true, blockOwnerDeletion: true }],
      },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['1.2.3.4'], conditions: { ready: true, serving: true, terminating: false }, nodeName: NODE, targetRef: { kind: 'Pod', namespace: 'other', name: 'pod0' } },
        { addresses: ['1.2.3.5'], conditions: { ready: false, serving: false, terminating: false }, nodeName: NODE, targetRef: { kind: 'Pod', namespace: 'other', name: 'pod1' } },
      ],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    expect(r.waitingFor).toBeUndefined();
  });

  test('a stored slice keeps its name; unchanged, nothing is written; changed, it is updated in place', () => {
    const svc = service({ ports: [{ port: 80, targetPort: 8080 }] });
    const first = reconcileEndpoints(input(svc, addPods('other', 1, 1, 0)));
    const objects = first.put.map((o) => stored(o));
    expect(reconcileEndpoints(input(svc, addPods('other', 1, 1, 0), objects)).put).toEqual([]);
    const again = reconcileEndpoints(input(svc, addPods('other', 2, 1, 0), objects));
    expect(again.put.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Endpoints/foo', 'EndpointSlice/foo-abcde']);
    expect(again.put[1]!.metadata.uid).toBe('uid-foo-abcde');
    expect((again.put[1]!['endpoints'] as unknown[]).length).toBe(2);
    expect(again.remove).toEqual([]);
  });

  test('no endpoints: one placeholder slice with null endpoints and ports, kept afterwards', () => {
    const svc = service({ ports: [{ port: 80, targetPort: 8080 }] });
    const r = syncEndpointSlices(svc, [], [], NODE, () => 'abcde');
    expect(r.put).toHaveLength(1);
    expect(r.put[0]).toMatchObject({ metadata: { name: 'foo-abcde' }, endpoints: null, ports: null });
    expect(syncEndpointSlices(svc, [], [stored(r.put[0]!)], NODE, () => 'zzzzz')).toEqual({ put: [], remove: [] });
  });

  test('pods leaving: the slice of a port set no longer offered is removed, a placeholder replaces the last', () => {
    const svc = service({ ports: [{ port: 80, targetPort: 8080 }] });
    const made = stored(syncEndpointSlices(svc, addPods('other', 1, 1, 0), [], NODE, () => 'abcde').put[0]!);
    const r = syncEndpointSlices(svc, [], [made], NODE, () => 'fghij');
    expect(r.remove).toEqual([{ kind: 'EndpointSlice.discovery.k8s.io', namespace: 'other', name: 'foo-abcde' }]);
    expect(r.put.map((o) => o.metadata.name)).toEqual(['foo-fghij']);
  });

  test('pods offering different port sets get a slice each', () => {
    const svc = service({ ports: [{ name: 'http', port: 80, targetPort: 'port0' }, { name: 'metrics', port: 9090, targetPort: 'port1' }] });
    const r = syncEndpointSlices(svc, [testPod('other', 0, 2, true), testPod('other', 1, 1, true)], [], NODE, (() => { let i = 0; return () => ['aaaaa', 'bbbbb'][i++]!; })());
    expect(r.put.map((o) => [o.metadata.name, (o['ports'] as Array<{ name: string }>).map((p) => p.name), (o['endpoints'] as Array<{ addresses: string[] }>).map((e) => e.addresses[0])])).toEqual([
      ['foo-aaaaa', ['http', 'metrics'], ['1.2.3.4']],
      ['foo-bbbbb', ['http'], ['1.2.3.5']],
    ]);
  });

  test('headless: the headless label; publishNotReadyAddresses: ready though not serving; hostname by subdomain', () => {
    const svc = service({ clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ port: 80, targetPort: 8080 }] }, { name: 'db' });
    const p = testPod('other', 0, 1, false);
    p.spec = { ...p.spec!, hostname: 'db-0', subdomain: 'db' };
    const slice = syncEndpointSlices(svc, [p], [], NODE, () => 'abcde').put[0]!;
    expect(slice.metadata.labels).toEqual({ 'service.kubernetes.io/headless': '', 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    expect((slice['endpoints'] as unknown[])[0]).toMatchObject({ conditions: { ready: true, serving: false, terminating: false }, hostname: 'db-0' });
    expect(slice['ports']).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
  });

  test("a slice of the Service's name owned by another uid is removed; another Service's slices are not read", () => {
    const svc = service({ ports: [{ port: 80, targetPort: 8080 }] });
    const old = stored(syncEndpointSlices(service({ ports: [{ port: 80, targetPort: 8080 }] }, {}), addPods('other', 1, 1, 0), [], NODE, () => 'old00').put[0]!);
    old.metadata['ownerReferences'] = [{ apiVersion: 'v1', kind: 'Service', name: 'foo', uid: 'previous', controller: true }];
    const other = stored({ ...old, metadata: { ...old.metadata, name: 'bar-xxxxx', labels: { ...old.metadata.labels, 'kubernetes.io/service-name': 'bar' } } });
    const r = syncEndpointSlices(svc, addPods('other', 1, 1, 0), [old, other], NODE, () => 'abcde');
    expect(r.remove.map((k) => k.name)).toEqual(['foo-old00']);
    expect(r.put.map((o) => o.metadata.name)).toEqual(['foo-abcde']);
  });
});

describe('orphanedEndpoints', () => {
  test('Endpoints without a Service of the same namespace and name, but leader locks', () => {
    const svc = service({}, { name: 'web', namespace: 'default' });
    const ep = (name: string, ns: string, annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) } });
    expect(orphanedEndpoints([svc], [ep('web', 'default'), ep('web', 'shop'), ep('gone', 'default'), ep('lock', 'default', { 'control-plane.alpha.kubernetes.io/leader': '{}' })])).toEqual([
      { kind: 'Endpoints', namespace: 'default', name: 'gone' },
      { kind: 'Endpoints', namespace: 'shop', name: 'web' },
    ]);
  });
});
