#!/usr/bin/env node
// bench/serve.js (`npm run bench:serve`): the performance of `kubeplay serve` (issue 20), with the
// built CLI (`node bin/kubeplay.js`) and the real kubectl against real Podman. Run by hand, never a
// test. In order:
//   1. N pods (busybox, one container each, in a namespace of the bench's own) applied by
//      `kubeplay apply` into the state directory the server then uses; the bench waits until every
//      pod runs, starts `kubeplay serve --port 0`, and waits until the server's list shows every pod
//      Running (its control loop writes the pods' status to the store);
//   2. idle: the server's RSS and CPU % (from /proc, over --idle seconds, no client connected), and
//      the CPU % of the private Podman service meanwhile (the control loop polls it);
//   3. `kubectl get pods -n NS` against the server beside `kubeplay get pods -n NS`, --repeat times
//      each, alternating (the first kubectl run, with no discovery cache, is reported alone);
//   4. `kubectl apply -f` of the N unchanged pods beside `kubeplay apply -f` of the same file,
//      --repeat times each, alternating (after one of each as a warm-up: the first kubectl apply of
//      objects kubeplay applied may configure them);
//   5. the requests kubectl makes for 3 and 4 (`-v=6` prints each with its time: counted, summed);
//   6. the latency of each request to the server, node https with keep-alive (one connection),
//      --requests of each after 10 of warm-up: the list of N pods as JSON and as a Table, GET of one
//      pod, a no-op merge PATCH (a label set to the value it has); p50/p90/p99;
//   7. watch latency: a raw `?watch=true` on the namespace's pods, then --watches times: `podman stop`
//      of a pod's container, the time from Podman's `died` event (`podman events --format json`,
//      read throughout) and from the return of `podman stop` to the MODIFIED event that shows the
//      container no longer running; then `podman start` of it and the MODIFIED showing it running;
//   8. the server's peak RSS (VmHWM) at the end.
// `podman kube play` has no API server: there is nothing of it to compare with; the CLI is.
//
// Everything runs against a private `podman system service` (kubeplay and the server reach it
// through CONTAINER_HOST; the podman CLI runs locally on the same storage), a private state
// directory, kubeconfig and HOME for kubectl. Names: the namespace `kpsv-<pid>` (its pods are
// `kpsv-<pid>_…` in Podman), the network kubeplay makes for the bench's state directory. At the
// end, on failure and on SIGINT/SIGTERM, it stops the server and `podman events`, removes those
// pods and that network only, stops its service and removes its temp directory. The raw samples and
// the -v=6 logs are kept in a directory named at the end.
//
//   npm run bench:serve                              # 50 pods (~6 min on 2 cores)
//   node bench/serve.js --pods 10 --repeat 3 --requests 50 --watches 5 --idle 10
//   node bench/serve.js --root /tmp/other-build     # another build: DIR/bin/kubeplay.js, DIR/dist
//   node bench/serve.js --kubectl /usr/lib/google-cloud-sdk/bin/kubectl.1.27
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const https = require('node:https');
const { spawn } = require('node:child_process');
const floor = require('./lib/rest-floor');
const { median, min, max, fmtMs } = require('./lib/stats');
const { startService, stopService, runningPods, mib, otherTests, removeNetworksUnder } = require('./lib/podman-bench');

const ROOT = path.join(__dirname, '..');
let BIN = path.join(ROOT, 'bin', 'kubeplay.js');
const RSS_PRELOAD = path.join(__dirname, 'lib', 'report-rss.js');
const IMAGE = 'localhost/busybox:stable';
// `sleep 1 & wait` lets the shell take TERM at once (a foreground sleep would delay the trap).
const LOOP = 'trap "exit 0" TERM; while :; do sleep 1 & wait; done';
const CLK_TCK = 100;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => process.stderr.write(`bench: ${line}\n`);

function parseArgs(argv) {
  const opts = { pods: 50, repeat: 10, requests: 200, watches: 20, idle: 30, kubectl: 'kubectl', root: ROOT };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in opts)) throw new Error(`unknown option ${argv[i]} (--${Object.keys(opts).join(' N, --')} PATH)`);
    const v = argv[++i];
    if (key === 'kubectl' || key === 'root') {
      opts[key] = v;
      continue;
    }
    opts[key] = Number(v);
    if (!(opts[key] > 0)) throw new Error(`--${key} needs a positive number`);
  }
  return opts;
}

