/**
 * DNS messages on the wire (RFC 1035 section 4, RFC 2782 SRV, RFC 6891 OPT): decode and encode.
 *
 * A name is written as its labels joined by `.`, without the final dot (the root is ''); a label
 * byte that is `.`, `\` or not printable ASCII is escaped as dig writes it (`\.`, `\\`, `\DDD`), so
 * any name read from the wire reads back to the same bytes. Decoding follows compression pointers
 * only backwards (a pointer to its own position or later is refused), which bounds the work and
 * rules out loops; a name longer than 255 bytes on the wire is refused. Anything malformed throws a
 * WireError; `tryDecode` never throws. Encoding compresses owner names and the names of CNAME, PTR,
 * NS, SOA and MX data (RFC 1035 4.1.4), never an SRV target (RFC 2782).
 */

/** TYPE holds the record types the server reads and writes. */
export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
/** CLASS_IN is the Internet class; CLASS_ANY the query class `*`. */
export const CLASS_IN = 1;
export const CLASS_ANY = 255;
/** RCODE holds the response codes the server sends (BADVERS is OPT's extended 16). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 } as const;
/** OPCODE_QUERY is the standard query, the only opcode answered. */
export const OPCODE_QUERY = 0;

/** Header is a message's fixed 12 bytes, less the section counts (taken from the sections). */
export interface Header {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  /** The low four bits of the response code (an OPT record holds the rest). */
  rcode: number;
}

/** Question is one entry of the question section. */
export interface Question {
  name: string;
  type: number;
  class: number;
}

/** RData is a record's data: read into fields for the types whose data holds names, raw bytes for the rest. */
export type RData =
  | { kind: 'a'; address: string }
  | { kind: 'name'; target: string }
  | { kind: 'srv'; priority: number; weight: number; port: number; target: string }
  | { kind: 'mx'; preference: number; exchange: string }
  | { kind: 'soa'; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  | { kind: 'raw'; bytes: Buffer };

/** ResourceRecord is one record of the answer, authority or additional section. For OPT: class is the UDP payload size, ttl the extended rcode, version and flags. */
export interface ResourceRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: RData;
}

/** Message is a whole DNS message. */
export interface Message {
  header: Header;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  additionals: ResourceRecord[];
}

/** WireError is a message that cannot be read or written. */
export class WireError extends Error {
  override readonly name = 'WireError';
}

const MAX_NAME_WIRE = 255;
const MAX_LABEL = 63;

/** headerOf reads the fixed header and the four counts; undefined when the buffer is shorter than 12 bytes. */
export function headerOf(buf: Buffer): (Header & { qdcount: number; ancount: number; nscount: number; arcount: number }) | undefined {
  if (buf.length < 12) return undefined;
  const flags = buf.readUInt16BE(2);
  return {
    id: buf.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    ad: (flags & 0x0020) !== 0,
    cd: (flags & 0x0010) !== 0,
    rcode: flags & 0xf,
    qdcount: buf.readUInt16BE(4),
    ancount: buf.readUInt16BE(6),
    nscount: buf.readUInt16BE(8),
    arcount: buf.readUInt16BE(10),
  };
}

function escapeLabel(bytes: Buffer): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x2e) s += '\\.';
    else if (b === 0x5c) s += '\\\\';
    else if (b < 0x21 || b > 0x7e) s += `\\${String(b).padStart(3, '0')}`;
    else s += String.fromCharCode(b);
  }
  return s;
}

/** nameLabels splits a written name into its labels' bytes, reading dig's escapes; throws WireError on a name that cannot go on the wire. */
export function nameLabels(name: string): Buffer[] {
  if (name === '' || name === '.') return [];
  const text = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  const labels: Buffer[] = [];
  let cur: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      const digits = /^[0-9]{3}/.exec(text.slice(i + 1, i + 4));
      if (digits) {
        const v = Number(digits[0]);
        if (v > 255) throw new WireError(`name ${JSON.stringify(name)}: escape \\${digits[0]} is not a byte`);
        cur.push(v);
        i += 3;
      } else if (i + 1 < text.length) {
        cur.push(text.charCodeAt(i + 1) & 0xff);
        i += 1;
      } else throw new WireError(`name ${JSON.stringify(name)} ends in a lone backslash`);
    } else if (c === 0x2e) {
      labels.push(Buffer.from(cur));
      cur = [];
    } else {
      if (c > 0xff) throw new WireError(`name ${JSON.stringify(name)} holds a character that is not a byte`);
      cur.push(c);
    }
  }
  labels.push(Buffer.from(cur));
  let wire = 1;
  for (const l of labels) {
    if (l.length === 0) throw new WireError(`name ${JSON.stringify(name)} has an empty label`);
    if (l.length > MAX_LABEL) throw new WireError(`name ${JSON.stringify(name)} has a label longer than ${MAX_LABEL} bytes`);
    wire += l.length + 1;
  }
  if (wire > MAX_NAME_WIRE) throw new WireError(`name ${JSON.stringify(name)} is longer than ${MAX_NAME_WIRE} bytes`);
  return labels;
}

