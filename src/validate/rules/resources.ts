/**
 * resources: a container's requests and limits, as the API server checks them in 1.32
 * (ValidateContainerResourceRequirements, validateContainerResourceName, ValidateResourceQuantityValue,
 * validateResourceQuantityHugePageValue). A request with no limit is checked as the API server sees
 * it, after a limit without a request has been defaulted into the request.
 */
import type { DocumentRule, Finding } from './rule';
import { asRecord, eachContainer } from './rule';
import { forbidden, invalid, required } from './field-errors';
import { isQualifiedName } from './k8s-names';
import { formatQuantity, parseQuantity, type Quantity } from './quantity';

const STANDARD_CONTAINER = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets',
  'configmaps', 'persistentvolumeclaims', 'storage', 'requests.cpu', 'requests.memory', 'requests.storage',
  'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);
const isHugePages = (n: string): boolean => n.startsWith('hugepages-');
const isNative = (n: string): boolean => !n.includes('/') || n.includes('kubernetes.io/');
const overcommitAllowed = (n: string): boolean => isNative(n) && !isHugePages(n);
const isExtended = (n: string): boolean => !isNative(n) && !n.startsWith('requests.') && isQualifiedName(`requests.${n}`).length === 0;

/** resourceName is validateContainerResourceName. */
function resourceName(name: string, path: (string | number)[]): Finding[] {
  const q = isQualifiedName(name);
  if (q.length) return q.map((m) => invalid(path, name, m));
  if (!name.includes('/')) {
    if (!STANDARD.has(name) && !isHugePages(name)) return [invalid(path, name, 'must be a standard resource type or fully qualified')];
    if (!STANDARD_CONTAINER.has(name) && !isHugePages(name)) return [invalid(path, name, 'must be a standard resource for containers')];
  } else if (!isNative(name) && !isExtended(name)) {
    return [invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return [];
}

/** quantityValue is ValidateResourceQuantityValue plus the hugepages multiple. */
function quantityValue(name: string, q: Quantity, path: (string | number)[]): Finding[] {
  const out: Finding[] = [];
  if (q.value < 0) out.push(invalid(path, formatQuantity(q), 'must be greater than or equal to 0'));
  if (isExtended(name) && Math.round(q.value * 1000) % 1000 !== 0) out.push(invalid(path, formatQuantity(q), 'must be an integer'));
  if (isHugePages(name)) {
    const page = parseQuantity(name.slice('hugepages-'.length));
    if (!page || page.value <= 0 || q.value % page.value !== 0)
      out.push(invalid(path, formatQuantity(q), `${formatQuantity(q)} is not positive integer multiple of ${name}`));
  }
  return out;
}

/** resourcesRule checks resources.limits and resources.requests of every container. */
export const resourcesRule: DocumentRule = {
  name: 'resources',
  check(pod) {
    const out: Finding[] = [];
    eachContainer(pod, (c, path) => {
      const res = asRecord(c['resources']);
      if (!res) return;
      const rp = [...path, 'resources'];
      const limits = asRecord(res['limits']) ?? {};
      const explicitRequests = asRecord(res['requests']) ?? {};
      // Defaulting: a limit without a request becomes the request too.
      const requests: Record<string, unknown> = { ...limits, ...explicitRequests };
      let cpuOrMemory = false;
      let hugePages = false;
      for (const [name, v] of Object.entries(limits)) {
        const at = [...rp, 'limits', name];
        out.push(...resourceName(name, at));
        const q = parseQuantity(v);
        if (q) out.push(...quantityValue(name, q, at));
        if (isHugePages(name)) hugePages = true;
        if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
      }
      for (const [name, v] of Object.entries(requests)) {
        const explicit = name in explicitRequests;
        const at = [...rp, 'requests', name];
        if (explicit) {
          out.push(...resourceName(name, at));
          const q0 = parseQuantity(v);
          if (q0) out.push(...quantityValue(name, q0, at));
        }
        const q = parseQuantity(v);
        const lim = name in limits ? parseQuantity(limits[name]) : undefined;
        if (q && lim) {
          if (q.value !== lim.value && !overcommitAllowed(name))
            out.push({ ...invalid([...rp, 'requests'], formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(lim)}`), path: at });
          else if (q.value > lim.value)
            out.push({ ...invalid([...rp, 'requests'], formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`), path: at });
        } else if (!(name in limits) && !overcommitAllowed(name)) {
          out.push({ ...required([...rp, 'limits'], 'Limit must be set for non overcommitable resources'), path: at });
        }
        if (isHugePages(name)) hugePages = true;
        if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
      }
      if (hugePages && !cpuOrMemory) out.push(forbidden(rp, 'HugePages require cpu or memory'));
    });
    return out;
  },
};
