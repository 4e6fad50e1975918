/**
 * uniqueHostPorts: one hostPort (with protocol and host IP) claimed twice across all pods in the
 * input. Only one pod can publish a port on the host, so the second pod could never start.
 */
import { textOf } from '../../domain/text';
import type { InputRule } from './rule';
import { asArray, asRecord, eachContainer } from './rule';

/** hostIPsOverlap is true when two host IPs would collide: equal, or one of them is a wildcard. */
export function hostIPsOverlap(a: string, b: string): boolean {
  const wild = (ip: string) => ip === '' || ip === '0.0.0.0' || ip === '::';
  return wild(a) || wild(b) || a === b;
}

/** uniqueHostPortsRule reports a hostPort claimed twice, naming both claimants. */
export const uniqueHostPortsRule: InputRule = {
  name: 'unique-host-ports',
  check(docs) {
    const out: ReturnType<InputRule['check']> = [];
    const claims: Array<{ port: number; proto: string; ip: string; who: string }> = [];
    for (const { pod, doc } of docs) {
      const podName = textOf(asRecord(pod['metadata'])?.['name'] ?? '?');
      eachContainer(pod, (c, path, group) => {
        if (group === 'initContainers') return;
        asArray(c['ports']).forEach((p, i) => {
          const port = asRecord(p);
          const hp = port?.['hostPort'];
          if (typeof hp !== 'number' || hp === 0) return;
          const proto = typeof port?.['protocol'] === 'string' ? (port['protocol']) : 'TCP';
          const ip = typeof port?.['hostIP'] === 'string' ? (port['hostIP']) : '';
          const who = `pod/${podName} (${doc.source}, spec.containers[${String(path[2])}].ports[${i}])`;
          const clash = claims.find((x) => x.port === hp && x.proto === proto && hostIPsOverlap(x.ip, ip));
          if (clash)
            out.push({
              doc,
              path: [...path, 'ports', i, 'hostPort'],
              message: `hostPort ${hp}/${proto} is claimed twice: by ${clash.who} and by ${who}; only one pod can publish a host port, so change one of them (kubeplay's rule, not the API server's)`,
            });
          else claims.push({ port: hp, proto, ip, who });
        });
      });
    }
    return out;
  },
};
