/**
 * env: a container's env and envFrom, as the API server checks them in 1.32 (ValidateEnv,
 * validateEnvVarValueFrom, validateObjectFieldSelector, validateContainerResourceFieldSelector,
 * validateConfigMapKeySelector, ValidateEnvFrom). Names follow 1.32's relaxed rule
 * (RelaxedEnvironmentVariableValidation, on by default): any printable ASCII but `=`.
 */
import { textOf } from '../../domain/text';
import type { JsonPath } from '../../domain/types';
import type { DocumentRule, Finding } from './rule';
import { asArray, asRecord, eachContainer } from './rule';
import { invalid, notSupported, required } from './field-errors';
import { isConfigMapKey, isDNS1123Subdomain, isQualifiedName, isRelaxedEnvVarName } from './k8s-names';
import { formatQuantity, parseQuantity } from './quantity';

/** ENV_FIELD_PATHS are the fieldRef paths an env var may read (validEnvDownwardAPIFieldPathExpressions). */
export const ENV_FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
/** VOLUME_FIELD_PATHS are the fieldRef paths a downwardAPI volume file may read. */
export const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
/** Every field label the v1 Pod converts (ConvertDownwardAPIFieldLabel); others fail conversion. */
const CONVERTIBLE = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName',
  'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP', 'status.hostIPs',
  'status.podIP', 'status.podIPs',
]);
/** RESOURCE_FIELD_PATHS are the resources a resourceFieldRef may read (besides hugepages-*). */
export const RESOURCE_FIELD_PATHS = [
  'limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory',
];
const CPU_DIVISORS = new Set([0.001, 1]);
const MEMORY_DIVISORS = new Set(
  [1, 1e3, 1e6, 1e9, 1e12, 1e15, 1e18, 1024, 1024 ** 2, 1024 ** 3, 1024 ** 4, 1024 ** 5, 1024 ** 6],
);

const present = (v: unknown): boolean => v !== undefined && v !== null;

