/**
 * Plain YAML scalars read as kubectl reads them. kubectl turns each YAML document into JSON with
 * sigs.k8s.io/yaml, whose goyaml.v2 resolves plain scalars by YAML 1.1 rules (goyaml.v2/resolve.go,
 * ported here rule for rule):
 *   - booleans: y Y yes Yes YES true True TRUE on On ON, and n N no No NO false False FALSE off Off OFF;
 *   - null: the empty scalar, ~ null Null NULL; .nan .inf +.inf -.inf (and their case variants);
 *   - a scalar starting with a digit or a sign: `_` are dropped, then Go's ParseInt(s, 0, 64), so
 *     `0644` is octal (420), `0x1F` hex, `0o17` octal, `0b101` binary, `8_080` is 8080; then
 *     ParseUint; then a float when it looks like one (`1e3`, `0.5`, `09`, `-.5`); then a big integer;
 *   - a scalar starting with `.`: a float (`.5`);
 *   - anything else, and every quoted scalar, is a string. Base-60 numbers (`1:30`) and timestamps
 *     stay strings, as goyaml.v2 keeps them when decoding into interface{}.
 * Both parsers of the loader use it: js-yaml on the fast path (fast-yaml.ts) and yaml on the careful
 * path (KUBECTL_YAML_TAGS), so they agree on every value.
 */
import { textOf } from './text';
import type { ScalarTag, Tags } from 'yaml';

/** ScalarKind is the YAML type a plain scalar resolves to. */
export type ScalarKind = 'null' | 'bool' | 'int' | 'float' | 'str';

/** Resolved is a plain scalar's type and value (the text itself for a string). */
export interface Resolved {
  kind: ScalarKind;
  value: unknown;
}

const MAP = new Map<string, Resolved>();
const put = (kind: ScalarKind, value: unknown, words: string[]): void => {
  for (const w of words) MAP.set(w, { kind, value });
};
put('bool', true, ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
put('bool', false, ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
put('null', null, ['', '~', 'null', 'Null', 'NULL']);
put('float', NaN, ['.nan', '.NaN', '.NAN']);
put('float', Number.POSITIVE_INFINITY, ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']);
put('float', Number.NEGATIVE_INFINITY, ['-.inf', '-.Inf', '-.INF']);

/** goyaml.v2's yamlStyleFloat. */
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** What Go's strconv.ParseFloat accepts of a scalar starting with `.`. */
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
/** Go's integer literal syntax for ParseInt(s, 0, 64), underscores already dropped. */
const GO_INT = /^([-+]?)(?:0([xX])([0-9a-fA-F]+)|0([oO])([0-7]+)|0([bB])([01]+)|0([0-7]*)|([1-9][0-9]*))$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const STRING = (s: string): Resolved => ({ kind: 'str', value: s });

/** resolveKubectlScalar resolves one plain (unquoted, untagged) scalar as goyaml.v2 does. */
export function resolveKubectlScalar(s: string): Resolved {
  const known = MAP.get(s);
  if (known) return known;
  const c = s.charCodeAt(0);
  if (c === 0x2e /* . */) return DOT_FLOAT.test(s) ? { kind: 'float', value: parseFloat(s) } : STRING(s);
  const digit = c >= 0x30 && c <= 0x39;
  if (!digit && c !== 0x2b /* + */ && c !== 0x2d /* - */) return STRING(s);

  const plain = s.includes('_') ? s.replace(/_/g, '') : s;
  const m = GO_INT.exec(plain);
  let big: bigint | undefined;
  if (m) {
    const sign = m[1]!;
    const digits = m[3] ?? m[5] ?? m[7] ?? m[8] ?? m[9] ?? '';
    const radix = m[2] ? 16 : m[4] ? 8 : m[6] ? 2 : m[8] !== undefined ? 8 : 10;
    const magnitude = digits === '' ? 0n : BigInt(radix === 10 ? digits : `0${radix === 16 ? 'x' : radix === 8 ? 'o' : 'b'}${digits}`);
    big = sign === '-' ? -magnitude : magnitude;
    if (big >= INT64_MIN && big <= INT64_MAX) return { kind: 'int', value: Number(big) };
    if (sign === '' && big <= UINT64_MAX) return { kind: 'int', value: Number(big) };
  }
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = parseFloat(plain);
    if (Number.isFinite(f)) return { kind: 'float', value: f };
  }
  // ParseUint failed on range (an unsigned literal past 64 bits): goyaml.v2 makes it a big.Int.
  if (big !== undefined && m?.[1] === '') return { kind: 'int', value: Number(big) };
  return STRING(s);
}

/** A test object shaped as yaml asks of a tag (`.test(str)`), answering with resolveKubectlScalar. */
function kindTest(kind: ScalarKind): RegExp {
  return { test: (s: string) => cachedResolve(s).kind === kind } as unknown as RegExp;
}

// yaml asks each tag in turn about the same scalar; one remembered answer saves the repeats.
let lastText: string | undefined;
let lastResolved: Resolved = STRING('');
/** cachedResolve is resolveKubectlScalar remembering its last answer. */
export function cachedResolve(s: string): Resolved {
  if (s !== lastText) {
    lastResolved = resolveKubectlScalar(s);
    lastText = s;
  }
  return lastResolved;
}

function kubectlTag(kind: Exclude<ScalarKind, 'str'>): ScalarTag {
  const tag = `tag:yaml.org,2002:${kind}`;
  const identify: Record<typeof kind, (v: unknown) => boolean> = {
    null: (v) => v === null || v === undefined,
    bool: (v) => typeof v === 'boolean',
    int: (v) => typeof v === 'number' && Number.isInteger(v),
    float: (v) => typeof v === 'number',
  };
  return {
    tag,
    default: true,
    identify: identify[kind],
    test: kindTest(kind),
    // With an explicit tag (`!!int 0644`) the value is resolved the same way; a mismatch keeps the text.
    resolve: (str: string, onError: (message: string) => void) => {
      const r = cachedResolve(str);
      if (r.kind !== kind) onError(`cannot decode !!${r.kind} \`${str}\` as a !!${kind}`);
      return r.kind === kind ? r.value : str;
    },
    // Used only when a test writes YAML with these tags (stringify quotes any string they would resolve).
    stringify: ({ value }) => (value === null || value === undefined ? 'null' : typeof value === 'number' && !Number.isFinite(value) ? (Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf') : textOf(value)),
  };
}

/**
 * KUBECTL_YAML_TAGS replaces the core schema's scalar tags (yaml's customTags option): the map,
 * sequence and string tags stay; null, bool, int and float resolve as kubectl does.
 */
export function KUBECTL_YAML_TAGS(tags: Tags): Tags {
  const keep = tags.filter((t) => typeof t === 'object' && ('collection' in t || t.tag === 'tag:yaml.org,2002:str'));
  return [...keep, kubectlTag('null'), kubectlTag('bool'), kubectlTag('int'), kubectlTag('float')];
}