function podsYaml(ns, n) {
  const docs = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`];
  for (let i = 0; i < n; i++) {
    docs.push(`apiVersion: v1
kind: Pod
metadata:
  name: p-${String(i).padStart(3, '0')}
  namespace: ${ns}
  labels: {app: bench}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: ${IMAGE}
    imagePullPolicy: Never
    command: [sh, -c, '${LOOP}']
`);
  }
  return docs.join('---\n');
}

// ------------------------------------------------------------------------------------------------
// Statistics
// ------------------------------------------------------------------------------------------------

/** pct is the nearest-rank percentile. */
function pct(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

function ms(x) {
  if (!Number.isFinite(x)) return '–';
  if (x < 10) return `${x.toFixed(2)} ms`;
  return fmtMs(x);
}

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

// ------------------------------------------------------------------------------------------------
// Commands
// ------------------------------------------------------------------------------------------------

let rssNo = 0;

/** timed runs a command and resolves to { ms, code, stdout, stderr, rssKiB } (kubeplay: its own peak RSS). */
function timed(ctx, command, args, { kubeplay = false, allowFail = false, env } = {}) {
  const rssFile = kubeplay ? path.join(ctx.tmp, `rss-${rssNo++}.json`) : undefined;
  const argv = kubeplay ? ['-r', RSS_PRELOAD, BIN, ...args] : args;
  const bin = kubeplay ? process.execPath : command;
  const childEnv = env ?? (kubeplay ? { ...ctx.env, KUBEPLAY_BENCH_RSS: rssFile } : ctx.env);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(bin, argv, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const took = performance.now() - t0;
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
      resolve({ ms: took, t0, code, stdout, stderr, rssKiB });
    });
  });
}

const kubeplay = (ctx, args, o = {}) => timed(ctx, 'kubeplay', args, { ...o, kubeplay: true });
const kubectl = (ctx, args, o = {}) => timed(ctx, ctx.opts.kubectl, args, { ...o, env: ctx.kubectlEnv });
const podmanCli = (ctx, args, o = {}) => timed(ctx, 'podman', args, { ...o, env: ctx.podmanEnv });

/** requestsOf reads kubectl's -v=6 log: each request's method, path and milliseconds. */
function requestsOf(stderr) {
  const out = [];
  for (const m of stderr.matchAll(/\] "?(GET|POST|PUT|PATCH|DELETE|HEAD)"? (https?:\/\/\S+?)"? (?:status=")?(\d{3})[^\n]*? in (\d+) milliseconds/g)) {
    out.push({ method: m[1], url: new URL(m[2]).pathname, code: Number(m[3]), ms: Number(m[4]) });
  }
  // kubectl 1.32 logs structured lines: `"Response" verb="GET" url="..." status="200 OK" milliseconds=5`
  for (const m of stderr.matchAll(/"Response" verb="(\w+)" url="([^"]+)" status="(\d{3})[^"]*" milliseconds=(\d+)/g)) {
    out.push({ method: m[1], url: new URL(m[2]).pathname, code: Number(m[3]), ms: Number(m[4]) });
  }
  return out;
}

/** requestSummary: "57 (GET 56, PATCH 1), 412 ms in all" and what the paths were. */
function requestSummary(reqs) {
  const byMethod = new Map();
  for (const r of reqs) byMethod.set(r.method, (byMethod.get(r.method) ?? 0) + 1);
  const total = reqs.reduce((a, r) => a + r.ms, 0);
  const kinds = new Map();
  for (const r of reqs) {
    const k = /\/pods\/[^/]+$/.test(r.url) ? `${r.method} one pod` : /\/namespaces\/[^/]+$/.test(r.url) ? `${r.method} the namespace` : /openapi/.test(r.url) ? `${r.method} openapi` : /^\/(api|apis)$/.test(r.url) ? `${r.method} discovery` : `${r.method} ${r.url}`;
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  return { count: reqs.length, methods: Object.fromEntries(byMethod), totalMs: total, kinds: Object.fromEntries(kinds), codes: [...new Set(reqs.map((r) => r.code))] };
}

// ------------------------------------------------------------------------------------------------
// The server
// ------------------------------------------------------------------------------------------------

/** startServer starts `kubeplay serve --port 0` on the bench's state directory; resolves once it listens. */
async function startServer(ctx) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--kubeconfig', ctx.kubeconfig], { env: ctx.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr = (stderr + d).slice(-20000);
  });
  child.on('exit', (code, signal) => {
    if (!ctx.stopping) log(`kubeplay serve exited by itself (${code ?? signal}) at ${new Date().toISOString()}:\n${stdout}${stderr}`);
  });
  ctx.server = { child, stderr: () => `${stdout}${stderr}` };
  const t0 = performance.now();
  for (;;) {
    const m = /listening on (https:\/\/\S+)/.exec(stdout);
    if (m && fs.existsSync(ctx.kubeconfig) && /kubeconfig/.test(stdout)) {
      const kc = fs.readFileSync(ctx.kubeconfig, 'utf8');
      const token = /token: (\S+)/.exec(kc)?.[1];
      const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kc)?.[1] ?? '', 'base64').toString('utf8');
      const url = new URL(m[1]);
      return { url, token, ca, startMs: performance.now() - t0 };
    }
    if (child.exitCode !== null) throw new Error(`kubeplay serve exited ${child.exitCode}:\n${stderr}`);
    if (performance.now() - t0 > 60_000) throw new Error(`kubeplay serve did not listen in 60 s:\n${stderr}`);
    await sleep(50);
  }
}

async function stopServer(ctx) {
  const s = ctx.server;
  ctx.stopping = true;
  if (!s || s.child.exitCode !== null) return;
  s.child.kill('SIGTERM');
  await Promise.race([new Promise((r) => s.child.once('exit', r)), sleep(10_000)]);
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
}

/**
 * api does one request on the keep-alive agent; resolves to { status, ms, text, body }. A request
 * on a reused connection that the server closed meanwhile is sent once more on a new one (Node's
 * advice for keep-alive clients) and counted in `retries`.
 */
async function api(ctx, method, p, o = {}) {
  try {
    return await api1(ctx, method, p, o);
  } catch (e) {
    if (!e.reused || e.code !== 'ECONNRESET') throw e;
    ctx.s.add('retries', 1);
    log(`${method} ${p}: ${e.message} on a reused connection: sent again`);
    return api1(ctx, method, p, o);
  }
}

function api1(ctx, method, p, { accept = 'application/json', body, contentType } = {}) {
  const { url, token } = ctx.api;
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const t0 = performance.now();
    const req = https.request(
      {
        agent: ctx.agent,
        host: url.hostname,
        port: url.port,
        method,
        path: p,
        headers: { authorization: `Bearer ${token}`, accept, ...(data ? { 'content-type': contentType ?? 'application/json', 'content-length': data.length } : {}) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const took = performance.now() - t0;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode, ms: took, text, body: parsed, bytes: Buffer.concat(chunks).length });
        });
        res.on('error', reject);
      },
    );
    req.on('error', (e) => reject(Object.assign(e, { reused: req.reusedSocket })));
    req.end(data);
  });
}

/** procStat: the process's CPU ticks (user + system), RSS and peak RSS in KiB. */
function procStat(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { ticks, rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}

/** podmanServicePid: the private service's process (`podman system service`). */
function cpuPercent(a, b, wallMs) {
  return ((b.ticks - a.ticks) / CLK_TCK / (wallMs / 1000)) * 100;
}

// ------------------------------------------------------------------------------------------------
// Podman
// ------------------------------------------------------------------------------------------------

async function podsOf(socketPath, prefix) {
  const res = await floor.request(socketPath, 'GET', '/pods/json');
  return (Array.isArray(res.body) ? res.body : []).filter((p) => typeof p.Name === 'string' && p.Name.startsWith(prefix));
}

/** appContainer: the name of a Podman pod's one app container. */
function appContainer(pod) {
  const c = (pod.Containers ?? []).find((x) => x.Id !== pod.InfraId);
  return c?.Names ?? c?.Name;
}

/** followEvents runs `podman events --format json` (container died/start) and keeps what it reads. */
function followEvents(ctx) {
  const child = spawn('podman', ['events', '--format', 'json', '--filter', 'type=container'], { env: ctx.podmanEnv, stdio: ['ignore', 'pipe', 'ignore'] });
  const seen = [];
  let buf = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        const e = JSON.parse(line);
        if (e.Status === 'died' || e.Status === 'start') seen.push({ name: e.Name, status: e.Status, atMs: Date.parse(e.Time) + (Number(/\.\d{3}(\d*)Z$/.exec(e.Time)?.[1]?.slice(0, 3) ?? 0) / 1000) });
      } catch {
        // not a line of JSON
      }
    }
  });
  ctx.events = child;
  return {
    find: (name, status, afterMs) => seen.find((e) => e.name === name && e.status === status && e.atMs >= afterMs - 5),
    stop: () => child.kill('SIGTERM'),
  };
}

/** openWatch opens a raw watch on the namespace's pods from `rv`; events are kept with their arrival times. */
function openWatch(ctx, rv) {
  const { url, token } = ctx.api;
  const events = [];
  const waiters = new Set();
  let req;
  const opened = new Promise((resolve, reject) => {
    req = https.request(
      { agent: ctx.watchAgent, host: url.hostname, port: url.port, method: 'GET', path: `/api/v1/namespaces/${ctx.ns}/pods?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`watch: HTTP ${res.statusCode}`));
        resolve();
        let buf = '';
        res.setEncoding('utf8').on('data', (d) => {
          const at = Date.now();
          const perf = performance.now();
          buf += d;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (line.trim() === '') continue;
            const e = JSON.parse(line);
            const rec = { type: e.type, name: e.object?.metadata?.name, object: e.object, at, perf };
            events.push(rec);
            for (const w of [...waiters]) if (w.test(rec)) {
              waiters.delete(w);
              w.resolve(rec);
            }
          }
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
  return {
    opened,
    events,
    /** next resolves to the first event from now on that passes `test` (undefined after limitMs). */
    next(test, limitMs = 30_000) {
      return new Promise((resolve) => {
        const w = { test, resolve };
        waiters.add(w);
        setTimeout(() => {
          if (waiters.delete(w)) resolve(undefined);
        }, limitMs);
      });
    },
    close: () => req?.destroy(),
  };
}

