// bench/lib/podman-bench.js: what the benches that run kubeplay against a private Podman API
// service share: starting and stopping that service, which pods run, memory cells, and how many
// other test runs share the machine (for the noise note in the report).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const floor = require('./rest-floor');
const { median } = require('./stats');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startService(dir) {
  const socketPath = path.join(dir, 'podman.sock');
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], { cwd: '/', stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  for (let i = 0; i < 200; i++) {
    if (await floor.request(socketPath, 'GET', '/_ping').then(() => true, () => false)) return { socketPath, child };
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`podman system service did not answer on ${socketPath}: ${stderr.trim() || 'no output'}`);
}

async function stopService(svc) {
  if (svc.child.exitCode !== null) return;
  svc.child.kill('SIGTERM');
  await Promise.race([new Promise((r) => svc.child.once('exit', r)), sleep(10_000)]);
  if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
}

function runningPods(pods) {
  return pods.filter((p) => {
    const apps = (p.Containers ?? []).filter((c) => c.Id !== p.InfraId);
    return apps.length > 0 && apps.every((c) => c.Status === 'running');
  });
}

function mib(xs) {
  return xs.length ? `${Math.round(median(xs) / 1024)} MB` : '–';
}

function otherTests() {
  let n = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (/jest/.test(args) && !args.includes('bench/')) n++;
    } catch {
      // gone
    }
  }
  return n;
}

/**
 * removeNetworksUnder removes the networks kubeplay made for state directories under `dir` (their
 * `kubeplay.io/state-dir` label) with kubeplay's own pods on them (the DNS server, Services'
 * proxies); the bench's other pods must be gone first. Returns the networks' names.
 */
async function removeNetworksUnder(socketPath, dir) {
  const nets = (await floor.request(socketPath, 'GET', '/networks/json')).body;
  const mine = (Array.isArray(nets) ? nets : []).filter((n) => {
    const s = n.labels?.['kubeplay.io/state-dir'];
    return typeof s === 'string' && (s === dir || s.startsWith(`${dir}/`));
  });
  const pods = (await floor.request(socketPath, 'GET', '/pods/json')).body;
  for (const net of mine) {
    const own = (Array.isArray(pods) ? pods : []).filter((p) => p.Labels?.['kubeplay.io/network'] === net.name).map((p) => p.Name);
    if (own.length > 0) await floor.deletePods(socketPath, own, 4);
    await floor.request(socketPath, 'DELETE', `/networks/${encodeURIComponent(net.name)}`);
  }
  return mine.map((n) => n.name);
}

module.exports = { startService, stopService, runningPods, mib, otherTests, removeNetworksUnder };
