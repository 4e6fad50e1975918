#!/usr/bin/env node
// bench/probes.js: what kubeplay's prober costs a `get pods` (docs/probes.md). For N one-container
// pods it times `get pods -l` (median of --repeat runs, each at least a second after the last):
//   none   pods with no probes (the baseline)
//   tcp    pods with a tcpSocket readiness probe, periodSeconds 1: every get runs it (from the host)
//   exec   pods with an exec readiness probe, periodSeconds 1: every get runs it (Podman's exec)
//   idle   pods with both, periodSeconds 300: every get reads and writes the records, runs nothing
// One private `podman system service` and state directory; it removes what it made.
//
//   node bench/probes.js [--n 10] [--repeat 7]
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { median } = require('./lib/stats');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const bin = path.join(__dirname, '..', 'bin', 'kubeplay.js');

async function startService(dir) {
  const socketPath = path.join(dir, 'podman.sock');
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], { cwd: '/', stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (fs.existsSync(socketPath)) return { child, socketPath };
    await sleep(50);
  }
  child.kill();
  throw new Error(`podman system service did not answer on ${socketPath}`);
}

function run(args, env) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`kubeplay ${args.join(' ')}: ${err}`))));
  });
}

function pods(prefix, n, kinds, period) {
  const docs = [];
  for (let i = 0; i < n; i++) {
    let probe = '';
    if (kinds.includes('tcp')) probe += `\n    readinessProbe: {tcpSocket: {port: 8080}, periodSeconds: ${period}}`;
    if (kinds.includes('exec')) probe += `\n    livenessProbe: {exec: {command: [sh, -c, "test -d /www"]}, periodSeconds: ${period}}`;
    docs.push(`apiVersion: v1
kind: Pod
metadata: {name: ${prefix}-${String(i).padStart(3, '0')}, labels: {bench: ${prefix}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: localhost/busybox:stable
    command: [httpd, -f, -p, "8080", -h, /www]${probe}
`);
  }
  return docs.join('---\n');
}

async function main() {
  const args = process.argv.slice(2);
  const n = Number(args[args.indexOf('--n') + 1] || 10) || 10;
  const repeat = Number(args[args.indexOf('--repeat') + 1] || 7) || 7;
  for (const v of ['CONTAINER_HOST', 'CONTAINER_CONNECTION']) delete process.env[v];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-bench-probes-'));
  const svc = await startService(tmp);
  const env = { ...process.env, CONTAINER_HOST: `unix://${svc.socketPath}`, KUBEPLAY_STATE_DIR: path.join(tmp, 'state') };
  const prefix = `kpb-${process.pid}`;
  const results = {};
  try {
    for (const [name, kinds, period] of [['warm', [], 1], ['none', [], 1], ['tcp', ['tcp'], 1], ['exec', ['exec'], 1], ['idle', ['tcp', 'exec'], 300]]) {
      const file = path.join(tmp, `${name}.yaml`);
      fs.writeFileSync(file, pods(`${prefix}-${name}`, n, kinds, period));
      await run(['apply', '-f', file], env);
      const sel = ['get', 'pods', '-l', `bench=${prefix}-${name}`];
      await run(sel, env); // the first look makes the records
      const times = [];
      for (let i = 0; i < repeat; i++) {
        await sleep(1100);
        times.push(await run(sel, env));
      }
      results[name] = median(times);
      await run(['delete', '-f', file, '--grace-period=0', '--force'], env).catch(() => undefined);
    }
  } finally {
    svc.child.kill();
    spawnSync('bash', ['-c', `podman pod ls --format '{{.Name}}' | grep '^${prefix}-' | xargs -r podman pod rm -f -t 0 >/dev/null 2>&1`]);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`get pods -l, ${n} pods, median of ${repeat} (ms):`);
  // The first group only warms the service up (its first minute is slower).
  delete results.warm;
  for (const [k, v] of Object.entries(results)) console.log(`  ${k.padEnd(5)} ${v.toFixed(0)}`);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
