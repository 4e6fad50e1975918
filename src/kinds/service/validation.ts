/**
 * The Service kind's validation, as the API server checks a create
 * (pkg/apis/core/validation/validation.go ValidateService, validateServicePort,
 * ValidateServiceClusterIPsRelatedFields, validateServiceExternalTrafficPolicy,
 * validateServiceInternalTrafficFieldsValue, validateServiceTrafficDistribution,
 * validateLoadBalancerClassField, validateClientIPAffinityConfig), run, as there, on the object
 * with SetDefaults_Service's defaults applied: the name a DNS-1035 label (ValidateServiceName);
 * ports required but for a headless or ExternalName Service, named when more than one, unique by
 * name and by port+protocol, nodePorts unique by nodePort+protocol and forbidden for ClusterIP;
 * targetPort a number or an IANA_SVC_NAME; ExternalName's externalName a DNS-1123 subdomain and no
 * clusterIP or IP families; `clusterIP: None` not for NodePort/LoadBalancer; ClientIP affinity's
 * timeout 1..86400; the traffic policies' values.
 *
 * Then kubeplay's own limits: its Podman network is IPv4 only, so an IPv6 family is refused (in the
 * words a single-stack cluster uses, and with kubeplay's reason for an IPv6-only Service), as is
 * RequireDualStack (a single-stack cluster's words). Fields accepted but not carried out are
 * warnings (notCarriedOut below); ClientIP session affinity is carried out.
 */
import { isIP } from 'node:net';
import { SERVICE_INFO } from './info';
import type { KindValidation } from '../../validate/kind-validation';
import { validateKindSchema } from '../../validate/kind-schemas';
import type { DocumentRule, Finding, PodLike } from '../../validate/rules/rule';
import { asArray, asRecord } from '../../validate/rules/rule';
import { duplicate, forbidden, goQuote, invalid, kubeplayOnly, notSupported, required } from '../../validate/rules/field-errors';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidPortNum, regexError } from '../../validate/rules/k8s-names';
import { objectMetaFindings, validateLabels } from '../../validate/rules/metadata';
import { portNumOrName } from '../../validate/rules/handlers';
import type { JsonPath } from '../../domain/types';
import { uniqueObjectsRule } from '../object-meta-rules';
import { CLUSTER_IP_NONE, externallyAccessible, hasSelector, isHeadless, MAX_CLIENT_IP_TIMEOUT, withServiceDefaults, type ServicePort, type ServiceSpec } from './spec';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const AFFINITIES = ['ClientIP', 'None'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];

const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL = new RegExp(`^${DNS1035_LABEL_FMT}$`);

/** isDNS1035Label is apimachinery's IsDNS1035Label (a Service's name: it becomes a DNS name and environment variables). */
export function isDNS1035Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1035_LABEL.test(v))
    errs.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        DNS1035_LABEL_FMT,
        'my-name',
        'abc-123',
      ),
    );
  return errs;
}

/** serviceMetadataRule is ValidateObjectMeta with ValidateServiceName (a DNS-1035 label), and the topology annotations' agreement. */
export const serviceMetadataRule: DocumentRule = {
  name: 'metadata',
  check(o) {
    const meta = asRecord(o['metadata']);
    const name = meta?.['name'];
    const named = typeof name === 'string' && name !== '';
    // The shared checks with a name that passes them; the Service's own name rule follows.
    const out = objectMetaFindings(meta && named ? { ...meta, name: 'a' } : meta, { name: 'subdomain', namespaced: true, noun: 'service' });
    if (named) for (const e of isDNS1035Label(name)) out.push(invalid(['metadata', 'name'], name, e));
    const annotations = asRecord(meta?.['annotations']) ?? {};
    const mode = annotations['service.kubernetes.io/topology-mode'];
    const hints = annotations['service.kubernetes.io/topology-aware-hints'];
    if (typeof mode === 'string' && typeof hints === 'string' && mode !== hints)
      out.push({
        ...invalid(['metadata', 'annotations', 'service.kubernetes.io/topology-mode'], mode, 'must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified'),
        reportPath: ['metadata', 'annotations', { key: 'service.kubernetes.io/topology-mode' }],
      });
    return out;
  },
};

