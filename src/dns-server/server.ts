/**
 * The DNS server's sockets: UDP and TCP (RFC 7766: two-byte length, several queries a connection,
 * answered as they complete) on one address and port, each query decided by answer.ts and carried
 * out here: a reply is encoded (over UDP cut to the client's size with TC set: 512 bytes without
 * EDNS), a forward goes to each upstream in turn over UDP (a new socket and a random ID per try,
 * `timeoutMs` each; a truncated upstream answer is asked again over TCP when the client came over
 * TCP) and SERVFAIL when none answers; a chase asks upstream for the CNAME's target and appends.
 *
 * Bounded: at most MAX_IN_FLIGHT queries are worked on at once (UDP queries past it are dropped,
 * the client retries), at most MAX_TCP_CONNECTIONS connections, each closed after IDLE_MS without
 * a query and paused while it has MAX_TCP_PENDING queries open. Nothing here throws out of a socket
 * handler; garbage gets FORMERR or nothing. An upstream that stops answering is logged once, and
 * once more when it answers again.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { randomInt } from 'node:crypto';

import { decide, reply, UDP_PAYLOAD } from './answer';
import { CLASS_IN, RCODE, canonicalName, ednsOf, encode, headerOf, tryDecode, type Message } from './wire';
import type { Upstream, ZoneIndex } from './zone';

const MAX_IN_FLIGHT = 1024;
const MAX_TCP_CONNECTIONS = 256;
const MAX_TCP_PENDING = 16;
const IDLE_MS = 10_000;

/** DnsServerOptions configures a server; `zone` is asked at every query so a reload takes effect at once. */
export interface DnsServerOptions {
  host: string;
  /** 0: any free port (the TCP listener then takes the same port the UDP socket got). */
  port: number;
  zone: () => ZoneIndex | undefined;
  /** Milliseconds to wait for one upstream before the next (default 2000). */
  timeoutMs?: number;
  /** One line per start, stop or error. */
  log: (line: string) => void;
  random?: () => number;
}

/** DnsServer serves DNS over UDP and TCP on one port. */
export class DnsServer {
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private inFlight = 0;
  private readonly sockets = new Set<net.Socket>();
  /** Upstreams that did not answer their last query. */
  private readonly silent = new Set<string>();
  private readonly timeoutMs: number;
  private readonly random: () => number;

  constructor(private readonly opts: DnsServerOptions) {
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.random = opts.random ?? Math.random;
  }

