/**
 * securityContext: the pod's and each container's, as the API server checks them in 1.32
 * (ValidatePodSecurityContext, ValidateSecurityContext, validateSysctls, validateSeccompProfileField,
 * ValidateAppArmorProfileField). hostPID and shareProcessNamespace live in spec in v1.
 */
import type { JsonPath } from '../../domain/types';
import type { DocumentRule, Finding } from './rule';
import { asArray, asRecord, eachContainer } from './rule';
import { duplicate, invalid, notSupported, required, tooLong } from './field-errors';
import { isValidID, isValidSysctlName, SYSCTL_NAME_MESSAGE } from './k8s-names';

const PROFILE_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'];
const present = (v: unknown): boolean => v !== undefined && v !== null;

function relativePath(v: string, path: JsonPath): Finding[] {
  const out: Finding[] = [];
  if (v.startsWith('/')) out.push(invalid(path, v, 'must be a relative path'));
  if (v.split('/').includes('..')) out.push(invalid(path, v, "must not contain '..'"));
  return out;
}

/** profile is validateSeccompProfileField / ValidateAppArmorProfileField. */
function profile(p: Record<string, unknown>, path: JsonPath, what: 'seccomp' | 'AppArmor'): Finding[] {
  return what === 'seccomp' ? seccompProfile(p, path) : appArmorProfile(p, path);
}

/** validateSeccompProfileField: the type's error does not stop the localhostProfile checks. */
function seccompProfile(p: Record<string, unknown>, path: JsonPath): Finding[] {
  const out: Finding[] = [];
  const t = p['type'];
  if (!present(t) || t === '') out.push(required([...path, 'type'], 'type is required when seccompProfile is set'));
  else if (typeof t !== 'string' || !PROFILE_TYPES.includes(t)) out.push(notSupported([...path, 'type'], t, PROFILE_TYPES));
  const local = p['localhostProfile'];
  if (t === 'Localhost') {
    if (!present(local)) out.push(required([...path, 'localhostProfile'], 'must be set when seccomp type is Localhost'));
    else if (typeof local === 'string') out.push(...relativePath(local, [...path, 'localhostProfile']));
  } else if (present(local)) out.push(invalid([...path, 'localhostProfile'], p, 'can only be set when seccomp type is Localhost'));
  return out;
}

/** ValidateAppArmorProfileField. */
function appArmorProfile(p: Record<string, unknown>, path: JsonPath): Finding[] {
  const t = p['type'];
  const local = p['localhostProfile'];
  const lp = [...path, 'localhostProfile'];
  if (t === 'Localhost') {
    if (typeof local !== 'string') return [required(lp, 'must be set when AppArmor type is Localhost')];
    const out: Finding[] = [];
    if (local.trim() !== local) out.push(invalid(lp, local, 'must not be padded with whitespace'));
    else if (local === '') out.push(required(lp, 'must be set when AppArmor type is Localhost'));
    if (Buffer.byteLength(local) > 4095) out.push(tooLong(lp, 4095));
    return out;
  }
  if (t === 'RuntimeDefault' || t === 'Unconfined')
    return present(local) ? [invalid(lp, local, 'can only be set when AppArmor type is Localhost')] : [];
  if (!present(t) || t === '') return [required([...path, 'type'], 'type is required when appArmorProfile is set')];
  return [notSupported([...path, 'type'], t, PROFILE_TYPES)];
}

function ids(sc: Record<string, unknown>, path: JsonPath, fields: readonly string[], out: Finding[]): void {
  for (const f of fields) {
    const v = sc[f];
    if (typeof v === 'number') for (const m of isValidID(v)) out.push(invalid([...path, f], v, m));
  }
}

const NET_SYSCTL = /^net[./]/;
const IPC_SYSCTL = /^(kernel[./](shm|msg)|kernel[./]sem$|fs[./]mqueue[./])/;

/** securityContextRule checks spec.securityContext and every container's securityContext. */
export const securityContextRule: DocumentRule = {
  name: 'security-context',
  check(pod) {
    const out: Finding[] = [];
    const spec = asRecord(pod['spec']) ?? {};
    const psc = asRecord(spec['securityContext']);
    if (spec['shareProcessNamespace'] === true && spec['hostPID'] === true)
      out.push(invalid(['spec', 'shareProcessNamespace'], true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
    if (psc) {
      const at = ['spec', 'securityContext'];
      ids(psc, at, ['runAsUser', 'runAsGroup', 'fsGroup'], out);
      asArray(psc['supplementalGroups']).forEach((g, i) => {
        if (typeof g === 'number') for (const m of isValidID(g)) out.push(invalid([...at, 'supplementalGroups', i], g, m));
      });
      const fcp = psc['fsGroupChangePolicy'];
      if (present(fcp) && fcp !== 'OnRootMismatch' && fcp !== 'Always') out.push(notSupported([...at, 'fsGroupChangePolicy'], fcp, ['Always', 'OnRootMismatch']));
      const seen = new Set<string>();
      asArray(psc['sysctls']).forEach((s, i) => {
        const name = asRecord(s)?.['name'];
        const np = [...at, 'sysctls', i, 'name'];
        if (typeof name !== 'string' || name === '') out.push(required(np));
        else if (!isValidSysctlName(name)) out.push(invalid(np, name, SYSCTL_NAME_MESSAGE));
        else if (seen.has(name)) out.push(duplicate(np, name));
        if (typeof name === 'string') {
          if (spec['hostNetwork'] === true && NET_SYSCTL.test(name)) out.push(invalid(np, name, "may not be specified when 'hostNetwork' is true"));
          else if (spec['hostIPC'] === true && IPC_SYSCTL.test(name)) out.push(invalid(np, name, "may not be specified when 'hostIPC' is true"));
          seen.add(name);
        }
      });
      const sp = asRecord(psc['seccompProfile']);
      if (sp) out.push(...profile(sp, [...at, 'seccompProfile'], 'seccomp'));
      const ap = asRecord(psc['appArmorProfile']);
      if (ap) out.push(...profile(ap, [...at, 'appArmorProfile'], 'AppArmor'));
    }
    eachContainer(pod, (c, path) => {
      const sc = asRecord(c['securityContext']);
      if (!sc) return;
      const at = [...path, 'securityContext'];
      ids(sc, at, ['runAsUser', 'runAsGroup'], out);
      // procMount is not checked: 1.32 drops it on create (the ProcMountType gate is off by default).
      const sp = asRecord(sc['seccompProfile']);
      if (sp) out.push(...profile(sp, [...at, 'seccompProfile'], 'seccomp'));
      const ap = asRecord(sc['appArmorProfile']);
      if (ap) out.push(...profile(ap, [...at, 'appArmorProfile'], 'AppArmor'));
      if (sc['allowPrivilegeEscalation'] === false) {
        if (sc['privileged'] === true) out.push(invalid(at, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
        const add = asArray(asRecord(sc['capabilities'])?.['add']);
        if (add.includes('CAP_SYS_ADMIN')) out.push(invalid(at, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
      }
    });
    return out;
  },
};
