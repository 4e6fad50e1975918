/**
 * certificate.ts: X.509 v3 certificates (RFC 5280) made with node:crypto: the key pair, the
 * signature and the parsing are Node's, the TBSCertificate is written here with der.ts. Enough for
 * kubeplay serve's three certificates (a CA, a serving certificate, a client certificate); it is no
 * general certificate authority.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  integer,
  namedBits,
  octetString,
  oid,
  readTlv,
  sequence,
  set,
  der,
  time,
  utf8String,
} from './der';

/** KeyType: ECDSA P-256 (the default: Go's TLS in every kubectl 1.27..1.33 takes it) or RSA 2048. */
export type KeyType = 'ec' | 'rsa';

/** DistinguishedName: the two attributes kubeplay's names use; O may repeat (a user's groups). */
export interface DistinguishedName {
  commonName: string;
  organizations?: readonly string[];
}

/** KeyUsageBit: the keyUsage bits RFC 5280 §4.2.1.3 numbers, those used here. */
export const KEY_USAGE = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

/** EXT_KEY_USAGE: the extendedKeyUsage purposes (RFC 5280 §4.2.1.12) used here. */
export const EXT_KEY_USAGE = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

/** CertificateSpec: what to put in one certificate. The issuer is the subject itself when selfSigned. */
export interface CertificateSpec {
  subject: DistinguishedName;
  publicKey: KeyObject;
  /** issuer: the signer: its name (attributes, or the encoded Name read from its certificate) and keys; 'self' for a CA's own certificate. */
  issuer: { name: DistinguishedName | Buffer; privateKey: KeyObject; publicKey: KeyObject } | 'self';
  /** privateKey: the subject's own key; signs when issuer is 'self'. */
  privateKey?: KeyObject;
  notBefore: Date;
  notAfter: Date;
  ca: boolean;
  keyUsage: ReadonlyArray<keyof typeof KEY_USAGE>;
  extKeyUsage?: ReadonlyArray<keyof typeof EXT_KEY_USAGE>;
  /** dnsNames, ipAddresses: the subjectAltName entries. */
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  /** serial: unsigned big-endian bytes; random 16 bytes when absent. */
  serial?: Buffer;
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecPublicKey: '1.2.840.10045.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
};

