/**
 * referenceIssues: the ConfigMaps, Secrets and keys a pod needs and that exist neither in the store
 * nor in the same input. The kubelet would leave such a pod waiting (CreateContainerConfigError,
 * or a volume that never mounts) with these very messages; kubeplay refuses it before any change,
 * located at the reference. An `optional` reference may be missing. Pure.
 */
import type { V1Container, V1KeyToPath } from '@kubernetes/client-node';
import type { Issue, JsonPath, PodManifest } from '../domain/types';
import type { PodSources } from '../translate/pod-sources';
import { formatFieldPath } from '../validate/field-path';

/** referenceIssues checks every pod's references against `sources`; see the module comment. */
export function referenceIssues(pods: readonly PodManifest[], sources: PodSources): Issue[] {
  const issues: Issue[] = [];
  for (const m of pods) {
    const ns = m.ref.namespace;
    const at = (path: JsonPath, message: string): void => {
      const pos = m.locate(path) ?? { line: 1, column: 1 };
      issues.push({ severity: 'error', rule: 'references', file: m.source, documentIndex: m.documentIndex, line: pos.line, column: pos.column, path: formatFieldPath(path), message });
    };
    const checkKeyed = (kind: 'ConfigMap' | 'Secret', name: string, items: readonly V1KeyToPath[] | undefined, optional: boolean | undefined, path: JsonPath, nameField = 'name'): void => {
      const o = sources(kind, ns, name);
      if (!o) {
        if (!optional) at([...path, nameField], `${kind.toLowerCase()} "${name}" not found`);
        return;
      }
      // A listed key that is missing fails the mount even when the object exists, unless optional.
      if (optional) return;
      (items ?? []).forEach((it, i) => {
        const has = o.data?.[it.key] !== undefined || o.binaryData?.[it.key] !== undefined;
        if (has) return;
        // The kubelet's words (pkg/volume/configmap and secret): the volume never mounts.
        at([...path, 'items', i, 'key'], kind === 'ConfigMap' ? `configmap references non-existent config key: ${it.key}` : `references non-existent secret key: ${it.key}`);
      });
    };
    const spec = m.object.spec;
    const lists: Array<[string, V1Container[] | undefined]> = [
      ['initContainers', spec?.initContainers],
      ['containers', spec?.containers],
    ];
    for (const [list, containers] of lists) {
      (containers ?? []).forEach((c, ci) => {
        const base: JsonPath = ['spec', list, ci];
        (c.envFrom ?? []).forEach((from, i) => {
          if (from.configMapRef && !from.configMapRef.optional && !sources('ConfigMap', ns, from.configMapRef.name ?? '')) {
            at([...base, 'envFrom', i, 'configMapRef', 'name'], `configmap "${from.configMapRef.name ?? ''}" not found`);
          }
          if (from.secretRef && !from.secretRef.optional && !sources('Secret', ns, from.secretRef.name ?? '')) {
            at([...base, 'envFrom', i, 'secretRef', 'name'], `secret "${from.secretRef.name ?? ''}" not found`);
          }
        });
        (c.env ?? []).forEach((v, i) => {
          const cm = v.valueFrom?.configMapKeyRef;
          const sec = v.valueFrom?.secretKeyRef;
          const path: JsonPath = [...base, 'env', i, 'valueFrom'];
          if (cm && !cm.optional) {
            const o = sources('ConfigMap', ns, cm.name ?? '');
            if (!o) at([...path, 'configMapKeyRef', 'name'], `configmap "${cm.name ?? ''}" not found`);
            else if (o.data?.[cm.key] === undefined) at([...path, 'configMapKeyRef', 'key'], `couldn't find key ${cm.key} in ConfigMap ${ns}/${cm.name ?? ''}`);
          }
          if (sec && !sec.optional) {
            const o = sources('Secret', ns, sec.name ?? '');
            if (!o) at([...path, 'secretKeyRef', 'name'], `secret "${sec.name ?? ''}" not found`);
            else if (o.data?.[sec.key] === undefined) at([...path, 'secretKeyRef', 'key'], `couldn't find key ${sec.key} in Secret ${ns}/${sec.name ?? ''}`);
          }
        });
      });
    }
    (spec?.volumes ?? []).forEach((v, vi) => {
      const base: JsonPath = ['spec', 'volumes', vi];
      if (v.configMap) checkKeyed('ConfigMap', v.configMap.name ?? '', v.configMap.items, v.configMap.optional, [...base, 'configMap']);
      if (v.secret) checkKeyed('Secret', v.secret.secretName ?? '', v.secret.items, v.secret.optional, [...base, 'secret'], 'secretName');
      (v.projected?.sources ?? []).forEach((s, si) => {
        const p: JsonPath = [...base, 'projected', 'sources', si];
        if (s.configMap) checkKeyed('ConfigMap', s.configMap.name ?? '', s.configMap.items, s.configMap.optional, [...p, 'configMap']);
        if (s.secret) checkKeyed('Secret', s.secret.name ?? '', s.secret.items, s.secret.optional, [...p, 'secret']);
      });
    });

  }
  return issues;
}
