#!/usr/bin/env node
// gen-pod-schema.mjs writes schemas/pod.v1.json: a strict JSON Schema (draft-07) for v1/Pod,
// derived from @kubernetes/client-node's generated model metadata rather than hand-written,
// so that a client-node upgrade brings new Pod fields with one command (`npm run gen:schema`).
//
// Sources, per model class (node_modules/@kubernetes/client-node/dist/gen/models/<Class>.{js,d.ts}):
//   - <Class>.js `attributeTypeMap`: JSON name (baseName), TypeScript type, OpenAPI format;
//   - <Class>.d.ts: which properties are optional (`'x'?:`) and the doc comments.
//
// Usage: node scripts/gen-pod-schema.mjs [--out schemas/pod.v1.json] [--check]
//   --check  exits 1 if the file on disk differs from what would be generated (for CI).

import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const clientDir = join(repoRoot, 'node_modules', '@kubernetes', 'client-node');
const modelsDir = join(clientDir, 'dist', 'gen', 'models');

const INT32 = { minimum: -2147483648, maximum: 2147483647 };
// int64 is bounded to the integers a JavaScript number holds exactly: the YAML parser has
// already rounded anything larger, so accepting it would silently run a different value.
const INT64 = { minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };

// Fields the OpenAPI spec marks required (a Go field without omitempty) that the API server
// accepts when missing: it decodes them to their zero value, and validation.go accepts that value
// (ISCSIVolumeSource.lun 0 is in 0-255; validateHTTPHeaders and validateSysctls check names only).
// The schema leaves them optional so kubeplay does not refuse what a cluster accepts.
const ZERO_VALUE_ACCEPTED = {
  V1ISCSIVolumeSource: ['lun'],
  V1HTTPHeader: ['value'],
  V1Sysctl: ['value'],
};

// Quantity (resource.Quantity) is a string in the OpenAPI spec but client-node's generator erases
// it to plain `string`, so the metadata cannot tell `sizeLimit: 1Gi` from `medium: Memory`.
// These are the Quantity-typed fields reachable from V1Pod (Kubernetes 1.34); the generator fails
// if one of them disappears or changes type, and docs/schema.md explains how to re-check the list.
const QUANTITY_FIELDS = {
  V1EmptyDirVolumeSource: ['sizeLimit'],
  V1ContainerStatus: ['allocatedResources'],
  V1PersistentVolumeClaimStatus: ['allocatedResources', 'capacity'],
  V1PodSpec: ['overhead'],
  V1ResourceFieldSelector: ['divisor'],
  V1ResourceRequirements: ['limits', 'requests'],
  V1VolumeResourceRequirements: ['limits', 'requests'],
};

// QUANTITY_PATTERN is the grammar resource.ParseQuantity accepts (as emitted by controller-gen),
// so `memory: 1gb` is caught here instead of surfacing later as an engine error.
const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

const ROOT = 'V1Pod';

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
  const properties = {};
  const required = [];
  for (const a of [...attrs].sort((x, y) => (x.baseName < y.baseName ? -1 : x.baseName > y.baseName ? 1 : 0))) {
    const dts = props.get(a.name);
    if (!dts) throw new Error(`${className}.d.ts has no property '${a.name}'`);
    const where = `${className}.${a.baseName}`;
    if (quantity.has(a.name) && !/^(string|\{ \[key: string\]: string; \})$/.test(a.type)) {
      throw new Error(`${where} is listed in QUANTITY_FIELDS but has type ${a.type}`);
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
  const def = {};
  if (classDoc) def.description = classDoc;
  def.properties = properties;
  if (required.length) def.required = required.sort();
  def.additionalProperties = false;
  return def;
}

/** generate walks from V1Pod through every referenced model and returns the whole schema. */
export async function generate() {
  const pkg = JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8'));
  const podJs = readFileSync(join(modelsDir, `${ROOT}.js`), 'utf8');
  const spec = /OpenAPI spec version: (\S+)/.exec(podJs)?.[1] ?? 'unknown';
  for (const c of Object.keys(QUANTITY_FIELDS)) {
    if (!existsSync(join(modelsDir, `${c}.js`))) throw new Error(`QUANTITY_FIELDS names model ${c}, which no longer exists`);
  }

  const definitions = {};
  const refs = new Set([ROOT]);
  const queue = [ROOT];
  while (queue.length) {
    const name = queue.shift();
    const found = new Set();
    definitions[name] = await buildDefinition(name, found);
    for (const r of [...found].sort()) {
      if (!refs.has(r)) {
        refs.add(r);
        queue.push(r);
      }
    }
  }

  const pod = definitions[ROOT];
  delete definitions[ROOT];
  // kubectl rejects a manifest without apiVersion or kind, and this schema is only for v1 Pods.
  pod.properties.apiVersion = { description: pod.properties.apiVersion.description, const: 'v1' };
  pod.properties.kind = { description: pod.properties.kind.description, const: 'Pod' };
  pod.required = ['apiVersion', 'kind', ...(pod.required ?? [])].sort();

  const sortedDefs = Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]]));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://kubeplay.local/schemas/pod.v1.json',
    $comment:
      `Generated by scripts/gen-pod-schema.mjs (npm run gen:schema) from @kubernetes/client-node ${pkg.version} ` +
      `model metadata (OpenAPI spec ${spec}); ${Object.keys(sortedDefs).length + 1} models. Do not edit by hand.`,
    title: 'v1/Pod (kubeplay strict)',
    type: 'object',
    description: pod.description,
    properties: pod.properties,
    required: pod.required,
    additionalProperties: false,
    definitions: sortedDefs,
  };
}

async function main() {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  const out = outIdx >= 0 ? args[outIdx + 1] : join(repoRoot, 'schemas', 'pod.v1.json');
  const text = JSON.stringify(await generate(), null, 2) + '\n';
  if (args.includes('--check')) {
    const current = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(`${relative(process.cwd(), out)} is out of date: run \`npm run gen:schema\` and commit the result.\n`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(out, text);
  process.stdout.write(`wrote ${relative(process.cwd(), out)} (${text.length} bytes)\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    process.stderr.write(`gen-pod-schema failed: ${e.message}\n`);
    process.exit(1);
  });
}
