/** The metadata size limits, as the API server counts them: label parts in characters, annotations in bytes. */
import type { LoadedDocument } from '../../../src/domain/types';
import { metadataRule, TOTAL_ANNOTATION_SIZE_LIMIT } from '../../../src/validate/rules/metadata';

const doc = {} as LoadedDocument;
const pod = (metadata: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...metadata }, spec: {} });
const messages = (metadata: Record<string, unknown>) => metadataRule.check(pod(metadata), doc).map((f) => f.message);

describe('annotations total size', () => {
  test('256 KiB of keys and values is accepted; one byte more is refused (ValidateAnnotations: field.TooLong)', () => {
    const exact = { a: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT - 1) };
    expect(messages({ annotations: exact })).toEqual([]);
    expect(messages({ annotations: { ab: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT - 1) } })).toEqual([
      'Too long: may not be more than 262144 bytes',
    ]);
  });

  test('is counted in UTF-8 bytes, as Kubernetes does, not in characters', () => {
    // 131,072 two-byte characters: half the limit in characters, one byte over it in bytes with the key.
    expect(messages({ annotations: { a: 'é'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT / 2) } })).toEqual([
      'Too long: may not be more than 262144 bytes',
    ]);
  });
});

describe('label sizes', () => {
  test('a value over 63 characters, a name part over 63 and a prefix over 253 are refused', () => {
    expect(messages({ labels: { app: 'v'.repeat(63), ['k'.repeat(63)]: 'x', [`${'p'.repeat(253)}/n`]: 'x' } })).toEqual([]);
    expect(messages({ labels: { app: 'v'.repeat(64) } })).toEqual([`Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`]);
    expect(messages({ labels: { ['k'.repeat(64)]: 'x' } })).toEqual([`Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`]);
    expect(messages({ labels: { [`${'p'.repeat(254)}/n`]: 'x' } })[0]).toMatch(/^Invalid value: "p+\/n": prefix part must be no more than 253 characters$/);
  });
});