/** canonicalName is a name as the zone keys it: lower case (ASCII only, as DNS compares), no final dot. */
export function canonicalName(name: string): string {
  const n = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  return n.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

class Reader {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new WireError(`message ends at byte ${this.buf.length}, ${n} more wanted at ${this.pos}`);
  }
  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const b = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }

  name(): string {
    const labels: string[] = [];
    let wire = 1;
    let pos = this.pos;
    let jumped = false;
    // Every pointer must point before the label that holds it, so the walk moves strictly backwards after a jump.
    let limit = pos;
    for (;;) {
      if (pos >= this.buf.length) throw new WireError(`name runs past the message end at byte ${pos}`);
      const len = this.buf[pos]!;
      if (len === 0) {
        pos += 1;
        break;
      }
      const top = len & 0xc0;
      if (top === 0xc0) {
        if (pos + 1 >= this.buf.length) throw new WireError(`compression pointer cut off at byte ${pos}`);
        const target = ((len & 0x3f) << 8) | this.buf[pos + 1]!;
        if (target >= limit) throw new WireError(`compression pointer at byte ${pos} points forward or at itself (to ${target})`);
        if (!jumped) this.pos = pos + 2;
        jumped = true;
        limit = target;
        pos = target;
        continue;
      }
      if (top !== 0) throw new WireError(`label type 0x${top.toString(16)} at byte ${pos} is not supported`);
      if (pos + 1 + len > this.buf.length) throw new WireError(`label at byte ${pos} runs past the message end`);
      wire += len + 1;
      if (wire > MAX_NAME_WIRE) throw new WireError(`name at byte ${this.pos} is longer than ${MAX_NAME_WIRE} bytes`);
      labels.push(escapeLabel(this.buf.subarray(pos + 1, pos + 1 + len)));
      pos += 1 + len;
    }
    if (!jumped) this.pos = pos;
    return labels.join('.');
  }
}

function readQuestion(r: Reader): Question {
  return { name: r.name(), type: r.u16(), class: r.u16() };
}

function readRecord(r: Reader): ResourceRecord {
  const name = r.name();
  const type = r.u16();
  const klass = r.u16();
  const ttl = r.u32();
  const rdlength = r.u16();
  r.need(rdlength);
  const end = r.pos + rdlength;
  let data: RData;
  switch (type) {
    case TYPE.A:
      if (rdlength !== 4) throw new WireError(`A record of ${rdlength} bytes`);
      data = { kind: 'a', address: Array.from(r.bytes(4)).join('.') };
      break;
    case TYPE.CNAME:
    case TYPE.PTR:
    case TYPE.NS:
      data = { kind: 'name', target: r.name() };
      break;
    case TYPE.MX:
      data = { kind: 'mx', preference: r.u16(), exchange: r.name() };
      break;
    case TYPE.SRV:
      data = { kind: 'srv', priority: r.u16(), weight: r.u16(), port: r.u16(), target: r.name() };
      break;
    case TYPE.SOA:
      data = { kind: 'soa', mname: r.name(), rname: r.name(), serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32() };
      break;
    default:
      data = { kind: 'raw', bytes: r.bytes(rdlength) };
  }
  if (r.pos !== end) throw new WireError(`record ${name} type ${type}: data is ${rdlength} bytes, read ${r.pos - (end - rdlength)}`);
  return { name, type, class: klass, ttl, data };
}

/** decode reads a whole message; throws WireError when it is malformed (trailing bytes included). */
export function decode(buf: Buffer): Message {
  const h = headerOf(buf);
  if (!h) throw new WireError(`message of ${buf.length} bytes is shorter than a header`);
  const r = new Reader(buf, 12);
  const { qdcount, ancount, nscount, arcount, ...header } = h;
  const questions: Question[] = [];
  for (let i = 0; i < qdcount; i++) questions.push(readQuestion(r));
  const section = (n: number): ResourceRecord[] => {
    const out: ResourceRecord[] = [];
    for (let i = 0; i < n; i++) out.push(readRecord(r));
    return out;
  };
  const answers = section(ancount);
  const authorities = section(nscount);
  const additionals = section(arcount);
  if (r.pos !== buf.length) throw new WireError(`${buf.length - r.pos} bytes after the last record`);
  return { header, questions, answers, authorities, additionals };
}

/** DecodeResult is decode's outcome without a throw: the message, or why not and the header when there is one. */
export type DecodeResult = { ok: true; message: Message } | { ok: false; reason: string; header?: Header };

/** tryDecode is decode that never throws. */
export function tryDecode(buf: Buffer): DecodeResult {
  try {
    return { ok: true, message: decode(buf) };
  } catch (err) {
    const h = headerOf(buf);
    const reason = err instanceof Error ? err.message : String(err);
    if (!h) return { ok: false, reason };
    const { qdcount: _q, ancount: _a, nscount: _n, arcount: _r, ...header } = h;
    return { ok: false, reason, header };
  }
}

