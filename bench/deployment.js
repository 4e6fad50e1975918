#!/usr/bin/env node
// bench/deployment.js (`npm run bench:deployment`): a Deployment of 50 replicas (issue 18), beside
// the same 50 pods applied as bare Pods and beside `podman kube play` of the same Deployment. Each
// repeat, with the built CLI (`node bin/kubeplay.js`) against real Podman:
//   1. apply of the Deployment from nothing, until the command returns (and until the bench, polling
//      the API, sees every replica's container running);
//   2. no-op re-applies of the same file (`deployment.apps/NAME unchanged`);
//   3. `get pods` over the replicas and `get deploy`;
//   4. a rollout: the same file with an env value changed (maxSurge/maxUnavailable 25 %, the
//      defaults), until `apply` returns, then `rollout status` (which must say it is done); the
//      apply runs with -v, and the bench counts its observation rounds in the call log;
//   5. delete of the Deployment (cascading; the pods' grace period is 1 s), until the command
//      returns and until the last pod is gone;
//   6. the same pods as 50 bare Pods: apply, no-op re-apply, get pods, delete;
//   7. `podman kube play` of the Deployment (Podman 4.3.1 makes every replica, as pods
//      NAME-pod-0...), then `podman kube down`.
// Peak RSS of each kubeplay process comes from bench/lib/report-rss.js, preloaded with `node -r`.
//
// Everything runs against a private `podman system service` (kubeplay reaches it through
// CONTAINER_HOST; the podman CLI runs locally on the same storage) and a private state directory.
// Names: the Deployment `kpbd-<pid>`, the bare pods `kpbp-<pid>-NNN`, kube play's Deployment
// `kpbk-<pid>`. At the end (or on failure) it removes the pods of those prefixes only, stops its
// service and removes its temp directory. The raw samples are kept in a JSON file in the temp
// directory, named at the end.
//
//   npm run bench:deployment                       # 50 replicas, 3 repeats (~15 min on 2 cores)
//   node bench/deployment.js --replicas 10 --repeat 1 --gets 3
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const floor = require('./lib/rest-floor');
const { median, min, max, cell, fmtMs } = require('./lib/stats');
const { startService, stopService, runningPods, mib, otherTests, removeNetworksUnder } = require('./lib/podman-bench');

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'kubeplay.js');
const RSS_PRELOAD = path.join(__dirname, 'lib', 'report-rss.js');
const IMAGE = 'localhost/busybox:stable';
// `sleep 1 & wait` lets the shell take TERM at once (a foreground sleep would delay the trap).
const LOOP = 'trap "exit 0" TERM; while :; do sleep 1 & wait; done';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => process.stderr.write(`bench: ${line}\n`);

function parseArgs(argv) {
  const opts = { replicas: 50, repeat: 3, gets: 5, noops: 3 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in opts)) throw new Error(`unknown option ${argv[i]} (--replicas N, --repeat N, --gets N, --noops N)`);
    opts[key] = Number(argv[++i]);
    if (!(opts[key] > 0)) throw new Error(`--${key} needs a positive number`);
  }
  return opts;
}

// ------------------------------------------------------------------------------------------------
// Input
// ------------------------------------------------------------------------------------------------

function podSpec(version, indent) {
  const pad = ' '.repeat(indent);
  return [
    'terminationGracePeriodSeconds: 1',
    'containers:',
    '- name: main',
    `  image: ${IMAGE}`,
    '  imagePullPolicy: Never',
    `  command: [sh, -c, '${LOOP}']`,
    `  env: [{name: VERSION, value: "${version}"}]`,
  ]
    .map((l) => pad + l)
    .join('\n');
}

/** deploymentYaml: a Deployment with the default strategy (RollingUpdate, maxSurge and maxUnavailable 25 %). */
function deploymentYaml(name, replicas, version) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
${podSpec(version, 6)}
`;
}

/** podsYaml: the Deployment's pods as bare Pods, one document each. */
function podsYaml(prefix, n, version) {
  const docs = [];
  for (let i = 0; i < n; i++) {
    docs.push(`apiVersion: v1
