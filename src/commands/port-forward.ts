/**
 * runPortForward: `kubeplay port-forward TYPE/NAME [LOCAL_PORT:]REMOTE_PORT [...]`, as kubectl's.
 * It picks the pod (a pod by name; a workload's or a Service's most active pod, waiting up to
 * --pod-running-timeout for one to exist), turns the port arguments into numbers as kubectl does
 * (a Service's port or port name to the pod's targetPort, a container port name to its number),
 * refuses a pod that is not Running, then hands the listeners to forwardPorts
 * (./forward-ports.ts), which pipes each accepted connection to the pod's IP until stopped.
 *
 * The pure parts follow kubectl's pkg/cmd/portforward/portforward.go, its util/service_port.go and
 * util/pod_port.go, and client-go's tools/portforward (parsePorts, parseAddresses), message for
 * message. Nothing here touches the process: the CLI lends the output, the stop signal and whether
 * Podman is rootless.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { isIP } from 'node:net';
import { NotFoundError, ObjectError, UsageError } from '../domain/errors';
import { DEFAULT_NAMESPACE } from '../domain/kinds';
import type { ContainerEngine } from '../engine/container-engine';
import { resourceOf } from '../kinds/registry';
import { observeGet } from '../observe/observe-pods';
import type { ObjectStore } from '../store/object-store';
import { forwardPorts, type ForwardSink } from './forward-ports';
import { firstPodOf, podOfArgument } from './pick-pod';

/** PortForwardOptions are port-forward's arguments and flags, typed. */
export interface PortForwardOptions {
  /** `NAME`, `pod/NAME`, `svc/NAME`, `deploy/NAME`, ... */
  resource: string;
  /** The port arguments as given: `8080:80`, `80`, `:80`, `8443:https`. */
  ports: string[];
  /** --address, split at commas (`localhost` by default). */
  addresses: string[];
  namespace?: string;
  /** --pod-running-timeout, in ms: how long to wait for a workload's or Service's pod to exist. */
  podRunningTimeoutMs: number;
}

/** ForwardedPort is a local:remote pair (client-go's ForwardedPort); local 0 asks for a random port. */
export interface ForwardedPort {
  local: number;
  remote: number;
}

/** ListenAddress is one address to listen on; `all` (localhost's) fails only when every one of its kind fails. */
export interface ListenAddress {
  address: string;
  family: 4 | 6;
  failureMode: 'all' | 'any';
}

/** ServicePortData is what port-forward reads of a stored Service's port (plain data). */
export interface ServicePortData {
  name?: string;
  port?: number;
  targetPort?: number | string;
  protocol?: string;
}

/** ServiceData is what port-forward reads of a stored Service (plain data: the kind is not needed). */
export interface ServiceData {
  metadata?: { name?: string; namespace?: string };
  spec?: { selector?: Record<string, string>; clusterIP?: string; ports?: ServicePortData[] };
}

/** PORT_FORWARD_USAGE is kubectl's usage line, for the usage errors. */
export const PORT_FORWARD_USAGE = 'kubeplay port-forward TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]';

/** validatePortForwardArgs checks the arguments as kubectl's Complete does before looking anything up. */
export function validatePortForwardArgs(o: Pick<PortForwardOptions, 'resource' | 'ports'>): void {
  if (o.resource === '' || o.ports.length === 0) throw new UsageError(`TYPE/NAME and list of ports are required for port-forward: ${PORT_FORWARD_USAGE}`);
}

/** splitPort splits `[LOCAL:]REMOTE` as kubectl's splitPort does (more than one `:` keeps the first part for both). */
export function splitPort(port: string): [local: string, remote: string] {
  const parts = port.split(':');
  if (parts.length === 2) return [parts[0] ?? '', parts[1] ?? ''];
  return [parts[0] ?? '', parts[0] ?? ''];
}

/** isDecimal is what Go's strconv.Atoi accepts of a port (an optional sign, digits). */
function atoi(s: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(s) ? Number(s) : undefined;
}

/**
 * parseUint16 reads a port as Go's strconv.ParseUint(s, 10, 16) does, with its error text
 * (`strconv.ParseUint: parsing "x": invalid syntax`, `... value out of range`).
 */
function parseUint16(s: string): { value: number } | { error: string } {
  if (!/^[0-9]+$/.test(s)) return { error: `strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax` };
  const n = Number(s);
  if (n > 65535) return { error: `strconv.ParseUint: parsing ${goQuote(s)}: value out of range` };
  return { value: n };
}