/** objectFieldSelector is validateObjectFieldSelector (apiVersion defaults to v1). */
export function objectFieldSelector(fs: Record<string, unknown>, allowed: readonly string[], path: JsonPath): Finding[] {
  const apiVersion = fs['apiVersion'] ?? 'v1';
  const fieldPath = fs['fieldPath'];
  if (apiVersion === '') return [required([...path, 'apiVersion'])];
  if (typeof fieldPath !== 'string' || fieldPath === '') return [required([...path, 'fieldPath'])];
  if (apiVersion !== 'v1')
    return [invalid([...path, 'fieldPath'], fieldPath, `error converting fieldPath: unsupported pod version: ${textOf(apiVersion)}`)];
  const sub = /^(metadata\.(?:annotations|labels))\['(.*)'\]$/.exec(fieldPath) ?? /^([^[]+)\[(.*)\]$/.exec(fieldPath);
  const base = sub ? sub[1]! : fieldPath;
  if (!CONVERTIBLE.has(base) || (sub && !/^metadata\.(annotations|labels)$/.test(base)))
    return [invalid([...path, 'fieldPath'], fieldPath, `error converting fieldPath: field label not supported: ${fieldPath}`)];
  if (sub) {
    const key = sub[2]!;
    if (base === 'metadata.annotations') return isQualifiedName(key.toLowerCase()).map((m) => invalid(path, key.toLowerCase(), m));
    return isQualifiedName(key).map((m) => invalid(path, key, m));
  }
  return allowed.includes(base) ? [] : [notSupported([...path, 'fieldPath'], base, allowed)];
}

/** resourceFieldSelector is validateContainerResourceFieldSelector; volume files must name their container. */
export function resourceFieldSelector(fs: Record<string, unknown>, path: JsonPath, volume: boolean): Finding[] {
  const out: Finding[] = [];
  const resource = fs['resource'];
  if (volume && !(typeof fs['containerName'] === 'string' && fs['containerName'] !== '')) out.push(required([...path, 'containerName']));
  else if (typeof resource !== 'string' || resource === '') out.push(required([...path, 'resource']));
  else if (!RESOURCE_FIELD_PATHS.includes(resource) && !/^(requests|limits)\.hugepages-/.test(resource))
    out.push(notSupported([...path, 'resource'], resource, RESOURCE_FIELD_PATHS));
  const divisor = parseQuantity(fs['divisor']);
  if (divisor && divisor.value !== 0 && typeof resource === 'string') {
    const d = divisor.value;
    if (resource.endsWith('.cpu') && !CPU_DIVISORS.has(Math.round(d * 1000) / 1000))
      out.push(invalid([...path, 'divisor'], formatQuantity(divisor), "only divisor's values 1m and 1 are supported with the cpu resource"));
    else if (/\.(memory|ephemeral-storage)$/.test(resource) && !MEMORY_DIVISORS.has(d)) {
      const which = resource.endsWith('memory') ? 'memory' : 'local ephemeral storage';
      out.push(invalid([...path, 'divisor'], formatQuantity(divisor), `only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the ${which} resource`));
    }
  }
  return out;
}

/** keySelector is validateConfigMapKeySelector / validateSecretKeySelector. */
function keySelector(sel: Record<string, unknown>, path: JsonPath): Finding[] {
  const out: Finding[] = [];
  const name = typeof sel['name'] === 'string' ? sel['name'] : '';
  for (const m of isDNS1123Subdomain(name)) out.push(invalid([...path, 'name'], name, m));
  const key = sel['key'];
  if (typeof key !== 'string' || key === '') out.push(required([...path, 'key']));
  else for (const m of isConfigMapKey(key)) out.push(invalid([...path, 'key'], key, m));
  return out;
}

/** envRule checks env and envFrom of every container. */
export const envRule: DocumentRule = {
  name: 'env',
  check(pod) {
    const out: Finding[] = [];
    eachContainer(pod, (c, path) => {
      asArray(c['env']).forEach((e, i) => {
        const env = asRecord(e);
        if (!env) return;
        const at = [...path, 'env', i];
        const name = env['name'];
        if (typeof name !== 'string' || name === '') out.push(required([...at, 'name']));
        else for (const m of isRelaxedEnvVarName(name)) out.push(invalid([...at, 'name'], name, m));
        const vf = asRecord(env['valueFrom']);
        if (!vf) return;
        const vp = [...at, 'valueFrom'];
        const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => present(vf[k]));
        const fr = asRecord(vf['fieldRef']);
        if (fr) out.push(...objectFieldSelector(fr, ENV_FIELD_PATHS, [...vp, 'fieldRef']));
        const rr = asRecord(vf['resourceFieldRef']);
        if (rr) out.push(...resourceFieldSelector(rr, [...vp, 'resourceFieldRef'], false));
        for (const k of ['configMapKeyRef', 'secretKeyRef']) {
          const sel = asRecord(vf[k]);
          if (sel) out.push(...keySelector(sel, [...vp, k]));
        }
        if (sources.length === 0) out.push(invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
        else if (typeof env['value'] === 'string' && env['value'] !== '') out.push(invalid(vp, '', 'may not be specified when `value` is not empty'));
        else if (sources.length > 1) out.push(invalid(vp, '', 'may not have more than one field specified at a time'));
      });
      asArray(c['envFrom']).forEach((e, i) => {
        const src = asRecord(e);
        if (!src) return;
        const at = [...path, 'envFrom', i];
        const prefix = src['prefix'];
        if (typeof prefix === 'string' && prefix !== '') for (const m of isRelaxedEnvVarName(prefix)) out.push(invalid([...at, 'prefix'], prefix, m));
        let n = 0;
        for (const k of ['configMapRef', 'secretRef']) {
          if (!present(src[k])) continue;
          n++;
          const name = asRecord(src[k])?.['name'];
          if (typeof name !== 'string' || name === '') out.push(required([...at, k, 'name']));
          else for (const m of isDNS1123Subdomain(name)) out.push(invalid([...at, k, 'name'], name, m));
        }
        if (n === 0) out.push({ ...invalid([...path, 'envFrom'], '', 'must specify one of: `configMapRef` or `secretRef`'), path: at });
        else if (n > 1) out.push({ ...invalid([...path, 'envFrom'], '', 'may not have more than one field specified at a time'), path: at });
      });
    });
    return out;
  },
};