const mainState = (pod) => {
  const cs = (pod?.status?.containerStatuses ?? []).find((c) => c.name === 'main');
  return cs?.state?.running ? 'running' : cs?.state?.terminated ? 'terminated' : cs?.state?.waiting ? 'waiting' : 'none';
};

// ------------------------------------------------------------------------------------------------
// Phases
// ------------------------------------------------------------------------------------------------

async function setUp(ctx) {
  const { opts, ns } = ctx;
  fs.writeFileSync(ctx.file, podsYaml(ns, opts.pods));
  const t0 = performance.now();
  const apply = await kubeplay(ctx, ['apply', '-f', ctx.file]);
  log(`kubeplay apply of ${opts.pods} pods: ${fmtMs(apply.ms)}`);
  ctx.s.add('setup apply', apply.ms);
  for (;;) {
    const pods = await podsOf(ctx.svc.socketPath, `${ns}_`);
    if (runningPods(pods).length === opts.pods) break;
    if (performance.now() - t0 > 300_000) throw new Error(`only ${runningPods(pods).length} of ${opts.pods} pods run after 5 min`);
    await sleep(200);
  }
  ctx.api = await startServer(ctx);
  ctx.s.add('server start', ctx.api.startMs);
  ctx.agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: ctx.api.ca });
  ctx.watchAgent = new https.Agent({ keepAlive: false, ca: ctx.api.ca });
  const t1 = performance.now();
  for (;;) {
    const r = await api(ctx, 'GET', `/api/v1/namespaces/${ns}/pods`);
    const running = (r.body?.items ?? []).filter((p) => p.status?.phase === 'Running' && mainState(p) === 'running').length;
    if (running === opts.pods) break;
    if (performance.now() - t1 > 120_000) throw new Error(`the server shows ${running} of ${opts.pods} pods Running after 2 min`);
    await sleep(200);
  }
  ctx.s.add('server all Running', performance.now() - t1);
  log(`kubeplay serve listens at ${ctx.api.url.href} (${fmtMs(ctx.api.startMs)}); every pod Running in its list ${fmtMs(performance.now() - t1)} later`);
}

