/**
 * credentials.ts: kubeplay serve's credentials, made on first start and kept in `<state dir>/serve`
 * (the folder 0700, every file 0600): a CA, the serving certificate it signs, a client certificate
 * for kubectl (user `kubeplay-admin`, group `system:masters`) and a bearer token. Later starts reuse
 * them and make again only what no longer serves: a serving certificate lacking a requested host,
 * any certificate expiring within 30 days or not verifying against the CA, a key not matching its
 * certificate, a CA that is unreadable or expiring (then everything it signed is made again too).
 */
import { X509Certificate, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { UsageError } from '../../domain/errors';
import { generateKey, makeCertificate, privateKeyPem, subjectName, type KeyType } from './certificate';

/** ServingCredentials: the PEMs, the token and where they are kept. */
export interface ServingCredentials {
  /** caCert: the CA certificate (PEM): a kubeconfig's certificate-authority-data, the server's `ca` for client certificates. */
  caCert: string;
  caKey: string;
  /** cert, key: the serving certificate and its key (PEM), for https.createServer. */
  cert: string;
  key: string;
  /** clientCert, clientKey: kubectl's client certificate (CN kubeplay-admin, O system:masters) and key (PEM). */
  clientCert: string;
  clientKey: string;
  /** token: the bearer token (32 random bytes, base64url). */
  token: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  tokenFile: string;
  /** made: what this call made and why, one line each (`serving.crt: it lacks IP 10.0.0.5`); empty when all was reused. */
  made: string[];
}

/** CredentialOptions: the hosts clients reach the server by (IPs or DNS names), a clock for tests, the key type. */
export interface CredentialOptions {
  hosts: readonly string[];
  now?: () => Date;
  keyType?: KeyType;
}

/** FILES: the names inside the credentials folder. */
export const FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  cert: 'serving.crt',
  key: 'serving.key',
  clientCert: 'admin.crt',
  clientKey: 'admin.key',
  token: 'token',
} as const;

/** SERVING_DNS_NAMES: the names every serving certificate holds (kube-apiserver's own service names and localhost). */
export const SERVING_DNS_NAMES = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
/** SERVING_IPS: the addresses every serving certificate holds: `serve` listens on 127.0.0.1 by default. */
export const SERVING_IPS = ['127.0.0.1'];
/** ADMIN_USER, ADMIN_GROUP: the client certificate's subject: the user and the group that may do everything. */
export const ADMIN_USER = 'kubeplay-admin';
export const ADMIN_GROUP = 'system:masters';

const DAY = 24 * 60 * 60 * 1000;
/** RENEW_BEFORE_MS: a certificate expiring sooner than this is made again (30 days). */
export const RENEW_BEFORE_MS = 30 * DAY;
const CA_LIFETIME_MS = 3650 * DAY;
const LEAF_LIFETIME_MS = 365 * DAY;
/** BACKDATE_MS: notBefore is an hour early, so a client whose clock lags a little still accepts a fresh certificate. */
const BACKDATE_MS = 60 * 60 * 1000;
const TOKEN_FORM = /^[A-Za-z0-9_-]{43}$/;

/** wantedSans: the serving certificate's subjectAltNames for the hosts: the fixed names and addresses first, then each host once. */
export function wantedSans(hosts: readonly string[]): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames = [...SERVING_DNS_NAMES];
  const ipAddresses = [...SERVING_IPS];
  for (const raw of hosts) {
    const h = raw.trim().replace(/^\[(.*)\]$/, '$1');
    if (h === '') continue;
    if (isIP(h)) {
      if (!ipAddresses.includes(h)) ipAddresses.push(h);
    } else if (!dnsNames.includes(h.toLowerCase())) dnsNames.push(h.toLowerCase());
  }
  return { dnsNames, ipAddresses };
}

/**
 * servingHosts: the hosts a serving certificate needs for a listen address: the address itself;
 * for a wildcard (0.0.0.0, ::) every address of the machine's interfaces and its host name,
 * since clients elsewhere reach it by those. `interfaces` is os.networkInterfaces()'s answer.
 */
export function servingHosts(address: string, interfaces: Readonly<Record<string, ReadonlyArray<{ address: string }> | undefined>>, hostname?: string): string[] {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  if (bare !== '0.0.0.0' && bare !== '::') return [bare];
  const all = Object.values(interfaces).flatMap((list) => (list ?? []).map((i) => i.address.split('%')[0]!));
  const wanted = bare === '0.0.0.0' ? all.filter((a) => isIP(a) === 4) : all;
  return [...new Set([...wanted, ...(hostname ? [hostname] : [])])];
}

