/**
 * A unix-socket proxy in front of a Podman API service that stops answering on demand: a stuck
 * Podman, made to order. It forwards every byte both ways until a request line matches the
 * `freezeOn` pattern (or freeze() is called); from then on it forwards nothing more on any
 * connection, old or new, and answers nothing, as a service stuck on a lock does. The service
 * behind it is untouched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** FreezingProxy is the running proxy: its socket, whether it froze, and how to stop it. */
export interface FreezingProxy {
  containerHost: string;
  /** Resolves with the request line that froze it. */
  frozen: Promise<string>;
  freeze(): void;
  close(): Promise<void>;
}

/** startFreezingProxy starts a proxy to `target` (a unix socket path); see the module comment. */
export async function startFreezingProxy(target: string, freezeOn?: RegExp): Promise<FreezingProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'kpt-proxy-'));
  const path = join(dir, 'podman.sock');
  const sockets = new Set<net.Socket>();
  let isFrozen = false;
  let onFrozen: (line: string) => void = () => undefined;
  const frozen = new Promise<string>((resolve) => (onFrozen = resolve));
  const freeze = (line: string) => {
    if (isFrozen) return;
    isFrozen = true;
    onFrozen(line);
  };
  const server = net.createServer((client) => {
    sockets.add(client);
    const upstream = net.connect(target);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (isFrozen) return;
      const line = /^(GET|POST|DELETE|PUT|HEAD) \S+/m.exec(chunk.toString('latin1'))?.[0];
      if (line !== undefined && freezeOn?.test(line)) {
        freeze(line);
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!isFrozen) client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    client.on('error', end);
    upstream.on('close', () => {
      if (!isFrozen) client.destroy();
    });
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    containerHost: `unix://${path}`,
    frozen,
    freeze: () => freeze('(by the test)'),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
