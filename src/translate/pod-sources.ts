/**
 * What a pod reads from ConfigMaps and Secrets, resolved as the kubelet does: environment
 * variables (env valueFrom configMapKeyRef/secretKeyRef, envFrom with its prefix) and the files of
 * configMap, secret, downwardAPI and projected volumes. Pure: the objects come through PodSources,
 * looked up by the caller in the input and the store.
 *
 * A reference to an object or key that is missing is simply skipped here (an optional one is
 * skipped in Kubernetes too); a missing required one is refused before anything runs, located at
 * the reference, by plan/plan-references.ts.
 */
import { createHash } from 'node:crypto';
import type { V1Container, V1DownwardAPIVolumeFile, V1KeyToPath, V1Volume } from '@kubernetes/client-node';
import type { DesiredSecret, ProjectedFile } from '../domain/types';
import type { KubeObject } from '../domain/objects';
import { DEFAULT_NAMESPACE } from '../domain/kinds';

/** SourceObject is what a pod may read of a ConfigMap or Secret: its data (a Secret's in base64) and a ConfigMap's binaryData (base64). */
export interface SourceObject {
  data?: Readonly<Record<string, string>>;
  binaryData?: Readonly<Record<string, string>>;
}

/** PodSources finds a ConfigMap or Secret of the pod's namespace by name; undefined when it exists nowhere. */
export type PodSources = (kind: 'ConfigMap' | 'Secret', namespace: string, name: string) => SourceObject | undefined;

/**
 * sourcesOf finds the ConfigMaps and Secrets pods read among objects as the API server stores them:
 * the input's (as they will be stored) over the store's.
 */
export function sourcesOf(inInput: readonly KubeObject[], stored: readonly KubeObject[]): PodSources {
  const byKey = new Map<string, KubeObject>();
  for (const o of [...stored, ...inInput]) {
    if (o.kind === 'ConfigMap' || o.kind === 'Secret') byKey.set(`${o.kind}/${o.metadata.namespace ?? DEFAULT_NAMESPACE}/${o.metadata.name}`, o);
  }
  return (kind, namespace, name) => byKey.get(`${kind}/${namespace}/${name}`) as SourceObject | undefined;
}

/** NO_SOURCES finds nothing (a client dry run, a pod that reads no object). */
export const NO_SOURCES: PodSources = () => undefined;

/** The kubelet's default mode of a configMap, secret, downwardAPI or projected volume's files (0644). */
export const DEFAULT_FILE_MODE = 0o644;

/** A Podman secret name may be at most this long. */
const MAX_SECRET_NAME = 253;

/** The kubelet's rule for envFrom keys (k8s.io/apimachinery IsEnvVarName). */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** PodFields is what env and downward-API files read of the pod itself. */
export interface PodFields {
  name: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
}

/** Warn reports something the kubelet would record as an event (path: where in the manifest). */
export type Warn = (path: ReadonlyArray<string | number>, message: string) => void;

const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
const encode = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/**
 * resolveEnv builds a container's environment as the kubelet's makeEnvironmentVariables does:
 * envFrom sources first, in order (keys that are not valid variable names skipped, with the
 * kubelet's InvalidEnvironmentVariableNames event), then env in order, each `value` expanded
 * against the variables before it; fieldRef values read from the pod (fieldRef: the caller's).
 */
