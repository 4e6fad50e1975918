#!/usr/bin/env node
// gen-schemas.mjs writes one strict JSON Schema (draft-07) per kind kubeplay reads, into
// schemas/<kind>.<group->version.json (KINDS below), derived from @kubernetes/client-node's generated
// model metadata rather than hand-written, so that a client-node upgrade brings new fields with one
// command (`npm run gen:schema`). Every schema is built by the same rules (docs/schema.md).
//
// Sources, per model class (node_modules/@kubernetes/client-node/dist/gen/models/<Class>.{js,d.ts}):
//   - <Class>.js `attributeTypeMap`: JSON name (baseName), TypeScript type, OpenAPI format;
//   - <Class>.d.ts: which properties are optional (`'x'?:`) and the doc comments.
// The upstream facts the hand-kept tables below encode are cited from kubernetes/kubernetes
// staging/src/k8s.io/api/{core,apps,batch}/v1/types.go (the Go types the OpenAPI spec is made from)
// and pkg/apis/{core,apps,batch}/validation/validation.go (what the API server accepts).
//
// Usage: node scripts/gen-schemas.mjs [--out-dir schemas] [--check]
//   --check  exits 1 if any file on disk differs from what would be generated (for CI).

import { readFileSync, writeFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const clientDir = join(repoRoot, 'node_modules', '@kubernetes', 'client-node');
const modelsDir = join(clientDir, 'dist', 'gen', 'models');

const INT32 = { minimum: -2147483648, maximum: 2147483647 };
// int64 is bounded to the integers a JavaScript number holds exactly: the YAML parser has
// already rounded anything larger, so accepting it would silently run a different value.
const INT64 = { minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };

/** KINDS lists the schemas written: one per kind, in the order docs/schema.md lists them. */
export const KINDS = [
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'Endpoints' },
  { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'batch/v1', kind: 'CronJob' },
];

/** schemaName is a kind's schema file name without `.json`: `pod.v1`, `deployment.apps-v1`. */
export function schemaName({ apiVersion, kind }) {
  return `${kind.toLowerCase()}.${apiVersion.replace('/', '-')}`;
}

/** rootModel is the client-node class of a kind: V1Pod, V1Deployment (the group is not in the name). */
function rootModel({ apiVersion, kind }) {
  const version = apiVersion.split('/').pop();
  return version[0].toUpperCase() + version.slice(1) + kind;
}

// Fields the OpenAPI spec marks required (a Go field without omitempty) that the API server
// accepts when missing: it decodes them to their zero value, and validation.go accepts that value.
// The schema leaves them optional so kubeplay does not refuse what a cluster accepts.
const ZERO_VALUE_ACCEPTED = {
  // core/v1 types.go ISCSIVolumeSource.Lun `json:"lun"`: 0 is in validation.go's 0-255.
  V1ISCSIVolumeSource: ['lun'],
  // core/v1 types.go HTTPHeader.Value, Sysctl.Value: validateHTTPHeaders and validateSysctls check names only.
  V1HTTPHeader: ['value'],
  V1Sysctl: ['value'],
  // batch/v1 types.go PodFailurePolicy.Rules `json:"rules"`: batch validation.go validatePodFailurePolicy
  // checks only the maximum (20 rules), so `podFailurePolicy: {}` is accepted.
  V1PodFailurePolicy: ['rules'],
  // apps/v1 types.go ReplicaSetStatus.Replicas, StatefulSetStatus.Replicas `json:"replicas"` and the four
  // DaemonSetStatus counters (CurrentNumberScheduled, NumberMisscheduled, DesiredNumberScheduled,
  // NumberReady) have no omitempty. A status in a manifest is dropped on create (pkg/registry/apps/
  // {replicaset,statefulset,daemonset}/strategy.go PrepareForCreate: `rs.Status = apps.ReplicaSetStatus{}`),
  // and apps validation.go (ValidateReplicaSetStatus, ValidateStatefulSetStatus, validateDaemonSetStatus)
  // checks these counters only for being non-negative. So `status: {}`, which generated manifests carry,
  // is accepted by a cluster (old client-side kubectl validation refused it: kubernetes/kubernetes#78203).
  V1ReplicaSetStatus: ['replicas'],
  V1StatefulSetStatus: ['replicas'],
  V1DaemonSetStatus: ['currentNumberScheduled', 'desiredNumberScheduled', 'numberMisscheduled', 'numberReady'],
  // discovery/v1 types.go EndpointSlice.Endpoints `json:"endpoints"` has no omitempty: discovery
  // validation.go ValidateEndpointSlice only bounds it (at most 1000), and the EndpointSlice controller
  // writes a slice of a Service without ready pods as `endpoints: null`.
  V1EndpointSlice: ['endpoints'],
};

