/**
 * Services and networking through the real CLI against real Podman (issue 19's tests): a two-tier
 * app (a web Deployment of 2 replicas reaching a `db` Service whose targetPort differs from its port)
 * answers through a NodePort from the host; both replicas receive traffic; a replica that fails its
 * readiness probe stops receiving it after the next command that reconciles; a headless Service
 * lists the ready pods; a StatefulSet's pod resolves by its stable name; every pod has the Service
 * variables (KUBERNETES_* included); everything still answers after kubeplay exits and after the
 * Podman API service restarts; deleting the Services removes their proxies. Its own service,
 * prefix (the namespace starts with it) and state directory.
 */
import { join } from 'node:path';
import { listPods, podmanExec, runCli, startPodmanService, useIsolatedPodman, waitUntil, type PodmanService } from './support';

const iso = useIsolatedPodman();
const { prefix, tmp, file } = iso;
const stateDir = join(tmp, 'state');
const ns = `${prefix}-shop`;
const cli = (args: string[], env?: Record<string, string | undefined>) => runCli([...args, '-n', ns, '--state-dir', stateDir], env ? { env } : {});

// The db tier: busybox httpd on 8080 answering `db <hostname>`; its Service listens on 5432.
const DB = "mkdir -p /www && echo db-$HOSTNAME > /www/index.html && trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait";
// The web tier: httpd with a CGI (from a ConfigMap) that asks `db:5432` by its short name, through
// the cluster DNS, and says who answered. (busybox's static wget crashes here; nc does the request.)
const CGI = ['#!/bin/sh', "printf 'Content-Type: text/plain\\r\\n\\r\\n'", 'echo "web-$(hostname) $(printf \'GET / HTTP/1.0\\r\\n\\r\\n\' | nc -w 3 db 5432 | tail -1)"', ''].join('\n');
const WEB = "mkdir -p /www && touch /tmp/ready && trap 'exit 0' TERM; httpd -f -p 80 -h /www & wait";

const app = (nodePort: number) => `apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: db
        image: localhost/busybox:stable
        command: [sh, -c, "${DB}"]
        ports: [{name: pg, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: ${ns}}
spec:
  selector: {app: db}
  ports: [{port: 5432, targetPort: pg}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-cgi, namespace: ${ns}}
data:
  app: ${JSON.stringify(CGI)}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: localhost/busybox:stable
        command: [sh, -c, "${WEB}"]
        ports: [{name: http, containerPort: 80}]
        volumeMounts: [{name: cgi, mountPath: /www/cgi-bin}]
        readinessProbe:
          exec: {command: [test, -f, /tmp/ready]}
          periodSeconds: 1
          failureThreshold: 1
      volumes: [{name: cgi, configMap: {name: web-cgi, defaultMode: 0755}}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http, nodePort: ${nodePort}}]
---
apiVersion: v1
kind: Service
metadata: {name: web-headless, namespace: ${ns}}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: counter, namespace: ${ns}}
spec:
  clusterIP: None
  selector: {app: counter}
  ports: [{port: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: front-lb, namespace: ${ns}}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: ${nodePort + 10000}, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: ${ns}}
spec:
  type: ExternalName
  externalName: db.${ns}.svc.cluster.local
---
apiVersion: v1
kind: Pod
metadata: {name: dnsnone, namespace: ${ns}}
spec:
  terminationGracePeriodSeconds: 1
  dnsPolicy: None
  dnsConfig:
    nameservers: [192.0.2.53]
    searches: [example.test]
    options: [{name: ndots, value: "2"}]
  containers:
  - name: c
    image: localhost/busybox:stable
    command: [sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: counter, namespace: ${ns}}
spec:
  serviceName: counter
  replicas: 1
  selector: {matchLabels: {app: counter}}
  template:
    metadata: {labels: {app: counter}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: localhost/busybox:stable
        command: [sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]
`;

