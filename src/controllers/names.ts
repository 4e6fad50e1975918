/**
 * The names and hashes Kubernetes' controllers give what they make: generateName's 5-character
 * suffix, and the template hash behind `pod-template-hash` (Deployment) and
 * `controller-revision-hash` (StatefulSet, DaemonSet). Pure.
 *
 * Upstream (k8s.io/kubernetes pkg/controller/controller_utils.go ComputeHash) hashes the Go struct
 * with fnv32a through a printer of Go values that cannot be reproduced outside Go, so the same
 * template hashes to a different value here than on a cluster; the form is the same (fnv32a,
 * the collision count appended little-endian, the decimal sum encoded with SafeEncodeString), and
 * so are the properties that matter: stable for a template, changed by any change to it.
 */
import { canonicalJson } from '../domain/canonical-json';

/** ALPHANUMS is k8s.io/apimachinery/pkg/util/rand's alphabet: no vowels, no 0, 1, 3 (no words, no look-alikes). */
export const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** safeEncodeString is rand.SafeEncodeString: each character mapped into ALPHANUMS by its code. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/** fnv32a is the 32-bit FNV-1a hash of bytes. */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * templateHash is ComputeHash(template, collisionCount): a pod template's hash as the
 * `pod-template-hash` label and the ReplicaSet name suffix carry it (`7d4b9c8f6d`).
 */
export function templateHash(template: unknown, collisionCount?: number): string {
  const text = new TextEncoder().encode(canonicalJson(template ?? null));
  let h = fnv32a(text);
  if (collisionCount !== undefined) {
    const le = new Uint8Array(4);
    new DataView(le.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(le, h);
  }
  return safeEncodeString(String(h));
}

/** randomSuffix is generateName's suffix: 5 characters of ALPHANUMS from a random source (Math.random unless given). */
export function randomSuffix(random: () => number = Math.random): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += ALPHANUMS[Math.floor(random() * ALPHANUMS.length) % ALPHANUMS.length];
  return out;
}

/**
 * sequenceSuffix is a deterministic suffix source for tests and plans: `bbbbb`, `bbbbc`, ... (the
 * n-th string of ALPHANUMS counted from `start`).
 */
export function sequenceSuffix(start = 0): () => string {
  let n = start;
  return () => {
    let v = n++;
    let out = '';
    for (let i = 0; i < 5; i++) {
      out = ALPHANUMS[v % ALPHANUMS.length] + out;
      v = Math.floor(v / ALPHANUMS.length);
    }
    return out;
  };
}
