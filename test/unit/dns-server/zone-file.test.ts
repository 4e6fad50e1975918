/**
 * The zone file kept loaded: a replacement renamed in is seen (directory events, or the stat poll),
 * a bad file keeps the previous zone and is logged once, a missing file is logged once.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ZoneFile } from '../../../src/dns-server/zone-file';

const zoneText = (address: string): string =>
  JSON.stringify({ domain: 'cluster.local', reverseZones: [], upstream: ['10.244.0.1'], ttl: 5, records: { 'web.shop.svc.cluster.local': [{ type: 'A', address }] } });

function replace(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

async function until(what: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (what()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return what();
}

const addressOf = (z: ZoneFile): string | undefined => {
  const r = z.zone()?.zone.records['web.shop.svc.cluster.local']?.[0];
  return r?.type === 'A' ? r.address : undefined;
};

describe('ZoneFile', () => {
  let dir: string;
  let file: string;
  const logs: string[] = [];
  let zf: ZoneFile | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeplay-dns-zone-'));
    file = path.join(dir, 'zone.json');
    logs.length = 0;
  });
  afterEach(() => {
    zf?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('loads at start and sees a replacement renamed in within 2 s', async () => {
    replace(file, zoneText('10.244.128.7'));
    zf = new ZoneFile(file, (l) => logs.push(l));
    zf.start();
    expect(addressOf(zf)).toBe('10.244.128.7');
    replace(file, zoneText('10.244.128.8'));
    expect(await until(() => addressOf(zf!) === '10.244.128.8', 2000)).toBe(true);
    expect(logs).toHaveLength(2);
    expect(logs[1]).toMatch(/^kubeplay-dns: zone .*zone\.json loaded: cluster\.local, 1 names, upstream 10\.244\.0\.1$/);
  });

  test('the stat poll alone sees a replacement (no directory events)', async () => {
    replace(file, zoneText('10.244.128.7'));
    zf = new ZoneFile(file, (l) => logs.push(l), 100);
    zf.start();
    // Stop the watcher: only the poll is left.
    (zf as unknown as { watcher?: fs.FSWatcher }).watcher?.close();
    replace(file, zoneText('10.244.128.9'));
    expect(await until(() => addressOf(zf!) === '10.244.128.9', 2000)).toBe(true);
  });

  test('a zone that does not parse keeps the previous one, logged once', async () => {
    replace(file, zoneText('10.244.128.7'));
    zf = new ZoneFile(file, (l) => logs.push(l), 100);
    zf.start();
    replace(file, '{"domain": "cluster.local", "records": {"web.shop.svc.cluster.local": [{"type": "A", "address": "999.1.1.1"}]}}');
    expect(await until(() => logs.length >= 2, 2000)).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(logs.slice(1)).toEqual([expect.stringMatching(/not loaded: records\["web\.shop\.svc\.cluster\.local"\]\[0\]\.address is not an IPv4 address; answering from the previous zone$/)]);
    expect(addressOf(zf)).toBe('10.244.128.7');
    replace(file, '{ not json');
    expect(await until(() => logs.length >= 3, 2000)).toBe(true);
    expect(logs[2]).toMatch(/not loaded: the zone is not JSON/);
    expect(addressOf(zf)).toBe('10.244.128.7');
  });

  test('a missing file: no zone, one line, loaded when it appears', async () => {
    zf = new ZoneFile(file, (l) => logs.push(l), 100);
    zf.start();
    expect(zf.zone()).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(logs).toEqual([expect.stringMatching(/cannot be read .*; answering SERVFAIL until it appears$/)]);
    replace(file, zoneText('10.244.128.7'));
    expect(await until(() => addressOf(zf!) === '10.244.128.7', 2000)).toBe(true);
  });
});
