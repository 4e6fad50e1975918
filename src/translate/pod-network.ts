/**
 * podNetwork: how a pod joins kubeplay's network (docs/networking.md), from its spec and the
 * network's context: the network itself or the host's (hostNetwork), its resolver as the kubelet
 * sets it (pod-dns.ts), its hostname, /etc/hosts entries, and the Service variables the kubelet
 * injects (service-env.ts).
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { PodNetwork, PodNetworkContext } from '../domain/network';
import { podDns } from './pod-dns';
import { serviceEnv } from './service-env';

/** PodNetworkParts is what toDesiredPod takes from the network. */
export interface PodNetworkParts {
  network: PodNetwork;
  hostname: string;
  /** The Service variables every container gets (its own env wins). */
  serviceEnv: Record<string, string>;
}

/** KUBERNETES_PORT is the `kubernetes` Service's port (443, https), as on every cluster. */
const KUBERNETES_PORT = 443;

/** podNetwork: see the module comment. */
export function podNetwork(pod: V1Pod, namespace: string, ctx: PodNetworkContext): PodNetworkParts {
  const spec = pod.spec;
  const withNs: V1Pod = { ...pod, metadata: { ...(pod.metadata ?? {}), namespace } };
  const dns = podDns(withNs, ctx.layout, { resolvConf: ctx.hostResolv });
  const network: PodNetwork = spec?.hostNetwork === true ? { hostNetwork: true } : { network: ctx.layout.name };
  if (dns.dns !== undefined) network.dns = dns.dns;
  if (dns.hosts.length > 0) network.hosts = dns.hosts;
  const env = serviceEnv({
    namespace,
    enableServiceLinks: spec?.enableServiceLinks !== false,
    services: ctx.services,
    kubernetes: { ip: ctx.layout.kubernetesIP, port: KUBERNETES_PORT },
  });
  return { network, hostname: dns.hostname, serviceEnv: env };
}