export function resolveEnv(
  c: V1Container,
  namespace: string,
  sources: PodSources,
  fieldRef: (fieldPath: string) => string | undefined,
  warn: Warn,
  at: ReadonlyArray<string | number>,
): { vars: Map<string, string>; fromSecret: Set<string> } {
  const vars = new Map<string, string>();
  const fromSecret = new Set<string>();
  const set = (name: string, value: string, secret: boolean): void => {
    vars.set(name, value);
    if (secret) fromSecret.add(name);
    else fromSecret.delete(name);
  };
  (c.envFrom ?? []).forEach((from, i) => {
    const prefix = from.prefix ?? '';
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref?.name) return;
    const isSecret = from.configMapRef === undefined;
    const obj = sources(isSecret ? 'Secret' : 'ConfigMap', namespace, ref.name);
    if (!obj) return;
    const invalid: string[] = [];
    for (const [k, v] of Object.entries(obj.data ?? {})) {
      const name = prefix + k;
      if (!ENV_VAR_NAME.test(name)) invalid.push(name);
      else set(name, isSecret ? decode(v) : v, isSecret);
    }
    if (invalid.length > 0) {
      invalid.sort();
      warn([...at, 'envFrom', i], `InvalidEnvironmentVariableNames: Keys [${invalid.join(', ')}] from the EnvFrom ${isSecret ? 'secret' : 'configMap'} ${namespace}/${ref.name} were skipped since they are considered invalid environment variable names.`);
    }
  });
  for (const v of c.env ?? []) {
    const from = v.valueFrom;
    if (!from) {
      let usedSecret = false;
      const value = expandReferences(v.value ?? '', vars, (name) => (usedSecret ||= fromSecret.has(name)));
      set(v.name, value, usedSecret);
      continue;
    }
    if (from.fieldRef) {
      const value = fieldRef(from.fieldRef.fieldPath);
      if (value !== undefined) set(v.name, value, false);
    } else if (from.configMapKeyRef) {
      const value = sources('ConfigMap', namespace, from.configMapKeyRef.name ?? '')?.data?.[from.configMapKeyRef.key];
      if (value !== undefined) set(v.name, value, false);
    } else if (from.secretKeyRef) {
      const value = sources('Secret', namespace, from.secretKeyRef.name ?? '')?.data?.[from.secretKeyRef.key];
      if (value !== undefined) set(v.name, decode(value), true);
    }
  }
  return { vars, fromSecret };
}

/**
 * expandReferences replaces `$(NAME)` with the variable's value as Kubernetes does: `$$` is a
 * literal `$`, a reference to an unknown variable and an unclosed `$(` stay as written, and a `$`
 * before any other character is kept. `used` is told each variable expanded.
 */
export function expandReferences(input: string, vars: ReadonlyMap<string, string> | Readonly<Record<string, string>>, used?: (name: string) => void): string {
  const get = (name: string): string | undefined => {
    if (vars instanceof Map) return (vars as ReadonlyMap<string, string>).get(name);
    const rec = vars as Readonly<Record<string, string>>;
    return Object.prototype.hasOwnProperty.call(rec, name) ? rec[name] : undefined;
  };
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i += 1;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close === -1) {
        out += '$(';
        i += 2;
      } else {
        const name = input.slice(i + 2, close);
        const value = get(name);
        if (value !== undefined) used?.(name);
        out += value ?? `$(${name})`;
        i = close + 1;
      }
    } else {
      out += '$';
      i += 1;
    }
  }
  return out;
}

/**
 * secretEnvName names the Podman secret that holds the n-th Secret-fed variable of a container:
 * `kubeplay_<podman pod>_<container>_<n>`, or, past Podman's 253 characters, the pod and container
 * replaced by a digest of them.
 */
export function secretEnvName(podmanPod: string, container: string, n: number): string {
  const plain = `kubeplay_${podmanPod}_${container}_${n}`;
  if (plain.length <= MAX_SECRET_NAME) return plain;
  return `kubeplay_${createHash('sha256').update(`${podmanPod}/${container}`).digest('hex').slice(0, 32)}_${n}`;
}

/** splitSecretEnv moves a container's Secret-fed variables into Podman secrets (see DesiredSecret). */
export function splitSecretEnv(
  vars: ReadonlyMap<string, string>,
  fromSecret: ReadonlySet<string>,
  podmanPod: string,
  container: string,
): { env: Record<string, string>; secretEnv: Record<string, string>; secrets: DesiredSecret[] } {
  const env: Record<string, string> = {};
  const secretEnv: Record<string, string> = {};
  const secrets: DesiredSecret[] = [];
  for (const [name, value] of vars) {
    // An empty value holds no secret, and Podman refuses an empty secret.
    if (!fromSecret.has(name) || value === '') {
      env[name] = value;
      continue;
    }
    const secretName = secretEnvName(podmanPod, container, secrets.length);
    secretEnv[name] = secretName;
    secrets.push({ name: secretName, data: encode(value) });
  }
  return { env, secretEnv, secrets };
}

/** isProjectedSource says whether a volume is one whose files kubeplay writes (configMap, secret, downwardAPI, projected). */
export function isProjectedSource(v: V1Volume): boolean {
  return v.configMap !== undefined || v.secret !== undefined || v.downwardAPI !== undefined || v.projected !== undefined;
}