async function idle(ctx) {
  const { opts, s } = ctx;
  const pid = ctx.server.child.pid;
  const svcPid = ctx.svc.child.pid;
  await sleep(5000);
  const a = procStat(pid);
  const sa = procStat(svcPid);
  const t0 = performance.now();
  const rss = [];
  while (performance.now() - t0 < opts.idle * 1000) {
    await sleep(1000);
    rss.push(procStat(pid).rssKiB);
  }
  const wall = performance.now() - t0;
  const b = procStat(pid);
  const sb = procStat(svcPid);
  s.add('idle cpu', cpuPercent(a, b, wall));
  s.add('idle service cpu', cpuPercent(sa, sb, wall));
  for (const x of rss) s.add('idle rss', x);
  log(`idle ${opts.idle} s: server ${cpuPercent(a, b, wall).toFixed(1)} % CPU, RSS ${Math.round(median(rss) / 1024)} MB; Podman service ${cpuPercent(sa, sb, wall).toFixed(1)} % CPU`);
}

async function gets(ctx) {
  const { opts, s, ns, keep } = ctx;
  // The first kubectl run has no discovery cache ($HOME/.kube/cache is the bench's own).
  const cold = await kubectl(ctx, ['get', 'pods', '-n', ns, '-v=6']);
  s.add('kubectl get cold', cold.ms);
  fs.writeFileSync(path.join(keep, 'kubectl-get-cold-v6.log'), cold.stderr);
  ctx.reqs.getCold = requestSummary(requestsOf(cold.stderr));
  const lines = (out) => out.trim().split('\n').length - 1;
  for (let i = 0; i < opts.repeat; i++) {
    const order = i % 2 === 0 ? ['kubectl', 'kubeplay'] : ['kubeplay', 'kubectl'];
    for (const who of order) {
      const r = who === 'kubectl' ? await kubectl(ctx, ['get', 'pods', '-n', ns]) : await kubeplay(ctx, ['get', 'pods', '-n', ns]);
      if (lines(r.stdout) !== opts.pods) throw new Error(`${who} get pods printed ${lines(r.stdout)} pods:\n${r.stdout}`);
      s.add(`${who} get`, r.ms);
      s.add(`${who} get|rss`, r.rssKiB);
    }
  }
  const warm = await kubectl(ctx, ['get', 'pods', '-n', ns, '-v=6']);
  fs.writeFileSync(path.join(keep, 'kubectl-get-v6.log'), warm.stderr);
  ctx.reqs.get = requestSummary(requestsOf(warm.stderr));
  // kubeplay get and kubectl get print the same table (but AGE may differ by a second)
  const a = (await kubectl(ctx, ['get', 'pods', '-n', ns])).stdout;
  const b = (await kubeplay(ctx, ['get', 'pods', '-n', ns])).stdout;
  const strip = (t) => t.replace(/\s+\S+$/gm, '');
  ctx.sameTable = strip(a) === strip(b);
  log(`get: kubectl ${fmtMs(median(s.get('kubectl get')))} (cold ${fmtMs(cold.ms)}), kubeplay ${fmtMs(median(s.get('kubeplay get')))}; kubectl made ${ctx.reqs.get.count} requests (${ctx.reqs.getCold.count} cold); same table: ${ctx.sameTable}`);
}

