/**
 * The Restricted controls of the Kubernetes Pod Security Standards (v1.32), on top of Baseline:
 * current pod hardening practice. Messages follow kube-apiserver's PodSecurity admission.
 * Where a pod-level setting may stand for every container (runAsNonRoot, seccompProfile), a
 * container that sets nothing inherits it, as the kubelet does.
 */
import { asArray, asRecord } from '../rules/rule';
import type { PodSecurityControl, Violation } from './control';
import { containersOf, podSecurityContext, q, securityContextOf, specOf } from './control';

/** RESTRICTED_VOLUME_TYPES are the volume sources Restricted allows. */
export const RESTRICTED_VOLUME_TYPES: ReadonlySet<string> = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
]);

const restrictedVolumes: PodSecurityControl = {
  id: 'restrictedVolumes',
  level: 'restricted',
  check(pod) {
    const out: Violation[] = [];
    asArray(specOf(pod)['volumes']).forEach((v, i) => {
      const vol = asRecord(v);
      if (!vol) return;
      for (const [type, value] of Object.entries(vol)) {
        if (type === 'name' || value === null || value === undefined || RESTRICTED_VOLUME_TYPES.has(type)) continue;
        out.push({ path: ['spec', 'volumes', i, type], reason: 'restricted volume types', detail: `volume ${q(vol['name'])} uses restricted volume type ${q(type)}` });
      }
    });
    return out;
  },
};

const allowPrivilegeEscalation: PodSecurityControl = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  check(pod) {
    return containersOf(pod)
      .filter(({ c }) => securityContextOf(c)['allowPrivilegeEscalation'] !== false)
      .map(({ c, path, name }) => ({
        path: 'allowPrivilegeEscalation' in securityContextOf(c) ? [...path, 'securityContext', 'allowPrivilegeEscalation'] : [...path, 'securityContext'],
        reason: 'allowPrivilegeEscalation != false',
        detail: `container ${q(name)} must set securityContext.allowPrivilegeEscalation=false`,
      }));
  },
};

const runAsNonRoot: PodSecurityControl = {
  id: 'runAsNonRoot',
  level: 'restricted',
  check(pod) {
    const out: Violation[] = [];
    const reason = 'runAsNonRoot != true';
    const podValue = podSecurityContext(pod)['runAsNonRoot'];
    if (podValue === false)
      out.push({ path: ['spec', 'securityContext', 'runAsNonRoot'], reason, detail: 'pod must not set securityContext.runAsNonRoot=false' });
    for (const { c, path, name } of containersOf(pod)) {
      const v = securityContextOf(c)['runAsNonRoot'];
      if (v === false)
        out.push({ path: [...path, 'securityContext', 'runAsNonRoot'], reason, detail: `container ${q(name)} must not set securityContext.runAsNonRoot=false` });
      else if (v !== true && podValue !== true)
        out.push({ path: [...path, 'securityContext'], reason, detail: `pod or container ${q(name)} must set securityContext.runAsNonRoot=true` });
    }
    return out;
  },
};

const runAsUser: PodSecurityControl = {
  id: 'runAsUser',
  level: 'restricted',
  check(pod) {
    const out: Violation[] = [];
    if (podSecurityContext(pod)['runAsUser'] === 0)
      out.push({ path: ['spec', 'securityContext', 'runAsUser'], reason: 'runAsUser=0', detail: 'pod must not set runAsUser=0' });
    for (const { c, path, name } of containersOf(pod))
      if (securityContextOf(c)['runAsUser'] === 0)
        out.push({ path: [...path, 'securityContext', 'runAsUser'], reason: 'runAsUser=0', detail: `container ${q(name)} must not set runAsUser=0` });
    return out;
  },
};

const seccompRestricted: PodSecurityControl = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  overrides: 'seccompProfile_baseline',
  check(pod) {
    const out: Violation[] = [];
    const reason = 'seccompProfile';
    const typeOf = (sc: Record<string, unknown>) => asRecord(sc['seccompProfile'])?.['type'];
    const allowed = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
    const podType = typeOf(podSecurityContext(pod));
    if (podType !== undefined && podType !== null && !allowed(podType))
      out.push({ path: ['spec', 'securityContext', 'seccompProfile', 'type'], reason, detail: `pod must not set securityContext.seccompProfile.type to ${q(podType)}` });
    for (const { c, path, name } of containersOf(pod)) {
      const t = typeOf(securityContextOf(c));
      if (t !== undefined && t !== null) {
        if (!allowed(t))
          out.push({ path: [...path, 'securityContext', 'seccompProfile', 'type'], reason, detail: `container ${q(name)} must not set securityContext.seccompProfile.type to ${q(t)}` });
      } else if (!allowed(podType)) {
        out.push({
          path: [...path, 'securityContext'],
          reason,
          detail: `pod or container ${q(name)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        });
      }
    }
    return out;
  },
};

const capabilitiesRestricted: PodSecurityControl = {
  id: 'capabilities_restricted',
  level: 'restricted',
  overrides: 'capabilities_baseline',
  check(pod) {
    const out: Violation[] = [];
    const reason = 'unrestricted capabilities';
    for (const { c, path, name } of containersOf(pod)) {
      const caps = asRecord(securityContextOf(c)['capabilities']);
      const drop = asArray(caps?.['drop']);
      if (!drop.includes('ALL'))
        out.push({
          path: caps ? [...path, 'securityContext', 'capabilities'] : [...path, 'securityContext'],
          reason,
          detail: `container ${q(name)} must set securityContext.capabilities.drop=["ALL"]`,
        });
      asArray(caps?.['add']).forEach((cap, i) => {
        if (cap === 'NET_BIND_SERVICE') return;
        out.push({
          path: [...path, 'securityContext', 'capabilities', 'add', i],
          reason,
          detail: `container ${q(name)} must not include ${q(cap)} in securityContext.capabilities.add`,
        });
      });
    }
    return out;
  },
};

/** RESTRICTED_CONTROLS are the controls Restricted adds to (or replaces in) Baseline. */
export const RESTRICTED_CONTROLS: readonly PodSecurityControl[] = [
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompRestricted,
  capabilitiesRestricted,
];
