/**
 * The Baseline controls of the Kubernetes Pod Security Standards (v1.32): no known privilege
 * escalation. Reasons and details follow kube-apiserver's PodSecurity admission messages, so
 * `violates PodSecurity "baseline:latest": privileged (container "x" must not set ...)` reads
 * as it does from kubectl.
 */
import { textOf } from '../../domain/text';
import { asArray, asRecord } from '../rules/rule';
import type { PodSecurityControl, Violation } from './control';
import { containersOf, podSecurityContext, q, securityContextOf, specOf } from './control';

/** BASELINE_CAPABILITIES are the capabilities Baseline lets a container add (the container runtimes' defaults). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** SAFE_SYSCTLS are the namespaced sysctls Baseline allows (the kubelet's safe set as of v1.32). */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

/** SELINUX_TYPES are the SELinux types Baseline allows besides none. */
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

const hostProcess: PodSecurityControl = {
  id: 'hostProcess',
  level: 'baseline',
  check(pod) {
    const out: Violation[] = [];
    const detail = (who: string) => `${who} must not set securityContext.windowsOptions.hostProcess=true`;
    if (asRecord(podSecurityContext(pod)['windowsOptions'])?.['hostProcess'] === true)
      out.push({ path: ['spec', 'securityContext', 'windowsOptions', 'hostProcess'], reason: 'hostProcess', detail: detail('pod') });
    for (const { c, path, name } of containersOf(pod))
      if (asRecord(securityContextOf(c)['windowsOptions'])?.['hostProcess'] === true)
        out.push({ path: [...path, 'securityContext', 'windowsOptions', 'hostProcess'], reason: 'hostProcess', detail: detail(`container ${q(name)}`) });
    return out;
  },
};

const hostNamespaces: PodSecurityControl = {
  id: 'hostNamespaces',
  level: 'baseline',
  check(pod) {
    const spec = specOf(pod);
    return (['hostNetwork', 'hostPID', 'hostIPC'] as const)
      .filter((f) => spec[f] === true)
      .map((f) => ({ path: ['spec', f], reason: 'host namespaces', detail: `${f}=true` }));
  },
};

const privileged: PodSecurityControl = {
  id: 'privileged',
  level: 'baseline',
  check(pod) {
    return containersOf(pod)
      .filter(({ c }) => securityContextOf(c)['privileged'] === true)
      .map(({ path, name }) => ({
        path: [...path, 'securityContext', 'privileged'],
        reason: 'privileged',
        detail: `container ${q(name)} must not set securityContext.privileged=true`,
      }));
  },
};

const capabilitiesBaseline: PodSecurityControl = {
  id: 'capabilities_baseline',
  level: 'baseline',
  check(pod) {
    const out: Violation[] = [];
    for (const { c, path, name } of containersOf(pod)) {
      asArray(asRecord(securityContextOf(c)['capabilities'])?.['add']).forEach((cap, i) => {
        if (typeof cap === 'string' && BASELINE_CAPABILITIES.has(cap)) return;
        out.push({
          path: [...path, 'securityContext', 'capabilities', 'add', i],
          reason: 'non-default capabilities',
          detail: `container ${q(name)} must not include ${q(cap)} in securityContext.capabilities.add`,
        });
      });
    }
    return out;
  },
};

const hostPathVolumes: PodSecurityControl = {
  id: 'hostPathVolumes',
  level: 'baseline',
  check(pod) {
    const out: Violation[] = [];
    asArray(specOf(pod)['volumes']).forEach((v, i) => {
      const vol = asRecord(v);
      if (vol?.['hostPath'] === undefined || vol['hostPath'] === null) return;
      out.push({ path: ['spec', 'volumes', i, 'hostPath'], reason: 'hostPath volumes', detail: `volume ${q(vol['name'])}` });
    });
    return out;
  },
};

const hostPorts: PodSecurityControl = {
  id: 'hostPorts',
  level: 'baseline',
  check(pod) {
    const out: Violation[] = [];
    for (const { c, path, name } of containersOf(pod))
      asArray(c['ports']).forEach((p, i) => {
        const hp = asRecord(p)?.['hostPort'];
        if (hp === undefined || hp === null || hp === 0) return;
        out.push({ path: [...path, 'ports', i, 'hostPort'], reason: 'hostPort', detail: `container ${q(name)} uses hostPort ${textOf(hp)}` });
      });
    return out;
  },
};

