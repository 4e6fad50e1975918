/**
 * The OpenAPI documents on plain data: v3's index and group-version documents (every served kind's
 * schema with its GVK extension, the API server's definition names, no dangling reference, the
 * `fieldValidation` parameter kubectl looks for on every PATCH), and v2's protobuf encoding, read
 * back with a small wire-format reader written here (the field numbers are gnostic's
 * openapiv2/OpenAPIv2.proto). Real kubectl reading them is test/unit/serve/kubectl-discovery.test.ts.
 */
import { createHash } from 'node:crypto';
import { OpenApi } from '../../../src/serve/openapi';
import { definitionNames, parseClass } from '../../../src/serve/openapi/names';
import { kindSchema } from '../../../src/serve/openapi/source';
import { OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_CONTENT_TYPE } from '../../../src/serve/openapi/v2';
import { servedResources, type DocumentResponse } from '../../../src/serve/discovery';
import { KINDS } from '../../../src/kinds/registry';

const openapi = new OpenApi();

function get(path: string, accept = 'application/json', ifNoneMatch?: string): DocumentResponse {
  const r = openapi.respond({ path, accept, ifNoneMatch });
  if (!r) throw new Error(`no answer for ${path}`);
  return r;
}

type Json = Record<string, unknown>;
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json> };
}

const index = JSON.parse(get('/openapi/v3').body.toString()) as { paths: Record<string, { serverRelativeURL: string }> };
const docs = new Map<string, { raw: DocumentResponse; doc: Doc }>();
for (const [p, e] of Object.entries(index.paths)) {
  const raw = get(e.serverRelativeURL);
  docs.set(p, { raw, doc: JSON.parse(raw.body.toString()) as Doc });
}
const doc = (p: string): Doc => docs.get(p)!.doc;

function walk(v: unknown, visit: (o: Json, path: string) => void, path = ''): void {
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, visit, `${path}/${i}`));
  else if (v !== null && typeof v === 'object') {
    visit(v as Json, path);
    for (const [k, x] of Object.entries(v as Json)) walk(x, visit, `${path}/${k}`);
  }
}

