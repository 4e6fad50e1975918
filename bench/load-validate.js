#!/usr/bin/env node
// bench/load-validate.js measures the first two stages of the pipeline on a large input: it writes
// one multi-document file of N two-container pods to a temp dir, then runs, each in a fresh node
// process and R times: load only, load + validate, and the real CLI end to end
// (`node bin/kubeplay.js apply --dry-run=client -f FILE > /dev/null`). It reports the median and
// min–max of wall time and peak RSS, and writes the table into docs/benchmarks.md under
// "Load and validate" (between the bench:load-validate markers), with the machine and the date.
//
// It runs the built dist/ (npm run bench:load builds first), so the precompiled schema validator
// is used, as the CLI does.
//
//   npm run bench:load                     # 10,000 pods, 5 runs, updates docs/benchmarks.md
//   node bench/load-validate.js --pods 2000 --runs 3 --no-write
//   node bench/load-validate.js --file some.yaml --no-write
//   node bench/load-validate.js --json FILE      # also write the load + validate medians as JSON (bench/run.js)
//
// Peak RSS is process.resourceUsage().maxRSS of the measured process itself: the stage runs are
// children of this script, and the CLI run gets this file preloaded (`node -r`) to report its own
// figure on exit, so no /usr/bin/time is needed.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..');
const DOC = path.join(ROOT, 'docs', 'benchmarks.md');
const BEGIN = '<!-- bench:load-validate:begin -->';
const END = '<!-- bench:load-validate:end -->';
/** Set in the CLI's environment: the file this module, preloaded there, writes its figures to. */
const REPORT_ENV = 'KUBEPLAY_BENCH_REPORT';

// ------------------------------------------------------------------------------------------------
// The input: realistic pods, deterministic
// ------------------------------------------------------------------------------------------------

/**
 * podYaml writes pod number i (about 970 bytes): two containers, labels, an annotation, ports, env, mounts,
 * limits, a probe, a volume. With requests, its first container also asks for resources.requests,
 * which kubeplay does not carry out: one warning per pod, located in its source.
 */
function podYaml(i, { requests = false } = {}) {
  const app = ['web', 'api', 'worker', 'cache', 'auth'][i % 5];
  const tier = ['frontend', 'backend', 'data'][i % 3];
  const port = 8000 + (i % 1000);
  return `---
apiVersion: v1
kind: Pod
metadata:
  name: ${app}-${String(i).padStart(5, '0')}
  labels:
    app: ${app}
    tier: ${tier}
  annotations:
    example.com/build: "${(i * 2654435761) % 4294967296}"
spec:
  containers:
    - name: ${app}
      image: localhost/busybox:stable
      imagePullPolicy: Never
      command: ["sh", "-c", "httpd -f -p ${port} -h /www & wait $!"]
      env:
        - name: APP_PORT
          value: "${port}"
      ports:
        - name: http
          containerPort: ${port}
          protocol: TCP
      volumeMounts:
        - name: www
          mountPath: /www
      resources:
        limits: {cpu: 250m, memory: 64Mi}${requests ? '\n        requests: {cpu: 100m, memory: 32Mi}' : ''}
      livenessProbe:
        httpGet: {path: /, port: ${port}}
        periodSeconds: 10
    - name: shipper
      image: localhost/busybox:stable
      command: [sh, -c, "while true; do wc -l /www/*; sleep 30; done"]
      volumeMounts:
        - name: www
          mountPath: /www
          readOnly: true
  volumes:
    - name: www
      emptyDir:
        sizeLimit: 32Mi
`;
}


/** writeInput writes N pods into one file in a new temp dir (or dir) and returns its path. */
function writeInput(pods, options = {}, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-bench-'))) {
  const file = path.join(dir, `pods-${pods}${options.requests ? '-requests' : ''}.yaml`);
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < pods; i++) fs.writeSync(fd, podYaml(i, options));
  fs.closeSync(fd);
  return file;
}

// ------------------------------------------------------------------------------------------------
// The measured processes
// ------------------------------------------------------------------------------------------------