/** A free port in the NodePort range, from the test's prefix (other tests share the host). */
const NODE_PORT = 30000 + (parseInt(prefix.slice(-4), 16) % 2700);

async function get(path: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${NODE_PORT}${path}`, { signal: AbortSignal.timeout(8000) });
  return (await res.text()).trim();
}

/** answers asks the web tier n times through the NodePort and returns the distinct answers. */
async function answers(n: number): Promise<string[]> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add(await get('/cgi-bin/app'));
  return [...seen].sort();
}

async function podsOf(app: string): Promise<string[]> {
  return (await listPods()).filter((p) => p.Name.startsWith(`${ns}_${app}-`)).map((p) => p.Name).sort();
}

async function inPod(podmanPod: string, script: string): Promise<string> {
  const container = `${podmanPod}-${podmanPod.includes('_web-') ? 'web' : podmanPod.includes('_db-') ? 'db' : 'c'}`;
  const r = await podmanExec(container, ['sh', '-c', script]);
  return r.stdout.trim();
}

test('a two-tier app answers through a NodePort from the host, both replicas serve, each reaches db by name on another targetPort', async () => {
  const r = await cli(['apply', '-f', file('app.yaml', app(NODE_PORT))]);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  expect(r.stdout).toBe(
    [
      `namespace/${ns} created`,
      'configmap/web-cgi created',
      'service/db created',
      'service/web created',
      'service/web-headless created',
      'service/counter created',
      'service/front-lb created',
      'service/ext created',
      'deployment.apps/db created',
      'deployment.apps/web created',
      'statefulset.apps/counter created',
      'pod/dnsnone created',
      '',
    ].join('\n'),
  );
  const web = await podsOf('web');
  expect(web).toHaveLength(2);
  // kubeplay has exited: what answers is the proxies' rules and Podman's published port.
  const seen = await answers(24);
  const db = (await podsOf('db'))[0]!.slice(ns.length + 1);
  expect(seen).toEqual(web.map((p) => `web-${p.slice(ns.length + 1)} db-${db}`).sort());
});

test('get svc, endpoints and pods -o wide show kubectl\'s columns, ClusterIPs from the service range and pod IPs', async () => {
  const svc = await cli(['get', 'svc']);
  expect(svc.code).toBe(0);
  expect(svc.stdout).toMatch(new RegExp(`^NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE\\n`));
  expect(svc.stdout).toMatch(/\ncounter\s+ClusterIP\s+None\s+<none>\s+8080\/TCP\s+\d+s\n/);
  expect(svc.stdout).toMatch(/\ndb\s+ClusterIP\s+(\d+\.\d+\.\d+\.\d+)\s+<none>\s+5432\/TCP\s+\d+s\n/);
  expect(svc.stdout).toMatch(new RegExp(`\\nweb\\s+NodePort\\s+\\d+\\.\\d+\\.\\d+\\.\\d+\\s+<none>\\s+80:${NODE_PORT}/TCP\\s+\\d+s\\n`));
  const ep = await cli(['get', 'endpoints', 'web']);
  expect(ep.stdout).toMatch(/^NAME\s+ENDPOINTS\s+AGE\nweb\s+\d+\.\d+\.\d+\.\d+:80,\d+\.\d+\.\d+\.\d+:80\s+\d+s\n$/);
  const wide = await cli(['get', 'pods', '-o', 'wide', '-l', 'app=web']);
  expect(wide.stdout.split('\n')[1]).toMatch(/\s\d+\.\d+\.\d+\.\d+\s/);
  const described = await cli(['describe', 'svc', 'db']);
  expect(described.stdout).toMatch(/TargetPort:\s+pg\/TCP/);
  expect(described.stdout).toMatch(/Endpoints:\s+\d+\.\d+\.\d+\.\d+:8080\n/);
});

test('names resolve as on a cluster: short, namespaced and full Service names, the headless Service to its ready pods, a StatefulSet pod by its stable name', async () => {
  const web = await podsOf('web');
  const counter = (await podsOf('counter'))[0]!;
  const lookup = (name: string) => inPod(web[0]!, `nslookup ${name} 2>/dev/null | awk '/^Address: /{print $2}' | sort | tr '\\n' ' '`);
  const clusterIP = (await cli(['get', 'svc', 'db', '-o', 'jsonpath={.spec.clusterIP}'])).stdout.trim();
  // The short forms go through the pod's search list (libc's resolver, as nc uses; busybox's nslookup
  // applies no search list to a name with a dot), and reach db on its targetPort.
  const db = (await podsOf('db'))[0]!.slice(ns.length + 1);
  for (const name of ['db', `db.${ns}`, `db.${ns}.svc`, `db.${ns}.svc.cluster.local`]) {
    expect(await inPod(web[0]!, `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${name} 5432 | tail -1`)).toBe(`db-${db}`);
  }
  expect((await lookup(`db.${ns}.svc.cluster.local`)).trim()).toBe(clusterIP);
  const webIPs = (await cli(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}'])).stdout.trim().split(' ').sort();
  expect((await lookup(`web-headless.${ns}.svc.cluster.local`)).trim().split(' ').sort()).toEqual(webIPs);
  const counterIP = (await cli(['get', 'pod', counter.slice(ns.length + 1), '-o', 'jsonpath={.status.podIP}'])).stdout.trim();
  expect((await lookup(`counter-0.counter.${ns}.svc.cluster.local`)).trim()).toBe(counterIP);
  const conf = await inPod(web[0]!, 'cat /etc/resolv.conf');
  expect(conf).toMatch(new RegExp(`search ${ns}\\.svc\\.cluster\\.local svc\\.cluster\\.local cluster\\.local`));
  expect(conf).toMatch(/options ndots:5/);
});

test('every pod has the Service variables, the kubernetes Service\'s included', async () => {
  const web = await podsOf('web');
  const env = await inPod(web[0]!, 'env | sort');
  expect(env).toMatch(/^KUBERNETES_SERVICE_HOST=\d+\.\d+\.\d+\.\d+$/m);
  expect(env).toMatch(/^KUBERNETES_SERVICE_PORT=443$/m);
  expect(env).toMatch(/^KUBERNETES_PORT=tcp:\/\/\d+\.\d+\.\d+\.\d+:443$/m);
  expect(env).toMatch(/^DB_SERVICE_HOST=\d+\.\d+\.\d+\.\d+$/m);
  expect(env).toMatch(/^DB_SERVICE_PORT=5432$/m);
  expect(env).toMatch(/^DB_PORT_5432_TCP=tcp:\/\/\d+\.\d+\.\d+\.\d+:5432$/m);
});

test('a replica that fails its readiness probe stops receiving traffic at the next command that reconciles, and gets it back', async () => {
  const web = await podsOf('web');
  const [sick, healthy] = web as [string, string];
  await podmanExec(`${sick}-web`, ['rm', '/tmp/ready']);
  await new Promise((r) => setTimeout(r, 1500));
  // Any command that reconciles: the same apply again.
  const again = await cli(['apply', '-f', file('app.yaml', app(NODE_PORT))]);
  expect(again.code).toBe(0);
  await waitUntil('web to have one endpoint', async () => (await cli(['get', 'endpoints', 'web'])).stdout.split('\n')[1]!.split(/\s+/)[1]!.split(',').length === 1, 20_000);
  const only = await answers(12);
  expect(only.every((a) => a.startsWith(`web-${healthy.slice(ns.length + 1)} `))).toBe(true);
  await podmanExec(`${sick}-web`, ['touch', '/tmp/ready']);
  await new Promise((r) => setTimeout(r, 1500));
  expect((await cli(['apply', '-f', file('app.yaml', app(NODE_PORT))])).code).toBe(0);
  await waitUntil('both replicas to answer again', async () => (await answers(16)).length === 2, 20_000);
});

test('a LoadBalancer is published on the host at its port, with the host\'s address as EXTERNAL-IP; the NodePort answers on the host\'s address too', async () => {
  const lbPort = NODE_PORT + 10000;
  const svc = await cli(['get', 'svc', 'front-lb']);
  const m = new RegExp(`\\nfront-lb\\s+LoadBalancer\\s+\\S+\\s+(\\d+\\.\\d+\\.\\d+\\.\\d+)\\s+${lbPort}:3\\d{4}/TCP\\s`).exec(svc.stdout);
  expect(m).not.toBeNull();
  const hostIP = m![1]!;
  const viaLb = await fetch(`http://127.0.0.1:${lbPort}/cgi-bin/app`, { signal: AbortSignal.timeout(8000) });
  expect(await viaLb.text()).toMatch(/^web-/);
  const viaHost = await fetch(`http://${hostIP}:${NODE_PORT}/cgi-bin/app`, { signal: AbortSignal.timeout(8000) });
  expect(await viaHost.text()).toMatch(/^web-/);
});

