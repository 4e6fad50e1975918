/**
 * Field sets as structured-merge-diff has them: paths into an object, each step a field name
 * (`.spec`), a list item by its key fields (`[name="web"]`), a set item by its value (`[="a"]`) or an
 * index (`[0]`); kept as `metadata.managedFields[].fieldsV1` in the `f:`/`k:`/`v:`/`i:` encoding, where
 * `.` marks a node that is itself in the set and has children too.
 */
import { isObject, type JsonObject, type JsonValue } from './go-format';

/** PathElement is one step of a field path. */
export type PathElement = { field: string } | { key: JsonObject } | { value: JsonValue } | { index: number };

/** FieldPath is a path from an object's root. */
export type FieldPath = readonly PathElement[];

/** sortedKey is a key object with its fields in name order, as structured-merge-diff keeps them. */
export function sortedKey(key: JsonObject): JsonObject {
  return Object.fromEntries(Object.keys(key).sort().map((k) => [k, key[k]!]));
}

/** encodeElement is a step in the fieldsV1 encoding: `f:name`, `k:{"name":"web"}`, `v:"a"`, `i:0`. */
export function encodeElement(e: PathElement): string {
  if ('field' in e) return `f:${e.field}`;
  if ('key' in e) return `k:${JSON.stringify(sortedKey(e.key))}`;
  if ('value' in e) return `v:${JSON.stringify(e.value)}`;
  return `i:${e.index}`;
}

/** decodeElement reads a fieldsV1 step back. */
export function decodeElement(s: string): PathElement | undefined {
  const tag = s.slice(0, 2);
  const rest = s.slice(2);
  try {
    if (tag === 'f:') return { field: rest };
    if (tag === 'k:') {
      const key = JSON.parse(rest) as unknown;
      return isObject(key) ? { key } : undefined;
    }
    if (tag === 'v:') return { value: JSON.parse(rest) as JsonValue };
    if (tag === 'i:' && /^\d+$/.test(rest)) return { index: Number(rest) };
  } catch {
    return undefined;
  }
  return undefined;
}

/** elementString is a step as the API server prints it in a conflict: `.spec`, `[name="web"]`, `[="a"]`, `[0]`. */
export function elementString(e: PathElement): string {
  if ('field' in e) return `.${e.field}`;
  if ('key' in e) {
    const k = sortedKey(e.key);
    return `[${Object.keys(k).map((n) => `${n}=${JSON.stringify(k[n])}`).join(',')}]`;
  }
  if ('value' in e) return `[=${JSON.stringify(e.value)}]`;
  return `[${e.index}]`;
}

/** pathString is a path as the API server prints it (`.spec.template.spec.containers[name="web"].image`). */
export function pathString(p: FieldPath): string {
  return p.map(elementString).join('');
}

const RANK = { f: 0, k: 1, v: 2, i: 3 } as const;
function compareEncoded(a: string, b: string): number {
  const ra = RANK[a[0] as keyof typeof RANK] ?? 4;
  const rb = RANK[b[0] as keyof typeof RANK] ?? 4;
  if (ra !== rb) return ra - rb;
  if (a[0] === 'i' && b[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

const SEP = '\u0000';
const keyOf = (p: FieldPath): string => p.map(encodeElement).join(SEP);

/** FieldSet is a set of paths. */
export class FieldSet {
  private readonly paths = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const p of paths) this.insert(p);
  }

  insert(p: FieldPath): void {
    this.paths.set(keyOf(p), p);
  }

  has(p: FieldPath): boolean {
    return this.paths.has(keyOf(p));
  }

  get size(): number {
    return this.paths.size;
  }

  get empty(): boolean {
    return this.paths.size === 0;
  }

  /** list is the paths in structured-merge-diff's order (field names, then keys, values, indices; each sorted). */
  list(): FieldPath[] {
    return [...this.paths.entries()]
      .sort(([a], [b]) => {
        const pa = a.split(SEP);
        const pb = b.split(SEP);
        for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
          const c = compareEncoded(pa[i]!, pb[i]!);
          if (c !== 0) return c;
        }
        return pa.length - pb.length;
      })
      .map(([, p]) => p);
  }

  union(o: FieldSet): FieldSet {
    return new FieldSet([...this.paths.values(), ...o.paths.values()]);
  }

  difference(o: FieldSet): FieldSet {
    return new FieldSet([...this.paths.values()].filter((p) => !o.has(p)));
  }

  intersection(o: FieldSet): FieldSet {
    return new FieldSet([...this.paths.values()].filter((p) => o.has(p)));
  }

  /** hasPrefixOf says whether some path of the set is `p` or under it. */
  hasPrefixOf(p: FieldPath): boolean {
    const k = keyOf(p);
    for (const other of this.paths.keys()) if (other === k || other.startsWith(k + SEP)) return true;
    return false;
  }

  /** toFieldsV1 is the set in the managedFields encoding. */
  toFieldsV1(): JsonObject {
    interface Node {
      member: boolean;
      children: Map<string, Node>;
    }
    const root: Node = { member: false, children: new Map() };
    for (const p of this.paths.values()) {
      let n = root;
      for (const e of p) {
        const k = encodeElement(e);
        let c = n.children.get(k);
        if (!c) n.children.set(k, (c = { member: false, children: new Map() }));
        n = c;
      }
      n.member = true;
    }
    const emit = (n: Node): JsonObject => {
      const out: JsonObject = {};
      if (n.member && n.children.size > 0) out['.'] = {};
      for (const k of [...n.children.keys()].sort(compareEncoded)) out[k] = emit(n.children.get(k)!);
      return out;
    };
    return emit(root);
  }

  /** fromFieldsV1 reads a managedFields entry's set (steps it cannot read are left out). */
  static fromFieldsV1(v: unknown): FieldSet {
    const set = new FieldSet();
    const walk = (node: unknown, path: PathElement[]): void => {
      if (!isObject(node)) return;
      const keys = Object.keys(node);
      if (path.length > 0 && (keys.length === 0 || keys.includes('.'))) set.insert(path);
      for (const k of keys) {
        if (k === '.') continue;
        const e = decodeElement(k);
        if (e) walk(node[k], [...path, e]);
      }
    };
    walk(v, []);
    return set;
  }
}