interface Pair {
  x509: X509Certificate;
  certPem: string;
  keyPem: string;
  key: KeyObject;
}

function readPair(dir: string, certName: string, keyName: string): Pair | string {
  let certPem: string;
  let keyPem: string;
  try {
    certPem = readFileSync(join(dir, certName), 'utf8');
    keyPem = readFileSync(join(dir, keyName), 'utf8');
  } catch {
    return 'none yet';
  }
  try {
    const x509 = new X509Certificate(certPem);
    const key = createPrivateKey(keyPem);
    if (!x509.checkPrivateKey(key)) return `${keyName} does not match it`;
    return { x509, certPem, keyPem, key };
  } catch (e) {
    return `it cannot be read (${(e as Error).message})`;
  }
}

/** problemOf: why a kept certificate no longer serves at `now`, or undefined when it does. */
function expiryProblem(x509: X509Certificate, now: Date): string | undefined {
  const to = new Date(x509.validTo);
  if (to.getTime() - now.getTime() < RENEW_BEFORE_MS) return `it expires ${to.toISOString()}, within 30 days`;
  if (new Date(x509.validFrom).getTime() > now.getTime() + BACKDATE_MS) return `it is not valid before ${new Date(x509.validFrom).toISOString()}`;
  return undefined;
}

function signedProblem(x509: X509Certificate, ca: X509Certificate): string | undefined {
  return x509.checkIssued(ca) && x509.verify(ca.publicKey) ? undefined : 'it does not verify against ca.crt';
}

function writePrivate(dir: string, name: string, text: string): void {
  const path = join(dir, name);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function keepPrivate(dir: string, name: string): void {
  chmodSync(join(dir, name), 0o600);
}

/**
 * ensureCredentials: reads or makes the credentials in dir (`<state dir>/serve`); see the file's
 * comment for what is made again. A folder or file it cannot make or change is a UsageError
 * naming it.
 */
export function ensureCredentials(dir: string, opts: CredentialOptions): ServingCredentials {
  try {
    return ensureIn(dir, opts);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && typeof err.syscall === 'string') {
      throw new UsageError(`cannot keep kubeplay serve's credentials in ${dir}: ${err.message}; check the state directory's owner and permissions, or pass --state-dir`);
    }
    throw e;
  }
}