/** child runs one stage in this (fresh) process and prints its figures as JSON. */
async function child(stage, file) {
  const started = performance.now();
  const { loadManifests } = require(path.join(ROOT, 'dist', 'load'));
  const { validateManifests } = require(path.join(ROOT, 'dist', 'validate'));
  const loadStart = performance.now();
  const loaded = await loadManifests([file], { recursive: false, readStdin: async () => Buffer.alloc(0) });
  const loadEnd = performance.now();
  let result;
  if (stage === 'validate') result = validateManifests(loaded.documents, 'strict');
  const end = performance.now();
  const errors = loaded.issues.filter((i) => i.severity === 'error').length;
  process.stdout.write(
    JSON.stringify({
      documents: loaded.documents.length,
      loadIssues: loaded.issues.length,
      loadErrors: errors,
      valid: result ? result.ok : undefined,
      warnings: result && result.ok ? result.warnings.length : undefined,
      requireMs: loadStart - started,
      loadMs: loadEnd - loadStart,
      validateMs: end - loadEnd,
      maxRssKiB: process.resourceUsage().maxRSS,
    }) + '\n',
  );
}

/** run starts one measured process and returns its wall time and the figures it reported. */
function run(args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    throw new Error(`${path.basename(process.execPath)} ${args.join(' ')} exited with ${r.status}: ${String(r.stderr).slice(0, 2000)}`);
  }
  return { wallMs, stdout: String(r.stdout) };
}

function stageRun(stage, file) {
  const { wallMs, stdout } = run([__filename, '--child', stage, file], process.env);
  const figures = JSON.parse(stdout.trim().split('\n').pop());
  // A benchmark of input that fails is a benchmark of the error path: say so instead of a table.
  if (figures.loadErrors > 0 || figures.valid === false) {
    throw new Error(`the input did not load and validate cleanly (${figures.loadErrors} load errors, valid: ${figures.valid}); bench a valid file`);
  }
  return { wallMs, ...figures };
}

function cliRun(file) {
  const report = path.join(path.dirname(file), `cli-${process.pid}-${Date.now()}.json`);
  const args = ['-r', __filename, path.join(ROOT, 'bin', 'kubeplay.js'), 'apply', '--dry-run=client', '-f', file];
  const { wallMs, stdout } = run(args, { ...process.env, [REPORT_ENV]: report, NO_COLOR: '1' });
  const figures = JSON.parse(fs.readFileSync(report, 'utf8'));
  fs.rmSync(report, { force: true });
  return { wallMs, outputLines: stdout.split('\n').length - 1, ...figures };
}

// ------------------------------------------------------------------------------------------------
// Statistics and the report
// ------------------------------------------------------------------------------------------------

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** spread formats the median and min–max of a series, e.g. `1.23 s (1.20–1.31)`. */
function spread(xs, unit) {
  const f = unit === 's' ? (v) => (v / 1000).toFixed(2) : (v) => String(Math.round(v / 1024));
  return `${f(median(xs))} ${unit === 's' ? 's' : 'MB'} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
}

function machine() {
  const mem = (os.totalmem() / 1024 ** 3).toFixed(1);
  const cpu = os.cpus()[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${os.availableParallelism?.() ?? os.cpus().length} cores (nproc), ${cpu}, ${mem} GiB memory, node ${process.version}, ${os.type()} ${os.release()}`;
}

function table(rows) {
  const lines = [
    '| measured (fresh node process each) | wall time, median (min–max) | in-process time, median (min–max) | peak RSS, median (min–max) |',
    '| --- | --- | --- | --- |',
  ];
  for (const r of rows) lines.push(`| ${r.name} | ${spread(r.wall, 's')} | ${r.inner ? spread(r.inner, 's') : '–'} | ${spread(r.rss, 'MB')} |`);
  return lines.join('\n');
}