async function applies(ctx) {
  const { opts, s, keep } = ctx;
  const lines = (out) => out.trim().split('\n');
  const noop = (who, r) => {
    const sum = summarize(lines(r.stdout));
    if (sum.unchanged !== opts.pods + 1) throw new Error(`${who} apply was not a no-op: ${JSON.stringify(sum)}\n${r.stdout}`);
  };
  // kubectl and kubeplay write the last-applied annotation each in its own form, so the first
  // kubectl apply after a kubeplay apply patches every object (and a kubeplay apply after a kubectl
  // one configures the namespace): each is measured in a block of its own after one warm-up run,
  // and the switch from one to the other is measured once each way.
  const first = await kubectl(ctx, ['apply', '-f', ctx.file, '-v=6']);
  fs.writeFileSync(path.join(keep, 'kubectl-apply-first-v6.log'), first.stderr);
  ctx.firstApply = { kubectl: summarize(lines(first.stdout)), ms: first.ms, reqs: requestSummary(requestsOf(first.stderr)) };
  log(`first kubectl apply after kubeplay's: ${fmtMs(first.ms)} ${JSON.stringify(ctx.firstApply.kubectl)}`);
  for (let i = 0; i < opts.repeat; i++) {
    const r = await kubectl(ctx, ['apply', '-f', ctx.file]);
    noop('kubectl', r);
    s.add('kubectl apply', r.ms);
  }
  const v = await kubectl(ctx, ['apply', '-f', ctx.file, '-v=6']);
  noop('kubectl', v);
  fs.writeFileSync(path.join(keep, 'kubectl-apply-v6.log'), v.stderr);
  ctx.reqs.apply = requestSummary(requestsOf(v.stderr));
  const kpFirst = await kubeplay(ctx, ['apply', '-f', ctx.file]);
  ctx.firstApply.kubeplay = summarize(lines(kpFirst.stdout));
  ctx.firstApply.kubeplayMs = kpFirst.ms;
  log(`first kubeplay apply after kubectl's: ${fmtMs(kpFirst.ms)} ${JSON.stringify(ctx.firstApply.kubeplay)}`);
  for (let i = 0; i < opts.repeat; i++) {
    const r = await kubeplay(ctx, ['apply', '-f', ctx.file]);
    noop('kubeplay', r);
    s.add('kubeplay apply', r.ms);
    s.add('kubeplay apply|rss', r.rssKiB);
  }
  log(`apply: kubectl ${fmtMs(median(s.get('kubectl apply')))} (${ctx.reqs.apply.count} requests, ${ctx.reqs.apply.totalMs} ms of them), kubeplay ${fmtMs(median(s.get('kubeplay apply')))}`);
}

function summarize(lines) {
  const out = {};
  for (const l of lines) {
    const w = / (\w+)$/.exec(l)?.[1] ?? l;
    out[w] = (out[w] ?? 0) + 1;
  }
  return out;
}

async function requests(ctx) {
  const { opts, s, ns } = ctx;
  const list = `/api/v1/namespaces/${ns}/pods`;
  const one = `${list}/p-000`;
  const table = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  const before = (await api(ctx, 'GET', one)).body;
  const label = before.metadata.labels.app;
  const patch = { metadata: { labels: { app: label } } };
  const kinds = [
    ['list JSON', () => api(ctx, 'GET', list)],
    ['list Table', () => api(ctx, 'GET', `${list}?limit=500`, { accept: table })],
    ['get one', () => api(ctx, 'GET', one)],
    ['no-op PATCH', () => api(ctx, 'PATCH', one, { body: patch, contentType: 'application/merge-patch+json' })],
  ];
  for (const [what, call] of kinds) {
    for (let i = 0; i < 10; i++) await call();
    const t0 = performance.now();
    for (let i = 0; i < opts.requests; i++) {
      const r = await call();
      if (r.status !== 200) throw new Error(`${what}: HTTP ${r.status}: ${r.text.slice(0, 500)}`);
      s.add(`req ${what}`, r.ms);
      if (i === 0) s.add(`req ${what}|bytes`, r.bytes);
    }
    s.add(`req ${what}|rps`, opts.requests / ((performance.now() - t0) / 1000));
    log(`${what}: p50 ${ms(pct(s.get(`req ${what}`), 50))}, p90 ${ms(pct(s.get(`req ${what}`), 90))}, p99 ${ms(pct(s.get(`req ${what}`), 99))}`);
  }
  const after = (await api(ctx, 'GET', one)).body;
  ctx.patchBumps = { before: before.metadata.resourceVersion, after: after.metadata.resourceVersion };
}