kind: Pod
metadata:
  name: ${prefix}-${String(i).padStart(3, '0')}
  labels: {app: ${prefix}}
spec:
${podSpec(version, 2)}
`);
  }
  return docs.join('---\n');
}

// ------------------------------------------------------------------------------------------------
// The private Podman service, and looking at pods through it
// ------------------------------------------------------------------------------------------------



/** podsOf lists the Podman pods whose names start with `prefix-`. */
async function podsOf(socketPath, prefix) {
  const res = await floor.request(socketPath, 'GET', '/pods/json');
  const pods = Array.isArray(res.body) ? res.body : [];
  return pods.filter((p) => typeof p.Name === 'string' && p.Name.startsWith(`${prefix}-`));
}

/**
 * census counts, at a repeat's start, the pods on this Podman (every reconcile round observes them
 * all, whoever made them: Podman's pods are machine-wide) and the controller-made pods that are not
 * this run's (another state directory's, e.g. a test run's). Before c917911 the loop's garbage
 * collector deleted such pods, and they ours; now it takes only pods its own store made.
 */
async function census(ctx) {
  const res = await floor.request(ctx.svc.socketPath, 'GET', '/pods/json');
  const pods = Array.isArray(res.body) ? res.body : [];
  const ours = Object.values(ctx.names).map((p) => `${p}-`);
  const foreign = pods.filter((p) => p.Labels?.['kubeplay.io/owner'] !== undefined && !ours.some((o) => p.Name.startsWith(o)));
  ctx.s.add('pods in Podman', pods.length);
  ctx.s.add('foreign controller pods', foreign.length);
}

/** runningPods: the pods whose every app container runs. */

/** waitFor polls every 100 ms until `test(pods)` holds, and resolves to the ms since t0 (or NaN after `limitMs`). */
async function waitFor(socketPath, prefix, test, t0, limitMs = 120_000) {
  for (;;) {
    if (test(await podsOf(socketPath, prefix))) return performance.now() - t0;
    if (performance.now() - t0 > limitMs) return NaN;
    await sleep(100);
  }
}

// ------------------------------------------------------------------------------------------------
// Timing commands
// ------------------------------------------------------------------------------------------------

let rssNo = 0;

/**
 * timed runs a command and resolves to { ms, t0, stdout, stderr, lines, rssKiB }: wall time from
 * spawn to exit; for kubeplay, its own peak RSS; `lines` are stderr lines with their arrival time.
 */
function timed(command, args, { env, tmp, kubeplay = true } = {}) {
  const rssFile = kubeplay ? path.join(tmp, `rss-${rssNo++}.json`) : undefined;
  const argv = kubeplay ? ['-r', RSS_PRELOAD, BIN, ...args] : args;
  const bin = kubeplay ? process.execPath : command;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(bin, argv, { env: kubeplay ? { ...env, KUBEPLAY_BENCH_RSS: rssFile } : env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const lines = [];
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      const at = performance.now() - t0;
      const parts = (partial + d).split('\n');
      partial = parts.pop();
      for (const text of parts) lines.push({ at, text });
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const what = `${kubeplay ? 'kubeplay' : command} ${args.join(' ')}`;
      if (code !== 0) {
        reject(new Error(`${what} exited ${code}:\n${stderr.trim().slice(-2000)}\n${stdout.trim().slice(-1000)}`));
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
      resolve({ ms, t0, stdout, stderr, lines, rssKiB });
    });
  });
}

/**
 * rounds reads a -v call log: each reconcile round observes every pod with one container listing
 * (`GET .../containers/json?all=true`) and then inspects the containers. It returns how many such
 * observations there were and when each started (ms from spawn).
 */
function observations(lines) {
  return lines.filter((l) => /GET \S*\/libpod\/containers\/json\?all=true /.test(l.text)).map((l) => l.at);
}

/** stamped writes a -v log with each line's arrival time (ms from spawn; lines of one chunk share it). */
function stamped(lines) {
  return lines.map((l) => `${l.at.toFixed(0).padStart(7)} ${l.text}`).join('\n') + '\n';
}

// ------------------------------------------------------------------------------------------------
// The measures
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

async function deploymentRepeat(ctx, r) {
  const { opts, env, tmp, svc, s, names } = ctx;
  const n = opts.replicas;
  const name = names.deploy;
  const file = path.join(tmp, `deploy-${r}.yaml`);
  const run = (args, o = {}) => timed('kubeplay', args, { env, tmp, ...o });
  const sample = (key, res) => {
    s.add(key, res.ms);
    s.add(`${key}|rss`, res.rssKiB);
  };

  // 1. apply from nothing
  fs.writeFileSync(file, deploymentYaml(name, n, 'v1'));
  const apply = await run(['-v', 'apply', '-f', file]);
  expect(apply.stdout.includes(`deployment.apps/${name} created`), `apply printed ${apply.stdout.trim()}`);
  sample('deploy apply', apply);
  s.add('deploy apply|rounds', observations(apply.lines).length);
  const atReturn = runningPods(await podsOf(svc.socketPath, name)).length;
  s.add('deploy apply|running at return', atReturn);
  s.add('deploy apply, all running', await waitFor(svc.socketPath, name, (p) => runningPods(p).length === n && p.length === n, apply.t0));
  log(`repeat ${r + 1}: apply ${fmtMs(apply.ms)}, ${atReturn}/${n} running at return, ${observations(apply.lines).length} observation(s)`);
  if (r === 0) fs.writeFileSync(path.join(ctx.keep, 'apply-v.log'), stamped(apply.lines));

  // 2. no-op re-apply
  for (let i = 0; i < opts.noops; i++) {
    await sleep(500);
    const again = await run(['apply', '-f', file]);
    expect(again.stdout.trim() === `deployment.apps/${name} unchanged`, `re-apply printed ${again.stdout.trim()}`);
    sample('deploy re-apply', again);
  }

  // 3. get pods, get deploy
  for (let i = 0; i < opts.gets; i++) {
    await sleep(300);
    const pods = await run(['get', 'pods', '-l', `app=${name}`]);
    expect(pods.stdout.trim().split('\n').length === n + 1, `get pods printed ${pods.stdout.trim().split('\n').length - 1} pods`);
    sample('get pods (deployment)', pods);
    const deploy = await run(['get', 'deploy']);
    expect(new RegExp(`^${name}\\s+${n}/${n}\\s`, 'm').test(deploy.stdout), `get deploy printed ${deploy.stdout.trim()}`);
    sample('get deploy', deploy);
  }

  // 4. rollout
  fs.writeFileSync(file, deploymentYaml(name, n, `v2-${r}`));
  const roll = await run(['-v', 'apply', '-f', file]);
  expect(roll.stdout.includes(`deployment.apps/${name} configured`), `rollout apply printed ${roll.stdout.trim()}`);
  sample('rollout apply', roll);
  const obs = observations(roll.lines);
  s.add('rollout apply|rounds', obs.length);
  for (let i = 1; i < obs.length; i++) s.add('rollout round', obs[i] - obs[i - 1]);
  s.add('rollout apply|creates', roll.lines.filter((l) => /POST \S*\/libpod\/pods\/create /.test(l.text)).length);
  const status = await run(['rollout', 'status', `deployment/${name}`]);
  expect(status.stdout.includes('successfully rolled out'), `rollout status printed ${status.stdout.trim()}`);
  sample('rollout status', status);
  s.add('rollout, apply + status', roll.ms + status.ms);
  const after = await podsOf(svc.socketPath, name);
  s.add('rollout|pods after', after.length);
  log(`repeat ${r + 1}: rollout apply ${fmtMs(roll.ms)} (${obs.length} observations), status ${fmtMs(status.ms)}, ${after.length} pods after`);
  if (r === 0) fs.writeFileSync(path.join(ctx.keep, 'rollout-v.log'), stamped(roll.lines));

  // 5. delete (cascading)
  const del = await run(['delete', '-f', file]);
  sample('deploy delete', del);
  s.add('deploy delete, all gone', await waitFor(svc.socketPath, name, (p) => p.length === 0, del.t0));
  log(`repeat ${r + 1}: delete ${fmtMs(del.ms)}`);
}

async function barePodsRepeat(ctx, r) {
  const { opts, env, tmp, svc, s, names } = ctx;
  const n = opts.replicas;
  const file = path.join(tmp, `pods-${r}.yaml`);
  const run = (args) => timed('kubeplay', args, { env, tmp });
  const sample = (key, res) => {
    s.add(key, res.ms);
    s.add(`${key}|rss`, res.rssKiB);
  };
  fs.writeFileSync(file, podsYaml(names.pods, n, 'v1'));
  const apply = await run(['apply', '-f', file]);
  sample('pods apply', apply);
  s.add('pods apply, all running', await waitFor(svc.socketPath, names.pods, (p) => runningPods(p).length === n, apply.t0));
  for (let i = 0; i < opts.noops; i++) {
    await sleep(500);
    const again = await run(['apply', '-f', file]);
    expect(again.stdout.trim().split('\n').every((l) => l.endsWith(' unchanged')), 'bare re-apply not unchanged');
    sample('pods re-apply', again);
  }
  for (let i = 0; i < opts.gets; i++) {
    await sleep(300);
    sample('get pods (bare)', await run(['get', 'pods', '-l', `app=${names.pods}`]));
  }
  const del = await run(['delete', '-f', file]);
  sample('pods delete', del);
  s.add('pods delete, all gone', await waitFor(svc.socketPath, names.pods, (p) => p.length === 0, del.t0));
  log(`repeat ${r + 1}: bare pods apply ${fmtMs(apply.ms)}, delete ${fmtMs(del.ms)}`);
}

async function kubePlayRepeat(ctx, r) {
  const { opts, tmp, svc, s, names, podmanEnv } = ctx;
  const file = path.join(tmp, `kube-${r}.yaml`);
  fs.writeFileSync(file, deploymentYaml(names.kube, opts.replicas, 'v1'));
  const play = await timed('podman', ['kube', 'play', file], { env: podmanEnv, kubeplay: false });
  s.add('kube play', play.ms);
  const made = await podsOf(svc.socketPath, names.kube);
  s.add('kube play|pods', made.length);
  s.add('kube play|running', runningPods(made).length);
  const down = await timed('podman', ['kube', 'down', file], { env: podmanEnv, kubeplay: false });
  s.add('kube down', down.ms);
  log(`repeat ${r + 1}: kube play ${fmtMs(play.ms)} (${made.length} pods), kube down ${fmtMs(down.ms)}`);
}

// ------------------------------------------------------------------------------------------------
// Report
// ------------------------------------------------------------------------------------------------


function counts(xs) {
  if (!xs.length) return '–';
  return min(xs) === max(xs) ? String(xs[0]) : `${median(xs)} (${min(xs)}–${max(xs)})`;
}

function report(ctx, meta) {
  const { s, opts } = ctx;
  const n = opts.replicas;
  const row = (what, key, note = '') => `| ${what} | ${cell(s.get(key))} | ${mib(s.get(`${key}|rss`))} | ${note} |`;
  const out = [];
  out.push(
    `Run: \`node bench/deployment.js --replicas ${n} --repeat ${opts.repeat}\`, ${meta.start}, ${meta.minutes} min in all. ` +
      `Load average (1 min) ${meta.loadStart} at the start, ${meta.loadEnd} at the end; other test processes seen: ${meta.others}.`,
  );
  out.push(`Pods in Podman at each repeat's start (every round observes them all): ${counts(s.get('pods in Podman'))}; other state directories' controller pods: ${counts(s.get('foreign controller pods'))}.`);
  out.push(`Machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${meta.podman}.`);
  out.push('');
  out.push('| measure | wall time, median (min–max) | peak RSS | |');
  out.push('| --- | --- | --- | --- |');
  out.push(row(`Deployment apply, ${n} replicas from nothing (until it returns)`, 'deploy apply', `${counts(s.get('deploy apply|running at return'))} of ${n} pods running at return; ${counts(s.get('deploy apply|rounds'))} observation rounds`));
  out.push(row('… until every replica runs (bench polling the API)', 'deploy apply, all running'));
  out.push(row('no-op re-apply (`unchanged`)', 'deploy re-apply'));
  out.push(row(`rollout: apply of a changed template`, 'rollout apply', `${counts(s.get('rollout apply|rounds'))} observation rounds, round length ${cell(s.get('rollout round'))}; ${counts(s.get('rollout apply|creates'))} pods created`));
  out.push(row('… then `rollout status` (done)', 'rollout status'));
  out.push(`| … apply + status | ${cell(s.get('rollout, apply + status'))} | | ${counts(s.get('rollout|pods after'))} pods after |`);
  out.push(row(`\`get pods -l app=…\` (${n} pods of the Deployment)`, 'get pods (deployment)'));
  out.push(row('`get deploy`', 'get deploy'));
  out.push(row('delete of the Deployment (cascading, grace 1 s)', 'deploy delete'));
  out.push(row('… until its last pod is gone', 'deploy delete, all gone'));
  out.push(row(`${n} bare Pods: apply from nothing`, 'pods apply'));
  out.push(row('… until every pod runs', 'pods apply, all running'));
  out.push(row('bare Pods: no-op re-apply', 'pods re-apply'));
  out.push(row(`bare Pods: \`get pods -l app=…\``, 'get pods (bare)'));
  out.push(row('bare Pods: delete -f (grace 1 s)', 'pods delete'));
  out.push(row('`podman kube play` of the Deployment', 'kube play', `${counts(s.get('kube play|pods'))} pods made, ${counts(s.get('kube play|running'))} running at return`));
  out.push(row('`podman kube down`', 'kube down'));
  return out.join('\n');
}

