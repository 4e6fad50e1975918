/**
 * The Service, Endpoints and EndpointSlice kinds (issue 19, the store side) through the real CLI
 * against real Podman: a file holding a Service of each type, a Service without a selector with its
 * hand-written Endpoints and EndpointSlice, before their Namespace, applies in one go (namespace,
 * services, endpoints, endpointslices), re-applies unchanged; get svc (and -o wide, -o yaml), get ep
 * and endpointslices, describe svc show kubectl's columns and layouts; an invalid Service is refused
 * before any change with located messages; a field not carried out is a warning; `get all` lists
 * services; --prune and delete remove them. Its own service, prefix and state directory.
 *
 * With the mechanism wired, every Service but the ExternalName one gets a ClusterIP and each
 * NodePort/LoadBalancer port a nodePort (allocate.ts); the endpoints controller writes an Endpoints
 * object and an EndpointSlice for each Service with a selector (none here have pods: no endpoints),
 * and leaves the selectorless one to its hand-written objects.
 */
import { join } from 'node:path';
import { runCli, useIsolatedPodman } from './support';

const { prefix, tmp, file } = useIsolatedPodman();
const stateDir = join(tmp, 'state');
const ns = `${prefix}-svc`;
const cli = (args: string[]) => runCli([...args, '--state-dir', stateDir]);

const namespace = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`;
const service = (name: string, spec: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels: {app: ${prefix}}\nspec:\n${spec}`;
const web = service('web', '  selector: {app: web}\n  ports:\n  - {port: 80, targetPort: 8080}\n');
const db = service('db', '  clusterIP: None\n  selector: {app: db}\n  ports:\n  - {name: pg, port: 5432}\n');
const front = service('front', '  type: NodePort\n  selector: {app: web}\n  ports:\n  - {port: 80, targetPort: 8080, nodePort: 31080}\n');
// A LoadBalancer's ports are published on the host (as k3s' service load balancer does): ports no host service holds.
const lb = service('lb', '  type: LoadBalancer\n  selector: {app: web}\n  ports:\n  - {name: https, port: 28443, targetPort: 8443, nodePort: 31443}\n  - {name: dns, port: 28053, protocol: UDP, nodePort: 31053}\n');
const ext = service('ext', '  type: ExternalName\n  externalName: db.example.com\n');
const legacy = service('legacy', '  ports:\n  - {port: 80, targetPort: 9376}\n');
const endpoints = `apiVersion: v1
kind: Endpoints
metadata:
  name: legacy
  namespace: ${ns}
  labels: {app: ${prefix}}
subsets:
- addresses:
  - ip: 192.0.2.42
  ports:
  - port: 9376
`;
const slice = `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: legacy-1
  namespace: ${ns}
  labels: {app: ${prefix}, kubernetes.io/service-name: legacy}
addressType: IPv4
ports:
- {name: "", port: 9376, protocol: TCP}
endpoints:
- addresses: [192.0.2.42]
  conditions: {ready: true}
`;
const everything = [slice, endpoints, web, db, front, lb, ext, legacy, namespace];

// An address of kubeplay's service range (the network's second half).
const IP = '\\d+\\.\\d+\\.\\d+\\.\\d+';

test('Services of each type, a selectorless one with its Endpoints and EndpointSlice: applied in kind order, then unchanged', async () => {
  const f = file('app.yaml', everything.join('---\n'));
  const first = await cli(['apply', '-f', f]);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout).toBe(
    `namespace/${ns} created\nservice/web created\nservice/db created\nservice/front created\nservice/lb created\nservice/ext created\nservice/legacy created\nendpoints/legacy created\nendpointslice.discovery.k8s.io/legacy-1 created\n`,
  );
  const again = await cli(['apply', '-f', f]);
  expect(again).toMatchObject({ code: 0, stderr: '' });
  expect(again.stdout).toBe(
    `namespace/${ns} unchanged\nservice/web unchanged\nservice/db unchanged\nservice/front unchanged\nservice/lb unchanged\nservice/ext unchanged\nservice/legacy unchanged\nendpoints/legacy unchanged\nendpointslice.discovery.k8s.io/legacy-1 unchanged\n`,
  );
});

