/**
 * The Service kind: kept in the store, as the API server stores it on create (the spec with
 * SetDefaults_Service's defaults and the IP family fields, `status: { loadBalancer: {} }`); its
 * clusterIP, clusterIPs and nodePorts are filled by the pure allocator (allocate.ts) that apply
 * runs before storing. What carries a Service out (its proxy pod, DNS) is the lead's, wired by the
 * registry. Listed with kubectl 1.32's printService columns; described as describeService; an
 * update checked as ValidateServiceUpdate checks it.
 */
import type { KubeObject, StoredObject } from '../../domain/objects';
import type { ValidManifest } from '../../domain/types';
import { byText } from '../../domain/order';
import type { TableSpec } from '../../print/get/format';
import { timestampSince } from '../../print/get/duration';
import { renderValue } from '../../validate/rules/field-errors';
import type { KindModule } from '../kind';
import { appliedMetadata, invalidMessage } from '../stored-object';
import { SERVICE_INFO } from './info';
import { CLUSTER_IP_NONE, isHeadless, type ServicePort, type ServiceSpec, type ServiceView } from './spec';

/** serviceObject is a Service as the API server stores it on create, before its IPs and nodePorts are allocated. */
export function serviceObject(m: ValidManifest): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: appliedMetadata(m), spec: m.object['spec'] ?? {}, status: { loadBalancer: {} } };
}

/** formatLabels is labels.FormatLabels: `k=v` pairs sorted by key, joined by `,`; `<none>` when empty. */
export function formatLabels(m: Readonly<Record<string, string>> | null | undefined): string {
  const pairs = Object.entries(m ?? {}).sort(([a], [b]) => byText(a, b)).map(([k, v]) => `${k}=${v}`);
  return pairs.length > 0 ? pairs.join(',') : '<none>';
}

/** portsText is printers.go makePortString: `80/TCP`, `80:30080/TCP` with a nodePort, joined by `,`. */
export function portsText(ports: readonly ServicePort[] | undefined): string {
  return (ports ?? []).map((p) => (p.nodePort !== undefined && p.nodePort > 0 ? `${p.port ?? 0}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port ?? 0}/${p.protocol ?? ''}`)).join(',');
}

/** LOAD_BALANCER_WIDTH is printers.go's loadBalancerWidth: the table cuts a longer ingress list (not -o wide). */
const LOAD_BALANCER_WIDTH = 16;

/** loadBalancerText is loadBalancerStatusStringer: the ingress IPs (or hostnames) sorted, each once, joined by `,`; cut to 16 characters but in -o wide. */
export function loadBalancerText(s: ServiceView['status'], wide: boolean): string {
  const all = new Set<string>();
  for (const i of s?.loadBalancer?.ingress ?? []) {
    if (i.ip) all.add(i.ip);
    else if (i.hostname) all.add(i.hostname);
  }
  const r = [...all].sort(byText).join(',');
  return !wide && r.length > LOAD_BALANCER_WIDTH ? `${r.slice(0, LOAD_BALANCER_WIDTH - 3)}...` : r;
}

/** externalIPText is printers.go getServiceExternalIP: `<none>`, the externalIPs, a LoadBalancer's ingress or `<pending>`, an ExternalName's name. */
export function externalIPText(svc: ServiceView, wide: boolean): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerText(svc.status, wide);
      if (external.length > 0) return [...(lb !== '' ? lb.split(',') : []), ...external].join(',');
      return lb !== '' ? lb : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** SERVICE_TABLE is kubectl 1.32's printService: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE; -o wide adds SELECTOR. */
