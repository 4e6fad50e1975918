/**
 * A probe whose named port the container lacks crashed kubeplay (exit 2) before this rule: it is
 * now refused, located, and said to be kubeplay's rule (the API server accepts it).
 */
import { loadAndValidate } from '../../../src/commands/apply';
import { ManifestError } from '../../../src/domain/errors';
import { parseDocuments } from '../../../src/load';
import { validateManifests } from '../../../src/validate';
import { probeNamedPortsRule } from '../../../src/validate/rules/probe-named-ports';
import type { LoadedDocument } from '../../../src/domain/types';

const doc = {} as LoadedDocument;
const pod = (container: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i', ...container }] } });

test('a named port the container declares is fine, in probes and lifecycle hooks', () => {
  const c = {
    ports: [{ name: 'http', containerPort: 80 }],
    livenessProbe: { httpGet: { port: 'http' } },
    readinessProbe: { tcpSocket: { port: 'http' } },
    lifecycle: { preStop: { httpGet: { port: 'http' } } },
  };
  expect(probeNamedPortsRule.check(pod(c), doc)).toEqual([]);
});

test('numbers and numeric strings are left to the API server rules', () => {
  expect(probeNamedPortsRule.check(pod({ livenessProbe: { httpGet: { port: 8080 } }, startupProbe: { tcpSocket: { port: '8080' } } }), doc)).toEqual([]);
});

test('an unknown name is refused at its port, naming the ports there are, as kubeplay\'s rule', () => {
  const found = probeNamedPortsRule.check(
    pod({ ports: [{ name: 'web', containerPort: 80 }], livenessProbe: { httpGet: { port: 'http' } }, lifecycle: { postStart: { tcpSocket: { port: 'admin' } } } }),
    doc,
  );
  expect(found.map((f) => f.path.join('.'))).toEqual(['spec.containers.0.livenessProbe.httpGet.port', 'spec.containers.0.lifecycle.postStart.tcpSocket.port']);
  expect(found[0]!.message).toBe(
    'named port "http" is not a port of this container (its named ports: "web"): the kubelet would fail this handler every time and kubeplay cannot run it; name one of the container\'s ports or give a number (kubeplay\'s rule, not the API server\'s)',
  );
});

test('the file that crashed kubeplay is now refused with a located issue, not an exception', async () => {
  const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: localhost/busybox:stable\n    livenessProbe:\n      httpGet:\n        port: http\n';
  const { documents } = parseDocuments({ name: 'probe.yaml', bytes: Buffer.from(text) });
  const result = validateManifests(documents);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.issues.map((i) => `${i.line}:${i.column}: ${i.path}`)).toEqual(['11:9: spec.containers[0].livenessProbe.httpGet.port']);
  await expect(loadAndValidate(['test/fixtures/invalid/probe-unknown-named-port.yaml'], false, 'strict', async () => Buffer.alloc(0))).rejects.toBeInstanceOf(ManifestError);
});