test('an ExternalName Service is a CNAME; dnsPolicy None gives exactly dnsConfig', async () => {
  const web = await podsOf('web');
  expect(await inPod(web[0]!, `nslookup ext.${ns}.svc.cluster.local 2>/dev/null`)).toContain(`canonical name = db.${ns}.svc.cluster.local`);
  const conf = (await podmanExec(`${ns}_dnsnone-c`, ['cat', '/etc/resolv.conf'])).stdout;
  expect(conf.trim().split('\n').sort()).toEqual(['nameserver 192.0.2.53', 'options ndots:2', 'search example.test']);
});

test('a scale-up adds its pods to the endpoints at once; a scale-down takes them out', async () => {
  expect((await cli(['scale', 'deployment/web', '--replicas=3'])).code).toBe(0);
  const ep = await cli(['get', 'endpoints', 'web']);
  expect(ep.stdout.split('\n')[1]!.split(/\s+/)[1]!.split(',')).toHaveLength(3);
  await waitUntil('three replicas to answer', async () => (await answers(30)).length === 3, 30_000);
  expect((await cli(['scale', 'deployment/web', '--replicas=2'])).code).toBe(0);
  expect((await cli(['get', 'endpoints', 'web'])).stdout.split('\n')[1]!.split(/\s+/)[1]!.split(',')).toHaveLength(2);
  expect((await answers(12)).length).toBeLessThanOrEqual(2);
});

