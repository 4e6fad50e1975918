/**
 * podSecurityRule applies a Kubernetes Pod Security Standards level to a Pod document, as
 * kube-apiserver's PodSecurity admission does, before anything runs. Each violation becomes a
 * located error that reads like kubectl's:
 *   violates PodSecurity "restricted:latest": privileged (container "x" must not set securityContext.privileged=true)
 * `privileged` (the default, as in Kubernetes) checks nothing and costs nothing.
 */
import type { DocumentRule, Finding } from '../rules/rule';
import { BASELINE_CONTROLS } from './baseline';
import type { PodSecurityControl, SecurityProfile } from './control';
import { RESTRICTED_CONTROLS } from './restricted';

export { SECURITY_PROFILES, type SecurityProfile } from './control';

/** controlsFor lists the controls a level enforces: Baseline's, plus Restricted's replacing the ones they override. */
export function controlsFor(profile: SecurityProfile): readonly PodSecurityControl[] {
  if (profile === 'privileged') return [];
  if (profile === 'baseline') return BASELINE_CONTROLS;
  const replaced = new Set(RESTRICTED_CONTROLS.map((c) => c.overrides).filter((id): id is string => id !== undefined));
  return [...BASELINE_CONTROLS.filter((c) => !replaced.has(c.id)), ...RESTRICTED_CONTROLS];
}

/** podSecurityRule is the validation rule for one level; undefined for `privileged`, which checks nothing. */
export function podSecurityRule(profile: SecurityProfile): DocumentRule | undefined {
  const controls = controlsFor(profile);
  if (controls.length === 0) return undefined;
  const prefix = `violates PodSecurity "${profile}:latest": `;
  return {
    name: 'pod-security',
    check(pod) {
      const out: Finding[] = [];
      for (const control of controls)
        for (const v of control.check(pod)) out.push({ path: v.path, message: `${prefix}${v.reason} (${v.detail})` });
      return out;
    },
  };
}
