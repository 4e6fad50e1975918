#!/usr/bin/env node
// bench/run.js (`npm run bench`): kubeplay against what a user would otherwise run, in one run on
// one machine, as ratios. For N = 1, 10 and 50 two-container pods, alternating the tools run by
// run, it measures:
//   - apply from nothing (until the command returns, and until every container runs):
//     kubeplay apply vs podman kube play;
//   - re-apply of the unchanged file: kubeplay apply vs podman kube play --replace;
//   - apply after one pod's spec changed: kubeplay apply vs podman kube play --replace;
//   - get pods -l: kubeplay get pods -l vs podman pod ps --filter label=...;
//   - delete: kubeplay delete -f --force --grace-period=0 vs podman kube down (which kills at once);
//   - the same apply and delete with one hostPort per pod;
//   - the REST floor: the minimal libpod calls for the same work (bench/lib/rest-floor.js) at
//     concurrency 1, 2, 4 and 8;
// then start-up (kubeplay --help, --version and an empty get against node -e 0) and load +
// validate of 10,000 pods (bench/load-validate.js). It writes the tables, the ratios against the
// targets of issue 7 and the machine into docs/benchmarks.md (between the bench:pods markers),
// and the chart into docs/bench-chart.svg.
//
// Everything runs against a private `podman system service` this script starts (kubeplay is
// pointed at it with CONTAINER_HOST; the podman CLI uses the same storage), on pods named
// kpb-<run id>-..., which it removes between runs and at the end; it touches nothing else.
//
//   npm run bench                 # N = 1, 10, 50; 3 runs; about 15 minutes on 2 cores
//   npm run bench -- --quick      # N = 1, 10; 1 run; no 10,000-pod load; writes nothing
//   node bench/run.js --ns 1,10,50 --runs 5 --no-write
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { spawn, spawnSync } = require('node:child_process');
const floor = require('./lib/rest-floor');
const { LABEL, podsYaml, floorPods } = require('./lib/manifests');
const { median, min, max, cell, ratio, fmtMs } = require('./lib/stats');
const { lineChart } = require('./lib/chart');

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'kubeplay.js');
const DOC = path.join(ROOT, 'docs', 'benchmarks.md');
const CHART = path.join(ROOT, 'docs', 'bench-chart.svg');
const BEGIN = '<!-- bench:pods:begin -->';
const END = '<!-- bench:pods:end -->';
const CONCURRENCIES = [1, 2, 4, 8];
const KUBEPLAY = 'kubeplay';
const PODMAN = 'podman';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => process.stderr.write(`bench: ${line}\n`);

// ------------------------------------------------------------------------------------------------
// The private Podman service
// ------------------------------------------------------------------------------------------------

async function startService() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-bench-'));
  fs.chmodSync(dir, 0o700);
  const socketPath = path.join(dir, 'podman.sock');
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], { cwd: '/', stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  const spawnFailed = new Promise((_, reject) => child.on('error', reject));
  for (let i = 0; i < 200; i++) {
    const up = await Promise.race([floor.request(socketPath, 'GET', '/_ping').then(() => true, () => false), spawnFailed]);
    if (up) return { dir, socketPath, child };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`podman system service did not answer on ${socketPath}: ${stderr.trim() || 'no output'}`);
}

async function stopService(svc) {
  if (svc.child.exitCode === null) {
    svc.child.kill('SIGTERM');
    await Promise.race([new Promise((r) => svc.child.once('exit', r)), sleep(10_000)]);
    if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
  }
  fs.rmSync(svc.dir, { recursive: true, force: true });
}

// ------------------------------------------------------------------------------------------------
// Timing commands
// ------------------------------------------------------------------------------------------------

/**
 * timed runs a command and resolves to its wall time (spawn to exit) and output. With `running`,
 * it also polls Podman every 50 ms until the run's pods have every app container running, and
 * reports when that was first seen (measured from the same start).
 */