let restarted: PodmanService | undefined;
afterAll(async () => {
  await restarted?.stop();
});

test('everything still answers after the Podman API service restarts', async () => {
  const old = iso.service;
  process.kill(old.pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  restarted = await startPodmanService({ socketPath: old.socketPath });
  expect((await answers(12)).length).toBe(2);
  expect((await cli(['get', 'svc', 'db'])).code).toBe(0);
});

test('deleting the Services removes their proxies, and the NodePort stops answering', async () => {
  const before = (await listPods()).filter((p) => p.Labels?.['kubeplay.io/role'] === 'service-proxy' && p.Name.includes(`_${ns}_`)).map((p) => p.Name).sort();
  expect(before.length).toBe(3);
  const d = await cli(['delete', 'svc', 'web', 'db', 'web-headless', 'counter', 'front-lb', 'ext']);
  expect(d.stdout).toBe('service "web" deleted\nservice "db" deleted\nservice "web-headless" deleted\nservice "counter" deleted\nservice "front-lb" deleted\nservice "ext" deleted\n');
  const after = (await listPods()).filter((p) => p.Labels?.['kubeplay.io/role'] === 'service-proxy' && p.Name.includes(`_${ns}_`));
  expect(after).toEqual([]);
  await expect(get('/cgi-bin/app')).rejects.toThrow();
  expect((await cli(['get', 'endpoints'])).stdout).toBe('');
});
