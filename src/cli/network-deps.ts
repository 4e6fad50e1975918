/**
 * networkDepsOf: the composition root's part of the network (docs/networking.md): the Podman
 * network of this state directory, how kubeplay's DNS server runs, the rule writer (nsenter + nft),
 * and the host's resolver configuration.
 *
 * The default state directory's network is `kubeplay`; another state directory (tests, a second
 * "cluster") gets `kubeplay-<8 hex of its path's sha256>`, so two never share Services or DNS.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import type { NetworkDeps } from '../commands/network';
import type { PodDns } from '../domain/network';
import { NsenterNft } from '../engine/nsenter-nft';
import { stateDirOf, STATE_DIR_ENV } from '../store/state-dir';

/** networkNameOf is the network of a state directory (see the module comment). */
export function networkNameOf(stateDir: string, env: NodeJS.ProcessEnv, uid: number): string {
  const { [STATE_DIR_ENV]: _override, ...rest } = env;
  let usual: string | undefined;
  try {
    usual = path.resolve(stateDirOf(rest, uid));
  } catch {
    usual = undefined;
  }
  if (usual === path.resolve(stateDir)) return 'kubeplay';
  return `kubeplay-${createHash('sha256').update(path.resolve(stateDir)).digest('hex').slice(0, 8)}`;
}

/**
 * hostResolvConf is the host's resolver configuration for dnsPolicy Default: /etc/resolv.conf, or,
 * when that names only loopback resolvers (systemd-resolved's 127.0.0.53, unreachable from a pod),
 * the upstream file systemd-resolved keeps, as a kubelet's --resolv-conf is set on such systems.
 */
export function hostResolvConf(): PodDns {
  const etc = readResolvConf('/etc/resolv.conf');
  if (etc.servers.length > 0 && etc.servers.every((s) => s.startsWith('127.'))) {
    const upstream = readResolvConf('/run/systemd/resolve/resolv.conf');
    if (upstream.servers.length > 0) return upstream;
  }
  return etc;
}

/** readResolvConf reads a resolv.conf (nameservers, search domains, options). */
export function readResolvConf(file = '/etc/resolv.conf'): PodDns {
  const out: PodDns = { servers: [], searches: [], options: [] };
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const [word, ...rest] = line.replace(/[#;].*$/, '').trim().split(/\s+/);
    if (word === 'nameserver' && rest[0]) out.servers.push(rest[0]);
    else if (word === 'search' || word === 'domain') out.searches = rest.filter((r) => r !== '');
    else if (word === 'options') out.options.push(...rest.filter((r) => r !== ''));
  }
  return out;
}

/** hostAddress is this machine's first IPv4 address outside loopback and container bridges (a LoadBalancer's EXTERNAL-IP). */
export function hostAddress(): string | undefined {
  const skip = /^(lo|podman|cni|veth|docker|br-|virbr|kube)/;
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (skip.test(name)) continue;
    const v4 = (addrs ?? []).find((a) => a.family === 'IPv4' && !a.internal);
    if (v4 !== undefined) return v4.address;
  }
  return undefined;
}

/** networkDepsOf makes the network's dependencies for a state directory. */
export function networkDepsOf(stateDir: string, env: NodeJS.ProcessEnv): NetworkDeps {
  const uid = process.getuid?.() ?? 0;
  const host = hostAddress();
  return {
    name: networkNameOf(stateDir, env, uid),
    dns: {
      node: process.execPath,
      // dist/cli/network-deps.js -> dist/dns-server/main.js
      script: path.join(__dirname, '..', 'dns-server', 'main.js'),
      zoneDir: path.join(stateDir, 'dns'),
      user: `${uid}:${process.getgid?.() ?? 0}`,
    },
    rules: new NsenterNft(path.join(stateDir, 'network', 'proxies'), uid !== 0),
    hostResolv: hostResolvConf(),
    stateDir: path.resolve(stateDir),
    ...(host !== undefined ? { hostIP: host } : {}),
  };
}