// Quantity (resource.Quantity) is a string in the OpenAPI spec but client-node's generator erases
// it to plain `string`, so the metadata cannot tell `sizeLimit: 1Gi` from `medium: Memory`.
// These are the Quantity-typed fields reachable from the KINDS roots (Kubernetes 1.34); the generator
// fails if one of them disappears, changes type or is reached by no schema, and docs/schema.md explains
// how to re-check the list. Checked for the roots added after Pod: Namespace, ConfigMap, Secret, Service,
// the apps/v1 and batch/v1 kinds add no Quantity of their own (their pods come through PodTemplateSpec,
// already covered); PersistentVolumeClaim reaches only the V1VolumeResourceRequirements and
// V1PersistentVolumeClaimStatus entries below (its allocatedResourceStatuses is a map of
// ClaimResourceStatus strings, not of Quantities).
const QUANTITY_FIELDS = {
  // core/v1 types.go EmptyDirVolumeSource.SizeLimit *resource.Quantity
  V1EmptyDirVolumeSource: ['sizeLimit'],
  // core/v1 types.go ContainerStatus.AllocatedResources ResourceList (map[ResourceName]resource.Quantity)
  V1ContainerStatus: ['allocatedResources'],
  // core/v1 types.go PersistentVolumeClaimStatus.AllocatedResources, .Capacity ResourceList
  V1PersistentVolumeClaimStatus: ['allocatedResources', 'capacity'],
  // core/v1 types.go PodSpec.Overhead ResourceList
  V1PodSpec: ['overhead'],
  // core/v1 types.go ResourceFieldSelector.Divisor resource.Quantity
  V1ResourceFieldSelector: ['divisor'],
  // core/v1 types.go ResourceRequirements.Limits, .Requests ResourceList
  V1ResourceRequirements: ['limits', 'requests'],
  // core/v1 types.go VolumeResourceRequirements.Limits, .Requests ResourceList (PVC spec.resources)
  V1VolumeResourceRequirements: ['limits', 'requests'],
};

// IntOrString (intstr.IntOrString) fields. client-node types them `IntOrString` (its 0.x releases said
// `object`), so the generator finds them itself; this table is the cross-check: the generator fails if
// a listed field is no longer IntOrString, or if an IntOrString field appears that is not listed here.
const INT_OR_STRING_FIELDS = {
  // core/v1 types.go HTTPGetAction.Port, TCPSocketAction.Port intstr.IntOrString (probes, lifecycle hooks)
  V1HTTPGetAction: ['port'],
  V1TCPSocketAction: ['port'],
  // core/v1 types.go ServicePort.TargetPort intstr.IntOrString (a number or a container port name)
  V1ServicePort: ['targetPort'],
  // apps/v1 types.go RollingUpdateDeployment.MaxUnavailable, .MaxSurge *intstr.IntOrString (5 or "25%")
  V1RollingUpdateDeployment: ['maxSurge', 'maxUnavailable'],
  // apps/v1 types.go RollingUpdateDaemonSet.MaxUnavailable, .MaxSurge *intstr.IntOrString
  V1RollingUpdateDaemonSet: ['maxSurge', 'maxUnavailable'],
  // apps/v1 types.go RollingUpdateStatefulSetStrategy.MaxUnavailable *intstr.IntOrString
  V1RollingUpdateStatefulSetStrategy: ['maxUnavailable'],
};

