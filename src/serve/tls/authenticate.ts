/**
 * authenticate.ts: who a request is, from the credentials ensureCredentials made: a client
 * certificate the CA signed (user from CN, groups from O, as kube-apiserver's x509 authenticator
 * reads them) or the bearer token. The server core calls these; a request neither names gets 401.
 */
import { X509Certificate, timingSafeEqual } from 'node:crypto';
import type { PeerCertificate, TlsOptions } from 'node:tls';
import { subjectUser, type ClientUser, type ServingCredentials } from './credentials';
import { EXT_KEY_USAGE } from './certificate';

/**
 * serverTlsOptions: the options for https.createServer: the serving certificate, and the CA as the
 * only trust for client certificates. A client may present none (the token is the other way in):
 * requestCert asks, rejectUnauthorized false lets the handshake finish, and
 * verifyClientCertificate decides.
 */
export function serverTlsOptions(creds: Pick<ServingCredentials, 'cert' | 'key' | 'caCert'>): TlsOptions {
  return { cert: creds.cert, key: creds.key, ca: creds.caCert, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' };
}

/**
 * verifyClientCertificate: the user a TLS client's certificate names when the CA signed it, it is
 * valid now and it allows client authentication; undefined otherwise (no certificate, another
 * issuer, expired). It checks the signature itself rather than trusting the socket's `authorized`
 * alone, so a server built with other options cannot let a stranger's certificate through.
 */
export function verifyClientCertificate(peer: PeerCertificate | undefined, caCert: string | X509Certificate, now: Date = new Date()): ClientUser | undefined {
  if (!peer?.raw || peer.raw.length === 0) return undefined;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(peer.raw);
  } catch {
    return undefined;
  }
  const ca = typeof caCert === 'string' ? parsedCa(caCert) : caCert;
  if (!x509.checkIssued(ca) || !x509.verify(ca.publicKey)) return undefined;
  if (now < new Date(x509.validFrom) || now > new Date(x509.validTo)) return undefined;
  // Node 20 names the extended key usages keyUsage; later Node versions also extKeyUsage.
  const usages = (x509 as X509Certificate & { extKeyUsage?: string[] }).extKeyUsage ?? x509.keyUsage;
  if (usages && !usages.includes(EXT_KEY_USAGE.clientAuth)) return undefined;
  return subjectUser(x509);
}

let lastCa: { pem: string; x509: X509Certificate } | undefined;
/** parsedCa: the CA certificate parsed once, not on every request (a server has one CA). */
function parsedCa(pem: string): X509Certificate {
  if (lastCa?.pem !== pem) lastCa = { pem, x509: new X509Certificate(pem) };
  return lastCa.x509;
}

/**
 * bearerTokenMatches: whether an Authorization header carries the token (`Bearer <token>`, the
 * scheme in any case as RFC 7235 allows), compared in constant time.
 */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  const m = /^bearer +(\S+) *$/i.exec(authorization ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