test('get svc: kubectl\'s columns; -o wide adds SELECTOR; -o yaml is the stored object with the API server\'s defaults', async () => {
  const r = await cli(['get', 'svc', '-n', ns]);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  const lines = r.stdout.split('\n');
  expect(lines[0]).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
  expect(lines.slice(1, -1).map((l) => l.split(/\s+/)[0])).toEqual(['db', 'ext', 'front', 'lb', 'legacy', 'web']);
  expect(r.stdout).toMatch(/\ndb\s+ClusterIP\s+None\s+<none>\s+5432\/TCP\s+\d+s\n/);
  expect(r.stdout).toMatch(/\next\s+ExternalName\s+<none>\s+db\.example\.com\s+<none>\s+\d+s\n/);
  expect(r.stdout).toMatch(new RegExp(`\\nfront\\s+NodePort\\s+${IP}\\s+<none>\\s+80:31080/TCP\\s+\\d+s\\n`));
  // EXTERNAL-IP: <pending> until the LoadBalancer's proxy writes an ingress, then the host's address.
  expect(r.stdout).toMatch(new RegExp(`\\nlb\\s+LoadBalancer\\s+${IP}\\s+\\S+\\s+28443:31443/TCP,28053:31053/UDP\\s+\\d+s\\n`));
  expect(r.stdout).toMatch(new RegExp(`\\nweb\\s+ClusterIP\\s+${IP}\\s+<none>\\s+80/TCP\\s+\\d+s\\n`));

  const wide = await cli(['get', 'services', '-n', ns, '-o', 'wide']);
  expect(wide.stdout.split('\n')[0]).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR$/);
  expect(wide.stdout).toMatch(/\nweb\s+.*\s+app=web\n/);
  expect(wide.stdout).toMatch(/\nlegacy\s+.*\s+<none>\n/);

  const y = JSON.parse((await cli(['get', 'svc', 'web', '-n', ns, '-o', 'json'])).stdout) as { spec: Record<string, unknown>; status: unknown; metadata: { annotations: Record<string, string> } };
  expect(y.spec).toMatchObject({
    type: 'ClusterIP',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }],
  });
  expect(y.status).toEqual({ loadBalancer: {} });
  expect(y.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBeDefined();
  const yaml = await cli(['get', 'svc', 'front', '-n', ns, '-o', 'yaml']);
  expect(yaml.stdout).toContain('externalTrafficPolicy: Cluster\n');
  expect(yaml.stdout).toContain('nodePort: 31080\n');
  expect((await cli(['get', 'svc', 'web', '-n', ns, '-o', 'name'])).stdout).toBe('service/web\n');
  expect(await cli(['get', 'svc', 'nope', '-n', ns])).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): services "nope" not found\n' });
});

test('get ep and endpointslices; describe svc takes Endpoints from the Service\'s EndpointSlices', async () => {
  // The controller's objects for the Services with a selector (no pods: no endpoints), the hand-written ones for legacy.
  const ep = await cli(['get', 'ep', '-n', ns]);
  expect(ep).toMatchObject({ code: 0, stderr: '' });
  expect(ep.stdout).toMatch(/^NAME\s+ENDPOINTS\s+AGE\ndb\s+<none>\s+\d+s\nfront\s+<none>\s+\d+s\nlb\s+<none>\s+\d+s\nlegacy\s+192\.0\.2\.42:9376\s+\d+s\nweb\s+<none>\s+\d+s\n$/);
  const es = await cli(['get', 'endpointslices', '-n', ns]);
  expect(es.stdout.split('\n')[0]).toMatch(/^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE$/);
  expect(es.stdout).toMatch(/\nlegacy-1\s+IPv4\s+9376\s+192\.0\.2\.42\s+\d+s\n/);
  expect((await cli(['get', 'endpointslices.discovery.k8s.io', 'legacy-1', '-n', ns, '-o', 'name'])).stdout).toBe('endpointslice.discovery.k8s.io/legacy-1\n');

  const d = await cli(['describe', 'svc', 'legacy', '-n', ns]);
  expect(d).toMatchObject({ code: 0, stderr: '' });
  expect(d.stdout).toMatch(new RegExp(`^Name:\\s+legacy\\nNamespace:\\s+${ns}\\nLabels:\\s+app=${prefix}\\nAnnotations:\\s+<none>\\nSelector:\\s+<none>\\nType:\\s+ClusterIP\\nIP Family Policy:\\s+SingleStack\\nIP Families:\\s+IPv4\\n`));
  expect(d.stdout).toMatch(new RegExp(`\\nIP:\\s+${IP}\\nIPs:\\s+${IP}\\n`));
  expect(d.stdout).toMatch(/\nPort:\s+<unset>\s+80\/TCP\nTargetPort:\s+9376\/TCP\nEndpoints:\s+192\.0\.2\.42:9376\nSession Affinity:\s+None\nInternal Traffic Policy:\s+Cluster\nEvents:\s+<none>\n$/);
  // front's EndpointSlice has no endpoint: kubectl 1.32 prints an empty Endpoints (`<none>` only without a slice).
  const f = await cli(['describe', 'svc', 'front', '-n', ns]);
  expect(f.stdout).toMatch(/\nNodePort:\s+<unset>\s+31080\/TCP\nEndpoints: *\n/);
  expect(f.stdout).toMatch(/\nExternal Traffic Policy:\s+Cluster\n/);
  const x = await cli(['describe', 'service', 'ext', '-n', ns]);
  expect(x.stdout).toMatch(/\nIP Families:\s+<none>\nIP:\s+\nIPs:\s+<none>\nExternal Name:\s+db\.example\.com\nSession Affinity:\s+None\nEvents:\s+<none>\n$/);
  const e = await cli(['describe', 'ep', 'legacy', '-n', ns]);
  expect(e.stdout).toMatch(/\nSubsets:\n\s+Addresses:\s+192\.0\.2\.42\n\s+NotReadyAddresses:\s+<none>\n\s+Ports:\n/);
  const s = await cli(['describe', 'endpointslice', 'legacy-1', '-n', ns]);
  expect(s.stdout).toMatch(/\nAddressType:\s+IPv4\nPorts:\n\s+Name\s+Port\s+Protocol\n\s+----\s+----\s+--------\n\s+<unset>\s+9376\s+TCP\nEndpoints:\n\s+- Addresses:\s+192\.0\.2\.42\n/);
});

