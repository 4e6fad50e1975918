/**
 * nodeInfo: this machine as the one node kubeplay's pods run on, with the labels a kubelet puts
 * on its Node (kubernetes.io/hostname, kubernetes.io/os, kubernetes.io/arch), for DaemonSets'
 * node selectors and pods' nodeName.
 */
import { hostname } from 'node:os';
import type { NodeInfo } from '../controllers/controller';

/** GOARCH names Node's process.arch as Go (and so Kubernetes' arch label) does. */
const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** nodeInfo is this machine as a node. */
export function nodeInfo(): NodeInfo {
  const name = hostname().toLowerCase();
  return { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': process.platform === 'linux' ? 'linux' : process.platform, 'kubernetes.io/arch': GOARCH[process.arch] ?? process.arch } };
}