const appArmor: PodSecurityControl = {
  id: 'appArmorProfile',
  level: 'baseline',
  check(pod) {
    const out: Violation[] = [];
    const reason = 'forbidden AppArmor profile';
    const badType = (sc: Record<string, unknown>) => {
      const t = asRecord(sc['appArmorProfile'])?.['type'];
      return t !== undefined && t !== null && t !== 'RuntimeDefault' && t !== 'Localhost' ? t : undefined;
    };
    const podType = badType(podSecurityContext(pod));
    if (podType !== undefined)
      out.push({ path: ['spec', 'securityContext', 'appArmorProfile', 'type'], reason, detail: `pod must not set securityContext.appArmorProfile.type to ${q(podType)}` });
    for (const { c, path, name } of containersOf(pod)) {
      const t = badType(securityContextOf(c));
      if (t !== undefined)
        out.push({ path: [...path, 'securityContext', 'appArmorProfile', 'type'], reason, detail: `container ${q(name)} must not set securityContext.appArmorProfile.type to ${q(t)}` });
    }
    const annotations = asRecord(asRecord(pod['metadata'])?.['annotations']) ?? {};
    for (const [k, v] of Object.entries(annotations)) {
      if (!k.startsWith(APPARMOR_ANNOTATION)) continue;
      if (v === 'runtime/default' || (typeof v === 'string' && v.startsWith('localhost/'))) continue;
      out.push({ path: ['metadata', 'annotations', k], reason, detail: `${k}=${q(v)}` });
    }
    return out;
  },
};

const seLinuxOptions: PodSecurityControl = {
  id: 'seLinuxOptions',
  level: 'baseline',
  check(pod) {
    const out: Violation[] = [];
    const problems = (sc: Record<string, unknown>): string[] => {
      const o = asRecord(sc['seLinuxOptions']);
      if (!o) return [];
      const p: string[] = [];
      const t = o['type'];
      if (t !== undefined && t !== null && !(typeof t === 'string' && SELINUX_TYPES.has(t))) p.push(`type ${q(t)}`);
      for (const f of ['user', 'role'])
        if (o[f] !== undefined && o[f] !== null && o[f] !== '') p.push(`${f} ${q(o[f])}`);
      return p;
    };
    const podProblems = problems(podSecurityContext(pod));
    if (podProblems.length > 0)
      out.push({ path: ['spec', 'securityContext', 'seLinuxOptions'], reason: 'seLinuxOptions', detail: `pod set forbidden securityContext.seLinuxOptions: ${podProblems.join('; ')}` });
    for (const { c, path, name } of containersOf(pod)) {
      const p = problems(securityContextOf(c));
      if (p.length > 0)
        out.push({ path: [...path, 'securityContext', 'seLinuxOptions'], reason: 'seLinuxOptions', detail: `container ${q(name)} set forbidden securityContext.seLinuxOptions: ${p.join('; ')}` });
    }
    return out;
  },
};

const procMount: PodSecurityControl = {
  id: 'procMount',
  level: 'baseline',
  check(pod) {
    const out: Violation[] = [];
    for (const { c, path, name } of containersOf(pod)) {
      const m = securityContextOf(c)['procMount'];
      if (m === undefined || m === null || m === 'Default') continue;
      out.push({ path: [...path, 'securityContext', 'procMount'], reason: 'procMount', detail: `container ${q(name)} must not set securityContext.procMount to ${q(m)}` });
    }
    return out;
  },
};

const seccompBaseline: PodSecurityControl = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  check(pod) {
    const out: Violation[] = [];
    const unconfined = (sc: Record<string, unknown>) => asRecord(sc['seccompProfile'])?.['type'] === 'Unconfined';
    const detail = (who: string) => `${who} must not set securityContext.seccompProfile.type to "Unconfined"`;
    if (unconfined(podSecurityContext(pod)))
      out.push({ path: ['spec', 'securityContext', 'seccompProfile', 'type'], reason: 'seccompProfile', detail: detail('pod') });
    for (const { c, path, name } of containersOf(pod))
      if (unconfined(securityContextOf(c)))
        out.push({ path: [...path, 'securityContext', 'seccompProfile', 'type'], reason: 'seccompProfile', detail: detail(`container ${q(name)}`) });
    return out;
  },
};

const sysctls: PodSecurityControl = {
  id: 'sysctls',
  level: 'baseline',
  check(pod) {
    const out: Violation[] = [];
    asArray(podSecurityContext(pod)['sysctls']).forEach((s, i) => {
      const name = asRecord(s)?.['name'];
      if (typeof name === 'string' && SAFE_SYSCTLS.has(name)) return;
      out.push({ path: ['spec', 'securityContext', 'sysctls', i, 'name'], reason: 'forbidden sysctls', detail: String(name) });
    });
    return out;
  },
};

/** BASELINE_CONTROLS are the Baseline level's controls, in the standard's order. */
export const BASELINE_CONTROLS: readonly PodSecurityControl[] = [
  hostProcess,
  hostNamespaces,
  privileged,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  appArmor,
  seLinuxOptions,
  procMount,
  seccompBaseline,
  sysctls,
];
