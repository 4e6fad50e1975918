/**
 * The patch types of the Kubernetes API and server-side apply, as the server wires them
 * (src/serve/patch/README.md): every function takes and returns decoded JSON and throws (or returns)
 * PatchErrors in the API server's codes and words.
 */
export { applyStrategicMergePatch, SMP_PATCH_TYPES, type StrategicMergeTarget } from './strategic-merge';
export { applyMergePatch, applyJsonPatch, MAX_JSON_PATCH_OPERATIONS, type JsonPatchOperation } from './json-patch';
export {
  serverSideApply,
  updateManagedFields,
  conflictError,
  type ManagedFieldsEntry,
  type Conflict,
  type ServerSideApplyInput,
  type ServerSideApplyResult,
  type UpdateManagedFieldsInput,
} from './server-side-apply';
export { patchMetaAt, schemaExtensionsFor, extensionsByPath, groupKindOf, KUBE_TYPES, TypeSchema, type SchemaExtensions, type FieldShape } from './patch-meta';
export { FieldSet, pathString, type FieldPath, type PathElement } from './field-set';
export type { JsonObject, JsonValue } from './go-format';
