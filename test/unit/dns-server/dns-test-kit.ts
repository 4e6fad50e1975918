/**
 * Helpers for the DNS server's tests: a raw client over UDP and TCP, and a fake upstream server
 * (UDP and TCP on one port) whose answers the test decides. Plain Node sockets on 127.0.0.1.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';

import { CLASS_IN, decode, encode, type Message, type ResourceRecord } from '../../../src/dns-server/wire';

/** queryBytes is a recursive query for one name and type. */
export function queryBytes(name: string, type: number, id = 0x4242, additionals: ResourceRecord[] = []): Buffer {
  return encode({
    header: { id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: 0 },
    questions: [{ name, type, class: CLASS_IN }],
    answers: [],
    authorities: [],
    additionals,
  });
}

/** udpAsk sends one datagram and resolves with the first answer, or undefined after `timeoutMs`. */
export function udpAsk(port: number, msg: Buffer, timeoutMs = 3000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, timeoutMs);
    s.on('message', (b) => {
      clearTimeout(timer);
      s.close();
      resolve(b);
    });
    s.send(msg, port, '127.0.0.1');
  });
}

/** tcpAsk sends messages on one connection and resolves with as many answers (in arrival order). */
export function tcpAsk(port: number, msgs: Buffer[], timeoutMs = 3000): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    const got: Buffer[] = [];
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`tcpAsk: ${got.length} of ${msgs.length} answers in ${timeoutMs} ms`));
    }, timeoutMs);
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('connect', () => {
      for (const m of msgs) {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(m.length);
        s.write(Buffer.concat([len, m]));
      }
    });
    s.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        got.push(Buffer.from(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        buf = buf.subarray(2 + got[got.length - 1]!.length);
      }
      if (got.length >= msgs.length) {
        clearTimeout(timer);
        s.end();
        resolve(got);
      }
    });
  });
}

/** FakeUpstream answers forwarded queries with `respond` (undefined: stay silent), and records them. */
export class FakeUpstream {
  readonly seen: Array<{ transport: 'udp' | 'tcp'; message: Message }> = [];
  private udp = dgram.createSocket('udp4');
  private tcp = net.createServer((s) => this.onTcp(s));
  port = 0;

  constructor(public respond: (q: Message, transport: 'udp' | 'tcp') => Message | undefined) {}

  async start(): Promise<number> {
    await new Promise<void>((r) => this.udp.bind(0, '127.0.0.1', () => r()));
    this.port = this.udp.address().port;
    this.udp.on('message', (b, rinfo) => {
      const q = decode(b);
      this.seen.push({ transport: 'udp', message: q });
      const a = this.respond(q, 'udp');
      if (a) this.udp.send(encode(a), rinfo.port, rinfo.address);
    });
    await new Promise<void>((r, j) => {
      this.tcp.once('error', j);
      this.tcp.listen(this.port, '127.0.0.1', () => r());
    });
    return this.port;
  }

  private onTcp(s: net.Socket): void {
    let buf = Buffer.alloc(0);
    s.on('error', () => s.destroy());
    s.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const q = decode(Buffer.from(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
        this.seen.push({ transport: 'tcp', message: q });
        const a = this.respond(q, 'tcp');
        if (a) {
          const out = encode(a);
          const len = Buffer.alloc(2);
          len.writeUInt16BE(out.length);
          s.write(Buffer.concat([len, out]));
        }
      }
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.udp.close(() => r()));
    await new Promise<void>((r) => this.tcp.close(() => r()));
  }
}

/** answerWith makes a response to `q` holding `answers`. */
export function answerWith(q: Message, answers: ResourceRecord[], rcode = 0, tc = false): Message {
  return { header: { ...q.header, qr: true, ra: true, rcode, tc }, questions: q.questions, answers, authorities: [], additionals: [] };
}