async function watches(ctx) {
  const { opts, s, ns } = ctx;
  const events = followEvents(ctx);
  await sleep(1000);
  const listed = await api(ctx, 'GET', `/api/v1/namespaces/${ns}/pods`);
  const watch = openWatch(ctx, listed.body.metadata.resourceVersion);
  await watch.opened;
  const pods = (await podsOf(ctx.svc.socketPath, `${ns}_`)).sort((a, b) => a.Name.localeCompare(b.Name));
  try {
    for (let i = 0; i < opts.watches; i++) {
      const pod = pods[i % pods.length];
      const name = pod.Name.slice(ns.length + 1);
      const ctr = appContainer(pod);
      // Stop: the first MODIFIED from now on that shows the container not running.
      const wall0 = Date.now();
      const stopped = watch.next((e) => e.type === 'MODIFIED' && e.name === name && mainState(e.object) !== 'running');
      const stop = await podmanCli(ctx, ['stop', '--time', '0', ctr]);
      const returned = performance.now();
      const ev = await stopped;
      const died = events.find(ctr, 'died', wall0);
      if (ev === undefined) {
        s.add('watch stop|missed', 1);
        log(`watch ${i + 1}: no MODIFIED for ${name} within 30 s of podman stop`);
      } else {
        s.add('watch stop from return', ev.perf - returned);
        s.add('watch stop from command', ev.perf - stop.t0);
        if (died) s.add('watch stop from died', ev.at - died.atMs);
        s.add('watch stop|state', mainState(ev.object) === 'terminated' ? 1 : 0);
      }
      // Start again: the first MODIFIED that shows it running (and Ready).
      const wall1 = Date.now();
      const started = watch.next((e) => e.type === 'MODIFIED' && e.name === name && mainState(e.object) === 'running');
      const start = await podmanCli(ctx, ['start', ctr], { allowFail: true });
      const returned1 = performance.now();
      const ev1 = await started;
      const began = events.find(ctr, 'start', wall1);
      if (ev1 === undefined) {
        s.add('watch start|missed', 1);
        log(`watch ${i + 1}: no MODIFIED (running) for ${name} within 30 s of podman start (exit ${start.code})`);
      } else {
        s.add('watch start from return', ev1.perf - returned1);
        if (began) s.add('watch start from event', ev1.at - began.atMs);
      }
      log(
        `watch ${i + 1}: ${name}: stop → MODIFIED ${ev ? fmtMs(ev.perf - returned) : '–'} after podman stop returned` +
          `${died && ev ? `, ${fmtMs(ev.at - died.atMs)} after the died event` : ''}; start → MODIFIED ${ev1 ? fmtMs(ev1.perf - returned1) : '–'}${began && ev1 ? ` (${fmtMs(ev1.at - began.atMs)} after the start event)` : ''}`,
      );
      await sleep(300);
    }
  } finally {
    watch.close();
    events.stop();
  }
  ctx.watchEvents = watch.events.length;
}

// ------------------------------------------------------------------------------------------------
// Cleanup: only what this run made
// ------------------------------------------------------------------------------------------------

let cleaning;
function cleanup(ctx) {
  cleaning ??= (async () => {
    try {
      ctx.events?.kill('SIGTERM');
      ctx.agent?.destroy();
      ctx.watchAgent?.destroy();
      await stopServer(ctx);
      if (ctx.server) fs.writeFileSync(path.join(ctx.keep, 'server-stderr.log'), `exit ${ctx.server.child.exitCode ?? ctx.server.child.signalCode}\n${ctx.server.stderr()}`);
      if (ctx.svc) {
        // Ctrl-C reaches the whole process group: the service may have gone with it; start another to clean up.
        if (ctx.svc.child.exitCode !== null || ctx.svc.child.signalCode !== null) ctx.svc = await startService(ctx.tmp);
        const mine = (await podsOf(ctx.svc.socketPath, `${ctx.ns}_`)).map((p) => p.Name);
        if (mine.length > 0) await podmanCli(ctx, ['pod', 'rm', '--force', '--ignore', '--time', '0', ...mine], { allowFail: true });
        await removeNetworksUnder(ctx.svc.socketPath, ctx.tmp);
      }
    } catch (e) {
      log(`cleanup: ${e.message}`);
    } finally {
      if (ctx.svc) await stopService(ctx.svc);
      fs.rmSync(ctx.tmp, { recursive: true, force: true });
    }
  })();
  return cleaning;
}