// QUANTITY_PATTERN is the grammar resource.ParseQuantity accepts (as emitted by controller-gen),
// so `memory: 1gb` is caught here instead of surfacing later as an engine error.
const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** unescapeDoc turns a .d.ts doc comment body back into the original description text. */
function unescapeDoc(text) {
  return text.replace(/\\(['"\\])/g, '$1').trim();
}

/** readDts extracts the class description, per-property optionality and descriptions. */
function readDts(className) {
  const lines = readFileSync(join(modelsDir, `${className}.d.ts`), 'utf8').split('\n');
  let classDoc;
  const props = new Map();
  let doc; // the last complete /** ... */ block, waiting for the declaration it documents
  let collecting;
  for (const line of lines) {
    const t = line.trim();
    if (collecting) {
      if (t === '*/') {
        doc = unescapeDoc(collecting.join(' '));
        collecting = undefined;
      } else collecting.push(t.replace(/^\* ?/, ''));
      continue;
    }
    if (t === '/**') {
      collecting = [];
      continue;
    }
    if (t.startsWith(`export declare class ${className}`)) classDoc = doc;
    // Property declarations sit at four spaces; map value types and doc text never do.
    const m = /^ {4}'([^']+)'(\?)?:/.exec(line);
    if (m) props.set(m[1], { optional: m[2] === '?', description: doc || undefined });
    if (t !== '') doc = undefined;
  }
  return { classDoc, props };
}

/** loadModel imports a model class and returns its attribute type map. */
async function loadModel(className) {
  const file = join(modelsDir, `${className}.js`);
  if (!existsSync(file)) throw new Error(`model ${className} not found at ${file}; is @kubernetes/client-node installed?`);
  const mod = await import(pathToFileURL(file).href);
  const cls = mod[className];
  if (!cls || !Array.isArray(cls.attributeTypeMap)) throw new Error(`${file} does not export ${className}.attributeTypeMap`);
  return cls.attributeTypeMap;
}

/** isModelName tells a generated model class name apart from TypeScript primitives. */
function isModelName(t) {
  return /^[A-Z]\w*$/.test(t) && !['Date', 'IntOrString'].includes(t);
}

/** typeSchema maps one client-node type string to a JSON Schema (without nullability). */
function typeSchema(type, format, refs, ctx) {
  const t = type.trim();
  const arr = /^Array<(.+)>$/.exec(t);
  if (arr) return { type: 'array', items: typeSchema(arr[1], format, refs, ctx) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(t);
  if (map) return { type: 'object', additionalProperties: typeSchema(map[1], format, refs, ctx) };
  switch (t) {
    case 'string':
      if (ctx.quantity) return { type: ['string', 'number'], pattern: QUANTITY_PATTERN };
      return { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      if (format === 'int32') return { type: 'integer', ...INT32 };
      if (format === 'int64') return { type: 'integer', ...INT64 };
      if (format === '' || format === 'double' || format === 'float') return { type: 'number' };
      throw new Error(`${ctx.where}: unknown number format "${format}"`);
    case 'Date':
      // date-time / date-time-micro: RFC 3339 text in YAML; no format plugin is loaded, so no `format`.
      return { type: 'string' };
    case 'IntOrString':
      return { type: ['integer', 'string'] };
    case 'any':
      return {};
    case 'object':
      return { type: 'object' };
    default:
      if (isModelName(t)) {
        refs.add(t);
        // The definition holds properties/required only; the use site says "object" so that
        // nullability stays a property of the field, not of the model (see nullable()).
        return { type: 'object', allOf: [{ $ref: `#/definitions/${t}` }] };
      }
      throw new Error(`${ctx.where}: unsupported client-node type "${type}"`);
  }
}

/** nullable lets an optional field be null, which kubectl treats as absent. */
function nullable(schema) {
  if (schema.type === undefined) return schema; // `any` already accepts null
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return { ...schema, type: [...types, 'null'] };
}

/** buildDefinition turns one model class into an object schema with additionalProperties false. */
async function buildDefinition(className, refs) {
  const attrs = await loadModel(className);
  const { classDoc, props } = readDts(className);
  const quantity = new Set(QUANTITY_FIELDS[className] ?? []);
  const intOrString = new Set(INT_OR_STRING_FIELDS[className] ?? []);
  const properties = {};
  const required = [];
  for (const a of [...attrs].sort((x, y) => (x.baseName < y.baseName ? -1 : x.baseName > y.baseName ? 1 : 0))) {
    const dts = props.get(a.name);
    if (!dts) throw new Error(`${className}.d.ts has no property '${a.name}'`);
    const where = `${className}.${a.baseName}`;
    if (quantity.has(a.name) && !/^(string|\{ \[key: string\]: string; \})$/.test(a.type)) {
      throw new Error(`${where} is listed in QUANTITY_FIELDS but has type ${a.type}`);
    }
    const listedIntOrString = intOrString.has(a.name);
    if (listedIntOrString !== (a.type === 'IntOrString')) {
      throw new Error(
        listedIntOrString
          ? `${where} is listed in INT_OR_STRING_FIELDS but has type ${a.type}`
          : `${where} is IntOrString but not listed in INT_OR_STRING_FIELDS: add it, citing its types.go field`,
      );
    }
    let s = typeSchema(a.type, a.format, refs, { where, quantity: quantity.has(a.name) });
    if (dts.optional || (ZERO_VALUE_ACCEPTED[className] ?? []).includes(a.baseName)) s = nullable(s);
    else required.push(a.baseName);
    properties[a.baseName] = dts.description ? { description: dts.description, ...s } : s;
  }
  for (const z of ZERO_VALUE_ACCEPTED[className] ?? []) {
    if (!attrs.some((a) => a.baseName === z)) throw new Error(`ZERO_VALUE_ACCEPTED names ${className}.${z}, which no longer exists`);
  }
  for (const q of quantity) {
    if (!attrs.some((a) => a.name === q)) throw new Error(`QUANTITY_FIELDS names ${className}.${q}, which no longer exists`);
  }
  for (const f of intOrString) {
    if (!attrs.some((a) => a.name === f)) throw new Error(`INT_OR_STRING_FIELDS names ${className}.${f}, which no longer exists`);
  }
  const def = {};
  if (classDoc) def.description = classDoc;
  def.properties = properties;
  if (required.length) def.required = required.sort();
  def.additionalProperties = false;
  return def;
}

/** HAND_KEPT names the tables of fields the metadata cannot tell; every class they name must be reached. */
const HAND_KEPT = { ZERO_VALUE_ACCEPTED, QUANTITY_FIELDS, INT_OR_STRING_FIELDS };

/**
 * generateKind walks from a kind's root model through every model it references and returns that
 * kind's whole schema. `definitionOf` builds (or returns the already built) definition of a class
 * with the model classes it references.
 */
async function generateKind(k, definitionOf, clientVersion) {
  const root = rootModel(k);
  const rootJs = readFileSync(join(modelsDir, `${root}.js`), 'utf8');
  const spec = /OpenAPI spec version: (\S+)/.exec(rootJs)?.[1] ?? 'unknown';

  const definitions = {};
  const refs = new Set([root]);
  const queue = [root];
  while (queue.length) {
    const name = queue.shift();
    const built = await definitionOf(name);
    definitions[name] = built.def;
    for (const r of [...built.refs].sort()) {
      if (r === root) throw new Error(`${name} refers back to the root ${root}; the root would need a definition of its own`);
      if (!refs.has(r)) {
        refs.add(r);
        queue.push(r);
      }
    }
  }

  // The root's definition is shared with other kinds' schemas (a PVC is also a StatefulSet's claim
  // template): copy it before turning it into this schema's top level.
  const top = structuredClone(definitions[root]);
  delete definitions[root];
  // kubectl rejects a manifest without apiVersion or kind, and each schema is for one apiVersion and kind.
  top.properties.apiVersion = { description: top.properties.apiVersion.description, const: k.apiVersion };
  top.properties.kind = { description: top.properties.kind.description, const: k.kind };
  top.required = ['apiVersion', 'kind', ...(top.required ?? [])].sort();

  const sortedDefs = Object.fromEntries(Object.keys(definitions).sort().map((d) => [d, definitions[d]]));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://kubeplay.local/schemas/${schemaName(k)}.json`,
    $comment:
      `Generated by scripts/gen-schemas.mjs (npm run gen:schema) from @kubernetes/client-node ${clientVersion} ` +
      `model metadata (OpenAPI spec ${spec}); ${Object.keys(sortedDefs).length + 1} models. Do not edit by hand.`,
    title: `${k.apiVersion}/${k.kind} (kubeplay strict)`,
    type: 'object',
    description: top.description,
    properties: top.properties,
    required: top.required,
    additionalProperties: false,
    definitions: sortedDefs,
  };
}

/** generate returns every kind's schema, keyed by file name (`pod.v1.json`), in KINDS order. */
export async function generate() {
  const pkg = JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8'));
  for (const [table, entries] of Object.entries(HAND_KEPT)) {
    for (const c of Object.keys(entries)) {
      if (!existsSync(join(modelsDir, `${c}.js`))) throw new Error(`${table} names model ${c}, which no longer exists`);
    }
  }
  const built = new Map();
  const definitionOf = async (name) => {
    if (!built.has(name)) {
      const refs = new Set();
      built.set(name, { def: await buildDefinition(name, refs), refs });
    }
    return built.get(name);
  };
  const out = {};
  for (const k of KINDS) out[`${schemaName(k)}.json`] = await generateKind(k, definitionOf, pkg.version);
  for (const [table, entries] of Object.entries(HAND_KEPT)) {
    for (const c of Object.keys(entries)) {
      if (!built.has(c)) throw new Error(`${table} names model ${c}, which no schema reaches: remove it or add its kind to KINDS`);
    }
  }
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out-dir');
  const outDir = outIdx >= 0 ? args[outIdx + 1] : join(repoRoot, 'schemas');
  const schemas = await generate();
  const texts = Object.entries(schemas).map(([file, schema]) => [join(outDir, file), JSON.stringify(schema, null, 2) + '\n']);
  if (args.includes('--check')) {
    const stale = texts.filter(([file, text]) => !existsSync(file) || readFileSync(file, 'utf8') !== text).map(([file]) => file);
    // A schema no kind generates any more would still be precompiled by build-validators.js.
    const extra = existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith('.json') && !(f in schemas)) : [];
    for (const f of stale) process.stderr.write(`${relative(process.cwd(), f)} is out of date: run \`npm run gen:schema\` and commit the result.\n`);
    for (const f of extra) process.stderr.write(`${relative(process.cwd(), join(outDir, f))} is not generated by gen-schemas.mjs: remove it.\n`);
    if (stale.length || extra.length) process.exit(1);
    return;
  }
  mkdirSync(outDir, { recursive: true });
  for (const [file, text] of texts) {
    writeFileSync(file, text);
    process.stdout.write(`wrote ${relative(process.cwd(), file)} (${text.length} bytes)\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    process.stderr.write(`gen-schemas failed: ${e.message}\n`);
    process.exit(1);
  });
}