/** goQuote is Go's %q of a plain string (enough for command-line words). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** parsePorts reads the (numeric) port specifications as client-go's parsePorts: `5000`, `8888:5000`, `:5000`, `0:5000`. */
export function parsePorts(ports: readonly string[]): ForwardedPort[] {
  return ports.map((spec) => {
    const parts = spec.split(':');
    let local: string;
    let remote: string;
    if (parts.length === 1) [local, remote] = [parts[0] ?? '', parts[0] ?? ''];
    else if (parts.length === 2) [local, remote] = [parts[0] === '' ? '0' : parts[0] ?? '', parts[1] ?? ''];
    else throw new ObjectError(`invalid port format '${spec}'`);
    const l = parseUint16(local);
    if ('error' in l) throw new ObjectError(`error parsing local port '${local}': ${l.error}`);
    const r = parseUint16(remote);
    if ('error' in r) throw new ObjectError(`error parsing remote port '${remote}': ${r.error}`);
    if (r.value === 0) throw new ObjectError('remote port must be > 0');
    return { local: l.value, remote: r.value };
  });
}

/**
 * parseAddresses reads --address as client-go's parseAddresses: `localhost` is 127.0.0.1 and ::1
 * (failing only if both fail), an IP is itself (its failure fails the port); sorted as text, so
 * 127.0.0.1 comes before ::1.
 */
export function parseAddresses(list: readonly string[]): ListenAddress[] {
  if (list.length === 0) throw new ObjectError('you must specify at least 1 address');
  const parsed = new Map<string, ListenAddress>();
  for (const a of list) {
    if (a === 'localhost') {
      if (!parsed.has('127.0.0.1')) parsed.set('127.0.0.1', { address: '127.0.0.1', family: 4, failureMode: 'all' });
      if (!parsed.has('::1')) parsed.set('::1', { address: '::1', family: 6, failureMode: 'all' });
    } else if (isIP(a) === 4) parsed.set(a, { address: a, family: 4, failureMode: 'any' });
    else if (isIP(a) === 6) parsed.set(a, { address: a, family: 6, failureMode: 'any' });
    else throw new ObjectError(`${a} is not a valid IP`);
  }
  return [...parsed.values()].sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
}

/** containerPorts lists the pod's container ports, app containers first, then init containers (kubectl's order). */
function containerPorts(pod: V1Pod): Array<{ name?: string; containerPort: number; protocol?: string }> {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].flatMap((c) => c.ports ?? []);
}

/** lookupContainerPortNumberByName finds a container port by name, as kubectl's util does. */
export function lookupContainerPortNumberByName(pod: V1Pod, name: string): number {
  const found = containerPorts(pod).find((p) => p.name === name);
  if (found === undefined) throw new ObjectError(`Pod '${pod.metadata?.name ?? ''}' does not have a named port '${name}'`);
  return found.containerPort;
}

/** lookupServicePortNumberByName finds a Service's port by its name. */
export function lookupServicePortNumberByName(svc: ServiceData, name: string): number {
  const found = (svc.spec?.ports ?? []).find((p) => (p.name ?? '') === name);
  if (found === undefined) throw new ObjectError(`Service '${svc.metadata?.name ?? ''}' does not have a named port '${name}'`);
  return found.port ?? 0;
}

/**
 * lookupContainerPortNumberByServicePort gives the pod's port behind a Service port: a headless
 * Service's port is the pod's own; else the port's targetPort, a number (0 or absent: the port
 * itself) or a container port name looked up in the pod.
 */
export function lookupContainerPortNumberByServicePort(svc: ServiceData, pod: V1Pod, port: number): number {
  if (svc.spec?.clusterIP === 'None') return port;
  for (const p of svc.spec?.ports ?? []) {
    if ((p.port ?? 0) !== port) continue;
    if (typeof p.targetPort === 'string') return lookupContainerPortNumberByName(pod, p.targetPort);
    return p.targetPort === undefined || p.targetPort === 0 ? port : p.targetPort;
  }
  throw new ObjectError(`Service ${svc.metadata?.name ?? ''} does not have a service port ${port}`);
}

/** translateServicePortToTargetPort rewrites `svc/` port arguments to the pod's ports, as kubectl does. */
export function translateServicePortToTargetPort(ports: readonly string[], svc: ServiceData, pod: V1Pod): string[] {
  return ports.map((spec) => {
    let [local, remote] = splitPort(spec);
    let portnum = atoi(remote);
    if (portnum === undefined) {
      portnum = lookupServicePortNumberByName(svc, remote);
      if (local === remote) local = String(portnum);
    }
    remote = String(lookupContainerPortNumberByServicePort(svc, pod, portnum));
    return local !== remote ? `${local}:${remote}` : remote;
  });
}

