/**
 * The patch metadata against upstream: every x-kubernetes-* extension of the v1.32 Pod schema
 * (fixtures/pod-v1.32-extensions.json, taken from yannh/kubernetes-json-schema's strict Pod schema,
 * /work/shared/reference/kubernetes/SOURCE.md) is what patch-meta.ts gives for the same path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extensionsByPath, patchMetaAt, schemaExtensionsFor, FIELD_META } from '../../../../src/serve/patch/patch-meta';

const upstream = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'pod-v1.32-extensions.json'), 'utf8')).extensions as Record<string, object>;

describe('patch metadata', () => {
  test('the Pod: every upstream extension, and nothing else but on fields newer than 1.32', () => {
    const ours = extensionsByPath('Pod');
    for (const [path, ext] of Object.entries(upstream)) expect({ path, ext: ours[path] }).toEqual({ path, ext });
    // Fields added after 1.32 (the schemas here are 1.34's): restartPolicyRules, fileKeyRef.
    const extra = Object.keys(ours).filter((p) => !(p in upstream));
    expect(extra.filter((p) => !/restartPolicyRules/.test(p))).toEqual([]);
  });

  test('a Deployment reaches the pod template, and its own fields', () => {
    expect(patchMetaAt('Deployment.apps', ['spec', 'template', 'spec', 'containers'])).toEqual({
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    });
    expect(patchMetaAt('Deployment.apps', ['spec', 'template', 'spec', 'containers', 'ports'])?.['x-kubernetes-list-map-keys']).toEqual(['containerPort', 'protocol']);
    expect(patchMetaAt('Deployment.apps', ['spec', 'strategy'])).toEqual({ 'x-kubernetes-patch-strategy': 'retainKeys' });
    expect(patchMetaAt('Deployment.apps', ['spec', 'selector'])).toEqual({ 'x-kubernetes-map-type': 'atomic' });
    expect(patchMetaAt('Deployment.apps', ['status', 'conditions'])?.['x-kubernetes-patch-merge-key']).toBe('type');
    expect(patchMetaAt('Deployment.apps', ['spec', 'replicas'])).toEqual({});
    expect(patchMetaAt('Deployment.apps', ['spec', 'nosuch'])).toEqual({});
    expect(patchMetaAt('Widget.example.com', ['spec'])).toBeUndefined();
  });

  test('the other kinds', () => {
    expect(patchMetaAt('Service', ['spec', 'ports'])?.['x-kubernetes-list-map-keys']).toEqual(['port', 'protocol']);
    expect(patchMetaAt('Service', ['spec', 'selector'])).toEqual({ 'x-kubernetes-map-type': 'atomic' });
    expect(patchMetaAt('Job.batch', ['status', 'conditions'])?.['x-kubernetes-list-type']).toBe('atomic');
    expect(patchMetaAt('EndpointSlice.discovery.k8s.io', ['endpoints', 'addresses'])).toEqual({ 'x-kubernetes-list-type': 'set' });
    expect(patchMetaAt('Endpoints', ['subsets'])).toEqual({ 'x-kubernetes-list-type': 'atomic' });
    expect(patchMetaAt('StatefulSet.apps', ['spec', 'volumeClaimTemplates'])).toEqual({ 'x-kubernetes-list-type': 'atomic' });
    expect(patchMetaAt('Event', ['involvedObject'])).toEqual({ 'x-kubernetes-map-type': 'atomic' });
    expect(patchMetaAt('ControllerRevision.apps', ['metadata', 'ownerReferences'])?.['x-kubernetes-patch-merge-key']).toBe('uid');
    expect(patchMetaAt('Namespace', ['spec', 'finalizers'])).toEqual({ 'x-kubernetes-list-type': 'atomic' });
  });

  test('every FIELD_META key names a field of the generated schemas', () => {
    const { TYPE_GRAPH } = require('../../../../src/serve/patch/type-graph') as typeof import('../../../../src/serve/patch/type-graph');
    const names = new Set(Object.entries(TYPE_GRAPH).flatMap(([def, fields]) => Object.keys(fields).map((f) => `${def.replace(/^(?:CoreV1|DiscoveryV1|V1)(?=[A-Z])/, '')}.${f}`)));
    expect(Object.keys(FIELD_META).filter((k) => !names.has(k))).toEqual([]);
  });

  test('schemaExtensionsFor: a field, a definition, a root property', () => {
    expect(schemaExtensionsFor('Pod', '/definitions/V1PodSpec/properties/volumes')['x-kubernetes-patch-strategy']).toBe('merge,retainKeys');
    expect(schemaExtensionsFor('Pod', '/definitions/V1OwnerReference')).toEqual({ 'x-kubernetes-map-type': 'atomic' });
    expect(schemaExtensionsFor('Endpoints', '/properties/subsets')).toEqual({ 'x-kubernetes-list-type': 'atomic' });
    expect(schemaExtensionsFor('Pod', '/definitions/V1PodSpec/properties/hostname')).toEqual({});
  });

  test('type-graph.ts is what scripts/gen-patch-types.mjs makes of schemas/', () => {
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    expect(() => execFileSync('node', [join(__dirname, '..', '..', '..', '..', 'scripts', 'gen-patch-types.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
