/**
 * sharedContainerPorts: two containers of one pod declaring the same containerPort and protocol.
 * The containers share one network namespace, so the second could never bind that port.
 */
import type { DocumentRule, Finding } from './rule';
import { asArray, asRecord, eachContainer } from './rule';

/** sharedContainerPortsRule reports a containerPort/protocol pair declared twice in one pod. */
export const sharedContainerPortsRule: DocumentRule = {
  name: 'shared-container-ports',
  check(pod) {
    const out: Finding[] = [];
    const seen = new Map<string, string>();
    eachContainer(pod, (c, path, group) => {
      if (group === 'initContainers') return; // init containers run one at a time, before the app containers
      asArray(c['ports']).forEach((p, i) => {
        const port = asRecord(p);
        const cp = port?.['containerPort'];
        if (typeof cp !== 'number') return;
        const proto = typeof port?.['protocol'] === 'string' ? (port['protocol']) : 'TCP';
        const key = `${cp}/${proto}`;
        const here = `spec.containers[${String(path[2])}].ports[${i}]`;
        const first = seen.get(key);
        if (first !== undefined)
          out.push({
            path: [...path, 'ports', i, 'containerPort'],
            message: `containerPort ${cp}/${proto} is already declared by ${first}: containers of a pod share one network namespace, so only one of them can listen on it; use another port (kubeplay's rule, not the API server's)`,
          });
        else seen.set(key, here);
      });
    });
    return out;
  },
};
