#!/usr/bin/env node
// bench/services.js (`npm run bench:services`): Services and networking (issue 19). A Deployment of
// N replicas (busybox httpd on 8080 answering its hostname) with a ClusterIP Service and a NodePort
// Service for it, with the built CLI (`node bin/kubeplay.js`) against real Podman. Each repeat:
//   1. apply from nothing (a fresh state directory: the network, the DNS pod and the two proxies are
//      made) until the command returns, and until the NodePort answers from the host;
//   2. no-op re-applies (every line `unchanged`);
//   3. requests from the host: 500 sequential GETs (a new connection each) through the NodePort and
//      straight to one pod's IP, p50/p99; a burst of 500 with 20 in flight (requests/s) each way;
//   4. from inside one replica (busybox nc, timed with /proc/uptime, so a mean per request): through
//      the Service's short name (DNS + ClusterIP), the ClusterIP, and another pod's IP;
//   5. DNS: 100 `nslookup` of the Service's full name inside a replica (a mean per lookup), and the
//      memory of the DNS pod and of the proxy pods (`podman pod stats --no-stream`);
//   6. `kubeplay scale` N -> 2N until it returns, and until every replica has answered through the
//      NodePort at least once; then delete of it all;
//   7. the same Deployment without the Services, from nothing in another fresh state directory (the
//      network and the DNS pod are still made: every pod joins the network), its no-op re-applies, and
//      once more with the network and DNS pod already there (warm); odd repeats do this before 1–6;
//   8. `podman kube play` of the same Deployment + NodePort Service file (what becomes of the Service,
//      whether the nodePort answers) and of the Deployment alone, then `podman kube down`.
// Peak RSS of each kubeplay process comes from bench/lib/report-rss.js, preloaded with `node -r`.
//
// Everything runs against a private `podman system service` (kubeplay reaches it through
// CONTAINER_HOST; the podman CLI runs locally on the same storage) and private state directories.
// Names: the namespace `kpbs-<pid>` (its pods are `kpbs-<pid>_…`), kube play's Deployment
// `kpbk-<pid>`; the networks kubeplay makes for the bench's state directories (found by their
// `kubeplay.io/state-dir` label) and their pods (the DNS server, the proxies). At the end of each
// phase (and on failure) it removes those only, stops its service and removes its temp directory.
// The raw samples are kept in a JSON file, named at the end.
//
//   npm run bench:services                           # 10 replicas, 3 repeats (~6 min on 2 cores)
//   node bench/services.js --replicas 3 --repeat 1 --requests 50
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');
const floor = require('./lib/rest-floor');
const { median, min, max, cell, fmtMs } = require('./lib/stats');
const { startService, stopService, runningPods, mib, otherTests, removeNetworksUnder } = require('./lib/podman-bench');

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'kubeplay.js');
const RSS_PRELOAD = path.join(__dirname, 'lib', 'report-rss.js');
const IMAGE = 'localhost/busybox:stable';
const HTTPD = "mkdir -p /www && hostname > /www/index.html && trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => process.stderr.write(`bench: ${line}\n`);

function parseArgs(argv) {
  const opts = { replicas: 10, repeat: 3, noops: 3, requests: 500, inflight: 20, inpod: 50, lookups: 100 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in opts)) throw new Error(`unknown option ${argv[i]} (--${Object.keys(opts).join(' N, --')} N)`);
    opts[key] = Number(argv[++i]);
    if (!(opts[key] > 0)) throw new Error(`--${key} needs a positive number`);
  }
  return opts;
}

// ------------------------------------------------------------------------------------------------
// Input
// ------------------------------------------------------------------------------------------------

function deploymentYaml(name, replicas, namespace, { ports = true } = {}) {
  const ns = namespace ? `, namespace: ${namespace}` : '';
  const portsLine = ports ? '\n        ports: [{name: http, containerPort: 8080}]' : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}${ns}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ${IMAGE}
        imagePullPolicy: Never
        command: [sh, -c, "${HTTPD}"]${portsLine}
`;
}

function servicesYaml(name, nodePort, namespace) {
  const ns = namespace ? `, namespace: ${namespace}` : '';
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}${ns}}
spec:
  selector: {app: ${name}}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: ${name}-np${ns}}
spec:
  type: NodePort
  selector: {app: ${name}}
  ports: [{port: 80, targetPort: http, nodePort: ${nodePort}}]
`;
}

