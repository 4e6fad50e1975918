#!/usr/bin/env node
// bench/compare-builds.js: two builds of kubeplay side by side on the commands a user repeats, for
// a before/after figure when a change must not make them slower (issue 15's rule). For N
// two-container pods (bench/lib/manifests.js), round by round with the builds' order alternating,
// it times each build's: apply from nothing, a no-op re-apply, `get pods -l`, and a force delete.
// Both builds talk to one private `podman system service` this script starts, each with its own
// state directory and pod names (kpc-<run>-<build>-NNN); it removes what it made.
//
//   node bench/compare-builds.js --before /path/to/old/checkout --after . [--n 50] [--rounds 3] [--repeat 3]
//
// Each checkout must be built (npm run build). Prints medians per build and after/before ratios.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const floor = require('./lib/rest-floor');
const { LABEL, podsYaml } = require('./lib/manifests');
const { median } = require('./lib/stats');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv) {
  const o = { n: 50, rounds: 3, repeat: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--before') o.before = path.resolve(argv[++i]);
    else if (a === '--after') o.after = path.resolve(argv[++i]);
    else if (a === '--n') o.n = Number(argv[++i]);
    else if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--repeat') o.repeat = Number(argv[++i]);
    else throw new Error(`unknown argument "${a}": use --before DIR --after DIR [--n N] [--rounds R] [--repeat K]`);
  }
  if (!o.before || !o.after) throw new Error('--before and --after name the two checkouts to compare');
  return o;
}

async function startService(dir) {
  const socketPath = path.join(dir, 'podman.sock');
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], { cwd: '/', stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    if (await floor.request(socketPath, 'GET', '/_ping').then(() => true, () => false)) return { socketPath, child };
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`podman system service did not answer on ${socketPath}`);
}

function timed(bin, args, env) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${path.basename(bin)} ${args.join(' ')} exited ${code}: ${stderr.trim()}`))));
  });
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  for (const v of ['CONTAINER_HOST', 'CONTAINER_CONNECTION']) delete process.env[v];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-compare-'));
  const svc = await startService(tmp);
  const run = Math.random().toString(36).slice(2, 7);
  const builds = { before: o.before, after: o.after };
  const times = { before: {}, after: {} };
  const add = (b, k, ms) => (times[b][k] ??= []).push(ms);
  const failures = [];
  try {
    for (let r = 0; r < o.rounds; r++) {
      const order = r % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
      for (const b of order) {
        const bin = path.join(builds[b], 'bin', 'kubeplay.js');
        const env = { ...process.env, CONTAINER_HOST: `unix://${svc.socketPath}`, KUBEPLAY_STATE_DIR: path.join(tmp, `state-${b}`) };
        const id = `kpc-${run}-${b}`;
        const file = path.join(tmp, `${b}.yaml`);
        fs.writeFileSync(file, podsYaml(id, id, o.n));
        add(b, 'apply', await timed(bin, ['apply', '-f', file], env));
        for (let k = 0; k < o.repeat; k++) add(b, 'no-op apply', await timed(bin, ['apply', '-f', file], env));
        for (let k = 0; k < o.repeat; k++) add(b, 'get pods -l', await timed(bin, ['get', 'pods', '-l', `${LABEL}=${id}`], env));
        // Podman 4.3 sometimes leaves a kill unanswered under this load (both builds, seen in
        // session 5); such a run is not counted, and the delete is repeated until the pods are gone.
        try {
          add(b, 'delete --force', await timed(bin, ['delete', '-f', file, '--force', '--grace-period=0'], env));
        } catch (e) {
          failures.push(`${b} round ${r + 1}: ${e.message.split('\n')[0]}`);
          await timed(bin, ['delete', '-f', file, '--force', '--grace-period=0', '--ignore-not-found'], env).catch(() => undefined);
        }
        process.stderr.write(`compare: round ${r + 1}/${o.rounds} ${b} done\n`);
      }
    }
  } finally {
    svc.child.kill('SIGTERM');
    await sleep(1000);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const rows = Object.keys(times.before).map((k) => {
    const b = median(times.before[k]);
    const a = median(times.after[k]);
    return `| ${k} | ${Math.round(b)} ms | ${Math.round(a)} ms | ${(a / b).toFixed(2)}× |`;
  });
  process.stdout.write(`N = ${o.n} two-container pods, ${o.rounds} rounds (order alternating), medians\n\n| command | before | after | after/before |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`);
  if (failures.length > 0) process.stdout.write(`\nNot counted (Podman did not answer):\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
}

main().catch((e) => {
  process.stderr.write(`compare-builds: ${e.message}\n`);
  process.exit(1);
});
