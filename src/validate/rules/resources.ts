/**
 * resources: a container's requests and limits, as the API server checks them in 1.32
 * (ValidateContainerResourceRequirements, validateContainerResourceName, ValidateResourceQuantityValue,
 * validateResourceQuantityHugePageValue). A request with no limit is checked as the API server sees
 * it, after a limit without a request has been defaulted into the request. The comparison messages
 * name the map (`resources.requests`, `resources.limits`) as the API server does, located at the key.
 * A defaulted request's name and value are not checked again (the API server repeats the limit's
 * messages under requests; kubeplay says them once, at the limit the file holds).
 */
import type { DocumentRule, Finding } from './rule';
import { asRecord, eachContainer } from './rule';
import { forbidden, goStringer, invalid, required } from './field-errors';
import { isQualifiedName } from './k8s-names';
import { formatQuantity, parseQuantity, type Quantity } from './quantity';

const STANDARD_CONTAINER = new Set(['cpu', 'memory', 'ephemeral-storage']);
/** helper.standardResources (IsStandardResourceName adds the quota hugepages prefixes). */
const STANDARD = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services',
  'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'storage', 'requests.storage',
  'services.nodeports', 'services.loadbalancers',
]);
/** helper.integerResources (IsIntegerResourceName adds the extended resources). */
const INTEGER = new Set([
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers',
]);
const isHugePages = (n: string): boolean => n.startsWith('hugepages-');
const isStandard = (n: string): boolean => STANDARD.has(n) || isHugePages(n) || n.startsWith('requests.hugepages-');
const isNative = (n: string): boolean => !n.includes('/') || n.includes('kubernetes.io/');
const overcommitAllowed = (n: string): boolean => isNative(n) && !isHugePages(n);
const isExtended = (n: string): boolean => !isNative(n) && !n.startsWith('requests.') && isQualifiedName(`requests.${n}`).length === 0;
const isInteger = (n: string): boolean => INTEGER.has(n) || isExtended(n);
/** Quantity.MilliValue(): rounded away from zero, saturating at the int64 range. */
const MAX_INT64 = 2 ** 63 - 1; // as a float: 2^63, the saturation point of int64 milli-units
function milliValue(q: Quantity): number {
  const m = Math.round(q.value * 1e6) / 1e3;
  const milli = m < 0 ? -Math.ceil(-m) : Math.ceil(m);
  return Math.abs(milli) >= MAX_INT64 ? Math.sign(milli) * MAX_INT64 : milli;
}
/** Quantity.Value(): rounded away from zero to a whole number. */
const wholeValue = (q: Quantity): number => (q.value < 0 ? -Math.ceil(-q.value) : Math.ceil(q.value));

/**
 * resourceName is validateContainerResourceName: validateResourceName (qualified name; a name without
 * a prefix must be a standard resource) and then, unconditionally, the container's own check, so a
 * name can get more than one message, as from the API server. A core.ResourceName is a Stringer, so
 * the API server prints the name unquoted.
 */
function resourceName(name: string, path: (string | number)[]): Finding[] {
  const value = goStringer(name);
  const out = isQualifiedName(name).map((m) => invalid(path, value, m));
  if (out.length === 0 && !name.includes('/') && !isStandard(name))
    out.push(invalid(path, value, 'must be a standard resource type or fully qualified'));
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER.has(name) && !isHugePages(name)) out.push(invalid(path, value, 'must be a standard resource for containers'));
  } else if (!isNative(name) && !isExtended(name)) {
    out.push(invalid(path, value, "doesn't follow extended resource name standard"));
  }
  return out;
}

/**
 * hugePageDivisible is helper.IsHugePageResourceValueDivisible: the page size parses, is a positive
 * whole number, and divides the value (Quantity.Value(), rounded up).
 */
function hugePageDivisible(name: string, q: Quantity): boolean {
  const page = parseQuantity(name.slice('hugepages-'.length));
  if (!page || page.value <= 0 || milliValue(page) % 1000 !== 0) return false;
  return wholeValue(q) % wholeValue(page) === 0;
}

/**
 * quantityValue is ValidateResourceQuantityValue plus validateResourceQuantityHugePageValue. The
 * negative check passes value.String() (quoted); the integer check passes the resource.Quantity
 * itself, a Stringer, so its value is printed unquoted.
 */
function quantityValue(name: string, q: Quantity, path: (string | number)[]): Finding[] {
  const out: Finding[] = [];
  if (q.value < 0) out.push(invalid(path, formatQuantity(q), 'must be greater than or equal to 0'));
  if (isInteger(name) && milliValue(q) % 1000 !== 0) out.push(invalid(path, goStringer(formatQuantity(q)), 'must be an integer'));
  if (isHugePages(name) && !hugePageDivisible(name, q))
    out.push(invalid(path, formatQuantity(q), `${formatQuantity(q)} is not positive integer multiple of ${name}`));
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
            out.push({ ...invalid(at, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(lim)}`), reportPath: [...rp, 'requests'] });
          else if (q.value > lim.value)
            out.push({ ...invalid(at, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(lim)}`), reportPath: [...rp, 'requests'] });
        } else if (!(name in limits) && !overcommitAllowed(name)) {
          out.push({ ...required(at, 'Limit must be set for non overcommitable resources'), reportPath: [...rp, 'limits'] });
        }
        if (isHugePages(name)) hugePages = true;
        if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
      }
      if (hugePages && !cpuOrMemory) out.push(forbidden(rp, 'HugePages require cpu or memory'));
    });
    return out;
  },
};
