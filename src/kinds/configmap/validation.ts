/**
 * The ConfigMap kind's validation, as the API server checks a create
 * (pkg/apis/core/validation/validation.go ValidateConfigMap): ObjectMeta with a DNS-subdomain name,
 * every key of data and binaryData a config key (IsConfigMapKey), a data key that binaryData holds
 * too, and at most 1 MiB (corev1.MaxSecretSize) of values in all. A binaryData value is decoded from
 * base64 before validation runs; one that does not decode is refused at decoding, in the API
 * server's words (`ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data
 * at input byte 4`), located at the value.
 */
import { CONFIGMAP_INFO } from './info';
import { decodeGoBase64 } from '../../domain/go-base64';
import type { KindValidation } from '../../validate/kind-validation';
import { validateKindSchema } from '../../validate/kind-schemas';
import type { DocumentRule, Finding, PodLike } from '../../validate/rules/rule';
import { asRecord } from '../../validate/rules/rule';
import { isConfigMapKey } from '../../validate/rules/k8s-names';
import { invalid } from '../../validate/rules/field-errors';
import { mapKey } from '../../validate/field-path';
import type { JsonPath } from '../../domain/types';
import { subdomainMetadataRule, uniqueObjectsRule } from '../object-meta-rules';

/** MAX_DATA_SIZE is corev1.MaxSecretSize: the most bytes of values a ConfigMap or Secret holds. */
export const MAX_DATA_SIZE = 1024 * 1024;

/** TOO_LONG is field.TooLong's body for the size limit, as the API server words it. */
export const TOO_LONG = `Too long: must have at most ${MAX_DATA_SIZE} bytes`;

/** keyFindings are IsConfigMapKey's problems with one key of a map (`data`), printed as `data[key]`. */
export function keyFindings(field: string, key: string, at: JsonPath = [field, key], reportField = field): Finding[] {
  return isConfigMapKey(key).map((e) => ({ ...invalid(at, key, e), reportPath: [reportField, mapKey(key)] }));
}

/** decodeError is the API server's refusal of a body whose `[]byte` field is not base64 (transformDecodeError). */
export function decodeError(kind: string, detail: string): string {
  return `${kind} in version "v1" cannot be handled as a ${kind}: ${detail}`;
}

/** stringEntries are a map's entries whose values are strings (the schema reports the others). */
export function stringEntries(v: unknown): Array<[string, string]> {
  return Object.entries(asRecord(v) ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string');
}

/** configMapDataRule: keys, the data/binaryData overlap, base64 of binaryData, and the total size. */
export const configMapDataRule: DocumentRule = {
  name: 'configmap-data',
  check(cm) {
    const out: Finding[] = [];
    const data = stringEntries(cm['data']);
    const binary = stringEntries(cm['binaryData']);
    const binaryKeys = new Set(binary.map(([k]) => k));
    let total = 0;
    for (const [key, value] of data) {
      out.push(...keyFindings('data', key));
      if (binaryKeys.has(key)) out.push({ ...invalid(['data', key], key, 'duplicate of key present in binaryData'), reportPath: ['data', mapKey(key)] });
      total += Buffer.byteLength(value, 'utf8');
    }
    for (const [key, value] of binary) {
      out.push(...keyFindings('binaryData', key));
      const decoded = decodeGoBase64(value);
      if (decoded.ok) total += decoded.bytes.length;
      else out.push({ path: ['binaryData', key], reportPath: ['binaryData', mapKey(key)], message: decodeError('ConfigMap', decoded.message) });
    }
    // The API server reports the size at the whole object (field path "").
    if (total > MAX_DATA_SIZE) out.push({ path: [], message: TOO_LONG });
    return out;
  },
};

/** CONFIGMAP_VALIDATION is what the validate stage knows of ConfigMaps. */
export const CONFIGMAP_VALIDATION: KindValidation = {
  info: CONFIGMAP_INFO,
  schema: (value) => validateKindSchema('configmap.v1', value),
  documentRules: () => [subdomainMetadataRule, configMapDataRule],
  inputRules: [uniqueObjectsRule('configmap')],
  withDefaults: (o: PodLike) => o,
};