/**
 * projectedFiles lists the files of a configMap, secret, downwardAPI or projected volume as the
 * kubelet writes them: every key (or only `items`, each at its path), with the item's mode or the
 * volume's defaultMode (0644). A missing object gives no files (an optional one; a required one
 * is refused earlier). Later sources of a projected volume overwrite earlier ones at the same path.
 */
export function projectedFiles(v: V1Volume, namespace: string, sources: PodSources, pod: PodFields): ProjectedFile[] {
  const files = new Map<string, ProjectedFile>();
  const put = (f: ProjectedFile): void => void files.set(f.path, f);
  if (v.configMap) {
    const mode = v.configMap.defaultMode ?? DEFAULT_FILE_MODE;
    keyFiles(configMapBytes(sources('ConfigMap', namespace, v.configMap.name ?? '')), v.configMap.items, mode).forEach(put);
  } else if (v.secret) {
    const mode = v.secret.defaultMode ?? DEFAULT_FILE_MODE;
    keyFiles(sources('Secret', namespace, v.secret.secretName ?? '')?.data, v.secret.items, mode).forEach(put);
  } else if (v.downwardAPI) {
    downwardFiles(v.downwardAPI.items ?? [], v.downwardAPI.defaultMode ?? DEFAULT_FILE_MODE, pod).forEach(put);
  } else if (v.projected) {
    const mode = v.projected.defaultMode ?? DEFAULT_FILE_MODE;
    for (const s of v.projected.sources ?? []) {
      if (s.configMap) keyFiles(configMapBytes(sources('ConfigMap', namespace, s.configMap.name ?? '')), s.configMap.items, mode).forEach(put);
      else if (s.secret) keyFiles(sources('Secret', namespace, s.secret.name ?? '')?.data, s.secret.items, mode).forEach(put);
      else if (s.downwardAPI) downwardFiles(s.downwardAPI.items ?? [], mode, pod).forEach(put);
    }
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A ConfigMap's data (text) and binaryData (base64) as one map of base64 values. */
function configMapBytes(o: SourceObject | undefined): Record<string, string> | undefined {
  if (!o) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.data ?? {})) out[k] = encode(v);
  for (const [k, v] of Object.entries(o.binaryData ?? {})) out[k] = v;
  return out;
}

function keyFiles(data: Readonly<Record<string, string>> | undefined, items: readonly V1KeyToPath[] | undefined, mode: number): ProjectedFile[] {
  if (!data) return [];
  if (items === undefined || items.length === 0) return Object.entries(data).map(([path, d]) => ({ path, data: d, mode }));
  return items.flatMap((it) => {
    const d = data[it.key];
    return d === undefined ? [] : [{ path: it.path, data: d, mode: it.mode ?? mode }];
  });
}

const SUBSCRIPTED = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** downwardFiles writes the pod's own fields as the kubelet does (labels and annotations as sorted `key="value"` lines). */
function downwardFiles(items: readonly V1DownwardAPIVolumeFile[], mode: number, pod: PodFields): ProjectedFile[] {
  return items.flatMap((it) => {
    const value = it.fieldRef ? downwardValue(it.fieldRef.fieldPath, pod) : undefined;
    return value === undefined ? [] : [{ path: it.path, data: encode(value), mode: it.mode ?? mode }];
  });
}

function downwardValue(fieldPath: string, pod: PodFields): string | undefined {
  if (fieldPath === 'metadata.name') return pod.name;
  if (fieldPath === 'metadata.namespace') return pod.namespace;
  if (fieldPath === 'metadata.labels') return formatMap(pod.labels);
  if (fieldPath === 'metadata.annotations') return formatMap(pod.annotations);
  const m = SUBSCRIPTED.exec(fieldPath);
  if (!m) return undefined;
  return (m[1] === 'labels' ? pod.labels : pod.annotations)[m[2] ?? ''] ?? '';
}

/** formatMap is the kubelet's fieldpath.FormatMap: `key="value"` lines sorted by key, values quoted. */
export function formatMap(m: Readonly<Record<string, string>>): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${JSON.stringify(m[k])}`)
    .join('\n');
}