// ------------------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(ROOT, 'dist'))) throw new Error('no dist/: run `npm run build` first');
  const podmanEnv = { ...process.env };
  for (const v of ['CONTAINER_HOST', 'CONTAINER_CONNECTION']) delete podmanEnv[v];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-bench-deploy-'));
  fs.chmodSync(tmp, 0o700);
  const keep = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-bench-deploy-results-'));
  const svc = await startService(tmp);
  const env = { ...podmanEnv, CONTAINER_HOST: `unix://${svc.socketPath}`, KUBEPLAY_STATE_DIR: path.join(tmp, 'state'), NO_COLOR: '1' };
  const names = { deploy: `kpbd-${process.pid}`, pods: `kpbp-${process.pid}`, kube: `kpbk-${process.pid}` };
  const s = new Samples();
  const ctx = { opts, env, podmanEnv, tmp, keep, svc, s, names };
  const start = new Date();
  const loadStart = os.loadavg()[0].toFixed(1);
  const others = otherTests();
  const podman = await floor.request(svc.socketPath, 'GET', '/version').then((v) => `Podman ${v.body?.Version ?? '?'}`, () => 'Podman ?');
  log(`${names.deploy}: ${opts.replicas} replicas, ${opts.repeat} repeat(s); load ${loadStart}; other tests: ${others}`);
  try {
    for (let r = 0; r < opts.repeat; r++) {
      await census(ctx);
      await deploymentRepeat(ctx, r);
      await barePodsRepeat(ctx, r);
      await kubePlayRepeat(ctx, r);
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
  fs.writeFileSync(path.join(keep, 'samples.json'), JSON.stringify({ opts, meta, samples: s }, null, 2));
  console.log(report(ctx, meta));
  log(`raw samples and the first repeat's -v logs: ${keep}`);
}

/** otherTests counts jest and kubeplay processes not started by this bench (others' test runs). */

/** cleanup removes what this run made and nothing else: the pods of its three prefixes. */
async function cleanup(ctx) {
  const { svc, names } = ctx;
  const left = [];
  for (const prefix of Object.values(names)) left.push(...(await podsOf(svc.socketPath, prefix)).map((p) => p.Name));
  if (left.length > 0) {
    log(`removing ${left.length} pod(s) left behind`);
    await floor.deletePods(svc.socketPath, left, 8);
  }
  // kubeplay's network of the bench's state directory, with its DNS server.
  await removeNetworksUnder(svc.socketPath, ctx.tmp);
}

main().catch((e) => {
  process.stderr.write(`bench/deployment: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