/** convertPodNamedPortToNumber turns container port names in the arguments into numbers, as kubectl does. */
export function convertPodNamedPortToNumber(ports: readonly string[], pod: V1Pod): string[] {
  return ports.map((spec) => {
    const [local, remote] = splitPort(spec);
    if (remote === '') throw new ObjectError('remote port cannot be empty');
    const number = atoi(remote) === undefined ? String(lookupContainerPortNumberByName(pod, remote)) : remote;
    return local !== remote ? `${local}:${number}` : number;
  });
}

/** checkUdp refuses a remote port that is UDP only, as kubectl's checkUDPPorts (port-forward carries TCP). */
function checkUdp(protocols: Array<{ port: number; protocol?: string }>, ports: readonly string[], byName: (name: string) => number): void {
  const udp = new Set(protocols.filter((p) => p.protocol === 'UDP').map((p) => p.port));
  // An absent protocol is TCP, the API server's default.
  for (const p of protocols) if ((p.protocol ?? 'TCP') === 'TCP') udp.delete(p.port);
  for (const spec of ports) {
    const [, remote] = splitPort(spec);
    const n = atoi(remote) ?? byName(remote);
    if (udp.has(n)) throw new ObjectError(`UDP protocol is not supported for ${remote}`);
  }
}

/** checkUDPPortInService refuses a Service port that is UDP only. */
export function checkUDPPortInService(ports: readonly string[], svc: ServiceData): void {
  checkUdp((svc.spec?.ports ?? []).map((p) => ({ port: p.port ?? 0, ...(p.protocol !== undefined ? { protocol: p.protocol } : {}) })), ports, (n) => lookupServicePortNumberByName(svc, n));
}

/** checkUDPPortInPod refuses a container port that is UDP only (app containers' ports, as kubectl). */
export function checkUDPPortInPod(ports: readonly string[], pod: V1Pod): void {
  const all = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).map((p) => ({ port: p.containerPort, ...(p.protocol !== undefined ? { protocol: p.protocol } : {}) }));
  checkUdp(all, ports, (n) => lookupContainerPortNumberByName(pod, n));
}

/**
 * remotePortsOf turns the port arguments into numeric pairs for the chosen pod: through the
 * Service's ports for `svc/`, the pod's port names otherwise; then client-go's parsePorts.
 */
export function remotePortsOf(ports: readonly string[], pod: V1Pod, svc: ServiceData | undefined): ForwardedPort[] {
  if (svc !== undefined) {
    checkUDPPortInService(ports, svc);
    return parsePorts(translateServicePortToTargetPort(ports, svc, pod));
  }
  checkUDPPortInPod(ports, pod);
  return parsePorts(convertPodNamedPortToNumber(ports, pod));
}

/** ResourceArg is the first argument read: a kind word (absent: a pod) and a name. */
export interface ResourceArg {
  type?: string;
  name: string;
}

/** parseResourceArg reads `NAME` or `TYPE/NAME`. */
export function parseResourceArg(arg: string): ResourceArg {
  const slash = arg.indexOf('/');
  if (slash < 0) return { name: arg };
  return { type: arg.slice(0, slash), name: arg.slice(slash + 1) };
}

/** isServiceWord says whether a kind word names Services (`svc`, `service`, `services`, with or without the core group). */
export function isServiceWord(word: string): boolean {
  const w = word.toLowerCase().replace(/\.$/, '');
  return ['svc', 'service', 'services'].includes(w);
}

/**
 * podSelectorOfService is a Service's selector as text, or kubectl's refusal of a Service that
 * has none (it cannot pick a pod).
 */