function namespaceYaml(ns) {
  return `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`;
}

// ------------------------------------------------------------------------------------------------
// The private Podman service, and looking at pods and networks through it
// ------------------------------------------------------------------------------------------------



async function allPods(socketPath) {
  const res = await floor.request(socketPath, 'GET', '/pods/json');
  return Array.isArray(res.body) ? res.body : [];
}

/** podsOf lists the Podman pods whose names start with `prefix`. */
async function podsOf(socketPath, prefix) {
  return (await allPods(socketPath)).filter((p) => typeof p.Name === 'string' && p.Name.startsWith(prefix));
}


/** waitFor polls every 100 ms until `test()` holds, and resolves to the ms since t0 (or NaN after `limitMs`). */
async function waitFor(test, t0, limitMs = 120_000) {
  for (;;) {
    if (await test()) return performance.now() - t0;
    if (performance.now() - t0 > limitMs) return NaN;
    await sleep(100);
  }
}

/** networksUnder: kubeplay's networks whose state directory lies under `dir` (the bench's own). */
async function networksUnder(socketPath, dir) {
  const res = await floor.request(socketPath, 'GET', '/networks/json');
  const nets = Array.isArray(res.body) ? res.body : [];
  return nets.filter((n) => {
    const s = n.labels?.['kubeplay.io/state-dir'];
    return typeof s === 'string' && (s === dir || s.startsWith(`${dir}/`));
  });
}

// ------------------------------------------------------------------------------------------------
// Timing commands and requests
// ------------------------------------------------------------------------------------------------

let rssNo = 0;

/** timed runs a command and resolves to { ms, t0, stdout, stderr, rssKiB } (kubeplay: its own peak RSS). */
function timed(command, args, { env, tmp, kubeplay = true, allowFail = false } = {}) {
  const rssFile = kubeplay ? path.join(tmp, `rss-${rssNo++}.json`) : undefined;
  const argv = kubeplay ? ['-r', RSS_PRELOAD, BIN, ...args] : args;
  const bin = kubeplay ? process.execPath : command;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(bin, argv, { env: kubeplay ? { ...env, KUBEPLAY_BENCH_RSS: rssFile } : env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0 && !allowFail) {
        reject(new Error(`${kubeplay ? 'kubeplay' : command} ${args.join(' ')} exited ${code}:\n${stderr.trim().slice(-2000)}\n${stdout.trim().slice(-1000)}`));
        return;
      }
      let rssKiB;
      if (rssFile) {
        try {
          rssKiB = JSON.parse(fs.readFileSync(rssFile, 'utf8')).maxRssKiB;
          fs.rmSync(rssFile, { force: true });
        } catch {
          rssKiB = undefined;
        }
      }
      resolve({ ms, t0, code, stdout, stderr, rssKiB });
    });
  });
}