test('an invalid Service is refused before any change, each problem located, in the API server\'s words', async () => {
  const bad = service('bad', '  selector: {app: web}\n  ports:\n  - {port: 80, nodePort: 31081}\n  - {port: 80, targetPort: http_web}\n');
  const f = file('bad.yaml', [bad, service('9lives', '  ports:\n  - {port: 80}\n')].join('---\n'));
  const r = await cli(['apply', '-f', f]);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  // Both ports lack a name (required with more than one), the second repeats the first's port and protocol.
  expect(r.stderr).toContain(`${f}:10:5: spec.ports[0].name: Required value\n`);
  expect(r.stderr).toContain(`${f}:10:16: spec.ports[0].nodePort: Forbidden: may not be used when \`type\` is 'ClusterIP'\n`);
  expect(r.stderr).toContain(`${f}:11:5: spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}\n`);
  expect(r.stderr).toContain(`${f}:11:16: spec.ports[1].targetPort: Invalid value: "http_web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)\n`);
  expect(r.stderr).toMatch(/bad\.yaml:16:3: metadata\.name: Invalid value: "9lives": a DNS-1035 label must consist of lower case alphanumeric characters/);
  expect(r.stderr).toContain('error: 6 problems in 2 documents of 1 file; nothing was applied.');
  expect(await cli(['get', 'svc', 'bad', '-n', ns])).toMatchObject({ code: 1 });
  const v6 = await cli(['apply', '-f', file('v6.yaml', service('six', '  ipFamilies: [IPv6]\n  ports:\n  - {port: 80}\n'))]);
  expect(v6.code).toBe(1);
  expect(v6.stderr).toContain("spec.ipFamilies[0]: IPv6 is not supported: kubeplay's Podman network is IPv4 only");
});

test('a field not carried out is a warning; the Service is still stored', async () => {
  // A nodePort of its own: the lowest free one (30000) may be held on the host by another state directory's Service.
  const local = service('local', '  type: NodePort\n  externalTrafficPolicy: Local\n  selector: {app: web}\n  ports:\n  - {port: 81, nodePort: 31082}\n');
  const r = await cli(['apply', '-f', file('local.yaml', local)]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('service/local created\n');
  expect(r.stderr).toMatch(/spec\.externalTrafficPolicy: not carried out by kubeplay on Podman, so it is ignored \(on kubeplay's single node every endpoint is local, so Local behaves as Cluster/);
});

test('get all lists services after pods\' place, kind-qualified', async () => {
  const r = await cli(['get', 'all', '-n', ns]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nservice\/db\s+/);
  expect(r.stdout).not.toMatch(/endpoints|endpointslice/);
});

test('--prune removes a Service dropped from the file; delete by name and by -f remove the rest', async () => {
  const kept = [slice, endpoints, web, db, front, lb, legacy, namespace];
  // kubectl prunes Services and Endpoints by default; kubeplay's DEFAULT_PRUNE_KINDS (commands/apply.ts) does not list them yet.
  const r = await cli(['apply', '--prune', '-l', `app=${prefix}`, '--prune-allowlist', 'core/v1/Service', '-f', file('pruned.yaml', kept.join('---\n'))]);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout).toContain('service/ext pruned\n');
  expect(r.stdout).toContain('service/local pruned\n');
  expect(r.stdout).not.toContain('service/web pruned');
  expect(await cli(['get', 'svc', 'ext', '-n', ns])).toMatchObject({ code: 1 });

  expect(await cli(['delete', 'svc', 'web', '-n', ns])).toMatchObject({ code: 0, stdout: 'service "web" deleted\n' });
  expect(await cli(['delete', 'svc', 'web', '-n', ns])).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): services "web" not found\n' });
  const d = await cli(['delete', '-f', file('rest.yaml', [slice, endpoints, db, front, lb, legacy].join('---\n'))]);
  expect(d).toMatchObject({ code: 0 });
  // In the file's order, as kubectl deletes.
  expect(d.stdout).toBe('endpointslice.discovery.k8s.io "legacy-1" deleted\nendpoints "legacy" deleted\nservice "db" deleted\nservice "front" deleted\nservice "lb" deleted\nservice "legacy" deleted\n');
  expect(await cli(['get', 'svc,ep,endpointslices', '-n', ns])).toMatchObject({ code: 0, stdout: '' });
  await cli(['delete', 'ns', ns]);
});
