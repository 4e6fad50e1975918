/**
 * Arbitraries for the fuzz tests: Pod manifests that pass validation (the seeds every mutation
 * starts from), the odd values mutations put into them, and the text forms they are written in.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { DEFAULT_SCHEMA, dump, type Type } from 'js-yaml';
import { KUBECTL_SCHEMA } from '../../../src/load/fast-yaml';
import { KUBECTL_YAML_TAGS } from '../../../src/domain/yaml-scalars';

const lower = 'abcdefghijklmnopqrstuvwxyz';
const alnum = `${lower}0123456789`;

// Words are built from arrays of characters: fc.stringMatching and fc.string with a custom unit
// re-tokenize their output on every value, which took most of the run's time.
function chars(from: string, maxLength: number): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...from), { maxLength }).map((a) => a.join(''));
}

function word(first: string, rest: string, maxRest: number): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...first), chars(rest, maxRest)).map(([a, b]) => a + b);
}

/** dnsLabel: a DNS-1123 label (what Kubernetes accepts as a pod, container or volume name). */
export const dnsLabel: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...lower), chars(`${alnum}-`, 12), fc.constantFrom(...alnum))
  .map(([a, mid, z]) => `${a}${mid}${z}`);

const labelKey = fc.oneof(dnsLabel, fc.tuple(dnsLabel, dnsLabel).map(([p, n]) => `${p}.example.com/${n}`));
const labelValue = fc.oneof(fc.constant(''), dnsLabel);

/** oddString: strings that make parsers and printers work: YAML indicators, shell text, unicode, control characters. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    '', ' ', '~', 'null', 'true', 'no', 'on', '0x1F', '0o17', '1e3', '.nan', '-.inf', '&a', '*a', '!!binary', '!foo', '? x',
    '- x', ': x', '#x', '|', '>', '{', '}', '[', ']', ',', '"', "'", '%YAML 1.2', '---', '...', '<<', '\t', '\r', '\n',
    '\u2028', '\u0085', '\ufeff', '\u200b', '\u0000', '😀', 'é', '日本', 'ﬁ', '$(reboot)', '`id`', '; rm -rf /', '--privileged',
    '../../etc/passwd', '/proc/self/root', 'a\nb: c', '{{ .Name }}',
  ),
);

/** oddValue: any value a wrong-typed field could hold, nested a little. */
export const oddValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.constantFrom(0, -1, 65536, 2 ** 53, -(2 ** 53), 1.5, 1e308, -0),
    oddString,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(oddString, tie('v'), { maxKeys: 3 }),
  ),
})).v;

const port = fc.record(
  {
    containerPort: fc.integer({ min: 1, max: 65535 }),
    hostPort: fc.integer({ min: 1, max: 65535 }),
    protocol: fc.constantFrom('TCP', 'UDP'),
    name: word(lower, alnum, 13), // IANA_SVC_NAME: no '--', at most 15
  },
  { requiredKeys: ['containerPort'] },
);

// Only the fields kubeplay carries out, so a seed pod raises no warnings (a located warning costs a
// parse of its document); the security controls also read fields mutations put anywhere.
const securityContext = fc.record(
  {
    privileged: fc.boolean(),
    allowPrivilegeEscalation: fc.boolean(),
    runAsUser: fc.integer({ min: 0, max: 70000 }),
    readOnlyRootFilesystem: fc.boolean(),
    capabilities: fc.record({ add: fc.array(fc.constantFrom('NET_ADMIN', 'NET_BIND_SERVICE', 'SYS_ADMIN', 'CHOWN'), { maxLength: 2 }), drop: fc.array(fc.constantFrom('ALL', 'NET_RAW'), { maxLength: 2 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
).map((sc) => {
  // The API server refuses privileged with allowPrivilegeEscalation false (ValidateSecurityContext).
  if (sc.privileged === true && sc.allowPrivilegeEscalation === false) delete sc.allowPrivilegeEscalation;
  return sc;
});

// Half the containers of a full pod are small, so that two-container pods stay affordable.
function containerArb(volumeNames: string[]) {
  const small = fc.record({ name: dnsLabel, image: fc.constant('localhost/busybox:stable'), command: fc.array(oddString, { maxLength: 2 }) }, { requiredKeys: ['name', 'image'] });
  return fc.oneof(small, fullContainerArb(volumeNames));
}

function fullContainerArb(volumeNames: string[]) {
  return fc.record(
    {
      name: dnsLabel,
      image: fc.constantFrom('localhost/busybox:stable', 'docker.io/library/nginx:1.27', 'busybox', 'quay.io/x/y@sha256:' + 'a'.repeat(64)),
      imagePullPolicy: fc.constantFrom('Always', 'IfNotPresent', 'Never'),
      command: fc.array(oddString, { maxLength: 2 }),
      args: fc.array(oddString, { maxLength: 2 }),
      workingDir: fc.constantFrom('/', '/tmp', '/www'),
      env: fc.array(fc.record({ name: word('ABCXYZ_abc', 'ABCXYZ_abc019', 8), value: oddString }), { maxLength: 2 }),
      ports: fc.array(port, { maxLength: 2 }),
      volumeMounts:
        volumeNames.length === 0
          ? fc.constant([])
          : fc.array(fc.record({ name: fc.constantFrom(...volumeNames), mountPath: dnsLabel.map((s) => `/${s}`), readOnly: fc.boolean() }), { maxLength: 2 }),
      resources: fc.record({ limits: fc.record({ cpu: fc.constantFrom('100m', '1', '0.5'), memory: fc.constantFrom('64Mi', '1Gi', '1000') }, { requiredKeys: [] }) }, { requiredKeys: [] }),
      securityContext,
      tty: fc.boolean(),
    },
    { requiredKeys: ['name', 'image'] },
  );
}

const volume = fc.oneof(
  dnsLabel.map((name) => ({ name, emptyDir: {} })),
  fc.tuple(dnsLabel, fc.constantFrom('Memory', '')).map(([name, medium]) => ({ name, emptyDir: { medium, sizeLimit: '1Mi' } })),
  fc.tuple(dnsLabel, fc.constantFrom('/tmp', '/var/lib/x', '/'), fc.constantFrom('Directory', 'DirectoryOrCreate', 'File', '')).map(([name, path, type]) => ({ name, hostPath: { path, type } })),
  fc.tuple(dnsLabel, dnsLabel).map(([name, claimName]) => ({ name, persistentVolumeClaim: { claimName } })),
);

/** fullPod: a Pod manifest kubeplay accepts, with any of the fields it carries out. */
const fullPod: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.uniqueArray(volume, { selector: (v) => v.name, maxLength: 3 }), dnsLabel)
  .chain(([volumes, name]) => {
    const names = volumes.map((v) => v.name);
    return fc.record(
      {
        apiVersion: fc.constant('v1'),
        kind: fc.constant('Pod'),
        metadata: fc.record(
          {
            name: fc.constant(name),
            namespace: fc.constantFrom('default', 'team-a'),
            labels: fc.dictionary(labelKey, labelValue, { maxKeys: 2 }),
            annotations: fc.dictionary(labelKey, oddString, { maxKeys: 1 }),
          },
          { requiredKeys: ['name'] },
        ),
        spec: fc.record(
          {
            containers: fc.uniqueArray(containerArb(names), { selector: (c) => c.name, minLength: 1, maxLength: 2 }),
            volumes: fc.constant(volumes),
            restartPolicy: fc.constantFrom('Always', 'OnFailure', 'Never'),
            hostNetwork: fc.constant(false),
            terminationGracePeriodSeconds: fc.integer({ min: 0, max: 60 }),
          },
          { requiredKeys: ['containers', 'volumes'] },
        ),
      },
      { requiredKeys: ['apiVersion', 'kind', 'metadata', 'spec'] },
    );
  })
  .map(dropDuplicatePorts);

/** smallPod: the least a Pod needs, with an odd command; a quarter of the text of a full one. */
const smallPod: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(dnsLabel, dnsLabel, fc.array(oddString, { maxLength: 2 }))
  .map(([name, container, command]) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: container, image: 'localhost/busybox:stable', ...(command.length > 0 ? { command } : {}) }] },
  }));