function timed(command, args, { env, running } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    let runningMs;
    let exited = false;
    const poll = running
      ? (async () => {
          // Until every container runs, or 60 s after the command returned.
          let exitAt;
          for (;;) {
            if (await allRunning(running)) {
              runningMs = performance.now() - t0;
              return;
            }
            if (exited) exitAt ??= performance.now();
            if (exitAt !== undefined && performance.now() - exitAt > 60_000) return;
            await sleep(50);
          }
        })()
      : Promise.resolve();
    child.on('error', reject);
    child.on('close', async (code) => {
      const ms = performance.now() - t0;
      exited = true;
      await poll;
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr.trim()}\n${stdout.trim()}`.slice(0, 3000)));
        return;
      }
      if (running && runningMs === undefined) {
        reject(new Error(`${command} ${args.join(' ')}: the pods' containers were not all running 60 s after it returned`));
        return;
      }
      resolve({ ms, runningMs, stdout, stderr });
    });
  });
}

/** ourPods lists the pods of a prefix through the API (the pod listing carries every container's state). */
async function ourPods(socketPath, prefix) {
  const res = await floor.request(socketPath, 'GET', '/pods/json');
  const pods = Array.isArray(res.body) ? res.body : [];
  return pods.filter((p) => typeof p.Name === 'string' && p.Name.startsWith(`${prefix}-`));
}

async function allRunning({ socketPath, prefix, n }) {
  const pods = await ourPods(socketPath, prefix);
  if (pods.length !== n) return false;
  const apps = pods.flatMap((p) => (p.Containers ?? []).filter((c) => c.Id !== p.InfraId));
  return apps.length === 2 * n && apps.every((c) => c.Status === 'running');
}

/** cleanup removes every pod of the prefix (left by a failed step), the floor's way. */
async function cleanup(socketPath, prefix) {
  const names = (await ourPods(socketPath, prefix)).map((p) => p.Name);
  if (names.length === 0) return;
  await floor.deletePods(socketPath, names, 8);
}

