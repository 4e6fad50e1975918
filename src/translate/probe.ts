/**
 * A container's livenessProbe as a Podman healthcheck.
 *
 * Kubernetes runs httpGet and tcpSocket probes from the kubelet, outside the container. Podman
 * runs a healthcheck inside the container, so those probes become shell commands using tools the
 * image may have: curl or wget for HTTP, nc for TCP (podman kube play does the same, with curl and
 * `nc -z` only). The pod shares one network namespace, so `localhost` reaches every container.
 */
import type { IntOrString, V1ContainerPort, V1HTTPGetAction, V1Probe, V1TCPSocketAction } from '@kubernetes/client-node';
import type { DesiredHealthcheck } from '../domain/types';

// Kubernetes' defaults for a probe (SetDefaults_Probe); 0 also means "use the default" there.
const DEFAULT_PERIOD_SECONDS = 10;
const DEFAULT_TIMEOUT_SECONDS = 1;
const DEFAULT_FAILURE_THRESHOLD = 3;

/**
 * toHealthcheck turns a probe into a Podman healthcheck, resolving named ports through the
 * container's ports. Returns undefined for a probe with no exec, httpGet or tcpSocket handler
 * (grpc), which supported-fields reports as not carried out.
 */
export function toHealthcheck(probe: V1Probe, ports: readonly V1ContainerPort[] = []): DesiredHealthcheck | undefined {
  const timeoutSeconds = positiveOr(probe.timeoutSeconds, DEFAULT_TIMEOUT_SECONDS);
  let test: string[];
  if (probe.exec) test = ['CMD', ...(probe.exec.command ?? [])];
  else if (probe.httpGet) test = ['CMD-SHELL', httpGetScript(probe.httpGet, ports, timeoutSeconds)];
  else if (probe.tcpSocket) test = ['CMD-SHELL', tcpSocketScript(probe.tcpSocket, ports, timeoutSeconds)];
  else return undefined;
  return {
    test,
    intervalSeconds: positiveOr(probe.periodSeconds, DEFAULT_PERIOD_SECONDS),
    timeoutSeconds,
    startPeriodSeconds: probe.initialDelaySeconds ?? 0,
    retries: positiveOr(probe.failureThreshold, DEFAULT_FAILURE_THRESHOLD),
  };
}

/**
 * httpGetScript is a shell command that exits 0 when an HTTP GET succeeds, using curl when the image
 * has it and wget (busybox's works) otherwise. Both fail on a status of 400 or more, as Kubernetes does.
 */
export function httpGetScript(get: V1HTTPGetAction, ports: readonly V1ContainerPort[], timeoutSeconds: number): string {
  const https = (get.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
  const host = get.host || 'localhost';
  let path = get.path || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const url = `${https ? 'https' : 'http'}://${urlHost(host)}:${resolvePort(get.port, ports)}${path}`;
  const headers = get.httpHeaders ?? [];

  // -g: `[` and `{` in a path or an IPv6 host are literal, not curl's URL globbing.
  // Kubernetes does not verify certificates for HTTPS probes, so neither do we (-k).
  const curl = ['curl', '-fsSg', '-o', '/dev/null', '--max-time', String(timeoutSeconds)];
  if (https) curl.push('-k');
  for (const h of headers) curl.push('-H', shellQuote(`${h.name}: ${h.value}`));
  curl.push(shellQuote(url));

  // busybox wget has no time-out flag in Debian's build; Podman's healthcheck time-out bounds it.
  const wget = ['wget', '-q', '-O', '/dev/null'];
  if (https) wget.push('--no-check-certificate');
  for (const h of headers) wget.push('--header', shellQuote(`${h.name}: ${h.value}`));
  wget.push(shellQuote(url));

  return `if command -v curl >/dev/null 2>&1; then ${curl.join(' ')}; else ${wget.join(' ')}; fi`;
}

/**
 * tcpSocketScript is a shell command that exits 0 when a TCP connection opens. `nc -z` covers the
 * OpenBSD and nmap netcats; busybox nc has no -z (it prints its usage and fails), so the fallback
 * connects with stdin at EOF, which makes busybox nc close at once and exit 0 (measured on
 * localhost/busybox:stable against httpd and against a listener that never writes).
 */
export function tcpSocketScript(tcp: V1TCPSocketAction, ports: readonly V1ContainerPort[], timeoutSeconds: number): string {
  const host = shellQuote(tcp.host || 'localhost');
  const port = resolvePort(tcp.port, ports);
  const w = String(timeoutSeconds);
  return `nc -z -w ${w} ${host} ${port} >/dev/null 2>&1 || nc -w ${w} ${host} ${port} </dev/null >/dev/null 2>&1`;
}

/** resolvePort turns a probe's port (a number, or the name of one of the container's ports) into a number. */
export function resolvePort(port: IntOrString, ports: readonly V1ContainerPort[]): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = ports.find((p) => p.name === port);
  if (!named) {
    // Validation rejects unknown port names, so reaching this is a bug in the validator.
    throw new Error(
      `probe port "${port}" names no port of its container; name one of the container's ports ` +
        `(${ports.map((p) => p.name).filter(Boolean).join(', ') || 'none are named'}) or give a number.`,
    );
  }
  return named.containerPort;
}

/** shellQuote wraps a string in single quotes for POSIX sh, so that nothing in it is interpreted. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function positiveOr(n: number | undefined, fallback: number): number {
  return n !== undefined && n > 0 ? n : fallback;
}
