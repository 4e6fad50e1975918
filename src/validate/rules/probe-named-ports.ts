/**
 * probeNamedPorts (kubeplay's own rule): a probe or lifecycle handler whose port is a name that no
 * port of its container carries. The API server accepts it; the kubelet then fails that probe or
 * hook on every try ("couldn't find port"), and kubeplay cannot turn it into a health check.
 */
import type { DocumentRule, Finding } from './rule';
import { asArray, asRecord, eachContainer } from './rule';
import { kubeplayOnly } from './field-errors';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HOOKS = ['postStart', 'preStop'] as const;

/** probeNamedPortsRule reports a handler's named port that its container does not declare. */
export const probeNamedPortsRule: DocumentRule = {
  name: 'probe-named-ports',
  check(pod) {
    const out: Finding[] = [];
    eachContainer(pod, (c, path) => {
      const names = asArray(c['ports'])
        .map((p) => asRecord(p)?.['name'])
        .filter((n): n is string => typeof n === 'string' && n !== '');
      const check = (handler: Record<string, unknown> | undefined, at: readonly (string | number)[]): void => {
        if (!handler) return;
        for (const kind of ['httpGet', 'tcpSocket'] as const) {
          const port = asRecord(handler[kind])?.['port'];
          // Numbers and numeric strings are checked by the API server's rules; only names resolve here.
          if (typeof port !== 'string' || port === '' || /^\d+$/.test(port) || names.includes(port)) continue;
          const known = names.length ? `its named ports: ${names.map((n) => `"${n}"`).join(', ')}` : 'it names none of its ports';
          out.push(
            kubeplayOnly(
              [...at, kind, 'port'],
              `named port "${port}" is not a port of this container (${known}): the kubelet would fail this handler every time ` +
                'and kubeplay cannot run it; name one of the container\'s ports or give a number',
            ),
          );
        }
      };
      for (const probe of PROBES) check(asRecord(c[probe]), [...path, probe]);
      const lifecycle = asRecord(c['lifecycle']);
      for (const hook of HOOKS) check(asRecord(lifecycle?.[hook]), [...path, 'lifecycle', hook]);
    });
    return out;
  },
};
