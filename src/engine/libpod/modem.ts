/**
 * Loading docker-modem, the HTTP-over-unix-socket transport the libpod adapter speaks through
 * (issue 3 asks for dockerode's). Only the modem is loaded, resolved from dockerode's own
 * directory, and only at the first request: requiring dockerode itself costs ~120 ms (gRPC and
 * protobuf for BuildKit) against ~50 ms for the modem, and commands that never reach Podman pay
 * nothing. This is the only file that loads dockerode's code.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type DockerModem from 'docker-modem';

/**
 * loadModem builds the docker-modem that `new Dockerode({ socketPath }).modem` would be, from
 * dockerode's own copy of it. The build bundles that copy into dist/engine/libpod/docker-modem.js
 * (scripts/bundle-modem.js: one file, ssh2 left out, ~9 ms to load instead of ~40 ms); run from
 * the sources (tests), the copy in node_modules is used. docker-modem takes defaults from
 * DOCKER_HOST / DOCKER_TLS_VERIFY, which would send these requests elsewhere or over TLS;
 * kubeplay's socket comes from connect.ts.
 *
 * No HTTP agent is given: any agent passed to docker-modem, even Node's global one passed
 * explicitly, made each event stream last ~26 s, and delete of 50 pods took 31.7 s against 11.3 s
 * without (docs/benchmarks.md, "Tried and undone: an agent of the adapter's own").
 */
export function loadModem(socketPath: string): DockerModem {
  const Modem = requireModem();
  const modem = new Modem({ socketPath, protocol: 'http' });
  const fields = modem as unknown as { host?: string; socketPath?: string };
  delete fields.host;
  fields.socketPath = socketPath;
  return modem;
}

/** preloadTransport loads docker-modem now, so a caller can overlap it with waiting on I/O. */
export function preloadTransport(): void {
  requireModem();
}

function requireModem(): typeof DockerModem {
  const bundled = path.join(__dirname, 'docker-modem.js');
  if (existsSync(bundled)) return require(bundled) as typeof DockerModem;
  const dockerodeDir = path.dirname(require.resolve('dockerode/package.json'));
  return require(require.resolve('docker-modem', { paths: [dockerodeDir] })) as typeof DockerModem;
}
