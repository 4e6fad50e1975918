/**
 * handlers: probes, lifecycle hooks and container restartPolicy, as the API server checks them on a
 * Pod's create in 1.32 (validation.go validateContainers / validateInitContainers, validateProbe,
 * validateHandler, validateLifecycle, validateSleepAction), and terminationMessagePolicy. Probe timings of 0 are defaulted (timeout
 * 1, period 10, thresholds 1 and 3) before validation, so only negative ones are refused.
 */
import type { JsonPath } from '../../domain/types';
import type { DocumentRule, Finding } from './rule';
import { asArray, asRecord, eachContainer } from './rule';
import { forbidden, invalid, notSupported, required } from './field-errors';
import { isHTTPHeaderName, isValidPortName, isValidPortNum } from './k8s-names';

const NEGATIVE = 'must be greater than or equal to 0';
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const NOT_FOR_INIT = 'may not be set for init containers without restartPolicy=Always';

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** portNumOrName is ValidatePortNumOrName: a number in range, or a valid IANA port name. */
export function portNumOrName(port: unknown, path: JsonPath): Finding[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => invalid(path, port, m));
  return [];
}

/** handler is validateHandler: exactly one action, each checked. */
function handler(h: Record<string, unknown>, path: JsonPath, kinds: readonly string[], grace: number, out: Finding[]): void {
  let n = 0;
  for (const kind of kinds) {
    const action = h[kind];
    if (!present(action)) continue;
    const at = [...path, kind];
    if (n > 0) {
      out.push(forbidden(at, 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const a = asRecord(action) ?? {};
    if (kind === 'exec') {
      if (asArray(a['command']).length === 0) out.push(required([...at, 'command']));
    } else if (kind === 'httpGet') {
      out.push(...portNumOrName(a['port'], [...at, 'port']));
      const scheme = a['scheme'];
      if (present(scheme) && scheme !== '' && scheme !== 'HTTP' && scheme !== 'HTTPS') out.push(notSupported([...at, 'scheme'], scheme, ['HTTP', 'HTTPS']));
      asArray(a['httpHeaders']).forEach((hd, i) => {
        const name = asRecord(hd)?.['name'];
        if (typeof name === 'string') for (const m of isHTTPHeaderName(name)) out.push({ ...invalid([...at, 'httpHeaders', i, 'name'], name, m), reportPath: [...at, 'httpHeaders'] });
      });
    } else if (kind === 'tcpSocket') {
      out.push(...portNumOrName(a['port'], [...at, 'port']));
    } else if (kind === 'grpc') {
      const port = a['port'];
      if (typeof port === 'number') for (const m of isValidPortNum(port)) out.push(invalid([...at, 'port'], port, m));
    } else if (kind === 'sleep') {
      const s = a['seconds'];
      if (typeof s === 'number' && (s <= 0 || s > grace))
        out.push(invalid([...at, 'seconds'], s, `must be greater than 0 and less than terminationGracePeriodSeconds (${grace}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`));
    }
  }
  if (n === 0) out.push(required(path, 'must specify a handler type'));
}

function probe(p: Record<string, unknown>, path: JsonPath, which: (typeof PROBES)[number], grace: number, out: Finding[]): void {
  handler(p, path, ['exec', 'httpGet', 'tcpSocket', 'grpc'], grace, out);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    const v = p[f];
    if (typeof v === 'number' && v < 0) out.push(invalid([...path, f], v, NEGATIVE));
  }
  const tgps = p['terminationGracePeriodSeconds'];
  if (typeof tgps === 'number') {
    if (which === 'readinessProbe') out.push(invalid([...path, 'terminationGracePeriodSeconds'], tgps, 'must not be set for readinessProbes'));
    else if (tgps <= 0) out.push(invalid([...path, 'terminationGracePeriodSeconds'], tgps, 'must be greater than 0'));
  }
  const st = p['successThreshold'];
  if (which !== 'readinessProbe' && typeof st === 'number' && st !== 1 && st !== 0) out.push(invalid([...path, 'successThreshold'], st, 'must be 1'));
}

/** handlersRule checks probes, lifecycle hooks and restartPolicy of every container. */
export const handlersRule: DocumentRule = {
  name: 'handlers',
  check(pod) {
    const out: Finding[] = [];
    const spec = asRecord(pod['spec']);
    const g = spec?.['terminationGracePeriodSeconds'];
    const grace = typeof g === 'number' ? g : 30;
    eachContainer(pod, (c, path, group) => {
      const tmp = c['terminationMessagePolicy'];
      // "" is defaulted to File, as is a missing policy.
      if (present(tmp) && tmp !== '' && tmp !== 'File' && tmp !== 'FallbackToLogsOnError')
        out.push(notSupported([...path, 'terminationMessagePolicy'], tmp, ['File', 'FallbackToLogsOnError']));
      const rp = c['restartPolicy'];
      const sidecar = group === 'initContainers' && rp === 'Always';
      if (present(rp)) {
        if (group === 'containers') out.push(forbidden([...path, 'restartPolicy'], 'may not be set for non-init containers'));
        else if (rp !== 'Always') out.push(notSupported([...path, 'restartPolicy'], rp, ['Always']));
      }
      const plainInit = group === 'initContainers' && !sidecar;
      for (const which of PROBES) {
        if (!present(c[which])) continue;
        if (plainInit) {
          out.push(forbidden([...path, which], NOT_FOR_INIT));
          continue;
        }
        const p = asRecord(c[which]);
        if (p) probe(p, [...path, which], which, grace, out);
      }
      if (present(c['lifecycle'])) {
        if (plainInit) out.push(forbidden([...path, 'lifecycle'], NOT_FOR_INIT));
        else {
          const lc = asRecord(c['lifecycle']) ?? {};
          for (const hook of ['postStart', 'preStop']) {
            const h = asRecord(lc[hook]);
            if (h) handler(h, [...path, 'lifecycle', hook], ['exec', 'httpGet', 'tcpSocket', 'sleep'], grace, out);
          }
        }
      }
    });
    return out;
  },
};