/** freePortBase finds n consecutive host ports that nothing holds now. */
async function freePortBase(n) {
  const canBind = (port) =>
    new Promise((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 40000 + Math.floor(Math.random() * 20000);
    let ok = true;
    for (let p = base; p < base + n && ok; p++) ok = await canBind(p);
    if (ok) return base;
  }
  throw new Error(`no ${n} consecutive free host ports found between 40000 and 60000`);
}

// ------------------------------------------------------------------------------------------------
// The measures
// ------------------------------------------------------------------------------------------------

/** Samples collects wall times in ms by key: `${measure}|${tool}|${n}`. */
class Samples {
  constructor() {
    this.map = new Map();
  }
  add(measure, tool, n, ms) {
    const k = `${measure}|${tool}|${n}`;
    if (!this.map.has(k)) this.map.set(k, []);
    this.map.get(k).push(ms);
  }
  get(measure, tool, n) {
    return this.map.get(`${measure}|${tool}|${n}`) ?? [];
  }
  toJSON() {
    return Object.fromEntries(this.map);
  }
}

let cycleNo = 0;

/**
 * cycle runs one tool through apply → re-apply → changed apply → get → delete on N fresh pods
 * (with hostPorts: apply → delete only) and records each wall time.
 */
async function cycle(ctx, tool, n, { hostPorts = false } = {}) {
  const { socketPath, runId, dir, samples } = ctx;
  const prefix = `kpb-${runId}-${++cycleNo}`;
  const base = hostPorts ? await freePortBase(n) : undefined;
  const file = path.join(dir, `${prefix}.yaml`);
  const changedFile = path.join(dir, `${prefix}-changed.yaml`);
  fs.writeFileSync(file, podsYaml(prefix, runId, n, { hostPortBase: base }));
  fs.writeFileSync(changedFile, podsYaml(prefix, runId, n, { hostPortBase: base, changed: true }));
  const env = { ...process.env, CONTAINER_HOST: `unix://${socketPath}` };
  const kp = (...args) => timed(process.execPath, [BIN, ...args], { env });
  const suffix = hostPorts ? ' (hostPort)' : '';
  const running = { socketPath, prefix, n };
  try {
    if (tool === KUBEPLAY) {
      const a = await timed(process.execPath, [BIN, 'apply', '-f', file], { env, running });
      samples.add(`apply${suffix}`, tool, n, a.ms);
      samples.add(`apply, all running${suffix}`, tool, n, a.runningMs);
      if (!hostPorts) {
        const same = await kp('apply', '-f', file);
        if (same.stdout.split('\n').filter((l) => l.endsWith(' unchanged')).length !== n) throw new Error(`re-apply did not leave the ${n} pods unchanged:\n${same.stdout}`);
        samples.add('re-apply, unchanged', tool, n, same.ms);
        samples.add('apply, one pod changed', tool, n, (await kp('apply', '-f', changedFile)).ms);
        for (let i = 0; i < 3; i++) {
          const g = await kp('get', 'pods', '-l', `${LABEL}=${runId}`);
          if (g.stdout.trim().split('\n').length !== n + 1) throw new Error(`get pods listed the wrong pods:\n${g.stdout}`);
          samples.add('get pods -l', tool, n, g.ms);
        }
      }
      samples.add(`delete${suffix}`, tool, n, (await kp('delete', '-f', changedFile, '--force', '--grace-period=0')).ms);
    } else {
      const a = await timed('podman', ['kube', 'play', file], { running });
      samples.add(`apply${suffix}`, tool, n, a.ms);
      samples.add(`apply, all running${suffix}`, tool, n, a.runningMs);
      if (!hostPorts) {
        samples.add('re-apply, unchanged', tool, n, (await timed('podman', ['kube', 'play', '--replace', file])).ms);
        samples.add('apply, one pod changed', tool, n, (await timed('podman', ['kube', 'play', '--replace', changedFile])).ms);
        for (let i = 0; i < 3; i++) {
          const g = await timed('podman', ['pod', 'ps', '--filter', `label=${LABEL}=${runId}`]);
          samples.add('get pods -l', tool, n, g.ms);
        }
      }
      samples.add(`delete${suffix}`, tool, n, (await timed('podman', ['kube', 'down', changedFile])).ms);
    }
    const left = await ourPods(socketPath, prefix);
    if (left.length > 0) throw new Error(`${tool} left ${left.length} pod(s) behind after delete`);
  } finally {
    await cleanup(socketPath, prefix);
  }
}

async function floorCycle(ctx, n, concurrency, { hostPorts = false } = {}) {
  const { socketPath, runId, samples } = ctx;
  const prefix = `kpb-${runId}-${++cycleNo}`;
  const base = hostPorts ? await freePortBase(n) : undefined;
  const pods = floorPods(prefix, runId, n, { hostPortBase: base });
  try {
    const r = await floor.floorRound(socketPath, pods, concurrency);
    const suffix = hostPorts ? ' (hostPort)' : '';
    samples.add(`apply${suffix}`, `REST floor c=${concurrency}`, n, r.createMs);
    samples.add(`delete${suffix}`, `REST floor c=${concurrency}`, n, r.deleteMs);
  } finally {
    await cleanup(socketPath, prefix);
  }
}

/**
 * startup times the commands that are mostly start-up, against node itself and against the floor
 * under them: a node process that makes the one listing the command needs. With N pods of the
 * run in Podman (the largest N), `get pods -l` and a no-op apply are measured there too.
 */
async function startup(ctx, runs, n) {
  const env = { ...process.env, CONTAINER_HOST: `unix://${ctx.socketPath}` };
  const { socketPath, runId, dir } = ctx;
  const prefix = `kpb-${runId}-${++cycleNo}`;
  const file = path.join(dir, `${prefix}.yaml`);
  fs.writeFileSync(file, podsYaml(prefix, runId, n));
  const listing = (p) => [process.execPath, [path.join(__dirname, 'lib', 'one-listing.js'), socketPath, p]];
  const filters = (f) => encodeURIComponent(JSON.stringify(f));
  const cases = [
    ['node -e 0', [process.execPath, ['-e', '0']]],
    ['kubeplay --help', [process.execPath, [BIN, '--help']]],
    ['kubeplay --version', [process.execPath, [BIN, '--version']]],
    ['kubeplay get pods -l (no pod matches)', [process.execPath, [BIN, 'get', 'pods', '-l', `${LABEL}=none-${runId}`]]],
    [`kubeplay get pods -l (${n} pods)`, [process.execPath, [BIN, 'get', 'pods', '-l', `${LABEL}=${runId}`]]],
    [`floor: node + the container listing get -l makes (${n} pods)`, listing(`/containers/json?all=true&filters=${filters({ label: [`${LABEL}=${runId}`] })}`)],
    [`kubeplay apply, ${n} pods unchanged`, [process.execPath, [BIN, 'apply', '-f', file]]],
    [`floor: node + the pod listing apply makes (${n} pods)`, listing('/pods/json')],
  ];
  // Podman alone: the same listings asked from this (warm) process, so without any start-up.
  const alone = [
    [`Podman alone: the container listing get -l makes (${n} pods)`, `/containers/json?all=true&filters=${filters({ label: [`${LABEL}=${runId}`] })}`],
    [`Podman alone: the pod listing apply makes (${n} pods)`, '/pods/json'],
  ];
  try {
    await timed(process.execPath, [BIN, 'apply', '-f', file], { env });
    for (let i = 0; i < runs; i++) {
      const order = i % 2 ? [...cases].reverse() : cases;
      for (const [name, [cmd, args]] of order) ctx.samples.add('start-up', name, 0, (await timed(cmd, args, { env })).ms);
      for (const [name, p] of alone) {
        const t0 = performance.now();
        const res = await floor.request(socketPath, 'GET', p);
        if (res.status !== 200) throw new Error(`GET ${p}: HTTP ${res.status}`);
        ctx.samples.add('start-up', name, 0, performance.now() - t0);
      }
    }
  } finally {
    await cleanup(socketPath, prefix);
  }
  return [...cases, ...alone].map(([name]) => name);
}

// ------------------------------------------------------------------------------------------------
// The report
// ------------------------------------------------------------------------------------------------

function machine(podmanVersion) {
  const cpu = os.cpus()[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return (
    `${os.availableParallelism?.() ?? os.cpus().length} cores (nproc), ${cpu}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB memory, ` +
    `${os.type()} ${os.release()}, Podman ${podmanVersion}, runtime ${runtimeName()}, node ${process.version}`
  );
}

function runtimeName() {
  const r = spawnSync('podman', ['info', '--format', '{{.Host.OCIRuntime.Name}}'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

function mdTable(header, rows) {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** bestFloor is the floor concurrency with the lowest median for a measure and N. */
function bestFloor(samples, measure, n) {
  let best;
  for (const c of CONCURRENCIES) {
    const xs = samples.get(measure, `REST floor c=${c}`, n);
    if (xs.length > 0 && (best === undefined || median(xs) < median(best.xs))) best = { c, xs };
  }
  return best;
}

function targetRows(samples, n, loadFigures) {
  const rows = [];
  const verdict = (ok) => (ok === undefined ? '–' : ok ? 'met' : '**not met**');
  const apply = samples.get('apply', KUBEPLAY, n);
  const best = bestFloor(samples, 'apply', n);
  if (apply.length && best) {
    const r = median(apply) / median(best.xs);
    rows.push([`apply, N=${n}: ≤ 1.1× the best REST floor`, `${fmtMs(median(apply))} against ${fmtMs(median(best.xs))} (c=${best.c}): ${r.toFixed(2)}×; kube play ${ratio(apply, samples.get('apply', PODMAN, n))}`, verdict(r <= 1.1)]);
  }
  const floorOf = (name) => samples.get('start-up', `floor: node + the ${name} (${n} pods)`, 0);
  const aloneOf = (name) => samples.get('start-up', `Podman alone: the ${name} (${n} pods)`, 0);
  const floorNote = (xs, mine, aloneXs) =>
    (xs.length ? `; floor (node + that one listing) ${cell(xs)}, so kubeplay's own share is ${fmtMs(median(mine) - median(xs))}` : '') +
    (aloneXs.length ? `; Podman alone answers that listing in ${cell(aloneXs)}` : '');
  // When the floor alone is over a target, no command that needs that listing can meet it here;
  // when Podman's answer alone is, no client at all can.
  const against = (mine, floorXs, aloneXs, target) =>
    median(mine) <= target
      ? 'met'
      : aloneXs.length && min(aloneXs) > target
        ? "**not met**: Podman's answer alone is over it"
        : floorXs.length && median(floorXs) > target
          ? '**not met**: the floor alone is over it'
          : '**not met**';
  // The cycles' samples and the start-up section's (taken beside their floors), together.
  const noop = [...samples.get('re-apply, unchanged', KUBEPLAY, n), ...samples.get('start-up', `kubeplay apply, ${n} pods unchanged`, 0)];
  const noopFloor = floorOf('pod listing apply makes');
  const noopAlone = aloneOf('pod listing apply makes');
  if (noop.length) rows.push([`re-apply of ${n} unchanged pods ≤ 150 ms`, `${cell(noop)}; kube play --replace ${cell(samples.get('re-apply, unchanged', PODMAN, n))}${floorNote(noopFloor, noop, noopAlone)}`, against(noop, noopFloor, noopAlone, 150)]);
  const del = samples.get('delete', KUBEPLAY, n);
  const down = samples.get('delete', PODMAN, n);
  if (del.length && down.length) {
    const r = median(del) / median(down);
    rows.push([`delete of ${n} pods ≤ 0.75× podman kube down`, `${fmtMs(median(del))} against ${fmtMs(median(down))}: ${r.toFixed(2)}×`, verdict(r <= 0.75)]);
  }
  const get = [...samples.get('get pods -l', KUBEPLAY, n), ...samples.get('start-up', `kubeplay get pods -l (${n} pods)`, 0)];
  const getFloor = floorOf('container listing get -l makes');
  const getAlone = aloneOf('container listing get -l makes');
  if (get.length) rows.push([`get pods -l over ${n} pods ≤ 120 ms`, `${cell(get)}; podman pod ps ${cell(samples.get('get pods -l', PODMAN, n))}${floorNote(getFloor, get, getAlone)}`, against(get, getFloor, getAlone, 120)]);
  if (loadFigures) {
    rows.push([
      'load + validate of 10,000 pods < 2 s, < 300 MB',
      `${fmtMs(loadFigures.wallMs)}, ${loadFigures.rssMB} MB (median; see Load and validate)`,
      verdict(loadFigures.wallMs < 2000 && loadFigures.rssMB < 300),
    ]);
  }
  return rows;
}

const MEASURES = [
  ['apply', 'kube play'],
  ['apply, all running', 'kube play'],
  ['re-apply, unchanged', 'kube play --replace'],
  ['apply, one pod changed', 'kube play --replace'],
  ['get pods -l', 'podman pod ps --filter label=…'],
  ['delete', 'kube down'],
  ['apply (hostPort)', 'kube play'],
  ['apply, all running (hostPort)', 'kube play'],
  ['delete (hostPort)', 'kube down'],
];

function report(ctx, { ns, runs, startupCases, loadFigures, podmanVersion, seconds, loadBefore, loadAfter }) {
  const { samples } = ctx;
  const big = Math.max(...ns);
  const lines = [];
  lines.push(
    `Run: \`npm run bench\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${runs} run(s) of each measure per N, ` +
      `tools alternating run by run; ${Math.round(seconds / 60)} min in all. Load average (1 min) ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end.`,
    `Machine: ${machine(podmanVersion)}.`,
    '',
    '![wall time against N](bench-chart.svg)',
    '',
    `### Targets (N=${big}, two containers a pod)`,
    '',
    mdTable(['target', 'measured (median, min–max)', ''], targetRows(samples, big, loadFigures)),
  );
  for (const n of ns) {
    lines.push('', `### N = ${n}`, '');
    const rows = [];
    for (const [measure, competitor] of MEASURES) {
      const k = samples.get(measure, KUBEPLAY, n);
      const p = samples.get(measure, PODMAN, n);
      if (!k.length && !p.length) continue;
      const floorMeasure = measure.replace(', all running', '');
      const best = measure.includes('all running') || measure.startsWith('apply (') || measure === 'apply' || measure.startsWith('delete') ? bestFloor(samples, floorMeasure, n) : undefined;
      rows.push([measure, cell(k), `${competitor}: ${cell(p)}`, ratio(k, p), best ? `${cell(best.xs)} (c=${best.c})` : '–', best ? ratio(k, best.xs) : '–']);
    }
    lines.push(mdTable(['measure', 'kubeplay', 'podman', 'kubeplay / podman', 'best REST floor', 'kubeplay / floor'], rows));
  }
  lines.push('', '### The REST floor', '', 'The minimal libpod calls (bench/lib/rest-floor.js): per pod, create the pod, create two containers, start the pod; then kill every pod, wait for Podman\'s cleanup, remove every pod.', '');
  const floorRows = [];
  for (const n of ns) {
    for (const measure of ['apply', 'delete', 'apply (hostPort)', 'delete (hostPort)']) {
      const cells = CONCURRENCIES.map((c) => cell(samples.get(measure, `REST floor c=${c}`, n)));
      if (cells.every((c) => c === '–')) continue;
      floorRows.push([`N=${n}, ${measure}`, ...cells]);
    }
  }
  lines.push(mdTable(['work', ...CONCURRENCIES.map((c) => `concurrency ${c}`)], floorRows));
  lines.push(
    '',
    '### Start-up, and the floors under get and a no-op apply',
    '',
    'Each command run alone, as a fresh process, against the same Podman service, in turn. A floor is a node process that makes just the one listing the kubeplay command needs: no kubeplay command can be faster than it. "Podman alone" is that listing asked from the running benchmark process, so with no start-up at all: the time Podman itself takes to answer it.',
    '',
  );
  const node = samples.get('start-up', 'node -e 0', 0);
  lines.push(mdTable(['command', 'wall time', 'above node -e 0 (medians)'], startupCases.map((name) => {
    const xs = samples.get('start-up', name, 0);
    return [name, cell(xs), name === 'node -e 0' || name.startsWith('Podman alone') ? '–' : fmtMs(median(xs) - median(node))];
  })));
  lines.push('', 'Times are wall times from spawning the command to its exit, median (min–max). "all running" is when the benchmark, polling Podman every 50 ms, first saw every app container of the run running. Ratios are of medians; on a shared machine compare ratios, not absolute times.');
  return lines.join('\n');
}

function chart(ctx, ns) {
  const series = (measure, tools) =>
    tools.map(([name, tool]) => ({
      name,
      points: ns.map((n) => {
        const xs = tool === 'best floor' ? bestFloor(ctx.samples, measure, n)?.xs ?? [] : ctx.samples.get(measure, tool, n);
        return { n, median: median(xs) / 1000, min: min(xs) / 1000, max: max(xs) / 1000 };
      }),
    }));
  const tools = [
    ['kubeplay', KUBEPLAY],
    ['podman kube play / kube down', PODMAN],
    ['REST floor, concurrency 1', 'REST floor c=1'],
    ['REST floor, best concurrency', 'best floor'],
  ];
  return lineChart({
    title: 'Wall time against N (median, min–max whiskers)',
    ns,
    panels: [
      { title: 'apply from nothing', series: series('apply', tools) },
      { title: 'delete (kill at once)', series: series('delete', tools) },
      { title: 're-apply, unchanged', series: series('re-apply, unchanged', tools.slice(0, 2)) },
    ],
  });
}

function writeDoc(text) {
  let doc = fs.readFileSync(DOC, 'utf8');
  const block = `${BEGIN}\n${text}\n${END}`;
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a >= 0 && b > a) doc = doc.slice(0, a) + block + doc.slice(b + END.length);
  else doc = `${doc.trimEnd()}\n\n## Pods: kubeplay, podman kube play and the REST floor\n\n${block}\n`;
  fs.writeFileSync(DOC, doc);
}

// ------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { ns: [1, 10, 50], runs: 3, write: true, load: true, startupRuns: 10 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') Object.assign(opts, { ns: [1, 10], runs: 1, write: false, load: false, startupRuns: 3 });
    else if (a === '--ns') opts.ns = argv[++i].split(',').map(Number);
    else if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--no-write') opts.write = false;
    else if (a === '--write') opts.write = true;
    else if (a === '--no-load') opts.load = false;
    else throw new Error(`unknown argument "${a}": use --quick, --ns 1,10,50, --runs N, --no-write, --write, --no-load`);
  }
  if (!opts.ns.every((n) => Number.isInteger(n) && n > 0) || !(opts.runs > 0)) throw new Error('--ns takes positive whole numbers, --runs a positive number');
  return opts;
}

function loadValidate() {
  const json = path.join(os.tmpdir(), `kubeplay-bench-load-${process.pid}.json`);
  const r = spawnSync(process.execPath, [path.join(__dirname, 'load-validate.js'), '--runs', '3', '--json', json], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('bench/load-validate.js failed');
  const figures = JSON.parse(fs.readFileSync(json, 'utf8'));
  fs.rmSync(json, { force: true });
  return figures;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  // The podman CLI must run locally (as a user would): with these set it would talk to a service.
  for (const v of ['CONTAINER_HOST', 'CONTAINER_CONNECTION', 'CONTAINER_SSHKEY']) delete process.env[v];
  const started = performance.now();
  if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run npm run build first (npm run bench does)');
  if (spawnSync('podman', ['image', 'exists', 'localhost/busybox:stable']).status !== 0) throw new Error('the image localhost/busybox:stable is missing: run bash scripts/setup.sh first');
  const podmanVersion = spawnSync('podman', ['version', '--format', '{{.Client.Version}}'], { encoding: 'utf8' }).stdout.trim();
  const loadBefore = os.loadavg()[0];
  const svc = await startService();
  const ctx = { socketPath: svc.socketPath, runId: `b${Date.now().toString(36)}`, dir: svc.dir, samples: new Samples() };
  log(`run ${ctx.runId}: N = ${opts.ns.join(', ')}, ${opts.runs} run(s), Podman service on ${svc.socketPath}`);
  let startupCases;
  try {
    for (const n of opts.ns) {
      for (let r = 0; r < opts.runs; r++) {
        const tools = r % 2 === 0 ? [KUBEPLAY, PODMAN] : [PODMAN, KUBEPLAY];
        const floors = r % 2 === 0 ? CONCURRENCIES : [...CONCURRENCIES].reverse();
        for (const tool of tools) {
          log(`N=${n} run ${r + 1}/${opts.runs}: ${tool}`);
          await cycle(ctx, tool, n);
        }
        for (const c of floors) {
          log(`N=${n} run ${r + 1}/${opts.runs}: REST floor at concurrency ${c}`);
          await floorCycle(ctx, n, c);
        }
        for (const tool of tools) {
          log(`N=${n} run ${r + 1}/${opts.runs}: ${tool}, one hostPort per pod`);
          await cycle(ctx, tool, n, { hostPorts: true });
        }
        log(`N=${n} run ${r + 1}/${opts.runs}: REST floor at concurrency 4, one hostPort per pod`);
        await floorCycle(ctx, n, 4, { hostPorts: true });
      }
    }
    log('start-up');
    startupCases = await startup(ctx, opts.startupRuns, Math.max(...opts.ns));
  } finally {
    await stopService(svc);
  }
  let loadFigures;
  if (opts.load) {
    log('load + validate of 10,000 pods (bench/load-validate.js)');
    loadFigures = loadValidate();
  }
  const seconds = (performance.now() - started) / 1000;
  const text = report(ctx, { ns: opts.ns, runs: opts.runs, startupCases, loadFigures, podmanVersion, seconds, loadBefore, loadAfter: os.loadavg()[0] });
  process.stdout.write(text + '\n');
  const raw = path.join(os.tmpdir(), `kubeplay-bench-${ctx.runId}.json`);
  fs.writeFileSync(raw, JSON.stringify({ opts, samples: ctx.samples }, null, 1));
  log(`raw samples: ${raw}`);
  if (opts.write) {
    writeDoc(text);
    fs.writeFileSync(CHART, chart(ctx, opts.ns));
    log(`wrote ${path.relative(process.cwd(), DOC)} and ${path.relative(process.cwd(), CHART)}`);
  }
}

main().catch((e) => {
  process.stderr.write(`bench/run: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 1;
});
