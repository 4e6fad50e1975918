/**
 * The Pod Security Standards controls (--security-profile), one table row per control and level,
 * on plain Pod objects; then through validateManifests, to show the located message.
 */
import type { LoadedDocument } from '../../../src/domain/types';
import { parseDocuments } from '../../../src/load';
import { validateManifests } from '../../../src/validate';
import { controlsFor, podSecurityRule, type SecurityProfile } from '../../../src/validate/security';
import { formatFieldPath } from '../../../src/validate/field-path';

type Obj = Record<string, unknown>;

/** pod builds a Pod with one container `app` (container fields merged in) and the given spec fields. */
function pod(container: Obj = {}, spec: Obj = {}, metadata: Obj = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', ...metadata },
    spec: { containers: [{ name: 'app', image: 'localhost/busybox:stable', ...container }], ...spec },
  };
}

/** A container and pod that meet Restricted: the base the restricted rows change one thing of. */
const hardened: Obj = { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };
const hardenedSpec: Obj = { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } };

const doc = {} as LoadedDocument; // the controls read only the value

function violations(profile: SecurityProfile, p: Obj): string[] {
  const rule = podSecurityRule(profile);
  return rule ? rule.check(p, doc).map((f) => `${formatFieldPath(f.path)}: ${f.message}`) : [];
}

const B = 'violates PodSecurity "baseline:latest": ';
const R = 'violates PodSecurity "restricted:latest": ';

describe('privileged profile', () => {
  test('checks nothing and has no rule at all (free when not asked for)', () => {
    expect(controlsFor('privileged')).toEqual([]);
    expect(podSecurityRule('privileged')).toBeUndefined();
  });
});

describe('baseline controls', () => {
  test.each<[string, Obj, string[]]>([
    ['a default pod passes', pod(), []],
    ['hostNetwork', pod({}, { hostNetwork: true }), [`spec.hostNetwork: ${B}host namespaces (hostNetwork=true)`]],
    ['hostPID and hostIPC', pod({}, { hostPID: true, hostIPC: true }), [`spec.hostPID: ${B}host namespaces (hostPID=true)`, `spec.hostIPC: ${B}host namespaces (hostIPC=true)`]],
    ['host namespaces set false pass', pod({}, { hostNetwork: false, hostPID: false, hostIPC: false }), []],
    ['privileged container', pod({ securityContext: { privileged: true } }), [`spec.containers[0].securityContext.privileged: ${B}privileged (container "app" must not set securityContext.privileged=true)`]],
    ['privileged init container', pod({}, { initContainers: [{ name: 'init', image: 'x', securityContext: { privileged: true } }] }), [`spec.initContainers[0].securityContext.privileged: ${B}privileged (container "init" must not set securityContext.privileged=true)`]],
    ['capability outside the default set', pod({ securityContext: { capabilities: { add: ['CHOWN', 'NET_ADMIN'] } } }), [`spec.containers[0].securityContext.capabilities.add[1]: ${B}non-default capabilities (container "app" must not include "NET_ADMIN" in securityContext.capabilities.add)`]],
    ['default capabilities pass', pod({ securityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'KILL', 'SYS_CHROOT'] } } }), []],
    ['hostPath volume', pod({}, { volumes: [{ name: 'host', hostPath: { path: '/etc' } }] }), [`spec.volumes[0].hostPath: ${B}hostPath volumes (volume "host")`]],
    ['hostPort', pod({ ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }, { containerPort: 82, hostPort: 0 }] }), [`spec.containers[0].ports[0].hostPort: ${B}hostPort (container "app" uses hostPort 8080)`]],
    ['AppArmor unconfined field', pod({ securityContext: { appArmorProfile: { type: 'Unconfined' } } }), [`spec.containers[0].securityContext.appArmorProfile.type: ${B}forbidden AppArmor profile (container "app" must not set securityContext.appArmorProfile.type to "Unconfined")`]],
    ['AppArmor unconfined annotation', pod({}, {}, { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined', 'container.apparmor.security.beta.kubernetes.io/b': 'runtime/default' } }), [`metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]: ${B}forbidden AppArmor profile (container.apparmor.security.beta.kubernetes.io/app="unconfined")`]],
    ['AppArmor RuntimeDefault and Localhost pass', pod({ securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'x' } } }, { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } }), []],
    ['SELinux type and user', pod({ securityContext: { seLinuxOptions: { type: 'spc_t', user: 'system_u' } } }), [`spec.containers[0].securityContext.seLinuxOptions: ${B}seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: type "spc_t"; user "system_u")`]],
    ['SELinux pod role', pod({}, { securityContext: { seLinuxOptions: { role: 'sysadm_r' } } }), [`spec.securityContext.seLinuxOptions: ${B}seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: role "sysadm_r")`]],
    ['SELinux container_t and level pass', pod({ securityContext: { seLinuxOptions: { type: 'container_t', level: 's0:c1,c2' } } }), []],
    ['procMount Unmasked', pod({ securityContext: { procMount: 'Unmasked' } }), [`spec.containers[0].securityContext.procMount: ${B}procMount (container "app" must not set securityContext.procMount to "Unmasked")`]],
    ['seccomp Unconfined on the pod', pod({}, { securityContext: { seccompProfile: { type: 'Unconfined' } } }), [`spec.securityContext.seccompProfile.type: ${B}seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")`]],
    ['seccomp Unconfined on a container', pod({ securityContext: { seccompProfile: { type: 'Unconfined' } } }), [`spec.containers[0].securityContext.seccompProfile.type: ${B}seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")`]],
    ['unsafe sysctl', pod({}, { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'kernel.msgmax', value: '1' }] } }), [`spec.securityContext.sysctls[1].name: ${B}forbidden sysctls (kernel.msgmax)`]],
    ['Windows hostProcess', pod({ securityContext: { windowsOptions: { hostProcess: true } } }), [`spec.containers[0].securityContext.windowsOptions.hostProcess: ${B}hostProcess (container "app" must not set securityContext.windowsOptions.hostProcess=true)`]],
  ])('%s', (_name, p, expected) => {
    expect(violations('baseline', p)).toEqual(expected);
  });

  test('baseline does not ask for restricted settings', () => {
    expect(violations('baseline', pod({ securityContext: { runAsUser: 0, allowPrivilegeEscalation: true } }))).toEqual([]);
  });
});

