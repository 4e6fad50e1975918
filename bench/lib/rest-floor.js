// bench/lib/rest-floor.js: the REST floor. It does the work of `apply` and `delete --force` for
// N two-container pods with the fewest libpod REST calls (per pod: pod create, two container
// creates, pod start; then kill every pod, wait until Podman has cleaned every container up,
// remove every pod), `concurrency` pods at a time, over node:http with no library in between.
// Whatever kubeplay does on top of these calls is its overhead; the floor is what Podman itself
// costs on this machine.
//
//   node bench/lib/rest-floor.js SOCKET N CONCURRENCY [naive]   # one create + delete round, prints JSON
//   (naive: remove each pod right after killing it, to see the stall)
'use strict';

const http = require('node:http');

const API = '/v4.0.0/libpod';

/** request sends one call and resolves to { status, body } (body parsed as JSON when it is). */
function request(socketPath, method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        socketPath,
        method,
        path: API + path,
        headers: data ? { 'content-type': 'application/json', 'content-length': data.length } : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed = text;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function ok(socketPath, method, path, body) {
  const res = await request(socketPath, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** bounded runs fn over items with at most `limit` in flight. */
async function bounded(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * PodShape is what the floor creates: the same pods as the benchmark's manifests (two busybox
 * containers running a loop that exits on TERM; optionally one hostPort).
 */
function podBodies(pod) {
  const podBody = { name: pod.name, labels: pod.labels, shared_namespaces: ['ipc', 'net', 'uts'] };
  if (pod.hostPort) podBody.portmappings = [{ host_port: pod.hostPort, container_port: 8080, protocol: 'tcp' }];
  const containers = pod.containers.map((c) => ({
    name: `${pod.name}-${c.name}`,
    pod: pod.name,
    image: c.image,
    command: c.command,
    labels: pod.labels,
  }));
  return { podBody, containers };
}

/** createPods makes and starts every pod, `concurrency` pods at a time; resolves to elapsed ms. */
async function createPods(socketPath, pods, concurrency) {
  const t0 = performance.now();
  await bounded(pods, concurrency, async (pod) => {
    const { podBody, containers } = podBodies(pod);
    await ok(socketPath, 'POST', '/pods/create', podBody);
    for (const c of containers) await ok(socketPath, 'POST', '/containers/create', c);
    await ok(socketPath, 'POST', `/pods/${encodeURIComponent(pod.name)}/start`);
  });
  return performance.now() - t0;
}

/**
 * watchCleanups opens Podman's event stream of container `cleanup` events; `wait(ids, ms)`
 * resolves once every id was seen (since the stream opened) or after ms.
 */
function watchCleanups(socketPath) {
  return new Promise((resolve, reject) => {
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'], event: ['cleanup'] }));
    const req = http.get({ socketPath, path: `${API}/events?stream=true&filters=${filters}` }, (res) => {
      const seen = new Set();
      let waiter;
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buffer += chunk;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          try {
            const ev = JSON.parse(line);
            seen.add(ev.id ?? ev.Actor?.ID);
          } catch {
            // not an event line
          }
          waiter?.();
        }
      });
      resolve({
        wait: (ids, ms) =>
          new Promise((done) => {
            const timer = setTimeout(done, ms);
            waiter = () => {
              if (ids.every((id) => seen.has(id))) {
                clearTimeout(timer);
                done();
              }
            };
            waiter();
          }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

/**
 * deletePods lists the pods once (to know their containers), kills every pod (SIGKILL), waits for
 * Podman's cleanup event of every container that ran, then removes every pod. Removing a pod
 * while containers are still being cleaned up stalls ~3 s in cgroup removal on this host; this
 * order avoids it.
 */
async function deletePods(socketPath, names, concurrency) {
  const t0 = performance.now();
  const wanted = new Set(names);
  const watcher = await watchCleanups(socketPath);
  try {
    const pods = ((await ok(socketPath, 'GET', '/pods/json')) ?? []).filter((p) => wanted.has(p.Name));
    const ids = pods.flatMap((p) => (p.Containers ?? []).filter((c) => !['exited', 'created', 'configured'].includes(c.Status)).map((c) => c.Id));
    await bounded(names, concurrency, async (name) => {
      const res = await request(socketPath, 'POST', `/pods/${encodeURIComponent(name)}/kill?signal=SIGKILL`);
      if (res.status >= 300 && res.status !== 409 && res.status !== 404) throw new Error(`kill ${name}: HTTP ${res.status}`);
    });
    await watcher.wait(ids, 30_000);
  } finally {
    watcher.close();
  }
  await bounded(names, concurrency, async (name) => {
    const res = await request(socketPath, 'DELETE', `/pods/${encodeURIComponent(name)}?force=true&timeout=0`);
    if (res.status >= 300 && res.status !== 404) throw new Error(`remove ${name}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  });
  return performance.now() - t0;
}

/** naiveDeletePods removes each pod right after killing it (no wait for cleanup): shows the stall. */
async function naiveDeletePods(socketPath, names, concurrency) {
  const t0 = performance.now();
  await bounded(names, concurrency, async (name) => {
    await request(socketPath, 'POST', `/pods/${encodeURIComponent(name)}/kill?signal=SIGKILL`);
    await ok(socketPath, 'DELETE', `/pods/${encodeURIComponent(name)}?force=true&timeout=0`);
  });
  return performance.now() - t0;
}

/** floorRound creates then deletes the pods at one concurrency; resolves to { createMs, deleteMs }. */
async function floorRound(socketPath, pods, concurrency, { naiveDelete = false } = {}) {
  const createMs = await createPods(socketPath, pods, concurrency);
  const names = pods.map((p) => p.name);
  const deleteMs = naiveDelete ? await naiveDeletePods(socketPath, names, concurrency) : await deletePods(socketPath, names, concurrency);
  return { createMs, deleteMs };
}

module.exports = { request, createPods, deletePods, naiveDeletePods, floorRound };

if (require.main === module) {
  const [socketPath, n, c, mode] = process.argv.slice(2);
  const { floorPods } = require('./manifests');
  const pods = floorPods(`kpf${process.pid}`, `floor${process.pid}`, Number(n));
  floorRound(socketPath, pods, Number(c), { naiveDelete: mode === 'naive' }).then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
