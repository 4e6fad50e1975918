/**
 * goJsonObjectError: what Go's json.Unmarshal says of bytes decoded into a map[string]interface{},
 * the check the API server runs on a docker config Secret (`.dockercfg`, `.dockerconfigjson`):
 * the scanner's syntax errors in its words (`invalid character 'x' looking for beginning of
 * value`, `unexpected end of JSON input`), then a value that is not an object
 * (`json: cannot unmarshal array into Go value of type map[string]interface {}`). null is accepted,
 * as Go accepts it. undefined when the bytes are a JSON object. Pure; imports nothing.
 */

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

class SyntaxErr extends Error {}

/** quoteChar is the scanner's quoteChar: `'x'`, with Go's escapes for the unprintable. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return '\'"\'';
  const escapes: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x5c: '\\\\' };
  if (escapes[c] !== undefined) return `'${escapes[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  if (c >= 0x80) return `'\\x${c.toString(16)}'`;
  return `'${String.fromCharCode(c)}'`;
}

/** goJsonObjectError checks bytes as described in the module comment. */
export function goJsonObjectError(bytes: Uint8Array): string | undefined {
  let i = 0;
  const n = bytes.length;
  const eof = (): never => {
    throw new SyntaxErr('unexpected end of JSON input');
  };
  const bad = (context: string): never => {
    throw new SyntaxErr(`invalid character ${quoteChar(bytes[i]!)} ${context}`);
  };
  const skip = () => {
    while (i < n && WS.has(bytes[i]!)) i++;
  };
  const literal = (word: string) => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (i >= n) eof();
      if (bytes[i] !== word.charCodeAt(k)) bad(`in literal ${word} (expecting ${quoteChar(word.charCodeAt(k))})`);
    }
    i++;
  };
  const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
  const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= n) eof();
      const c = bytes[i]!;
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) bad('in string literal');
      if (c === 0x5c) {
        i++;
        if (i >= n) eof();
        const e = bytes[i]!;
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= n) eof();
            if (!isHex(bytes[i]!)) bad('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) bad('in string escape code');
      }
      i++;
    }
  };
  const number = () => {
    if (bytes[i] === 0x2d) {
      i++;
      if (i >= n) eof();
      if (!isDigit(bytes[i])) bad('in numeric literal');
    }
    if (bytes[i] === 0x30) i++;
    else while (isDigit(bytes[i])) i++;
    if (bytes[i] === 0x2e) {
      i++;
      if (i >= n) eof();
      if (!isDigit(bytes[i])) bad('after decimal point in numeric literal');
      while (isDigit(bytes[i])) i++;
    }
    if (bytes[i] === 0x65 || bytes[i] === 0x45) {
      i++;
      if (bytes[i] === 0x2b || bytes[i] === 0x2d) i++;
      if (i >= n) eof();
      if (!isDigit(bytes[i])) bad('in exponent of numeric literal');
      while (isDigit(bytes[i])) i++;
    }
  };
  const value = (): string => {
    skip();
    if (i >= n) eof();
    const c = bytes[i]!;
    if (c === 0x7b) {
      i++;
      skip();
      if (i >= n) eof();
      if (bytes[i] === 0x7d) {
        i++;
        return 'object';
      }
      for (;;) {
        skip();
        if (i >= n) eof();
        if (bytes[i] !== 0x22) bad('looking for beginning of object key string');
        string();
        skip();
        if (i >= n) eof();
        if (bytes[i] !== 0x3a) bad('after object key');
        i++;
        value();
        skip();
        if (i >= n) eof();
        if (bytes[i] === 0x2c) {
          i++;
          continue;
        }
        if (bytes[i] === 0x7d) {
          i++;
          return 'object';
        }
        bad('after object key:value pair');
      }
    }
    if (c === 0x5b) {
      i++;
      skip();
      if (i >= n) eof();
      if (bytes[i] === 0x5d) {
        i++;
        return 'array';
      }
      for (;;) {
        value();
        skip();
        if (i >= n) eof();
        if (bytes[i] === 0x2c) {
          i++;
          continue;
        }
        if (bytes[i] === 0x5d) {
          i++;
          return 'array';
        }
        bad('after array element');
      }
    }
    if (c === 0x22) {
      string();
      return 'string';
    }
    if (c === 0x2d || isDigit(c)) {
      number();
      return 'number';
    }
    if (c === 0x74) return (literal('true'), 'bool');
    if (c === 0x66) return (literal('false'), 'bool');
    if (c === 0x6e) return (literal('null'), 'null');
    return bad('looking for beginning of value');
  };
  try {
    const kind = value();
    skip();
    if (i < n) bad('after top-level value');
    if (kind === 'object' || kind === 'null') return undefined;
    return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
  } catch (e) {
    if (e instanceof SyntaxErr) return e.message;
    throw e;
  }
}