describe('restricted controls', () => {
  test('a hardened pod passes', () => {
    expect(violations('restricted', pod(hardened, hardenedSpec))).toEqual([]);
  });

  test('a default pod is told every setting it lacks, at its container', () => {
    expect(violations('restricted', pod())).toEqual([
      `spec.containers[0].securityContext: ${R}allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)`,
      `spec.containers[0].securityContext: ${R}runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)`,
      `spec.containers[0].securityContext: ${R}seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`,
      `spec.containers[0].securityContext: ${R}unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])`,
    ]);
  });

  const sc = (over: Obj): Obj => ({ securityContext: { ...(hardened['securityContext'] as Obj), ...over } });
  test.each<[string, Obj, string[]]>([
    ['baseline still applies', pod(sc({ privileged: true }), hardenedSpec), [`spec.containers[0].securityContext.privileged: ${R}privileged (container "app" must not set securityContext.privileged=true)`]],
    ['hostPath is both a baseline and a restricted violation', pod(hardened, { ...hardenedSpec, volumes: [{ name: 'h', hostPath: { path: '/' } }] }), [`spec.volumes[0].hostPath: ${R}hostPath volumes (volume "h")`, `spec.volumes[0].hostPath: ${R}restricted volume types (volume "h" uses restricted volume type "hostPath")`]],
    ['allowed volume types pass', pod(hardened, { ...hardenedSpec, volumes: [{ name: 'e', emptyDir: {} }, { name: 'c', persistentVolumeClaim: { claimName: 'c' } }, { name: 's', secret: { secretName: 's' } }] }), []],
    ['another volume type', pod(hardened, { ...hardenedSpec, volumes: [{ name: 'n', nfs: { server: 'x', path: '/' } }] }), [`spec.volumes[0].nfs: ${R}restricted volume types (volume "n" uses restricted volume type "nfs")`]],
    ['allowPrivilegeEscalation true', pod(sc({ allowPrivilegeEscalation: true }), hardenedSpec), [`spec.containers[0].securityContext.allowPrivilegeEscalation: ${R}allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)`]],
    ['runAsNonRoot false on the pod', pod(sc({ runAsNonRoot: true }), { securityContext: { runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } } }), [`spec.securityContext.runAsNonRoot: ${R}runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)`]],
    ['runAsNonRoot false on a container overrides the pod', pod(sc({ runAsNonRoot: false }), hardenedSpec), [`spec.containers[0].securityContext.runAsNonRoot: ${R}runAsNonRoot != true (container "app" must not set securityContext.runAsNonRoot=false)`]],
    ['runAsNonRoot on the container alone passes', pod(sc({ runAsNonRoot: true }), { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } }), []],
    ['runAsUser 0 on pod and container', pod(sc({ runAsUser: 0 }), { securityContext: { ...(hardenedSpec['securityContext'] as Obj), runAsUser: 0 } }), [`spec.securityContext.runAsUser: ${R}runAsUser=0 (pod must not set runAsUser=0)`, `spec.containers[0].securityContext.runAsUser: ${R}runAsUser=0 (container "app" must not set runAsUser=0)`]],
    ['runAsUser 1000 passes', pod(sc({ runAsUser: 1000 }), hardenedSpec), []],
    ['seccomp Unconfined is reported once, by the restricted control', pod(sc({ seccompProfile: { type: 'Unconfined' } }), hardenedSpec), [`spec.containers[0].securityContext.seccompProfile.type: ${R}seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")`]],
    ['seccomp on the container alone passes', pod(sc({ seccompProfile: { type: 'RuntimeDefault' } }), { securityContext: { runAsNonRoot: true } }), []],
    ['capabilities: drop without ALL, add beyond NET_BIND_SERVICE', pod({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['NET_RAW'], add: ['NET_BIND_SERVICE', 'CHOWN'] } } }, hardenedSpec), [`spec.containers[0].securityContext.capabilities: ${R}unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])`, `spec.containers[0].securityContext.capabilities.add[1]: ${R}unrestricted capabilities (container "app" must not include "CHOWN" in securityContext.capabilities.add)`]],
  ])('%s', (_name, p, expected) => {
    expect(violations('restricted', p)).toEqual(expected);
  });
});

