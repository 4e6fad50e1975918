/**
 * der.ts: the little of ASN.1 DER that an X.509 certificate needs (ITU-T X.690), written by hand
 * because none of the libraries kubeplay may use in src/ can make a certificate and node:crypto
 * signs and parses but does not build one. Every function returns the complete encoding of one
 * value (tag, definite length, contents), so a certificate is built by nesting calls.
 */

/** der: one TLV with the given tag byte and contents, the length in DER's shortest form. */
export function der(tag: number, contents: Buffer): Buffer {
  const n = contents.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, contents]);
}

/** sequence: SEQUENCE of the encoded items, in order. */
export const sequence = (...items: Buffer[]): Buffer => der(0x30, Buffer.concat(items));

/** set: SET OF the encoded items; DER sorts them by their encodings. */
export const set = (...items: Buffer[]): Buffer => der(0x31, Buffer.concat([...items].sort((a, b) => Buffer.compare(a, b))));

/** boolean: DER's TRUE is 0xff. */
export const boolean = (v: boolean): Buffer => der(0x01, Buffer.from([v ? 0xff : 0x00]));

/**
 * integer: an INTEGER from a small number or from unsigned big-endian bytes (a serial number), in
 * the minimal two's complement form DER requires: leading zero bytes dropped, one 0x00 added when
 * the top bit is set so the value stays positive.
 */
export function integer(value: number | Buffer): Buffer {
  let bytes: Buffer;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`integer: ${value} is not a non-negative safe integer`);
    const out: number[] = [];
    for (let v = value; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
    bytes = Buffer.from(out.length === 0 ? [0] : out);
  } else bytes = value;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if ((bytes[0]! & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return der(0x02, bytes);
}

/** oid: an OBJECT IDENTIFIER from its dotted form, e.g. '2.5.4.3'. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new RangeError(`oid: ${dotted} is not a dotted object identifier`);
    return Number(a);
  });
  if (arcs.length < 2) throw new RangeError(`oid: ${dotted} has fewer than two arcs`);
  const out: number[] = [];
  const base128 = (v: number): void => {
    const group: number[] = [v & 0x7f];
    for (let rest = Math.floor(v / 128); rest > 0; rest = Math.floor(rest / 128)) group.unshift((rest & 0x7f) | 0x80);
    out.push(...group);
  };
  base128(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) base128(arc);
  return der(0x06, Buffer.from(out));
}

/** utf8String: a UTF8String (what RFC 5280 asks of names made today). */
export const utf8String = (s: string): Buffer => der(0x0c, Buffer.from(s, 'utf8'));

/** octetString: an OCTET STRING holding the bytes. */
export const octetString = (b: Buffer): Buffer => der(0x04, b);

/** bitString: a BIT STRING of whole bytes (no unused bits): keys and signatures. */
export const bitString = (b: Buffer): Buffer => der(0x03, Buffer.concat([Buffer.from([0]), b]));

/**
 * namedBits: a BIT STRING of named bits (keyUsage), bit 0 first; DER drops trailing zero bits and
 * says in the first byte how many bits of the last byte are unused.
 */
export function namedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const b of bits) bytes[Math.floor(b / 8)]! |= 0x80 >> b % 8;
  const unused = 7 - (highest % 8);
  return der(0x03, Buffer.concat([Buffer.from([unused]), bytes]));
}

/**
 * time: RFC 5280 §4.1.2.5: UTCTime (YYMMDDHHMMSSZ) for dates through 2049, GeneralizedTime
 * (YYYYMMDDHHMMSSZ) from 2050; both in UTC with whole seconds.
 */
export function time(d: Date): Buffer {
  const p = (n: number): string => String(n).padStart(2, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  const year = d.getUTCFullYear();
  if (year >= 1950 && year < 2050) return der(0x17, Buffer.from(`${p(year % 100)}${rest}`, 'ascii'));
  return der(0x18, Buffer.from(`${String(year).padStart(4, '0')}${rest}`, 'ascii'));
}

/** explicit: a context-specific constructed tag [n] wrapping one encoded value. */
export const explicit = (n: number, inner: Buffer): Buffer => der(0xa0 | n, inner);

/** implicitPrimitive: a context-specific primitive tag [n] over raw contents (GeneralName's dNSName, iPAddress, keyIdentifier). */
export const implicitPrimitive = (n: number, contents: Buffer): Buffer => der(0x80 | n, contents);

/** Tlv: one value read back: its tag, its contents, and where the next value starts. */
export interface Tlv {
  tag: number;
  contents: Buffer;
  end: number;
}

/** readTlv: reads the DER value at offset (enough to take a SubjectPublicKeyInfo apart); throws on a truncated value. */
export function readTlv(buf: Buffer, offset = 0): Tlv {
  const tag = buf[offset];
  let lenByte = buf[offset + 1];
  if (tag === undefined || lenByte === undefined) throw new RangeError('readTlv: truncated DER value');
  let start = offset + 2;
  let length = lenByte;
  if (lenByte & 0x80) {
    const count = lenByte & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) {
      lenByte = buf[start + i];
      if (lenByte === undefined) throw new RangeError('readTlv: truncated DER length');
      length = length * 256 + lenByte;
    }
    start += count;
  }
  if (start + length > buf.length) throw new RangeError('readTlv: DER value longer than its buffer');
  return { tag, contents: buf.subarray(start, start + length), end: start + length };
}