class Writer {
  private chunks: Buffer[] = [];
  private length = 0;
  private names = new Map<string, number>();
  private patches: Array<{ at: number; value: number }> = [];

  get size(): number {
    return this.length;
  }
  push(b: Buffer): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  u8(v: number): void {
    this.push(Buffer.from([v & 0xff]));
  }
  u16(v: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v & 0xffff);
    this.push(b);
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    this.push(b);
  }
  name(name: string, compress: boolean): void {
    const labels = nameLabels(name);
    for (let i = 0; i < labels.length; i++) {
      const key = labels
        .slice(i)
        .map((l) => l.toString('latin1').toLowerCase())
        .join('\u0000');
      const at = this.names.get(key);
      if (compress && at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.length < 0x4000 && !this.names.has(key)) this.names.set(key, this.length);
      this.u8(labels[i]!.length);
      this.push(labels[i]!);
    }
    this.u8(0);
  }
  /** patch16 overwrites a 16-bit value written earlier (a record's data length) when the buffer is made. */
  patch16(at: number, value: number): void {
    this.patches.push({ at, value });
  }
  buffer(): Buffer {
    const out = Buffer.concat(this.chunks, this.length);
    for (const p of this.patches) out.writeUInt16BE(p.value, p.at);
    return out;
  }
}

function ipv4Bytes(address: string): Buffer {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255)) throw new WireError(`A record address ${JSON.stringify(address)} is not IPv4`);
  return Buffer.from(parts.map(Number));
}

function writeRecord(w: Writer, rr: ResourceRecord): void {
  w.name(rr.name, true);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  // The data's names are compressed against the message, so the data is written in place: its length is patched after.
  const lenAt = w.size;
  w.u16(0);
  const start = w.size;
  const d = rr.data;
  switch (d.kind) {
    case 'a':
      w.push(ipv4Bytes(d.address));
      break;
    case 'name':
      w.name(d.target, true);
      break;
    case 'mx':
      w.u16(d.preference);
      w.name(d.exchange, true);
      break;
    case 'srv':
      w.u16(d.priority);
      w.u16(d.weight);
      w.u16(d.port);
      w.name(d.target, false);
      break;
    case 'soa':
      w.name(d.mname, true);
      w.name(d.rname, true);
      for (const v of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) w.u32(v);
      break;
    case 'raw':
      w.push(d.bytes);
      break;
  }
  const len = w.size - start;
  if (len > 0xffff) throw new WireError(`record ${rr.name}: data of ${len} bytes`);
  w.patch16(lenAt, len);
}

function flagsOf(h: Header): number {
  return (
    (h.qr ? 0x8000 : 0) |
    ((h.opcode & 0xf) << 11) |
    (h.aa ? 0x0400 : 0) |
    (h.tc ? 0x0200 : 0) |
    (h.rd ? 0x0100 : 0) |
    (h.ra ? 0x0080 : 0) |
    (h.ad ? 0x0020 : 0) |
    (h.cd ? 0x0010 : 0) |
    (h.rcode & 0xf)
  );
}

/** encode writes a message; throws WireError on a name or record that cannot go on the wire. */
export function encode(m: Message): Buffer {
  const w = new Writer();
  w.u16(m.header.id);
  w.u16(flagsOf(m.header));
  for (const n of [m.questions.length, m.answers.length, m.authorities.length, m.additionals.length]) {
    if (n > 0xffff) throw new WireError(`section of ${n} entries`);
    w.u16(n);
  }
  for (const q of m.questions) {
    w.name(q.name, true);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const rr of [...m.answers, ...m.authorities, ...m.additionals]) writeRecord(w, rr);
  const out = w.buffer();
  if (out.length > 0xffff) throw new WireError(`message of ${out.length} bytes`);
  return out;
}

/** Edns is what a message's OPT record says (RFC 6891 6.1.3). */
export interface Edns {
  /** The sender's UDP payload size; under 512 counts as 512. */
  udpSize: number;
  version: number;
  /** The DNSSEC OK bit. */
  do: boolean;
}

/** ednsOf reads a message's OPT record; undefined when it has none. */
export function ednsOf(m: Message): Edns | undefined {
  const opt = m.additionals.find((r) => r.type === TYPE.OPT);
  if (!opt) return undefined;
  return { udpSize: Math.max(512, opt.class), version: (opt.ttl >>> 16) & 0xff, do: (opt.ttl & 0x8000) !== 0 };
}

/** optRecord is a minimal OPT record: our payload size, the extended rcode's high bits, no options. */
export function optRecord(udpSize: number, rcode = 0): ResourceRecord {
  return { name: '', type: TYPE.OPT, class: udpSize, ttl: ((rcode >> 4) & 0xff) << 24, data: { kind: 'raw', bytes: Buffer.alloc(0) } };
}
