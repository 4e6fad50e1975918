/**
 * describe's layout for a Service, as kubectl 1.32's describeService prints it: the Endpoints line
 * of each port from the EndpointSlices labelled with the Service's name (kubectl reads slices since
 * 1.31, kubernetes/kubernetes#124598, ready endpoints only since #126932), and Events.
 */
import type { StoredObject } from '../../domain/objects';
import { groupKindText } from '../../domain/kinds';
import { alignTabs } from '../../print/tabwriter';
import { describeEvents, eventsAbout } from '../../print/describe-events';
import type { DescribeRelated } from '../kind';
import { metaLines } from '../configmap/describe';
import { formatEndpointSlices, LABEL_SERVICE_NAME, type SliceView } from '../endpointslice/view';
import { ENDPOINTSLICE_INFO } from '../endpointslice/info';
import { formatLabels } from './index';
import type { ServiceSpec, ServiceView } from './spec';

/** ingressText is kubectl's buildIngressString: each ingress' IP (with ` (ipMode)`) or hostname, joined by `, `. */
function ingressText(svc: ServiceView): string {
  return (svc.status?.loadBalancer?.ingress ?? []).map((i) => (i.ip ? `${i.ip}${i.ipMode ? ` (${i.ipMode})` : ''}` : (i.hostname ?? ''))).join(', ');
}

/** describeService is kubectl's ServiceDescriber; see the module comment. */
export function describeService(o: StoredObject, related: DescribeRelated): string {
  const svc = o as ServiceView & StoredObject;
  const spec: ServiceSpec = svc.spec ?? {};
  const ns = o.metadata.namespace ?? '';
  // The store keys kinds by GroupKind: `EndpointSlice.discovery.k8s.io`.
  const slices = (related.list(groupKindText(ENDPOINTSLICE_INFO), ns) as SliceView[]).filter((s) => s.metadata?.labels?.[LABEL_SERVICE_NAME] === o.metadata.name);
  const lines = [...metaLines(o), `Selector:\t${formatLabels(spec.selector)}`, `Type:\t${spec.type ?? ''}`];
  if (spec.ipFamilyPolicy !== undefined) lines.push(`IP Family Policy:\t${spec.ipFamilyPolicy}`);
  lines.push(`IP Families:\t${(spec.ipFamilies ?? []).length > 0 ? spec.ipFamilies!.join(',') : '<none>'}`);
  lines.push(`IP:\t${spec.clusterIP ?? ''}`);
  lines.push(`IPs:\t${(spec.clusterIPs ?? []).length > 0 ? spec.clusterIPs!.join(',') : '<none>'}`);
  if ((spec.externalIPs ?? []).length > 0) lines.push(`External IPs:\t${spec.externalIPs!.join(',')}`);
  if (spec.loadBalancerIP) lines.push(`Desired LoadBalancer IP:\t${spec.loadBalancerIP}`);
  if (spec.externalName) lines.push(`External Name:\t${spec.externalName}`);
  const ingress = ingressText(svc);
  if (ingress !== '') lines.push(`LoadBalancer Ingress:\t${ingress}`);
  for (const p of spec.ports ?? []) {
    const name = p.name || '<unset>';
    lines.push(`Port:\t${name}\t${p.port ?? 0}/${p.protocol ?? ''}`);
    lines.push(`TargetPort:\t${p.targetPort ?? 0}/${p.protocol ?? ''}`);
    if (p.nodePort) lines.push(`NodePort:\t${name}\t${p.nodePort}/${p.protocol ?? ''}`);
    lines.push(`Endpoints:\t${formatEndpointSlices(slices, new Set([p.name ?? '']))}`);
  }
  lines.push(`Session Affinity:\t${spec.sessionAffinity ?? ''}`);
  if (spec.externalTrafficPolicy) lines.push(`External Traffic Policy:\t${spec.externalTrafficPolicy}`);
  if (spec.internalTrafficPolicy !== undefined) lines.push(`Internal Traffic Policy:\t${spec.internalTrafficPolicy}`);
  if (spec.healthCheckNodePort) lines.push(`HealthCheck NodePort:\t${spec.healthCheckNodePort}`);
  if ((spec.loadBalancerSourceRanges ?? []).length > 0) lines.push(`LoadBalancer Source Ranges:\t${spec.loadBalancerSourceRanges!.join(',')}`);
  if (spec.trafficDistribution) lines.push(`Traffic Distribution:\t${spec.trafficDistribution}`);
  lines.push(...describeEvents(eventsAbout(related.list('Event', ns), o.metadata.uid), related.now), '');
  return alignTabs(lines.join('\n'));
}
