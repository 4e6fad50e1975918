/**
 * withApiDefaults: the API server's defaults (pkg/apis/core/v1/defaults.go) that change what
 * kubeplay runs or hashes, applied to a valid Pod so that a defaulted manifest and its explicit
 * twin translate, and so hash, the same:
 *   - a volume with only a name is an emptyDir (SetDefaults_Volume);
 *   - container ports get protocol TCP (SetDefaults_ContainerPort);
 *   - probes get timeoutSeconds 1, periodSeconds 10, successThreshold 1, failureThreshold 3, and
 *     httpGet handlers path "/" and scheme HTTP (SetDefaults_Probe, SetDefaults_HTTPGetAction);
 *   - containers get terminationMessagePath /dev/termination-log and terminationMessagePolicy File;
 *   - the pod gets restartPolicy Always, dnsPolicy ClusterFirst, terminationGracePeriodSeconds 30
 *     and schedulerName default-scheduler (SetDefaults_PodSpec).
 * imagePullPolicy is left to the translator (it depends on the image's tag). The input is not
 * changed: only the objects on a changed path are copied.
 *
 * Not applied, on purpose (compared with defaults.go at 1.32): requests copied from limits
 * (SetDefaults_Pod) - the resources rule applies it while validating, and the translator does not
 * read requests; hostPort := containerPort under hostNetwork (defaultHostNetworkPorts) - kubeplay
 * gives every pod its own network namespace, so it would publish host ports the file does not ask
 * for (the hostNetwork rule treats an unset hostPort as defaulted); the volume defaultModes (0644),
 * serviceAccountToken expirationSeconds (3600), hostPath type "", enableServiceLinks and an empty
 * securityContext - the rules read an unset value as its default, and the translated pod does not
 * change with them.
 */
import type { PodLike } from './rules/rule';
import { asArray, asRecord } from './rules/rule';

type Rec = Record<string, unknown>;

const VOLUME_SOURCE_KEYS = new Set(['name']);

function probe(p: unknown): unknown {
  const r = asRecord(p);
  if (!r) return p;
  const out: Rec = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3, ...r };
  // 0 means "unset" for these fields in the API's Go types, and is defaulted too.
  for (const [k, d] of [['timeoutSeconds', 1], ['periodSeconds', 10], ['successThreshold', 1], ['failureThreshold', 3]] as const)
    if (out[k] === 0 || out[k] === null) out[k] = d;
  const get = asRecord(r['httpGet']);
  if (get) out['httpGet'] = { ...get, path: get['path'] || '/', scheme: get['scheme'] || 'HTTP' };
  return out;
}

function handler(h: unknown): unknown {
  const r = asRecord(h);
  const get = asRecord(r?.['httpGet']);
  return r && get ? { ...r, httpGet: { ...get, path: get['path'] || '/', scheme: get['scheme'] || 'HTTP' } } : h;
}

function container(c: unknown): unknown {
  const r = asRecord(c);
  if (!r) return c;
  const out: Rec = { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ...r };
  if (Array.isArray(r['ports'])) out['ports'] = asArray(r['ports']).map((p): unknown => { const pr = asRecord(p); return pr && !pr['protocol'] ? { ...pr, protocol: 'TCP' } : p; });
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) if (r[k]) out[k] = probe(r[k]);
  const lc = asRecord(r['lifecycle']);
  if (lc) out['lifecycle'] = { ...lc, ...(lc['postStart'] ? { postStart: handler(lc['postStart']) } : {}), ...(lc['preStop'] ? { preStop: handler(lc['preStop']) } : {}) };
  return out;
}

/** withApiDefaults returns the pod with the defaults above; the input is not modified. */
export function withApiDefaults(pod: PodLike): PodLike {
  const spec = asRecord(pod['spec']);
  if (!spec) return pod;
  const out: Rec = {
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
    ...spec,
  };
  for (const group of ['initContainers', 'containers']) if (Array.isArray(spec[group])) out[group] = asArray(spec[group]).map(container);
  if (Array.isArray(spec['volumes']))
    out['volumes'] = asArray(spec['volumes']).map((v): unknown => {
      const r = asRecord(v);
      if (!r) return v;
      const hasSource = Object.keys(r).some((k) => !VOLUME_SOURCE_KEYS.has(k) && r[k] !== null && r[k] !== undefined);
      return hasSource ? v : { ...r, emptyDir: {} };
    });
  return { ...pod, spec: out };
}
