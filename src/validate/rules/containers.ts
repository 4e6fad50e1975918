/**
 * containers: names, images, policies, ports and mounts of every container and init container,
 * as the API server checks them (kubernetes/pkg/apis/core/validation ValidateContainers).
 */
import type { JsonPath } from '../../domain/types';
import type { DocumentRule, Finding } from './rule';
import { asArray, asRecord, eachContainer } from './rule';
import { isDNS1123Label, isValidPortName, isValidPortNum } from './k8s-names';
import { kubeplayOnly, required } from './field-errors';

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];

function oneOf(v: unknown, allowed: string[], path: JsonPath, field: string): Finding[] {
  if (v === undefined || v === null) return [];
  return typeof v === 'string' && allowed.includes(v)
    ? []
    : [{ path, message: `unsupported value ${JSON.stringify(v)} for ${field}: supported values are ${allowed.map((a) => `"${a}"`).join(', ')}` }];
}

/** containersRule checks each container on its own and names across the pod. */
export const containersRule: DocumentRule = {
  name: 'containers',
  check(pod) {
    const out: Finding[] = [];
    const spec = asRecord(pod['spec']);
    if (!spec) return [{ path: ['spec'], message: 'required field "spec" is missing' }];
    if (asArray(spec['containers']).length === 0)
      out.push({ path: ['spec', 'containers'], message: 'a Pod needs at least one container in spec.containers' });
    out.push(...oneOf(spec['restartPolicy'], RESTART_POLICIES, ['spec', 'restartPolicy'], 'restartPolicy'));

    const volumeNames = new Set(
      asArray(spec['volumes'])
        .map((v) => asRecord(v)?.['name'])
        .filter((n): n is string => typeof n === 'string'),
    );
    const seenNames = new Map<string, string>();
    eachContainer(pod, (c, path, group) => {
      const name = c['name'];
      if (typeof name === 'string') {
        for (const e of isDNS1123Label(name)) out.push({ path: [...path, 'name'], message: `invalid container name "${name}": ${e}` });
        const first = seenNames.get(name);
        if (first !== undefined)
          out.push({ path: [...path, 'name'], message: `duplicate container name "${name}": already used by ${first}; names must be unique across containers and initContainers` });
        else seenNames.set(name, `spec.${group}[${String(path[2])}]`);
      }
      const image = c['image'];
      if (typeof image !== 'string' || image.trim() === '')
        out.push({ path: image === undefined ? path : [...path, 'image'], message: 'required field "image" is missing: every container needs an image' });
      else if (image !== image.trim())
        out.push({ path: [...path, 'image'], message: `invalid image ${JSON.stringify(image)}: must not have leading or trailing whitespace` });
      out.push(...oneOf(c['imagePullPolicy'], PULL_POLICIES, [...path, 'imagePullPolicy'], 'imagePullPolicy'));

      const portNames = new Set<string>();
      asArray(c['ports']).forEach((p, i) => {
        const port = asRecord(p);
        if (!port) return;
        const pp = [...path, 'ports', i];
        const cp = port['containerPort'];
        if (typeof cp === 'number') for (const e of isValidPortNum(cp)) out.push({ path: [...pp, 'containerPort'], message: `invalid containerPort ${cp}: ${e}` });
        const hp = port['hostPort'];
        if (typeof hp === 'number' && hp !== 0) for (const e of isValidPortNum(hp)) out.push({ path: [...pp, 'hostPort'], message: `invalid hostPort ${hp}: ${e}` });
        out.push(...oneOf(port['protocol'], PROTOCOLS, [...pp, 'protocol'], 'protocol'));
        const pn = port['name'];
        if (typeof pn === 'string') {
          for (const e of isValidPortName(pn)) out.push({ path: [...pp, 'name'], message: `invalid port name "${pn}": ${e}` });
          if (portNames.has(pn)) out.push({ path: [...pp, 'name'], message: `duplicate port name "${pn}" in this container` });
          portNames.add(pn);
        }
      });

      const mountPaths = new Set<string>();
      asArray(c['volumeMounts']).forEach((m, i) => {
        const mount = asRecord(m);
        if (!mount) return;
        const mp = [...path, 'volumeMounts', i];
        const vn = mount['name'];
        if (typeof vn === 'string' && !volumeNames.has(vn))
          out.push({ path: [...mp, 'name'], message: `volume "${vn}" not found: add it to spec.volumes or fix the name` });
        if (vn === '') out.push(required([...mp, 'name']));
        const dest = mount['mountPath'];
        if (dest === '') out.push(required([...mp, 'mountPath']));
        if (typeof dest === 'string') {
          if (dest !== '' && !dest.startsWith('/'))
            out.push(kubeplayOnly([...mp, 'mountPath'], `mountPath "${dest}" must be an absolute path: Podman mounts only at absolute paths in the container`));
          if (mountPaths.has(dest)) out.push({ path: [...mp, 'mountPath'], message: `mountPath "${dest}" is used twice in this container` });
          mountPaths.add(dest);
        }
        const sub = mount['subPath'];
        if (typeof sub === 'string' && sub !== '') {
          if (sub.startsWith('/')) out.push({ path: [...mp, 'subPath'], message: `subPath "${sub}" must be a relative path` });
          if (sub.split('/').includes('..')) out.push({ path: [...mp, 'subPath'], message: `subPath "${sub}" must not contain '..'` });
        }
      });

    });
    return out;
  },
};