// ------------------------------------------------------------------------------------------------
// Report
// ------------------------------------------------------------------------------------------------

function row(what, xs, note = '') {
  return `| ${what} | ${ms(median(xs))} | ${ms(pct(xs, 90))} | ${xs.length ? `${ms(min(xs))}–${ms(max(xs))}` : '–'} | ${xs.length} | ${note} |`;
}

function reqNote(r) {
  if (!r) return '';
  const kinds = Object.entries(r.kinds)
    .map(([k, n]) => `${n}× ${k}`)
    .join(', ');
  return `${r.count} requests, ${r.totalMs} ms in all by kubectl's clock: ${kinds}`;
}

function report(ctx, meta) {
  const { s, opts } = ctx;
  const n = opts.pods;
  const rss = (key) => mib(s.get(key));
  const out = [];
  out.push(
    `Run: \`node bench/serve.js --pods ${n} --repeat ${opts.repeat} --requests ${opts.requests} --watches ${opts.watches} --idle ${opts.idle}${opts.root !== ROOT ? ` --root ${opts.root}` : ''}\`, ${meta.start}, ${meta.minutes} min in all, on ${meta.commit}. ` +
      `Load average (1 min) ${meta.loadStart} at the start, ${meta.loadEnd} at the end (${meta.loads}); other test processes seen: ${meta.others}.`,
  );
  out.push(`Machine: ${os.cpus().length} cores (nproc), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${meta.podman}, ${meta.kubectl}.`);
  out.push('');
  out.push('| measure (each a fresh process, wall time) | median | p90 | min–max | runs | |');
  out.push('| --- | --- | --- | --- | --- | --- |');
  out.push(row(`\`kubectl get pods -n NS\` (${n} pods) against kubeplay serve`, s.get('kubectl get'), reqNote(ctx.reqs.get)));
  out.push(row('… the first one, no discovery cache yet', s.get('kubectl get cold'), reqNote(ctx.reqs.getCold)));
  out.push(row('`kubeplay get pods -n NS`', s.get('kubeplay get'), `peak RSS ${rss('kubeplay get|rss')}; ${ctx.sameTable ? 'the same table as kubectl prints' : 'NOT the same table as kubectl prints'}`));
  out.push(row(`\`kubectl apply -f\` of the ${n} unchanged pods (+ their namespace) against kubeplay serve`, s.get('kubectl apply'), reqNote(ctx.reqs.apply)));
  out.push(row('`kubeplay apply -f` of the same file', s.get('kubeplay apply'), `peak RSS ${rss('kubeplay apply|rss')}`));
  const fa = ctx.firstApply;
  if (fa) {
    out.push(`| … \`kubectl apply -f\` of the same file right after a \`kubeplay apply\` | ${ms(fa.ms)} | | | 1 | printed ${JSON.stringify(fa.kubectl)}; ${reqNote(fa.reqs)} |`);
    out.push(`| … \`kubeplay apply -f\` right after a \`kubectl apply\` | ${ms(fa.kubeplayMs)} | | | 1 | printed ${JSON.stringify(fa.kubeplay)} |`);
  }
  out.push('');
  out.push(`| request to the server (node https, one keep-alive connection, ${opts.requests} each, one at a time) | p50 | p90 | p99 | max | requests/s | response |`);
  out.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [what, label] of [
    ['list JSON', `GET the list of ${n} pods as JSON`],
    ['list Table', `GET the list of ${n} pods as a Table (kubectl get's Accept)`],
    ['get one', 'GET one pod'],
    ['no-op PATCH', 'PATCH one pod, no-op (merge patch: a label to its value)'],
  ]) {
    const xs = s.get(`req ${what}`);
    out.push(`| ${label} | ${ms(pct(xs, 50))} | ${ms(pct(xs, 90))} | ${ms(pct(xs, 99))} | ${ms(max(xs))} | ${median(s.get(`req ${what}|rps`)).toFixed(0)} | ${(median(s.get(`req ${what}|bytes`)) / 1024).toFixed(1)} KiB |`);
  }
  out.push('');
  out.push(`| watch (raw \`?watch=true\` on the namespace's pods, ${opts.watches} repeats) | p50 | p90 | max | missed |`);
  out.push('| --- | --- | --- | --- | --- |');
  const w = (label, key, missKey) => {
    const xs = s.get(key);
    return `| ${label} | ${ms(pct(xs, 50))} | ${ms(pct(xs, 90))} | ${ms(max(xs))} | ${missKey ? s.get(missKey).length : ''} |`;
  };
  out.push(w("`podman stop --time 0` of a pod's container: Podman's `died` event → the MODIFIED event", 'watch stop from died', 'watch stop|missed'));
  out.push(w('… from the return of `podman stop` → the MODIFIED event', 'watch stop from return'));
  out.push(w('`podman start` of it again: Podman\'s `start` event → the MODIFIED event showing it running', 'watch start from event', 'watch start|missed'));
  out.push(w('… from the return of `podman start`', 'watch start from return'));
  out.push('');
  out.push(
    `The server (\`kubeplay serve\`, one node process): listening ${ms(median(s.get('server start')))} after its start; every pod Running in its list ${ms(median(s.get('server all Running')))} after that. ` +
      `Idle with ${n} pods over ${opts.idle} s (no client): RSS ${rss('idle rss')}, CPU ${median(s.get('idle cpu')).toFixed(1)} % of one core; the private Podman service meanwhile ${median(s.get('idle service cpu')).toFixed(1)} %. ` +
      `Peak RSS (VmHWM) at the end of the run: ${rss('end hwm')}; RSS then ${rss('end rss')}. Requests sent again after the server closed a kept-alive connection: ${s.get('retries').length}. ` +
      (ctx.patchBumps ? ` The no-op PATCHes moved p-000's resourceVersion from ${ctx.patchBumps.before} to ${ctx.patchBumps.after}.` : ''),
  );
  return out.join('\n');
}

