/**
 * containers: names, images, policies, ports and mounts of every container and init container, as
 * the API server checks them on a Pod's create in 1.32, in its words (kubernetes/kubernetes
 * pkg/apis/core/validation/validation.go: validateContainers, validateInitContainers,
 * validateContainerCommon, validateContainerOnlyForPod, validateContainerPorts, validatePullPolicy,
 * ValidateVolumeMounts, validateRestartPolicy). NotSupported lists follow the upstream order:
 * sets.List sorts them, literal slices keep their order.
 */
import type { JsonPath } from '../../domain/types';
import type { DocumentRule, Finding } from './rule';
import { asArray, asRecord, eachContainer } from './rule';
import { isDNS1123Label, isValidPortName, isValidPortNum } from './k8s-names';
import { duplicate, invalid, kubeplayOnly, notFound, notSupported, required } from './field-errors';
import { checkVolumes } from './volumes';

/** supportedPullPolicies, sorted (sets.List). */
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
/** supportedPortProtocols, sorted (sets.List). */
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
/** validateRestartPolicy's validValues, in their literal order. */
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];

/** oneOf is the `switch { case valid...: case "": Required; default: NotSupported }` pattern. */
function oneOf(v: unknown, allowed: readonly string[], path: JsonPath): Finding[] {
  if (v === undefined || v === null) return [];
  if (v === '') return [required(path)];
  return typeof v === 'string' && allowed.includes(v) ? [] : [notSupported(path, v, allowed)];
}

/** containersRule checks each container on its own and names across the pod. */
export const containersRule: DocumentRule = {
  name: 'containers',
  check(pod) {
    const out: Finding[] = [];
    const spec = asRecord(pod['spec']);
    if (!spec) return [required(['spec'])];
    if (asArray(spec['containers']).length === 0) out.push(required(['spec', 'containers']));
    out.push(...oneOf(spec['restartPolicy'], RESTART_POLICIES, ['spec', 'restartPolicy']));

    // As ValidateVolumeMounts, a mount may name only a volume that passed validation.
    const volumeNames = checkVolumes(pod).valid;
    // Regular containers first: an init container reusing one of their names is the duplicate, as
    // validateInitContainers seeds its set with the regular names.
    const regular = new Set<string>();
    const init = new Set<string>();
    for (const c of asArray(spec['containers'])) {
      const n = asRecord(c)?.['name'];
      if (typeof n === 'string') regular.add(n);
    }
    const seenRegular = new Set<string>();
    eachContainer(pod, (c, path, group) => {
      const name = c['name'];
      // A missing name is the schema's finding (name is a required field); an empty one is here.
      if (name === '') out.push(required([...path, 'name']));
      else if (typeof name === 'string') {
        for (const e of isDNS1123Label(name)) out.push(invalid([...path, 'name'], name, e));
        if (group === 'containers') {
          if (seenRegular.has(name)) out.push(duplicate([...path, 'name'], name));
          seenRegular.add(name);
        } else {
          if (regular.has(name) || init.has(name)) out.push(duplicate([...path, 'name'], name));
          init.add(name);
        }
      }
      const image = c['image'];
      if (image === undefined || image === null || image === '') out.push(required([...path, 'image']));
      else if (typeof image === 'string' && image !== image.trim())
        out.push(invalid([...path, 'image'], image, 'must not have leading or trailing whitespace'));
      out.push(...oneOf(c['imagePullPolicy'], PULL_POLICIES, [...path, 'imagePullPolicy']));

      const portNames = new Set<string>();
      asArray(c['ports']).forEach((p, i) => {
        const port = asRecord(p);
        if (!port) return;
        const pp = [...path, 'ports', i];
        const pn = port['name'];
        if (typeof pn === 'string' && pn !== '') {
          const errs = isValidPortName(pn);
          for (const e of errs) out.push(invalid([...pp, 'name'], pn, e));
          if (errs.length === 0) {
            if (portNames.has(pn)) out.push(duplicate([...pp, 'name'], pn));
            portNames.add(pn);
          }
        }
        const cp = port['containerPort'];
        if (cp === 0) out.push(required([...pp, 'containerPort']));
        else if (typeof cp === 'number') for (const e of isValidPortNum(cp)) out.push(invalid([...pp, 'containerPort'], cp, e));
        const hp = port['hostPort'];
        if (typeof hp === 'number' && hp !== 0) for (const e of isValidPortNum(hp)) out.push(invalid([...pp, 'hostPort'], hp, e));
        out.push(...oneOf(port['protocol'], PROTOCOLS, [...pp, 'protocol']));
      });

      const mountPaths = new Set<string>();
      asArray(c['volumeMounts']).forEach((m, i) => {
        const mount = asRecord(m);
        if (!mount) return;
        const mp = [...path, 'volumeMounts', i];
        const vn = typeof mount['name'] === 'string' ? mount['name'] : '';
        if (vn === '') out.push(required([...mp, 'name']));
        if (!volumeNames.has(vn)) out.push(notFound([...mp, 'name'], vn));
        const dest = typeof mount['mountPath'] === 'string' ? mount['mountPath'] : '';
        if (dest === '') out.push(required([...mp, 'mountPath']));
        else if (!dest.startsWith('/'))
          out.push(kubeplayOnly([...mp, 'mountPath'], `mountPath ${JSON.stringify(dest)} must be an absolute path: Podman mounts only at absolute paths in the container`));
        if (mountPaths.has(dest)) out.push(invalid([...mp, 'mountPath'], dest, 'must be unique'));
        mountPaths.add(dest);
        // validateLocalDescendingPath; upstream reports it at volumeMounts.subPath without the index,
        // kubeplay keeps the index so the line and column point at the mount.
        const sub = mount['subPath'];
        if (typeof sub === 'string' && sub !== '') {
          if (sub.startsWith('/')) out.push(invalid([...mp, 'subPath'], sub, 'must be a relative path'));
          if (sub.split('/').includes('..')) out.push(invalid([...mp, 'subPath'], sub, "must not contain '..'"));
        }
      });
    });
    return out;
  },
};