  /** start binds UDP then TCP on the same port and resolves with it. */
  async start(): Promise<{ host: string; port: number }> {
    const family = net.isIPv6(this.opts.host) ? 'udp6' : 'udp4';
    const udp = dgram.createSocket({ type: family, reuseAddr: false });
    this.udp = udp;
    udp.on('error', (err) => this.opts.log(`kubeplay-dns: UDP socket error: ${err.message}`));
    udp.on('message', (msg, rinfo) => this.onUdp(msg, rinfo));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.opts.port, this.opts.host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const port = udp.address().port;
    const tcp = net.createServer((s) => this.onTcp(s));
    tcp.maxConnections = MAX_TCP_CONNECTIONS;
    this.tcp = tcp;
    tcp.on('error', (err) => this.opts.log(`kubeplay-dns: TCP listener error: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen({ port, host: this.opts.host, exclusive: true }, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    return { host: this.opts.host, port };
  }

  /** stop closes the sockets and every open connection. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all([
      new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r())),
      new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r())),
    ]);
    this.udp = undefined;
    this.tcp = undefined;
  }

  private onUdp(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.inFlight >= MAX_IN_FLIGHT) return;
    this.inFlight++;
    this.answer(msg, 'udp')
      .then((out) => {
        if (out && this.udp) this.udp.send(out, rinfo.port, rinfo.address, () => undefined);
      })
      .catch((err: unknown) => this.opts.log(`kubeplay-dns: internal error on a UDP query: ${String(err)}`))
      .finally(() => this.inFlight--);
  }

  private onTcp(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    let buf = Buffer.alloc(0);
    let pending = 0;
    socket.on('data', (chunk) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = Buffer.from(buf.subarray(2, 2 + len));
        buf = buf.subarray(2 + len);
        if (this.inFlight >= MAX_IN_FLIGHT) {
          socket.destroy();
          return;
        }
        this.inFlight++;
        pending++;
        if (pending >= MAX_TCP_PENDING) socket.pause();
        this.answer(msg, 'tcp')
          .then((out) => {
            if (out && !socket.destroyed) {
              const len2 = Buffer.alloc(2);
              len2.writeUInt16BE(out.length);
              socket.write(Buffer.concat([len2, out]));
            }
          })
          .catch((err: unknown) => this.opts.log(`kubeplay-dns: internal error on a TCP query: ${String(err)}`))
          .finally(() => {
            this.inFlight--;
            pending--;
            if (pending < MAX_TCP_PENDING && socket.isPaused()) socket.resume();
          });
      }
    });
  }

  /** answer works out the response bytes to one query; undefined: send nothing. */
  async answer(msg: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const decoded = tryDecode(msg);
    const index = this.opts.zone();
    const decision = decide(decoded, index, this.random);
    const query = decoded.ok ? decoded.message : undefined;
    const limit = transport === 'tcp' ? 0xffff : query ? Math.min(ednsOf(query)?.udpSize ?? 512, UDP_PAYLOAD) : 512;
    switch (decision.kind) {
      case 'drop':
        return undefined;
      case 'reply':
        return fit(decision.message, limit);
      case 'forward': {
        const got = await this.forward(msg, index?.upstream ?? [], transport);
        if (!got) return fit(reply(decision.query, RCODE.SERVFAIL), limit);
        if (got.length <= limit) return got;
        const parsed = tryDecode(got);
        return parsed.ok ? fit({ ...parsed.message, additionals: parsed.message.additionals.filter((r) => r.type === 41) }, limit) : fit(reply(decision.query, RCODE.SERVFAIL), limit);
      }
      case 'chase': {
        const m = decision.message;
        const sub = encode({
          header: { id: 0, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false, rcode: 0 },
          questions: [{ name: decision.target, type: decision.type, class: CLASS_IN }],
          answers: [],
          authorities: [],
          additionals: [],
        });
        const got = await this.forward(sub, index?.upstream ?? [], 'tcp');
        const parsed = got ? tryDecode(got) : undefined;
        if (parsed?.ok) {
          m.answers.push(...parsed.message.answers);
          if (parsed.message.header.rcode === RCODE.NXDOMAIN) m.header.rcode = RCODE.NXDOMAIN;
        }
        return fit(m, limit);
      }
    }
  }

  /** upstreamState logs an upstream going silent and answering again, once each way (never once per query). */
  private upstreamState(up: Upstream, answered: boolean): void {
    const key = `${up.host}:${up.port}`;
    if (answered === !this.silent.has(key)) return;
    if (answered) this.silent.delete(key);
    else this.silent.add(key);
    this.opts.log(answered ? `kubeplay-dns: upstream ${key} answers again` : `kubeplay-dns: upstream ${key} did not answer in ${this.timeoutMs} ms; trying the next, if any (said once until it answers again)`);
  }

  /** forward sends `msg` to each upstream in turn with a fresh ID; the first answer with the client's ID back, or undefined. */
  private async forward(msg: Buffer, upstream: Upstream[], transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const h = headerOf(msg);
    if (!h) return undefined;
    const question = tryDecode(msg);
    const q = question.ok ? question.message.questions[0] : undefined;
    for (const up of upstream) {
      const id = randomInt(0, 0x10000);
      const out = Buffer.from(msg);
      out.writeUInt16BE(id, 0);
      const matches = (b: Buffer): boolean => {
        const rh = headerOf(b);
        if (!rh || !rh.qr || rh.id !== id) return false;
        if (!q) return true;
        const r = tryDecode(b);
        const rq = r.ok ? r.message.questions[0] : undefined;
        return rq !== undefined && canonicalName(rq.name) === canonicalName(q.name) && rq.type === q.type && rq.class === q.class;
      };
      let got = await exchangeUdp(out, up, this.timeoutMs, matches);
      if (got && headerOf(got)?.tc && transport === 'tcp') got = await exchangeTcp(out, up, this.timeoutMs, matches);
      this.upstreamState(up, got !== undefined);
      if (got) {
        got.writeUInt16BE(h.id, 0);
        return got;
      }
    }
    return undefined;
  }
}

/** fit encodes a response, cut to the question (and OPT) with TC set when it is longer than `limit`. */
export function fit(m: Message, limit: number): Buffer {
  let out: Buffer;
  try {
    out = encode(m);
  } catch {
    out = encode({ ...m, header: { ...m.header, rcode: RCODE.SERVFAIL }, answers: [], authorities: [], additionals: m.additionals.filter((r) => r.type === 41) });
  }
  if (out.length <= limit) return out;
  return encode({ ...m, header: { ...m.header, tc: true }, answers: [], authorities: [], additionals: m.additionals.filter((r) => r.type === 41) });
}

function exchangeUdp(query: Buffer, up: Upstream, timeoutMs: number, matches: (b: Buffer) => boolean): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(net.isIPv6(up.host) ? 'udp6' : 'udp4');
    let done = false;
    const finish = (v: Buffer | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        sock.close();
      } catch {
        // already closed
      }
      resolve(v);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    sock.on('error', () => finish(undefined));
    sock.on('message', (b) => {
      if (matches(b)) finish(b);
    });
    sock.send(query, up.port, up.host, (err) => {
      if (err) finish(undefined);
    });
  });
}

function exchangeTcp(query: Buffer, up: Upstream, timeoutMs: number, matches: (b: Buffer) => boolean): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: up.host, port: up.port });
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (v: Buffer | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    sock.on('error', () => finish(undefined));
    sock.on('close', () => finish(undefined));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const m = Buffer.from(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + m.length);
        if (matches(m)) return finish(m);
      }
    });
  });
}
