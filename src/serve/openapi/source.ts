/**
 * The generated strict schemas (schemas/<kind>.json, written by scripts/gen-schemas.mjs from
 * @kubernetes/client-node's models) as the OpenAPI documents read them: each read at its first use
 * and kept, so a server that is never asked for OpenAPI never reads them, and a kind added to the
 * generator and the registry is served with no change here.
 */
import * as fs from 'node:fs';
import type { KindInfo } from '../../domain/kinds';
import { kindSchemaName } from '../../validate/kind-schemas';
import { schemaFile } from '../../validate/schema-validators';

/** JsonSchema is a node of a generated schema (draft-07): only the keywords the generator writes. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  allOf?: JsonSchema[];
  required?: string[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  definitions?: Record<string, JsonSchema>;
  [keyword: string]: unknown;
}

const loaded = new Map<string, JsonSchema | undefined>();

/** kindSchema is a kind's generated schema, or undefined when the generator writes none for it (events, controllerrevisions). */
export function kindSchema(info: Pick<KindInfo, 'apiVersion' | 'kind'>): JsonSchema | undefined {
  const name = kindSchemaName(info.apiVersion, info.kind);
  if (name === undefined) return undefined;
  if (!loaded.has(name)) loaded.set(name, JSON.parse(fs.readFileSync(schemaFile(name), 'utf8')) as JsonSchema);
  return loaded.get(name);
}

/** refName is the definition a `#/definitions/X` reference names, or a node's single `allOf` reference's. */
export function refName(s: JsonSchema | undefined): string | undefined {
  const ref = s?.$ref ?? (s?.allOf?.length === 1 ? s.allOf[0]?.$ref : undefined);
  return ref?.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;
}

/** hasStatus says whether a kind's objects carry a status (its schema has one), so the API serves `<resource>/status`. */
export function hasStatus(info: Pick<KindInfo, 'apiVersion' | 'kind'>): boolean {
  return kindSchema(info)?.properties?.['status'] !== undefined;
}

/**
 * hasScale says whether a kind's spec has `replicas`, which is what the API server serves
 * `<resource>/scale` for (deployments, replicasets, statefulsets; not daemonsets or jobs).
 */
export function hasScale(info: Pick<KindInfo, 'apiVersion' | 'kind'>): boolean {
  const s = kindSchema(info);
  const spec = refName(s?.properties?.['spec']);
  return spec !== undefined && s?.definitions?.[spec]?.properties?.['replicas'] !== undefined;
}
