/**
 * Go's base64.StdEncoding.Decode, the decoder the API server runs on every `[]byte` field of a JSON
 * body (a Secret's data, a ConfigMap's binaryData): padded standard alphabet, `\r` and `\n` skipped
 * anywhere, and on bad input a CorruptInputError naming the byte offset where decoding stopped
 * (`illegal base64 data at input byte 4`), which the API server returns as it is. Offsets count
 * bytes of the UTF-8 text, as Go does. Pure; imports nothing.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE: ReadonlyMap<number, number> = new Map([...ALPHABET].map((c, i) => [c.charCodeAt(0), i]));
const CR = 13;
const LF = 10;
const PAD = 61; // '='

/** GoBase64Result is the decoded bytes, or the offset Go's CorruptInputError names. */
export type GoBase64Result = { ok: true; bytes: Buffer } | { ok: false; offset: number; message: string };

const corrupt = (offset: number): GoBase64Result => ({ ok: false, offset, message: `illegal base64 data at input byte ${offset}` });

/** decodeGoBase64 decodes as Go's base64.StdEncoding.DecodeString does (see the module comment). */
export function decodeGoBase64(text: string): GoBase64Result {
  const src = Buffer.from(text, 'utf8');
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    // decodeQuantum: up to four symbols, newlines skipped, padding only at the end.
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailing: number | undefined;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { ok: true, bytes: Buffer.from(out) };
        // A quantum cut short: the padded encoding needs all four symbols.
        return corrupt(si - j);
      }
      const c = src[si]!;
      si++;
      const v = DECODE.get(c);
      if (v !== undefined) {
        dbuf[j] = v;
        continue;
      }
      if (c === LF || c === CR) {
        j--;
        continue;
      }
      if (c !== PAD) return corrupt(si - 1);
      // Padding: only after two or three symbols.
      if (j === 0 || j === 1) return corrupt(si - 1);
      if (j === 2) {
        // "==" is expected; the first "=" is consumed.
        while (si < src.length && (src[si] === LF || src[si] === CR)) si++;
        if (si === src.length) return corrupt(src.length);
        if (src[si] !== PAD) return corrupt(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === LF || src[si] === CR)) si++;
      if (si < src.length) trailing = si;
      dlen = j;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (trailing !== undefined) return corrupt(trailing);
  }
  return { ok: true, bytes: Buffer.from(out) };
}

/** decodedLength is the number of bytes a valid base64 value holds (0 for an invalid one). */
export function decodedLength(text: string): number {
  const r = decodeGoBase64(text);
  return r.ok ? r.bytes.length : 0;
}
