/**
 * podSpec: the pod-level fields of a Pod's create, as the API server checks them in 1.32
 * (ValidatePodCreate, ValidatePodSpec, validateDNSPolicy, validatePodDNSConfig, validateHostNetwork,
 * validateHostAliases, validateReadinessGates, validateOS, ValidateObjectMeta's finalizers).
 */
import type { JsonPath } from '../../domain/types';
import type { DocumentRule, Finding, PodLike } from './rule';
import { asArray, asRecord, eachContainer } from './rule';
import { duplicate, forbidden, invalid, notSupported, required } from './field-errors';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP } from './k8s-names';

const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;
const MAX_SEARCH_CHARS = 2048;
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);
const present = (v: unknown): boolean => v !== undefined && v !== null;

function subdomain(v: unknown, path: JsonPath): Finding[] {
  return typeof v === 'string' && v !== '' ? isDNS1123Subdomain(v).map((m) => invalid(path, v, m)) : [];
}

function dnsConfig(spec: Record<string, unknown>, out: Finding[]): void {
  const policy = spec['dnsPolicy'];
  const cfg = asRecord(spec['dnsConfig']);
  const at = ['spec', 'dnsConfig'];
  if (policy === 'None') {
    if (!cfg) {
      out.push(required(at, 'must provide `dnsConfig` when `dnsPolicy` is None'));
      return;
    }
    if (asArray(cfg['nameservers']).length === 0) {
      out.push(required([...at, 'nameservers'], 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
      return;
    }
  }
  if (!cfg) return;
  const ns = asArray(cfg['nameservers']);
  if (ns.length > MAX_NAMESERVERS) out.push(invalid([...at, 'nameservers'], ns, `must not have more than ${MAX_NAMESERVERS} nameservers`));
  ns.forEach((n, i) => {
    if (typeof n === 'string') for (const m of isValidIP(n)) out.push(invalid([...at, 'nameservers', i], n, m));
  });
  const searches = asArray(cfg['searches']);
  if (searches.length > MAX_SEARCHES) out.push(invalid([...at, 'searches'], searches, `must not have more than ${MAX_SEARCHES} search paths`));
  if (searches.filter((s) => typeof s === 'string').join(' ').length > MAX_SEARCH_CHARS)
    out.push(invalid([...at, 'searches'], searches, `must not have more than ${MAX_SEARCH_CHARS} characters (including spaces) in the search list`));
  searches.forEach((s, i) => {
    if (typeof s !== 'string') return;
    // RelaxedDNSSearchValidation is alpha (off) in 1.32: "." and underscores are refused.
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
    for (const m of isDNS1123Subdomain(trimmed)) out.push(invalid([...at, 'searches', i], trimmed, m));
  });
  asArray(cfg['options']).forEach((o, i) => {
    const name = asRecord(o)?.['name'];
    if (typeof name !== 'string' || name === '') out.push(required([...at, 'options', i], 'must not be empty'));
  });
}

const NOT_FOR_WINDOWS = 'cannot be set for a windows pod';

/** linuxOnly is validateLinux: windowsOptions are refused in a linux pod. */
function linuxOnly(pod: PodLike, out: Finding[]): void {
  const spec = asRecord(pod['spec']) ?? {};
  const msg = 'windows options cannot be set for a linux pod';
  if (present(asRecord(spec['securityContext'])?.['windowsOptions'])) out.push(forbidden(['spec', 'securityContext', 'windowsOptions'], msg));
  eachContainer(pod, (c, path) => {
    if (present(asRecord(c['securityContext'])?.['windowsOptions'])) out.push(forbidden([...path, 'securityContext', 'windowsOptions'], msg));
  });
}

/** windowsOnly is validateWindows: the Linux-only security fields are refused in a windows pod. */
function windowsOnly(pod: PodLike, out: Finding[]): void {
  const spec = asRecord(pod['spec']) ?? {};
  const sc = asRecord(spec['securityContext']);
  // hostPID, hostIPC and shareProcessNamespace sit in the pod security context in the internal type.
  if (sc || spec['hostPID'] === true || spec['hostIPC'] === true || present(spec['shareProcessNamespace'])) {
    const s = sc ?? {};
    for (const f of ['appArmorProfile', 'seLinuxOptions']) if (present(s[f])) out.push(forbidden(['spec', 'securityContext', f], NOT_FOR_WINDOWS));
    if (spec['hostPID'] === true) out.push(forbidden(['spec', 'hostPID'], NOT_FOR_WINDOWS));
    if (spec['hostIPC'] === true) out.push(forbidden(['spec', 'hostIPC'], NOT_FOR_WINDOWS));
    for (const f of ['seccompProfile', 'fsGroup', 'fsGroupChangePolicy']) if (present(s[f])) out.push(forbidden(['spec', 'securityContext', f], NOT_FOR_WINDOWS));
    if (asArray(s['sysctls']).length > 0) out.push(forbidden(['spec', 'securityContext', 'sysctls'], NOT_FOR_WINDOWS));
    if (present(spec['shareProcessNamespace'])) out.push(forbidden(['spec', 'shareProcessNamespace'], NOT_FOR_WINDOWS));
    for (const f of ['runAsUser', 'runAsGroup', 'supplementalGroups']) if (present(s[f])) out.push(forbidden(['spec', 'securityContext', f], NOT_FOR_WINDOWS));
  }
  eachContainer(pod, (c, path) => {
    const csc = asRecord(c['securityContext']);
    if (!csc) return;
    for (const f of ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'capabilities', 'readOnlyRootFilesystem', 'privileged', 'allowPrivilegeEscalation', 'runAsUser', 'runAsGroup'])
      if (present(csc[f])) out.push(forbidden([...path, 'securityContext', f], NOT_FOR_WINDOWS));
  });
}

/** podSpecRule checks the pod-level fields of spec and metadata.finalizers. */
export const podSpecRule: DocumentRule = {
  name: 'pod-spec',
  check(pod) {
    const out: Finding[] = [];
    const spec = asRecord(pod['spec']);
    if (!spec) return out;
    const meta = asRecord(pod['metadata']) ?? {};
    // ValidateFinalizers and core's validateKubeFinalizerName: printed at metadata.finalizers (the
    // list, as upstream), located at the item; the standard-name check runs whatever IsQualifiedName said.
    const finalizers = asArray(meta['finalizers']);
    finalizers.forEach((f, i) => {
      if (typeof f !== 'string') return;
      const at = ['metadata', 'finalizers', i];
      const fin = (x: Finding): Finding => ({ ...x, reportPath: ['metadata', 'finalizers'] });
      for (const m of isQualifiedName(f)) out.push(fin(invalid(at, f, m)));
      if (!f.includes('/') && !STANDARD_FINALIZERS.has(f)) out.push(fin(invalid(at, f, 'name is neither a standard finalizer name nor is it fully qualified')));
    });
    if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion'))
      // A []string is printed with Go's %#v.
      out.push({ path: ['metadata', 'finalizers'], message: `Invalid value: []string{${finalizers.map((f) => JSON.stringify(f)).join(', ')}}: finalizer orphan and foregroundDeletion cannot be both set` });

    if (asArray(spec['ephemeralContainers']).length > 0) out.push(forbidden(['spec', 'ephemeralContainers'], 'cannot be set on create'));
    const dp = spec['dnsPolicy'];
    if (present(dp) && dp !== '' && !(typeof dp === 'string' && DNS_POLICIES.includes(dp))) out.push(notSupported(['spec', 'dnsPolicy'], dp, DNS_POLICIES));
    dnsConfig(spec, out);

    const ads = spec['activeDeadlineSeconds'];
    if (typeof ads === 'number' && (ads < 1 || ads > 2147483647))
      out.push(invalid(['spec', 'activeDeadlineSeconds'], ads, 'must be between 1 and 2147483647, inclusive'));

    for (const f of ['hostname', 'subdomain']) {
      const v = spec[f];
      if (typeof v === 'string' && v !== '') for (const m of isDNS1123Label(v)) out.push(invalid(['spec', f], v, m));
    }
    for (const f of ['serviceAccountName', 'nodeName', 'priorityClassName']) out.push(...subdomain(spec[f], ['spec', f]));
    // ValidateRuntimeClassName runs whenever the field is set, on "" too.
    const rc = spec['runtimeClassName'];
    if (typeof rc === 'string') for (const m of isDNS1123Subdomain(rc)) out.push(invalid(['spec', 'runtimeClassName'], rc, m));
    // The RuntimeClass admission plugin (on by default) refuses an overhead (even an empty map)
    // without a RuntimeClass that defines it (plugin/pkg/admission/runtimeclass, validateOverhead).
    if (asRecord(spec['overhead']) !== undefined && (typeof rc !== 'string' || rc === ''))
      out.push({ path: ['spec', 'overhead'], message: 'pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead' });
    if (typeof spec['nodeName'] === 'string' && spec['nodeName'] !== '' && asArray(spec['schedulingGates']).length > 0)
      out.push(forbidden(['spec', 'nodeName'], 'cannot be set until all schedulingGates have been cleared'));

    // validatePodHostNetworkDeps: regular containers only; hostPort 0 is defaulted to containerPort.
    if (spec['hostNetwork'] === true) {
      eachContainer(pod, (c, path, group) => {
        if (group !== 'containers') return;
        asArray(c['ports']).forEach((p, j) => {
          const port = asRecord(p);
          const cp = port?.['containerPort'];
          const hp = port?.['hostPort'];
          if (typeof cp === 'number' && typeof hp === 'number' && hp !== 0 && hp !== cp)
            out.push(invalid([...path, 'ports', j, 'hostPort'], hp, 'must match `containerPort` when `hostNetwork` is true'));
        });
      });
    }

    asArray(spec['hostAliases']).forEach((a, i) => {
      const alias = asRecord(a);
      if (!alias) return;
      const ip = typeof alias['ip'] === 'string' ? alias['ip'] : '';
      for (const m of isValidIP(ip)) out.push(invalid(['spec', 'hostAliases', i, 'ip'], ip, m));
      asArray(alias['hostnames']).forEach((h, j) => out.push(...subdomain(h, ['spec', 'hostAliases', i, 'hostnames', j])));
    });

    asArray(spec['readinessGates']).forEach((g, i) => {
      const t = asRecord(g)?.['conditionType'];
      if (typeof t === 'string') for (const m of isQualifiedName(t)) out.push(invalid(['spec', 'readinessGates', i, 'conditionType'], t, m));
    });

    // validateOS (a bad name is printed at spec.os, as upstream), then validateLinux or validateWindows.
    const os = asRecord(spec['os']);
    if (os) {
      const name = os['name'];
      if (!present(name) || name === '') out.push(required(['spec', 'os', 'name'], 'cannot be empty'));
      else if (name !== 'linux' && name !== 'windows') out.push({ ...notSupported(['spec', 'os', 'name'], name, ['linux', 'windows']), reportPath: ['spec', 'os'] });
      else if (name === 'linux') linuxOnly(pod, out);
      else windowsOnly(pod, out);
    }
    const pp = spec['preemptionPolicy'];
    if (pp === '') out.push(required(['spec', 'preemptionPolicy']));
    else if (present(pp) && pp !== 'Never' && pp !== 'PreemptLowerPriority') out.push(notSupported(['spec', 'preemptionPolicy'], pp, ['PreemptLowerPriority', 'Never']));

    const gates = new Set<string>();
    asArray(spec['schedulingGates']).forEach((g, i) => {
      const name = asRecord(g)?.['name'];
      if (typeof name !== 'string') return;
      const at = ['spec', 'schedulingGates', i, 'name'];
      // Upstream names the list item (schedulingGates[i]), not its name field.
      for (const m of isQualifiedName(name)) out.push({ ...invalid(at, name, m), reportPath: at.slice(0, -1) });
      if (gates.has(name)) out.push({ ...duplicate(at, name), reportPath: at.slice(0, -1) });
      gates.add(name);
    });
    return out;
  },
};
