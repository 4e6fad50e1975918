/**
 * The Secret kind: kept in the store only. Stored as the API server stores it on create:
 * `stringData` merged into `data` (base64-encoded, over a data key of the same name) and dropped,
 * every value in canonical base64, `type` defaulted to Opaque, `immutable` kept. Listed with
 * kubectl's `NAME TYPE DATA AGE`; described with sizes only; updates refused as the API server's
 * ValidateSecretUpdate refuses them. The last-applied annotation holds the manifest as written
 * (values included), as kubectl's client-side apply leaves it on a cluster; describe never prints it.
 */
import type { KubeObject, StoredObject } from '../../domain/objects';
import type { ValidManifest } from '../../domain/types';
import { canonicalJson } from '../../domain/canonical-json';
import { decodeGoBase64 } from '../../domain/go-base64';
import type { TableSpec } from '../../print/get/format';
import { timestampSince } from '../../print/get/duration';
import { renderValue } from '../../validate/rules/field-errors';
import type { KindModule } from '../kind';
import { appliedMetadata, IMMUTABLE_FIELD, invalidMessage } from '../stored-object';
import { SECRET_INFO } from './info';

/** OPAQUE is the type a Secret without one gets (SetDefaults_Secret). */
export const OPAQUE = 'Opaque';

/** mergeSecretData is data with stringData merged in, every value canonical base64; undefined when empty. */
export function mergeSecretData(data: unknown, stringData: unknown): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((data ?? {}) as Record<string, unknown>)) {
    if (typeof v !== 'string') continue;
    const d = decodeGoBase64(v);
    out[k] = d.ok ? d.bytes.toString('base64') : v;
  }
  for (const [k, v] of Object.entries((stringData ?? {}) as Record<string, unknown>)) if (typeof v === 'string') out[k] = Buffer.from(v, 'utf8').toString('base64');
  return Object.keys(out).length > 0 ? out : undefined;
}

/** secretObject is a Secret as the API server stores it on create (see the module comment). */
export function secretObject(m: ValidManifest): KubeObject {
  const o = m.object;
  const data = mergeSecretData(o['data'], o['stringData']);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: appliedMetadata(m),
    ...(data ? { data } : {}),
    type: typeof o['type'] === 'string' && o['type'] !== '' ? o['type'] : OPAQUE,
    ...(typeof o['immutable'] === 'boolean' ? { immutable: o['immutable'] } : {}),
  };
}

interface SecretView {
  metadata?: { name?: string; creationTimestamp?: string };
  type?: string;
  data?: Record<string, string>;
}

/** SECRET_TABLE is kubectl's table for secrets: NAME TYPE DATA AGE. */
export const SECRET_TABLE: TableSpec<SecretView> = {
  resource: 'secret',
  namespaced: true,
  headers: () => ['NAME', 'TYPE', 'DATA', 'AGE'],
  cells: (s, _wide, _o, now) => [s.metadata?.name ?? '', s.type ?? '', String(Object.keys(s.data ?? {}).length), timestampSince(s.metadata?.creationTimestamp || undefined, now)],
};

/** secretUpdateProblems is ValidateSecretUpdate: the type never changes; an immutable Secret keeps its data and stays immutable. */
export function secretUpdateProblems(stored: StoredObject, next: KubeObject): string[] {
  const errors: string[] = [];
  const oldType = stored['type'] ?? OPAQUE;
  const newType = next['type'] ?? OPAQUE;
  if (oldType !== newType) errors.push(`type: Invalid value: ${renderValue(newType)}: field is immutable`);
  if (stored['immutable'] === true) {
    if (next['immutable'] !== true) errors.push(`immutable: ${IMMUTABLE_FIELD}`);
    if (canonicalJson(stored['data'] ?? null) !== canonicalJson(next['data'] ?? null)) errors.push(`data: ${IMMUTABLE_FIELD}`);
  }
  return invalidMessage('Secret', stored.metadata.name, errors);
}

/** SECRET is the Secret kind's module. */
export const SECRET: KindModule = {
  info: SECRET_INFO,
  validation: () => (require('./validation') as typeof import('./validation')).SECRET_VALIDATION,
  table: SECRET_TABLE,
  carriedOut: 'store',
  toStored: secretObject,
  describe: (o) => (require('./describe') as typeof import('./describe')).describeSecret(o),
  updateProblems: secretUpdateProblems,
};
