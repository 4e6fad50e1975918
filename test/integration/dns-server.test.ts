/**
 * kubeplay's DNS server as it runs in its pod: the built program (dist/dns-server/main.js) started
 * as a real process on 127.0.0.1 (a free port it picks and prints), with a zone file made by
 * buildDnsZone, asked by real resolvers (Node's dns.Resolver, i.e. c-ares, and the host's busybox
 * nslookup), forwarding to a fake upstream this test runs, seeing a replaced zone file within 2 s,
 * and stopped by SIGTERM. It needs no Podman: the server is a plain Node program.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { buildDnsZone } from '../../src/plan/dns-zone';
import { layoutOf, type DnsZone } from '../../src/domain/network';
import type { StoredObject } from '../../src/domain/objects';
import { CLASS_IN, TYPE } from '../../src/dns-server/wire';
import { FakeUpstream, answerWith } from '../unit/dns-server/dns-test-kit';
import { repoRoot } from './support';

const built = path.join(repoRoot, 'dist', 'dns-server', 'main.js');

function newest(dir: string): number {
  return Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs)));
}

const meta = (ns: string, name: string) => ({ name, namespace: ns, uid: `${name}-uid`, resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' });
const layout = layoutOf('kubeplay', '10.244.0.0/16');
const services = (webIP: string): StoredObject[] => [
  { apiVersion: 'v1', kind: 'Service', metadata: meta('shop', 'web'), spec: { clusterIP: webIP, ports: [{ name: 'http', port: 80 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: meta('shop', 'db'), spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: meta('shop', 'ext'), spec: { type: 'ExternalName', externalName: 'example.com' } },
];
const endpoints: StoredObject[] = [
  { apiVersion: 'v1', kind: 'Endpoints', metadata: meta('shop', 'db'), subsets: [{ addresses: [{ ip: '10.244.0.10', hostname: 'db-0' }, { ip: '10.244.0.11', hostname: 'db-1' }], ports: [{ name: 'pg', port: 5432 }] }] },
];

describe('the DNS server program', () => {
  const upstream = new FakeUpstream((q) => {
    const name = q.questions[0]!.name.toLowerCase();
    if (name === 'example.com' || name === 'outside.test') return answerWith(q, [{ name: q.questions[0]!.name, type: TYPE.A, class: CLASS_IN, ttl: 60, data: { kind: 'a', address: '192.0.2.80' } }]);
    return answerWith(q, [], 3);
  });
  let dir: string;
  let zoneFile: string;
  let child: ChildProcess;
  let stderr = '';
  let port: number;
  let resolver: Resolver;

  const writeZone = (zone: DnsZone): void => {
    const tmp = `${zoneFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(zone));
    fs.renameSync(tmp, zoneFile);
  };
  const zoneFor = (webIP: string): DnsZone => ({ ...buildDnsZone({ services: services(webIP), endpoints, layout }), upstream: [`127.0.0.1:${upstream.port}`] });

  beforeAll(async () => {
    if (!fs.existsSync(built)) throw new Error('dist/dns-server/main.js is missing: run npm run build, then rerun the tests.');
    const src = Math.max(newest(path.join(repoRoot, 'src', 'dns-server')), newest(path.join(repoRoot, 'src', 'domain')));
    if (src > fs.statSync(built).mtimeMs) throw new Error('src/dns-server changed after the last build, so dist/ is stale: run npm run build, then rerun the tests.');
    await upstream.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-dns-it-'));
    zoneFile = path.join(dir, 'zone.json');
    writeZone(zoneFor('10.244.128.7'));
    child = spawn(process.execPath, [built, '--zone', zoneFile, '--listen', '127.0.0.1:0', '--timeout', '500'], { stdio: ['ignore', 'ignore', 'pipe'] });
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start line in 10 s; stderr: ${stderr}`)), 10_000);
      child.stderr!.on('data', (c: Buffer) => {
        stderr += c.toString();
        const m = /serving on 127\.0\.0\.1:([0-9]+) \(udp, tcp\)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code) => reject(new Error(`the server exited ${code}: ${stderr}`)));
    });
    resolver = new Resolver({ timeout: 1000, tries: 2 });
    resolver.setServers([`127.0.0.1:${port}`]);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await upstream.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('answers Service names, SRV, PTR and pods to a real resolver', async () => {
    expect(await resolver.resolve4('web.shop.svc.cluster.local')).toEqual(['10.244.128.7']);
    expect(await resolver.resolve4('WEB.shop.svc.Cluster.Local')).toEqual(['10.244.128.7']);
    expect((await resolver.resolve4('db.shop.svc.cluster.local')).sort()).toEqual(['10.244.0.10', '10.244.0.11']);
    expect(await resolver.resolve4('db-1.db.shop.svc.cluster.local')).toEqual(['10.244.0.11']);
    expect((await resolver.resolveSrv('_pg._tcp.db.shop.svc.cluster.local')).map((r) => `${r.name}:${r.port}`).sort()).toEqual(['db-0.db.shop.svc.cluster.local:5432', 'db-1.db.shop.svc.cluster.local:5432']);
    expect(await resolver.reverse('10.244.128.7')).toEqual(['web.shop.svc.cluster.local']);
    expect(await resolver.resolve4('10-244-0-99.shop.pod.cluster.local')).toEqual(['10.244.0.99']);
    expect(await resolver.resolve4('kubernetes.default.svc.cluster.local')).toEqual(['10.244.128.1']);
  });

  test('NXDOMAIN and NODATA as a resolver reports them', async () => {
    await expect(resolver.resolve4('nope.shop.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve6('web.shop.svc.cluster.local')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  test('forwards other names to the upstream, and chases an ExternalName there', async () => {
    expect(await resolver.resolve4('outside.test')).toEqual(['192.0.2.80']);
    expect(await resolver.resolveCname('ext.shop.svc.cluster.local')).toEqual(['example.com']);
    expect(await resolver.resolve4('ext.shop.svc.cluster.local')).toEqual(['192.0.2.80']);
    expect(upstream.seen.map((s) => s.message.questions[0]!.name.toLowerCase())).toEqual(expect.arrayContaining(['outside.test', 'example.com']));
  });

  test("busybox nslookup (the test image's resolver) reads the answers", () => {
    const r = spawnSync('busybox', ['nslookup', '-type=A', 'web.shop.svc.cluster.local', `127.0.0.1:${port}`], { encoding: 'utf8', timeout: 10_000 });
    expect(r.stdout).toMatch(/Name:\s+web\.shop\.svc\.cluster\.local\s+Address: 10\.244\.128\.7/);
  });

  test('a replaced zone file is answered from within 2 s', async () => {
    writeZone(zoneFor('10.244.128.42'));
    const start = Date.now();
    let got: string[] = [];
    while (Date.now() - start < 2000) {
      got = await resolver.resolve4('web.shop.svc.cluster.local');
      if (got[0] === '10.244.128.42') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(got).toEqual(['10.244.128.42']);
  });

  test('a broken zone file keeps the previous answers; SIGTERM stops it with exit 0', async () => {
    fs.writeFileSync(`${zoneFile}.tmp`, '{"domain": 5}');
    fs.renameSync(`${zoneFile}.tmp`, zoneFile);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await resolver.resolve4('web.shop.svc.cluster.local')).toEqual(['10.244.128.42']);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^kubeplay-dns: zone .* loaded: cluster\.local, \d+ names, upstream 127\.0\.0\.1:\d+$/);
    expect(lines[1]).toMatch(/^kubeplay-dns: serving on 127\.0\.0\.1:\d+ \(udp, tcp\), zone /);
    expect(lines.filter((l) => /not loaded: domain is not a string; answering from the previous zone$/.test(l))).toHaveLength(1);
    expect(lines[lines.length - 1]).toBe('kubeplay-dns: stopped (SIGTERM)');
    expect(lines).toHaveLength(5);
  });
});