/** goServicePort is core.ServicePort as Go's %#v prints it in the duplicate-port message (only protocol and port set). */
function goServicePort(protocol: string, port: number): string {
  return `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

/** qualifiedName is ValidateQualifiedName: field.Invalid for each of IsQualifiedName's messages. */
function qualifiedName(v: unknown, path: JsonPath): Finding[] {
  return typeof v === 'string' ? isQualifiedName(v).map((m) => invalid(path, v, m)) : [];
}

/** nonSpecialIP is ValidateNonSpecialIP: not unspecified, loopback, link-local or link-local multicast. */
export function nonSpecialIP(ip: string, path: JsonPath): Finding[] {
  const family = isIP(ip);
  if (family === 0) return [invalid(path, ip, 'must be a valid IP address')];
  const out: Finding[] = [];
  const v4 = family === 4 ? ip.split('.').map(Number) : undefined;
  const low = ip.toLowerCase();
  const v6Unspecified = family === 6 && /^[0:]+$/.test(low);
  if ((v4 && v4.every((n) => n === 0)) || v6Unspecified) out.push(invalid(path, ip, `may not be unspecified (${ip})`));
  if ((v4 && v4[0] === 127) || (family === 6 && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(low))) out.push(invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if ((v4 && v4[0] === 169 && v4[1] === 254) || (family === 6 && /^fe[89ab]/.test(low))) out.push(invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if ((v4 && v4[0] === 224 && v4[1] === 0 && v4[2] === 0) || (family === 6 && /^ff02:/.test(low))) out.push(invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return out;
}

/** isValidCIDR is validation.IsValidCIDR's check (an address, `/`, a prefix length for its family). */
function cidrFindings(v: string, path: JsonPath): Finding[] {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(v);
  const family = m ? isIP(m[1]!) : 0;
  const ok = m !== null && family !== 0 && Number(m[2]) <= (family === 4 ? 32 : 128);
  return ok ? [] : [invalid(path, v, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/** portFindings is validateServicePort for one port. */
function portFindings(p: ServicePort, at: JsonPath, requireName: boolean, names: Set<string>): Finding[] {
  const out: Finding[] = [];
  const name = typeof p.name === 'string' ? p.name : '';
  if (requireName && name === '') out.push(required([...at, 'name']));
  else if (name !== '') {
    for (const e of isDNS1123Label(name)) out.push(invalid([...at, 'name'], name, e));
    if (names.has(name)) out.push(duplicate([...at, 'name'], name));
    else names.add(name);
  }
  if (typeof p.port === 'number') for (const e of isValidPortNum(p.port)) out.push(invalid([...at, 'port'], p.port, e));
  if (p.protocol === undefined || p.protocol === '') out.push(required([...at, 'protocol']));
  else if (!PROTOCOLS.includes(p.protocol)) out.push(notSupported([...at, 'protocol'], p.protocol, PROTOCOLS));
  out.push(...portNumOrName(p.targetPort, [...at, 'targetPort']));
  if (p.appProtocol !== undefined) out.push(...qualifiedName(p.appProtocol, [...at, 'appProtocol']));
  return out;
}

/** clusterIPsFindings is ValidateServiceClusterIPsRelatedFields (none for ExternalName, checked before). */
function clusterIPsFindings(spec: ServiceSpec, raw: ServiceSpec): Finding[] {
  if (spec.type === 'ExternalName') return [];
  const out: Finding[] = [];
  const ips = (spec.clusterIPs ?? []).filter((ip): ip is string => typeof ip === 'string');
  const at: JsonPath = ['spec', 'clusterIPs'];
  // Located at spec.clusterIP when only clusterIP was written (the strategy copied it into clusterIPs).
  const loc = (i: number): JsonPath => (raw.clusterIPs === undefined && i === 0 ? ['spec', 'clusterIP'] : [...at, i]);
  if ((spec.clusterIP ?? '') !== '') {
    if (ips.length === 0) out.push(required(at));
    else if (ips[0] !== spec.clusterIP) out.push(invalid(at, ips, 'first value must match `clusterIP`'));
  } else if (ips.length > 0) out.push(invalid(at, ips, 'must be empty when `clusterIP` is not specified'));
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (!IP_FAMILIES.includes(f)) out.push(notSupported(['spec', 'ipFamilies', i], f, IP_FAMILIES));
    if (seen.has(f)) out.push(duplicate(['spec', 'ipFamilies', i], f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy !== undefined && !IP_FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) out.push(notSupported(['spec', 'ipFamilyPolicy'], spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === CLUSTER_IP_NONE) {
      if (ips.length > 1) {
        badIPs = true;
        out.push(invalid(at, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const errs = isValidIP(ip);
    badIPs ||= errs.length > 0;
    out.push(...errs.map((e) => ({ ...invalid(loc(i), ip, e), reportPath: [...at, i] })));
  });
  if (ips.length > 2) out.push(invalid(at, ips, 'may only hold up to 2 values'));
  if (badIPs) return out;
  if (ips.length > 1 && isIP(ips[0]!) === isIP(ips[1]!)) out.push(invalid(at, ips, 'may specify no more than one IP for each IP family'));
  if (!isHeadless(spec) && ips.length > 0)
    ips.forEach((ip, i) => {
      const f = spec.ipFamilies?.[i];
      if (f === 'IPv4' && isIP(ip) === 6) out.push({ ...invalid(loc(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``), reportPath: [...at, i] });
      if (f === 'IPv6' && isIP(ip) !== 6) out.push({ ...invalid(loc(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``), reportPath: [...at, i] });
    });
  return out;
}

/** IPV6_REFUSED says why an IPv6 Service cannot be carried out, and what to do. */
export const IPV6_REFUSED =
  "IPv6 is not supported: kubeplay's Podman network is IPv4 only, so the Service cannot get an IPv6 ClusterIP or IPv6 endpoints; remove spec.ipFamilies (or set it to [IPv4])";

/** familyLimitFindings: kubeplay's network is single-stack IPv4, as a cluster configured for IPv4 only. */
function familyLimitFindings(raw: ServiceSpec, spec: ServiceSpec): Finding[] {
  if (spec.type === 'ExternalName' || (isHeadless(spec) && !hasSelector(spec))) return [];
  const out: Finding[] = [];
  const families = spec.ipFamilies ?? [];
  families.forEach((f, i) => {
    if (f !== 'IPv6') return;
    if (i === 0) out.push(kubeplayOnly(['spec', 'ipFamilies', 0], IPV6_REFUSED));
    else out.push(invalid(['spec', 'ipFamilies', i], f, 'not configured on this cluster'));
  });
  // Two families without a policy infer RequireDualStack upstream; the second family's refusal above says it.
  if (raw.ipFamilyPolicy === 'RequireDualStack') out.push(invalid(['spec', 'ipFamilyPolicy'], 'RequireDualStack', 'this cluster is not configured for dual-stack services'));
  return out;
}

/** serviceSpecFindings is ValidateService's spec checks on the defaulted spec; `raw` is the spec as written (for kubeplay's own rules). */
export function serviceSpecFindings(spec: ServiceSpec, raw: ServiceSpec): Finding[] {
  const out: Finding[] = [];
  const ports = asArray(spec.ports).map((p) => (asRecord(p) ?? {}) as ServicePort);
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') out.push(required(['spec', 'ports']));
  const clusterIPAt: JsonPath = raw.clusterIP !== undefined ? ['spec', 'clusterIP'] : ['spec', 'clusterIPs', 0];
  if (headless && (spec.type === 'LoadBalancer' || spec.type === 'NodePort'))
    out.push({ ...invalid(clusterIPAt, CLUSTER_IP_NONE, `may not be set to 'None' for ${spec.type} services`), reportPath: ['spec', 'clusterIPs', 0] });
  if (spec.type === 'ExternalName') {
    if ((spec.clusterIPs ?? []).length > 0) out.push({ ...forbidden(raw.clusterIP !== undefined ? ['spec', 'clusterIP'] : ['spec', 'clusterIPs'], 'may not be set for ExternalName services'), reportPath: ['spec', 'clusterIPs'] });
    if ((spec.ipFamilies ?? []).length > 0) out.push(forbidden(['spec', 'ipFamilies'], 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy !== undefined) out.push(forbidden(['spec', 'ipFamilyPolicy'], 'may not be set for ExternalName services'));
    const cname = typeof spec.externalName === 'string' ? spec.externalName.replace(/\.$/, '') : '';
    if (cname !== '') for (const e of isDNS1123Subdomain(cname)) out.push(invalid(['spec', 'externalName'], cname, e));
    else out.push(required(['spec', 'externalName']));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => out.push(...portFindings(p, ['spec', 'ports', i], ports.length > 1, names)));
  if (spec.selector !== undefined && spec.selector !== null) out.push(...validateLabels(spec.selector, ['spec', 'selector']));
  if (spec.sessionAffinity === undefined || spec.sessionAffinity === '') out.push(required(['spec', 'sessionAffinity']));
  else if (!AFFINITIES.includes(spec.sessionAffinity)) out.push(notSupported(['spec', 'sessionAffinity'], spec.sessionAffinity, AFFINITIES));
  if (spec.sessionAffinity === 'ClientIP') out.push(...clientIPConfigFindings(spec.sessionAffinityConfig));
  else if (spec.sessionAffinity === 'None' && raw.sessionAffinityConfig !== undefined && raw.sessionAffinityConfig !== null)
    out.push(forbidden(['spec', 'sessionAffinityConfig'], 'must not be set when session affinity is None'));
  out.push(...clusterIPsFindings(spec, raw));
  asArray(spec.externalIPs).forEach((ip, i) => {
    if (typeof ip !== 'string') return;
    const errs = isValidIP(ip);
    out.push(...(errs.length > 0 ? errs.map((e) => invalid(['spec', 'externalIPs', i], ip, e)) : nonSpecialIP(ip, ['spec', 'externalIPs', i])));
  });
  if (spec.type === undefined || spec.type === '') out.push(required(['spec', 'type']));
  else if (!SERVICE_TYPES.includes(spec.type)) out.push(notSupported(['spec', 'type'], spec.type, SERVICE_TYPES));
  if (spec.type === 'ClusterIP') ports.forEach((p, i) => p.nodePort !== undefined && p.nodePort !== 0 && out.push(forbidden(['spec', 'ports', i, 'nodePort'], "may not be used when `type` is 'ClusterIP'")));
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (p.nodePort === undefined || p.nodePort === 0) return;
    const key = `${p.protocol ?? ''}/${p.nodePort}`;
    if (nodePorts.has(key)) out.push(duplicate(['spec', 'ports', i, 'nodePort'], p.nodePort));
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol ?? ''}/${p.port ?? 0}`;
    if (seen.has(key)) out.push({ path: ['spec', 'ports', i], message: `Duplicate value: ${goServicePort(p.protocol ?? '', p.port ?? 0)}` });
    seen.add(key);
  });
  const ranges = asArray(spec.loadBalancerSourceRanges);
  if (ranges.length > 0) {
    // Upstream's field path is spelled `spec.LoadBalancerSourceRanges` (a historical accident it keeps).
    if (spec.type !== 'LoadBalancer') out.push({ ...forbidden(['spec', 'loadBalancerSourceRanges'], "may only be used when `type` is 'LoadBalancer'"), reportPath: ['spec', 'LoadBalancerSourceRanges'] });
    ranges.forEach((r, i) => typeof r === 'string' && out.push(...cidrFindings(r.trim(), ['spec', 'loadBalancerSourceRanges', i]).map((f) => ({ ...f, reportPath: ['spec', 'LoadBalancerSourceRanges', i] }))));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.type !== 'LoadBalancer') out.push(forbidden(['spec', 'allocateLoadBalancerNodePorts'], "may only be used when `type` is 'LoadBalancer'"));
  if (spec.loadBalancerClass !== undefined) {
    if (spec.type === 'LoadBalancer') out.push(...qualifiedName(spec.loadBalancerClass, ['spec', 'loadBalancerClass']));
    else out.push(forbidden(['spec', 'loadBalancerClass'], "may only be used when `type` is 'LoadBalancer'"));
  }
  out.push(...trafficPolicyFindings(spec));
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== 'PreferClose') out.push(notSupported(['spec', 'trafficDistribution'], spec.trafficDistribution, ['PreferClose']));
  out.push(...familyLimitFindings(raw, spec));
  return out;
}