export const SERVICE_TABLE: TableSpec<ServiceView> = {
  resource: 'service',
  namespaced: true,
  headers: (wide) => ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', ...(wide ? ['SELECTOR'] : [])],
  cells: (svc, wide, _o, now) => [
    svc.metadata?.name ?? '',
    svc.spec?.type ?? '',
    svc.spec?.clusterIPs?.[0] ?? '<none>',
    externalIPText(svc, wide),
    portsText(svc.spec?.ports) || '<none>',
    timestampSince(svc.metadata?.creationTimestamp || undefined, now),
    ...(wide ? [formatLabels(svc.spec?.selector)] : []),
  ],
};

/** clusterIPsOf is the Service's clusterIPs (clusterIP when clusterIPs is not written, as the strategy syncs them). */
function clusterIPsOf(spec: ServiceSpec): string[] {
  if (Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0) return spec.clusterIPs;
  return typeof spec.clusterIP === 'string' && spec.clusterIP !== '' ? [spec.clusterIP] : [];
}

/**
 * serviceUpdateProblems is ValidateServiceUpdate's rules on what may not change: a clusterIP once
 * set (validateUpgradeDowngradeClusterIPs; not from or to ExternalName, and a headless Service stays
 * headless), the primary IP family (validateUpgradeDowngradeIPFamilies) and a LoadBalancer's
 * loadBalancerClass. A clusterIP the new manifest leaves out is kept (apply's merge keeps the
 * allocated one), so only one written differently is refused. In the API server's words
 * (`Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.9"}: may not change once set`).
 */
export function serviceUpdateProblems(stored: StoredObject, next: KubeObject): string[] {
  const before = (stored.spec ?? {}) as ServiceSpec;
  const after = (next.spec ?? {}) as ServiceSpec;
  const errors: string[] = [];
  if (before.type !== 'ExternalName' && after.type !== 'ExternalName') {
    const oldIPs = clusterIPsOf(before);
    const newIPs = clusterIPsOf(after);
    const bothHeadless = isHeadless(before) && isHeadless(after);
    if (!bothHeadless) {
      if (newIPs.length === 0 && oldIPs[0] === CLUSTER_IP_NONE) errors.push(`spec.clusterIPs[0]: Invalid value: []string(nil): primary clusterIP can not be unset`);
      else if (newIPs.length > 0 && oldIPs.length > 0 && newIPs[0] !== oldIPs[0]) errors.push(`spec.clusterIPs[0]: Invalid value: ${renderValue(newIPs)}: may not change once set`);
    }
    const oldFamilies = before.ipFamilies ?? [];
    const newFamilies = after.ipFamilies ?? [];
    if (!isHeadless(before) && !isHeadless(after) && oldFamilies.length > 0 && newFamilies.length > 0 && oldFamilies[0] !== newFamilies[0])
      errors.push(`spec.ipFamilies[0]: Invalid value: ${renderValue(newFamilies)}: may not change once set`);
  }
  if (before.type === 'LoadBalancer' && after.type === 'LoadBalancer' && (before.loadBalancerClass ?? null) !== (after.loadBalancerClass ?? null))
    errors.push(`spec.loadBalancerClass: Invalid value: ${renderValue(after.loadBalancerClass ?? null)}: may not change once set`);
  return invalidMessage('Service', stored.metadata.name, errors);
}

/** SERVICE is the Service kind's module. */
export const SERVICE: KindModule = {
  info: SERVICE_INFO,
  // Loaded when first asked for (see KindModule.validation), as is describe's layout.
  validation: () => (require('./validation') as typeof import('./validation')).SERVICE_VALIDATION,
  table: SERVICE_TABLE,
  carriedOut: 'store',
  toStored: serviceObject,
  describe: (o, related) => (require('./describe') as typeof import('./describe')).describeService(o, related),
  updateProblems: serviceUpdateProblems,
  // The endpoints controller (Endpoints and EndpointSlices follow the selected pods' readiness), run
  // by the reconcile loop; loaded at its first use, as the workload kinds' controllers are.
  get controller() {
    return (require('../../controllers/endpoints') as typeof import('../../controllers/endpoints')).ENDPOINTS_CONTROLLER;
  },
};
