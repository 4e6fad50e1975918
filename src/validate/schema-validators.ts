import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AjvValidateFunction } from './pod-schema';

/**
 * KIND_SCHEMAS lists the generated strict schemas, one per kind (schemas/<name>.json, written by
 * scripts/gen-schemas.mjs from the same list; a unit test keeps the two equal).
 */
export const KIND_SCHEMAS = [
  { name: 'pod.v1', apiVersion: 'v1', kind: 'Pod' },
  { name: 'namespace.v1', apiVersion: 'v1', kind: 'Namespace' },
  { name: 'configmap.v1', apiVersion: 'v1', kind: 'ConfigMap' },
  { name: 'secret.v1', apiVersion: 'v1', kind: 'Secret' },
  { name: 'persistentvolumeclaim.v1', apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { name: 'service.v1', apiVersion: 'v1', kind: 'Service' },
  { name: 'endpoints.v1', apiVersion: 'v1', kind: 'Endpoints' },
  { name: 'endpointslice.discovery.k8s.io-v1', apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  { name: 'deployment.apps-v1', apiVersion: 'apps/v1', kind: 'Deployment' },
  { name: 'replicaset.apps-v1', apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { name: 'statefulset.apps-v1', apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { name: 'daemonset.apps-v1', apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { name: 'job.batch-v1', apiVersion: 'batch/v1', kind: 'Job' },
  { name: 'cronjob.batch-v1', apiVersion: 'batch/v1', kind: 'CronJob' },
] as const;

/** KindSchemaName names one generated schema: `pod.v1`, `deployment.apps-v1`, ... */
export type KindSchemaName = (typeof KIND_SCHEMAS)[number]['name'];

/** KIND_SCHEMA_NAMES lists every KindSchemaName, in KIND_SCHEMAS order. */
export const KIND_SCHEMA_NAMES: readonly KindSchemaName[] = KIND_SCHEMAS.map((s) => s.name);

const validators = new Map<KindSchemaName, AjvValidateFunction>();

// Both files are found relative to this module so the same code works from src/ (ts-jest) and
// from dist/ (the built CLI): dist/validate/ and src/validate/ are both two levels below the root.
/** schemaFile is the path of a generated schema (schemas/<name>.json). */
export function schemaFile(name: KindSchemaName): string {
  return path.join(__dirname, '..', '..', 'schemas', `${name}.json`);
}

/**
 * loadSchemaValidator returns the validator of one schema, loading it at its first use only: the
 * precompiled module next to this file (dist/validate/<name>.validator.js, written by
 * scripts/build-validators.js) when it is there, else (under ts-jest, running from src/) the schema
 * compiled with ajv, with the build's options so both report the same errors. A run that meets only
 * Pods requires only the Pod validator.
 */
export function loadSchemaValidator(name: KindSchemaName): AjvValidateFunction {
  const cached = validators.get(name);
  if (cached) return cached;
  if (!KIND_SCHEMA_NAMES.includes(name)) throw new Error(`no generated schema is named "${String(name)}"`);
  const standalone = path.join(__dirname, `${name}.validator.js`);
  let validate: AjvValidateFunction;
  if (fs.existsSync(standalone)) {
    validate = require(standalone) as AjvValidateFunction;
  } else {
    // ajv itself is only loaded here, so the built CLI never pays for it.
    const Ajv = (require('ajv') as typeof import('ajv')).default;
    const schema = JSON.parse(fs.readFileSync(schemaFile(name), 'utf8')) as object;
    validate = new Ajv({ allErrors: true, strict: false }).compile(schema) as AjvValidateFunction;
  }
  validators.set(name, validate);
  return validate;
}

/** loadedSchemaValidators names the schemas whose validator this process has loaded so far (for tests of the lazy loading). */
export function loadedSchemaValidators(): KindSchemaName[] {
  return [...validators.keys()];
}