/** generateKey: a new key pair of the type. */
export function generateKey(type: KeyType = 'ec'): { privateKey: KeyObject; publicKey: KeyObject } {
  return type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** encodeName: a Name as RDNs in the order O..., CN (the order kube-apiserver's own client certificates use). */
export function encodeName(name: DistinguishedName): Buffer {
  const rdn = (type: string, value: string): Buffer => set(sequence(oid(type), utf8String(value)));
  return sequence(...(name.organizations ?? []).map((o) => rdn(OID.organization, o)), rdn(OID.commonName, name.commonName));
}

/**
 * keyIdentifier: RFC 5280 §4.2.1.2 method (1): the SHA-1 of the subjectPublicKey BIT STRING's
 * bytes (not the whole SubjectPublicKeyInfo), as OpenSSL and Go compute it.
 */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const outer = readTlv(spki);
  const algorithm = readTlv(outer.contents);
  const bits = readTlv(outer.contents, algorithm.end);
  return createHash('sha1').update(bits.contents.subarray(1)).digest();
}

/** ipBytes: an IPv4 or IPv6 address as the 4 or 16 bytes an iPAddress GeneralName holds. */
export function ipBytes(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  if (!isIPv6(address)) throw new RangeError(`ipBytes: ${address} is not an IP address`);
  let text = address.split('%')[0]!;
  let tail: number[] = [];
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[2]!.split('.').map(Number) as [number, number, number, number];
    tail = [(a << 8) | b, (c << 8) | d];
    text = v4[1]!.endsWith('::') ? v4[1]! : v4[1]!.slice(0, -1);
  }
  const words = (s: string): number[] => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const halves = text.split('::');
  let all: number[];
  if (halves.length === 2) {
    const left = words(halves[0]!);
    const right = [...words(halves[1]!), ...tail];
    all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  } else all = [...words(text), ...tail];
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

function signatureAlgorithm(signer: KeyObject): Buffer {
  if (signer.asymmetricKeyType === 'ec') return sequence(oid(OID.ecdsaWithSha256));
  if (signer.asymmetricKeyType === 'rsa') return sequence(oid(OID.sha256WithRsa), der(0x05, Buffer.alloc(0)));
  throw new RangeError(`certificate: cannot sign with a ${signer.asymmetricKeyType ?? 'unknown'} key`);
}

/** randomSerial: 16 random bytes read as a positive integer (RFC 5280: at most 20 octets, positive). */
export function randomSerial(): Buffer {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x40;
  return b;
}

/** makeCertificate: the certificate the spec describes, signed with SHA-256, as PEM. */
export function makeCertificate(spec: CertificateSpec): string {
  const self = spec.issuer === 'self';
  const signer = spec.issuer === 'self' ? spec.privateKey : spec.issuer.privateKey;
  if (!signer) throw new RangeError('makeCertificate: a self-signed certificate needs its privateKey');
  const issuerName = spec.issuer === 'self' ? spec.subject : spec.issuer.name;
  const issuerKey = spec.issuer === 'self' ? spec.publicKey : spec.issuer.publicKey;
  const algorithm = signatureAlgorithm(signer);

  const extensions: Buffer[] = [
    extension(OID.basicConstraints, true, spec.ca ? sequence(boolean(true)) : sequence()),
    extension(OID.keyUsage, true, namedBits(spec.keyUsage.map((k) => KEY_USAGE[k]))),
  ];
  if (spec.extKeyUsage?.length) extensions.push(extension(OID.extKeyUsage, false, sequence(...spec.extKeyUsage.map((k) => oid(EXT_KEY_USAGE[k])))));
  extensions.push(extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spec.publicKey))));
  if (!self) extensions.push(extension(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, keyIdentifier(issuerKey)))));
  const names = [
    ...(spec.dnsNames ?? []).map((d) => implicitPrimitive(2, Buffer.from(d, 'ascii'))),
    ...(spec.ipAddresses ?? []).map((ip) => implicitPrimitive(7, ipBytes(ip))),
  ];
  if (names.length) extensions.push(extension(OID.subjectAltName, false, sequence(...names)));

  const tbs = sequence(
    explicit(0, integer(2)),
    integer(spec.serial ?? randomSerial()),
    algorithm,
    Buffer.isBuffer(issuerName) ? issuerName : encodeName(issuerName),
    sequence(time(spec.notBefore), time(spec.notAfter)),
    encodeName(spec.subject),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, signer);
  return toPem('CERTIFICATE', sequence(tbs, algorithm, bitString(signature)));
}

/**
 * subjectName: the encoded subject Name of a certificate, byte for byte: a certificate it signs
 * carries these bytes as its issuer (Go's verifier matches the issuer to its parent by bytes).
 */
export function subjectName(x509Der: Buffer): Buffer {
  const tbs = readTlv(readTlv(x509Der).contents).contents;
  let at = 0;
  const fields: Buffer[] = [];
  while (at < tbs.length && fields.length < 6) {
    const t = readTlv(tbs, at);
    fields.push(tbs.subarray(at, t.end));
    at = t.end;
  }
  // version [0], serialNumber, signature, issuer, validity, subject
  const subject = fields[0]?.[0] === 0xa0 ? fields[5] : fields[4];
  if (!subject) throw new RangeError('subjectName: not a certificate');
  return subject;
}

/** toPem: DER bytes as a PEM block, 64 characters a line. */
export function toPem(label: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** privateKeyPem: a private key as PKCS#8 PEM (what Go's tls.X509KeyPair and Node's tls read). */
export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
