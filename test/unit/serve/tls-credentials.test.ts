/**
 * ensureCredentials: what it makes, read back by Node's X509Certificate and by OpenSSL (an
 * implementation kubeplay did not write), and when a later start reuses or makes again.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCredentials, servingHosts, type ServingCredentials } from '../../../src/serve/tls';

const DAY = 86400000;
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kubeplay-tls-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const mode = (p: string): number => statSync(p).mode & 0o777;
const filesOf = (c: ServingCredentials): string[] => [c.caCert, c.caKey, c.cert, c.key, c.clientCert, c.clientKey, c.token];

describe('first start', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  let c: ServingCredentials;
  let dir: string;
  beforeEach(() => {
    dir = join(root, 'state', 'serve');
    c = ensureCredentials(dir, { hosts: ['127.0.0.1', '10.0.0.7', 'kubeplay.example', '::1'], now: () => now });
  });

  test('makes every file, the folder 0700 and each file 0600, and says what it made', () => {
    expect(mode(dir)).toBe(0o700);
    expect(readdirSync(dir).sort()).toEqual(['admin.crt', 'admin.key', 'ca.crt', 'ca.key', 'serving.crt', 'serving.key', 'token']);
    for (const f of readdirSync(dir)) expect([f, mode(join(dir, f))]).toEqual([f, 0o600]);
    expect(c.made).toEqual(['ca.crt: none yet', 'serving.crt: none yet', 'admin.crt: none yet', 'token: none yet']);
    expect(readFileSync(c.caFile, 'utf8')).toBe(c.caCert);
    expect(readFileSync(c.certFile, 'utf8')).toBe(c.cert);
    expect(readFileSync(c.keyFile, 'utf8')).toBe(c.key);
    expect(readFileSync(c.tokenFile, 'utf8')).toBe(`${c.token}\n`);
  });

  test('the CA: self-signed, CA:true, CN kubeplay-ca@<unix seconds>, ten years', () => {
    const ca = new X509Certificate(c.caCert);
    expect(ca.subject).toBe(`CN=kubeplay-ca@${now.getTime() / 1000}`);
    expect(ca.issuer).toBe(ca.subject);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(new Date(ca.validTo).getTime()).toBe(now.getTime() + 3650 * DAY);
    expect(new Date(ca.validFrom).getTime()).toBe(now.getTime() - 3600000);
    expect(ca.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(ca.checkPrivateKey(createPrivateKey(c.caKey))).toBe(true);
  });

  test('the serving certificate: signed by the CA, serverAuth, every name and host, one year', () => {
    const ca = new X509Certificate(c.caCert);
    const s = new X509Certificate(c.cert);
    expect(s.subject).toBe('CN=kubeplay');
    expect(s.issuer).toBe(ca.subject);
    expect(s.ca).toBe(false);
    expect(s.verify(ca.publicKey)).toBe(true);
    expect(s.checkIssued(ca)).toBe(true);
    expect(s.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(s.subjectAltName).toBe(
      'DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, ' +
        'DNS:kubeplay.example, IP Address:127.0.0.1, IP Address:10.0.0.7, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(new Date(s.validTo).getTime()).toBe(now.getTime() + 365 * DAY);
    expect(s.checkPrivateKey(createPrivateKey(c.key))).toBe(true);
  });

  test('the client certificate: CN kubeplay-admin, O system:masters, clientAuth', () => {
    const a = new X509Certificate(c.clientCert);
    expect(a.subject).toBe('O=system:masters\nCN=kubeplay-admin');
    expect(a.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(a.verify(new X509Certificate(c.caCert).publicKey)).toBe(true);
    expect(a.subjectAltName).toBeUndefined();
  });

  test('the token: 32 random bytes in base64url', () => {
    expect(c.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(c.token, 'base64url')).toHaveLength(32);
  });

  test('OpenSSL reads the three certificates and verifies the chain for its purpose', () => {
    const attime = ['-attime', String(now.getTime() / 1000 + 60)];
    expect(openssl('verify', ...attime, '-CAfile', c.caFile, '-purpose', 'sslserver', c.certFile)).toBe(`${c.certFile}: OK\n`);
    expect(openssl('verify', ...attime, '-CAfile', c.caFile, '-purpose', 'sslclient', c.clientCertFile)).toBe(`${c.clientCertFile}: OK\n`);
    expect(() => openssl('verify', ...attime, '-CAfile', c.caFile, '-purpose', 'sslclient', c.certFile)).toThrow();

    const caText = openssl('x509', '-noout', '-text', '-in', c.caFile);
    expect(caText).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:TRUE/);
    expect(caText).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature, Certificate Sign, CRL Sign/);
    expect(caText).toMatch(/X509v3 Subject Key Identifier:/);
    expect(caText).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(caText).toContain('Version: 3 (0x2)');

    const sText = openssl('x509', '-noout', '-text', '-in', c.certFile);
    const caSki = /Subject Key Identifier: *\n\s+(\S+)/.exec(caText)![1];
    expect(sText).toMatch(new RegExp(`Authority Key Identifier: *\\n\\s+(keyid:)?${caSki}`));
    expect(sText).toMatch(/Basic Constraints: critical\n\s+CA:FALSE/);
    expect(sText).toMatch(/Extended Key Usage: *\n\s+TLS Web Server Authentication/);
    expect(sText).toContain('DNS:kubernetes.default.svc.cluster.local, DNS:kubeplay.example, IP Address:127.0.0.1, IP Address:10.0.0.7');
    expect(sText).toMatch(/Not After : Dec {2}7 12:00:00 2027 GMT/);

    const aText = openssl('x509', '-noout', '-text', '-in', c.clientCertFile);
    expect(aText).toContain('Subject: O = system:masters, CN = kubeplay-admin');
    expect(aText).toMatch(/Extended Key Usage: *\n\s+TLS Web Client Authentication/);
  });
});

describe('a later start', () => {
  const t0 = new Date('2026-12-07T12:00:00Z');
  const at = (days: number) => () => new Date(t0.getTime() + days * DAY);

  test('reuses everything: the same bytes, nothing made', () => {
    const dir = join(root, 'serve');
    const first = ensureCredentials(dir, { hosts: ['127.0.0.1'], now: at(0) });
    const again = ensureCredentials(dir, { hosts: ['127.0.0.1'], now: at(100) });
    expect(again.made).toEqual([]);
    expect(filesOf(again)).toEqual(filesOf(first));
  });

  test('puts back the folder and file modes someone loosened', () => {
    const dir = join(root, 'serve');
    ensureCredentials(dir, { hosts: [], now: at(0) });
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'ca.key'), 0o644);
    ensureCredentials(dir, { hosts: [], now: at(1) });
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'ca.key'))).toBe(0o600);
  });

  test('a host the serving certificate lacks: only the serving certificate is made again', () => {
    const dir = join(root, 'serve');
    const first = ensureCredentials(dir, { hosts: ['127.0.0.1'], now: at(0) });
    const again = ensureCredentials(dir, { hosts: ['127.0.0.1', '192.168.1.9'], now: at(1) });
    expect(again.made).toEqual(['serving.crt: it lacks IP 192.168.1.9']);
    expect(again.caCert).toBe(first.caCert);
    expect(again.clientCert).toBe(first.clientCert);
    expect(again.token).toBe(first.token);
    expect(new X509Certificate(again.cert).checkIP('192.168.1.9')).toBe('192.168.1.9');
    const named = ensureCredentials(dir, { hosts: ['127.0.0.1', '192.168.1.9', 'box.lan'], now: at(1) });
    expect(named.made).toEqual(['serving.crt: it lacks DNS box.lan']);
    // Fewer hosts than the certificate holds: it still serves.
    expect(ensureCredentials(dir, { hosts: [], now: at(2) }).made).toEqual([]);
  });

  test('certificates expiring within 30 days are made again, the CA kept', () => {
    const dir = join(root, 'serve');
    const first = ensureCredentials(dir, { hosts: [], now: at(0) });
    expect(ensureCredentials(dir, { hosts: [], now: at(334) }).made).toEqual([]);
    const late = ensureCredentials(dir, { hosts: [], now: at(336) });
    expect(late.made).toEqual([
      'serving.crt: it expires 2027-12-07T12:00:00.000Z, within 30 days',
      'admin.crt: it expires 2027-12-07T12:00:00.000Z, within 30 days',
    ]);
    expect(late.caCert).toBe(first.caCert);
    expect(late.token).toBe(first.token);
    expect(new Date(new X509Certificate(late.cert).validTo).getTime()).toBe(at(336)().getTime() + 365 * DAY);
  });

  test('a CA near its end is made again, and everything it signed with it', () => {
    const dir = join(root, 'serve');
    const first = ensureCredentials(dir, { hosts: [], now: at(0) });
    const late = ensureCredentials(dir, { hosts: [], now: at(3650 - 20) });
    expect(late.made.map((m) => m.split(':')[0])).toEqual(['ca.crt', 'serving.crt', 'admin.crt']);
    expect(late.caCert).not.toBe(first.caCert);
    expect(late.token).toBe(first.token);
  });

  test('leaf certificates never outlive the CA that signed them', () => {
    const dir = join(root, 'serve');
    ensureCredentials(dir, { hosts: [], now: at(0) });
    const late = ensureCredentials(dir, { hosts: [], now: at(3650 - 200) });
    expect(late.made.map((m) => m.split(':')[0])).toEqual(['serving.crt', 'admin.crt']);
    expect(new X509Certificate(late.cert).validTo).toBe(new X509Certificate(late.caCert).validTo);
  });

  test('certificates that do not verify against the CA are made again, the CA kept', () => {
    const dir = join(root, 'serve');
    const other = join(root, 'other');
    ensureCredentials(dir, { hosts: [], now: at(0) });
    const foreign = ensureCredentials(other, { hosts: [], now: at(0) });
    copyFileSync(join(other, 'ca.crt'), join(dir, 'ca.crt'));
    copyFileSync(join(other, 'ca.key'), join(dir, 'ca.key'));
    const again = ensureCredentials(dir, { hosts: [], now: at(1) });
    expect(again.made).toEqual(['serving.crt: it does not verify against ca.crt', 'admin.crt: it does not verify against ca.crt']);
    expect(again.caCert).toBe(foreign.caCert);
    expect(new X509Certificate(again.cert).verify(new X509Certificate(foreign.caCert).publicKey)).toBe(true);
  });

  test('a key that does not match its certificate, an unreadable file, a bad token', () => {
    const dir = join(root, 'serve');
    const other = join(root, 'other');
    ensureCredentials(dir, { hosts: [], now: at(0) });
    ensureCredentials(other, { hosts: [], now: at(0) });
    copyFileSync(join(other, 'serving.key'), join(dir, 'serving.key'));
    writeFileSync(join(dir, 'admin.crt'), 'not a certificate');
    writeFileSync(join(dir, 'token'), 'short\n');
    const again = ensureCredentials(dir, { hosts: [], now: at(1) });
    expect(again.made[0]).toBe('serving.crt: serving.key does not match it');
    expect(again.made[1]).toMatch(/^admin\.crt: it cannot be read \(/);
    expect(again.made[2]).toBe('token: it is not 32 bytes in base64url');
    expect(ensureCredentials(dir, { hosts: [], now: at(1) }).made).toEqual([]);
  });

  test('a missing CA key makes a new CA and all it signs', () => {
    const dir = join(root, 'serve');
    ensureCredentials(dir, { hosts: [], now: at(0) });
    rmSync(join(dir, 'ca.key'));
    expect(ensureCredentials(dir, { hosts: [], now: at(1) }).made.map((m) => m.split(':')[0])).toEqual(['ca.crt', 'serving.crt', 'admin.crt']);
  });
});

test('RSA 2048 on request', () => {
  const c = ensureCredentials(join(root, 'rsa'), { hosts: [], keyType: 'rsa' });
  const s = new X509Certificate(c.cert);
  expect(s.publicKey.asymmetricKeyType).toBe('rsa');
  expect(s.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  expect(openssl('x509', '-noout', '-text', '-in', c.certFile)).toMatch(/Signature Algorithm: sha256WithRSAEncryption[\s\S]*Digital Signature, Key Encipherment/);
  expect(openssl('verify', '-CAfile', c.caFile, c.certFile)).toBe(`${c.certFile}: OK\n`);
});

test('an existing folder is used as it is, with its other files', () => {
  const dir = join(root, 'serve');
  mkdirSync(dir, { mode: 0o755 });
  writeFileSync(join(dir, 'README'), 'kept');
  ensureCredentials(dir, { hosts: [] });
  expect(readFileSync(join(dir, 'README'), 'utf8')).toBe('kept');
  expect(mode(dir)).toBe(0o700);
});

test('a folder that cannot be made is an error naming it', () => {
  // Under a regular file: fails for root too (ENOTDIR).
  const file = join(root, 'plain');
  writeFileSync(file, '');
  expect(() => ensureCredentials(join(file, 'serve'), { hosts: [] })).toThrow(
    /^cannot keep kubeplay serve's credentials in .*plain\/serve: ENOTDIR.*; check the state directory's owner and permissions, or pass --state-dir$/,
  );
});

describe('servingHosts', () => {
  const interfaces = {
    lo: [{ address: '127.0.0.1' }, { address: '::1' }],
    eth0: [{ address: '10.0.0.7' }, { address: 'fe80::1%eth0' }],
    podman0: undefined,
  };
  test('an address: itself', () => {
    expect(servingHosts('127.0.0.1', interfaces, 'box')).toEqual(['127.0.0.1']);
    expect(servingHosts('[::1]', interfaces, 'box')).toEqual(['::1']);
  });
  test("a wildcard: the interfaces' addresses (IPv4 only for 0.0.0.0) and the host name", () => {
    expect(servingHosts('0.0.0.0', interfaces, 'box')).toEqual(['127.0.0.1', '10.0.0.7', 'box']);
    expect(servingHosts('::', interfaces)).toEqual(['127.0.0.1', '::1', '10.0.0.7', 'fe80::1']);
  });
  test('the serving certificate made for a wildcard holds them', () => {
    const c = ensureCredentials(join(root, 'serve'), { hosts: servingHosts('0.0.0.0', interfaces, 'box') });
    const x = new X509Certificate(c.cert);
    expect([x.checkIP('10.0.0.7'), x.checkHost('box')]).toEqual(['10.0.0.7', 'box']);
  });
});