export function podSelectorOfService(svc: ServiceData): string {
  const sel = svc.spec?.selector ?? {};
  if (Object.keys(sel).length === 0) throw new ObjectError(`cannot attach to *v1.Service: invalid service '${svc.metadata?.name ?? ''}': Service is defined without a selector`);
  return Object.entries(sel)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** ROOTLESS_MESSAGE says why port-forward does not work against rootless Podman, and what to do instead. */
export const ROOTLESS_MESSAGE =
  'unable to forward port because Podman runs rootless: kubeplay port-forward connects from this process to the pod\'s IP, ' +
  'and a rootless Podman\'s pod IPs live in its own network namespace, unreachable from the host; ' +
  'run kubeplay as root against rootful Podman, or publish the port instead (a hostPort, or a NodePort Service)';

/**
 * forwardHostOf is where connections for the pod go: its IP; a hostNetwork pod is the host's own
 * network, so 127.0.0.1. Refuses, in kubectl's words, a pod that is not Running, and says plainly
 * when the pod has no IP to reach (rootless Podman).
 */
export function forwardHostOf(pod: V1Pod, rootless: boolean): string {
  const phase = pod.status?.phase ?? 'Unknown';
  if (phase !== 'Running') throw new ObjectError(`unable to forward port because pod is not running. Current status=${phase}`);
  if (pod.spec?.hostNetwork === true) return '127.0.0.1';
  if (rootless) throw new ObjectError(ROOTLESS_MESSAGE);
  const ip = pod.status?.podIP ?? '';
  if (ip === '') throw new ObjectError(`unable to forward port because pod ${pod.metadata?.name ?? ''} has no IP: Podman gave its infra container no address on a network reachable from the host`);
  return ip;
}

/** PortForwardDeps are what port-forward needs from outside. */
export interface PortForwardDeps {
  engine: () => Promise<ContainerEngine>;
  now: () => Date;
  /** The object store, where a Service or a workload is looked up; absent: only pods can be named. */
  store?: () => ObjectStore;
  /** Whether Podman runs rootless (its pod IPs are then out of this process's reach). */
  rootless: boolean;
}

/** PortForwardTarget is what runPortForward resolved: the pod, where its connections go, the port pairs. */
export interface PortForwardTarget {
  pod: V1Pod;
  host: string;
  ports: ForwardedPort[];
  addresses: ListenAddress[];
}

/** serviceOf reads a stored Service as plain data; kubectl's NotFound when there is none. */
function serviceOf(name: string, namespace: string, store: (() => ObjectStore) | undefined): ServiceData {
  if (store === undefined) throw new NotFoundError([{ name }], 'services');
  const s = store();
  try {
    const o = s.get({ kind: 'Service', namespace, name });
    if (o === undefined) throw new NotFoundError([{ name }], 'services');
    return o as ServiceData;
  } finally {
    s.close();
  }
}

/**
 * resolvePortForward does everything before listening, in kubectl's order: the object and its
 * pod, the ports translated for that pod, the pod's phase, the listen addresses.
 */
export async function resolvePortForward(o: PortForwardOptions, deps: PortForwardDeps): Promise<PortForwardTarget> {
  validatePortForwardArgs(o);
  const namespace = o.namespace ?? DEFAULT_NAMESPACE;
  const engine = await deps.engine();
  const arg = parseResourceArg(o.resource);
  let svc: ServiceData | undefined;
  let podName: string;
  if (arg.type !== undefined && (isServiceWord(arg.type) || resourceOf(arg.type)?.info.kind === 'Service')) {
    svc = serviceOf(arg.name, namespace, deps.store);
    podName = (await firstPodOf(podSelectorOfService(svc), `service/${arg.name}`, namespace, engine, o.podRunningTimeoutMs)).pod;
  } else {
    podName = (await podOfArgument(o.resource, namespace, engine, deps.store, o.podRunningTimeoutMs)).pod;
  }
  if (podName === '') throw new UsageError(`pod name or resource type/name must be specified: ${PORT_FORWARD_USAGE}`);
  const found = await observeGet({ names: [podName], fields: [], inspectAll: true, single: true, namespace }, engine, deps.now);
  const pod = found.pods[0];
  if (pod === undefined) throw new NotFoundError([{ name: podName }]);
  const ports = remotePortsOf(o.ports, pod, svc);
  const host = forwardHostOf(pod, deps.rootless);
  return { pod, host, ports, addresses: parseAddresses(o.addresses) };
}

/**
 * runPortForward resolves the target, then forwards until `signal` aborts: kubectl's lines go to
 * the sink. Rejects when no port could be listened on (kubectl's error), resolves on the signal.
 */
export async function runPortForward(o: PortForwardOptions, deps: PortForwardDeps, sink: ForwardSink, signal: AbortSignal): Promise<void> {
  const t = await resolvePortForward(o, deps);
  // The pod's identity in kubelet-style error lines: its uid stands for the sandbox's id.
  await forwardPorts({ host: t.host, podId: t.pod.metadata?.uid ?? t.pod.metadata?.name ?? '' }, t.addresses, t.ports, sink, signal);
}
