/**
 * protobuf: the Kubernetes protobuf encoding of the few objects kubectl's generator commands send
 * that way (`kubectl create namespace|configmap|secret` use typed clients, whose requests are
 * protobuf and never fall back to JSON). The envelope is `k8s\0` and a runtime.Unknown {typeMeta 1
 * (apiVersion 1, kind 2), raw 2}; the field numbers are k8s.io/api's generated.proto (ObjectMeta,
 * Namespace, ConfigMap, Secret). Other kinds are a 415: kubeplay reads them as JSON or YAML. Written
 * here because no allowed library decodes protobuf (the wire format is small).
 */

/** Field is one decoded field: its number and its value (a varint as a number, length-delimited as bytes). */
interface Field {
  no: number;
  value: number | Buffer;
}

/** fields reads a message's fields in order; throws on a malformed message. */
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const b = buf[i++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  };
  while (i < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) out.push({ no, value: varint() });
    else if (wire === 2) {
      const n = varint();
      if (i + n > buf.length) throw new Error('truncated field');
      out.push({ no, value: buf.subarray(i, i + n) });
      i += n;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unknown wire type ${wire}`);
  }
  return out;
}

const text = (v: number | Buffer): string => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v));

/** map reads a map field's entries (key 1, value 2). */
function mapOf(entries: Field[], no: number, value: (v: Buffer) => string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let any = false;
  for (const f of entries) {
    if (f.no !== no || !Buffer.isBuffer(f.value)) continue;
    const kv = fields(f.value);
    const k = kv.find((x) => x.no === 1)?.value;
    const v = kv.find((x) => x.no === 2)?.value;
    out[k === undefined ? '' : text(k)] = v === undefined ? '' : value(Buffer.isBuffer(v) ? v : Buffer.from(String(v)));
    any = true;
  }
  return any ? out : undefined;
}

function strings(entries: Field[], no: number): string[] {
  return entries.filter((f) => f.no === no).map((f) => text(f.value));
}

function objectMeta(buf: Buffer): Record<string, unknown> {
  const f = fields(buf);
  const one = (no: number) => f.find((x) => x.no === no)?.value;
  const meta: Record<string, unknown> = {};
  const put = (key: string, no: number) => {
    const v = one(no);
    if (v !== undefined) meta[key] = text(v);
  };
  put('name', 1);
  put('generateName', 2);
  put('namespace', 3);
  put('resourceVersion', 6);
  const labels = mapOf(f, 11, (v) => v.toString('utf8'));
  const annotations = mapOf(f, 12, (v) => v.toString('utf8'));
  if (labels) meta['labels'] = labels;
  if (annotations) meta['annotations'] = annotations;
  const finalizers = strings(f, 14);
  if (finalizers.length > 0) meta['finalizers'] = finalizers;
  return meta;
}

/** isKubeProtobuf says whether a body is in the Kubernetes protobuf envelope. */
export function isKubeProtobuf(body: Buffer): boolean {
  return body.length >= 4 && body[0] === 0x6b && body[1] === 0x38 && body[2] === 0x73 && body[3] === 0;
}

/** decodeKubeProtobuf decodes a Namespace, ConfigMap or Secret; undefined for another kind (the caller answers 415). */
export function decodeKubeProtobuf(body: Buffer): Record<string, unknown> | undefined {
  const unknown = fields(body.subarray(4));
  const typeMeta = unknown.find((f) => f.no === 1)?.value;
  const raw = unknown.find((f) => f.no === 2)?.value;
  if (!Buffer.isBuffer(typeMeta) || !Buffer.isBuffer(raw)) return undefined;
  const tm = fields(typeMeta);
  const apiVersion = text(tm.find((f) => f.no === 1)?.value ?? Buffer.alloc(0));
  const kind = text(tm.find((f) => f.no === 2)?.value ?? Buffer.alloc(0));
  if (apiVersion !== 'v1' || !['Namespace', 'ConfigMap', 'Secret'].includes(kind)) return undefined;
  const f = fields(raw);
  const metaBuf = f.find((x) => x.no === 1)?.value;
  const out: Record<string, unknown> = { apiVersion, kind, metadata: Buffer.isBuffer(metaBuf) ? objectMeta(metaBuf) : {} };
  const flag = (no: number) => {
    const v = f.find((x) => x.no === no)?.value;
    return v === undefined ? undefined : v !== 0;
  };
  if (kind === 'Namespace') {
    const spec = f.find((x) => x.no === 2)?.value;
    const finalizers = Buffer.isBuffer(spec) ? strings(fields(spec), 1) : [];
    if (finalizers.length > 0) out['spec'] = { finalizers };
  } else if (kind === 'ConfigMap') {
    const data = mapOf(f, 2, (v) => v.toString('utf8'));
    const binaryData = mapOf(f, 3, (v) => v.toString('base64'));
    if (data) out['data'] = data;
    if (binaryData) out['binaryData'] = binaryData;
    const immutable = flag(4);
    if (immutable !== undefined) out['immutable'] = immutable;
  } else {
    const data = mapOf(f, 2, (v) => v.toString('base64'));
    const type = f.find((x) => x.no === 3)?.value;
    const stringData = mapOf(f, 4, (v) => v.toString('utf8'));
    if (data) out['data'] = data;
    if (type !== undefined) out['type'] = text(type);
    if (stringData) out['stringData'] = stringData;
    const immutable = flag(5);
    if (immutable !== undefined) out['immutable'] = immutable;
  }
  return out;
}
