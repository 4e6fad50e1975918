/**
 * The Secret kind's validation, as the API server checks a create
 * (pkg/apis/core/validation/validation.go ValidateSecret). The API server decodes `data` from base64
 * and merges `stringData` into it before it validates, so:
 *   - a `data` value that is not base64 is refused at decoding, in its words (`Secret in version
 *     "v1" cannot be handled as a Secret: illegal base64 data at input byte 4`), at `data.KEY`;
 *   - every key of data and stringData is a config key (IsConfigMapKey), printed as `data[KEY]`;
 *   - the merged values hold at most 1 MiB (`data: Too long: must have at most 1048576 bytes`);
 *   - the type's required keys are looked for in the merged data: kubernetes.io/tls needs `tls.crt`
 *     and `tls.key`, kubernetes.io/dockercfg `.dockercfg` and kubernetes.io/dockerconfigjson
 *     `.dockerconfigjson` holding a JSON object (Go's json.Unmarshal wording, the value redacted),
 *     kubernetes.io/basic-auth `username` or `password`, kubernetes.io/ssh-auth a non-empty
 *     `ssh-privatekey`. Any other type is stored as given (the API server has no list of types).
 * kubernetes.io/service-account-token is kubeplay's refusal: nothing here issues tokens.
 */
import { SECRET_INFO } from './info';
import { decodeGoBase64 } from '../../domain/go-base64';
import { goJsonObjectError } from '../../domain/go-json';
import type { JsonPath } from '../../domain/types';
import type { KindValidation } from '../../validate/kind-validation';
import { validateKindSchema } from '../../validate/kind-schemas';
import type { DocumentRule, Finding, PodLike } from '../../validate/rules/rule';
import { invalid, kubeplayOnly, required } from '../../validate/rules/field-errors';
import { mapKey } from '../../validate/field-path';
import { decodeError, keyFindings, MAX_DATA_SIZE, stringEntries, TOO_LONG } from '../configmap/validation';
import { subdomainMetadataRule, uniqueObjectsRule } from '../object-meta-rules';

/** SECRET_TYPES are the types the API server names (core.SecretType*). */
export const SECRET_TYPES = {
  opaque: 'Opaque',
  serviceAccountToken: 'kubernetes.io/service-account-token',
  dockercfg: 'kubernetes.io/dockercfg',
  dockerConfigJson: 'kubernetes.io/dockerconfigjson',
  basicAuth: 'kubernetes.io/basic-auth',
  sshAuth: 'kubernetes.io/ssh-auth',
  tls: 'kubernetes.io/tls',
} as const;

/** REDACTED is what the API server prints instead of a Secret's value in a message. */
const REDACTED = '<secret contents redacted>';

/** mergedData is a Secret's data as the API server validates it: base64 values decoded (bad ones left out), stringData over them, each with where it was written. */
export function mergedData(secret: PodLike): Map<string, { bytes: Buffer; at: JsonPath }> {
  const out = new Map<string, { bytes: Buffer; at: JsonPath }>();
  for (const [k, v] of stringEntries(secret['data'])) {
    const d = decodeGoBase64(v);
    if (d.ok) out.set(k, { bytes: d.bytes, at: ['data', k] });
  }
  for (const [k, v] of stringEntries(secret['stringData'])) out.set(k, { bytes: Buffer.from(v, 'utf8'), at: ['stringData', k] });
  return out;
}

/** secretDataRule: base64, keys, total size, and the type's required keys. */
export const secretDataRule: DocumentRule = {
  name: 'secret-data',
  check(secret) {
    const out: Finding[] = [];
    const data = stringEntries(secret['data']);
    const stringData = stringEntries(secret['stringData']);
    for (const [key, value] of data) {
      const d = decodeGoBase64(value);
      if (!d.ok) out.push({ path: ['data', key], reportPath: ['data', mapKey(key)], message: decodeError('Secret', d.message) });
    }
    const stringKeys = new Set(stringData.map(([k]) => k));
    for (const [key] of data) if (!stringKeys.has(key)) out.push(...keyFindings('data', key));
    for (const [key] of stringData) out.push(...keyFindings('stringData', key, ['stringData', key], 'data'));

    const merged = mergedData(secret);
    let total = 0;
    for (const { bytes } of merged.values()) total += bytes.length;
    const dataAt: JsonPath = secret['data'] !== undefined ? ['data'] : secret['stringData'] !== undefined ? ['stringData'] : [];
    if (total > MAX_DATA_SIZE) out.push({ path: dataAt, reportPath: ['data'], message: TOO_LONG });

    const type = typeof secret['type'] === 'string' ? secret['type'] : '';
    const need = (key: string): Finding => ({ ...required(dataAt.length > 0 ? dataAt : ['type']), reportPath: ['data', mapKey(key)] });
    switch (type) {
      case SECRET_TYPES.serviceAccountToken:
        out.push(
          kubeplayOnly(
            ['type'],
            `Unsupported value: "${type}": kubeplay has no service accounts and no token controller (there is no Kubernetes API here to issue a token for), so a service-account-token Secret would never hold a token; use type Opaque and put the token you need in data or stringData`,
          ),
        );
        break;
      case SECRET_TYPES.dockercfg:
      case SECRET_TYPES.dockerConfigJson: {
        const key = type === SECRET_TYPES.dockercfg ? '.dockercfg' : '.dockerconfigjson';
        const v = merged.get(key);
        if (v === undefined) {
          // A value that did not decode was reported above.
          if (!data.some(([k]) => k === key)) out.push(need(key));
          break;
        }
        const err = goJsonObjectError(v.bytes);
        if (err !== undefined) out.push({ ...invalid(v.at, REDACTED, err), reportPath: ['data', mapKey(key)] });
        break;
      }
      case SECRET_TYPES.basicAuth:
        if (!merged.has('username') && !merged.has('password') && !data.some(([k]) => k === 'username' || k === 'password')) out.push(need('username'), need('password'));
        break;
      case SECRET_TYPES.sshAuth: {
        const v = merged.get('ssh-privatekey');
        if ((v === undefined || v.bytes.length === 0) && !data.some(([k, raw]) => k === 'ssh-privatekey' && raw !== '' && !decodeGoBase64(raw).ok)) out.push(need('ssh-privatekey'));
        break;
      }
      case SECRET_TYPES.tls:
        for (const key of ['tls.crt', 'tls.key']) if (!merged.has(key) && !data.some(([k]) => k === key)) out.push(need(key));
        break;
      default:
        break;
    }
    return out;
  },
};

/** SECRET_VALIDATION is what the validate stage knows of Secrets. */
export const SECRET_VALIDATION: KindValidation = {
  info: SECRET_INFO,
  schema: (value) => validateKindSchema('secret.v1', value),
  documentRules: () => [subdomainMetadataRule, secretDataRule],
  inputRules: [uniqueObjectsRule('secret')],
  withDefaults: (o: PodLike) => o,
};
