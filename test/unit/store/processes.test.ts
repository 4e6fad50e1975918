/**
 * The store shared by OS processes, as concurrent kubeplay commands share it: two writers at
 * once lose no update, and a writer SIGKILLed in the middle of a burst leaves a database where
 * every object is whole or absent and the change log agrees with the objects.
 * The child (child/store-writer.ts) is bundled with esbuild, since ts-jest compiles only this process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import Database from 'better-sqlite3';
import { openTestStore, removeDir, tempDir } from './temp-store';

const ROOT = path.join(__dirname, '..', '..', '..');
let dir: string;
let writer: string;
beforeAll(() => {
  dir = tempDir();
  writer = path.join(dir, 'store-writer.js');
  buildSync({ entryPoints: [path.join(__dirname, 'child', 'store-writer.ts')], bundle: true, platform: 'node', target: 'node20', outfile: writer, external: ['better-sqlite3'], logLevel: 'error' });
});
afterAll(() => removeDir(dir));

/** start forks the writer on a state directory; NODE_PATH lets the bundle in a temp dir find better-sqlite3. */
function start(args: string[]): ChildProcess {
  return fork(writer, args, { env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}
const message = (child: ChildProcess, key: string): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>): void => {
      if (m[key] !== undefined) {
        child.off('message', onMessage);
        resolve(m);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code, signal) => reject(new Error(`writer exited (${code ?? signal}) before "${key}"`)));
  });
const exited = (child: ChildProcess): Promise<void> => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

it('two processes incrementing one object with read-then-update lose no update', async () => {
  const state = path.join(dir, 'increment');
  const store = openTestStore(state);
  store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'counter', namespace: 'default' }, data: { count: '0' } });
  const children = [start(['increment', state, '300']), start(['increment', state, '300'])];
  await Promise.all(children.map((c) => message(c, 'opened')));
  const done = children.map((c) => message(c, 'done'));
  for (const c of children) c.send('go');
  const results = await Promise.all(done);
  await Promise.all(children.map(exited)); // each exits when done: nothing keeps it alive

  const counter = store.get({ kind: 'ConfigMap', namespace: 'default', name: 'counter' })!;
  expect(counter['data']).toEqual({ count: '600' });
  expect(counter.metadata.resourceVersion).toBe('601'); // one create, 600 updates, nothing else
  expect(store.changesSince(0).events.map((e) => e.revision)).toEqual(Array.from({ length: 601 }, (_, i) => i + 1));
  process.stdout.write(`two processes, 600 increments: ${results.map((r) => r['conflicts']).join(' + ')} conflicts retried\n`);
  store.close();
});

it('a writer SIGKILLed in the middle of a burst, five times over, leaves a consistent database', async () => {
  const state = path.join(dir, 'burst');
  for (let round = 0; round < 5; round++) {
    const child = start(['burst', state]);
    await message(child, 'ready');
    await new Promise((r) => setTimeout(r, round * 37)); // land the kill at a different moment each round
    child.kill('SIGKILL');
    await exited(child);
    expect(child.signalCode).toBe('SIGKILL');
    checkConsistent(path.join(state, 'state.db'));
  }
  // and the store opens and writes after the last kill
  const store = openTestStore(state);
  const before = store.currentRevision();
  store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after', namespace: 'default' }, data: {} });
  expect(store.currentRevision()).toBe(before + 1);
  store.close();
});

/** checkConsistent opens the database as the next process would and checks every invariant of the store. */
function checkConsistent(file: string): void {
  const db = new Database(file);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const meta = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: number }>).map((r) => [r.key, r.value]));
    const revision = Number(meta['revision']);
    const compacted = Number(meta['compacted_revision']);
    const changes = db.prepare('SELECT revision, type, kind, namespace, name, body FROM changes ORDER BY revision').all() as Array<Record<string, string | number>>;
    // the log holds every revision after the compacted one, once, in order, up to the counter
    expect(changes.map((c) => c['revision'])).toEqual(Array.from({ length: revision - compacted }, (_, i) => compacted + i + 1));
    // every object is whole: its body parses, its checksum matches, its resourceVersion is its row's revision
    const objects = db.prepare('SELECT kind, namespace, name, revision, body FROM objects').all() as Array<Record<string, string | number>>;
    for (const o of objects) {
      const body = JSON.parse(String(o['body'])) as { metadata: { resourceVersion: string }; data: { payload: string; sha: string } };
      expect(createHash('sha256').update(body.data.payload).digest('hex')).toBe(body.data.sha);
      expect(body.metadata.resourceVersion).toBe(String(o['revision']));
    }
    // the objects are exactly what the log's last change of each key says
    const last = new Map<string, Record<string, string | number>>();
    for (const c of changes) last.set(`${c['kind']}/${c['namespace']}/${c['name']}`, c);
    const live = [...last.entries()].filter(([, c]) => c['type'] !== 'DELETED');
    expect(objects.map((o) => `${o['kind']}/${o['namespace']}/${o['name']}`).sort()).toEqual(live.map(([k]) => k).sort());
    for (const o of objects) expect(last.get(`${o['kind']}/${o['namespace']}/${o['name']}`)!['body']).toBe(o['body']);
  } finally {
    db.close();
  }
}
