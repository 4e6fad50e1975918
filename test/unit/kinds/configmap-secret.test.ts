// The ConfigMap and Secret kinds on plain data: validation against upstream's tables
// (TestValidateConfigMap, TestValidateSecret and apimachinery's IsConfigMapKey cases, written out
// here), Go's base64 and JSON wording, the stored forms, the tables, describe layouts (compared
// with kubectl 1.32's real output for the same objects), update rules, the apply conflicts, prune
// candidates and the object-delete planner.
import type { LoadedDocument, ValidManifest } from '../../../src/domain/types';
import type { StoredObject } from '../../../src/domain/objects';
import { validateManifests } from '../../../src/validate';
import { catalog } from '../../../src/kinds/registry';
import { decodeGoBase64 } from '../../../src/domain/go-base64';
import { goJsonObjectError } from '../../../src/domain/go-json';
import { CONFIGMAP_TABLE, configMapObject, configMapUpdateProblems } from '../../../src/kinds/configmap';
import { describeConfigMap } from '../../../src/kinds/configmap/describe';
import { SECRET_TABLE, secretObject, secretUpdateProblems } from '../../../src/kinds/secret';
import { describeSecret } from '../../../src/kinds/secret/describe';
import { objectUpdateConflicts, planObjectPrunes } from '../../../src/plan/plan-objects';
import { planObjectDeletes } from '../../../src/plan/plan-object-deletes';
import { desiredObjectsOf, pruneKinds } from '../../../src/commands/apply';
import { formatObjects, type PrintOptions } from '../../../src/print/get/format';
import { LABEL_LAST_APPLIED } from '../../../src/domain/labels';

const doc = (value: Record<string, unknown>, i = 0): LoadedDocument => ({ source: 'x.yaml', documentIndex: i, basePath: [], value, locate: () => ({ line: 1, column: 1 }) });
const cm = (extra: Record<string, unknown>, name = 'valid-name') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'validns' }, ...extra });
const secret = (extra: Record<string, unknown>, name = 'foo') => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'bar' }, ...extra });
const messages = (values: Record<string, unknown>[]) => {
  const r = validateManifests(values.map((v, i) => doc(v, i)), 'strict', 'privileged', catalog());
  return r.ok ? [] : r.issues.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`);
};
const valid = (v: Record<string, unknown>): ValidManifest => {
  const r = validateManifests([doc(v)], 'strict', 'privileged', catalog());
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.manifests[0]!;
};
const b64 = (s: string) => Buffer.from(s).toString('base64');
const stored = (o: Record<string, unknown>): StoredObject =>
  ({ ...o, metadata: { ...(o['metadata'] as object), uid: 'u', resourceVersion: '1', generation: 1, creationTimestamp: '2024-05-01T10:00:00Z' } }) as StoredObject;

const KEY_REGEX_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

describe('ConfigMap validation (upstream TestValidateConfigMap)', () => {
  test.each([
    ['a valid config map', cm({ data: { key: 'value', 'key.with.dots': 'value', '.dotted': 'v', 'key-with-dash': 'v', key_underscore: 'v', ' key': undefined } })],
    ['a name of 253 characters', cm({ data: { a: 'b' } }, 'a'.repeat(253))],
    ['binaryData beside data', cm({ data: { a: 'b' }, binaryData: { c: b64('\x00\x01') } })],
  ])('accepts %s', (_w, v) => {
    const data = (v as { data?: Record<string, unknown> }).data;
    if (data) for (const k of Object.keys(data)) if (data[k] === undefined) delete data[k];
    expect(messages([v])).toEqual([]);
  });

  test.each([
    ['a name with underscores... is not a subdomain', cm({}, 'invalid_name'), /^metadata\.name: Invalid value: "invalid_name": a lowercase RFC 1123 subdomain/],
    ['an invalid namespace', { ...cm({}), metadata: { name: 'x', namespace: 'NS' } }, /^metadata\.namespace: Invalid value: "NS": a lowercase RFC 1123 label/],
    ['a key with a space', cm({ data: { 'key with space': 'v' } }), new RegExp(`^data\\[key with space\\]: Invalid value: "key with space": ${KEY_REGEX_MSG.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)],
    ['a key with a slash', cm({ data: { 'a/b': 'v' } }), /^data\[a\/b\]: Invalid value: "a\/b": a valid config key/],
    ['the key ..', cm({ data: { '..': 'v' } }), /^data\[\.\.\]: Invalid value: "\.\.": must not be '\.\.'$/],
    ['a key starting with ..', cm({ data: { '..a': 'v' } }), /^data\[\.\.a\]: Invalid value: "\.\.a": must not start with '\.\.'$/],
    ['the key .', cm({ binaryData: { '.': '' } }), /^binaryData\[\.\]: Invalid value: "\.": must not be '\.'$/],
    ['a key of 254 characters', cm({ data: { ['a'.repeat(254)]: 'v' } }), /: must be no more than 253 characters$/],
    ['a key in data and binaryData', cm({ data: { k: 'v' }, binaryData: { k: b64('v') } }), /^data\[k\]: Invalid value: "k": duplicate of key present in binaryData$/],
    ['binaryData that is not base64', cm({ binaryData: { k: 'abc*' } }), /^binaryData\[k\]: ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 3$/],
    ['more than 1 MiB', cm({ data: { a: 'x'.repeat(512 * 1024), b: 'x'.repeat(512 * 1024 + 1) } }), /^: Too long: must have at most 1048576 bytes$/],
    ['an unknown field', cm({ date: {} }), /^date: unknown field "date"/],
  ])('refuses %s', (_w, v, re) => expect(messages([v])).toEqual([expect.stringMatching(re)]));
  test('exactly 1 MiB is allowed', () => expect(messages([cm({ data: { a: 'x'.repeat(1024 * 1024) } })])).toEqual([]));
  test('the same ConfigMap twice in one input', () => expect(messages([cm({}), cm({})])[0]).toMatch(/configmap "valid-name" is declared twice in namespace "validns"/));
});