describe('controls read garbage without throwing', () => {
  test.each([
    [{ apiVersion: 'v1', kind: 'Pod' }],
    [pod({ securityContext: 'x', ports: 'y' }, { securityContext: [], volumes: { a: 1 }, initContainers: [null, 3] })],
    [pod({ securityContext: { capabilities: { add: [null, 3, { a: 1 }], drop: 'ALL' }, seLinuxOptions: [], appArmorProfile: 'x' } }, { securityContext: { sysctls: [null, { name: 3 }] } }, { annotations: 'x' })],
  ])('%#', (p) => {
    for (const profile of ['baseline', 'restricted'] as const) expect(() => violations(profile, p)).not.toThrow();
  });
});

describe('through validateManifests', () => {
  const text = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: web',
    'spec:',
    '  hostNetwork: true',
    '  containers:',
    '    - name: web',
    '      image: localhost/busybox:stable',
    '      securityContext:',
    '        privileged: true',
    '',
  ].join('\n');
  const docs = parseDocuments({ name: 'pod.yaml', bytes: Buffer.from(text) }).documents;

  test('each violation is a located error naming the rule', () => {
    const r = validateManifests(docs, 'strict', 'baseline');
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => `${i.file}:${i.line}:${i.column}: ${i.path}: ${i.message} [${i.rule}]`)).toEqual([
      'pod.yaml:6:3: spec.hostNetwork: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true) [pod-security]',
      'pod.yaml:11:9: spec.containers[0].securityContext.privileged: violates PodSecurity "baseline:latest": privileged (container "web" must not set securityContext.privileged=true) [pod-security]',
    ]);
  });

  test('the default profile, privileged, accepts the same pod', () => {
    expect(validateManifests(docs, 'strict').ok).toBe(true);
    expect(validateManifests(docs, 'strict', 'privileged').ok).toBe(true);
  });
});
