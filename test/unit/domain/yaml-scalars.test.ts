/**
 * Plain scalars read as kubectl reads them (sigs.k8s.io/yaml's goyaml.v2, YAML 1.1 rules), not as
 * YAML 1.2 reads them. Each row is [scalar, kubectl's value, YAML 1.2 core's value]; the expected
 * values follow goyaml.v2/resolve.go and Go's strconv (ParseInt base 0, ParseFloat). Both the fast
 * (js-yaml) and the careful (yaml) path must give kubectl's value, with unchanged positions.
 */
import { textOf } from '../../../src/domain/text';
import { resolveKubectlScalar } from '../../../src/domain/yaml-scalars';
import { parseDocuments, parseDocumentsCarefully } from '../../../src/load/parse-documents';
import { validateManifests } from '../../../src/validate';
import { parse } from 'yaml';

const SAME = Symbol('same');
const ROWS: Array<[string, unknown, unknown]> = [
  // The differences the issue names.
  ['0644', 420, 644],
  ['017720', 8144, 17720],
  ['0755', 493, 755],
  ['yes', true, 'yes'],
  ['Yes', true, 'Yes'],
  ['YES', true, 'YES'],
  ['no', false, 'no'],
  ['on', true, 'on'],
  ['ON', true, 'ON'],
  ['off', false, 'off'],
  ['y', true, 'y'],
  ['N', false, 'N'],
  ['8_080', 8080, '8_080'],
  ['1_000_000', 1000000, '1_000_000'],
  // Other YAML 1.1 forms through Go's integer syntax.
  ['0b101', 5, '0b101'],
  ['-0b101', -5, '-0b101'],
  ['0o17', 15, SAME],
  ['0O17', 15, '0O17'],
  ['0X1F', 31, '0X1F'],
  ['-0x1F', -31, '-0x1F'],
  ['+12', 12, SAME],
  ['-0644', -420, -644],
  ['08', 8, SAME], // not octal: ParseInt fails, the float rule reads 8
  ['09.5', 9.5, SAME],
  ['00', 0, SAME],
  // The same in both.
  ['0', 0, SAME],
  ['-12', -12, SAME],
  ['1.5', 1.5, SAME],
  ['1e3', 1000, SAME],
  ['-.5', -0.5, SAME],
  ['.5', 0.5, SAME],
  ['1.', 1, SAME],
  ['.inf', Infinity, SAME],
  ['-.Inf', -Infinity, SAME],
  ['true', true, SAME],
  ['False', false, SAME],
  ['~', null, SAME],
  ['null', null, SAME],
  ['', null, SAME],
  // Strings in both, though they look like something.
  ['tRUE', 'tRUE', SAME],
  ['oN', 'oN', SAME],
  ['1:30', '1:30', SAME], // base 60 is a number in YAML 1.1 but goyaml.v2 leaves it a string
  ['2001-12-14', '2001-12-14', SAME], // a timestamp stays a string when decoded into interface{}
  ['0x', '0x', SAME],
  ['1e', '1e', SAME],
  ['._5', '._5', SAME],
  ['_1', '_1', SAME],
  ['1.2.3', '1.2.3', SAME],
  ['100Mi', '100Mi', SAME],
  ['nan', 'nan', SAME],
  ['1e400', '1e400', Infinity], // ParseFloat's range error: a string for goyaml.v2
];

describe('resolveKubectlScalar follows goyaml.v2', () => {
  test.each(ROWS)('%j', (text, kubectl, yaml12) => {
    expect(resolveKubectlScalar(text).value).toEqual(kubectl);
    // The YAML 1.2 core schema, which kubeplay read before: the rows marked differ.
    expect(parse(`v: ${text}`).v).toEqual(yaml12 === SAME ? kubectl : yaml12);
  });
});

const podWith = (field: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n    ${field}\n`;

describe.each([
  ['fast path', parseDocuments],
  ['careful path', parseDocumentsCarefully],
])('documents on the %s', (_name, parse) => {
  const value = (text: string) => {
    const r = parse({ name: 'f.yaml', bytes: Buffer.from(text) });
    expect(r.issues).toEqual([]);
    return r.documents[0]!.value;
  };

  test.each(ROWS)('%j as a value, a list item and (stringified) a key; quoted stays a string', (text, kubectl) => {
    const v = value(`apiVersion: v1\nkind: Pod\nv: ${text}\nl: [${text}]\nq: "${text}"\n`);
    expect(v['v']).toEqual(kubectl);
    if (text !== '') expect((v['l'] as unknown[])[0]).toEqual(kubectl); // `[]` is an empty list
    expect(v['q']).toBe(text);
    if (text !== '' && kubectl !== null) {
      const k = value(`apiVersion: v1\nkind: Pod\nm:\n  ${text}: 1\n`);
      expect(Object.keys(k['m'] as object)).toEqual([textOf(kubectl)]);
    }
  });

  test('defaultMode: 0644 is 420 (rw-r--r--), as kubectl sends it', () => {
    const v = value('apiVersion: v1\nkind: Pod\nspec:\n  volumes:\n  - name: c\n    configMap:\n      name: c\n      defaultMode: 0644\n');
    expect(v).toMatchObject({ spec: { volumes: [{ configMap: { defaultMode: 420 } }] } });
  });

  test('tty: yes, readOnly: on and containerPort: 8_080 are accepted; the values are kubectl\'s', () => {
    const text = podWith('tty: yes\n    ports:\n    - containerPort: 8_080\n    volumeMounts:\n    - {name: v, mountPath: /v, readOnly: on}\n  volumes:\n  - name: v\n    emptyDir: {}');
    const r = parse({ name: 'f.yaml', bytes: Buffer.from(text) });
    const result = validateManifests(r.documents);
    expect(result.ok).toBe(true);
    expect(r.documents[0]!.value).toMatchObject({ spec: { containers: [{ tty: true, ports: [{ containerPort: 8080 }], volumeMounts: [{ readOnly: true }] }] } });
  });

  test('a label value yes is a boolean, refused as kubectl refuses it, at its exact position', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    enabled: yes\nspec:\n  containers:\n  - {name: c, image: i}\n';
    const r = parse({ name: 'f.yaml', bytes: Buffer.from(text) });
    const result = validateManifests(r.documents);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}`)).toEqual([
      '6:5: metadata.labels[enabled]: expected string, got boolean true',
    ]);
  });

  test('an unquoted 017720 port is 8144 for kubectl, and so for kubeplay', () => {
    const r = parse({ name: 'f.yaml', bytes: Buffer.from(podWith('ports:\n    - containerPort: 017720')) });
    expect(r.documents[0]!.value).toMatchObject({ spec: { containers: [{ ports: [{ containerPort: 8144 }] }] } });
  });
});
