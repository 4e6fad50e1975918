/**
 * decodeSource turns the bytes of one source into text, or into the one located issue that says
 * why they are not manifest text: over the size limit, UTF-16 (a UTF-16 byte order mark), binary (a
 * NUL byte), or not valid UTF-8. A UTF-8 byte order mark is dropped. Pure: no fs, no globals.
 */
import type { Issue, Position } from '../domain/types';

/** ParseInput is one source: its name as the user gave it (`-` for stdin) and its bytes. */
export interface ParseInput {
  name: string;
  bytes: Buffer;
  /** Full size in bytes when `bytes` holds less than the whole source (it was over the limit). */
  size?: number;
}

/** Decoded is the text of a source, or the issue that refuses it. */
export type Decoded = { text: string; issue?: undefined } | { text?: undefined; issue: Issue };

/** decodeSource decodes a source as UTF-8 text; see the module comment for what it refuses. */
export function decodeSource(src: ParseInput, maxBytes: number): Decoded {
  const bytes = src.bytes;
  const refuse = (position: Position, message: string): Decoded => ({
    issue: { severity: 'error', rule: 'load', file: src.name, documentIndex: 0, path: '', ...position, message },
  });

  const size = src.size ?? bytes.length;
  if (size > maxBytes) {
    const measured = src.size !== undefined ? ` (${size} bytes)` : '';
    return refuse(
      { line: 1, column: 1 },
      `too large: the input is over the limit of ${formatBytes(maxBytes)}${measured}; split it into smaller files`,
    );
  }
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    return refuse(
      { line: 1, column: 1 },
      'the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8',
    );
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return refuse(
      bytePosition(bytes, nul),
      'binary file: it contains a NUL byte, so it is not YAML or JSON text; pass a manifest file',
    );
  }
  try {
    // fatal: refuse instead of silently turning bad bytes into U+FFFD. A UTF-8 BOM is dropped.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return refuse(
      bytePosition(bytes, bad),
      `invalid UTF-8: byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')} does not form a valid character; ` +
        'manifests must be UTF-8 text, so convert the file to UTF-8',
    );
  }
}

function formatBytes(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** bytePosition is the 1-based line and column (in UTF-16 units, as yaml counts) of a byte offset. */
function bytePosition(bytes: Buffer, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  // The bytes before `offset` on its line are valid UTF-8 (offset is the first bad one), and the
  // non-fatal decoder drops a leading BOM just as the real decode does.
  const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset));
  return { line, column: before.length + 1 };
}

/** firstInvalidUtf8 finds the first byte that is not part of a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c < min || c > max) return i;
    }
    i += need + 1;
  }
  return Math.max(0, bytes.length - 1);
}
