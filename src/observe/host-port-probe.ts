/**
 * bindProbe: a real bind test for a host port, the only way to see a port held by a process that
 * Podman does not know about. The socket is closed again at once.
 */
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import type { PortMapping } from '../domain/types';

/** bindProbe resolves true when the port can be bound now (it is free). SCTP is not probed. */
export function bindProbe(p: PortMapping): Promise<boolean> {
  const host = p.hostIP || '0.0.0.0';
  if (p.protocol === 'udp') {
    return new Promise((resolve) => {
      const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      s.once('error', () => resolve(false));
      s.bind({ port: p.hostPort, address: host, exclusive: true }, () => s.close(() => resolve(true)));
    });
  }
  if (p.protocol !== 'tcp') return Promise.resolve(true);
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port: p.hostPort, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}