function ensureIn(dir: string, opts: CredentialOptions): ServingCredentials {
  const now = (opts.now ?? (() => new Date()))();
  const keyType = opts.keyType ?? 'ec';
  const made: string[] = [];
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);

  // The CA.
  let ca = readPair(dir, FILES.caCert, FILES.caKey);
  let caProblem = typeof ca === 'string' ? ca : expiryProblem(ca.x509, now) ?? (ca.x509.ca ? undefined : 'it is not a CA');
  if (caProblem !== undefined || typeof ca === 'string') {
    const k = generateKey(keyType);
    const subject = { commonName: `kubeplay-ca@${Math.floor(now.getTime() / 1000)}` };
    const certPem = makeCertificate({
      subject,
      publicKey: k.publicKey,
      privateKey: k.privateKey,
      issuer: 'self',
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(now.getTime() + CA_LIFETIME_MS),
      ca: true,
      keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'],
    });
    const keyPem = privateKeyPem(k.privateKey);
    writePrivate(dir, FILES.caKey, keyPem);
    writePrivate(dir, FILES.caCert, certPem);
    made.push(`${FILES.caCert}: ${caProblem ?? 'none yet'}`);
    ca = { x509: new X509Certificate(certPem), certPem, keyPem, key: k.privateKey };
    caProblem = undefined;
  } else {
    keepPrivate(dir, FILES.caKey);
    keepPrivate(dir, FILES.caCert);
  }
  const caPair = ca;
  const issuer = { name: subjectName(caPair.x509.raw), privateKey: caPair.key, publicKey: createPublicKey(caPair.key) };
  const caNotAfter = new Date(caPair.x509.validTo).getTime();
  const leafNotAfter = new Date(Math.min(now.getTime() + LEAF_LIFETIME_MS, caNotAfter));

  // The serving certificate.
  const sans = wantedSans(opts.hosts);
  const serving = readPair(dir, FILES.cert, FILES.key);
  const servingProblem =
    typeof serving === 'string'
      ? serving
      : signedProblem(serving.x509, caPair.x509) ??
        expiryProblem(serving.x509, now) ??
        missingSan(serving.x509, sans);
  let cert: string;
  let key: string;
  if (servingProblem !== undefined || typeof serving === 'string') {
    const k = generateKey(keyType);
    cert = makeCertificate({
      subject: { commonName: 'kubeplay' },
      publicKey: k.publicKey,
      issuer,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: leafNotAfter,
      ca: false,
      keyUsage: keyType === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
      extKeyUsage: ['serverAuth'],
      ...sans,
    });
    key = privateKeyPem(k.privateKey);
    writePrivate(dir, FILES.key, key);
    writePrivate(dir, FILES.cert, cert);
    made.push(`${FILES.cert}: ${servingProblem ?? 'none yet'}`);
  } else {
    ({ certPem: cert, keyPem: key } = serving);
    keepPrivate(dir, FILES.key);
    keepPrivate(dir, FILES.cert);
  }

  // The client certificate.
  const admin = readPair(dir, FILES.clientCert, FILES.clientKey);
  const adminProblem =
    typeof admin === 'string'
      ? admin
      : signedProblem(admin.x509, caPair.x509) ?? expiryProblem(admin.x509, now) ?? (subjectUser(admin.x509)?.name === ADMIN_USER ? undefined : `its subject is not CN=${ADMIN_USER}`);
  let clientCert: string;
  let clientKey: string;
  if (adminProblem !== undefined || typeof admin === 'string') {
    const k = generateKey(keyType);
    clientCert = makeCertificate({
      subject: { commonName: ADMIN_USER, organizations: [ADMIN_GROUP] },
      publicKey: k.publicKey,
      issuer,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: leafNotAfter,
      ca: false,
      keyUsage: keyType === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
      extKeyUsage: ['clientAuth'],
    });
    clientKey = privateKeyPem(k.privateKey);
    writePrivate(dir, FILES.clientKey, clientKey);
    writePrivate(dir, FILES.clientCert, clientCert);
    made.push(`${FILES.clientCert}: ${adminProblem ?? 'none yet'}`);
  } else {
    ({ certPem: clientCert, keyPem: clientKey } = admin);
    keepPrivate(dir, FILES.clientKey);
    keepPrivate(dir, FILES.clientCert);
  }

  // The token.
  let token: string | undefined;
  try {
    token = readFileSync(join(dir, FILES.token), 'utf8').trim();
  } catch {
    token = undefined;
  }
  if (token === undefined || !TOKEN_FORM.test(token)) {
    made.push(`${FILES.token}: ${token === undefined ? 'none yet' : 'it is not 32 bytes in base64url'}`);
    token = randomBytes(32).toString('base64url');
    writePrivate(dir, FILES.token, `${token}\n`);
  } else keepPrivate(dir, FILES.token);

  return {
    caCert: caPair.certPem,
    caKey: caPair.keyPem,
    cert,
    key,
    clientCert,
    clientKey,
    token,
    caFile: join(dir, FILES.caCert),
    certFile: join(dir, FILES.cert),
    keyFile: join(dir, FILES.key),
    clientCertFile: join(dir, FILES.clientCert),
    clientKeyFile: join(dir, FILES.clientKey),
    tokenFile: join(dir, FILES.token),
    made,
  };
}

function missingSan(x509: X509Certificate, sans: { dnsNames: string[]; ipAddresses: string[] }): string | undefined {
  for (const ip of sans.ipAddresses) if (x509.checkIP(ip) === undefined) return `it lacks IP ${ip}`;
  for (const name of sans.dnsNames) if (x509.checkHost(name, { subject: 'never', wildcards: false }) === undefined) return `it lacks DNS ${name}`;
  return undefined;
}

/** ClientUser: who a client certificate names: the user from CN, the groups from O (as kube-apiserver's x509 authenticator reads them). */
export interface ClientUser {
  name: string;
  groups: string[];
}

/** subjectUser: the user and groups a certificate's subject names, or undefined without a CN. */
export function subjectUser(x509: X509Certificate): ClientUser | undefined {
  const lines = x509.subject.split('\n');
  const name = lines.find((l) => l.startsWith('CN='))?.slice(3);
  if (!name) return undefined;
  return { name, groups: lines.filter((l) => l.startsWith('O=')).map((l) => l.slice(2)) };
}
