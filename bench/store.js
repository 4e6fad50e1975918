#!/usr/bin/env node
// bench/store.js: the object store's costs on this machine, on a fresh database in a temp dir:
// create 1,000 pods (one transaction each, as separate applies would), get each of them, then
// fill to 10,000 and list them all (one kind, all namespaces), with and without a label
// predicate, read the whole change feed, and open the full store again (what each command pays). Median of 3 runs; prints a table, writes nothing.
//
//   npm run build && node bench/store.js
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const t0 = process.hrtime.bigint();
const { SqliteObjectStore } = require('../dist/store/sqlite-object-store');
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6; // better-sqlite3's native module included

const pod = (i) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `web-${i}`, namespace: `ns-${i % 10}`, labels: { app: i % 2 ? 'web' : 'db' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}'.repeat(20) } },
  spec: { containers: [{ name: 'c', image: 'localhost/busybox:stable', command: ['sh', '-c', 'sleep 3600'], ports: [{ containerPort: 8080 }] }] },
});

const time = (fn) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-store-bench-'));
  const store = SqliteObjectStore.openStateDir(dir);
  const r = {};
  r['create 1,000 (a transaction each)'] = time(() => { for (let i = 0; i < 1000; i++) store.create(pod(i)); });
  r['get 1,000'] = time(() => { for (let i = 0; i < 1000; i++) store.get({ kind: 'Pod', namespace: `ns-${i % 10}`, name: `web-${i}` }); });
  r['create 9,000 more'] = time(() => { for (let i = 1000; i < 10000; i++) store.create(pod(i)); });
  let n = 0;
  r['list 10,000 (all namespaces)'] = time(() => { n = store.list({ kind: 'Pod' }).items.length; });
  if (n !== 10000) throw new Error(`listed ${n}`);
  r['list 10,000 with -l app=web (5,000 kept)'] = time(() => { store.list({ kind: 'Pod', where: (o) => o.metadata.labels?.app === 'web' }); });
  r['list one namespace (1,000)'] = time(() => { store.list({ kind: 'Pod', namespace: 'ns-3' }); });
  r['changesSince(0): 10,000 events'] = time(() => { store.changesSince(0); });
  store.close();
  r['open an existing store, then close'] = time(() => SqliteObjectStore.openStateDir(dir).close());
  r['file size (MB, after)'] = fs.statSync(path.join(dir, 'state.db')).size / 1e6 + (fs.existsSync(path.join(dir, 'state.db-wal')) ? fs.statSync(path.join(dir, 'state.db-wal')).size / 1e6 : 0);
  fs.rmSync(dir, { recursive: true, force: true });
  return r;
}

const runs = [run(), run(), run()];
const median = (xs) => xs.slice().sort((a, b) => a - b)[1];
console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, tmp on ${os.tmpdir()}`);
console.log(`loading the store module (and better-sqlite3's native binding): ${loadMs.toFixed(1)} ms`);
console.log('| operation | median of 3 (ms) | per object |');
console.log('|---|---:|---:|');
for (const k of Object.keys(runs[0])) {
  const m = median(runs.map((r) => r[k]));
  const per = /(\d[\d,]*)/.exec(k);
  const count = per ? Number(per[1].replace(/,/g, '')) : 0;
  if (k.startsWith('file size')) console.log(`| ${k} | ${m.toFixed(1)} | |`);
  else console.log(`| ${k} | ${m.toFixed(1)} | ${count ? `${((m * 1000) / count).toFixed(1)} µs` : ''} |`);
}