/**
 * validPod: a Pod manifest kubeplay accepts (names made unique where validation needs them to be).
 * Two seeds in three are small: parsing and locating cost grows with the text, and 100,000 cases
 * must run in CI in a minute or two; mutations reach every field of the full ones.
 */
export const validPod: fc.Arbitrary<Record<string, unknown>> = fc.oneof({ weight: 2, arbitrary: smallPod }, { weight: 1, arbitrary: fullPod });

// Validation refuses a containerPort or hostPort used twice in a pod; the seeds must be valid.
function dropDuplicatePorts(pod: Record<string, unknown>): Record<string, unknown> {
  const spec = pod['spec'] as { containers: Array<{ ports?: Array<{ containerPort: number; hostPort?: number; protocol?: string; name?: string }> }> };
  const seen = new Set<string>();
  for (const c of spec.containers) {
    if (!c.ports) continue;
    c.ports = c.ports.filter((p) => {
      const keys = [`c${p.containerPort}/${p.protocol ?? 'TCP'}`, p.hostPort ? `h${p.hostPort}/${p.protocol ?? 'TCP'}` : '', p.name ? `n${p.name}` : ''].filter(Boolean);
      if (keys.some((k) => seen.has(k))) return false;
      keys.forEach((k) => seen.add(k));
      return true;
    });
  }
  return pod;
}

/** Style is a way of writing a value as manifest text. */
export type Style = 'yaml-block' | 'yaml-flow' | 'yaml-quoted' | 'json' | 'json-compact' | 'js-yaml' | 'list';

/** style: every way serialize() writes a document. */
export const style: fc.Arbitrary<Style> = fc.constantFrom('yaml-block', 'yaml-flow', 'yaml-quoted', 'json', 'json-compact', 'js-yaml', 'list');

/** serialize writes documents as one source in the given style (several YAML documents, or a List). */
/** js-yaml's dump schema, also quoting every string kubectl would read as another type. */
const DUMP_SCHEMA = DEFAULT_SCHEMA.extend({ implicit: (KUBECTL_SCHEMA as unknown as { implicit: Type[] }).implicit });

export function serialize(docs: readonly unknown[], s: Style): string {
  // Strings kubectl would read as something else (`no`, `0644`, `8_080`) must be quoted: the
  // kubectl's scalar rules, given to both writers, quote them.
  const y11 = { customTags: KUBECTL_YAML_TAGS };
  switch (s) {
    case 'yaml-block':
      return docs.map((d) => `---\n${stringify(d, y11)}`).join('');
    case 'yaml-flow':
      return docs.map((d) => stringify(d, { ...y11, collectionStyle: 'flow' })).join('---\n');
    case 'yaml-quoted':
      return docs.map((d) => stringify(d, { ...y11, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', indent: 4 })).join('---\n');
    case 'json':
      return docs.map((d) => JSON.stringify(d, null, 2)).join('\n---\n');
    case 'json-compact':
      return docs.map((d) => JSON.stringify(d)).join('\n---\n');
    case 'js-yaml':
      return docs.map((d) => dump(d, { noRefs: false, lineWidth: 40, schema: DUMP_SCHEMA })).join('---\n');
    case 'list':
      return stringify({ apiVersion: 'v1', kind: 'List', items: docs }, y11);
  }
}