async function bench(opts) {
  const file = opts.file ?? writeInput(opts.pods);
  try {
    await measure(opts, file);
  } finally {
    if (!opts.file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

async function measure(opts, file) {
  // The same pods asking for resources.requests: every pod then gets a located warning.
  const warned = opts.file ? undefined : writeInput(opts.pods, { requests: true }, path.dirname(file));
  const size = fs.statSync(file).size;
  const stages = [
    { name: 'load only (`loadManifests`)', go: () => stageRun('load', file), inner: (r) => r.loadMs },
    { name: 'load + validate (`validateManifests`)', go: () => stageRun('validate', file), inner: (r) => r.loadMs + r.validateMs },
    { name: 'CLI: `apply --dry-run=client -f FILE > /dev/null`', go: () => cliRun(file) },
  ];
  if (warned) {
    stages.push({
      name: 'load + validate, a warning on every pod',
      go: () => stageRun('validate', warned),
      inner: (r) => r.loadMs + r.validateMs,
    });
  }
  const rows = [];
  for (const s of stages) {
    const row = { name: s.name, wall: [], inner: s.inner ? [] : undefined, rss: [], runs: [] };
    for (let i = 0; i < opts.runs; i++) {
      const r = s.go();
      row.wall.push(r.wallMs);
      row.inner?.push(s.inner(r));
      row.rss.push(r.maxRssKiB);
      row.runs.push(r);
      process.stderr.write(`${s.name}: run ${i + 1}/${opts.runs}: ${(r.wallMs / 1000).toFixed(2)} s, ${Math.round(r.maxRssKiB / 1024)} MB\n`);
    }
    rows.push(row);
  }
  const [loadRow, validateRow, cliRow, warnedRow] = rows;
  const last = validateRow.runs[validateRow.runs.length - 1];
  const cli = cliRow.runs[cliRow.runs.length - 1];
  const pods = opts.file ? `${last.documents} documents` : `${opts.pods.toLocaleString('en-US')} two-container pods`;
  const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const text = [
    `Input: ${pods} in one multi-document file of ${(size / 1e6).toFixed(1)} MB` +
      (opts.file ? '.' : ' (generated by bench/load-validate.js: labels, an annotation, ports, env, mounts, limits, a probe, an emptyDir volume).'),
    `Result: ${last.documents} documents loaded, ${last.loadIssues} load issues, validation ${last.valid ? 'passed' : 'FAILED'};` +
      ` the CLI printed ${cli.outputLines} lines.`,
    `In-process medians: load ${seconds(median(loadRow.runs.map((r) => r.loadMs)))},` +
      ` validate ${seconds(median(validateRow.runs.map((r) => r.validateMs)))}` +
      (warnedRow ? `, validate with ${warnedRow.runs[0].warnings} warnings ${seconds(median(warnedRow.runs.map((r) => r.validateMs)))}.` : '.'),
    '',
    table(rows),
    '',
    `Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}. ${opts.runs} runs each.`,
    'Wall time is from spawning the process to its exit (node start-up, about 50 ms here, included);',
    'in-process time is the stage itself, measured inside the process after its modules were loaded.',
  ].join('\n');
  process.stdout.write(text + '\n');
  if (opts.write) writeDoc(text);
  // For bench/run.js's targets table: the load + validate row's medians.
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ wallMs: median(validateRow.wall), rssMB: Math.round(median(validateRow.rss) / 1024) }));
}

/** writeDoc replaces the text between the markers in docs/benchmarks.md, creating the section if needed. */
function writeDoc(text) {
  let doc = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const block = `${BEGIN}\n${text}\n${END}`;
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a >= 0 && b > a) doc = doc.slice(0, a) + block + doc.slice(b + END.length);
  else doc = `${doc.trimEnd()}\n\n## Load and validate\n\n${block}\n`;
  fs.writeFileSync(DOC, doc);
  process.stderr.write(`wrote ${path.relative(process.cwd(), DOC)}\n`);
}

function parseArgs(argv) {
  const opts = { pods: 10_000, runs: 5, write: true, file: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--pods') opts.pods = Number(argv[++i]);
    else if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--file') opts.file = path.resolve(argv[++i]);
    else if (a === '--no-write') opts.write = false;
    else if (a === '--json') opts.json = path.resolve(argv[++i]);
    else throw new Error(`unknown argument "${a}": use --pods N, --runs N, --file PATH, --no-write, --json FILE`);
  }
  if (!(opts.pods > 0 && opts.runs > 0)) throw new Error('--pods and --runs must be positive numbers');
  return opts;
}

/** podYaml and writeInput are exported for tests that want the same realistic input. */
module.exports = { podYaml, writeInput };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const main = argv[0] === '--child' ? child(argv[1], argv[2]) : bench(parseArgs(argv));
  main.catch((e) => {
    process.stderr.write(`bench/load-validate: ${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 1;
  });
} else if (process.env[REPORT_ENV]) {
  // Preloaded into the CLI with `node -r`: report this process's own figures when it exits.
  const report = process.env[REPORT_ENV];
  delete process.env[REPORT_ENV];
  process.on('exit', (code) => {
    fs.writeFileSync(report, JSON.stringify({ exitCode: code, maxRssKiB: process.resourceUsage().maxRSS }));
  });
}