/** get does one HTTP/1.1 GET on a new connection (no agent, `Connection: close`); resolves to { ms, body } or rejects. */
function get(host, port, timeoutMs = 3000) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get({ host, port, path: '/', agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve({ ms: performance.now() - t0, body: body.trim() }) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

function percentile(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** sequential: n GETs one after another; resolves to { p50, p99, errors }. */
async function sequential(host, port, n) {
  const ms = [];
  let errors = 0;
  for (let i = 0; i < n; i++) {
    try {
      ms.push((await get(host, port)).ms);
    } catch {
      errors++;
    }
  }
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), errors };
}

/** burst: n GETs with `inflight` at a time; resolves to { rps, p50, p99, errors }. */
async function burst(host, port, n, inflight) {
  let next = 0;
  let errors = 0;
  const ms = [];
  const t0 = performance.now();
  const worker = async () => {
    while (next < n) {
      next++;
      await get(host, port).then((r) => ms.push(r.ms), () => errors++);
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  return { rps: (n - errors) / ((performance.now() - t0) / 1000), p50: percentile(ms, 50), p99: percentile(ms, 99), max: max(ms), errors };
}

/** pollNodePort resolves to the ms since t0 at which the NodePort first answered (NaN after limit). */
async function pollNodePort(port, t0, limitMs = 120_000) {
  for (;;) {
    try {
      await get('127.0.0.1', port, 1000);
      return performance.now() - t0;
    } catch {
      if (performance.now() - t0 > limitMs) return NaN;
      await sleep(50);
    }
  }
}

/** allAnswer asks the NodePort until `names` have all answered; resolves to the ms since t0 and the requests made. */
async function allAnswer(port, names, t0, limitMs = 120_000) {
  const left = new Set(names);
  let requests = 0;
  while (left.size > 0) {
    if (performance.now() - t0 > limitMs) return { ms: NaN, requests, missing: left.size };
    requests++;
    try {
      left.delete((await get('127.0.0.1', port, 1000)).body);
    } catch {
      await sleep(20);
    }
  }
  return { ms: performance.now() - t0, requests, missing: 0 };
}

// ------------------------------------------------------------------------------------------------

class Samples {
  constructor() {
    this.map = new Map();
  }
  add(key, value) {
    if (value === undefined || Number.isNaN(value)) return;
    if (!this.map.has(key)) this.map.set(key, []);
    this.map.get(key).push(value);
  }
  get(key) {
    return this.map.get(key) ?? [];
  }
  toJSON() {
    return Object.fromEntries(this.map);
  }
}

function expect(cond, what) {
  if (!cond) throw new Error(`unexpected: ${what}`);
}

/** podmanCli runs the local podman CLI (same storage as the private service). */
function podmanCli(ctx, args, o = {}) {
  return timed('podman', args, { env: ctx.podmanEnv, kubeplay: false, ...o });
}

/** inPod runs a shell script in a container and returns its stdout. */
async function inPod(ctx, container, script) {
  return (await podmanCli(ctx, ['exec', container, 'sh', '-c', script])).stdout.trim();
}

/** memMB reads `podman pod stats --no-stream` for a pod: the sum of its containers' memory, in MB. */
async function memMB(ctx, pod) {
  const r = await podmanCli(ctx, ['pod', 'stats', '--no-stream', '--format', 'json', pod], { allowFail: true });
  let rows;
  try {
    rows = JSON.parse(r.stdout || '[]');
  } catch {
    return NaN;
  }
  const unit = { B: 1e-6, kB: 1e-3, KB: 1e-3, KiB: 1.024e-3, MB: 1, MiB: 1.048576, GB: 1e3, GiB: 1073.741824 };
  let sum = 0;
  for (const row of rows) {
    const m = /^([\d.]+)\s*([A-Za-z]+)/.exec(String(row.MemUsage ?? row.mem_usage ?? ''));
    if (!m || unit[m[2]] === undefined) return NaN;
    sum += Number(m[1]) * unit[m[2]];
  }
  return rows.length ? sum : NaN;
}

// The in-pod loops: /proc/uptime (10 ms steps) around the whole loop, so a mean per request.
function ncLoop(target, port, n) {
  return (
    `t0=$(cut -d' ' -f1 /proc/uptime); i=0; ok=0; while [ $i -lt ${n} ]; do ` +
    `a=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${target} ${port} | tail -1); [ -n "$a" ] && ok=$((ok+1)); i=$((i+1)); done; ` +
    `t1=$(cut -d' ' -f1 /proc/uptime); echo $t0 $t1 $ok`
  );
}

function lookupLoop(name, n) {
  return (
    `t0=$(cut -d' ' -f1 /proc/uptime); i=0; ok=0; while [ $i -lt ${n} ]; do ` +
    `nslookup ${name} 2>/dev/null | grep -q '^Address: ' && ok=$((ok+1)); i=$((i+1)); done; ` +
    `t1=$(cut -d' ' -f1 /proc/uptime); echo $t0 $t1 $ok`
  );
}

function perItem(out, n) {
  const [t0, t1, ok] = out.split(/\s+/).map(Number);
  return { ms: ((t1 - t0) * 1000) / n, ok };
}

// ------------------------------------------------------------------------------------------------
// The phases
// ------------------------------------------------------------------------------------------------

/** withServices: phases 1–6 in a fresh state directory. */
async function withServices(ctx, r) {
  const { opts, tmp, svc, s, ns, nodePort } = ctx;
  const n = opts.replicas;
  const env = { ...ctx.env, KUBEPLAY_STATE_DIR: path.join(tmp, `state-svc-${r}`) };
  const run = (args) => timed('kubeplay', [...args, '-n', ns], { env, tmp });
  const sample = (key, res) => {
    s.add(key, res.ms);
    s.add(`${key}|rss`, res.rssKiB);
  };
  const file = path.join(tmp, `svc-${r}.yaml`);
  fs.writeFileSync(file, [namespaceYaml(ns), deploymentYaml('web', n, ns), servicesYaml('web', nodePort, ns)].join('---\n'));

  // 1. apply from nothing, polling the NodePort from the start
  const t0 = performance.now();
  const answered = pollNodePort(nodePort, t0);
  const apply = await run([...(r === 0 ? ['-v'] : []), 'apply', '-f', file]);
  expect(apply.stdout.includes('deployment.apps/web created') && apply.stdout.includes('service/web-np created'), `apply printed ${apply.stdout.trim()}`);
  sample('svc apply', apply);
  if (r === 0) fs.writeFileSync(path.join(ctx.keep, 'svc-apply-v.log'), apply.stderr);
  s.add('svc apply, NodePort answers', await answered);
  const appPods = () => podsOf(svc.socketPath, `${ns}_web-`);
  s.add('svc apply|running at return', runningPods(await appPods()).length);
  s.add('svc apply, all running', await waitFor(async () => runningPods(await appPods()).length === n, t0));
  log(`repeat ${r + 1}: apply with Services ${fmtMs(apply.ms)}, NodePort answers at ${fmtMs(s.get('svc apply, NodePort answers').at(-1))}`);

  // 2. no-op re-apply
  for (let i = 0; i < opts.noops; i++) {
    await sleep(500);
    const again = await run(['apply', '-f', file]);
    expect(again.stdout.trim().split('\n').every((l) => l.endsWith(' unchanged')), `re-apply printed ${again.stdout.trim()}`);
    sample('svc re-apply', again);
  }
  if (r === 0) {
    // One more, with -v, kept for reading where a no-op re-apply with Services spends its time.
    const v = await run(['-v', 'apply', '-f', file]);
    fs.writeFileSync(path.join(ctx.keep, 'svc-re-apply-v.log'), v.stderr);
  }

  // 3. requests from the host
  const ips = (await run(['get', 'pods', '-o', 'jsonpath={.items[*].status.podIP}'])).stdout.trim().split(/\s+/);
  expect(ips.length === n, `${ips.length} pod IPs`);
  const clusterIP = (await run(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).stdout.trim();
  for (const [what, host, port] of [
    ['NodePort', '127.0.0.1', nodePort],
    ['pod IP', ips[0], 8080],
    ['ClusterIP', clusterIP, 80],
  ]) {
    const seq = await sequential(host, port, opts.requests);
    s.add(`host ${what}|p50`, seq.p50);
    s.add(`host ${what}|p99`, seq.p99);
    s.add(`host ${what}|errors`, seq.errors);
    const b = await burst(host, port, opts.requests, opts.inflight);
    s.add(`host ${what}|rps`, b.rps);
    s.add(`host ${what}|burst p50`, b.p50);
    s.add(`host ${what}|burst p99`, b.p99);
    s.add(`host ${what}|burst max`, b.max);
    s.add(`host ${what}|burst errors`, b.errors);
    log(`repeat ${r + 1}: from the host via ${what}: p50 ${seq.p50.toFixed(2)} ms, p99 ${seq.p99.toFixed(2)} ms, burst ${b.rps.toFixed(0)}/s (p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms, max ${b.max.toFixed(0)} ms), errors ${seq.errors}+${b.errors}`);
  }

  // 4. from inside a replica
  const pods = (await appPods()).map((p) => p.Name).sort();
  const container = `${pods[0]}-web`;
  const mine = (await inPod(ctx, container, 'hostname -i')).trim();
  const other = ips.find((ip) => ip !== mine) ?? ips[0];
  for (const [what, target, port] of [
    ['name', 'web', 80],
    ['ClusterIP', clusterIP, 80],
    ['pod IP', other, 8080],
  ]) {
    const res = perItem(await inPod(ctx, container, ncLoop(target, port, opts.inpod)), opts.inpod);
    s.add(`pod ${what}`, res.ms);
    s.add(`pod ${what}|ok`, res.ok);
  }

  // 5. DNS and memory
  const dns = perItem(await inPod(ctx, container, lookupLoop(`web.${ns}.svc.cluster.local`, opts.lookups)), opts.lookups);
  s.add('nslookup', dns.ms);
  s.add('nslookup|ok', dns.ok);
  const nets = await networksUnder(svc.socketPath, env.KUBEPLAY_STATE_DIR);
  expect(nets.length === 1, `${nets.length} networks for ${env.KUBEPLAY_STATE_DIR}`);
  const system = (await allPods(svc.socketPath)).filter((p) => p.Labels?.['kubeplay.io/network'] === nets[0].name);
  for (const p of system) {
    const role = p.Labels['kubeplay.io/role'];
    if (role === 'dns') s.add('mem dns', await memMB(ctx, p.Name));
    else if (role === 'service-proxy') s.add('mem proxy', await memMB(ctx, p.Name));
  }
  s.add('mem app pod', await memMB(ctx, pods[0]));
  log(`repeat ${r + 1}: in-pod name ${fmtMs(s.get('pod name').at(-1))}, nslookup ${fmtMs(dns.ms)} (${dns.ok}/${opts.lookups}), DNS pod ${s.get('mem dns').at(-1)} MB`);

  // 6. scale N -> 2N
  const ts = performance.now();
  const scale = await run(['scale', 'deployment/web', `--replicas=${2 * n}`]);
  sample('scale', scale);
  await waitFor(async () => (await appPods()).length === 2 * n, ts);
  const names = (await appPods()).map((p) => p.Name.slice(ns.length + 1));
  const all = await allAnswer(nodePort, names, ts);
  s.add('scale, all answered', all.ms);
  s.add('scale|requests', all.requests);
  log(`repeat ${r + 1}: scale ${fmtMs(scale.ms)}, every replica answered at ${fmtMs(all.ms)} (${all.requests} requests, ${all.missing} missing)`);

  const del = await run([...(r === 0 ? ['-v'] : []), 'delete', '-f', file]);
  sample('svc delete', del);
  if (r === 0) fs.writeFileSync(path.join(ctx.keep, 'svc-delete-v.log'), del.stderr);
  await removeUnder(ctx, env.KUBEPLAY_STATE_DIR);
}

/** withoutServices: phase 7 in another fresh state directory. */
async function withoutServices(ctx, r) {
  const { opts, tmp, svc, s, ns } = ctx;
  const n = opts.replicas;
  const env = { ...ctx.env, KUBEPLAY_STATE_DIR: path.join(tmp, `state-plain-${r}`) };
  const run = (args) => timed('kubeplay', [...args, '-n', ns], { env, tmp });
  const sample = (key, res) => {
    s.add(key, res.ms);
    s.add(`${key}|rss`, res.rssKiB);
  };
  const file = path.join(tmp, `plain-${r}.yaml`);
  const deployFile = path.join(tmp, `plain-deploy-${r}.yaml`);
  fs.writeFileSync(file, [namespaceYaml(ns), deploymentYaml('web', n, ns)].join('---\n'));
  fs.writeFileSync(deployFile, deploymentYaml('web', n, ns));
  const appPods = () => podsOf(svc.socketPath, `${ns}_web-`);

  const apply = await run([...(r === 0 ? ['-v'] : []), 'apply', '-f', file]);
  expect(apply.stdout.includes('deployment.apps/web created'), `apply printed ${apply.stdout.trim()}`);
  sample('plain apply', apply);
  if (r === 0) fs.writeFileSync(path.join(ctx.keep, 'plain-apply-v.log'), apply.stderr);
  s.add('plain apply, all running', await waitFor(async () => runningPods(await appPods()).length === n, apply.t0));
  for (let i = 0; i < opts.noops; i++) {
    await sleep(500);
    const again = await run(['apply', '-f', file]);
    expect(again.stdout.trim().split('\n').every((l) => l.endsWith(' unchanged')), `re-apply printed ${again.stdout.trim()}`);
    sample('plain re-apply', again);
  }
  const del = await run([...(r === 0 ? ['-v'] : []), 'delete', '-f', deployFile]);
  if (r === 0) fs.writeFileSync(path.join(ctx.keep, 'plain-delete-v.log'), del.stderr);
  await waitFor(async () => (await appPods()).length === 0, del.t0);
  // warm: the network and the DNS pod are there already
  const warm = await run(['apply', '-f', deployFile]);
  sample('plain apply warm', warm);
  s.add('plain apply warm, all running', await waitFor(async () => runningPods(await appPods()).length === n, warm.t0));
  log(`repeat ${r + 1}: without Services: apply ${fmtMs(apply.ms)} (cold), ${fmtMs(warm.ms)} (warm)`);
  await run(['delete', '-f', file]);
  await removeUnder(ctx, env.KUBEPLAY_STATE_DIR);
}

/** kubePlay: phase 8. */
async function kubePlay(ctx, r) {
  const { opts, tmp, svc, s, names, nodePort } = ctx;
  const name = names.kube;
  const withSvc = path.join(tmp, `kube-svc-${r}.yaml`);
  const plain = path.join(tmp, `kube-${r}.yaml`);
  fs.writeFileSync(withSvc, [deploymentYaml(name, opts.replicas), servicesYaml(name, nodePort + 1)].join('---\n'));
  fs.writeFileSync(plain, deploymentYaml(name, opts.replicas));
  const noPorts = path.join(tmp, `kube-noports-${r}.yaml`);
  fs.writeFileSync(noPorts, deploymentYaml(name, opts.replicas, undefined, { ports: false }));

  const play = await podmanCli(ctx, ['kube', 'play', withSvc], { allowFail: true });
  s.add('kube play svc', play.ms);
  const made = await podsOf(svc.socketPath, `${name}-`);
  s.add('kube play svc|pods', made.length);
  let answers = 'no';
  try {
    answers = `yes: ${(await get('127.0.0.1', nodePort + 1, 2000)).body}`;
  } catch (e) {
    answers = `no (${e.code ?? e.message})`;
  }
  if (r === 0) {
    ctx.kube = { code: play.code, stdout: play.stdout.trim(), stderr: play.stderr.trim(), pods: made.map((p) => p.Name).sort(), nodePort: answers };
    log(`kube play with the Services: exit ${play.code}, ${made.length} pods; nodePort ${nodePort + 1} answers: ${answers}\n${play.stdout.trim()}\n${play.stderr.trim()}`);
  }
  s.add('kube down svc', (await podmanCli(ctx, ['kube', 'down', withSvc], { allowFail: true })).ms);

  // The Deployment alone, as written (its containerPort: 4.3.1 publishes it on the host, so only one replica can start)
  const p2 = await podmanCli(ctx, ['kube', 'play', plain], { allowFail: true });
  s.add('kube play', p2.ms);
  s.add('kube play|exit', p2.code);
  s.add('kube play|running', runningPods(await podsOf(svc.socketPath, `${name}-`)).length);
  s.add('kube down', (await podmanCli(ctx, ['kube', 'down', plain], { allowFail: true })).ms);
  // … and without `ports`, so that every replica starts: kube play's time for the same pods
  const p3 = await podmanCli(ctx, ['kube', 'play', noPorts], { allowFail: true });
  s.add('kube play no ports', p3.ms);
  s.add('kube play no ports|exit', p3.code);
  s.add('kube play no ports|running', runningPods(await podsOf(svc.socketPath, `${name}-`)).length);
  s.add('kube down no ports', (await podmanCli(ctx, ['kube', 'down', noPorts], { allowFail: true })).ms);
  log(`repeat ${r + 1}: kube play ${fmtMs(play.ms)} with the Services, ${fmtMs(p2.ms)} without (exit ${p2.code}), ${fmtMs(p3.ms)} without ports (exit ${p3.code})`);
}

// ------------------------------------------------------------------------------------------------
// Cleanup: only what this run made
// ------------------------------------------------------------------------------------------------

async function removePods(ctx, names) {
  if (names.length === 0) return;
  await podmanCli(ctx, ['pod', 'rm', '--force', '--ignore', '--time', '0', ...names], { allowFail: true });
}

/** removeUnder removes the networks of state directories under `dir` and their pods (DNS, proxies), after the namespace's pods. */
async function removeUnder(ctx, dir) {
  const { svc, ns } = ctx;
  await removePods(ctx, (await podsOf(svc.socketPath, `${ns}_`)).map((p) => p.Name));
  await removeNetworksUnder(svc.socketPath, dir);
}

async function cleanup(ctx) {
  await removePods(ctx, (await podsOf(ctx.svc.socketPath, `${ctx.names.kube}-`)).map((p) => p.Name));
  await removeUnder(ctx, ctx.tmp);
}

// ------------------------------------------------------------------------------------------------
// Report
// ------------------------------------------------------------------------------------------------


function counts(xs, digits = 0) {
  if (!xs.length) return '–';
  const f = (x) => x.toFixed(digits);
  return min(xs) === max(xs) ? f(xs[0]) : `${f(median(xs))} (${f(min(xs))}–${f(max(xs))})`;
}

function msCell(xs) {
  return counts(xs, 2) + (xs.length ? ' ms' : '');
}

function report(ctx, meta) {
  const { s, opts } = ctx;
  const n = opts.replicas;
  const row = (what, key, note = '') => `| ${what} | ${cell(s.get(key))} | ${mib(s.get(`${key}|rss`))} | ${note} |`;
  const out = [];
  out.push(
    `Run: \`node bench/services.js --replicas ${n} --repeat ${opts.repeat}\`, ${meta.start}, ${meta.minutes} min in all. ` +
      `Load average (1 min) ${meta.loadStart} at the start, ${meta.loadEnd} at the end; other test processes seen: ${meta.others}.`,
  );
  out.push(`Machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${meta.podman}.`);
  out.push('');
  out.push('| measure | wall time, median (min–max) | peak RSS | |');
  out.push('| --- | --- | --- | --- |');
  out.push(row(`apply from nothing: Deployment of ${n} + ClusterIP + NodePort Service (until it returns)`, 'svc apply', `${counts(s.get('svc apply|running at return'))} of ${n} running at return; makes the network, the DNS pod, 2 proxies`));
  out.push(row('… until the NodePort answers from the host', 'svc apply, NodePort answers'));
  out.push(row('… until every replica runs', 'svc apply, all running'));
  out.push(row(`the same Deployment without the Services, from nothing (until it returns)`, 'plain apply', 'still makes the network and the DNS pod'));
  out.push(row('… until every replica runs', 'plain apply, all running'));
  out.push(row('the Deployment without the Services, network and DNS pod already there', 'plain apply warm'));
  out.push(row('… until every replica runs', 'plain apply warm, all running'));
  out.push(row('no-op re-apply, with the Services (`unchanged` ×4)', 'svc re-apply'));
  out.push(row('no-op re-apply, without (`unchanged` ×2)', 'plain re-apply'));
  out.push(row(`\`scale\` ${n} → ${2 * n} (until it returns)`, 'scale'));
  out.push(row(`… until every one of the ${2 * n} replicas has answered through the NodePort`, 'scale, all answered', `${counts(s.get('scale|requests'))} requests`));
  out.push(row('delete -f of it all (namespace, Deployment, Services)', 'svc delete'));
  out.push(row('`podman kube play` of the Deployment + Services file', 'kube play svc', `exit ${ctx.kube?.code ?? '?'}; ${counts(s.get('kube play svc|pods'))} pods made; the nodePort answers: ${ctx.kube?.nodePort ?? '?'}`));
  out.push(row('`podman kube play` of the Deployment alone', 'kube play', `exit ${counts(s.get('kube play|exit'))}; ${counts(s.get('kube play|running'))} of ${n} pods running`));
  out.push(row('`podman kube play` of the Deployment without `ports`', 'kube play no ports', `exit ${counts(s.get('kube play no ports|exit'))}; ${counts(s.get('kube play no ports|running'))} of ${n} pods running`));
  out.push(row('`podman kube down` of it', 'kube down no ports'));
  out.push('');
  out.push(`| requests from the host (${opts.requests} each, a new connection each) | sequential p50 | sequential p99 | burst of ${opts.requests}, ${opts.inflight} in flight | burst p50 | burst p99 | burst max | errors |`);
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const what of ['NodePort', 'ClusterIP', 'pod IP']) {
    const rps = s.get(`host ${what}|rps`);
    out.push(
      `| host → ${what === 'NodePort' ? '127.0.0.1:nodePort' : what} | ${msCell(s.get(`host ${what}|p50`))} | ${msCell(s.get(`host ${what}|p99`))} | ${counts(rps)}/s | ${msCell(s.get(`host ${what}|burst p50`))} | ${msCell(s.get(`host ${what}|burst p99`))} | ${msCell(s.get(`host ${what}|burst max`))} | ${[...s.get(`host ${what}|errors`), ...s.get(`host ${what}|burst errors`)].reduce((a, b) => a + b, 0)} |`,
    );
  }
  out.push('');
  out.push(`| inside a replica (busybox, mean of ${opts.inpod} requests / ${opts.lookups} lookups) | per request | answered |`);
  out.push('| --- | --- | --- |');
  out.push(`| \`nc web 80\` (search list → DNS → ClusterIP → proxy → a replica) | ${msCell(s.get('pod name'))} | ${counts(s.get('pod name|ok'))}/${opts.inpod} |`);
  out.push(`| \`nc <ClusterIP> 80\` | ${msCell(s.get('pod ClusterIP'))} | ${counts(s.get('pod ClusterIP|ok'))}/${opts.inpod} |`);
  out.push(`| \`nc <another pod's IP> 8080\` | ${msCell(s.get('pod pod IP'))} | ${counts(s.get('pod pod IP|ok'))}/${opts.inpod} |`);
  out.push(`| \`nslookup web.<ns>.svc.cluster.local\` | ${msCell(s.get('nslookup'))} | ${counts(s.get('nslookup|ok'))}/${opts.lookups} |`);
  out.push('');
  out.push(
    `Memory (\`podman pod stats --no-stream\`, MB): the DNS pod ${counts(s.get('mem dns'), 1)}; a proxy pod ${counts(s.get('mem proxy'), 2)}; one replica (infra + httpd) ${counts(s.get('mem app pod'), 2)}.`,
  );
  return out.join('\n');
}

// ------------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(ROOT, 'dist'))) throw new Error('no dist/: run `npm run build` first');
  const podmanEnv = { ...process.env };
  for (const v of ['CONTAINER_HOST', 'CONTAINER_CONNECTION']) delete podmanEnv[v];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-bench-svc-'));
  fs.chmodSync(tmp, 0o700);
  const keep = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-bench-svc-results-'));
  const svc = await startService(tmp);
  const env = { ...podmanEnv, CONTAINER_HOST: `unix://${svc.socketPath}`, NO_COLOR: '1' };
  const names = { kube: `kpbk-${process.pid}` };
  const ns = `kpbs-${process.pid}`;
  // A nodePort (and the next one, for kube play) from the pid: other runs share the host.
  const nodePort = 30000 + ((process.pid * 7) % 2700);
  const s = new Samples();
  const ctx = { opts, env, podmanEnv, tmp, keep, svc, s, names, ns, nodePort };
  const start = new Date();
  const loadStart = os.loadavg()[0].toFixed(1);
  const others = otherTests();
  const podman = await floor.request(svc.socketPath, 'GET', '/version').then((v) => `Podman ${v.body?.Version ?? '?'}`, () => 'Podman ?');
  log(`${ns}: ${opts.replicas} replicas, ${opts.repeat} repeat(s), nodePort ${nodePort}; load ${loadStart}; other tests: ${others}`);
  try {
    for (let r = 0; r < opts.repeat; r++) {
      // Alternate which goes first: the machine is shared and its load drifts.
      if (r % 2 === 0) {
        await withServices(ctx, r);
        await withoutServices(ctx, r);
      } else {
        await withoutServices(ctx, r);
        await withServices(ctx, r);
      }
      await kubePlay(ctx, r);
      s.add('load', os.loadavg()[0]);
    }
  } finally {
    await cleanup(ctx).catch((e) => log(`cleanup: ${e.message}`));
    await stopService(svc);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const meta = {
    start: `${start.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    minutes: ((Date.now() - start.getTime()) / 60000).toFixed(0),
    loadStart,
    loadEnd: os.loadavg()[0].toFixed(1),
    others: `${others} at the start, ${otherTests()} at the end`,
    podman,
  };
  fs.writeFileSync(path.join(keep, 'samples.json'), JSON.stringify({ opts, meta, kubePlay: ctx.kube, samples: s }, null, 2));
  console.log(report(ctx, meta));
  log(`raw samples, and the first repeat's -v logs: ${keep}`);
}

/** otherTests counts jest processes not started by this bench (others' test runs). */

main().catch((e) => {
  process.stderr.write(`bench/services: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