// ------------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  BIN = path.join(path.resolve(opts.root), 'bin', 'kubeplay.js');
  if (!fs.existsSync(path.join(path.resolve(opts.root), 'dist'))) throw new Error(`no dist/ in ${opts.root}: run \`npm run build\` first`);
  const podmanEnv = { ...process.env };
  for (const v of ['CONTAINER_HOST', 'CONTAINER_CONNECTION', 'KUBECONFIG', 'KUBEPLAY_STATE_DIR']) delete podmanEnv[v];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-bench-serve-'));
  fs.chmodSync(tmp, 0o700);
  const keep = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-bench-serve-results-'));
  const ns = `kpsv-${process.pid}`;
  const kubeconfig = path.join(tmp, 'kubeconfig');
  const ctx = { opts, podmanEnv, tmp, keep, ns, kubeconfig, file: path.join(tmp, 'pods.yaml'), s: new Samples(), reqs: {} };
  const interrupted = (sig) => {
    log(`${sig}: cleaning up`);
    void cleanup(ctx).then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const start = new Date();
  const loadStart = os.loadavg()[0].toFixed(1);
  const loads = [];
  const others = otherTests();
  ctx.svc = await startService(tmp);
  ctx.env = { ...podmanEnv, CONTAINER_HOST: `unix://${ctx.svc.socketPath}`, KUBEPLAY_STATE_DIR: path.join(tmp, 'state'), NO_COLOR: '1' };
  ctx.kubectlEnv = { ...podmanEnv, KUBECONFIG: kubeconfig, HOME: tmp };
  const podman = await floor.request(ctx.svc.socketPath, 'GET', '/version').then((v) => `Podman ${v.body?.Version ?? '?'}`, () => 'Podman ?');
  const kubectlVersion = await timed(ctx, opts.kubectl, ['version', '--client', '-o', 'json'], { env: ctx.kubectlEnv, allowFail: true }).then((r) => `kubectl ${JSON.parse(r.stdout).clientVersion.gitVersion}`, () => 'kubectl ?');
  const commit = opts.root !== ROOT ? `the build in ${opts.root}` : await timed(ctx, 'git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { env: process.env, allowFail: true }).then((r) => r.stdout.trim(), () => '?');
  log(`${ns}: ${opts.pods} pods; load ${loadStart}; other tests: ${others}; ${kubectlVersion}`);
  try {
    await setUp(ctx);
    loads.push(os.loadavg()[0]);
    await idle(ctx);
    loads.push(os.loadavg()[0]);
    await gets(ctx);
    loads.push(os.loadavg()[0]);
    await applies(ctx);
    loads.push(os.loadavg()[0]);
    await requests(ctx);
    loads.push(os.loadavg()[0]);
    await watches(ctx);
    loads.push(os.loadavg()[0]);
    const end = procStat(ctx.server.child.pid);
    ctx.s.add('end hwm', end.hwmKiB);
    ctx.s.add('end rss', end.rssKiB);
  } finally {
    await cleanup(ctx);
  }
  const meta = {
    start: `${start.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    minutes: ((Date.now() - start.getTime()) / 60000).toFixed(0),
    loadStart,
    loadEnd: os.loadavg()[0].toFixed(1),
    loads: `after each phase: ${loads.map((l) => l.toFixed(1)).join(', ')}`,
    others: `${others} at the start, ${otherTests()} at the end`,
    podman,
    kubectl: kubectlVersion,
    commit,
  };
  fs.writeFileSync(path.join(keep, 'samples.json'), JSON.stringify({ opts, meta, reqs: ctx.reqs, firstApply: ctx.firstApply, samples: ctx.s }, null, 2));
  console.log(report(ctx, meta));
  log(`raw samples and kubectl's -v=6 logs: ${keep}`);
}

main().catch((e) => {
  process.stderr.write(`bench/serve: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