describe('OpenAPI v3', () => {
  test('the index lists each group version, its URL carrying the document\'s hash', () => {
    expect(Object.keys(index.paths)).toEqual(['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/networking.k8s.io/v1', 'apis/discovery.k8s.io/v1']);
    for (const [p, { raw }] of docs) {
      const hash = createHash('sha512').update(raw.body).digest('hex').toUpperCase();
      expect(index.paths[p]!.serverRelativeURL).toBe(`/openapi/v3/${p}?hash=${hash}`);
      expect(raw.etag).toBe(`"${hash}"`);
      expect(raw.contentType).toBe('application/json');
    }
  });

  test.each(servedResources().map((r) => [`${r.info.apiVersion} ${r.info.kind}`, r.info] as const))('%s has a schema with its GVK', (_n, info) => {
    const d = doc(info.group === '' ? 'api/v1' : `apis/${info.apiVersion}`);
    const found = Object.entries(d.components.schemas).filter(([, s]) =>
      ((s['x-kubernetes-group-version-kind'] ?? []) as Json[]).some((g) => g['group'] === info.group && g['version'] === info.version && g['kind'] === info.kind),
    );
    expect(found.map(([n]) => n)).toEqual([`io.k8s.api.${info.group === '' ? 'core' : info.group.split('.')[0]}.${info.version}.${info.kind}`]);
    expect(d.components.schemas[`${found[0]![0]}List`]).toBeDefined();
    const props = found[0]![1]['properties'] as Json;
    expect(props['metadata']).toMatchObject({ allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }] });
  });

  test('every reference resolves inside its document; no JSON Schema leftovers', () => {
    for (const [p, { doc: d }] of docs) {
      const problems: string[] = [];
      walk(d, (o, path) => {
        const ref = o['$ref'];
        if (typeof ref === 'string') {
          if (!ref.startsWith('#/components/schemas/')) problems.push(`${path}: ${ref}`);
          else if (d.components.schemas[ref.slice('#/components/schemas/'.length)] === undefined) problems.push(`${path}: dangling ${ref}`);
        }
        if (Array.isArray(o['type'])) problems.push(`${path}: type list`);
        if (o['additionalProperties'] === false) problems.push(`${path}: additionalProperties false`);
        if ('const' in o || '$schema' in o) problems.push(`${path}: JSON Schema keyword`);
      });
      expect([p, problems]).toEqual([p, []]);
    }
  });

  test('definitions carry the API server\'s names', () => {
    const apps = doc('apis/apps/v1').components.schemas;
    for (const n of ['io.k8s.api.apps.v1.DeploymentSpec', 'io.k8s.api.core.v1.PodTemplateSpec', 'io.k8s.api.core.v1.PodSpec', 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector', 'io.k8s.api.autoscaling.v1.Scale']) {
      expect(apps[n]).toBeDefined();
    }
    // A StatefulSet's claim template is a core PersistentVolumeClaim (the root of another kind).
    expect((apps['io.k8s.api.apps.v1.StatefulSetSpec']!['properties'] as Json)['volumeClaimTemplates']).toMatchObject({ items: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PersistentVolumeClaim' }] } });
    expect(doc('apis/discovery.k8s.io/v1').components.schemas['io.k8s.api.discovery.v1.EndpointPort']).toBeDefined();
    expect(doc('api/v1').components.schemas['io.k8s.api.core.v1.EndpointPort']).toBeDefined();
    expect(doc('apis/batch/v1').components.schemas['io.k8s.api.batch.v1.JobSpec']).toBeDefined();
    expect(parseClass('CoreV1EndpointPort')).toEqual({ prefix: 'core', version: 'v1', type: 'EndpointPort' });
    expect(parseClass('V1beta1CronJob')).toEqual({ version: 'v1beta1', type: 'CronJob' });
    const names = definitionNames([
      { info: { group: '', version: 'v1', kind: 'Pod' }, rootClass: 'V1Pod', classes: ['V1ObjectMeta', 'V1PodSpec'] },
      { info: { group: 'example.com', version: 'v1', kind: 'Widget' }, rootClass: 'V1Widget', classes: ['V1ObjectMeta', 'V1WidgetSpec', 'V1PodSpec'] },
    ]);
    expect(Object.fromEntries(names)).toEqual({
      V1Pod: 'io.k8s.api.core.v1.Pod',
      V1Widget: 'io.k8s.api.example.v1.Widget',
      V1ObjectMeta: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      V1PodSpec: 'io.k8s.api.core.v1.PodSpec',
      V1WidgetSpec: 'io.k8s.api.example.v1.WidgetSpec',
    });
  });

  test('the generated schemas\' descriptions, types and patch extensions are carried', () => {
    const core = doc('api/v1').components.schemas;
    const pod = core['io.k8s.api.core.v1.Pod']!;
    expect(pod['description']).toBe(kindSchema({ apiVersion: 'v1', kind: 'Pod' })!.description);
    const spec = core['io.k8s.api.core.v1.PodSpec']!['properties'] as Record<string, Json>;
    expect(spec['containers']).toMatchObject({
      type: 'array',
      items: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }] },
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    expect(spec['containers']!['description']).toMatch(/^List of containers belonging to the pod/);
    const port = (core['io.k8s.api.core.v1.ContainerPort']!['properties'] as Record<string, Json>)['containerPort'];
    expect(port).toMatchObject({ type: 'integer', format: 'int32' });
    const probe = (core['io.k8s.api.core.v1.HTTPGetAction']!['properties'] as Record<string, Json>)['port'];
    expect(probe).toMatchObject({ allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }] });
    const limits = (core['io.k8s.api.core.v1.ResourceRequirements']!['properties'] as Record<string, Json>)['limits'];
    expect(limits).toMatchObject({ type: 'object', additionalProperties: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' } });
    // kubeplay's strictness is not the API's: apiVersion and kind are not required at the top.
    expect(pod['required']).toBeUndefined();
  });

  test('every PATCH (and POST, PUT) of a kind lists fieldValidation inline, so kubectl validates on the server', () => {
    for (const r of servedResources()) {
      const d = doc(r.info.group === '' ? 'api/v1' : `apis/${r.info.apiVersion}`);
      let patches = 0;
      for (const [path, item] of Object.entries(d.paths)) {
        for (const method of ['patch', 'post', 'put']) {
          const op = item[method];
          if (!op) continue;
          const gvk = op['x-kubernetes-group-version-kind'] as Json;
          if (gvk['kind'] !== r.info.kind || gvk['group'] !== r.info.group) continue;
          if (method === 'patch') patches++;
          const names = ((op['parameters'] ?? []) as Json[]).map((p) => `${String(p['in'])}:${String(p['name'])}`);
          expect([path, method, names.includes('query:fieldValidation')]).toEqual([path, method, true]);
        }
      }
      // Events and ControllerRevisions are read-only (kubeplay's controllers write them): no PATCH to list.
      expect([r.info.kind, patches > 0]).toEqual([r.info.kind, r.verbs.includes('patch')]);
    }
    const podPath = doc('api/v1').paths['/api/v1/namespaces/{namespace}/pods/{name}']!;
    expect(Object.keys(podPath).sort()).toEqual(['delete', 'get', 'parameters', 'patch', 'put']);
    expect(podPath['patch']!['operationId']).toBe('patchCoreV1NamespacedPod');
    expect(doc('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']!['put']!['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(doc('api/v1').paths['/api/v1/namespaces']!['delete']).toBeUndefined();
    expect(doc('api/v1').paths['/api/v1/pods']!['get']!['operationId']).toBe('listCoreV1PodForAllNamespaces');
  });

  test('404 for a group version not served, 406 for protobuf only, 304 for a known ETag', () => {
    expect(get('/openapi/v3/apis/apps/v2').status).toBe(404);
    expect(get('/openapi/v3/api/v1', 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf').status).toBe(406);
    const { raw } = docs.get('api/v1')!;
    expect(get('/openapi/v3/api/v1', 'application/json', raw.etag)).toMatchObject({ status: 304, body: '' });
    expect(openapi.respond({ path: '/api/v1' })).toBeUndefined();
  });
});

// --- OpenAPI v2: protobuf read back --------------------------------------------------------------

/** Fields is one protobuf message: field number -> its values (varints as numbers, length-delimited as Buffers). */
type Fields = Map<number, Array<number | Buffer>>;

function readVarint(b: Buffer, at: number): [number, number] {
  let n = 0;
  let mul = 1;
  let i = at;
  for (;;) {
    const byte = b[i++]!;
    n += (byte & 127) * mul;
    if (byte < 128) return [n, i];
    mul *= 128;
  }
}

function decode(b: Buffer): Fields {
  const out: Fields = new Map();
  let i = 0;
  while (i < b.length) {
    const [key, next] = readVarint(b, i);
    i = next;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let value: number | Buffer;
    if (wire === 0) [value, i] = readVarint(b, i);
    else if (wire === 1) {
      value = b.readDoubleLE(i);
      i += 8;
    } else if (wire === 2) {
      const [len, start] = readVarint(b, i);
      value = b.subarray(start, start + len);
      i = start + len;
    } else throw new Error(`wire type ${wire} at ${i}`);
    if (!out.has(field)) out.set(field, []);
    out.get(field)!.push(value);
  }
  return out;
}

const str = (f: Fields, n: number): string | undefined => (f.get(n)?.[0] as Buffer | undefined)?.toString('utf8');
const msg = (f: Fields, n: number): Fields | undefined => {
  const v = f.get(n)?.[0];
  return v === undefined ? undefined : decode(v as Buffer);
};
const msgs = (f: Fields, n: number): Fields[] => (f.get(n) ?? []).map((v) => decode(v as Buffer));
/** named reads a repeated Named* message (name = 1, value = 2) as a map. */
const named = (f: Fields | undefined, n: number): Map<string, Fields> => new Map((f ? msgs(f, n) : []).map((e) => [str(e, 1)!, msg(e, 2) ?? new Map()]));
/** extensions reads a repeated NamedAny (vendor extensions) as name -> the YAML text of Any (field 2). */
const extensions = (f: Fields, n: number): Record<string, string> => Object.fromEntries([...named(f, n)].map(([k, any]) => [k, str(any, 2) ?? '']));

describe('OpenAPI v2', () => {
  const pb = get('/openapi/v2?timeout=32s', OPENAPI_V2_PROTOBUF);
  const json = JSON.parse(get('/openapi/v2', 'application/json').body.toString()) as { swagger: string; paths: Json; definitions: Record<string, Json> };
  const d = decode(pb.body as Buffer);

  test('answered as protobuf with the Content-Type Go\'s mime parser accepts; JSON when asked', () => {
    expect(pb.contentType).toBe(OPENAPI_V2_PROTOBUF_CONTENT_TYPE);
    expect(Buffer.isBuffer(pb.body)).toBe(true);
    expect(json.swagger).toBe('2.0');
    expect(get('/openapi/v2', 'application/vnd.kubernetes.protobuf').status).toBe(406);
    expect(get('/openapi/v2', OPENAPI_V2_PROTOBUF, pb.etag)).toMatchObject({ status: 304, body: '' });
  });

  test('the Document holds every path and definition of the JSON form', () => {
    expect(str(d, 1)).toBe('2.0');
    expect(str(msg(d, 2)!, 1)).toBe('Kubernetes');
    const paths = named(msg(d, 8), 2);
    const defs = named(msg(d, 9), 1);
    expect([...paths.keys()]).toEqual(Object.keys(json.paths));
    expect([...defs.keys()]).toEqual(Object.keys(json.definitions));
    for (const k of KINDS) expect(defs.has(`io.k8s.api.${k.info.group === '' ? 'core' : k.info.group.split('.')[0]}.${k.info.version}.${k.info.kind}`)).toBe(true);
  });

  test('a Pod\'s schema: its GVK extension, a plain $ref to PodSpec, containers\' merge key', () => {
    const defs = named(msg(d, 9), 1);
    const pod = defs.get('io.k8s.api.core.v1.Pod')!;
    expect(JSON.parse(extensions(pod, 31)['x-kubernetes-group-version-kind']!)).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
    const props = named(msg(pod, 25), 1);
    expect(str(props.get('spec')!, 1)).toBe('#/definitions/io.k8s.api.core.v1.PodSpec');
    const containers = named(msg(defs.get('io.k8s.api.core.v1.PodSpec')!, 25), 1).get('containers')!;
    expect(msg(containers, 22)!.get(1)!.map(String)).toEqual(['array']);
    expect(str(msg(msg(containers, 23)!, 1)!, 1)).toBe('#/definitions/io.k8s.api.core.v1.Container');
    expect(extensions(containers, 31)).toMatchObject({ 'x-kubernetes-patch-merge-key': '"name"\n', 'x-kubernetes-patch-strategy': '"merge"\n' });
  });

  test('the Pod\'s PATCH lists fieldValidation as a query parameter (the v2 verifier\'s reading)', () => {
    const item = named(msg(d, 8), 2).get('/api/v1/namespaces/{namespace}/pods/{name}')!;
    const patch = msg(item, 8)!;
    expect(JSON.parse(extensions(patch, 13)['x-kubernetes-group-version-kind']!)).toEqual({ group: '', version: 'v1', kind: 'Pod' });
    const queryNames = msgs(patch, 8)
      .map((pi) => msg(pi, 1))
      .map((p) => (p ? msg(p, 2) : undefined))
      .map((nb) => (nb ? msg(nb, 3) : undefined))
      .flatMap((q) => (q ? [str(q, 4)] : []));
    expect(queryNames).toEqual(['dryRun', 'fieldManager', 'fieldValidation', 'force']);
    const body = msg(msg(msgs(patch, 8)[0]!, 1)!, 1)!;
    expect([str(body, 2), str(body, 3)]).toEqual(['body', 'body']);
  });
});
