import { toSchemaErrors, type SchemaError } from './pod-schema';
import { KIND_SCHEMAS, loadSchemaValidator, type KindSchemaName } from './schema-validators';

export { KIND_SCHEMAS, KIND_SCHEMA_NAMES, type KindSchemaName } from './schema-validators';

/**
 * validateKindSchema checks a plain object against one kind's generated strict schema
 * (schemas/<schemaName>.json); [] when valid. The kind's validator is loaded at the first call for
 * that kind, so validating Pods never loads a Deployment's. Errors carry the same paths and messages
 * as validatePodSchema's (toSchemaErrors).
 */
export function validateKindSchema(schemaName: KindSchemaName, value: unknown): SchemaError[] {
  const validate = loadSchemaValidator(schemaName);
  if (validate(value)) return [];
  return toSchemaErrors(validate.errors ?? [], value);
}

/** kindSchemaName finds the schema of an apiVersion and kind (`apps/v1`, `Deployment`), or undefined when none is generated. */
export function kindSchemaName(apiVersion: string, kind: string): KindSchemaName | undefined {
  return KIND_SCHEMAS.find((s) => s.apiVersion === apiVersion && s.kind === kind)?.name;
}