describe('Secret validation (upstream TestValidateSecret)', () => {
  test.each([
    ['a valid Opaque secret', secret({ data: { 'data-1': b64('bar') } })],
    ['stringData only', secret({ stringData: { a: 'b' } })],
    ['a type the API server does not know', secret({ type: 'example.com/custom', data: {} })],
    ['tls with both keys', secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c'), 'tls.key': b64('k') } })],
    ['tls with a key from stringData', secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') }, stringData: { 'tls.key': 'k' } })],
    ['basic-auth with a username only', secret({ type: 'kubernetes.io/basic-auth', stringData: { username: '' } })],
    ['ssh-auth with a key', secret({ type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': b64('k') } })],
    ['dockerconfigjson holding an object', secret({ type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{"auths":{}}' } })],
    ['dockercfg holding null (Go accepts it)', secret({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('null') } })],
    ['base64 with newlines', secret({ data: { a: 'YWJj\nZA==' } })],
  ])('accepts %s', (_w, v) => expect(messages([v])).toEqual([]));

  test.each([
    ['an empty key', secret({ data: { '': b64('x') } }), [/^data\[\]: Invalid value: "": a valid config key/]],
    ['a bad stringData key, printed as the API server merges it', secret({ stringData: { 'a b': 'x' } }), [/^data\[a b\]: Invalid value: "a b": a valid config key/]],
    ['a leading ..', secret({ data: { '..dotted': b64('x') } }), [/^data\[\.\.dotted\]: Invalid value: "\.\.dotted": must not start with '\.\.'$/]],
    ['data that is not base64', secret({ data: { pw: 'not*base64' } }), [/^data\[pw\]: Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3$/]],
    ['over 1 MiB with stringData', secret({ data: { a: b64('x'.repeat(1024 * 1024)) }, stringData: { b: 'y' } }), [/^data: Too long: must have at most 1048576 bytes$/]],
    ['tls without keys', secret({ type: 'kubernetes.io/tls', data: {} }), [/^data\[tls\.crt\]: Required value$/, /^data\[tls\.key\]: Required value$/]],
    ['basic-auth without username or password', secret({ type: 'kubernetes.io/basic-auth', data: { other: '' } }), [/^data\[username\]: Required value$/, /^data\[password\]: Required value$/]],
    ['ssh-auth with an empty key', secret({ type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } }), [/^data\[ssh-privatekey\]: Required value$/]],
    ['dockercfg without its key', secret({ type: 'kubernetes.io/dockercfg', data: {} }), [/^data\[\.dockercfg\]: Required value$/]],
    ['dockerconfigjson that is not JSON', secret({ type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{"auths"' } }), [/^data\[\.dockerconfigjson\]: Invalid value: "<secret contents redacted>": unexpected end of JSON input$/]],
    ['dockerconfigjson holding a list', secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('[]') } }), [/: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map\[string\]interface \{\}$/]],
    ['a service-account-token Secret (kubeplay\'s refusal, with what to do)', secret({ type: 'kubernetes.io/service-account-token' }), [/^type: .*no service accounts.*use type Opaque.*\(kubeplay's rule, not the API server's\)$/]],
  ])('refuses %s', (_w, v, res) => expect(messages([v])).toEqual(res.map((re) => expect.stringMatching(re))));
  test('a value never appears in a message', () => {
    const m = messages([secret({ type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{"auths": hunter2}' } })]);
    expect(m.join('\n')).not.toContain('hunter2');
    expect(m[0]).toMatch(/invalid character 'h' looking for beginning of value$/);
  });
});

describe("Go's base64 decoder and JSON errors", () => {
  test.each([
    ['', ''], ['YQ==', '61'], ['YWJj', '616263'], ['YWJj\nZA==', '61626364'],
  ])('%j decodes', (t, hex) => expect(decodeGoBase64(t)).toEqual({ ok: true, bytes: Buffer.from(hex, 'hex') }));
  test.each([
    ['YW', 0], ['YQ=', 3], ['Y===', 1], ['!!!!', 0], ['YWJjZA==YQ==', 8], ['YQ==x', 4], ['abc*', 3],
  ])('%j fails at byte %d', (t, at) => expect(decodeGoBase64(t)).toEqual({ ok: false, offset: at, message: `illegal base64 data at input byte ${at}` }));
  test.each([
    ['{}', undefined], ['null', undefined], ['', 'unexpected end of JSON input'], ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"], ['[1 2]', "invalid character '2' after array element"], ['{} x', "invalid character 'x' after top-level value"],
    ['tru', 'unexpected end of JSON input'], ['trux', "invalid character 'x' in literal true (expecting 'e')"], ['"a', 'unexpected end of JSON input'],
    ['1', 'json: cannot unmarshal number into Go value of type map[string]interface {}'],
  ])('%j', (t, msg) => expect(goJsonObjectError(Buffer.from(t))).toBe(msg));
});

describe('stored forms', () => {
  test('a Secret as the API server stores it: stringData merged over data in base64, type Opaque, the last-applied annotation', () => {
    const o = secretObject(valid({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: b64('old'), b: 'YWJj\nZA==' }, stringData: { a: 'new', c: 'x' }, immutable: true }));
    expect(o).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', immutable: true, data: { a: b64('new'), b: b64('abcd'), c: b64('x') } });
    expect(o['stringData']).toBeUndefined();
    expect(o.metadata.namespace).toBe('default');
    expect(JSON.parse(o.metadata.annotations![LABEL_LAST_APPLIED]!)).toMatchObject({ stringData: { a: 'new' } });
  });
  test('a ConfigMap keeps data, binaryData and immutable; an empty map is left out', () => {
    const o = configMapObject(valid({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: {}, binaryData: { b: 'AAE=' }, immutable: false }));
    expect(o).toMatchObject({ binaryData: { b: 'AAE=' }, immutable: false, metadata: { name: 'c', namespace: 'n' } });
    expect('data' in o).toBe(false);
  });
  test('desiredObjectsOf sorts a file into apply order: ConfigMaps, then Secrets', () => {
    const r = validateManifests([doc(secret({}), 0), doc(cm({}), 1)], 'strict', 'privileged', catalog());
    expect(r.ok && desiredObjectsOf(r.manifests).map((d) => d.ref)).toEqual(['configmap/valid-name', 'secret/foo']);
  });
});

describe('tables and describe layouts (kubectl 1.32 printed the same objects this way)', () => {
  const print: PrintOptions = { format: 'table', showLabels: false, labelColumns: [], noHeaders: false, single: false, node: 'h', allNamespaces: false };
  const now = new Date('2024-05-01T10:05:00Z');
  const game = stored({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'game', namespace: 'default', labels: { app: 'web', tier: 'a' }, annotations: { [LABEL_LAST_APPLIED]: '{}', note: 'hi' } }, data: { player_initial_lives: '3', 'game.properties': 'enemy.types=aliens\nlives=5\n', empty: '' }, binaryData: { 'bin.dat': 'AAEC', 'a.bin': 'AA==' } });
  test('get cm: NAME DATA AGE', () => expect(formatObjects([game], print, now, CONFIGMAP_TABLE)).toBe('NAME   DATA   AGE\ngame   5      5m\n'));
  test('get secret: NAME TYPE DATA AGE', () =>
    expect(formatObjects([stored({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } })], print, now, SECRET_TABLE)).toBe(
      'NAME   TYPE                DATA   AGE\ns      kubernetes.io/tls   2      5m\n',
    ));
  test('describe configmap: the same text as kubectl, keys sorted', () =>
    expect(describeConfigMap(game)).toBe(
      'Name:         game\nNamespace:    default\nLabels:       app=web\n              tier=a\nAnnotations:  note: hi\n\nData\n====\nempty:\n----\n\n\ngame.properties:\n----\nenemy.types=aliens\nlives=5\n\n\nplayer_initial_lives:\n----\n3\n\n\nBinaryData\n====\na.bin: 1 bytes\nbin.dat: 3 bytes\n\nEvents:  <none>\n',
    ));
  test('describe secret: sizes, never values (nor the last-applied annotation)', () => {
    const s = stored({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default', annotations: { [LABEL_LAST_APPLIED]: '{"stringData":{"password":"secret-value"}}' } }, type: 'Opaque', data: { username: 'YWRtaW4=', password: 'c2VjcmV0LXZhbHVl', 'a-long-key-name': '' } });
    const text = describeSecret(s);
    expect(text).toBe('Name:         creds\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nType:  Opaque\n\nData\n====\na-long-key-name:  0 bytes\npassword:         12 bytes\nusername:         5 bytes\n');
    expect(text).not.toContain('secret-value');
  });
});

describe('updates, conflicts, prune and delete', () => {
  const frozen = stored({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'f', namespace: 'default', labels: { app: 'a' }, annotations: { [LABEL_LAST_APPLIED]: '{}' } }, data: { a: '1' }, immutable: true });
  test('an immutable ConfigMap: data, binaryData and the flag itself', () => {
    expect(configMapUpdateProblems(frozen, { ...frozen, metadata: { name: 'f', labels: { x: 'y' } } })).toEqual([]);
    expect(configMapUpdateProblems(frozen, { ...frozen, data: { a: '2' } })).toEqual(['ConfigMap "f" is invalid: data: Forbidden: field is immutable when `immutable` is set']);
    expect(configMapUpdateProblems(frozen, { ...frozen, immutable: false, binaryData: { b: '' } })).toEqual([
      'ConfigMap "f" is invalid: [immutable: Forbidden: field is immutable when `immutable` is set, binaryData: Forbidden: field is immutable when `immutable` is set]',
    ]);
    expect(configMapUpdateProblems({ ...frozen, immutable: false }, { ...frozen, data: { a: '2' } })).toEqual([]);
  });
  test('a Secret\'s type never changes', () => {
    const s = stored({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque' });
    expect(secretUpdateProblems(s, { ...s, type: 'kubernetes.io/tls' })).toEqual(['Secret "s" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable']);
    expect(secretUpdateProblems({ ...s, immutable: true, data: { a: 'YQ==' } }, { ...s, immutable: true, data: { a: 'Yg==' } })).toEqual(['Secret "s" is invalid: data: Forbidden: field is immutable when `immutable` is set']);
  });
  test('objectUpdateConflicts: one conflict per refused object, named by its ref', () => {
    const next = { ...frozen, data: { a: '2' } };
    expect(objectUpdateConflicts([{ ref: 'configmap/f', key: { kind: 'ConfigMap', namespace: 'default', name: 'f' }, object: next }], [frozen], () => configMapUpdateProblems)).toEqual([
      { ref: 'configmap/f', message: 'ConfigMap "f" is invalid: data: Forbidden: field is immutable when `immutable` is set' },
    ]);
  });
  test('prune candidates: applied before, matching, in a visited namespace, not in the input', () => {
    const other = stored({ ...frozen, metadata: { ...frozen.metadata, name: 'g', annotations: {} } }); // not made by apply
    const elsewhere = stored({ ...frozen, metadata: { ...frozen.metadata, name: 'h', namespace: 'far' } });
    const unlabelled = stored({ ...frozen, metadata: { ...frozen.metadata, name: 'i', labels: {} } });
    const actions = planObjectPrunes([], [frozen, other, elsewhere, unlabelled], { kinds: new Map([['ConfigMap', 'configmap']]), matches: (l) => l['app'] === 'a', selector: 'app=a', namespaces: new Set(['default']) });
    expect(actions.map((a) => `${a.kind} ${a.ref}`)).toEqual(['prune configmap/f']);
    expect(planObjectPrunes([], [frozen], { kinds: new Map([['Secret', 'secret']]), matches: () => true, selector: 'x', namespaces: new Set(['default']) })).toEqual([]);
  });
  test('--prune-allowlist: kubectl\'s group/version/Kind; the default leaves claims and namespaces out', () => {
    expect(pruneKinds(undefined).map((k) => k.info.kind)).toEqual(['ConfigMap', 'Secret', 'Service', 'Endpoints', 'Pod']);
    expect(pruneKinds(['core/v1/ConfigMap']).map((k) => k.info.kind)).toEqual(['ConfigMap']);
    expect(() => pruneKinds(['ConfigMap'])).toThrow('invalid GroupVersionKind format: ConfigMap, please follow <group/version/kind>');
    expect(() => pruneKinds(['batch/v1/CronJob'])).toThrow(/a kind kubeplay does not handle/);
  });
  test('planObjectDeletes: by name (NotFound in kubectl\'s words), by selector', () => {
    const kind = { kind: 'ConfigMap', singular: 'configmap', group: '', plural: 'configmaps', namespaced: true };
    const byName = planObjectDeletes({ by: 'names', targets: [{ name: 'f', kind }, { name: 'nope', kind }] }, [frozen]);
    expect(byName.actions.map((a) => a.ref)).toEqual(['configmap/f']);
    expect(byName.notFound).toEqual([{ name: 'nope', kind, resource: 'configmaps' }]);
    expect(planObjectDeletes({ by: 'selector', kind, matches: (l) => l['app'] === 'a' }, [frozen]).actions.map((a) => a.steps)).toEqual([[{ op: 'removeObject', key: { kind: 'ConfigMap', namespace: 'default', name: 'f' } }]]);
  });
});
