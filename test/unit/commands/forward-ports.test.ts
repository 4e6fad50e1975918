/**
 * forwardPorts on this machine's loopback, a local TCP server standing in for the pod (the real
 * pod is the integration test's): kubectl's lines, a random local port, independent connections,
 * a refused connection that closes the client's side and leaves forwarding running, a port in use.
 */
import * as net from 'node:net';
import { forwardPorts, type ForwardSink } from '../../../src/commands/forward-ports';
import type { ForwardedPort, ListenAddress } from '../../../src/commands/port-forward';

const v4: ListenAddress[] = [{ address: '127.0.0.1', family: 4, failureMode: 'all' }];

/** An echo server that answers `<prefix><what it read>` when the client ends its side. */
async function echoServer(prefix: string): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    let got = '';
    s.on('data', (d) => (got += String(d)));
    s.on('end', () => s.end(`${prefix}${got}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise((r) => server.close(() => r())) };
}

/** A port nothing listens on: taken and released. */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function talk(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let got = '';
    c.on('data', (d) => (got += String(d)));
    c.on('error', reject);
    c.on('close', () => resolve(got));
    c.end(text);
  });
}

function recorder(): ForwardSink & { outText: () => string; errText: () => string; ready: Promise<void> } {
  let out = '';
  let err = '';
  let ready: () => void = () => undefined;
  const readyP = new Promise<void>((r) => (ready = r));
  return {
    out: (t) => {
      out += t;
      if (t.startsWith('Forwarding from')) ready();
    },
    err: (t) => (err += t),
    now: () => new Date(2026, 11, 7, 9, 0, 0),
    pid: 7,
    outText: () => out,
    errText: () => err,
    ready: readyP,
  };
}

test('a random local port, kubectl\'s lines, 20 connections at once each answered on its own', async () => {
  const pod = await echoServer('pod:');
  const ports: ForwardedPort[] = [{ local: 0, remote: pod.port }];
  const sink = recorder();
  const stop = new AbortController();
  const running = forwardPorts({ host: '127.0.0.1', podId: 'abc' }, v4, ports, sink, stop.signal);
  await sink.ready;
  const local = ports[0]!.local;
  expect(local).toBeGreaterThan(0);
  expect(sink.outText()).toBe(`Forwarding from 127.0.0.1:${local} -> ${pod.port}\n`);
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => talk(local, `req${i}`)));
  expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => `pod:req${i}`));
  expect(sink.outText().split('\n').filter((l) => l === `Handling connection for ${local}`)).toHaveLength(20);
  stop.abort();
  await running;
  await expect(talk(local, 'x')).rejects.toThrow(/ECONNREFUSED/);
  await pod.close();
});

test('a connection the pod refuses closes the client\'s side, prints klog\'s line, and forwarding goes on', async () => {
  const dead = await deadPort();
  const ports: ForwardedPort[] = [{ local: 0, remote: dead }];
  const sink = recorder();
  const stop = new AbortController();
  const running = forwardPorts({ host: '127.0.0.1', podId: 'abc' }, v4, ports, sink, stop.signal);
  await sink.ready;
  const local = ports[0]!.local;
  expect(await talk(local, 'hello')).toBe('');
  expect(sink.errText()).toBe(
    `E1207 09:00:00.000000       7 portforward.go:424] "Unhandled Error" err="an error occurred forwarding ${local} -> ${dead}: error forwarding port ${dead} to pod abc, uid : failed to connect to 127.0.0.1:${dead}: dial tcp4 127.0.0.1:${dead}: connect: connection refused"\n`,
  );
  expect(await talk(local, 'again')).toBe('');
  expect(sink.errText().split('\n').filter((l) => l !== '')).toHaveLength(2);
  stop.abort();
  await running;
});

test('a local port in use: kubectl\'s two errors, and nothing listens', async () => {
  const taken = net.createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as net.AddressInfo).port;
  const sink = recorder();
  await expect(forwardPorts({ host: '127.0.0.1', podId: 'abc' }, v4, [{ local: port, remote: 80 }], sink, new AbortController().signal)).rejects.toThrow(
    `unable to listen on any of the requested ports: [{${port} 80}]`,
  );
  expect(sink.errText()).toBe(`Unable to listen on port ${port}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:${port}: bind: address already in use]\n`);
  await new Promise((r) => taken.close(r));
});

test('one port of two in use: the other is forwarded, the first named on stderr', async () => {
  const taken = net.createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as net.AddressInfo).port;
  const pod = await echoServer('');
  const ports: ForwardedPort[] = [{ local: port, remote: 80 }, { local: 0, remote: pod.port }];
  const sink = recorder();
  const stop = new AbortController();
  const running = forwardPorts({ host: '127.0.0.1', podId: 'abc' }, v4, ports, sink, stop.signal);
  await sink.ready;
  expect(sink.errText()).toMatch(new RegExp(`^Unable to listen on port ${port}: `));
  expect(await talk(ports[1]!.local, 'ok')).toBe('ok');
  stop.abort();
  await running;
  await pod.close();
  await new Promise((r) => taken.close(r));
});
