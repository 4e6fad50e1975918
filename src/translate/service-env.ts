/**
 * The Service environment variables the kubelet gives every container (kubernetes
 * pkg/kubelet/envvars/envvars.go FromServices, and kubelet_pods.go getServiceEnvVarMap and
 * makeEnvironmentVariables): `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT`, the Docker-link
 * variables, from the Services that exist when the container is made. Pure.
 */
import type { V1Service } from '@kubernetes/client-node';

/** EnvVar is one variable, in upstream's order. */
export interface EnvVar {
  name: string;
  value: string;
}

/** MASTER_SERVICE_NAMESPACE is the kubelet's --master-service-namespace: where the `kubernetes` Service lives. */
export const MASTER_SERVICE_NAMESPACE = 'default';
/** MASTER_SERVICE_NAME is the one master service the kubelet always injects (masterServices). */
export const MASTER_SERVICE_NAME = 'kubernetes';

/** isServiceIPSet is v1helper.IsServiceIPSet: a ClusterIP neither empty nor `None` (an ExternalName Service has none). */
export function isServiceIPSet(s: V1Service): boolean {
  const ip = s.spec?.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
}

/**
 * makeEnvVariableName: upper case, `-` to `_` (upstream's; a Service name is a DNS-1035 label and a
 * port name an IANA service name, so neither holds a dot, and a port name's leading digit is kept:
 * `Q_U_U_X_SERVICE_PORT_8083`).
 */
export function makeEnvVariableName(name: string): string {
  return name.replace(/-/g, '_').toUpperCase();
}

/**
 * fromServices is envvars.FromServices: for each Service with a ClusterIP, in the order given,
 * `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT` (the first port), `<NAME>_SERVICE_PORT_<PORT NAME>`
 * for each named port, then the Docker-link variables: `<NAME>_PORT` (the first port's URL) and,
 * per port, `<NAME>_PORT_<port>_<PROTO>` with `_PROTO`, `_PORT`, `_ADDR`.
 */
export function fromServices(services: readonly V1Service[]): EnvVar[] {
  const out: EnvVar[] = [];
  for (const s of services) {
    const ports = s.spec?.ports ?? [];
    if (!isServiceIPSet(s) || ports.length === 0) continue;
    const ip = s.spec!.clusterIP!;
    const prefix = makeEnvVariableName(s.metadata?.name ?? '');
    out.push({ name: `${prefix}_SERVICE_HOST`, value: ip });
    out.push({ name: `${prefix}_SERVICE_PORT`, value: String(ports[0]!.port) });
    for (const p of ports) if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${makeEnvVariableName(p.name)}`, value: String(p.port) });
    ports.forEach((p, i) => {
      const protocol = p.protocol || 'TCP';
      const url = `${protocol.toLowerCase()}://${ip}:${p.port}`;
      // Docker special-cases the first port.
      if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
      const portPrefix = `${prefix}_PORT_${p.port}_${protocol.toUpperCase()}`;
      out.push(
        { name: portPrefix, value: url },
        { name: `${portPrefix}_PROTO`, value: protocol.toLowerCase() },
        { name: `${portPrefix}_PORT`, value: String(p.port) },
        { name: `${portPrefix}_ADDR`, value: ip },
      );
    });
  }
  return out;
}

/** ServiceEnvInput is what serviceEnv reads: the pod's namespace and enableServiceLinks, the Services that exist, the `kubernetes` Service's address. */
export interface ServiceEnvInput {
  namespace: string;
  /** spec.enableServiceLinks, default true. */
  enableServiceLinks: boolean;
  /** The stored Services (any namespace; those of other namespaces are ignored). */
  services: readonly V1Service[];
  /** The `kubernetes` Service of namespace `default`, used when `services` holds none: its ClusterIP and port (443). */
  kubernetes: { ip: string; port: number };
}

/** kubernetesService is the `kubernetes` Service an API server keeps in `default`: port 443 named `https`, TCP. */
export function kubernetesService(k: { ip: string; port: number }): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: MASTER_SERVICE_NAME, namespace: MASTER_SERVICE_NAMESPACE },
    spec: { type: 'ClusterIP', clusterIP: k.ip, ports: [{ name: 'https', port: k.port, protocol: 'TCP', targetPort: 6443 }] },
  };
}

/**
 * serviceEnv is getServiceEnvVarMap then FromServices: the `kubernetes` Service of `default`
 * always (even with enableServiceLinks false), and, with enableServiceLinks, every Service of the
 * pod's namespace that has a ClusterIP. A Service named `kubernetes` in the pod's own namespace
 * wins over the master one (upstream puts the namespace's over it, never the reverse). Upstream
 * gathers them in a Go map, so its order is random; here Services go by name, and the result is
 * a name -> value record.
 */
export function serviceEnv(input: ServiceEnvInput): Record<string, string> {
  const nsOf = (s: V1Service) => s.metadata?.namespace || 'default';
  const all = [...input.services];
  if (!all.some((s) => nsOf(s) === MASTER_SERVICE_NAMESPACE && s.metadata?.name === MASTER_SERVICE_NAME)) all.push(kubernetesService(input.kubernetes));
  const byName = new Map<string, V1Service>();
  for (const s of all) {
    if (!isServiceIPSet(s)) continue;
    const name = s.metadata?.name ?? '';
    if (nsOf(s) === MASTER_SERVICE_NAMESPACE && name === MASTER_SERVICE_NAME) {
      if (!byName.has(name)) byName.set(name, s);
    } else if (nsOf(s) === input.namespace && input.enableServiceLinks) {
      byName.set(name, s);
    }
  }
  const ordered = [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  const out: Record<string, string> = {};
  for (const v of fromServices(ordered)) out[v.name] = v.value;
  return out;
}

/**
 * withServiceEnv is the lookup the kubelet expands `$(VAR)` against (expansion.MappingFuncFor(tmpEnv,
 * serviceEnv)): the container's own variables first, then the Service variables. Pass it to
 * translate/pod-sources.ts expandReferences in place of the container's variables, both when an
 * env value is expanded (the variables declared before it) and for command and args (all of them:
 * upstream expands those against the final environment, Service variables included).
 */
export function withServiceEnv(declared: ReadonlyMap<string, string>, services: Readonly<Record<string, string>>): Map<string, string> {
  const out = new Map<string, string>(Object.entries(services));
  for (const [k, v] of declared) out.set(k, v);
  return out;
}