/** clientIPConfigFindings is validateClientIPAffinityConfig (the timeout is defaulted to 10800 when absent). */
function clientIPConfigFindings(config: ServiceSpec['sessionAffinityConfig']): Finding[] {
  const why = 'when session affinity type is ClientIP';
  const at: JsonPath = ['spec', 'sessionAffinityConfig'];
  if (!config) return [required(at, why)];
  if (!config.clientIP) return [required([...at, 'clientIP'], why)];
  const t = config.clientIP.timeoutSeconds;
  if (t === undefined || t === null) return [required([...at, 'clientIP', 'timeoutSeconds'], why)];
  if (t <= 0 || t > MAX_CLIENT_IP_TIMEOUT) return [invalid([...at, 'clientIP', 'timeoutSeconds'], t, `must be greater than 0 and less than ${MAX_CLIENT_IP_TIMEOUT}`)];
  return [];
}

/** trafficPolicyFindings is validateServiceExternalTrafficPolicy and validateServiceInternalTrafficFieldsValue. */
function trafficPolicyFindings(spec: ServiceSpec): Finding[] {
  const out: Finding[] = [];
  const etp = spec.externalTrafficPolicy;
  if (!externallyAccessible(spec)) {
    if (etp !== undefined && etp !== '') out.push(invalid(['spec', 'externalTrafficPolicy'], etp, 'may only be set for externally-accessible services'));
  } else if (etp === undefined || etp === '') out.push(required(['spec', 'externalTrafficPolicy']));
  else if (!TRAFFIC_POLICIES.includes(etp)) out.push(notSupported(['spec', 'externalTrafficPolicy'], etp, TRAFFIC_POLICIES));
  const needsHealthCheck = spec.type === 'LoadBalancer' && etp === 'Local';
  const hc = spec.healthCheckNodePort;
  // A needed healthCheckNodePort is allocated before validation runs upstream; kubeplay does not allocate one (not carried out).
  if (!needsHealthCheck && hc !== undefined && hc !== 0)
    out.push(invalid(['spec', 'healthCheckNodePort'], hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  else if (needsHealthCheck && hc !== undefined && hc !== 0) for (const e of isValidPortNum(hc)) out.push(invalid(['spec', 'healthCheckNodePort'], hc, e));
  const itp = spec.internalTrafficPolicy;
  if (itp === undefined && (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP')) out.push(required(['spec', 'internalTrafficPolicy']));
  if (itp !== undefined && !TRAFFIC_POLICIES.includes(itp)) out.push(notSupported(['spec', 'internalTrafficPolicy'], itp, TRAFFIC_POLICIES));
  return out;
}

/** serviceSpecRule: ValidateService on the defaulted object; see the module comment. */
export const serviceSpecRule: DocumentRule = {
  name: 'service-spec',
  check(o) {
    const raw = (asRecord(o['spec']) ?? {}) as ServiceSpec;
    const spec = asRecord(withServiceDefaults(o)['spec']) as ServiceSpec;
    return serviceSpecFindings(spec, raw);
  },
};

const NOT_CARRIED_OUT = 'not carried out by kubeplay on Podman, so it is ignored';

/** serviceNotCarriedOut: the fields kubeplay accepts and ignores, each with why. */
export function serviceNotCarriedOut(o: PodLike): Finding[] {
  const spec = (asRecord(o['spec']) ?? {}) as ServiceSpec;
  const out: Finding[] = [];
  const warn = (field: string, why: string) => out.push({ path: ['spec', field], severity: 'warning', message: `${NOT_CARRIED_OUT} (${why})` });
  if (asArray(spec.externalIPs).length > 0) warn('externalIPs', 'kubeplay publishes a Service on the host only through nodePorts and a LoadBalancer\'s ports; it routes no other addresses');
  if (asArray(spec.loadBalancerSourceRanges).length > 0) warn('loadBalancerSourceRanges', 'a LoadBalancer\'s ports are published on the host for every client; kubeplay does not filter by source address');
  if (spec.loadBalancerClass !== undefined && spec.loadBalancerClass !== null) warn('loadBalancerClass', 'kubeplay is the only load balancer, as k3s\' service load balancer on a single node');
  if (typeof spec.loadBalancerIP === 'string' && spec.loadBalancerIP !== '') warn('loadBalancerIP', 'a LoadBalancer is published on the host\'s addresses; no other address can be asked for');
  if (typeof spec.healthCheckNodePort === 'number' && spec.healthCheckNodePort !== 0) warn('healthCheckNodePort', 'there is one node and no external load balancer to ask it');
  if (spec.externalTrafficPolicy === 'Local')
    out.push({ path: ['spec', 'externalTrafficPolicy'], severity: 'warning', message: `${NOT_CARRIED_OUT} (on kubeplay's single node every endpoint is local, so Local behaves as Cluster, but the client's source address is not kept)` });
  if (spec.internalTrafficPolicy === 'Local') warn('internalTrafficPolicy', "on kubeplay's single node every endpoint is local, so Local behaves as Cluster");
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== null) warn('trafficDistribution', 'there is one node and one zone, so every endpoint is as close as any other');
  if (spec.ipFamilyPolicy === 'PreferDualStack' && !(isHeadless(spec) && !hasSelector(spec)))
    warn('ipFamilyPolicy', "kubeplay's Podman network is IPv4 only: the Service gets an IPv4 ClusterIP only, as on a single-stack cluster");
  return out;
}

/** SERVICE_VALIDATION is what the validate stage knows of Services. */
export const SERVICE_VALIDATION: KindValidation = {
  info: SERVICE_INFO,
  schema: (value) => validateKindSchema('service.v1', value),
  documentRules: () => [serviceMetadataRule, serviceSpecRule],
  inputRules: [uniqueObjectsRule('service')],
  withDefaults: withServiceDefaults,
  notCarriedOut: serviceNotCarriedOut,
};
