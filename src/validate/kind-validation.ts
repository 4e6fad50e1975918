/**
 * KindValidation: what the validate stage needs to know of one kind, and the catalog it asks.
 * Each kind's folder in src/kinds/ provides one (Pod's is validate/pod-validation.ts); the stage
 * itself knows no kind. The catalog is passed in by the caller (commands/, from the registry),
 * so validate never imports the kinds above it.
 */
import type { KindInfo } from '../domain/kinds';
import type { SchemaError } from './pod-schema';
import type { SecurityProfile } from './security';
import type { DocumentRule, Finding, InputRule, PodLike } from './rules/rule';

/** KindValidation is one kind's schema, rules and defaults. */
export interface KindValidation {
  info: KindInfo;
  /** The strict schema check (additionalProperties errors follow --validate). */
  schema(value: unknown): SchemaError[];
  /** The property names the schema allows for the object at a path (for "did you mean"), if known. */
  allowedProperties?(path: (string | number)[]): string[] | undefined;
  /** Rules run on each document of the kind, given the Pod Security Standards level asked for. */
  documentRules(profile: SecurityProfile): readonly DocumentRule[];
  /** Rules run once over every document of the kind in the input. */
  inputRules: readonly InputRule[];
  /** The API server's defaults, applied to a valid object before it is translated, compared or stored. */
  withDefaults(value: PodLike): PodLike;
  /** Fields the schema accepts that kubeplay does not carry out: warnings, checked only on a document without errors. */
  notCarriedOut?(value: PodLike): Finding[];
}

/** KindCatalog finds the validation of a document's kind. */
export interface KindCatalog {
  /** The kind with this apiVersion and kind, if kubeplay handles it. */
  find(apiVersion: string, kind: string): KindValidation | undefined;
  /** Every kind handled, for messages: `Pod (v1), Namespace (v1)`. */
  all(): readonly KindValidation[];
}

/** catalogOf builds a catalog over a list of kinds. */
export function catalogOf(kinds: readonly KindValidation[]): KindCatalog {
  const byKey = new Map(kinds.map((k) => [`${k.info.apiVersion} ${k.info.kind}`, k]));
  return { find: (apiVersion, kind) => byKey.get(`${apiVersion} ${kind}`), all: () => kinds };
}
