/**
 * Real `kubectl apply --server-side` (every kubectl found here) against a test-only server whose
 * PATCH application/apply-patch+yaml runs serverSideApply: the create, a conflict with another
 * manager's Update as kubectl prints it, and --force-conflicts taking the field.
 */
import { parse } from 'yaml';
import { serverSideApply, updateManagedFields } from '../../../../src/serve/patch/server-side-apply';
import { applyJsonPatch } from '../../../../src/serve/patch/json-patch';
import { PatchError } from '../../../../src/domain/errors';
import type { JsonObject } from '../../../../src/serve/patch/go-format';
import { KUBECTLS, notFound, startFakeApiServer } from './support/fake-apiserver';

const CONFIG = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1
        ports: [{containerPort: 80}]
`;

function status(e: PatchError): unknown {
  const details = e.causes.length > 0 ? { details: { causes: e.causes } } : {};
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: e.reason, ...details, code: e.code };
}

describe('kubectl apply --server-side through serverSideApply', () => {
  // kubectl is on every machine these tests run on (README): without it this fails, never skips.
  if (KUBECTLS.length === 0) test('kubectl is installed', () => expect(KUBECTLS).not.toEqual([]));
  test.each(KUBECTLS)('real %s: create, conflict, --force-conflicts', async (kubectl) => {
    let stored: JsonObject | undefined;
    const requests: string[] = [];
    const server = await startFakeApiServer((req, body, send) => {
      requests.push(`${req.method} ${req.url} ${req.headers['content-type'] ?? ''}`);
      if (req.method === 'GET') return stored ? send(200, stored) : send(404, notFound);
      if (req.method === 'PATCH' && req.headers['content-type'] === 'application/apply-patch+yaml') {
        const q = new URL(req.url ?? '', 'http://x').searchParams;
        const r = serverSideApply({ live: stored, applied: parse(body) as JsonObject, manager: q.get('fieldManager') ?? '', force: q.get('force') === 'true', kind: 'Deployment.apps', now: new Date() });
        if ('conflicts' in r) return send(409, status(r.error));
        const created = stored === undefined;
        stored = r.object;
        return send(created ? 201 : 200, stored);
      }
      send(405, { kind: 'Status', code: 405 });
    });
    try {
      const file = server.writeFile('d.yaml', CONFIG);
      const first = await server.kubectl(kubectl, ['apply', '--validate=false', '--server-side', '-f', file]);
      expect(first).toMatchObject({ stderr: '', code: 0, stdout: 'deployment.apps/web serverside-applied\n' });
      expect(requests.some((r) => r.startsWith('PATCH /apis/apps/v1/namespaces/default/deployments/web?fieldManager=kubectl') && r.endsWith('application/apply-patch+yaml'))).toBe(true);

      // Another manager scales it (an Update, as kubectl scale or edit would record).
      const scaled = structuredClone(stored!) as { spec: { replicas: number }; metadata: Record<string, unknown> };
      scaled.spec.replicas = 5;
      scaled.metadata['managedFields'] = updateManagedFields({ old: stored, new: scaled as unknown as JsonObject, manager: 'kubectl-edit', kind: 'Deployment.apps', now: new Date() });
      stored = scaled as unknown as JsonObject;

      const conflict = await server.kubectl(kubectl, ['apply', '--validate=false', '--server-side', '-f', file]);
      expect(conflict.code).toBe(1);
      expect(conflict.stderr.split('\n')[0]).toBe('error: Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas');
      expect(conflict.stderr).toContain('Please review the fields above--they currently have other managers.');

      const forced = await server.kubectl(kubectl, ['apply', '--validate=false', '--server-side', '--force-conflicts', '-f', file]);
      expect(forced).toMatchObject({ code: 0, stdout: 'deployment.apps/web serverside-applied\n' });
      expect((stored as unknown as { spec: { replicas: number } }).spec.replicas).toBe(2);
    } finally {
      server.close();
    }
  }, 60_000);

  test.each(KUBECTLS)('real %s: client-side apply, then --server-side changing replicas (the documented upgrade)', async (kubectl) => {
    let stored: JsonObject | undefined;
    let version = 0;
    const migrations: unknown[] = [];
    const keep = (obj: JsonObject): JsonObject => {
      (obj['metadata'] as JsonObject)['resourceVersion'] = String(++version);
      return (stored = obj);
    };
    const server = await startFakeApiServer((req, body, send) => {
      const q = new URL(req.url ?? '', 'http://x').searchParams;
      if (req.method === 'GET') return stored ? send(200, stored) : send(404, notFound);
      if (req.method === 'POST') {
        const obj = JSON.parse(body) as JsonObject;
        (obj['metadata'] as JsonObject)['managedFields'] = updateManagedFields({ old: undefined, new: obj, manager: q.get('fieldManager') ?? '', kind: 'Deployment.apps', now: new Date() }) as never;
        return send(201, keep(obj));
      }
      if (req.method === 'PATCH' && req.headers['content-type'] === 'application/apply-patch+yaml') {
        const r = serverSideApply({ live: stored, applied: parse(body) as JsonObject, manager: q.get('fieldManager') ?? '', force: q.get('force') === 'true', kind: 'Deployment.apps', now: new Date() });
        if ('conflicts' in r) return send(409, status(r.error));
        return send(200, keep(r.object));
      }
      if (req.method === 'PATCH' && req.headers['content-type'] === 'application/json-patch+json') {
        // kubectl's managed-fields migration (csaupgrade): a JSON patch guarded by a test of resourceVersion.
        migrations.push(JSON.parse(body));
        try {
          return send(200, keep(applyJsonPatch(stored!, JSON.parse(body)) as JsonObject));
        } catch (e) {
          return e instanceof PatchError ? send(e.code, status(e)) : send(500, { kind: 'Status', code: 500, message: String(e) });
        }
      }
      send(405, { kind: 'Status', code: 405 });
    });
    try {
      const first = await server.kubectl(kubectl, ['apply', '--validate=false', '-f', server.writeFile('d.yaml', CONFIG)]);
      expect(first).toMatchObject({ code: 0, stdout: 'deployment.apps/web created\n' });
      const changed = await server.kubectl(kubectl, ['apply', '--validate=false', '--server-side', '-f', server.writeFile('d2.yaml', CONFIG.replace('replicas: 2', 'replicas: 4'))]);
      expect(changed).toMatchObject({ stderr: '', code: 0, stdout: 'deployment.apps/web serverside-applied\n' });
      const obj = stored as unknown as { spec: { replicas: number }; metadata: { annotations: Record<string, string>; managedFields: Array<{ manager: string; operation: string }> } };
      expect(obj.spec.replicas).toBe(4);
      expect(JSON.parse(obj.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']!).spec.replicas).toBe(4);
      // kubectl then moves the client-side entry into its Apply entry (csaupgrade) with a JSON patch
      // (replace managedFields, replace resourceVersion), which applyJsonPatch carries out.
      expect(migrations).toHaveLength(1);
      expect(JSON.stringify(migrations[0])).toContain('{"op":"replace","path":"/metadata/managedFields","value":[');
      expect(obj.metadata.managedFields.map((e) => `${e.manager}/${e.operation}`)).toEqual(['kubectl-last-applied/Apply', 'kubectl/Apply']);
    } finally {
      server.close();
    }
  }, 60_000);
});
